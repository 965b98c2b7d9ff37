import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import cpuDistributed from '@speedup/cpu-distributed';
import { fibInput, runOptions, type TaskEvent } from '@speedup/shared-core';
import {
  type InterruptedRun,
  itemOf,
  redisOfItsOwn,
  watchRun,
} from '@speedup/shared-core/conformance/queue';
import { REMOTE_WORKERS_VARIABLE } from '@speedup/shared-core/redis';
import { describe, expect, it, vi } from 'vitest';
import { attachedLabel, everythingSaid, fib, startWorkerCommand } from './worker-command.js';

/**
 * Ctrl-C on a worker started with the `worker` command while a job is in its hands, as
 * the README describes: a worker leaves once the jobs in its hands are done; a second
 * Ctrl-C leaves at once, and a job it had not finished goes to another worker. Each test
 * starts two workers, runs jobs long enough to catch one in a worker's hands, and presses
 * Ctrl-C on that worker; the other one finishes the run.
 *
 * A cpu-distributed worker computes on its only thread, so it notices Ctrl-C only when the
 * computation in hand returns, and by then that job's result has already left, asking
 * BullMQ for the next job in the same call. What Ctrl-C changes is what follows.
 */

/** fib(38): under a second here, long enough to press Ctrl-C while a worker computes it. */
const input = fibInput(38, 6);

describe('a cpu-distributed worker given Ctrl-C while a job is in its hands', () => {
  const own = redisOfItsOwn();

  /** What happened when one of two workers got `presses` Ctrl-Cs during its first job. */
  type Interrupted = InterruptedRun<{ readonly value: unknown }>;

  async function pressCtrlCDuringAJob(presses: 1 | 2): Promise<Interrupted> {
    const url = `redis://127.0.0.1:${own.redis.address.port}`;
    const workers = [startWorkerCommand(url), startWorkerCommand(url)];
    const running = new Set(workers);
    for (const worker of workers) worker.once('close', () => running.delete(worker));
    try {
      const labels = await Promise.all(workers.map((worker) => attachedLabel(worker)));
      Object.assign(process.env, own.redis.address.environment(), {
        [REMOTE_WORKERS_VARIABLE]: '1',
      });
      const events: TaskEvent[] = [];
      const runner = await cpuDistributed.setup({});
      let interrupted: Omit<Interrupted, 'results' | 'events' | 'other'>;
      let results: Interrupted['results'];
      try {
        expect(runner.concurrency).toBe(2);
        const computing = runner.run(input, runOptions({ onTask: (event) => events.push(event) }));
        const watched = await watchRun(own.client, own.redis.address);
        try {
          // The first job seen running, and the worker running it.
          const job = await watched.firstActive();
          const victim = job.processedBy as string;
          const worker = workers[labels.indexOf(victim)] as ChildProcess;
          const said = everythingSaid(worker);
          const eventsWhenGone = said.then(() => events.length);
          const pid = Number(victim.split('pid ')[1]);
          for (let press = 0; press < presses; press++) {
            // A terminal's second Ctrl-C comes a moment after the first; two sent back to
            // back could reach the worker as one, so each waits for the one before.
            await vi.waitFor(() => expect(sigintPending(pid)).toBe(false), { interval: 5 });
            process.kill(-(worker.pid as number), 'SIGINT');
          }
          // The Ctrl-C reached it while that job was still in its hands.
          expect(await watched.queue.getJobState(job.id as string)).toBe('active');

          results = await computing;
          interrupted = {
            victim,
            inHand: itemOf(job.id as string),
            said: await said,
            handedOn: watched.handedOn,
            eventsWhenGone: await eventsWhenGone,
          };
        } finally {
          await watched.close();
        }
      } finally {
        await runner.close();
      }
      expect(await own.client.keys('*')).toEqual([]);

      // The other worker is still waiting for runs; Ctrl-C sends it away too.
      const other = labels.find((label) => label !== interrupted.victim) as string;
      const otherWorker = workers[labels.indexOf(other)] as ChildProcess;
      expect([...running]).toEqual([otherWorker]);
      const otherLeft = once(otherWorker, 'close');
      process.kill(-(otherWorker.pid as number), 'SIGINT');
      await otherLeft;
      const clients = (await own.client.client('LIST')) as string;
      expect(clients.trim().split('\n')).toHaveLength(1);
      return { results, events, other, ...interrupted };
    } finally {
      for (const worker of running) process.kill(-(worker.pid as number), 'SIGKILL');
    }
  }

  /** The items a worker completed, in the order their results arrived. */
  const doneBy = (events: readonly TaskEvent[], worker: string) =>
    events.filter((event) => event.worker === worker).map((event) => event.index);

  it('first Ctrl-C: it says it is leaving, finishes the jobs it took, hands none on, and goes', async () => {
    const run = await pressCtrlCDuringAJob(1);

    expect(run.results.map((result) => result.value)).toEqual(input.items.map(fib));
    // The job in its hands when Ctrl-C came was finished, by it.
    expect(doneBy(run.events, run.victim)).toContain(run.inHand);
    // No job it had taken was left for the queue to hand to the other worker...
    expect(run.handedOn).toEqual([]);
    // ...and it left: besides the job in hand, it did at most the one BullMQ gave it
    // along with that job's result, before it could see the Ctrl-C. The other did the rest.
    expect(doneBy(run.events, run.victim).length).toBeLessThanOrEqual(2);
    expect(doneBy(run.events, run.other).length).toBeGreaterThanOrEqual(input.items.length - 2);
    expect(run.said).toMatch(/^leaving once the jobs in hand are done/m);
  }, 90_000);

  it('second Ctrl-C: it goes without finishing the job it had taken, and the other worker does that job', async () => {
    const run = await pressCtrlCDuringAJob(2);

    expect(run.results.map((result) => result.value)).toEqual(input.items.map(fib));
    // It left a job unfinished: its claim ran out, the queue handed it on, and the other
    // worker did it, after the interrupted one had gone.
    expect(run.handedOn.length).toBeGreaterThanOrEqual(1);
    for (const item of run.handedOn) {
      const done = run.events.findIndex((event) => event.index === item);
      expect(run.events[done]?.worker).toBe(run.other);
      expect(done).toBeGreaterThanOrEqual(run.eventsWhenGone);
    }
    // It completed nothing but the job whose computation had already ended when it saw the
    // Ctrl-Cs (that result had left with the computation's end).
    expect(doneBy(run.events, run.victim).filter((item) => item !== run.inHand)).toEqual([]);
    // The first Ctrl-C had said it was leaving; the second cut that short.
    expect(run.said).toMatch(/^leaving once the jobs in hand are done/m);
  }, 90_000);
});

/** Whether a SIGINT sent to `pid` is still waiting to reach it (Linux's /proc). */
function sigintPending(pid: number): boolean {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const sigint = 1n << 1n;
  return [...status.matchAll(/^(?:SigPnd|ShdPnd):\s*([0-9a-f]+)$/gm)].some(
    ([, mask]) => (BigInt(`0x${mask}`) & sigint) !== 0n,
  );
}
