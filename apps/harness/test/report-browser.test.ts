import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { jobs } from '@speedup/shared-core';
import { findStrategies } from '@speedup/shared-core/harness';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../src/report/html.js';
import { SWEPT_WORKERS, syntheticResult } from './report-fixtures.js';
import { bench, runsOnly } from './run-cli.js';

/**
 * The report, opened in a real browser: Debian's chromium, driven by playwright-core.
 * Each chart must have rendered (present, not zero-sized, with its bars or boxes), the
 * page must log no errors and request nothing but itself, and a screenshot is kept in
 * test-results/ to look at.
 */

const CHROMIUM = '/usr/bin/chromium';
const skipBrowser = process.env.SPEEDUP_SKIP_BROWSER === '1';
const SKIP_REASON = 'SPEEDUP_SKIP_BROWSER=1: the report was not checked in a browser';
const MISSING_CHROMIUM = `${CHROMIUM} not found: the report test needs Debian's chromium. Install it with \`pnpm setup:tools\` (Debian's package), or set SPEEDUP_SKIP_BROWSER=1 to skip this test knowingly.`;

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));
const screenshots = fileURLToPath(new URL('../test-results/', import.meta.url));

const BROWSER_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** What the page shows of one chart, measured in the browser. */
interface RenderedChart {
  chart: string;
  job: string;
  strategy: string | null;
  /** `data-tasks` of a timeline: tasks the run recorded. */
  tasks: number;
  svgWidth: number;
  svgHeight: number;
  lanes: number;
  /** Task boxes drawn one by one. */
  taskBoxes: number;
  /** Bars, task parts, cells and points: every mark, and how many of them have no size. */
  marks: number;
  zeroSizedMarks: number;
  text: string;
}

interface OpenedReport {
  charts: RenderedChart[];
  errors: string[];
  requests: string[];
}

async function openReport(
  context: BrowserContext,
  file: string,
  screenshot: string,
): Promise<OpenedReport> {
  const errors: string[] = [];
  const requests: string[] = [];
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  const charts = await page.$$eval('figure[data-chart]', (figures) =>
    figures.map((figure) => {
      const svg = figure.querySelector('svg');
      const box = svg?.getBoundingClientRect();
      const marks = [...figure.querySelectorAll('rect.bar, g.task rect, rect.cell, circle')];
      return {
        chart: figure.getAttribute('data-chart') ?? '',
        job: figure.getAttribute('data-job') ?? '',
        strategy: figure.getAttribute('data-strategy'),
        tasks: Number(figure.getAttribute('data-tasks') ?? 0),
        svgWidth: box?.width ?? 0,
        svgHeight: box?.height ?? 0,
        lanes: figure.querySelectorAll('g.worker-lane').length,
        taskBoxes: figure.querySelectorAll('g.task').length,
        marks: marks.length,
        zeroSizedMarks: marks.filter((mark) => {
          const size = mark.getBoundingClientRect();
          return size.width === 0 || size.height === 0;
        }).length,
        text: figure.textContent ?? '',
      };
    }),
  );
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: join(screenshots, screenshot), fullPage: true });
  await page.close();
  return { charts, errors, requests };
}

/** Every chart drawn, at a size, with its marks; every timeline with a box per recorded task. */
function expectEveryChartRendered(charts: readonly RenderedChart[]): void {
  for (const chart of charts) {
    const name = `${chart.chart} ${chart.job} ${chart.strategy ?? ''}`;
    if (chart.chart === 'timeline' && chart.tasks === 0) {
      expect(chart.text, name).toContain('No timeline');
      continue;
    }
    expect(chart.svgWidth, name).toBeGreaterThan(300);
    expect(chart.svgHeight, name).toBeGreaterThan(40);
    expect(chart.marks, name).toBeGreaterThan(0);
    expect(chart.zeroSizedMarks, name).toBe(0);
    if (chart.chart === 'timeline') {
      expect(chart.lanes, name).toBeGreaterThan(0);
      expect(chart.taskBoxes, name).toBe(chart.tasks);
    }
  }
}

/** Text the page shows smaller than this, in CSS pixels, is too small to read. */
const SMALLEST_TEXT_PX = 11;

interface TextProblems {
  /** Texts drawn smaller than `SMALLEST_TEXT_PX`, with their size. */
  small: string[];
  /** Pairs of SVG texts whose boxes overlap. */
  overlapping: string[];
}

/**
 * Every text on the page at its drawn size (an SVG's text shrinks with its SVG), and every
 * pair of texts in one SVG whose boxes overlap by more than a sliver.
 */
async function textProblems(page: Page): Promise<TextProblems> {
  // Plain JavaScript run in the page: the tests are compiled without the DOM's types.
  const inThePage = `(() => {
    const smallest = ${SMALLEST_TEXT_PX};
    const small = [];
    const overlapping = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const content = (node.textContent || '').trim();
      const parent = node.parentElement;
      if (!content || !parent || parent.closest('title')) continue;
      let size = Number.parseFloat(getComputedStyle(parent).fontSize);
      const svg = parent.closest('svg');
      if (svg) size *= svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      if (size < smallest - 0.01) small.push(size.toFixed(1) + ' px: ' + content.slice(0, 60));
    }
    for (const svg of document.querySelectorAll('svg')) {
      const boxes = [...svg.querySelectorAll('text')]
        .filter((text) => (text.textContent || '').trim() !== '')
        .map((text) => ({ text: text.textContent, box: text.getBoundingClientRect() }));
      boxes.forEach((a, i) => {
        for (const b of boxes.slice(i + 1)) {
          const width = Math.min(a.box.right, b.box.right) - Math.max(a.box.left, b.box.left);
          const height = Math.min(a.box.bottom, b.box.bottom) - Math.max(a.box.top, b.box.top);
          if (width > 1 && height > 1) overlapping.push('"' + a.text + '" and "' + b.text + '"');
        }
      });
    }
    return { small, overlapping };
  })()`;
  return (await page.evaluate(inThePage)) as TextProblems;
}

