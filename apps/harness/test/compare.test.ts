import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkSameInputs,
  compareRuns,
  type RowChange,
  readSavedRun,
  type SavedRow,
  type SavedRun,
} from '../src/benchmark/compare.js';
import { PlanError } from '../src/benchmark/plan.js';
import type { BenchResult, BenchRow } from '../src/benchmark/result.js';
import { summarize } from '../src/benchmark/stats.js';
import type { BenchOptions } from '../src/options.js';
import { renderComparison } from '../src/output/compare-table.js';
import { painter } from '../src/output/paint.js';
import { bench, runsOnly } from './run-cli.js';

const options = { runs: 5, tieMargin: 0.03 } as BenchOptions;
const input = 'sum-of-squares of 20 items from 5000000';
// Each strategy's runs in the saved file, with a little spread; this run's are these, scaled.
const times: Record<string, number[]> = {
  'cpu-sync': [100, 102, 98, 101, 99],
  'cpu-threading': [55, 56, 54, 55, 57],
  'cpu-processes': [60, 61, 59, 62, 60],
};

const savedRow = (strategy: string, timesMs = times[strategy] as number[]): SavedRow => ({
  strategy,
  job: 'sum-of-squares',
  input,
  reference: strategy === 'cpu-sync',
  sweptValue: undefined,
  timesMs,
  median: summarize(timesMs).median,
});
const before: SavedRun = { file: 'base.json', rows: Object.keys(times).map((s) => savedRow(s)) };

/** This run: every strategy's saved times × `machine`, and × `extra[strategy]` on top. */
function after(machine: number, extra: Record<string, number> = {}): BenchResult {
  const rows = Object.entries(times).map(([strategy, saved]): BenchRow => {
    const timesMs = saved.map((ms) => ms * machine * (extra[strategy] ?? 1));
    return {
      ...{ strategy, job: 'sum-of-squares', input, workload: 'cpu', model: 'threads' },
      ...{ reference: strategy === 'cpu-sync', timesMs, summary: summarize(timesMs) },
      ...{ runsOk: [], differences: [], ok: true, events: [], parameters: {} },
    };
  });
  return { options, cores: 2, rows };
}

/** Per strategy: after ÷ before, the judgement, and whether it was corrected or fails. */
const outline = (changes: RowChange[]) =>
  Object.fromEntries(
    changes.map((c) => [
      c.row.strategy,
      `${c.change.toFixed(2)}x ${c.judgement}${c.corrected ? ', corrected' : ''}${c.failsThreshold ? ', fails' : ''}`,
    ]),
  );

