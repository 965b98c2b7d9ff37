import type { BenchJobName } from '@speedup/shared-core';
import { fastestRows, judge } from '../benchmark/judge.js';
import type { BenchResult, BenchRow } from '../benchmark/result.js';
import { busyLanes, lateStretches } from '../timeline/busy.js';
import { layOutTimeline, type Timeline } from '../timeline/lanes.js';
import { type Badge, barChart } from './bars.js';
import { speedupChart } from './speedups.js';
import { svgRules } from './style.js';
import { sweepChart } from './sweep-chart.js';
import { MAX_ROWS_PER_LANE, type Measured, timelineChart } from './timeline-chart.js';

/**
 * The report's charts as pure functions of a result: each returns one `<svg>`. Inline in
 * the report they take the page's styles; `standalone` makes one a file of its own.
 */

/** What the verdict says of each row: fastest alone, tied for fastest, or neither. */
export function badges(result: BenchResult): (row: BenchRow) => Badge {
  const verdicts = judge(result);
  const fastest = fastestRows(verdicts);
  return (row) => {
    if (!fastest.has(row)) return;
    const group = verdicts.find((verdict) => verdict.judged.includes(row));
    return group?.fastest.length === 1 ? 'fastest' : 'tied for fastest';
  };
}

const rowsOf = (result: BenchResult, job: BenchJobName) =>
  result.rows.filter((row) => row.job === job);

/** One job's median work times, a bar per strategy, a dot per run. */
export function timesChartSvg(result: BenchResult, job: BenchJobName): string {
  return barChart(rowsOf(result, job), result.sweep, badges(result));
}

/** One job's speed-ups against its reference, with their intervals; empty without a reference. */
export function speedupChartSvg(result: BenchResult, job: BenchJobName): string {
  return speedupChart(rowsOf(result, job), result, badges(result));
}

/** With a sweep, one job's median times against the swept value, a line per strategy. */
export function sweepChartSvg(result: BenchResult, job: BenchJobName): string {
  return result.sweep ? sweepChart(rowsOf(result, job), result.sweep) : '';
}

/** A row's measured lanes, when its run was sampled. */
export function measuredOf(row: BenchRow): Measured | undefined {
  const { picture } = row;
  if (!picture) return undefined;
  return {
    busy: busyLanes(picture),
    late: lateStretches(picture),
    mainThread: picture.mainThread,
    measure: picture.measure,
  };
}

/** A row's timeline, its times counted from its run's start when that is known. */
export function timelineOf(row: BenchRow): Timeline {
  return layOutTimeline(row.events, MAX_ROWS_PER_LANE, row.failures, {
    origin: row.picture?.startedAt,
    until: row.picture?.endedAt,
  });
}

/**
 * A row's timeline, its axis `scaleMs` long (the job's longest run, so that a job's
 * timelines compare; the row's own span when absent); `zoomed` says on the axis that the
 * scale is the row's own although others are longer.
 */
export function timelineSvg(row: BenchRow, scaleMs?: number, zoomed = false): string {
  return timelineChart(timelineOf(row), { scaleMs, zoomed, measured: measuredOf(row) });
}

/** A chart as an SVG file of its own: with its namespace and its styles, needing nothing else. */
export function standalone(chart: string): string {
  if (!chart.startsWith('<svg')) return chart;
  const opening = chart.indexOf('>') + 1;
  const head = chart.slice(0, opening).replace('<svg', '<svg xmlns="http://www.w3.org/2000/svg"');
  return `<?xml version="1.0" encoding="utf-8"?>\n${head}<style>${svgRules}</style><rect width="100%" height="100%" fill="#fff"/>${chart.slice(opening)}\n`;
}
