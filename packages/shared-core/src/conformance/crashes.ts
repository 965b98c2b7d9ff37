import { faultUrls } from '@speedup/site-server';
import { expect, it, vi } from 'vitest';
import { crashModes, crashPage, type WorkerDeath, workerDeaths } from '../crash.js';
import { childPids } from '../harness/processes.js';
import { downloadInput, fibInput } from '../jobs.js';
import { diffResults } from '../results.js';
import { type CpuStrategy, type IoStrategy, runOptions } from '../strategy.js';
import { LOST_WORKER, mostAtOnce } from '../tasks.js';
import type { IoInput, Isolation, PageResult, Result, SetupOptions, TaskEvent } from '../types.js';
import { expectedCpu, expectedPages } from './expected.js';
import { expectEachItem, expectOneEventPerItem, type ItemCase, outcomeOf } from './items.js';
import { expectNothingLeftRunning, snapshot } from './leaks.js';
import { type Load, siteServerDuringTests } from './runs.js';

/**
 * What a strategy promises when a task kills its worker: the task ends `crashed`, with a
 * `lost worker` task event; the pool replaces the worker, and the other items and later
 * runs are unharmed. An exception in a worker, whenever it fires, is never lost: one
 * that fires after its task has returned ends that task `crashed`, or a later one. Which deaths a strategy must survive depends on where its tasks run
 * (its package.json's `isolation`): on the caller's thread, none; in worker threads, a
 * throw outside the task, `process.exit` and running out of memory; in child processes,
 * also a SIGKILL, sent by the task itself or from outside.
 */

/**
 * Time for a test in which a worker runs out of memory: filling a 2 GB heap ends in
 * seconds of last-resort garbage collection (about 14 s for a child process on a busy
 * 2-core machine).
 */
const DYING_TEST_TIMEOUT_MS = 60_000;

/** Each death, as a failing test names it. */
const DEATHS: Readonly<Record<WorkerDeath, string>> = {
  'throw-later': 'throws later in the worker',
  exit: 'exits',
  kill: 'kills its process with SIGKILL',
  'out-of-memory': 'runs out of memory',
};

/** The deaths a worker can die without taking the caller with it. */
function deathsFor(isolation: Isolation): WorkerDeath[] {
  if (isolation === 'none') return [];
  // A signal ends a whole process: only a child process can be killed without killing the caller.
  if (isolation === 'thread') return ['throw-later', 'exit', 'out-of-memory'];
  return ['throw-later', 'exit', 'kill', 'out-of-memory'];
}

/**
 * An item's outcome, held to its task event: `crashed` only with a `lost worker` event,
 * anything else only with an event from a worker that lived to send it.
 */
function outcomeWithEvent(result: Result | undefined, event: TaskEvent | undefined): string {
  const outcome = outcomeOf(result);
  const lost = event?.worker === LOST_WORKER;
  if ((outcome === 'crashed') === lost) return outcome;
  return `${outcome} with an event from ${event?.worker ?? 'nobody'}`;
}

function outcomesWithEvents(results: readonly Result[], events: readonly TaskEvent[]): string[] {
  const eventOf = new Map(events.map((event) => [event.index, event]));
  return results.map((result, index) => outcomeWithEvent(result, eventOf.get(index)));
}

/** Most pages one worker that lived through the run had in flight at once. */
function mostHeldByOneWorker(events: readonly TaskEvent[]): number {
  const lanes = new Map<string, TaskEvent[]>();
  for (const event of events) {
    if (event.worker !== LOST_WORKER)
      lanes.set(event.worker, [...(lanes.get(event.worker) ?? []), event]);
  }
  return Math.max(0, ...[...lanes.values()].map((lane) => mostAtOnce(lane)));
}

