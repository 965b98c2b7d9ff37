import { describe, expect, it } from 'vitest';
import { withComparisons } from '../src/benchmark/comparisons.js';
import { fastestRows, judge } from '../src/benchmark/judge.js';
import type { BenchResult, BenchRow } from '../src/benchmark/result.js';
import { summarize } from '../src/benchmark/stats.js';
import { crossovers } from '../src/benchmark/sweep.js';
import { toJsonVerdict } from '../src/export/json.js';
import { renderMarkdown } from '../src/export/markdown.js';
import type { BenchOptions } from '../src/options.js';
import { runsDescription } from '../src/output/describe-row.js';
import { fractionWithInterval, microsecondsWithInterval } from '../src/output/format.js';
import { renderSweep } from '../src/output/sweep-table.js';
import { renderTables } from '../src/output/tables.js';
import { verdict } from '../src/output/verdict.js';
import { resultWarnings, warningsFor } from '../src/output/warnings.js';
import { badges } from '../src/report/charts.js';

const options: BenchOptions = {
  runs: 3,
  minTime: 0,
  interleave: false,
  warmup: 1,
  precision: 0.03,
  budgetMs: 3000,
  tieMargin: 0.03,
  seed: 1,
  latency: 25,
  jitter: 0,
  pages: 160,
  size: 1,
  limits: {},
  root: '/x',
};

function row(
  strategy: string,
  model: string,
  timesMs: number[],
  extra: Partial<BenchRow> = {},
): BenchRow {
  return {
    strategy,
    job: 'fib',
    workload: 'cpu',
    model,
    concurrency: 2,
    setupMs: 50,
    coldMs: timesMs[0],
    timesMs,
    summary: summarize(timesMs),
    runsOk: timesMs.map(() => true),
    differences: [],
    ok: true,
    events: [],
    parameters: { size: '1' },
    ...extra,
  };
}

describe('warnings', () => {
  it('says nothing about steady runs', () => {
    expect(warningsFor(row('cpu-sync', 'sequential', [100, 101, 100, 99]))).toEqual([]);
  });

  it('flags a slow first run, an outlier, and runs that vary wildly', () => {
    expect(warningsFor(row('a', 'threads', [300, 100, 101, 100, 99]))[0]).toMatch(
      /first measured run was significantly slower/,
    );
    expect(warningsFor(row('a', 'threads', [100, 101, 300, 100, 99]))[0]).toMatch(
      /Statistical outliers/,
    );
    expect(warningsFor(row('a', 'threads', [100, 150, 60, 130]))).toEqual([
      expect.stringMatching(/Runs vary widely \(σ = \d+% of the mean\)/),
    ]);
  });
});

