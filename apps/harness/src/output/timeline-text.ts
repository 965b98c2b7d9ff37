import { findStrategies } from '@speedup/shared-core/harness';
import { PlanError, planBench } from '../benchmark/plan.js';
import type { BenchResult, BenchRow } from '../benchmark/result.js';
import type { BenchOptions } from '../options.js';
import { millisecondsLabel, niceStep, ticksUpTo } from '../timeline/axis.js';
import { type Cell, cellsOf } from '../timeline/cells.js';
import { type Activity, describeTimeline, layOutTimeline } from '../timeline/lanes.js';
import { sweptSetting } from './describe-row.js';
import { duration } from './format.js';

/**
 * `--timeline <strategy>`: the report's timelines in characters, for the terminal. One
 * line per worker; a worker running several tasks at once (async) gets a line per
 * overlapping row, up to `ROWS_PER_LANE`, and the rest merged into one more line.
 */

export const DEFAULT_WIDTH = 80;
const ROWS_PER_LANE = 6;
const MAX_LABEL = 16;
const MIN_PLOT_COLUMNS = 20;
const COLUMNS_PER_TICK_LABEL = 12;

const characters: Record<Activity, string> = {
  queued: '·',
  waiting: '░',
  receiving: '▓',
  running: '█',
  failed: '×',
  lost: '?',
};
const legendText: Record<Activity, string> = {
  queued: 'waiting for a connection',
  waiting: "waiting for the server's first byte",
  receiving: 'receiving and hashing',
  running: 'task running (wall time)',
  failed: 'failed',
  lost: 'worker died',
};

const drawCells = (cells: readonly Cell[]) =>
  cells.map((cell) => (cell ? characters[cell] : ' ')).join('');

/** A line of tick labels: each starts at its tick's column, skipped where it would touch the previous one. */
function axisLine(spanMs: number, plotColumns: number): string {
  const step = niceStep(spanMs, Math.max(1, Math.floor(plotColumns / COLUMNS_PER_TICK_LABEL)));
  const line = Array.from({ length: plotColumns + 1 }, () => ' ');
  let free = 0;
  for (const tick of ticksUpTo(spanMs, step)) {
    const label = millisecondsLabel(tick);
    const column = Math.min(
      Math.round((tick / spanMs) * plotColumns),
      plotColumns + 1 - label.length,
    );
    if (column < free) continue;
    line.splice(column, label.length, ...label);
    free = column + label.length + 2;
  }
  return line.join('').trimEnd();
}

/** One row's timeline, `width` characters wide at most. */
export function textTimeline(
  row: BenchRow,
  width = DEFAULT_WIDTH,
  heading = `${row.strategy} (${row.model}), ${row.job}`,
): string {
  if (row.events.length === 0) {
    return `${heading}: no timeline, ${row.error ? `failed: ${row.error}` : 'no task events were recorded'}`;
  }
  const timeline = layOutTimeline(row.events, ROWS_PER_LANE, row.failures);
  const labels = timeline.lanes.flatMap((lane) => [
    lane.worker,
    ...(lane.overflow.length > 0 ? [`+${lane.overflow.length}`] : []),
  ]);
  const gutter = Math.min(MAX_LABEL, Math.max(...labels.map((label) => label.length))) + 1;
  const plotColumns = Math.max(MIN_PLOT_COLUMNS, width - gutter - 2);
  const spanMs = timeline.spanMs > 0 ? timeline.spanMs : 1;
  const columnMs = spanMs / plotColumns;

  const lines: string[] = [];
  const used = new Set<Activity>();
  const addLine = (label: string, cells: readonly Cell[]) => {
    for (const cell of cells) if (cell) used.add(cell);
    lines.push(`${label.slice(0, MAX_LABEL).padEnd(gutter)}│${drawCells(cells)}│`);
  };
  for (const lane of timeline.lanes) {
    lane.rows.forEach((tasks, r) => {
      addLine(r === 0 ? lane.worker : '', cellsOf(tasks, spanMs, plotColumns));
    });
    if (lane.overflow.length > 0) {
      addLine(`+${lane.overflow.length}`, cellsOf(lane.overflow, spanMs, plotColumns));
    }
  }
  const overflowed = timeline.lanes.filter((lane) => lane.overflow.length > 0);

  const summary = `${heading}: ${describeTimeline(timeline)}, ${duration(timeline.spanMs)} from first start to last end`;
  const legend = (Object.keys(characters) as Activity[])
    .filter((activity) => used.has(activity))
    .map((activity) => `${characters[activity]} ${legendText[activity]}`);
  const scale = `time in ms, 1 column = ${duration(columnMs)}, showing what filled most of it`;
  const notes = overflowed.length
    ? [`a line starting +N merges the N tasks that overlapped the ${ROWS_PER_LANE} lines above it`]
    : [];
  return [
    summary,
    `${legend.join('  ')}; ${scale}`,
    ...notes,
    ...lines,
    `${' '.repeat(gutter + 1)}${axisLine(spanMs, plotColumns)}`,
  ].join('\n');
}

/**
 * Every timeline of one strategy in a result: one per job it ran (and per swept value).
 * `width` is the terminal's; 80 columns when it is unknown.
 */
export function textTimelines(
  result: BenchResult,
  strategy: string,
  width: number = DEFAULT_WIDTH,
): string {
  const { sweep } = result;
  return result.rows
    .filter((row) => row.strategy === strategy)
    .map((row) => {
      const swept = sweep ? `, ${sweptSetting(row, sweep)}` : '';
      return textTimeline(row, width, `${row.strategy} (${row.model}), ${row.job}${swept}`);
    })
    .join('\n\n');
}

/**
 * Fails before anything runs when `--timeline` names a strategy that does not exist or
 * that this selection does not measure. A variant is named as `--only` names it:
 * `cpu-asyncio:await-per-call`.
 */
export function checkTimelineStrategy(options: BenchOptions): void {
  const wanted = options.timeline;
  if (wanted === undefined) return;
  const found = findStrategies(options.root);
  const [folder] = wanted.split(':', 1);
  if (!found.some((pkg) => pkg.name === folder)) {
    throw new PlanError(
      `--timeline: unknown strategy '${wanted}' (found: ${found.map((pkg) => pkg.name).join(', ')})`,
    );
  }
  const measured = [
    ...new Set(
      planBench(found, options).flatMap((job) =>
        job.contenders.map((contender) => contender.label),
      ),
    ),
  ];
  if (!measured.includes(wanted)) {
    throw new PlanError(
      `--timeline: '${wanted}' is not measured in this run (measured: ${measured.join(', ')})`,
    );
  }
}