describe('compareRuns', () => {
  it("divides each row's change by the reference's: a machine 20 % slower cancels out", () => {
    const changes = compareRuns(after(1.2, { 'cpu-processes': 2 }), before, undefined);
    expect(outline(changes)).toEqual({
      // The reference's own row is the machine's drift, uncorrected.
      'cpu-sync': '1.20x slower',
      'cpu-threading': '1.00x same, corrected',
      'cpu-processes': '2.00x slower, corrected',
    });
    expect(changes[2]?.ci95?.map((bound) => bound.toFixed(2))).toEqual(['1.93', '2.07']);
  });

  it('judges a row twice as fast as before faster, its interval below 1x', () => {
    const changes = compareRuns(after(1, { 'cpu-threading': 0.5 }), before, undefined);
    expect(outline(changes)['cpu-threading']).toBe('0.50x faster, corrected');
    expect(changes[1]?.ci95?.[1]).toBeLessThan(1);
  });

  it('compares raw times when the saved run did not measure the reference', () => {
    const withoutReference = { file: 'base.json', rows: [savedRow('cpu-threading')] };
    expect(outline(compareRuns(after(1.2), withoutReference, undefined))).toEqual({
      'cpu-threading': '1.20x slower',
    });
  });

  it('fails the threshold only for a row significantly slower by more than the percent', () => {
    const slowed = after(1, { 'cpu-threading': 1.3, 'cpu-processes': 1.08 });
    expect(outline(compareRuns(slowed, before, 0.1))).toEqual({
      'cpu-sync': '1.00x same',
      'cpu-threading': '1.30x slower, corrected, fails',
      // Slower, but by 8 %: within --fail-if-slower 10.
      'cpu-processes': '1.08x slower, corrected',
    });
    const failing = (percent: number | undefined, saved = before) =>
      compareRuns(slowed, saved, percent).filter((c) => c.failsThreshold);
    expect(failing(0.5)).toEqual([]);
    expect(failing(undefined)).toEqual([]);
    // Runs too spread to tell 1.3x from 1.1x: not significant, so no failure.
    const noisy = [savedRow('cpu-sync'), savedRow('cpu-threading', [30, 90, 50, 120, 40])];
    expect(failing(0.1, { ...before, rows: noisy })).toEqual([]);
  });
  it('says same only when the verdict would say ≈: a change the runs cannot place within a quarter of none is too few runs to tell', () => {
    // Measured on this project's 2-core host: the reference 2.65 s before and 3.68 s after,
    // cpu-threading 1.90 s and 1.92 s: after ÷ before 0.78x (0.61–1.00), no significant
    // change, yet as much "a quarter faster" as "the same". The verdict would not call two
    // strategies with that ratio alike, so neither does --compare.
    const spread = (centre: number, ...factors: number[]) => factors.map((f) => centre * f);
    const noisyBefore: SavedRun = {
      file: 'base.json',
      rows: [
        savedRow('cpu-sync', spread(100, 0.8, 1.1, 1.0, 0.9, 1.25)),
        savedRow('cpu-threading', spread(55, 1.0, 1.2, 0.85, 1.1, 0.9)),
      ],
    };
    const run = after(1);
    const rows = run.rows
      .filter((row) => row.strategy !== 'cpu-processes')
      .map((row) => {
        const timesMs = spread(row.strategy === 'cpu-sync' ? 100 : 55, 1.2, 0.9, 1.0, 0.8, 1.1);
        return { ...row, timesMs, summary: summarize(timesMs) };
      });
    const changes = compareRuns({ ...run, rows }, noisyBefore, 0.1);
    const threads = changes.find((change) => change.row.strategy === 'cpu-threading');
    const [low, high] = threads?.ci95 ?? [Number.NaN, Number.NaN];
    expect(low).toBeLessThan(0.8);
    expect(high).toBeGreaterThan(1.03);
    expect(threads?.judgement).toBeUndefined();
    expect(threads?.failsThreshold).toBe(false);
    const text = renderComparison({ ...run, rows }, changes, 'base.json', painter(false));
    const line = text.split('\n').find((each) => each.includes('│ cpu-threading '));
    expect(line?.split('│')[6]?.trim()).toBe('too few runs to tell');
  });
});

describe('renderComparison', () => {
  it('prints before, after, after ÷ before with its interval and the word, per row', () => {
    const run = after(1.2, { 'cpu-processes': 2 });
    const changes = compareRuns(run, before, undefined);
    const text = renderComparison(run, changes, 'base.json', painter(false));
    expect(text).toMatch(
      /^Compared with base\.json \(each row's change divided by its reference's/,
    );
    const lines = text.split('\n').filter((line) => line.includes('│ sum-of-squares │'));
    const cells = lines.map((line) =>
      line
        .split('│')
        .slice(3, 7)
        .map((cell) => cell.trim()),
    );
    expect(cells).toEqual([
      ['100 ms', '120 ms', '1.20x (1.17–1.23): the machine', 'slower'],
      ['55.0 ms', '66.0 ms', '1.00x (0.97–1.04)', 'same'],
      ['60.0 ms', '144 ms', '2.00x (1.93–2.07)', 'slower'],
    ]);
    expect(renderComparison(run, [], 'base.json', painter(false))).toBe(
      'Compared with base.json: no row of this run was measured there.',
    );
  });
});

describe('reading a saved run', () => {
  let dir: string;
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };
  const fib = { strategy: 'cpu-sync', job: 'fib', input: 'fib of 20 items', reference: true };
  const record = { ...fib, times: [0.1, 0.3, 0.2], median: 0.2, parameters: { workers: '2' } };
  /** A one-line message: each pattern below is anchored at both ends, and `.` stops at a newline. */
  const refuses = (action: () => unknown, message: RegExp) => {
    expect(action).toThrow(PlanError);
    expect(action).toThrow(message);
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'speedup-compare-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads an export: times and median in seconds become milliseconds', () => {
    expect(readSavedRun(file('ok.json', { results: [record] }), 'workers').rows).toEqual([
      { ...fib, sweptValue: '2', timesMs: [100, 300, 200], median: 200 },
    ]);
  });

  it('refuses an unreadable file and one that is not an export, naming the problem', () => {
    const read = (path: string) => () => readSavedRun(path, undefined);
    refuses(read(join(dir, 'missing.json')), /^--compare: cannot read '.*' \(ENOENT\)$/);
    refuses(read(file('junk.json', 'not json {')), /^--compare: cannot read '.*' \(.*JSON.*\)$/);
    refuses(
      read(file('other.json', { a: 1 })),
      /^--compare: '.*other\.json' is not a file written by pnpm bench --export-json$/,
    );
    refuses(
      read(file('old.json', { results: [{ strategy: 'x' }] })),
      /^--compare: '.*old\.json' was not written by this version .*lacks strategy, job, input or times\)$/,
    );
  });

  it('refuses an export of other jobs, other inputs or another swept value', () => {
    const run = readSavedRun(file('fib.json', { results: [record] }), 'workers');
    const check = (job: 'fib' | 'sum-of-squares', sweptValue: string, input: string) => () =>
      checkSameInputs(run, [{ job, sweptValue, input }]);
    expect(check('fib', '2', 'fib of 20 items')).not.toThrow();
    refuses(
      check('sum-of-squares', '2', input),
      /^--compare: '.*fib\.json' has no sum-of-squares job at that setting \(2\) to compare with$/,
    );
    refuses(
      check('fib', '2', 'fib of 40 items'),
      /^--compare: '.*' ran fib on other inputs \(fib of 20 items; now fib of 40 items\)$/,
    );
    refuses(
      check('fib', '4', 'fib of 20 items'),
      /^--compare: '.*' has no fib job at that setting \(4\) to compare with$/,
    );
  });
});