describe('a speed-up above the parallel ceiling', () => {
  const sync = row('cpu-sync', 'sequential', [2000, 2010, 1990], { reference: true });
  const threads = row('cpu-threading', 'threads', [1050, 1055, 1045]);
  const measured = (ceiling: number, ci95?: readonly [number, number]): BenchResult => {
    const baseline = { reference: sync, cores: 2, ceiling, latencyMs: undefined, items: 20 };
    return {
      options,
      cores: 2,
      parallelCeiling: ceiling,
      ...(ci95 ? { parallelCeilingCi95: ci95 } : {}),
      rows: [sync, threads].map((each) => withComparisons(each, baseline)),
    };
  };

  it('is a warning when its interval lies wholly above the ceiling', () => {
    const warnings = resultWarnings(measured(1.5));
    expect(warnings.map((warning) => warning.row.strategy)).toEqual(['cpu-threading']);
    expect(warnings[0]?.text).toMatch(/lies above the 1\.50x this machine's cores give/);
  });

  it("is none when the ceiling's own interval reaches it: the ceiling was measured in a dip", () => {
    // Pairs of 1.1x to 1.95x: the machine gave one core for part of the measurement.
    expect(resultWarnings(measured(1.5, [1.1, 1.95]))).toEqual([]);
    expect(resultWarnings(measured(1.5, [1.45, 1.6]))).toHaveLength(1);
  });
});

describe('verdict', () => {
  /** Rows compared with the first, the reference, as the schedule compares them. */
  const judged = (...rows: BenchRow[]): BenchResult => {
    const [reference] = rows;
    const baseline = { reference, cores: 2, ceiling: 1.9, latencyMs: undefined, items: 20 };
    return { options, cores: 2, rows: rows.map((each) => withComparisons(each, baseline)) };
  };
  const sync = row('cpu-sync', 'sequential', [1000, 1010, 990, 1005], { reference: true });
  /** The verdict's line on the four Node strategies of the fib job, from their run times. */
  const fibResult = (times: {
    sync: number[];
    asyncio: number[];
    multiprocessing: number[];
    threading: number[];
  }) =>
    judged(
      row('cpu-sync', 'sequential', times.sync, { reference: true }),
      row('cpu-asyncio', 'async', times.asyncio),
      row('cpu-multiprocessing', 'processes', times.multiprocessing),
      row('cpu-threading', 'threads', times.threading),
    );
  const fibVerdict = (times: Parameters<typeof fibResult>[0]) => verdict(fibResult(times))[0];

  it('ties what differs less than the margin, names the fastest and what gains nothing', () => {
    const lines = verdict(
      judged(
        sync,
        row('cpu-threading', 'threads', [510, 505, 515, 508]),
        row('cpu-multiprocessing', 'processes', [512, 500, 520, 506]),
        row('cpu-asyncio', 'async', [1005, 995, 1012, 998]),
        row('cpu-broken', 'processes', [100, 101], { ok: false }),
      ),
    );
    expect(lines[0]).toMatch(
      /^CPU-bound \(fib\): cpu-threading ≈ cpu-multiprocessing fastest, 1\.9\dx \(1\.\d\d–\d\.\d\d\) and 1\.9\dx \(1\.\d\d–\d\.\d\d\) vs cpu-sync \(in CPython the GIL makes threads slower than sync here; Node threads run in parallel\); cpu-asyncio ≈ cpu-sync \(no gain: one thread computes\)\.$/,
    );
    expect(lines[0]).not.toContain('cpu-broken');
    expect(lines[1]).toMatch(/Holm's correction for the 6 comparisons/);
  });

  it('names one fastest when it is faster than the others beyond the margin', () => {
    const [line] = verdict(
      judged(
        sync,
        row('cpu-threading', 'threads', [510, 505, 515, 508]),
        row('cpu-multiprocessing', 'processes', [600, 590, 605, 598]),
      ),
    );
    expect(line).toMatch(/^CPU-bound \(fib\): cpu-threading fastest, 1\.9\dx/);
    expect(line).toMatch(/; cpu-multiprocessing 1\.6\dx \(1\.\d\d–1\.\d\d\)\.$/);
  });

  it('says the runs cannot tell yet when an interval reaches a quarter faster and slower at once', () => {
    // Two runs each, far apart: 1.9x faster by the medians, but the interval holds 1.
    const [line] = verdict(
      judged(
        row('cpu-sync', 'sequential', [2400, 3500], { reference: true }),
        row('cpu-threading', 'threads', [1500, 1550]),
      ),
    );
    expect(line).toMatch(
      /^CPU-bound \(fib\): too few runs to tell cpu-threading 1\.9\dx \(\d\.\d\d–\d+\.\d+\) from cpu-sync: their intervals are too wide to call them alike or apart \(2 runs each at least/,
    );
    expect(line).not.toContain('nothing is faster');
    expect(line).not.toContain('≈');
  });

  it('names no fastest while a row its runs cannot place against the leader is left', () => {
    // A run of this fib job on a shared machine: the host took a core for a second or two,
    // and one run each of cpu-threading and cpu-asyncio took a third longer.
    const result = fibResult({
      sync: [2220, 2260, 2270],
      asyncio: [2210, 2300, 3030],
      multiprocessing: [1160, 1190, 1200],
      threading: [1150, 1160, 1860],
    });
    const [line] = verdict(result);
    // Nothing surely beats cpu-multiprocessing, but cpu-threading may: it leads, and the
    // tables paint no median as the fastest.
    expect(fastestRows(judge(result)).size).toBe(0);
    expect(result.rows.map(badges(result)).filter(Boolean)).toEqual([]);
    expect(line).not.toContain('fastest');
    expect(line).toMatch(
      /^CPU-bound \(fib\): cpu-multiprocessing leads, 1\.9\dx \(1\.\d\d–\d\.\d\d\) vs cpu-sync; too few runs to tell cpu-threading 1\.\d\dx \(0\.\d\d–\d\.\d\d\), cpu-asyncio 0\.\d\dx \(0\.\d\d–1\.\d\d\) from cpu-multiprocessing: their intervals are too wide/,
    );
    expect(line).not.toContain('≈');
  });

  it('names a row it cannot place once, against the leader, though it ties with the reference too', () => {
    // A default run on a busy host: cpu-multiprocessing neither surely beats cpu-sync nor
    // can be placed against cpu-threading.
    const line = fibVerdict({
      sync: [3064, 2270, 2417],
      asyncio: [2686, 2442, 2953],
      multiprocessing: [1395, 1246, 2002],
      threading: [1558, 1208, 1430],
    });
    expect(line).toMatch(
      /^CPU-bound \(fib\): cpu-threading leads, .*; too few runs to tell cpu-multiprocessing .* from cpu-threading: .*; too few runs to tell cpu-asyncio .* from cpu-sync: /,
    );
    expect(line?.match(/cpu-multiprocessing/g)).toHaveLength(1);
  });

  it('exports, as the line says, a row its runs cannot place against the reference, never as the same', () => {
    const wide = judged(
      row('cpu-sync', 'sequential', [2400, 3500], { reference: true }),
      row('cpu-threading', 'threads', [1500, 1550]),
    );
    // Nothing beat either: both unbeaten, so the reference is not named fastest alone.
    expect(judge(wide).map(toJsonVerdict)[0]).toMatchObject({
      fastest: ['cpu-threading', 'cpu-sync'],
      same_as_reference: [],
      undecided_vs_reference: ['cpu-threading'],
    });
    expect(badges(wide)(wide.rows[0] as BenchRow)).toBeUndefined();
    // The busy host's run above: cpu-asyncio gains nothing that its runs can show.
    const busy = judged(
      row('cpu-sync', 'sequential', [3064, 2270, 2417], { reference: true }),
      row('cpu-asyncio', 'async', [2686, 2442, 2953]),
      row('cpu-multiprocessing', 'processes', [1395, 1246, 2002]),
      row('cpu-threading', 'threads', [1558, 1208, 1430]),
    );
    expect(judge(busy).map(toJsonVerdict)[0]).toMatchObject({
      fastest: ['cpu-threading'],
      undecided: ['cpu-multiprocessing'],
      same_as_reference: [],
      undecided_vs_reference: ['cpu-asyncio'],
    });
  });

  it('calls no tie whose interval leaves room for a quarter either way', () => {
    // Another run on that machine: one run of each contender fell in the host's dip. By
    // Holm's correction nothing beats cpu-sync, but 0.42–1.09 does not show it alike.
    const line = fibVerdict({
      sync: [2432, 2358, 2282],
      asyncio: [2382, 3364, 2468],
      multiprocessing: [2003, 1394, 1438],
      threading: [1965, 1488, 1547],
    });
    expect(line).toMatch(
      /^CPU-bound \(fib\): too few runs to tell cpu-asyncio 0\.\d\dx \(.*\), cpu-multiprocessing 1\.\d\dx \(.*\), cpu-threading 1\.\d\dx \(.*\) from cpu-sync: their intervals are too wide/,
    );
    expect(line).not.toContain('≈');
  });

  it('says nothing is faster than the reference when nothing is', () => {
    const [line] = verdict(judged(sync, row('cpu-asyncio', 'async', [1005, 995, 1012, 998])));
    expect(line).toBe('CPU-bound (fib): cpu-sync ≈ cpu-asyncio: nothing is faster than cpu-sync.');
  });
});

describe('sweeps', () => {
  const at = (
    strategy: string,
    model: string,
    size: number,
    median: number,
    setupMs: number,
    reference = false,
  ) =>
    row(strategy, model, [median], {
      parameters: { size: String(size) },
      setupMs,
      coldMs: median,
      reference,
    });
  const result: BenchResult = {
    options: { ...options, sweep: { parameter: 'size', values: [0.1, 1, 10] } },
    sweep: { parameter: 'size', values: [0.1, 1, 10] },
    cores: 2,
    rows: [
      at('cpu-sync', 'sequential', 0.1, 10, 0, true),
      at('cpu-sync', 'sequential', 1, 100, 0, true),
      at('cpu-sync', 'sequential', 10, 1000, 0, true),
      at('cpu-threading', 'threads', 0.1, 12, 80),
      at('cpu-threading', 'threads', 1, 55, 80),
      at('cpu-threading', 'threads', 10, 510, 80),
      at('cpu-asyncio', 'async', 0.1, 9, 0),
      at('cpu-asyncio', 'async', 1, 101, 0),
      at('cpu-asyncio', 'async', 10, 1001, 0),
    ],
  };

  it('finds where a strategy starts to beat sync for good, with and without its set-up', () => {
    expect(crossovers(result)).toEqual([
      {
        job: 'fib',
        strategy: 'cpu-threading',
        parameter: 'size',
        warm: 1,
        warmAt: [1, 10],
        withSetup: 10,
      },
      {
        job: 'fib',
        strategy: 'cpu-asyncio',
        parameter: 'size',
        warm: null,
        warmAt: [0.1],
        withSetup: null,
      },
    ]);
  });

  it('calls a faster median a win only when its speed-up interval lies above 1', () => {
    const unsure = {
      ...result,
      rows: result.rows.map((each) =>
        each.strategy === 'cpu-threading' ? { ...each, speedupCi95: [0.8, 2.5] as const } : each,
      ),
    };
    const threads = crossovers(unsure).find((each) => each.strategy === 'cpu-threading');
    expect(threads?.warm).toBeNull();
    expect(threads?.warmAt).toEqual([]);
  });

  it('prints a table per job with a column per value, and the crossovers', () => {
    const text = renderSweep(result);
    expect(text).toContain('size 0.1');
    expect(text).toContain('size 10');
    expect(text).toMatch(/cpu-threading\s+│ 12\.0 ms\s+│ 55\.0 ms\s+│ 510 ms/);
    expect(text).toContain(
      'cpu-threading (fib): beats sync from size 1 on warm runs; from size 10 counting its set-up and first run.',
    );
    expect(text).toContain('cpu-asyncio (fib): beats sync at size 0.1 but not beyond on warm runs');
  });
});

describe('tables', () => {
  const result: BenchResult = {
    options,
    cores: 2,
    rows: [
      row('cpu-sync', 'sequential', [1000, 1010, 990], { speedup: 1, reference: true }),
      row('cpu-wrong', 'threads', [500, 505, 495], {
        ok: false,
        runsOk: [false, false, false],
        differences: [
          {
            index: 3,
            expected: { input: '35', value: '9227465' },
            actual: { input: '35', value: '1' },
          },
        ],
      }),
    ],
  };

  it('prints plain text without colours unless asked', () => {
    const text = renderTables(result);
    expect(text).not.toContain('\x1b[');
    expect(text).toContain('DIFF (1)');
    expect(text).toContain(
      'cpu-wrong (fib) differs from the reference at item 3: expected input=35 value=9227465, got input=35 value=1',
    );
    expect(renderTables(result, true)).toContain('\x1b[');
  });

  it('says how the runs were taken, the one exception to --runs included', () => {
    expect(runsDescription(result)).toBe(
      'the cold run apart, 1 warm-up run, 3 runs (2 past 3 s that agree to ±3 %), more to ±3 % within 3 s',
    );
    const fixed = { ...result, options: { ...options, precision: 0, minTime: 500 } };
    expect(runsDescription(fixed)).toBe(
      'the cold run apart, 1 warm-up run, at least 3 runs (2 past 3 s) and 0.5 s',
    );
    const two = { ...result, options: { ...options, runs: 2 } };
    expect(runsDescription(two)).toBe(
      'the cold run apart, 1 warm-up run, 2 runs, more to ±3 % within 3 s',
    );
  });

  it('exports the same table as Markdown', () => {
    const markdown = renderMarkdown(result);
    expect(markdown).toMatch(
      /^### CPU-bound: naive recursive fib\(35\), 20 times \(2024\); 2 cores; the cold run apart, 1 warm-up run, 3 runs \(2 past 3 s that agree to ±3 %\), more to ±3 % within 3 s\n\n\| strategy \| job \| model \|/,
    );
    expect(markdown).toContain('| cpu-sync | fib | sequential | 2 | 1.00 s |');
    expect(markdown).toContain('| DIFF (1) |');
  });
});

describe('what a task and a page cost', () => {
  it("CPU: (time − the reference ÷ workers) ÷ tasks, with an interval that holds the reference's spread too", () => {
    const reference = row('cpu-sync', 'sequential', [1000, 1000, 1000], { reference: true });
    const pool = withComparisons(row('cpu-threading', 'threads', [700, 710, 690]), {
      reference,
      cores: 2,
      ceiling: 2,
      latencyMs: undefined,
      items: 100_000,
    });
    // 700 ms against a bound of 500 ms: 200 ms over 100,000 tasks is 2 µs a task (a hair
    // under: a row's typical time is its runs' geometric mean, just below 700 ms).
    expect(pool.overheadPerTaskUs).toBeCloseTo(2, 2);
    const [low, high] = pool.overheadPerTaskCi95 ?? [Number.NaN, Number.NaN];
    expect(low).toBeLessThan(2);
    expect(high).toBeGreaterThan(2);
    expect(
      withComparisons(reference, {
        reference,
        cores: 2,
        ceiling: 2,
        latencyMs: undefined,
        items: 100_000,
      }).overheadPerTaskUs,
    ).toBeUndefined();
  });

  it('prints a cost in the unit that reads, and an interval across zero without a dash beside a minus', () => {
    expect(microsecondsWithInterval(66.4, [64.2, 68.1])).toBe('66 µs (64–68)');
    expect(microsecondsWithInterval(2.04, [1.5, 2.6])).toBe('2.0 µs (1.5–2.6)');
    // An interval on both sides of zero: the runs cannot tell the cost from none, so no
    // figure, least of all a negative one, is given for it.
    expect(microsecondsWithInterval(-38, [-526, 484])).toBe('≈ 0 µs (-526 to 484)');
    expect(microsecondsWithInterval(12, [0, 30])).toBe('≈ 0 µs (0.0–30)');
    expect(microsecondsWithInterval(-12, [-30, -1.5])).toBe('-12 µs (-30 to -1.5)');
    // fib's 20 tasks of a tenth of a second: milliseconds, not five-digit microseconds.
    expect(microsecondsWithInterval(-7828, [-41422, 19449])).toBe('≈ 0 ms (-41.4 to 19.4)');
    expect(microsecondsWithInterval(6879, [1200, 18964])).toBe('6.9 ms (1.2–19.0)');
    expect(microsecondsWithInterval(54, undefined)).toBe('54 µs');
  });

  it('prints no share above all the machine gives that its interval cannot show', () => {
    expect(fractionWithInterval(0.92, [0.86, 0.98])).toBe('0.92 (0.86–0.98)');
    expect(fractionWithInterval(0.96, [0.82, 1.12])).toBe('0.96 (0.82–1.12)');
    // fib threads measured 2.07x against a ceiling measured in a dip, 1.18x: a point above
    // 1.0 claims more than the cores give, and its interval reaches 1.0, so the runs
    // cannot tell it from all of it.
    expect(fractionWithInterval(1.76, [0.9, 2.23])).toBe('≈ 1 (0.90–2.23)');
    expect(fractionWithInterval(1.04, [0.89, 1.2])).toBe('≈ 1 (0.89–1.20)');
    // Wholly above: a measurement problem, which a warning names; the figure stays.
    expect(fractionWithInterval(1.3, [1.1, 1.5])).toBe('1.30 (1.10–1.50)');
    expect(fractionWithInterval(1, undefined)).toBe('1.00');
  });

  it('I/O: (time − bound) ÷ pages, with its interval, and the floor beside io-asyncio in the verdict', () => {
    const io = (
      strategy: string,
      model: string,
      timesMs: number[],
      extra: Partial<BenchRow> = {},
    ) =>
      row(strategy, model, timesMs, {
        job: 'download',
        workload: 'io',
        concurrency: strategy === 'io-sync' ? 1 : 256,
        parameters: { pages: '160' },
        ...extra,
      });
    const baseline = (reference: BenchRow) => ({
      reference,
      cores: 2,
      ceiling: undefined,
      latencyMs: 25,
      items: 160,
    });
    const sync = io('io-sync', 'sequential', [4100, 4110, 4090], { reference: true });
    const reference = withComparisons(sync, baseline(sync));
    const asyncio = withComparisons(io('io-asyncio', 'async', [37, 37.5, 36.5]), baseline(sync));
    const floor = withComparisons(
      io('floor (bare client)', 'floor', [36, 36.4, 35.6], { floor: true }),
      baseline(sync),
    );
    // 37 ms against a bound of 25 ms: 12 ms over 160 pages is 75 µs a page.
    expect(asyncio.overheadPerPageUs).toBeCloseTo(75, 1);
    expect(asyncio.overheadPerPageCi95?.[0]).toBeLessThan(75);
    expect(floor.overheadPerPageUs).toBeCloseTo(68.75, 1);
    const result: BenchResult = {
      options,
      cores: 2,
      latencyMs: 25,
      rows: [reference, asyncio],
      floors: [floor],
    };
    expect(verdict(result).join('\n')).toMatch(
      /Floor \(download\): a bare client costs 69 µs \(.+\) per page beyond the bound; io-asyncio, measured in the same process, run for run: 75 µs \(.+\), 1\.09x \(1\.0\d–1\.\d\d\) the floor.s/,
    );
    expect(renderTables(result)).toMatch(/floor \(bare client\)\s+│ floor/);
  });
});
