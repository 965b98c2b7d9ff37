import { describe, expect, it } from 'vitest';
import type { BenchResult, BenchRow } from '../src/benchmark/result.js';
import { summarize } from '../src/benchmark/stats.js';
import type { BenchOptions } from '../src/options.js';
import { sideBySide } from '../src/output/side-by-side.js';
import { renderTables } from '../src/output/tables.js';

const options: BenchOptions = {
  runs: 1,
  minTime: 0,
  interleave: false,
  warmup: 0,
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

/** Three runs around `medianMs`, 1 % apart: enough for an interval. */
function row(strategy: string, model: string, medianMs: number, extra: Partial<BenchRow> = {}) {
  const timesMs = [medianMs * 0.99, medianMs, medianMs * 1.01];
  return {
    strategy,
    job: 'download',
    workload: 'io',
    model,
    language: strategy.startsWith('py-') ? 'python' : 'node',
    concurrency: 5,
    timesMs,
    summary: summarize(timesMs),
    runsOk: [true, true, true],
    differences: [],
    ok: true,
    events: [],
    parameters: { pages: '160' },
    ...extra,
  } satisfies BenchRow;
}

const result = (rows: BenchRow[]): BenchResult => ({
  options,
  cores: 2,
  rows,
  python: { interpreter: '/usr/bin/python3', version: '3.11.2' },
});

describe('Node and Python side by side', () => {
  it('sets each model’s Node and Python strategies against their own sync, then against each other', () => {
    const lines = sideBySide(
      result([
        row('io-sync', 'sequential', 4150, { reference: true }),
        row('io-asyncio', 'async', 44),
        row('io-threading', 'threads', 865),
        row('py-io-asyncio', 'async', 82),
        row('py-io-sync', 'sequential', 4250),
        row('py-io-threading', 'threads', 870),
      ]),
    );
    // A 2 % difference whose interval lies within the 3 % margin is a tie, not a win.
    expect(lines).toEqual([
      'Node and Python, model by model (download):',
      "  sequential: Node 4.15 s, Python 4.25 s; Node's and Python's sequential tie (1.02x (1.00–1.05))",
      "  threads: Node 4.80x (4.69–4.91) vs its sync, Python 4.89x (4.78–5.00) vs its sync; Node's and Python's threads tie (1.01x (0.98–1.03))",
      "  async: Node 94.3x (92.2–96.5) vs its sync, Python 51.8x (50.7–53.0) vs its sync; Node's async 1.86x (1.82–1.91) faster than Python's",
    ]);
  });

  it('leaves out a model that ran in one language only, or whose results differ', () => {
    const lines = sideBySide(
      result([
        row('io-sync', 'sequential', 4150, { reference: true }),
        row('io-hybrid', 'threads+async', 40),
        row('io-threading', 'threads', 865, { ok: false }),
        row('py-io-sync', 'sequential', 4250),
        row('py-io-threading', 'threads', 870),
        row('py-io-multiprocessing', 'processes', 900),
      ]),
    );
    expect(lines).toEqual([
      'Node and Python, model by model (download):',
      expect.stringMatching(
        /^ {2}sequential: Node 4\.15 s, Python 4\.25 s; Node's and Python's sequential tie/,
      ),
    ]);
  });

  it('says nothing, and the tables show no language, when only Node ran', () => {
    const nodeOnly = result([
      row('io-sync', 'sequential', 4150, { reference: true }),
      row('io-threading', 'threads', 865),
    ]);
    expect(sideBySide(nodeOnly)).toEqual([]);
    expect(renderTables(nodeOnly)).not.toContain('language');
    expect(renderTables(result([...nodeOnly.rows, row('py-io-sync', 'sequential', 4250)]))).toMatch(
      /│ py-io-sync +│ python +│ sequential/,
    );
  });
});

describe('Node and Python side by side, when the runs cannot tell', () => {
  it('says so instead of calling a wide interval a tie', () => {
    // Two runs each, far apart: Python's threads look 1.5x slower, but the interval
    // reaches a quarter either way.
    const spread = (strategy: string, model: string, timesMs: number[], extra = {}) =>
      row(strategy, model, timesMs[0] ?? 0, {
        timesMs,
        summary: summarize(timesMs),
        runsOk: timesMs.map(() => true),
        ...extra,
      });
    const lines = sideBySide(
      result([
        spread('io-sync', 'sequential', [4000, 4100], { reference: true }),
        spread('io-threading', 'threads', [600, 1200]),
        spread('py-io-sync', 'sequential', [4000, 4100], { reference: true }),
        spread('py-io-threading', 'threads', [900, 1800]),
      ]),
    );
    const threads = lines.find((line) => line.trim().startsWith('threads:'));
    expect(threads).toContain('too few runs to tell which is faster (the interval is too wide)');
    expect(threads).not.toContain('tie');
  });
});
