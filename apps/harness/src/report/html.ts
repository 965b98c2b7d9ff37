import { join } from 'node:path';
import { LOST_WORKER } from '@speedup/shared-core';
import { failuresInWords } from '@speedup/shared-core/harness';
import type { BenchResult, BenchRow } from '../benchmark/result.js';
import { writeExport } from '../export/write-file.js';
import {
  ioSource,
  jobDescription,
  rowLabel,
  rowsByJob,
  runsDescription,
} from '../output/describe-row.js';
import { failureLines, limitsOf } from '../output/failures.js';
import { duration, ratio, ratioWithInterval } from '../output/format.js';
import { sideBySideByJob } from '../output/side-by-side.js';
import { verdict } from '../output/verdict.js';
import { describeTimeline } from '../timeline/lanes.js';
import { measuredOf, speedupChartSvg, sweepChartSvg, timelineOf, timesChartSvg } from './charts.js';
import { colours, stylesheet } from './style.js';
import { escapeText } from './svg.js';
import { tablesSection, warningsList } from './tables.js';
import { timelineChart } from './timeline-chart.js';

/**
 * `--report <dir>`: one self-contained HTML page. Everything is drawn here as inline
 * SVG; the page loads nothing (its Content-Security-Policy forbids it), so it can be
 * mailed, archived or opened offline and looks the same.
 */

function environment(result: BenchResult, generatedAt: Date): string {
  const facts: [string, string][] = [
    ['Node.js', process.version],
    ...(result.python
      ? [['Python', `${result.python.version} (${result.python.interpreter})`] as [string, string]]
      : []),
    ['platform', `${process.platform} ${process.arch}`],
    ['cores', String(result.cores)],
    ...(result.parallelCeiling === undefined
      ? []
      : [
          [
            'parallel ceiling',
            ratioWithInterval(result.parallelCeiling, result.parallelCeilingCi95),
          ] as [string, string],
        ]),
    ['runs', runsDescription(result)],
    ...measuredRuns(result),
  ];
  if (result.rows.some((row) => row.workload === 'io')) facts.push(['I/O', ioSource(result)]);
  if (result.sweep) {
    facts.push(['sweep', `${result.sweep.parameter} = ${result.sweep.values.join(', ')}`]);
  }
  facts.push(['generated', `${generatedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`]);
  return `<dl class="environment">${facts
    .map(([name, value]) => `<div><dt>${escapeText(name)}</dt><dd>${escapeText(value)}</dd></div>`)
    .join('')}</dl>`;
}

/** How many runs each strategy was measured in, as the bars' tooltips count them. */
function measuredRuns(result: BenchResult): [string, string][] {
  const counts = result.rows.filter((row) => row.summary).map((row) => row.timesMs.length);
  if (counts.length === 0) return [];
  const fewest = Math.min(...counts);
  const most = Math.max(...counts);
  const runs = fewest === most ? String(fewest) : `${fewest} to ${most}`;
  return [['measured', `${runs} run${most === 1 ? '' : 's'} per strategy`]];
}

