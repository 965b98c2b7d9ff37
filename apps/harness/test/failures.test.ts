import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PageResult } from '@speedup/shared-core';
import { countOutcomes } from '@speedup/shared-core/harness';
import { afterAll, describe, expect, it } from 'vitest';
import type { BenchResult, BenchRow } from '../src/benchmark/result.js';
import { urlOutcomes } from '../src/benchmark/rows.js';
import { summarize } from '../src/benchmark/stats.js';
import { exportJson, referenceOutcomes, toJsonRecord } from '../src/export/json.js';
import { renderMarkdown } from '../src/export/markdown.js';
import { writeExport } from '../src/export/write-file.js';
import type { BenchOptions } from '../src/options.js';
import { resultLabel } from '../src/output/describe-row.js';
import { failureLines, rowsOverFailureLimit } from '../src/output/failures.js';
import { renderTables } from '../src/output/tables.js';
import { verdict } from '../src/output/verdict.js';
import { renderReport } from '../src/report/html.js';
import { layOutTimeline } from '../src/timeline/lanes.js';

const options: BenchOptions = {
  runs: 3,
  minTime: 0,
  interleave: true,
  warmup: 0,
  precision: 0,
  budgetMs: 3000,
  tieMargin: 0.03,
  seed: 1,
  latency: 1,
  jitter: 0,
  pages: 12,
  size: 1,
  sites: ['http://alice:s3cr3t@127.0.0.1:9/', 'http://127.0.0.1:9/fault/short'],
  limits: { pageTimeout: 2_000 },
  root: '/x',
};

const ok = (url: string): PageResult => ({ url, status: 200, bytes: 10, sha256: 'ab' });
const failed = (url: string, fields: Partial<PageResult>): PageResult => ({
  url,
  status: 0,
  bytes: 0,
  sha256: '',
  ...fields,
});

/** The 12 pages of the issue: 8 fail, 2 of each of four kinds. */
const SITE = 'http://alice:s3cr3t@127.0.0.1:9/';
const pages: PageResult[] = [
  ok(SITE),
  failed('http://h/huge', { error: 'too_large' }),
  failed('http://h/short', { error: 'short_body' }),
  failed('http://h/loop', { error: 'too_many_redirects' }),
  failed('http://h/500', { status: 500, bytes: 18, sha256: 'cd', error: 'http_status' }),
  ok(SITE),
  ok(SITE),
  failed('http://h/huge', { error: 'too_large' }),
  failed('http://h/short', { error: 'short_body' }),
  failed('http://h/loop', { error: 'too_many_redirects' }),
  failed('http://h/500', { status: 500, bytes: 18, sha256: 'cd', error: 'http_status' }),
  ok(SITE),
];

function row(strategy: string, results: PageResult[], extra: Partial<BenchRow> = {}): BenchRow {
  const timesMs = [100, 101, 102];
  return {
    strategy,
    job: 'download',
    workload: 'io',
    model: 'sequential',
    concurrency: 1,
    timesMs,
    summary: summarize(timesMs),
    runsOk: [true, true, true],
    differences: [],
    ok: true,
    outcomes: countOutcomes(results),
    failures: results.flatMap((page, index) =>
      page.error
        ? [{ index, kind: page.error === 'http_status' ? 'http_status (500)' : page.error }]
        : [],
    ),
    events: results.map((_, index) => ({ index, worker: 'main', start: index, end: index + 1 })),
    parameters: { pages: '12' },
    ...extra,
  };
}

const resultOf = (...rows: BenchRow[]): BenchResult => ({ options, cores: 2, rows });

