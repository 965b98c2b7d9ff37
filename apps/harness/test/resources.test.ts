import { fileURLToPath } from 'node:url';
import { fibInput, type SetupOptions } from '@speedup/shared-core';
import { beforeAll, describe, expect, it } from 'vitest';
// The built one: it forks the built child.js beside it, which takes the figures.
import { MeasuringProcess } from '../dist/benchmark/child-process/parent.js';
import type { RunRecord } from '../src/benchmark/child-process/messages.js';

/**
 * The README's loop p99 and user/system columns, from real runs in a measuring process:
 * the loop delay of the thread that started the work, and CPU time that counts the
 * pool's worker threads and child processes. Beyond checking that a run lasted long enough
 * to tell anything, each assertion compares measurements of this test's own runs with
 * each other, never with a fixed time.
 */

const strategyDir = (name: string) =>
  fileURLToPath(new URL(`../../../packages/${name}/`, import.meta.url));

/** fib(32) 16 times: about half a second on one core, so a run is long beside any hiccup. */
const input = fibInput(32, 16);
const POOL: SetupOptions = { workers: 2 };

/** Set up, a warm-up run (the JIT and the pool's start are not what is measured), one measured run. */
async function measuredRun(strategy: string, setup: SetupOptions = {}): Promise<RunRecord> {
  const measuring = await MeasuringProcess.start({
    strategyDir: strategyDir(strategy),
    input,
    setup,
  });
  try {
    await measuring.run(0, true);
    const record = await measuring.run(1, false);
    await measuring.finish();
    return record;
  } catch (error) {
    measuring.kill();
    throw error;
  }
}

describe('loop p99 and CPU time, measured', () => {
  // One after another: on two cores, strategies measured at once would slow each other.
  const records = new Map<string, RunRecord>();
  beforeAll(async () => {
    records.set('cpu-sync', await measuredRun('cpu-sync'));
    records.set('cpu-asyncio', await measuredRun('cpu-asyncio'));
    records.set('cpu-threading', await measuredRun('cpu-threading', POOL));
    records.set('cpu-multiprocessing', await measuredRun('cpu-multiprocessing', POOL));
  }, 60_000);

  const recordOf = (strategy: string): RunRecord => {
    const record = records.get(strategy);
    if (!record) throw new Error(`${strategy} was not measured`);
    return record;
  };

  // README: the blocking strategies show "a loop delay (p99) as long as the whole run".
  it.each(['cpu-sync', 'cpu-asyncio'])(
    '%s: computing on the thread that started the work, its loop p99 is about as long as the run',
    (strategy) => {
      const { workMs, loopDelay } = recordOf(strategy);
      expect(workMs).toBeGreaterThan(100);
      expect(loopDelay.p99).toBeGreaterThan(workMs * 0.5);
    },
  );

  // README: a pool keeps the loop of the thread that started the work free.
  it('cpu-threading: the work on two worker threads, the loop p99 of the thread that started it stays far below the run', () => {
    const { workMs, loopDelay } = recordOf('cpu-threading');
    expect(workMs).toBeGreaterThan(100);
    expect(loopDelay.p99).toBeLessThan(workMs * 0.25);
  });

  // README: "CPU time includes worker threads and child processes". The pools compute
  // what cpu-sync computes, and the thread that hands the tasks out spends next to
  // nothing: were the workers' CPU time left out, the figure would be near zero. The
  // same work's CPU time drifts by a third between runs on a shared machine, so the bar
  // is half of cpu-sync's.
  it.each(['cpu-threading', 'cpu-multiprocessing'])(
    '%s: user CPU time counts its two workers: at least half of what cpu-sync spends on the same work',
    (strategy) => {
      const reference = recordOf('cpu-sync');
      // cpu-sync computes on its one thread for the whole run (when the machine lets it).
      expect(reference.userMs).toBeGreaterThan(reference.workMs * 0.25);
      expect(recordOf(strategy).userMs).toBeGreaterThan(reference.userMs * 0.5);
    },
  );
});
