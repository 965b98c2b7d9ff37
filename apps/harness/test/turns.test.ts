import { fileURLToPath } from 'node:url';
import type { CpuInput, CpuResult } from '@speedup/shared-core';
import { describe, expect, it } from 'vitest';
import type { RunRecord, SetupRequest } from '../src/benchmark/child-process/messages.js';
import { type Measurer, nextRun, type RunPlan } from '../src/benchmark/measure.js';
import { runBench } from '../src/benchmark/schedule.js';
import { parseBenchOptions } from '../src/options.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const STRATEGIES = ['cpu-sync', 'cpu-asyncio', 'cpu-threading', 'cpu-multiprocessing'];
const ROUNDS = 12;

const record = (workMs: number, warmup: boolean, results: CpuResult[] = []): RunRecord => ({
  warmup,
  workMs,
  userMs: 0,
  systemMs: 0,
  loopDelay: { p50: 0, p99: 0, max: 0 },
  results,
  events: [],
});

/**
 * A measurer that starts no process: every run returns at once in 10 ms. It writes down
 * what happens, in order: `start x` as x is set up, then `x` (measured) or `x w` (warm-up)
 * per run, and `finish x` as x is closed.
 */
function recordingMeasurer(): { measurer: Measurer; log: string[] } {
  const log: string[] = [];
  const measurer: Measurer = {
    async start(request: SetupRequest) {
      const name = request.strategyDir.split('/').at(-1) as string;
      const items = (request.input as CpuInput).items;
      const results: CpuResult[] = items.map((n) => ({ input: String(n), value: '1' }));
      log.push(`start ${name}`);
      return {
        setupMs: 1,
        concurrency: 1,
        async run(_run, warmup) {
          log.push(warmup ? `${name} w` : name);
          return record(10, warmup, results);
        },
        finish: async () => {
          log.push(`finish ${name}`);
          return { closeMs: 0, peakMemoryBytes: 0 };
        },
        kill: () => {},
      };
    },
    parallelCeiling: async (cores) => ({ cores, ceiling: 1.9, pairs: [1.9] }),
  };
  return { measurer, log };
}

/** The runs `pnpm bench` takes with these options, in order, for four CPU strategies. */
async function runsOf(...args: string[]): Promise<{ log: string[]; runs: string[] }> {
  const { measurer, log } = recordingMeasurer();
  const options = parseBenchOptions([
    ...['--workload', 'cpu', '--job', 'sum-of-squares', '--size', '0.01'],
    ...['--only', STRATEGIES.join(','), '--runs', String(ROUNDS)],
    ...['--min-time', '0', '--warmup', '0', '--precision', '0', '--root', root],
    ...args,
  ]);
  await runBench(options, { measurer });
  return { log, runs: log.filter((entry) => !/^(start|finish) /.test(entry)) };
}

/** Cuts the runs into rounds of one run per strategy. */
const roundsOf = (runs: readonly string[]): string[][] =>
  Array.from({ length: runs.length / STRATEGIES.length }, (_, i) =>
    runs.slice(i * STRATEGIES.length, (i + 1) * STRATEGIES.length),
  );

describe('--interleave: the strategies of a job take turns, in a seeded shuffled order', () => {
  it('sets every strategy up first, then runs each once per round', async () => {
    const { log, runs } = await runsOf('--interleave');
    expect(log.slice(0, STRATEGIES.length).sort()).toEqual(
      STRATEGIES.map((name) => `start ${name}`).sort(),
    );
    const rounds = roundsOf(runs);
    expect(rounds).toHaveLength(ROUNDS);
    for (const round of rounds) expect([...round].sort()).toEqual([...STRATEGIES].sort());
  });

  it('shuffles the order afresh every round, so no strategy always goes first', async () => {
    const rounds = roundsOf((await runsOf('--interleave')).runs).map((round) => round.join());
    // Unchanged or shuffled once for all rounds, the order would be the same every round.
    expect(new Set(rounds).size).toBeGreaterThan(ROUNDS / 2);
    // Over these rounds, each strategy goes first in some round.
    expect(new Set(rounds.map((round) => round.split(',')[0]))).toEqual(new Set(STRATEGIES));
  });

  it('is the default, seeded with 1 unless --seed says otherwise', async () => {
    const byDefault = (await runsOf()).runs;
    expect(byDefault).toEqual((await runsOf('--interleave', '--seed', '1')).runs);
    expect(new Set(roundsOf(byDefault).map((round) => round.join())).size).toBeGreaterThan(1);
  });

  it('takes the same order twice from the same seed, and another from another seed', async () => {
    const seven = (await runsOf('--seed', '7')).runs;
    expect((await runsOf('--seed', '7')).runs).toEqual(seven);
    for (const seed of ['1', '8', '4294967295']) {
      expect((await runsOf('--seed', seed)).runs).not.toEqual(seven);
    }
  });
});

describe('--no-interleave: one strategy after another', () => {
  it('sets up, runs and closes each strategy before the next one starts', async () => {
    const { log } = await runsOf('--no-interleave');
    const order = log.filter((entry) => entry.startsWith('start ')).map((entry) => entry.slice(6));
    expect([...order].sort()).toEqual([...STRATEGIES].sort());
    expect(log).toEqual(
      order.flatMap((name) => [
        `start ${name}`,
        ...Array<string>(ROUNDS).fill(name),
        `finish ${name}`,
      ]),
    );
  });
});

describe('--warmup <n>: exactly n warm-up runs', () => {
  const plan: RunPlan = { warmup: 0, runs: 3, minTimeMs: 0, precision: 0, budgetMs: 3000 };
  /** What nextRun asks for, run after run, given these times: `w` warm-up, `m` measured. */
  const kinds = (warmup: number, times: readonly number[]) => {
    const over = { ...plan, warmup };
    const done: RunRecord[] = [];
    for (const time of times) {
      const kind = nextRun(over, done);
      if (!kind) break;
      done.push(record(time, kind === 'warmup'));
    }
    return done.map((run) => (run.warmup ? 'w' : 'm')).join('') + (nextRun(over, done) ?? '.');
  };

  it('asks nextRun for n warm-up runs, steady or not, then the measured ones', () => {
    const falling = [400, 200, 100, 50, 25, 12, 6, 3, 2, 1];
    const steady = Array<number>(10).fill(10);
    expect(kinds(0, falling)).toBe('mmm.');
    // Times still falling by half do not add warm-up runs to an explicit n ...
    expect(kinds(2, falling)).toBe('wwmmm.');
    // ... nor do steady times cut it short.
    expect(kinds(5, steady)).toBe('wwwwwmmm.');
  });

  it('gives every strategy exactly n warm-up runs through pnpm bench, taking turns or not', async () => {
    for (const order of ['--interleave', '--no-interleave']) {
      const { runs } = await runsOf(order, '--warmup', '2');
      for (const name of STRATEGIES) {
        const own = runs.filter((entry) => entry.split(' ')[0] === name);
        expect(own).toEqual([`${name} w`, `${name} w`, ...Array<string>(ROUNDS).fill(name)]);
      }
    }
    // Taking turns, the first two rounds are everyone's warm-up.
    const { runs } = await runsOf('--warmup', '2');
    expect(runs.slice(0, 2 * STRATEGIES.length).every((entry) => entry.endsWith(' w'))).toBe(true);
  });
});
