import {
  closeSessionOfThisWorker,
  sessionForThisWorker,
  sessionsCreatedByThisWorker,
} from '@speedup/shared-core';
import { describe, expect, it } from 'vitest';
// Worker threads load compiled files, so the demos are tested as built (`pnpm build`).
import { AsyncMutex } from '../dist/async-mutex.js';
import {
  checkThenCreate,
  checkThenCreateUnderLock,
  holdThePromise,
  sessionsGivenOut,
} from '../dist/race-async.js';
import { countWithWorkers } from '../dist/race-shared-memory.js';

/** Worker threads of this process still alive, as Node's diagnostic report lists them. */
const liveWorkerThreads = () =>
  (process.report.getReport() as { workers: unknown[] }).workers.length;

/** The demo's defaults: the article's 5,000 tasks × 100, on four workers. */
const article = { workers: 4, tasks: 5_000, increments: 100 };

describe('race demo, case 1: a counter in shared memory', () => {
  it('Atomics.add is exact on every run', async () => {
    for (let round = 0; round < 5; round++) {
      expect(await countWithWorkers('atomic', article)).toMatchObject({
        expected: 500_000,
        actual: 500_000,
      });
    }
  });

  it('the SharedMutex built on Atomics.wait and notify is exact on every run', async () => {
    for (let round = 0; round < 5; round++) {
      expect(await countWithWorkers('locked', article)).toMatchObject({
        expected: 500_000,
        actual: 500_000,
      });
    }
  });

  it('the plain read-modify-write never counts more than was added, and its losses are reported', async ({
    annotate,
  }) => {
    const lost: number[] = [];
    for (let round = 0; round < 4; round++) {
      const { expected, actual } = await countWithWorkers('plain', article);
      expect(actual).toBeLessThanOrEqual(expected);
      lost.push(expected - actual);
    }
    // Not asserted: on a given run every round may win the race.
    await annotate(`lost updates per round: ${lost.join(', ')}`);
  });

  it('splits tasks that do not divide evenly and still counts every one', async () => {
    expect(
      await countWithWorkers('atomic', { workers: 3, tasks: 1_000, increments: 7 }),
    ).toMatchObject({ expected: 7_000, actual: 7_000 });
  });

  it('leaves no worker thread running', async () => {
    await countWithWorkers('locked', { workers: 3, tasks: 300, increments: 10 });
    expect(liveWorkerThreads()).toBe(0);
  });
});

describe('race demo, case 3: no shared memory', () => {
  it("summing the workers' own counts is exact on every run", async () => {
    for (let round = 0; round < 5; round++) {
      expect(await countWithWorkers('unshared', article)).toMatchObject({
        expected: 500_000,
        actual: 500_000,
      });
    }
  });
});

describe('race demo, case 2: check-then-act across an await, on one thread', () => {
  it('loses every time: each task that checks before the first session exists creates one', async () => {
    for (let round = 0; round < 20; round++) {
      expect(await sessionsGivenOut(checkThenCreate(), 10)).toBe(10);
    }
    expect(await sessionsGivenOut(checkThenCreate(), 2)).toBe(2);
  });

  it('a promise-based mutex around the check and the act gives every task the same session', async () => {
    for (let round = 0; round < 20; round++) {
      expect(await sessionsGivenOut(checkThenCreateUnderLock(), 10)).toBe(1);
    }
  });

  it('holding the promise instead of the value gives every task the same session', async () => {
    for (let round = 0; round < 20; round++) {
      expect(await sessionsGivenOut(holdThePromise(), 10)).toBe(1);
    }
  });

  it('sessionForThisWorker holds the promise too: concurrent callers share one new session', async () => {
    const before = sessionsCreatedByThisWorker();
    try {
      const sessions = await Promise.all(Array.from({ length: 10 }, () => sessionForThisWorker()));
      expect(new Set(sessions).size).toBe(1);
      expect(sessionsCreatedByThisWorker()).toBe(before + 1);
    } finally {
      await closeSessionOfThisWorker();
    }
  });
});

describe('AsyncMutex', () => {
  const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

  it('runs tasks one at a time, in the order they asked', async () => {
    const mutex = new AsyncMutex();
    const log: string[] = [];
    let inside = 0;
    await Promise.all(
      ['a', 'b', 'c'].map((name) =>
        mutex.runExclusive(async () => {
          inside++;
          expect(inside).toBe(1);
          log.push(`${name} in`);
          await tick();
          log.push(`${name} out`);
          inside--;
        }),
      ),
    );
    expect(log).toEqual(['a in', 'a out', 'b in', 'b out', 'c in', 'c out']);
  });

  it('passes on a failure to its caller and still lets the next task run', async () => {
    const mutex = new AsyncMutex();
    const failed = mutex.runExclusive(async () => {
      await tick();
      throw new Error('boom');
    });
    const next = mutex.runExclusive(async () => 'next ran');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('next ran');
  });
});
