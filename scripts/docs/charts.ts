/**
 * The report's charts as standalone SVG files under docs/charts/, for the READMEs to
 * link. Every chart is drawn by the harness's own renderers; this module only chooses
 * which, and wraps each in what a file needs (its namespace and its styles). After the
 * report's renderers move behind `report/charts.ts`, only this file changes.
 */
import { posix } from 'node:path';
import {
  type BenchResult,
  type BenchRow,
  judge,
  layOutTimeline,
  MAX_ROWS_PER_LANE,
  rowsByJob,
  speedupChart,
  stylesheet,
  sweepChart,
  timelineChart,
} from '@speedup/harness';
import { benchResult, type Results } from './results.js';

export const CHARTS_FOLDER = 'docs/charts';

/** The stylesheet's rules for SVG only: a file has no page around it. */
const svgStyles = stylesheet
  .split('\n')
  .filter((line) => line.startsWith('svg'))
  .join('\n');

function standalone(drawing: string): string {
  const opened = drawing.replace(
    /^<svg /,
    '<svg xmlns="http://www.w3.org/2000/svg" style="background:#fff;font-family:system-ui,sans-serif" ',
  );
  return `${opened.replace(/>/, `><style>${svgStyles}</style>`)}\n`;
}

function fastestOf(
  result: BenchResult,
): (row: BenchRow) => 'fastest' | 'tied for fastest' | undefined {
  const verdicts = judge(result);
  return (row) => {
    const group = verdicts.find((each) => each.judged.includes(row));
    if (!group?.fastest.includes(row) || group.fastest.length === group.judged.length) return;
    return group.fastest.length === 1 ? 'fastest' : 'tied for fastest';
  };
}

/** A row whose median is what one fresh start costs: set-up plus the first run. */
function countingSetup(row: BenchRow): BenchRow {
  if (!row.summary) return row;
  const once = (row.setupMs ?? 0) + (row.coldMs ?? row.summary.median);
  return { ...row, summary: { ...row.summary, median: once, min: once, max: once } };
}

export interface Chart {
  /** `default.speedups.download`: run, kind, and what it draws. */
  readonly name: string;
  readonly alt: string;
  /** What to read in it, under the image. */
  readonly caption?: string;
  readonly svg: string;
}

/** Every chart the docs show, from the results file alone. */
export function charts(results: Results): Chart[] {
  const made: Chart[] = [];
  const defaults = benchResult(results, 'default');
  const badgeOf = fastestOf(defaults);
  for (const [job, rows] of rowsByJob(defaults.rows)) {
    const drawing = speedupChart(rows, defaults, badgeOf);
    if (drawing) {
      made.push({
        name: `default.speedups.${job}`,
        alt: `Speed-ups against the reference for ${job}, with 95 % intervals`,
        svg: standalone(drawing),
      });
    }
  }
  for (const row of defaults.rows.filter(
    (each) => each.job === 'download' && each.events.length > 0,
  )) {
    const timeline = layOutTimeline(
      row.events,
      row.workload,
      defaults.latencyMs,
      MAX_ROWS_PER_LANE,
      row.failures,
    );
    made.push({
      name: `default.timeline.${row.strategy}`,
      alt: `Timeline of ${row.strategy} downloading the pages`,
      caption: `Every page of the run closest to the median, one lane per worker: red is the wait for the server's latency, blue the client's own work.`,
      svg: standalone(timelineChart(timeline)),
    });
  }
  for (const runName of ['workers', 'size', 'batch', 'hybrid-pages']) {
    if (!results.runs[runName]) continue;
    const result = benchResult(results, runName);
    if (!result.sweep) continue;
    for (const [job, rows] of rowsByJob(result.rows)) {
      made.push({
        name: `${runName}.sweep.${job}`,
        alt: `Median time against ${result.sweep.parameter}, ${job}`,
        svg: standalone(sweepChart(rows, result.sweep)),
      });
      if (runName === 'size') {
        made.push({
          name: `${runName}.with-setup.${job}`,
          alt: `Set-up plus first run against ${result.sweep.parameter}, ${job}`,
          svg: standalone(sweepChart(rows.map(countingSetup), result.sweep)),
        });
      }
    }
  }
  return made;
}

/** Where a chart's file lives, from the repository root. */
export const chartPath = (name: string) => `${CHARTS_FOLDER}/${name}.svg`;

/** The Markdown image of one chart, linked relative to the document `file` (from the root). */
export function chartLink(results: Results, name: string, file: string): string {
  const chart = charts(results).find((each) => each.name === name);
  if (!chart) throw new Error(`no chart named ${name}`);
  const image = `![${chart.alt}](${posix.relative(posix.dirname(file), chartPath(name))})`;
  return chart.caption ? `${image}\n\n${chart.caption}` : image;
}
