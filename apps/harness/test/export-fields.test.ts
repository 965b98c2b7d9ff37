import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withComparisons } from '../src/benchmark/comparisons.js';
import { typicalTime } from '../src/benchmark/intervals.js';
import { judgeRows } from '../src/benchmark/judge.js';
import type { BenchResult, BenchRow } from '../src/benchmark/result.js';
import { exportJson, type JsonRecord, type JsonVerdict } from '../src/export/json.js';
import { fixtureOptions, rowOfTimes } from './report-fixtures.js';

/**
 * README, "How to read the tables": the figures `withComparisons` adds to each row (the
 * I/O bound, efficiency), and what `--export-json` carries of them and of the verdict.
 */

const options = fixtureOptions({ runs: 4 });
const row = rowOfTimes;

const io = (strategy: string, model: string, timesMs: number[], extra: Partial<BenchRow> = {}) =>
  row(strategy, model, timesMs, { job: 'download', workload: 'io', ...extra });

/** Each row compared with the first, its job's reference, as the schedule compares them. */
function compared(rows: BenchRow[], latencyMs?: number): BenchRow[] {
  const reference = rows[0];
  const baseline = {
    reference,
    cores: 2,
    ceiling: 1.9,
    ceilingCi95: [1.8, 1.95] as const,
    latencyMs,
    items: latencyMs === undefined ? 20 : 160,
  };
  return rows.map((each) => withComparisons(each, baseline));
}

