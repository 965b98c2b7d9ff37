import { readFileSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderReport, writeReport } from '../src/report/html.js';
import { EXACT_TASK_LIMIT } from '../src/report/timeline-chart.js';
import {
  fixtureOptions,
  fixtureRow,
  manyTasksResult,
  SWEPT_WORKERS,
  sequentialTasks,
  syntheticResult,
  unsweptResult,
} from './report-fixtures.js';

const generatedAt = new Date(Date.UTC(2025, 0, 1));
const count = (html: string, pattern: RegExp) => html.match(pattern)?.length ?? 0;

/** The figure of one chart, from its opening tag to its end. */
function figure(html: string, chart: string, job: string, strategy?: string): string {
  const opening = strategy
    ? `data-chart="${chart}" data-job="${job}" data-strategy="${strategy}"`
    : `data-chart="${chart}" data-job="${job}"`;
  const start = html.indexOf(opening);
  expect(start, opening).toBeGreaterThan(-1);
  return html.slice(start, html.indexOf('</figure>', start));
}

describe('the HTML report', () => {
  it('loads nothing: no scripts, links, images, external URLs or CSS imports, and a policy that forbids them', () => {
    const result = unsweptResult();
    const html = renderReport({
      ...result,
      latencyMs: undefined,
      options: fixtureOptions({ sites: ['https://example.com/', 'http://example.org/'] }),
    });
    const tags = html.match(/<[^>]+>/g) ?? [];
    for (const tag of tags) expect(tag).not.toMatch(/https?:|\/\/|\bsrc=|\bhref=/);
    expect(html).not.toMatch(/<(script|link|img|iframe|object|embed)\b/i);
    expect(html).not.toMatch(/url\(|@import|@font-face/i);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    // The sites are named, as text, in the header.
    expect(html).toContain('https://example.com/, http://example.org/');
  });

  it('draws a bar chart per job, with every strategy, its result, a dot per run, and only what the verdict supports marked fastest', () => {
    const html = renderReport(unsweptResult(), { generatedAt });
    for (const job of ['download', 'sum-of-squares', 'fib']) {
      expect(html).toContain(`data-chart="bars" data-job="${job}"`);
    }
    const fib = figure(html, 'bars', 'fib');
    expect(count(fib, /<g class="bar-row"/g)).toBe(3);
    // cpu-threading is faster than cpu-sync but got a different answer.
    expect(fib).toMatch(/<rect class="bar differs"/);
    expect(fib).toMatch(/class="differs-label">DIFF</);
    expect(fib).toContain('FAILED: worker exited with code 1');
    expect(count(fib, /<circle class="run"/g)).toBe(6);
    // The one correct row beat nothing, and a wrong answer is never the fastest.
    expect(count(fib, /class="bar fastest"/g)).toBe(0);
    const download = figure(html, 'bars', 'download');
    expect(count(download, /class="bar fastest"/g)).toBe(1);
    const fastestRow = download.slice(
      download.lastIndexOf('<g class="bar-row"', download.indexOf('bar fastest')),
    );
    expect(fastestRow).toMatch(/^<g class="bar-row" data-strategy="io-asyncio">/);
  });

  it('draws each speed-up with its interval, and the machine ceiling for CPU jobs', () => {
    const html = renderReport(unsweptResult(), { generatedAt });
    const squares = figure(html, 'speedups', 'sum-of-squares');
    expect(count(squares, /<g class="speedup-row"/g)).toBe(3);
    expect(count(squares, /<path class="interval"/g)).toBe(3);
    expect(squares).toContain('machine ceiling 1.90x');
    expect(figure(html, 'speedups', 'download')).not.toContain('machine ceiling');
  });

  it('draws a timeline per strategy and job: a lane per worker, a box per task, coloured by what it did', () => {
    const html = renderReport(unsweptResult(), { generatedAt });
    const threads = figure(html, 'timeline', 'download', 'io-threading');
    expect(count(threads, /<g class="worker-lane[^"]*" data-worker="thread \d"/g)).toBe(4);
    expect(count(threads, /<g class="task">/g)).toBe(160);
    expect(count(threads, /<rect class="waiting"/g)).toBe(160);
    expect(count(threads, /<rect class="receiving"/g)).toBe(160);

    const cpu = figure(html, 'timeline', 'sum-of-squares', 'cpu-multiprocessing');
    expect(count(cpu, /data-worker="pid \d+"/g)).toBe(4);
    expect(count(cpu, /<rect class="running"/g)).toBe(20);
    expect(cpu).not.toContain('class="waiting"');

    expect(figure(html, 'timeline', 'fib', 'cpu-broken')).toContain(
      'No timeline: failed: worker exited with code 1',
    );
  });

  it('stacks the overlapping tasks of async I/O in rows of one lane', () => {
    const html = renderReport(unsweptResult(), { generatedAt });
    const asyncio = figure(html, 'timeline', 'download', 'io-asyncio');
    expect(count(asyncio, /data-worker=/g)).toBe(1);
    expect(asyncio).toContain('160 tasks on 1 worker, at most 160 at once');
    const rowTops = new Set(
      [...asyncio.matchAll(/<rect class="waiting" x="[\d.]+" y="([\d.]+)"/g)].map((m) => m[1]),
    );
    expect(rowTops.size).toBe(160);
  });

  it('draws a download that noted no moments as one running box, and claims no wait', () => {
    const row = fixtureRow({
      strategy: 'io-elsewhere',
      job: 'download',
      model: 'threads',
      concurrency: 1,
      events: sequentialTasks(10, () => 30, 'thread 1'),
      moments: false,
    });
    const html = renderReport({ ...unsweptResult(), rows: [row] });
    const timeline = figure(html, 'timeline', 'download', 'io-elsewhere');
    expect(count(timeline, /<rect class="running"/g)).toBe(10);
    expect(timeline).not.toContain('class="waiting"');
    expect(html).not.toContain('waiting for the server');
    expect(html).toContain('task running: its wall time');
  });

  it('draws a sweep chart per job: a line per strategy with a point per value, and a legend', () => {
    const html = renderReport(syntheticResult(), { generatedAt });
    const download = figure(html, 'sweep', 'download');
    expect(count(download, /<g class="strategy-series"/g)).toBe(4);
    expect(count(download, /<circle /g)).toBe(4 * SWEPT_WORKERS.length);
    expect(download).toContain('workers (pool size), log scale');
    for (const strategy of ['io-sync', 'io-threading', 'io-asyncio', 'io-multiprocessing']) {
      expect(download).toContain(`>${strategy}</text>`);
    }
    const fib = figure(html, 'sweep', 'fib');
    expect(fib).toContain('>cpu-broken (failed)</text>');
    // Timelines are those of the largest value only.
    expect(count(html, /data-chart="timeline"/g)).toBe(11);
    expect(html).toContain('io-threading, workers 8');
  });

  it('still draws every timeline when the rows do not carry the swept value', () => {
    const html = renderReport({
      ...unsweptResult(),
      sweep: { parameter: 'latency', values: [5, 25] },
    });
    expect(count(html, /data-chart="timeline"/g)).toBe(11);
    expect(html).not.toContain('the timelines are those at');
  });

  it('has no sweep section without a sweep', () => {
    expect(renderReport(unsweptResult())).not.toContain('data-chart="sweep"');
  });

  it('escapes what the strategies and the environment put in it', () => {
    const result = unsweptResult();
    const html = renderReport({
      ...result,
      rows: [
        fixtureRow({
          strategy: 'cpu-<b>bold</b>',
          job: 'fib',
          model: 'threads"onload="x',
          concurrency: 1,
          events: [],
          error: '<script>alert(1)</script>',
        }),
      ],
    });
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>bold</b>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('threads&quot;onload=&quot;x');
  });

  it('stays small with 10,000 tasks per strategy, and says how it drew them', () => {
    const result = manyTasksResult(10_000);
    const html = renderReport(result, { generatedAt });
    expect(Buffer.byteLength(html)).toBeLessThan(500_000);
    const asyncio = figure(html, 'timeline', 'download', 'io-asyncio');
    expect(asyncio).toContain('10,000 tasks are too many to draw one by one');
    expect(asyncio).toMatch(/pid 4100: 9,\d{3} tasks overlapped the 200 rows above them/);
    expect(asyncio).toContain('merged</text>');
  });

  it(`draws up to ${EXACT_TASK_LIMIT} tasks one by one, each with a tooltip`, () => {
    const row = fixtureRow({
      strategy: 'cpu-sync',
      job: 'fib',
      model: 'sequential',
      concurrency: 1,
      events: sequentialTasks(EXACT_TASK_LIMIT, () => 1, 'pid 1'),
    });
    const html = renderReport({ ...unsweptResult(), rows: [row] });
    expect(count(html, /<g class="task"><title>task \d+: /g)).toBe(EXACT_TASK_LIMIT);
  });

  it('writes index.html into the folder, creating it', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'speedup-report-')), 'nested/out');
    try {
      const file = await writeReport(unsweptResult(), dir, { generatedAt });
      expect(file).toBe(join(dir, 'index.html'));
      expect(readFileSync(file, 'utf8')).toBe(renderReport(unsweptResult(), { generatedAt }));
    } finally {
      rmSync(join(dir, '../..'), { recursive: true, force: true });
    }
  });
});