export function ioCrashTests(
  load: Load<IoStrategy>,
  setup: SetupOptions,
  isolation: Isolation,
  { redelivers = false }: { readonly redelivers?: boolean } = {},
): void {
  const deaths = deathsFor(isolation);
  if (deaths.length === 0) return;
  const server = siteServerDuringTests({ latency: 2 });

  // Two workers, so that one lives through the death and shows how many pages a worker
  // holds at once: a pool that hands each worker many pages (io-hybrid) loses those the
  // dying worker held, and no more; a pool that hands out one page at a time loses one.
  it.each(deaths)(
    'loses only the page whose task kills its worker (%s), and the pages that worker held; the pool replaces it and carries on',
    async (death) => {
      const before = snapshot();
      const crashAt = 1;
      const items = downloadInput(server().sites, 12).items.with(crashAt, crashPage(death));
      // Any page may have been held by the dying worker; the count is checked below.
      const cases: ItemCase[] = items.map((_, index) =>
        index === crashAt
          ? { what: DEATHS[death], expected: 'crashed' }
          : { what: index % 2 === 0 ? 'site A' : 'site B', expected: ['ok', 'crashed'] },
      );
      const runner = await (await load()).setup({ ...setup, workers: 2 });
      try {
        const events: TaskEvent[] = [];
        const results = await runner.run(
          { job: 'download', items },
          runOptions({ onTask: (event) => events.push(event) }),
        );
        expectOneEventPerItem(events, items.length);
        expectEachItem(cases, outcomesWithEvents(results, events));

        const downloaded = results.flatMap((page, index) => (page.error ? [] : [index]));
        expect(
          diffResults(
            expectedPages(server(), {
              job: 'download',
              items: downloaded.map((index) => items[index] as string),
            }),
            downloaded.map((index) => results[index] as PageResult),
          ),
        ).toEqual([]);
        const lostBeside = results.filter(
          (page, index) => page.error === 'crashed' && index !== crashAt,
        ).length;
        expect(
          lostBeside,
          'pages lost beside the crash page: more than the dying worker can have held',
        ).toBeLessThanOrEqual(mostHeldByOneWorker(events) - 1);

        const again = downloadInput(server().sites, 6);
        expect(
          diffResults(expectedPages(server(), again), await runner.run(again, runOptions())),
        ).toEqual([]);
      } finally {
        await runner.close();
      }
      await expectNothingLeftRunning(before);
    },
    DYING_TEST_TIMEOUT_MS,
  );

  // A thread cannot be killed from outside its pool, but a process can: kill the one
  // that is waiting for a page, as a crash or the OOM killer would. A strategy declaring
  // `"delivery": "at-least-once"` (a job queue) loses no page this way: it hands the job
  // to another worker, which the hung page would keep waiting; such a package's own tests
  // kill a worker mid-download and check the page is done again, exactly.
  if (isolation === 'process' && !redelivers) {
    it('loses only the page whose process is killed mid-download; the pool replaces it and carries on', async () => {
      const before = snapshot();
      await server().resetStats();
      const [siteA, siteB] = server().sites;
      const input: IoInput = { job: 'download', items: [siteA, faultUrls(siteA).hang, siteB] };
      // One process, so the one to kill is the one holding the hung request.
      const runner = await (await load()).setup({ ...setup, workers: 1 });
      try {
        const events: TaskEvent[] = [];
        const running = runner.run(input, runOptions({ onTask: (event) => events.push(event) }));
        await vi.waitFor(async () => expect((await server().stats()).faults.hang).toBe(1), {
          timeout: 10_000,
          interval: 20,
        });
        const children = childPids().filter((pid) => !before.children.includes(pid));
        expect(children).toHaveLength(1);
        process.kill(children[0] as number, 'SIGKILL');
        const results = await running;
        expectEachItem(
          [
            { what: 'site A', expected: 'ok' },
            { what: 'killed while waiting for its response', expected: 'crashed' },
            { what: 'site B', expected: 'ok' },
          ],
          outcomesWithEvents(results, events),
        );
        expect(
          diffResults(expectedPages(server(), { job: 'download', items: [siteA, siteB] }), [
            results[0] as PageResult,
            results[2] as PageResult,
          ]),
        ).toEqual([]);
        const again = downloadInput(server().sites, 6);
        expect(
          diffResults(expectedPages(server(), again), await runner.run(again, runOptions())),
        ).toEqual([]);
      } finally {
        await runner.close();
      }
      await expectNothingLeftRunning(before);
    }, 30_000);
  }
}