describe('pnpm bench --compare', () => {
  let dir: string;
  let base: string;
  // Two strategies on one core each, so a busy machine slows both alike; a warm-up run, so
  // the cold one does not widen every interval.
  const only = ['--only', 'cpu-sync,cpu-asyncio', '--job', 'sum-of-squares', '--size', '0.2'];
  const args = [...only, ...runsOnly(8), '--warmup', '1'];
  /** A copy of the base export with `edit` applied to each of its results. */
  const edited = (name: string, edit: (record: Record<string, unknown>) => void) => {
    const document = JSON.parse(readFileSync(base, 'utf8')) as {
      results: Record<string, unknown>[];
    };
    document.results.forEach(edit);
    writeFileSync(join(dir, name), JSON.stringify(document));
    return join(dir, name);
  };
  const comparisonLine = (stdout: string, strategy: string) =>
    stdout
      .slice(stdout.indexOf('Compared with'))
      .split('\n')
      .find((line) => line.includes(`│ ${strategy} `));

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'speedup-compare-cli-'));
    base = join(dir, 'base.json');
    const exported = bench([...args, '--export-json', base]);
    expect(exported.status, exported.stderr).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('compares a run with its own earlier export: a line per strategy, exit 0', () => {
    const run = bench([...args, '--compare', base]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      `Compared with ${base} (each row's change divided by its reference's`,
    );
    const figure = String.raw`sum-of-squares │ [\d.]+ ms +│ [\d.]+ ms +│ [\d.]+x \([\d.]+–[\d.]+\)`;
    expect(comparisonLine(run.stdout, 'cpu-sync')).toMatch(
      new RegExp(`${figure}: the machine +│ (same|slower|faster|too few runs to tell) `),
    );
    expect(comparisonLine(run.stdout, 'cpu-asyncio')).toMatch(
      new RegExp(`${figure} +│ (same|slower|faster|too few runs to tell) `),
    );
  });

  it('exits 1 with --fail-if-slower 10 when a row is now about 4x slower than saved', () => {
    // The saved cpu-asyncio ran 4x faster than it did; the reference is left as it was.
    const faster = edited('faster.json', (record) => {
      if (record.reference) return;
      record.times = (record.times as number[]).map((seconds) => seconds * 0.25);
      for (const key of ['mean', 'median', 'min', 'max', 'stddev']) {
        record[key] = (record[key] as number) * 0.25;
      }
    });
    const run = bench([...args, '--compare', faster, '--fail-if-slower', '10']);
    expect(run.status, run.stdout).toBe(1);
    expect(comparisonLine(run.stdout, 'cpu-asyncio')).toMatch(/│ slower /);
  });

  it.each([
    ['another job', 'job', 'fib', /has no sum-of-squares job to compare with$/],
    ['other inputs', 'input', 'sum of 3', /ran sum-of-squares on other inputs \(sum of 3; now /],
  ])(
    'refuses an export of %s with one line and exit 2, before measuring',
    (name, key, value, message) => {
      const run = bench([
        ...args,
        '--compare',
        edited(`${name}.json`, (record) => {
          record[key] = value;
        }),
      ]);
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(message)]);
    },
  );

  it('refuses --fail-if-slower without --compare with one line and exit 2', () => {
    const run = bench([...args, '--fail-if-slower', '10']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('error: --fail-if-slower needs --compare <file>: slower than what?\n');
  });
});
