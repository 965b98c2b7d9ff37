import type { BenchResult, BenchRow } from '../benchmark/result.js';
import { duration } from '../output/format.js';
import { durationLabel, linearScale, logScale, niceCeiling, type Scale } from '../timeline/axis.js';
import { seriesColours } from './style.js';
import { element, px, svg, text, title } from './svg.js';

export type Sweep = NonNullable<BenchResult['sweep']>;

const WIDTH = 960;
const HEIGHT = 340;
const LEFT_PX = 70;
const RIGHT_PX = 230;
const TOP_PX = 14;
const BOTTOM_PX = 48;
const LEGEND_ROW_PX = 20;

const parameterTitles: Record<Sweep['parameter'], string> = {
  workers: 'workers (pool size)',
  concurrency: 'tasks in flight',
  latency: 'server latency (ms)',
  size: 'work size',
  pages: 'pages',
  batch: 'items per message (batch)',
};

/** Values that grow by doubling read better on a log axis; a sweep that includes 0 cannot use one. */
function xScaleFor(values: readonly number[]): { scale: Scale; logarithmic: boolean } {
  const smallest = Math.min(...values);
  const largest = Math.max(...values);
  const range: [number, number] = [LEFT_PX, WIDTH - RIGHT_PX];
  if (smallest > 0 && largest / smallest >= 8) {
    return { scale: logScale([smallest, largest], range), logarithmic: true };
  }
  return { scale: linearScale([Math.min(0, smallest), largest], range), logarithmic: false };
}

/**
 * One job's sweep: median time against the swept setting, one line per strategy. A value
 * a strategy has no median for (it failed) leaves a gap in its line.
 */
export function sweepChart(rows: readonly BenchRow[], sweep: Sweep): string {
  const values = [...new Set(sweep.values)].sort((a, b) => a - b);
  const strategies = [...new Set(rows.map((row) => row.strategy))];
  const medianAt = (strategy: string, value: number) =>
    rows.find(
      (row) => row.strategy === strategy && Number(row.parameters[sweep.parameter]) === value,
    )?.summary?.median;
  const slowest = Math.max(0, ...rows.map((row) => row.summary?.median ?? 0));
  const { top, ticks } = niceCeiling(slowest);
  const plotBottom = HEIGHT - BOTTOM_PX;
  const y = linearScale([0, top], [plotBottom, TOP_PX]);
  const { scale: x, logarithmic } = xScaleFor(values);

  const yGrid = ticks.map((tick) =>
    [
      element('line', {
        class: 'grid',
        x1: LEFT_PX,
        x2: WIDTH - RIGHT_PX,
        y1: y(tick),
        y2: y(tick),
      }),
      text(
        { x: LEFT_PX - 8, y: y(tick) + 4, 'text-anchor': 'end', class: 'muted' },
        durationLabel(tick),
      ),
    ].join(''),
  );
  const xTicks = values.map((value) =>
    [
      element('line', {
        class: 'axis',
        x1: x(value),
        x2: x(value),
        y1: plotBottom,
        y2: plotBottom + 5,
      }),
      text(
        { x: x(value), y: plotBottom + 19, 'text-anchor': 'middle', class: 'muted' },
        String(value),
      ),
    ].join(''),
  );
  const axes = element('path', {
    class: 'axis',
    d: `M${LEFT_PX} ${TOP_PX}V${plotBottom}H${WIDTH - RIGHT_PX}`,
  });
  const xTitle = text(
    { x: (LEFT_PX + WIDTH - RIGHT_PX) / 2, y: HEIGHT - 6, 'text-anchor': 'middle', class: 'muted' },
    `${parameterTitles[sweep.parameter]}${logarithmic ? ', log scale' : ''}`,
  );
  const yTitle = text(
    {
      x: 14,
      y: (TOP_PX + plotBottom) / 2,
      'text-anchor': 'middle',
      transform: `rotate(-90 14 ${px((TOP_PX + plotBottom) / 2)})`,
      class: 'muted',
    },
    'median work time',
  );

  const series = strategies.map((strategy, i) => {
    const colour = seriesColours[i % seriesColours.length] as string;
    // Consecutive measured values form one stretch of line; a missing one breaks it.
    const stretches: string[] = [];
    let current: string[] = [];
    const points: string[] = [];
    for (const value of values) {
      const median = medianAt(strategy, value);
      if (median === undefined) {
        stretches.push(current.join(' '));
        current = [];
        continue;
      }
      current.push(`${px(x(value))},${px(y(median))}`);
      points.push(
        element(
          'circle',
          { cx: x(value), cy: y(median), r: 4, fill: colour },
          title(`${strategy}, ${sweep.parameter} ${value}: ${duration(median)} median`),
        ),
      );
    }
    stretches.push(current.join(' '));
    const lines = stretches
      .filter((stretch) => stretch.includes(' '))
      .map((stretch) => element('polyline', { class: 'series', stroke: colour, points: stretch }));
    const legendY = TOP_PX + 6 + i * LEGEND_ROW_PX;
    const legendX = WIDTH - RIGHT_PX + 24;
    const legend = [
      element('line', {
        x1: legendX,
        x2: legendX + 22,
        y1: legendY,
        y2: legendY,
        stroke: colour,
        'stroke-width': 3,
      }),
      text(
        { x: legendX + 30, y: legendY + 4 },
        points.length === 0 ? `${strategy} (failed)` : strategy,
      ),
    ].join('');
    return element(
      'g',
      { class: 'strategy-series', 'data-strategy': strategy },
      ...lines,
      ...points,
      legend,
    );
  });

  return svg(
    WIDTH,
    Math.max(HEIGHT, TOP_PX + strategies.length * LEGEND_ROW_PX + 10),
    { class: 'sweep', 'aria-label': `median work time against ${sweep.parameter}` },
    ...yGrid,
    ...xTicks,
    axes,
    xTitle,
    yTitle,
    ...series,
  );
}
