import { describe, expect, it } from 'vitest';
import { speedupChartSvg, standalone, timelineSvg, timesChartSvg } from '../src/report/charts.js';
import { renderReport } from '../src/report/html.js';
import {
  fixtureRow,
  poolTasks,
  sequentialTasks,
  unsweptResult,
  withPicture,
} from './report-fixtures.js';

/** The report's measured lanes, its tables and verdict, its scales, and its charts on their own. */

const generatedAt = new Date(Date.UTC(2025, 0, 1));
const count = (html: string, pattern: RegExp) => html.match(pattern)?.length ?? 0;

function figure(html: string, chart: string, strategy: string): string {
  const start = html.indexOf(
    `data-chart="${chart}" data-job="sum-of-squares" data-strategy="${strategy}"`,
  );
  expect(start, `${chart} ${strategy}`).toBeGreaterThan(-1);
  return html.slice(start, html.indexOf('</figure>', start));
}

const blockedLoop = withPicture(
  fixtureRow({
    strategy: 'cpu-asyncio',
    job: 'sum-of-squares',
    model: 'async',
    concurrency: 1,
    events: sequentialTasks(20, () => 10, 'pid 4100'),
  }),
  { busyShare: 1, blockedMs: 200 },
);
const pool = withPicture(
  fixtureRow({
    strategy: 'cpu-threading',
    job: 'sum-of-squares',
    model: 'threads',
    concurrency: 2,
    events: poolTasks(20, ['thread 1', 'thread 2'], () => 1),
  }),
  { busyShare: 1 },
);
const result = { ...unsweptResult(), rows: [blockedLoop, pool] };

describe('the measured lanes in the report', () => {
  const html = renderReport(result, { generatedAt });

  it('draws a busy strip for every measured thread, the helpers, and the loop, each with a tooltip', () => {
    const asyncio = figure(html, 'timeline', 'cpu-asyncio');
    expect(count(asyncio, /<g class="strip busy"><title>pid 4100: busy /g)).toBe(1);
    expect(asyncio).toContain('<g class="strip helpers"><title>helper threads');
    expect(asyncio).toMatch(
      /<g class="strip late"><title>pid 4100 \(main\): event loop late: a 1 ms timer fired up to 200 ms late/,
    );

    // A task's tooltip says how much of it its thread computed.
    expect(count(asyncio, /<title>task \d+: [^<]*its thread was busy 100 % of it<\/title>/g)).toBe(
      20,
    );

    const threads = figure(html, 'timeline', 'cpu-threading');
    expect(count(threads, /<g class="strip busy"><title>thread \d: busy /g)).toBe(2);
    // The main thread ran no task: a lane of its own, nearly idle, and its loop never late.
    expect(threads).toContain('data-lane="main"');
    expect(threads).toContain('event loop: never late by a millisecond or more');
    // Every lane and every task has a tooltip.
    expect(count(threads, /<rect class="lane"[^>]*><title>/g)).toBe(2);
    expect(count(threads, /<g class="task"><title>task \d+: /g)).toBe(20);
  });

  it('draws a job on one time scale, and a much shorter run again, zoomed, saying so', () => {
    expect(html).not.toContain(
      'data-chart="timeline-zoomed" data-job="sum-of-squares" data-strategy="cpu-asyncio"',
    );
    const zoomed = figure(html, 'timeline-zoomed', 'cpu-threading');
    expect(zoomed).toContain('zoomed: the same run on its own time scale');
    expect(zoomed).toContain('zoomed, on its own scale');
  });

  it('names in the legend only what was measured', () => {
    expect(html).toContain('busy: the share of each moment the thread spent on a core');
    expect(html).toContain('loop late');
    expect(html).not.toContain('waiting for the server');
    expect(html).not.toContain('configured latency');
  });
});

describe('the whole story on one page', () => {
  const html = renderReport(unsweptResult(), { generatedAt });

  it('has the result tables, the verdict and the warnings', () => {
    expect(html).toContain('<section id="tables">');
    expect(count(html, /<table>/g)).toBe(4);
    expect(html).toContain('<th scope="col">median</th>');
    expect(html).toContain('<ul class="verdict" data-verdict>');
    expect(html).toMatch(/<div class="warnings" data-warnings>[\s\S]*cpu-broken/);
  });

  it('says how many runs each strategy was measured in, as the tooltips count them', () => {
    expect(html).toContain('<dt>measured</dt><dd>3 runs per strategy</dd>');
    expect(html).toContain('of 3 runs');
  });
});

describe('the times chart', () => {
  it('is logarithmic when the times span more than a factor of 10, linear otherwise', () => {
    const slow = fixtureRow({
      strategy: 'cpu-sync',
      job: 'sum-of-squares',
      model: 'sequential',
      concurrency: 1,
      events: sequentialTasks(20, () => 50, 'pid 1'),
    });
    const fast = fixtureRow({
      strategy: 'cpu-threading',
      job: 'sum-of-squares',
      model: 'threads',
      concurrency: 2,
      events: poolTasks(20, ['thread 1', 'thread 2'], () => 1),
    });
    const wide = { ...unsweptResult(), rows: [slow, fast] };
    expect(timesChartSvg(wide, 'sum-of-squares')).toContain('log scale');
    const close = { ...unsweptResult(), rows: [slow] };
    expect(timesChartSvg(close, 'sum-of-squares')).not.toContain('log scale');
  });

  it('heads its columns', () => {
    const svg = timesChartSvg(unsweptResult(), 'download');
    expect(svg).toContain('>results</text>');
    expect(svg).toContain('>verdict</text>');
  });
});

describe('charts on their own', () => {
  it('are standalone SVG files with their own styles, needing nothing else', () => {
    const result = unsweptResult();
    const files = [
      timesChartSvg(result, 'download'),
      speedupChartSvg(result, 'download'),
      timelineSvg(pool),
      timelineSvg(pool, 500, true),
    ].map(standalone);
    for (const file of files) {
      expect(file.startsWith('<?xml')).toBe(true);
      expect(file).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
      expect(file).toContain('<style>');
      expect(file).toContain('font-family');
      expect(file).not.toMatch(/href=|url\(|@import/);
    }
  });
});