describe('--export-json', () => {
  const fib = compared([
    row('cpu-sync', 'sequential', [1000, 1010, 990, 1005], { concurrency: 1 }),
    row('cpu-asyncio', 'async', [1002, 1008, 994, 1004], { concurrency: 20 }),
    row('cpu-threading', 'threads', [520, 525, 515, 530]),
    row('cpu-multiprocessing', 'processes', [519, 524, 516, 529]),
  ]);
  const download = compared(
    [
      io('io-sync', 'sequential', [4100, 4110, 4090, 4105], { concurrency: 1 }),
      io('io-asyncio', 'async', [37, 37.5, 36.5, 37.2], { concurrency: 160 }),
    ],
    25,
  );
  const result: BenchResult = {
    options,
    cores: 2,
    parallelCeiling: 1.9,
    parallelCeilingCi95: [1.8, 1.95],
    latencyMs: 25,
    rows: [...fib, ...download],
  };
  const dir = mkdtempSync(join(tmpdir(), 'speedup-export-fields-'));
  let document: { results: JsonRecord[]; verdicts: JsonVerdict[]; machine: unknown };
  beforeAll(async () => {
    await exportJson(result, join(dir, 'bench.json'));
    document = JSON.parse(readFileSync(join(dir, 'bench.json'), 'utf8'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("gives each record the row's speedup_ci95, efficiency_ci95 and of_ceiling; none for the reference's speed-up", () => {
    expect(document.results).toHaveLength(result.rows.length);
    for (const [i, each] of result.rows.entries()) {
      const record = document.results[i] as JsonRecord;
      expect(record.strategy).toBe(each.strategy);
      expect(record.speedup_ci95).toEqual(each.speedupCi95 ?? null);
      expect(record.efficiency_ci95).toEqual(each.efficiencyCi95 ?? null);
      expect(record.of_ceiling).toEqual(each.ofCeiling ?? null);
    }
    const [sync, , threading] = document.results;
    expect(sync).toMatchObject({ reference: true, speedup_ci95: null, of_ceiling: 1 });
    // A real interval around a speed-up of about 1.9x, and a share of the 1.9x ceiling.
    expect(threading?.speedup_ci95?.[0]).toBeLessThan(threading?.speedup as number);
    expect(threading?.speedup_ci95?.[1]).toBeGreaterThan(threading?.speedup as number);
    expect(threading?.efficiency_ci95).toEqual(fib[2]?.efficiencyCi95);
    expect(threading?.of_ceiling).toBeCloseTo((threading?.speedup as number) / 1.9, 12);
  });

  it('describes the machine: cores, parallel_ceiling and its interval', () => {
    expect(document.machine).toEqual({
      cores: 2,
      parallel_ceiling: 1.9,
      parallel_ceiling_ci95: [1.8, 1.95],
    });
  });

  it("has one verdict per job, whose comparisons are judgeRows' own figures", () => {
    expect(document.verdicts.map((verdict) => verdict.job)).toEqual(['fib', 'download']);
    for (const [verdict, rows] of [
      [document.verdicts[0], fib],
      [document.verdicts[1], download],
    ] as const) {
      expect(verdict).toHaveProperty('fastest');
      expect(verdict).toHaveProperty('same_as_reference');
      const expected = judgeRows(rows, options.tieMargin).map((c) => ({
        a: c.a.strategy,
        b: c.b.strategy,
        ratio: c.ratio,
        ci95: [c.ci95[0], c.ci95[1]],
        judgement: c.judgement,
      }));
      expect(expected.length).toBeGreaterThan(0);
      expect(verdict?.comparisons).toEqual(expected);
    }
    const [fibVerdict, downloadVerdict] = document.verdicts;
    // The pools tie for fastest; cpu-asyncio gains nothing on cpu-sync.
    expect(fibVerdict?.fastest.toSorted()).toEqual(['cpu-multiprocessing', 'cpu-threading']);
    expect(fibVerdict?.same_as_reference).toEqual(['cpu-asyncio']);
    expect(fibVerdict?.comparisons.map((c) => c.judgement)).toContain('same');
    expect(downloadVerdict?.fastest).toEqual(['io-asyncio']);
    // a is io-sync, b io-asyncio: "how a did against b", about 110 times slower.
    expect(downloadVerdict?.comparisons).toEqual([
      expect.objectContaining({ a: 'io-sync', b: 'io-asyncio', judgement: 'slower' }),
    ]);
    expect(downloadVerdict?.comparisons[0]?.ratio).toBeCloseTo(37 / 4100, 3);
  });
});

describe('the bound, efficiency and cost per item', () => {
  const sync = io('io-sync', 'sequential', [4100, 4110, 4090], { concurrency: 1 });
  const baseline = { reference: sync, cores: 2, ceiling: undefined, latencyMs: 25, items: 160 };
  /** A CPU job of 20 tasks on 2 cores, against `reference`. */
  const cpuBaseline = (reference: BenchRow) => ({
    reference,
    cores: 2,
    ceiling: undefined,
    latencyMs: undefined,
    items: 20,
  });
  const boundOf = (concurrency: number) =>
    withComparisons(io('io-threading', 'threads', [900, 910, 905], { concurrency }), baseline)
      .boundMs;

  it('is ceil(N / c) · L, and efficiency is the bound over the typical time (geometric mean)', () => {
    // Skewed runs, so that the geometric mean (about 883 ms) is not the median (840 ms).
    const times = [820, 840, 1000];
    const threading = withComparisons(
      io('io-threading', 'threads', times, { concurrency: 5 }),
      baseline,
    );
    const typical = typicalTime(times) as number;
    expect(threading.boundMs).toBe(800); // ceil(160 / 5) = 32 rounds of 25 ms
    expect(threading.efficiency).toBeCloseTo(800 / typical, 12);
    expect(threading.efficiency).not.toBeCloseTo(800 / 840, 3);
    // Per page is (typical time − bound) / N as well, in microseconds.
    expect(threading.overheadPerPageUs).toBeCloseTo(((typical - 800) / 160) * 1000, 9);
  });

  it('is one latency when every page is in flight at once, two when 100 of 160 are', () => {
    expect(boundOf(256)).toBe(25);
    expect(boundOf(160)).toBe(25);
    expect(boundOf(100)).toBe(50); // ceil(1.6) = 2 rounds, not 1
    expect(boundOf(1)).toBe(4000);
  });

  it('CPU: efficiency is the speed-up over min(workers, cores)', () => {
    const cpuSync = row('cpu-sync', 'sequential', [1000, 1010, 990, 1005], { concurrency: 1 });
    const cpu = cpuBaseline(cpuSync);
    const times = [520, 525, 515, 530];
    const four = withComparisons(row('cpu-threading', 'threads', times, { concurrency: 4 }), cpu);
    const one = withComparisons(row('cpu-threading', 'threads', times, { concurrency: 1 }), cpu);
    const speedup = (typicalTime(cpuSync.timesMs) as number) / (typicalTime(times) as number);
    expect(four.speedup).toBeCloseTo(speedup, 12);
    expect(four.efficiency).toBeCloseTo(speedup / 2, 12); // 4 workers share 2 cores
    expect(four.efficiencyCi95).toEqual([
      (four.speedupCi95?.[0] as number) / 2,
      (four.speedupCi95?.[1] as number) / 2,
    ]);
    expect(one.efficiency).toBeCloseTo(speedup, 12);
  });

  it("CPU: per task is (typical time − the reference's typical time / workers) / N, inside its interval", () => {
    // A skewed reference: its median (1000 ms) lies below the interval of its typical time
    // (about 1.06–1.19 s), so a bound centred on the median falls outside the bound's range.
    const cpuSync = row(
      'cpu-sync',
      'sequential',
      [...Array<number>(11).fill(1000), ...Array<number>(9).fill(1300)],
      { concurrency: 1 },
    );
    const cpu = cpuBaseline(cpuSync);
    const times = [560, 561, 562, 563, 564, 565];
    const threading = withComparisons(
      row('cpu-threading', 'threads', times, { concurrency: 2 }),
      cpu,
    );
    const bound = (typicalTime(cpuSync.timesMs) as number) / 2;
    const expected = (((typicalTime(times) as number) - bound) / 20) * 1000;
    expect(threading.overheadPerTaskUs).toBeCloseTo(expected, 9);
    const [low, high] = threading.overheadPerTaskCi95 as readonly [number, number];
    expect(low).toBeLessThanOrEqual(expected);
    expect(high).toBeGreaterThanOrEqual(expected);
  });
});
