import type { BenchResult, BenchRow } from '../benchmark/result.js';
import { rowLabel } from '../output/describe-row.js';
import { ratio, ratioWithInterval } from '../output/format.js';
import { logScale } from '../timeline/axis.js';
import type { Badge } from './bars.js';
import { element, px, svg, text, title } from './svg.js';

const WIDTH = 960;
const ROW_PX = 26;
const TOP_PX = 22;
const AXIS_PX = 40;
const RIGHT_PX = 190;
const CHARACTER_PX = 7;

/** Pixels between two tick labels' centres, so that they never touch. */
const TICK_SPACING_PX = 44;

/**
 * Round ratios to mark on a log axis, between `low` and `high`: 1x always, and others
 * only where their labels have room beside those already kept.
 */
function ratioTicks(low: number, high: number, x: (value: number) => number): number[] {
  const candidates = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
  const inRange = candidates.filter((tick) => tick >= low && tick <= high);
  const kept = inRange.includes(1) ? [1] : [];
  const byCloseness = [...inRange].sort((a, b) => Math.abs(Math.log(a)) - Math.abs(Math.log(b)));
  for (const tick of byCloseness) {
    if (kept.every((other) => Math.abs(x(tick) - x(other)) >= TICK_SPACING_PX)) kept.push(tick);
  }
  return kept.sort((a, b) => a - b);
}

/**
 * One job's speed-ups against its reference on a log scale, each a point with its 95 %
 * interval as a whisker; 1x is the reference, and for CPU jobs a dashed line marks what
 * the machine's cores can give at most. Where two whiskers overlap within the tie
 * margin, the verdict calls the two a tie.
 */
export function speedupChart(
  rows: readonly BenchRow[],
  result: BenchResult,
  badgeOf: (row: BenchRow) => Badge,
): string {
  const shown = rows.filter((row) => row.speedup !== undefined && !row.reference);
  if (shown.length === 0) return '';
  const labels = shown.map((row) => rowLabel(row, result.sweep));
  const gutter = Math.min(
    320,
    Math.max(120, Math.max(...labels.map((label) => label.length)) * CHARACTER_PX + 20),
  );
  const cpu = shown.some((row) => row.workload === 'cpu');
  const ceiling = cpu ? result.parallelCeiling : undefined;
  const values = shown.flatMap((row) => [row.speedup as number, ...(row.speedupCi95 ?? [])]);
  const low = Math.min(0.5, ...values) * 0.9;
  const high = Math.max(2, ceiling ?? 0, ...values) * 1.1;
  const x = logScale([low, high], [gutter, WIDTH - RIGHT_PX]);
  const plotBottom = TOP_PX + shown.length * ROW_PX;

  const grid = ratioTicks(low, high, x).map((tick) =>
    [
      element('line', {
        class: tick === 1 ? 'axis' : 'grid',
        x1: x(tick),
        x2: x(tick),
        y1: TOP_PX - 6,
        y2: plotBottom,
      }),
      text({ x: x(tick), y: plotBottom + 16, 'text-anchor': 'middle', class: 'muted' }, `${tick}x`),
    ].join(''),
  );
  const reference = rows.find((row) => row.reference)?.strategy ?? 'the reference';
  const marks = [
    ...(ceiling === undefined
      ? []
      : [
          element('line', {
            class: 'ceiling',
            x1: x(ceiling),
            x2: x(ceiling),
            y1: TOP_PX - 6,
            y2: plotBottom,
          }),
          text(
            { x: x(ceiling) + 4, y: TOP_PX - 8, class: 'muted' },
            `machine ceiling ${ratio(ceiling)}`,
          ),
        ]),
  ];
  const points = shown.map((row, i) => {
    const middle = TOP_PX + i * ROW_PX + ROW_PX / 2;
    const speedup = row.speedup as number;
    const [from, to] = row.speedupCi95 ?? [speedup, speedup];
    const figure = ratioWithInterval(row.speedup, row.speedupCi95);
    return element(
      'g',
      { class: 'speedup-row', 'data-strategy': row.strategy },
      title(`${labels[i]}: ${figure} vs the reference${row.speedupCi95 ? ', 95 % interval' : ''}`),
      text({ x: gutter - 10, y: middle + 4, 'text-anchor': 'end' }, labels[i] as string),
      element('path', {
        class: 'interval',
        d: `M${px(x(from))} ${px(middle)}H${px(x(to))}M${px(x(from))} ${px(middle - 5)}v10M${px(x(to))} ${px(middle - 5)}v10`,
      }),
      element('circle', {
        class: badgeOf(row) ? 'point fastest' : 'point',
        cx: x(speedup),
        cy: middle,
        r: 4.5,
      }),
      text({ x: WIDTH - RIGHT_PX + 12, y: middle + 4 }, figure),
    );
  });
  return svg(
    WIDTH,
    plotBottom + AXIS_PX,
    { class: 'speedups', 'aria-label': 'speed-up against the reference, with 95 % intervals' },
    ...grid,
    ...marks,
    ...points,
    text(
      {
        x: (gutter + WIDTH - RIGHT_PX) / 2,
        y: plotBottom + AXIS_PX - 4,
        'text-anchor': 'middle',
        class: 'muted',
      },
      `speed-up against ${reference} (1x), log scale (whisker: 95 % interval)`,
    ),
  );
}
