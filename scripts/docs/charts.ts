/**
 * The report's charts as standalone SVG files under docs/charts/, for the READMEs to
 * link. Every chart is drawn by the harness's own renderers (`report/charts.ts`); this
 * module only chooses which.
 */
import { posix } from 'node:path';
import {
  type BenchRow,
  rowsByJob,
  speedupChartSvg,
  standalone,
  sweepChart,
  sweepChartSvg,
  timelineSvg,
} from '@speedup/harness';
import { benchResult, type Results } from './results.js';

export const CHARTS_FOLDER = 'docs/charts';

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
  for (const [job] of rowsByJob(defaults.rows)) {
    const drawing = speedupChartSvg(defaults, job);
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
    made.push({
      name: `default.timeline.${row.strategy}`,
      alt: `Timeline of ${row.strategy} downloading the pages`,
      caption: `Every page of the run closest to the median, one lane per worker, each bar split into what the download itself saw: waiting for a connection, waiting for the server's first byte, receiving and hashing. Under the workers, where each thread was busy on a CPU and how late the main thread's event loop was: all measured in that run.`,
      svg: standalone(timelineSvg(row)),
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
        svg: standalone(sweepChartSvg(result, job)),
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