describe('failed pages in every output', () => {
  const same = resultOf(
    row('io-sync', pages, { reference: true, urlOutcomes: urlOutcomes(pages) }),
    row('io-asyncio', pages),
  );

  it('counts them in the failed column and names the kinds under the table, the same in every strategy', () => {
    const text = renderTables(same);
    expect(text).toMatch(/│ failed\s+│ results/);
    expect(text).toMatch(/│ 8 \/ 12\s+│ ok/);
    expect(text).toContain(
      'download: 8 of 12 pages failed, the same in every strategy: 2 body too large (over 10 MB), 2 body shorter than its Content-Length, 2 too many redirects, 2 HTTP 500',
    );
    expect(text).toContain('page 2 s');
  });

  it('names the kinds strategy by strategy when they failed differently', () => {
    const other = [...pages];
    other[3] = failed('http://h/loop', { error: 'timeout', timeout: 'page' });
    const lines = failureLines(resultOf(row('io-sync', pages), row('io-threading', other)));
    expect(lines).toEqual([
      "download: the strategies' pages failed differently:",
      '  io-sync: 8 of 12 pages failed: 2 body too large (over 10 MB), 2 body shorter than its Content-Length, 2 too many redirects, 2 HTTP 500',
      '  io-threading: 8 of 12 pages failed: 2 body too large (over 10 MB), 2 body shorter than its Content-Length, 2 HTTP 500, 1 page timeout (over 2 s for the whole page), 1 too many redirects',
    ]);
  });

  it('warns in the verdict past a tenth, and --max-failures picks the rows over its limit', () => {
    expect(verdict(same)[0]).toBe(
      'Warning (download): 8 of 12 pages (67 %) failed in every strategy, more than a tenth: these times measure failures as much as work.',
    );
    expect(rowsOverFailureLimit(same, 0.1).map((each) => each.strategy)).toEqual([
      'io-sync',
      'io-asyncio',
    ]);
    expect(rowsOverFailureLimit(same, 0.7)).toEqual([]);
    const fine = resultOf(
      row(
        'io-sync',
        pages.map((page) => ok(page.url)),
      ),
    );
    expect(failureLines(fine)).toEqual([]);
    expect(verdict(fine).join('\n')).not.toContain('Warning');
  });

  it('exports outcomes per record, and the reference’s outcome per URL with its password hidden', () => {
    const record = toJsonRecord(same.rows[0] as BenchRow);
    expect(record.outcomes).toEqual({
      ok: 4,
      failed: 8,
      by_kind: {
        too_large: 2,
        short_body: 2,
        too_many_redirects: 2,
        'http_status (500)': 2,
      },
    });
    expect(referenceOutcomes(same)).toEqual([
      {
        job: 'download',
        url: 'http://alice:***@127.0.0.1:9/',
        pages: 4,
        status: 200,
        bytes: 10,
        kind: 'ok',
      },
      { job: 'download', url: 'http://h/huge', pages: 2, status: 0, bytes: 0, kind: 'too_large' },
      { job: 'download', url: 'http://h/short', pages: 2, status: 0, bytes: 0, kind: 'short_body' },
      {
        job: 'download',
        url: 'http://h/loop',
        pages: 2,
        status: 0,
        bytes: 0,
        kind: 'too_many_redirects',
      },
      {
        job: 'download',
        url: 'http://h/500',
        pages: 2,
        status: 500,
        bytes: 18,
        kind: 'http_status (500)',
      },
    ]);
  });

  it('puts the kinds under the Markdown table and in the report, with failed tasks in their own colour', () => {
    expect(renderMarkdown(same)).toContain('| 8 / 12 | ok |');
    expect(renderMarkdown(same)).toContain('> download: 8 of 12 pages failed, the same in every');
    const html = renderReport(same);
    expect(html).toContain('data-failures');
    expect(html).toContain('8 of 12 pages failed: 2 body too large (over 10 MB)');
    expect(html.match(/class="task failed-task" data-failure="[^"]+"/g)).toHaveLength(16);
    expect(html).toContain('data-failure="too_large"');
    expect(html).toMatch(/<title>task 1: [^<]*; failed: too_large<\/title>/);
    expect(html).not.toContain('s3cr3t');
  });

  it('lays a failed task out as one failed part, with its kind', () => {
    const timeline = layOutTimeline([{ index: 0, worker: 'main', start: 0, end: 30 }], undefined, [
      { index: 0, kind: 'timeout (page)' },
    ]);
    const task = timeline.lanes[0]?.rows[0]?.[0];
    expect(task?.failure).toBe('timeout (page)');
    expect(task?.parts).toEqual([{ activity: 'failed', start: 0, end: 30 }]);
  });
});

describe('an interrupted run', () => {
  const interrupted = resultOf(
    row(
      'io-sync',
      pages.map((page) => ok(page.url)),
      { interrupted: true },
    ),
  );

  it('marks its rows interrupted in the tables, the verdict, the Markdown, the JSON and the report', () => {
    const only = interrupted.rows[0] as BenchRow;
    expect(resultLabel(only)).toBe('ok (interrupted)');
    expect(renderTables(interrupted)).toContain('Interrupted (Ctrl-C)');
    expect(renderMarkdown(interrupted)).toContain('| ok (interrupted) |');
    expect(toJsonRecord(only).interrupted).toBe(true);
    expect(renderReport(interrupted)).toContain('data-interrupted');
  });
});

describe('exports', () => {
  const dir = mkdtempSync(join(tmpdir(), 'speedup-exports-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('are written whole, through a temporary file in the same folder, with passwords hidden', async () => {
    const file = join(dir, 'out/bench.json');
    await exportJson(
      resultOf(row('io-sync', pages, { reference: true, urlOutcomes: urlOutcomes(pages) })),
      file,
    );
    const text = readFileSync(file, 'utf8');
    expect(JSON.parse(text).results).toHaveLength(1);
    expect(text).not.toContain('s3cr3t');
    expect(text).toContain('alice:***@');
    expect(readdirSync(join(dir, 'out'))).toEqual(['bench.json']);
  });

  it('leave nothing behind, and the old file untouched, when the write fails', async () => {
    const target = join(dir, 'taken');
    mkdirSync(join(target, 'inside'), { recursive: true });
    // A folder cannot be replaced by a file: the rename fails after the text was written.
    await expect(writeExport(target, 'new text')).rejects.toThrow();
    expect(readdirSync(dir).filter((name) => name.includes('.tmp'))).toEqual([]);
    expect(existsSync(join(target, 'inside'))).toBe(true);
  });
});