function mediansSection(result: BenchResult): string {
  const figures = rowsByJob(result.rows).map(([job, rows]) => {
    const speedups = speedupChartSvg(result, job);
    return `<figure class="chart" data-chart="bars" data-job="${escapeText(job)}">
<figcaption><strong>${escapeText(job)}</strong>: ${escapeText(jobDescription(job, rows, result))}</figcaption>
${timesChartSvg(result, job)}
</figure>${
      speedups
        ? `\n<figure class="chart" data-chart="speedups" data-job="${escapeText(job)}">
<figcaption><strong>${escapeText(job)}</strong>: speed-up against the reference, with 95 % intervals</figcaption>
${speedups}
</figure>`
        : ''
    }`;
  });
  const lines = verdict(result);
  const failures = failureLines(result);
  return `<section id="medians">
<h2>Median work time</h2>
<p>Shorter is faster. Each bar is the median work time over the measured runs, set-up excluded; each dot is one run. Green is what the verdict calls fastest: faster than the others beyond the tie margin, its results equal to the reference's (a wrong answer is never the fastest); <b>DIFF</b> marks results that differ from it. When the fastest tie, each is marked <i>tied</i>.</p>
${failures.length > 0 ? `<div class="failures" data-failures><p><b>Failed pages.</b> A failed page is a result too, compared with the reference's like any other, but its time went to failing, not downloading:</p><ul>${failures.map((line) => `<li>${escapeText(line.trim())}</li>`).join('')}</ul></div>` : ''}
${lines.length > 0 ? `<h3>Verdict</h3>\n<ul class="verdict" data-verdict>${lines.map((line) => `<li>${escapeText(line)}</li>`).join('')}</ul>` : ''}
${warningsList(result)}
${figures.join('\n')}
</section>`;
}

/** The article's Python programs against their Node counterparts, when both ran. */
function languagesSection(result: BenchResult): string {
  const jobs = sideBySideByJob(result);
  if (jobs.length === 0) return '';
  const lists = jobs.map(
    ({ job, lines }) =>
      `<h3>${escapeText(job)}</h3>\n<ul>${lines.map((line) => `<li>${escapeText(line)}</li>`).join('')}</ul>`,
  );
  return `<section id="languages">
<h2>Node and Python, model by model</h2>
<p>The article’s own Python programs ran against the same server on the same inputs, and their results were diffed like every strategy’s. Each language is first set against its own sync, then against the other.</p>
${lists.join('\n')}
</section>`;
}

function sweepsSection(result: BenchResult): string {
  const { sweep } = result;
  if (!sweep) return '';
  const figures = rowsByJob(result.rows).map(
    ([job, rows]) => `<figure class="chart" data-chart="sweep" data-job="${escapeText(job)}">
<figcaption><strong>${escapeText(job)}</strong>: ${escapeText(jobDescription(job, rows, result))}</figcaption>
${sweepChartSvg(result, job)}
</figure>`,
  );
  return `<section id="sweeps">
<h2>Sweep: ${escapeText(sweep.parameter)}</h2>
<p>Each line is one strategy, each point its median work time at one value of <b>${escapeText(sweep.parameter)}</b>. Look for where a line stops falling (more is no longer better) and where lines cross (the best strategy changes).</p>
${figures.join('\n')}
</section>`;
}

/** What the article's diagram of each model shows, and so what to look for in the measured one. */
function whatToLookAt(row: BenchRow): string {
  const io = row.workload === 'io';
  switch (row.model) {
    case 'sequential':
      return io
        ? 'One lane, one box after another: each download starts only when the previous one has finished, so every wait adds to the total.'
        : 'One lane, one box after another: one core does all the work while any others sit idle.';
    case 'threads':
      return io
        ? 'One lane per worker thread. While one thread waits for its response, the others send theirs: the red waits overlap across lanes.'
        : 'One lane per worker thread. Unlike Python’s threads, Node’s worker threads compute at the same time, at best one per core.';
    case 'async':
      return io
        ? 'One thread does everything; tasks that overlap are stacked in rows. Their waits overlap, while their blue parts take turns on that one thread.'
        : 'One thread does everything, so however the tasks are interleaved, only one of them computes at any moment.';
    case 'processes':
      return io
        ? 'One lane per process, each a whole Node.js with its own session, running side by side.'
        : 'One lane per process: separate Node.js processes compute at the same time, up to one per core.';
    default:
      return 'One lane per worker, one box per task.';
  }
}

/** The legend names only what the page's timelines measured. */
function legend(rows: readonly BenchRow[]): string {
  const events = rows.flatMap((row) => row.events);
  const entries: [string, string][] = [];
  if (events.some((event) => event.sent !== undefined && event.sent > event.start)) {
    entries.push([
      colours.queued,
      'download waiting for a free connection (until its request went out)',
    ]);
  }
  if (events.some((event) => event.firstByte !== undefined)) {
    entries.push([
      colours.waiting,
      'download waiting for the server (until the first byte came back)',
    ]);
    entries.push([colours.receiving, 'download receiving and hashing its page']);
  }
  if (events.some((event) => event.firstByte === undefined)) {
    entries.push([colours.running, 'task running: its wall time, from its start to its end']);
  }
  if (rows.some((row) => row.picture)) {
    const cpu = rows.some((row) => row.picture?.measure === 'cpu');
    entries.push([
      colours.busy,
      cpu
        ? 'busy: the share of each moment the thread spent on a core (its CPU time)'
        : 'busy: the share of each moment the thread’s event loop was running code',
    ]);
    entries.push([
      colours.helpers,
      'helper threads: V8’s and libuv’s, working for the whole process',
    ]);
    entries.push([colours.late, 'loop late: the main thread could not answer a 1 ms timer']);
  }
  if (rows.some((row) => (row.failures?.length ?? 0) > 0)) {
    entries.push([colours.failed, 'failed: the task’s item failed (hover for how)']);
  }
  if (events.some((event) => event.worker === LOST_WORKER)) {
    entries.push([colours.lost, 'lost: its worker died; drawn from when the call was handed over']);
  }
  return `<div class="legend">${entries
    .map(
      ([colour, label]) =>
        `<span><i class="swatch" style="background:${colour}"></i>${escapeText(label)}</span>`,
    )
    .join('')}</div>`;
}

/** Below this share of the job's scale, a timeline is drawn a second time on its own. */
const ZOOM_BELOW = 0.35;

function timelineFigure(row: BenchRow, result: BenchResult, scaleMs: number): string {
  const attributes = `data-chart="timeline" data-job="${escapeText(row.job)}" data-strategy="${escapeText(row.strategy)}"`;
  const name = `<strong>${escapeText(rowLabel(row, result.sweep))}</strong> (${escapeText(row.model)})`;
  if (row.events.length === 0) {
    const why = row.error ? `failed: ${row.error}` : 'no task events were recorded';
    return `<figure class="chart" ${attributes} data-tasks="0">
<figcaption>${name}</figcaption>
<p class="empty">No timeline: ${escapeText(why)}</p>
</figure>`;
  }
  const timeline = timelineOf(row);
  const measured = measuredOf(row);
  const median = row.summary ? `; median run ${duration(row.summary.median)}` : '';
  const noun = row.job === 'download' ? 'pages' : 'items';
  const failed =
    row.outcomes && row.outcomes.failed > 0
      ? ` ${failuresInWords(row.outcomes, limitsOf(result), noun)}.`
      : '';
  const interrupted = row.interrupted ? ' Interrupted: from the runs finished before Ctrl-C.' : '';
  const facts = `${describeTimeline(timeline)}; ${duration(timeline.spanMs)} in the run closest to the median${median}.${failed}${interrupted}`;
  const zoom = timeline.spanMs < scaleMs * ZOOM_BELOW;
  const zoomed = zoom
    ? `
<figure class="chart" data-chart="timeline-zoomed" data-job="${escapeText(row.job)}" data-strategy="${escapeText(row.strategy)}" data-tasks="${timeline.taskCount}">
<figcaption class="zoom-note">${name}, zoomed: the same run on its own time scale, ${escapeText(ratio(scaleMs / Math.max(timeline.spanMs, 1e-3)))} finer than the job’s.</figcaption>
${timelineChart(timeline, { measured, zoomed: true })}
</figure>`
    : '';
  return `<figure class="chart" ${attributes} data-tasks="${timeline.taskCount}" data-failed="${row.failures?.length ?? 0}">
<figcaption>${name}: ${escapeText(facts)} ${escapeText(whatToLookAt(row))}</figcaption>
${timelineChart(timeline, { scaleMs, measured })}
</figure>${zoomed}`;
}

function timelinesSection(result: BenchResult): string {
  const { sweep } = result;
  const lastValue = sweep ? Math.max(...sweep.values) : undefined;
  const atLastValue = result.rows.filter(
    (row) => sweep && Number(row.parameters[sweep.parameter]) === lastValue,
  );
  // A sweep draws one timeline per strategy and job, at its largest value, to keep the page short.
  const shown = atLastValue.length > 0 ? atLastValue : result.rows;
  const sweepNote =
    sweep && atLastValue.length > 0
      ? ` With a sweep, the timelines are those at ${escapeText(sweep.parameter)} ${lastValue}, the largest value.`
      : '';
  const jobsShown = rowsByJob(shown).map(([job, rows]) => {
    // One time scale for a job's timelines: its longest run's.
    const scaleMs = Math.max(
      0,
      ...rows.filter((row) => row.events.length > 0).map((row) => timelineOf(row).spanMs),
    );
    return `<h3>${escapeText(job)}: ${escapeText(jobDescription(job, rows, result))}</h3>\n${rows
      .map((row) => timelineFigure(row, result, scaleMs))
      .join('\n')}`;
  });
  return `<section id="timelines">
<h2>Timelines</h2>
<p>Every task of one measured run (the one closest to the median), the way the article draws its diagrams, but measured: time runs left to right, each lane is one worker thread or process, each box one task, split where the task itself noted a moment. Tasks that overlap on one worker are stacked in rows within its lane. Under a lane, the thread’s busy strip is as high as the share of each moment it was busy; below the lanes, the main thread when it ran no task, the process’s helper threads, and when the main thread’s event loop was late. The timelines of one job share one time scale; one much shorter than the longest is drawn again, zoomed, and says so.${sweepNote}</p>
${legend(shown)}
${jobsShown.join('\n')}
</section>`;
}

export interface ReportOptions {
  /** When the report says it was made; now unless given. */
  readonly generatedAt?: Date;
}

/** The report as one HTML document. */
export function renderReport(
  result: BenchResult,
  { generatedAt = new Date() }: ReportOptions = {},
): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>speedup: benchmark report</title>
<style>${stylesheet}</style>
</head>
<body>
<header>
<h1>speedup: where each strategy spends its time</h1>
<p class="lead">Every strategy ran the same jobs on identical inputs, one at a time in a fresh process, and its results were checked against the sequential reference’s. Made by <code>pnpm bench --report</code>.</p>
${environment(result, generatedAt)}
${result.interrupted || result.rows.some((row) => row.interrupted) ? '<p class="interrupted" data-interrupted><b>Interrupted (Ctrl-C).</b> Rows marked interrupted show only the runs they finished; strategies not reached are missing.</p>' : ''}
</header>
${mediansSection(result)}
${tablesSection(result)}
${languagesSection(result)}
${sweepsSection(result)}
${timelinesSection(result)}
</body>
</html>
`;
}

/** Writes `dir/index.html`, whole or not at all, and returns its path. */
export async function writeReport(
  result: BenchResult,
  dir: string,
  options: ReportOptions = {},
): Promise<string> {
  const file = join(dir, 'index.html');
  await writeExport(file, renderReport(result, options));
  return file;
}
