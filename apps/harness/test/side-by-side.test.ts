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

function row(strategy: string, model: string, medianMs: number, extra: Partial<BenchRow> = {}) {
  return {
    strategy,
    job: 'download',
    workload: 'io',
    model,
    language: strategy.startsWith('py-') ? 'python' : 'node',
    concurrency: 5,
    timesMs: [medianMs],
    summary: summarize([medianMs]),
    runsOk: [true],
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
    expect(lines).toEqual([
      'Node and Python, model by model (download):',
      "  sequential: Node 4.15 s, Python 4.25 s; Node's and Python's sequential about as fast (1.02x)",
      "  threads: Node 4.80x vs its sync, Python 4.89x vs its sync; Node's and Python's threads about as fast (1.01x)",
      "  async: Node 94.3x vs its sync, Python 51.8x vs its sync; Node's async 1.86x faster than Python's",
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
      "  sequential: Node 4.15 s, Python 4.25 s; Node's and Python's sequential about as fast (1.02x)",
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
