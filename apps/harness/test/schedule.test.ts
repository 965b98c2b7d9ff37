import { fileURLToPath } from 'node:url';
import type { BenchJobName, CpuInput, CpuResult } from '@speedup/shared-core';
import { describe, expect, it } from 'vitest';
import { ceilingOf } from '../src/benchmark/ceiling.js';
import {
  MeasureError,
  type MeasureReport,
  type RunRecord,
  type SetupRequest,
  STOPPED,
} from '../src/benchmark/child-process/messages.js';
import type { SavedRun } from '../src/benchmark/compare.js';
import { judgeGroup } from '../src/benchmark/judge.js';
import {
  type Measurer,
  type MeasuringSession,
  measureTakingTurns,
  nextRun,
  type RunPlan,
  unsettledChanges,
  unsettledRows,
} from '../src/benchmark/measure.js';
import { runBench } from '../src/benchmark/schedule.js';
import { type BenchOptions, parseBenchOptions } from '../src/options.js';
import { rowOfTimes } from './report-fixtures.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * A measurer that starts nothing, as hyperfine tests its scheduler with a mock executor:
 * every strategy "computes" the same records in 10 ms, and every set-up is written down.
 */
function fakeMeasurer({
  speedups = {},
  ceilings = [[1.9]],
}: {
  /** How many times faster than the others a strategy computes. */
  speedups?: Record<string, number>;
  /** The pairs each measurement of the parallel ceiling gives, in turn. */
  ceilings?: number[][];
} = {}): {
  measurer: Measurer;
  started: { strategy: string; size: number }[];
  ceilingsMeasured: () => number;
} {
  const started: { strategy: string; size: number }[] = [];
  let ceilingsMeasured = 0;
  const measurer: Measurer = {
    async start(request: SetupRequest): Promise<MeasuringSession> {
      const input = request.input as CpuInput;
      const strategy = request.strategyDir.split('/').at(-1) as string;
      started.push({ strategy, size: input.items[0] as number });
      const speedup = speedups[strategy] ?? 1;
      const results: CpuResult[] = input.items.map((n) => ({ input: String(n), value: '1' }));
      return {
        setupMs: 1,
        concurrency: request.setup.workers ?? 1,
        async run(run, warmup): Promise<RunRecord> {
          return {
            warmup,
            workMs: (10 + run) / speedup,
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
    parallelCeiling: async (cores) => {
      const pairs = ceilings[Math.min(ceilingsMeasured++, ceilings.length - 1)] ?? [];
      return ceilingOf(cores, pairs);
    },
  };
  return { measurer, started, ceilingsMeasured: () => ceilingsMeasured };
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
    '--warmup',
    '0',
    '--precision',
    '0',
    '--root',
    root,
    ...args,
  ]);

/** Nine ceiling pairs taken while the host gave both cores: median 1.93x. */
const BOTH_CORES = [1.9, 1.95, 1.92, 1.93, 1.96, 1.91, 1.94, 1.9, 1.95];

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

  it('measures an unselected reference alongside, once across the sweep', async () => {
    const { measurer, started } = fakeMeasurer();
    const result = await runBench(optionsOf('--only', 'cpu-threading', '--sweep', 'workers=1,2'), {
      measurer,
    });
    expect(started.map((each) => each.strategy)).toEqual([
      'cpu-sync',
      'cpu-threading',
      'cpu-threading',
    ]);
    expect(result.rows.map((row) => row.strategy)).toEqual([
      'cpu-sync',
      'cpu-threading',
      'cpu-sync',
      'cpu-threading',
    ]);
    expect(result.parallelCeiling).toBe(1.9);
  });

  it('measures the ceiling once more when a speed-up lies above it, and judges by all its pairs', async () => {
    // The first measurement fell in a dip of the shared host (one core for a second);
    // the second found both cores. cpu-threading computes 1.9 times as fast throughout.
    const dip = [1.1, 1.12, 1.15, 1.1, 1.2, 1.1, 1.13, 1.1, 1.14];
    const { measurer, ceilingsMeasured } = fakeMeasurer({
      speedups: { 'cpu-threading': 1.9 },
      ceilings: [dip, BOTH_CORES],
    });
    const result = await runBench(
      optionsOf(
        ...['--only', 'cpu-sync,cpu-threading', '--workers', '2', '--runs', '4'],
        ...['--job', 'fib'],
      ),
      { measurer },
    );
    expect(ceilingsMeasured()).toBe(2);
    // The median of all 18 pairs, its interval from their order statistics: the 5th lowest
    // and 5th highest (1 − 2·binom.cdf(4, 18, 0.5) = 0.969).
    expect(result.parallelCeiling).toBeCloseTo((1.2 + 1.9) / 2, 10);
    expect(result.parallelCeilingCi95).toEqual([1.12, 1.93]);
    const threads = result.rows.filter((row) => row.strategy === 'cpu-threading');
    expect(threads).toHaveLength(1);
    // The row measured before it reads the joined ceiling. The share's interval takes in
    // the ceiling's: the speed-up's low end over the ceiling's high end, its high end over
    // the ceiling's low end.
    for (const row of threads) {
      expect(row.ofCeiling).toBeCloseTo((row.speedup ?? 0) / (result.parallelCeiling ?? 0), 10);
      const [low, high] = row.speedupCi95 ?? [Number.NaN, Number.NaN];
      expect(row.ofCeilingCi95?.[0]).toBeCloseTo(low / 1.93, 10);
      expect(row.ofCeilingCi95?.[1]).toBeCloseTo(high / 1.12, 10);
    }
  });

  it('measures the ceiling again after each CPU job whose speed-up lies above it, twice at most', async () => {
    // Three stretches of a shared host: the ceiling first measured in a dip, then 1.75x,
    // then both cores. cpu-threading computes 1.9 times as fast throughout: its interval
    // reaches below the top of the first two ceilings' intervals, but its figure lies
    // above them (a share of the ceiling above 1.0).
    const dip = [1.5, 1.55, 1.6, 1.5, 1.92, 1.5, 1.58, 1.52, 1.6];
    const lower = [1.7, 1.75, 1.72, 1.78, 1.74, 1.76, 1.73, 1.77, 1.92];
    const { measurer, ceilingsMeasured } = fakeMeasurer({
      speedups: { 'cpu-threading': 1.9 },
      ceilings: [dip, lower, BOTH_CORES, BOTH_CORES],
    });
    const result = await runBench(
      optionsOf(
        ...['--only', 'cpu-sync,cpu-threading', '--workers', '2', '--runs', '4'],
        ...['--job', 'sum-of-squares,fib,many-small'],
      ),
      { measurer },
    );
    // Before the CPU jobs, then after the first two jobs, whose speed-up lay above it; not
    // after the third, though the 27 pairs' median (1.76) still lies below 1.9.
    expect(ceilingsMeasured()).toBe(3);
    expect(result.parallelCeiling).toBe(1.76);
    const threads = result.rows.filter((row) => row.strategy === 'cpu-threading');
    expect(threads).toHaveLength(3);
    for (const row of threads) expect(row.ofCeiling).toBeCloseTo((row.speedup ?? 0) / 1.76, 10);
  });

  it('--compare: hands each strategy its times in the saved run, so an undecided change takes more turns', async () => {
    const { measurer, started } = fakeMeasurer();
    // Runs of 10, 11, 12 … ms: far from ±3 %, so the plan alone gives each twice --runs.
    const options = optionsOf(
      ...['--only', 'cpu-sync,cpu-threading', '--runs', '3'],
      ...['--precision', '3', '--time-budget', '0.001'],
    );
    const runsOf = (result: Awaited<ReturnType<typeof runBench>>) =>
      Object.fromEntries(result.rows.map((row) => [row.strategy, row.timesMs.length]));
    const saved = (
      ...rows: { strategy: string; times: number[]; job?: BenchJobName }[]
    ): SavedRun => ({
      file: 'base.json',
      rows: rows.map(({ strategy, times, job = 'sum-of-squares' }) => ({
        ...{ strategy, job, input: 'any', reference: strategy === 'cpu-sync' },
        ...{ sweptValue: undefined, timesMs: times, median: 11 },
      })),
    });
    expect(runsOf(await runBench(options, { measurer }))).toEqual({
      'cpu-sync': 6,
      'cpu-threading': 6,
    });
    // Saved runs this spread leave cpu-threading's change undecided however many runs this
    // one takes: it and the reference its change is divided by stop at three times --runs.
    const sync = { strategy: 'cpu-sync', times: [10, 11, 12, 13, 14, 15] };
    const spread = {
      strategy: 'cpu-threading',
      times: [6, 25, 9, 20],
      job: 'sum-of-squares' as const,
    };
    expect(runsOf(await runBench(options, { measurer, saved: saved(sync, spread) }))).toEqual({
      'cpu-sync': 9,
      'cpu-threading': 9,
    });
    // The same saved row for another job is not this job's: nothing to settle.
    const otherJob = saved(sync, { ...spread, job: 'fib' as const });
    expect(runsOf(await runBench(options, { measurer, saved: otherJob }))).toEqual({
      'cpu-sync': 6,
      'cpu-threading': 6,
    });
    expect(started.map((each) => each.strategy)).toHaveLength(6);
  });

  it('never puts the ceiling or its interval above the core count', () => {
    // Two pairs whose lone process the host slowed: the order statistics reach 2.3 on 2 cores.
    const pairs = [1.7, 1.8, 1.85, 1.9, 1.9, 1.95, 2.0, 2.3, 2.4];
    expect(ceilingOf(2, pairs)).toMatchObject({ cores: 2, ceiling: 1.9, ci95: [1.8, 2] });
    expect(ceilingOf(2, [2.2, 2.3, 2.1, 2.4, 2.2, 2.5, 2.3, 2.2, 2.1])).toMatchObject({
      ceiling: 2,
      ci95: [2, 2],
    });
    // The pairs stay as measured, so pairs measured later join them unchanged.
    expect(ceilingOf(2, pairs).pairs).toEqual(pairs);
  });

  it('measures the ceiling once when no speed-up lies above it', async () => {
    const { measurer, ceilingsMeasured } = fakeMeasurer({
      // Below what two of even a 16-core machine's cores give, with this ceiling.
      speedups: { 'cpu-threading': 1.05 },
      ceilings: [BOTH_CORES],
    });
    const result = await runBench(
      optionsOf('--only', 'cpu-sync,cpu-threading', '--workers', '2', '--runs', '4'),
      { measurer },
    );
    expect(ceilingsMeasured()).toBe(1);
    expect(result.parallelCeiling).toBe(1.93);
    // One worker 5 % faster than the reference is a share of one core above 1.0, which no
    // measurement of the ceiling can change: what one core gives is 1.
    const alone = fakeMeasurer({
      speedups: { 'cpu-asyncio': 1.05 },
      ceilings: [BOTH_CORES],
    });
    const oneWorker = await runBench(optionsOf('--only', 'cpu-sync,cpu-asyncio', '--runs', '4'), {
      measurer: alone.measurer,
    });
    expect(oneWorker.rows.find((row) => row.strategy === 'cpu-asyncio')?.ofCeiling).toBeGreaterThan(
      1,
    );
    expect(alone.ceilingsMeasured()).toBe(1);
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

describe('a benchmark stopped by Ctrl-C', () => {
  /** A measurer whose every run takes 10 ms, and whose fifth run overall is cut short by Ctrl-C. */
  function stoppedOnFifthRun(stop: AbortController): Measurer {
    let runs = 0;
    return {
      async start(request: SetupRequest): Promise<MeasuringSession> {
        const input = request.input as CpuInput;
        const results: CpuResult[] = input.items.map((n) => ({ input: String(n), value: '1' }));
        return {
          setupMs: 1,
          concurrency: 1,
          async run(run, warmup): Promise<RunRecord> {
            if (++runs === 5) {
              stop.abort(new Error('interrupted'));
              throw new MeasureError(STOPPED);
            }
            return {
              warmup,
              workMs: 10 + run,
              userMs: 10,
              systemMs: 0,
              loopDelay: { p50: 0, p99: 0, max: 0 },
              results,
              events: [{ index: 0, worker: 'main', start: 0, end: 1 }],
            };
          },
          finish: async () => ({ closeMs: 0, peakMemoryBytes: 0 }),
          kill: () => {},
        };
      },
      parallelCeiling: async (cores) => ({ cores, ceiling: 1.9, pairs: [1.9] }),
    };
  }

  it.each([
    ['taking turns', '--interleave'],
    ['one after another', '--no-interleave'],
  ])(
    'keeps the runs each strategy finished, %s, and marks their rows interrupted',
    async (_, order) => {
      const stop = new AbortController();
      const result = await runBench(
        optionsOf('--only', 'cpu-sync,cpu-threading', '--runs', '10', order),
        { measurer: stoppedOnFifthRun(stop), signal: stop.signal },
      );
      const rows = result.rows.map((row) => [
        row.strategy,
        row.timesMs.length,
        row.interrupted,
        row.ok,
      ]);
      // Taking turns, each finished two runs; one after another, cpu-sync finished four and
      // cpu-threading never started.
      expect(rows).toEqual(
        order === '--interleave'
          ? [
              ['cpu-sync', 2, true, true],
              ['cpu-threading', 2, true, true],
            ]
          : [['cpu-sync', 4, true, true]],
      );
      expect(result.rows[0]?.summary?.median).toBeGreaterThan(0);
      expect(result.rows[0]?.outcomes).toEqual({ ok: 20, failed: 0, byKind: {} });
    },
  );
});

describe('how many runs a row gets', () => {
  const record = (workMs: number, warmup: boolean): RunRecord => ({
    warmup,
    workMs,
    userMs: 0,
    systemMs: 0,
    loopDelay: { p50: 0, p99: 0, max: 0 },
    results: [],
    events: [],
  });
  const plan: RunPlan = {
    warmup: 'steady',
    runs: 3,
    minTimeMs: 0,
    precision: 0.03,
    budgetMs: 3000,
  };
  /** Takes runs of the given times until `nextRun` says stop; returns what each run was. */
  const take = (times: readonly number[], over: RunPlan = plan) => {
    const done: RunRecord[] = [];
    for (const time of times) {
      const kind = nextRun(over, done);
      if (!kind) break;
      done.push(record(time, kind === 'warmup'));
    }
    return {
      kinds: done.map((run) => (run.warmup ? 'w' : 'm')).join(''),
      more: nextRun(over, done),
    };
  };

  it('keeps the cold run apart and warms a fast row up until three runs agree within 5 %', () => {
    const fast = [110, 60, 52, 47, 46, 45.5, 45, 45.2, 45.1, 45.3, 45.2, 45.1];
    // 47, 46 and 45.5 agree within 5 %: measuring starts there, and the runs are steady
    // enough that --runs is all they need.
    expect(take(fast).kinds).toBe('wwwwwwmmm');
  });

  it('counts a slow cold run as all the warm-up it needs', () => {
    expect(take([4210, 4200, 4195, 4205], { ...plan, budgetMs: 20_000 }).kinds).toBe('wmmm');
  });

  it('stops a steady row at --runs, and gives a noisy one more until the budget is spent', () => {
    expect(take([100, 100, 101, 100, 99, 100, 100, 100]).kinds).toBe('wwwwmmm');
    const noisy = [100, 100, 101, 100, 80, 120, 95, 130, 70, 110, 90, 125, 85, 100];
    const { kinds } = take(noisy, { ...plan, budgetMs: 700 });
    // Seven runs add up to 695 ms, short of the budget; the eighth passes it.
    expect(kinds).toBe(`wwww${'m'.repeat(8)}`);
  });

  it('lets the budget cut --runs short for a slow row whose two runs agree, never below two', () => {
    expect(take([4210, 4200, 4195, 4205], { ...plan, budgetMs: 3000 }).kinds).toBe('wmm');
    expect(take([4210, 4200, 4195], { ...plan, budgetMs: 1 }).more).toBeUndefined();
  });

  it('gives a slow row whose two runs differ by a few percent its --runs all the same', () => {
    // fib on a shared machine: 2230 and 2290 ms leave the typical time ±17 % with one
    // degree of freedom; a third run brings that to a few percent, and the budget ends it.
    expect(take([2260, 2230, 2290, 2280, 2250], { ...plan, budgetMs: 3000 }).kinds).toBe('wmmm');
  });

  it('gives a slow row that one slow run left far from precise up to twice --runs', () => {
    // fib when a run falls in a moment the machine's cores were taken: 3800 among 2250s
    // leaves the typical time ±30 % after three runs; the budget is spent, yet the row
    // gets runs until it has six.
    const slowed = [2260, 2230, 2290, 3800, 2250, 2270, 2240, 2260, 2255];
    const { kinds, more } = take(slowed, { ...plan, budgetMs: 3000 });
    expect(kinds).toBe(`w${'m'.repeat(6)}`);
    expect(more).toBeUndefined();
    // Steady runs, ±3.5 % after three (Student's t with two degrees of freedom), stop at three.
    expect(take([2260, 2230, 2290, 2280, 2250], { ...plan, budgetMs: 3000 }).kinds).toBe('wmmm');
  });

  /** Strategies taking turns, each run taking the next of its own times; returns how many of each were measured. */
  const takingTurns = async (
    times: Record<string, number[]>,
    groups: Record<string, string> = {},
    over: Partial<RunPlan> = {},
    saved: { before?: Record<string, number[]>; reference?: string } = {},
  ) => {
    const measurer: Measurer = {
      async start(request: SetupRequest): Promise<MeasuringSession> {
        const own = [...(times[request.strategyDir] as number[])];
        return {
          setupMs: 0,
          concurrency: 1,
          run: async (_run, warmup) => record(own.shift() ?? 2250, warmup),
          finish: async () => ({ closeMs: 0, peakMemoryBytes: 0 }),
          kill() {},
        };
      },
      parallelCeiling: async () => {
        throw new Error('not measured here');
      },
    };
    const turns = Object.keys(times).map((strategyDir) => ({
      request: { strategyDir } as SetupRequest,
      group: groups[strategyDir],
      ...(saved.before?.[strategyDir] && { before: saved.before[strategyDir] }),
      ...(saved.reference === strategyDir && { reference: true }),
    }));
    const reports = await measureTakingTurns(
      measurer,
      turns,
      { ...plan, budgetMs: 3000, ...over },
      1,
    );
    return Object.fromEntries(
      Object.keys(times).map((name, i) => {
        const report = reports[i] as MeasureReport;
        return [name, report.runs.filter((run) => !run.warmup).length];
      }),
    );
  };

  it('keeps a steady row taking its turn while a row of its group gets runs for being far from precise', async () => {
    const slowed = [2260, 2230, 2290, 3800, 2250, 2270, 2240, 2260, 2255];
    const steady = [2260, 2250, 2250, 2251, 2250, 2249, 2250, 2250];
    // Alone, the steady row stops at two runs that agree; beside the slowed one it keeps
    // pace to six, so that both rows' runs come from the same minutes.
    expect(await takingTurns({ steady })).toEqual({ steady: 2 });
    expect(await takingTurns({ slowed, steady })).toEqual({ slowed: 6, steady: 6 });
    // A fast row short of precision within its budget gets its runs without holding others up.
    const fastNoisy = [100, 60, 50, 50, 50, 100, 130, 80, 120, 90, 110, 100, 100, 100, 100];
    expect((await takingTurns({ fastNoisy, steady })).steady).toBe(2);
    // A row of another group (a Python strategy beside Node ones) is judged apart: it does not.
    expect(await takingTurns({ slowed, steady }, { steady: 'python' })).toEqual({
      slowed: 6,
      steady: 2,
    });
  });

  // fib on a shared machine: cpu-sync and cpu-asyncio compute the same, but two of
  // cpu-sync's first six runs and one of cpu-asyncio's fell in moments the host took a
  // core. After six runs each their ratio's interval is 0.88–1.35, which the verdict calls
  // "too few runs to tell"; after eight, 0.91–1.24, a tie. cpu-threading is steady.
  const sync = [3500, 2260, 3400, 2300, 2250, 3300, 2280, 2270, 2290, 2260, 2250, 2270];
  const asyncio = [3500, 2900, 2290, 2310, 2260, 2270, 2300, 2280, 2290, 2300, 2270, 2280];
  const threads = [1900, 1200, 1210, 1190, 1205, 1195, 1200, 1202, 1198, 1201, 1200, 1200];
  const measuredOf = (times: number[]) => times.slice(1).map((time) => record(time, false));

  it('names the pairs the verdict cannot yet tell apart or alike, until each has three times --runs', () => {
    const rowsAt = (n: number) =>
      [sync, asyncio, threads].map((t) => measuredOf(t.slice(0, n + 1)));
    const settling = { ...plan, tieMargin: 0.03 };
    expect(unsettledRows(settling, rowsAt(6))).toEqual([0, 1]);
    expect(unsettledRows(settling, rowsAt(7))).toEqual([0, 1]);
    expect(unsettledRows(settling, rowsAt(8))).toEqual([]);
    // What it names is what the verdict says: too few runs to tell cpu-asyncio from cpu-sync.
    const verdict = judgeGroup(
      'fib',
      [
        rowOfTimes('cpu-sync', 'sequential', sync.slice(1, 7)),
        rowOfTimes('cpu-asyncio', 'async', asyncio.slice(1, 7)),
        rowOfTimes('cpu-threading', 'threads', threads.slice(1, 7)),
      ],
      0.03,
    );
    expect(verdict.undecidedVsReference.map((row) => row.strategy)).toEqual(['cpu-asyncio']);
    // Never past three times --runs; never without the margin, nor with --precision 0.
    const wide = [sync, asyncio].map((t) => measuredOf([0, ...t.slice(1, 7)]));
    expect(unsettledRows({ ...settling, runs: 2 }, wide)).toEqual([]);
    expect(unsettledRows(plan, rowsAt(6))).toEqual([]);
    expect(unsettledRows({ ...settling, precision: 0 }, rowsAt(6))).toEqual([]);
  });

  it('gives the rows the verdict cannot tell apart or alike more turns once the plan is done, and only them', async () => {
    // The plan alone: cpu-sync is far from precise after three runs, so all keep pace to six.
    expect(await takingTurns({ sync, asyncio, threads })).toEqual({
      sync: 6,
      asyncio: 6,
      threads: 6,
    });
    // With the verdict's margin, the two it cannot yet tell take turns until it can.
    expect(await takingTurns({ sync, asyncio, threads }, {}, { tieMargin: 0.03 })).toEqual({
      sync: 8,
      asyncio: 8,
      threads: 6,
    });
  });

  it('--compare: gives a row whose change since the saved run the runs cannot tell, and the reference, more turns', async () => {
    // cpu-threading's code did not change, but two of its runs fell in a moment the host
    // took a core: after six runs its change is 0.93–1.34, too few runs to tell; two more
    // settle it. cpu-sync is the reference every change is divided by, so it takes turns
    // too (from the five the plan gave it).
    const syncNow = [2300, 2250, 2260, 2240, 2255, 2250, 2245, 2250, 2252, 2248, 2250];
    const threadsNow = [1300, 1200, 1700, 1210, 1190, 1650, 1195, 1200, 1202, 1198, 1200];
    const before = {
      syncNow: [2250, 2255, 2245, 2250, 2248, 2252],
      threadsNow: [1200, 1205, 1195, 1202, 1198, 1200],
    };
    const times = { syncNow, threadsNow };
    const settling = { tieMargin: 0.03 };
    expect(await takingTurns(times, {}, settling)).toEqual({ syncNow: 5, threadsNow: 6 });
    expect(await takingTurns(times, {}, settling, { before, reference: 'syncNow' })).toEqual({
      syncNow: 7,
      threadsNow: 8,
    });
    // The rule itself: the row and the reference while the change is undecided, never past
    // three times --runs, and nothing without the margin.
    const rowsAt = (n: number) => [syncNow, threadsNow].map((t) => measuredOf(t.slice(0, n + 1)));
    const saved = [before.syncNow, before.threadsNow];
    expect(unsettledChanges({ ...plan, ...settling }, rowsAt(6), saved, 0)).toEqual([0, 1]);
    expect(unsettledChanges({ ...plan, ...settling }, rowsAt(8), saved, 0)).toEqual([]);
    expect(unsettledChanges({ ...plan, ...settling, runs: 2 }, rowsAt(6), saved, 0)).toEqual([]);
    expect(unsettledChanges(plan, rowsAt(6), saved, 0)).toEqual([]);
    // Without the reference in the saved run, the raw change: this row alone.
    expect(unsettledChanges({ ...plan, ...settling }, rowsAt(4), [undefined, saved[1]], 0)).toEqual(
      [1],
    );
  });

  it('does exactly what --warmup 0 --precision 0 say: the cold run counts, and --runs runs', () => {
    const { kinds, more } = take([110, 60, 52, 50], { ...plan, warmup: 0, precision: 0 });
    expect(kinds).toBe('mmm');
    expect(more).toBeUndefined();
  });
});
