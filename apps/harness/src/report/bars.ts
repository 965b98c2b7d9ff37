import type { BenchResult, BenchRow } from '../benchmark/result.js';
import { rowLabel, shortResultLabel } from '../output/describe-row.js';
import { duration } from '../output/format.js';
import { durationLabel, linearScale, logScale, niceCeiling, type Scale } from '../timeline/axis.js';
import { element, svg, text, title } from './svg.js';

const WIDTH = 960;
const ROW_PX = 30;
const BAR_PX = 16;
/** Room above the bars for the columns' headers. */
const TOP_PX = 24;
const AXIS_PX = 40;
const VALUE_PX = 190;
/** Columns right of the bars: whether the results were right, and which bar is the fastest. */
const RESULT_X = WIDTH - 124;
const FASTEST_X = WIDTH - 58;
const CHARACTER_PX = 7;

/** A swept strategy's bars together, in order of the swept value. */
function groupedByStrategy(
  rows: readonly BenchRow[],
  parameter: NonNullable<BenchResult['sweep']>['parameter'],
): BenchRow[] {
  const strategies = [...new Set(rows.map((row) => row.strategy))];
  return [...rows].sort(
    (a, b) =>
      strategies.indexOf(a.strategy) - strategies.indexOf(b.strategy) ||
      Number(a.parameters[parameter]) - Number(b.parameters[parameter]),
  );
}

/** Past this ratio of the slowest time to the fastest, the axis is logarithmic: no bar is a sliver. */
export const LOG_SCALE_ABOVE = 10;

/** Round durations to mark on a log axis: 1, 2, 5 × powers of ten milliseconds. */
function logTicks(low: number, high: number): number[] {
  const ticks: number[] = [];
  for (let power = Math.floor(Math.log10(low)); 10 ** power <= high; power++) {
    for (const factor of [1, 2, 5]) {
      const tick = factor * 10 ** power;
      if (tick >= low && tick <= high) ticks.push(Number(tick.toPrecision(3)));
    }
  }
  return ticks;
}

/**
 * The time axis: from zero when the times are within `LOG_SCALE_ABOVE` of each other,
 * else logarithmic from a little below the fastest run.
 */
export function timeAxis(
  rows: readonly BenchRow[],
  range: [number, number],
): { x: Scale; ticks: number[]; log: boolean; left: number } {
  const times = rows.flatMap((row) => (row.summary ? [row.summary.min, row.summary.max] : []));
  const slowest = Math.max(0, ...times);
  const fastest = Math.min(...times.filter((time) => time > 0), slowest);
  if (fastest > 0 && slowest / fastest > LOG_SCALE_ABOVE) {
    const low = 10 ** Math.floor(Math.log10(fastest * 0.9));
    const high = slowest * 1.1;
    return { x: logScale([low, high], range), ticks: logTicks(low, high), log: true, left: low };
  }
  const { top, ticks } = niceCeiling(slowest);
  return { x: linearScale([0, top], range), ticks, log: false, left: 0 };
}

/** What the verdict says of a row, for its badge: fastest alone, tied for fastest, or nothing. */
export type Badge = 'fastest' | 'tied for fastest' | undefined;

/**
 * One job's median work times as horizontal bars, one per strategy (and swept value),
 * with a dot for every measured run. Green bars are what the verdict calls fastest.
 */
export function barChart(
  measured: readonly BenchRow[],
  sweep: BenchResult['sweep'],
  badgeOf: (row: BenchRow) => Badge,
): string {
  const rows = sweep ? groupedByStrategy(measured, sweep.parameter) : measured;
  const labels = rows.map((row) => rowLabel(row, sweep));
  const gutter = Math.min(
    320,
    Math.max(120, Math.max(...labels.map((label) => label.length)) * CHARACTER_PX + 20),
  );
  const plotRight = WIDTH - VALUE_PX;
  const { x, ticks, log } = timeAxis(rows, [gutter, plotRight]);
  const plotBottom = TOP_PX + rows.length * ROW_PX;
  const height = plotBottom + AXIS_PX;

  const grid = ticks.map((tick) =>
    [
      element('line', {
        class: 'grid',
        x1: x(tick),
        x2: x(tick),
        y1: TOP_PX,
        y2: plotBottom,
      }),
      text(
        { x: x(tick), y: plotBottom + 16, 'text-anchor': 'middle', class: 'muted' },
        durationLabel(tick),
      ),
    ].join(''),
  );

  const bars = rows.map((row, i) => {
    const middle = TOP_PX + i * ROW_PX + ROW_PX / 2;
    const label = text(
      { x: gutter - 10, y: middle + 4, 'text-anchor': 'end' },
      labels[i] as string,
    );
    const summary = row.summary;
    if (!summary) {
      return element(
        'g',
        { class: 'bar-row', 'data-strategy': row.strategy },
        label,
        text(
          { x: gutter + 6, y: middle + 4, class: 'differs-label' },
          `FAILED: ${(row.error ?? 'no runs measured').slice(0, 90)}`,
        ),
      );
    }
    const badge = badgeOf(row);
    const kind = badge ? 'bar fastest' : row.ok ? 'bar' : 'bar differs';
    const runs = row.timesMs.length;
    const bar = element(
      'rect',
      {
        class: kind,
        x: gutter,
        y: middle - BAR_PX / 2,
        width: Math.max(1, x(summary.median) - gutter),
        height: BAR_PX,
        rx: 2,
      },
      title(
        `${labels[i]}: median ${duration(summary.median)} of ${runs} run${runs === 1 ? '' : 's'}, ` +
          `${duration(summary.min)} … ${duration(summary.max)}`,
      ),
    );
    const dots = row.timesMs.map((time, run) =>
      element(
        'circle',
        { class: 'run', cx: x(time), cy: middle, r: 2.5 },
        title(`${labels[i]}: run ${run + 1}, ${duration(time)}`),
      ),
    );
    const valueX = Math.max(x(summary.max), x(summary.median)) + 8;
    const value = text({ x: valueX, y: middle + 4 }, duration(summary.median));
    const result = text(
      { x: RESULT_X, y: middle + 4, class: row.ok ? 'muted' : 'differs-label' },
      shortResultLabel(row),
    );
    const tag = badge
      ? text(
          { x: FASTEST_X, y: middle + 4, class: 'fastest-label' },
          badge === 'fastest' ? 'fastest' : 'tied',
        )
      : '';
    return element(
      'g',
      { class: 'bar-row', 'data-strategy': row.strategy },
      label,
      bar,
      ...dots,
      value,
      result,
      tag,
    );
  });

  const axis = element('line', {
    class: 'axis',
    x1: gutter,
    x2: gutter,
    y1: TOP_PX,
    y2: plotBottom,
  });
  const axisTitle = text(
    { x: (gutter + plotRight) / 2, y: height - 4, 'text-anchor': 'middle', class: 'muted' },
    log
      ? 'median work time, log scale (dots: every measured run)'
      : 'median work time (dots: every measured run)',
  );
  const headers = [
    text({ x: gutter - 10, y: 14, 'text-anchor': 'end', class: 'muted' }, 'strategy'),
    text({ x: RESULT_X, y: 14, class: 'muted' }, 'results'),
    text({ x: FASTEST_X, y: 14, class: 'muted' }, 'verdict'),
  ];
  return svg(
    WIDTH,
    height,
    { class: 'bars', 'aria-label': 'median work time per strategy' },
    ...headers,
    ...grid,
    axis,
    ...bars,
    axisTitle,
  );
}