export function cpuCrashTests(
  load: Load<CpuStrategy>,
  setup: SetupOptions,
  isolation: Isolation,
): void {
  const deaths = deathsFor(isolation);
  if (deaths.length === 0) return;
  const works: ItemCase & { mode: number } = {
    what: 'returns 0',
    mode: crashModes.none,
    expected: 'ok',
  };

  // These end the worker inside the task, so it can never answer: its task is lost, whatever the pool.
  const inTask = deaths.filter((death) => death !== 'throw-later');
  it(
    'loses only the task whose worker dies; the pool replaces the worker and carries on',
    async () => {
      const before = snapshot();
      const cases = inTask
        .flatMap((death) => [
          works,
          { what: DEATHS[death], mode: workerDeaths[death], expected: 'crashed' },
        ])
        .concat(works);
      const runner = await (await load()).setup({ ...setup, batch: 1 });
      try {
        const events: TaskEvent[] = [];
        const results = await runner.run(
          { job: 'crash', items: cases.map(({ mode }) => mode) },
          runOptions({ onTask: (event) => events.push(event) }),
        );
        expectEachItem(cases, outcomesWithEvents(results, events));
        const again = fibInput(20, 8);
        expect(diffResults(expectedCpu(again), await runner.run(again, runOptions()))).toEqual([]);
      } finally {
        await runner.close();
      }
      await expectNothingLeftRunning(before);
    },
    DYING_TEST_TIMEOUT_MS,
  );

  // The contract for an exception that fires after its task has returned: it is never
  // lost. Whether the worker dies before it answers depends on the pool (workerpool's
  // dies first; piscina's answers, and then, with `atomics: 'disabled'`, dies idle, or by
  // default holds the exception until its event loop next turns, which may be never: see
  // `poolTask`), so either the task it belongs to ends `crashed`, or a later task does.
  // One worker, so that every later task goes to the worker the exception is in.
  it(
    'never loses an exception thrown later in the worker: its task ends crashed, or a later task does; the pool carries on',
    async () => {
      const before = snapshot();
      const modes = [crashModes.none, crashModes.throwLater, crashModes.none, crashModes.none];
      const runner = await (await load()).setup({ ...setup, workers: 1, batch: 1 });
      try {
        const events: TaskEvent[] = [];
        const results = await runner.run(
          { job: 'crash', items: modes },
          runOptions({ onTask: (event) => events.push(event) }),
        );
        const outcomes = outcomesWithEvents(results, events);
        const reportedBy = outcomes.indexOf('crashed');
        expect(
          reportedBy,
          `the exception was lost: no task ended crashed (outcomes: ${outcomes.join(', ')})`,
        ).toBeGreaterThanOrEqual(1);
        expectEachItem(
          modes.map((mode, index) => ({
            what:
              mode === crashModes.throwLater
                ? DEATHS['throw-later']
                : index === reportedBy
                  ? 'returns 0, on the worker the exception is in'
                  : 'returns 0',
            expected: index === reportedBy ? 'crashed' : 'ok',
          })),
          outcomes,
        );
        const again = fibInput(20, 8);
        expect(diffResults(expectedCpu(again), await runner.run(again, runOptions()))).toEqual([]);
      } finally {
        await runner.close();
      }
      await expectNothingLeftRunning(before);
    },
    DYING_TEST_TIMEOUT_MS,
  );
}