function expectSelfContained(opened: OpenedReport, file: string): void {
  expect(opened.errors).toEqual([]);
  expect(opened.requests).toEqual([pathToFileURL(file).href]);
}

describe('the report in a browser', () => {
  let out: string;
  let profile: string;
  let context: BrowserContext;

  beforeAll(async () => {
    if (skipBrowser) return;
    if (!existsSync(CHROMIUM)) throw new Error(MISSING_CHROMIUM);
    out = mkdtempSync(join(tmpdir(), 'speedup-report-'));
    profile = mkdtempSync(join(tmpdir(), 'speedup-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: BROWSER_ARGS,
      viewport: { width: 1100, height: 900 },
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    for (const dir of [out, profile]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows bars and a timeline for every strategy of a real run', async ({ skip }) => {
    skip(skipBrowser, SKIP_REASON);
    const dir = join(out, 'real');
    const run = bench([
      '--job',
      'download,sum-of-squares',
      ...runsOnly(1),
      '--pages',
      '20',
      '--latency',
      '2',
      '--report',
      dir,
    ]);
    expect(run.status, run.stderr).toBe(0);

    const file = join(dir, 'index.html');
    const opened = await openReport(context, file, 'report.png');
    expectSelfContained(opened, file);
    expectEveryChartRendered(opened.charts);

    const jobsRun = ['download', 'sum-of-squares'];
    const bars = opened.charts.filter((chart) => chart.chart === 'bars');
    expect(bars.map((chart) => chart.job)).toEqual(jobsRun);
    const timelines = opened.charts.filter((chart) => chart.chart === 'timeline');
    // Opt-in lanes (the Python programs, the distributed strategies) are not in a default run.
    const expected = findStrategies(repositoryRoot)
      .filter((pkg) => !pkg.optIn)
      .flatMap((pkg) =>
        jobs
          .filter((job) => job.workload === pkg.workload && jobsRun.includes(job.name))
          .map((job) => `${job.name} ${pkg.name}`),
      );
    expect(timelines.map((chart) => `${chart.job} ${chart.strategy}`).sort()).toEqual(
      expected.sort(),
    );
    for (const timeline of timelines) expect(timeline.tasks).toBe(20);
  }, 120_000);

  it('draws pools, async stacking, failures and sweeps from a synthetic result', async ({
    skip,
  }) => {
    skip(skipBrowser, SKIP_REASON);
    const file = await writeReport(syntheticResult(), join(out, 'synthetic'));
    const opened = await openReport(context, file, 'report-synthetic.png');
    expectSelfContained(opened, file);
    expectEveryChartRendered(opened.charts);

    const chartsOf = (kind: string) => opened.charts.filter((chart) => chart.chart === kind);
    expect(chartsOf('bars')).toHaveLength(3);
    expect(chartsOf('sweep')).toHaveLength(3);
    for (const sweep of chartsOf('sweep'))
      expect(sweep.marks).toBeGreaterThan(SWEPT_WORKERS.length);

    const timeline = (job: string, strategy: string) =>
      opened.charts.find(
        (chart) => chart.chart === 'timeline' && chart.job === job && chart.strategy === strategy,
      );
    // At 8 workers: a lane per thread and per process; one lane of stacked rows for async.
    expect(timeline('download', 'io-threading')?.lanes).toBe(8);
    expect(timeline('sum-of-squares', 'cpu-multiprocessing')?.lanes).toBe(8);
    const asyncio = timeline('download', 'io-asyncio');
    expect(asyncio?.lanes).toBe(1);
    expect(asyncio?.taskBoxes).toBe(160);
    expect(asyncio?.svgHeight).toBeGreaterThan(200);
    expect(timeline('fib', 'cpu-broken')?.text).toContain('worker exited with code 1');
  }, 60_000);
  it('is readable from 480 to 1,400 px wide: no text under 11 px, none overlapping', async ({
    skip,
  }) => {
    skip(skipBrowser, SKIP_REASON);
    const dir = join(out, 'widths');
    const run = bench([
      '--job',
      'download,sum-of-squares',
      ...runsOnly(2),
      '--pages',
      '40',
      '--latency',
      '5',
      '--size',
      '0.2',
      '--report',
      dir,
    ]);
    expect(run.status, run.stderr).toBe(0);
    const file = join(dir, 'index.html');
    for (const width of [480, 1400]) {
      const page = await context.newPage();
      await page.setViewportSize({ width, height: 900 });
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      const problems = await textProblems(page);
      // Kept beside the worktree to look at, not committed (.gitignore).
      await page.screenshot({ path: join(repositoryRoot, `report-${width}.png`), fullPage: true });
      await page.close();
      expect(problems.small, `${width} px`).toEqual([]);
      expect(problems.overlapping, `${width} px`).toEqual([]);
    }
  }, 180_000);
});
