import { fileURLToPath } from 'node:url';
import type { CpuInput, CpuResult } from '@speedup/shared-core';
import { describe, expect, it } from 'vitest';
import type { RunRecord, SetupRequest } from '../src/benchmark/child-process/messages.js';
import type { Measurer, MeasuringSession } from '../src/benchmark/measure.js';
import { runBench } from '../src/benchmark/schedule.js';
import { type BenchOptions, parseBenchOptions } from '../src/options.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * A measurer that starts nothing, as hyperfine tests its scheduler with a mock executor:
 * every strategy "computes" the same records in 10 ms, and every set-up is written down.
 */
function fakeMeasurer(): { measurer: Measurer; started: { strategy: string; size: number }[] } {
  const started: { strategy: string; size: number }[] = [];
  const measurer: Measurer = {
    async start(request: SetupRequest): Promise<MeasuringSession> {
      const input = request.input as CpuInput;
      started.push({
        strategy: request.strategyDir.split('/').at(-1) as string,
        size: input.items[0] as number,
      });
      const results: CpuResult[] = input.items.map((n) => ({ input: String(n), value: '1' }));
      return {
        setupMs: 1,
        concurrency: request.setup.workers ?? 1,
        async run(run, warmup): Promise<RunRecord> {
          return {
            warmup,
            workMs: 10 + run,
            userMs: 10,
            systemMs: 0,
            loopDelay: { p50: 0, p99: 0, max: 0 },
            results,
            events: [],
          };
        },
        finish: async () => ({ closeMs: 0, peakMemoryBytes: 0 }),
        kill: () => {},
      };
    },
  };
  return { measurer, started };
}

const optionsOf = (...args: string[]): BenchOptions =>
  parseBenchOptions([
    '--workload',
    'cpu',
    '--job',
    'sum-of-squares',
    '--runs',
    '2',
    '--min-time',
    '0',
    '--root',
    root,
    ...args,
  ]);

describe('the benchmark schedule, driven without starting a process', () => {
  it('measures the reference once across a sweep of workers, which cannot change it', async () => {
    const { measurer, started } = fakeMeasurer();
    const result = await runBench(
      optionsOf('--only', 'cpu-sync,cpu-threading', '--sweep', 'workers=1,2,4'),
      { measurer },
    );
    expect(started.map((each) => each.strategy)).toEqual([
      'cpu-sync',
      'cpu-threading',
      'cpu-threading',
      'cpu-threading',
    ]);
    const references = result.rows.filter((row) => row.reference);
    expect(references.map((row) => row.parameters.workers)).toEqual(['1', '2', '4']);
    // The same measurement, shown once per value so every value has its speed-up.
    expect(new Set(references.map((row) => row.timesMs.join()))).toEqual(new Set(['10,11']));
    expect(result.rows.filter((row) => !row.reference).every((row) => row.ok)).toBe(true);
  });

  it('runs an unselected reference once for its results, not once per sweep value', async () => {
    const { measurer, started } = fakeMeasurer();
    const result = await runBench(optionsOf('--only', 'cpu-threading', '--sweep', 'workers=1,2'), {
      measurer,
    });
    expect(started.map((each) => each.strategy)).toEqual([
      'cpu-sync',
      'cpu-threading',
      'cpu-threading',
    ]);
    expect(result.rows.map((row) => row.strategy)).toEqual(['cpu-threading', 'cpu-threading']);
  });

  it('measures the reference again at every size, since its input changes', async () => {
    const { measurer, started } = fakeMeasurer();
    await runBench(optionsOf('--only', 'cpu-sync,cpu-threading', '--sweep', 'size=0.01,0.02'), {
      measurer,
    });
    expect(started).toEqual([
      { strategy: 'cpu-sync', size: 50_000 },
      { strategy: 'cpu-threading', size: 50_000 },
      { strategy: 'cpu-sync', size: 100_000 },
      { strategy: 'cpu-threading', size: 100_000 },
    ]);
  });
});
