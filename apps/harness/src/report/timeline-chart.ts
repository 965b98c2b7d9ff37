import { duration } from '../output/format.js';
import {
  linearScale,
  millisecondsLabel,
  niceStep,
  type Scale,
  ticksUpTo,
} from '../timeline/axis.js';
import { cellsOf, runsOf } from '../timeline/cells.js';
import type { Lane, PlacedTask, TaskPart, Timeline } from '../timeline/lanes.js';
import { element, svg, text, title } from './svg.js';

const WIDTH = 960;
const GUTTER_PX = 130;
const RIGHT_PX = 16;
const PLOT_WIDTH = WIDTH - GUTTER_PX - RIGHT_PX;
const TOP_PX = 4;
const LANE_GAP_PX = 6;
const LANE_PADDING_PX = 3;
const SINGLE_ROW_PX = 22;
const MAX_ROW_PX = 14;
const MIN_ROW_PX = 1.5;
/** The height a lane with many rows shrinks its rows to fit, down to `MIN_ROW_PX` a row. */
const LANE_BUDGET_PX = 220;
/** Rows with room for a white edge between neighbouring boxes. */
const OUTLINED_ROW_PX = 6;
/** The merged last row of an overcrowded lane stays tall enough to see and label. */
const OVERFLOW_ROW_PX = 14;
const AXIS_PX = 42;
const NOTE_PX = 17;

/** A lane's sub-rows past this are merged into one: the 160 downloads of async I/O still fit. */
export const MAX_ROWS_PER_LANE = 200;
/** Up to this many tasks, each is its own box with a tooltip; beyond, rows are drawn in cells. */
export const EXACT_TASK_LIMIT = 2_000;
/** Most cells a merged timeline draws, so 10,000 tasks cost no more page than 2,000 do. */
const CELL_BUDGET = 6_000;
const MIN_CELLS_PER_ROW = 40;

function rowHeight(rowCount: number): number {
  if (rowCount <= 1) return SINGLE_ROW_PX;
  return Math.min(MAX_ROW_PX, Math.max(MIN_ROW_PX, LANE_BUDGET_PX / rowCount));
}

/** A lane's rows, counting the merged last row of an overcrowded lane. */
function rowCount(lane: Lane): number {
  return lane.rows.length + (lane.overflow.length > 0 ? 1 : 0);
}

function taskTooltip(task: PlacedTask): string {
  const waiting = task.parts.find((part) => part.activity === 'waiting');
  const waited = waiting ? `, waiting ${duration(waiting.end - waiting.start)}` : '';
  const failed = task.failure ? `; failed: ${task.failure}` : '';
  return `task ${task.index}: ${millisecondsLabel(task.start)} → ${millisecondsLabel(task.end)} ms (${duration(task.end - task.start)}${waited})${failed}`;
}

function longestPart(task: PlacedTask): TaskPart {
  return task.parts.reduce((longest, part) =>
    part.end - part.start > longest.end - longest.start ? part : longest,
  );
}

/** One box per task, split into its waiting and computing parts; at least a pixel wide. */
function exactBoxes(tasks: readonly PlacedTask[], x: Scale, y: number, height: number): string {
  return tasks
    .map((task) => {
      const parts =
        x(task.end) - x(task.start) < 1
          ? [{ ...longestPart(task), start: task.start, end: task.end }]
          : task.parts;
      const rects = parts.map((part) =>
        element('rect', {
          class: part.activity,
          x: x(part.start),
          y,
          width: Math.max(1, x(part.end) - x(part.start)),
          height,
        }),
      );
      const attributes = task.failure
        ? { class: 'task failed-task', 'data-failure': task.failure }
        : { class: 'task' };
      return element('g', attributes, title(taskTooltip(task)), ...rects);
    })
    .join('');
}

/** A row drawn in equal cells, each coloured by what filled most of it; equal neighbours merge. */
function cellBoxes(
  tasks: readonly PlacedTask[],
  spanMs: number,
  cellCount: number,
  y: number,
  height: number,
): string {
  const cellPx = PLOT_WIDTH / cellCount;
  return runsOf(cellsOf(tasks, spanMs, cellCount))
    .map((run) =>
      element('rect', {
        class: `${run.activity} cell`,
        x: GUTTER_PX + run.from * cellPx,
        y,
        width: (run.to - run.from) * cellPx,
        height,
      }),
    )
    .join('');
}

/**
 * A measured timeline in the article's style: one lane per worker, time left to right,
 * a box per task. Overlapping tasks on one worker (async) are stacked in sub-rows.
 * The page stays small however many tasks ran: lanes stop at `MAX_ROWS_PER_LANE` rows
 * (the rest merge into one last row) and past `EXACT_TASK_LIMIT` tasks rows are drawn
 * in cells. The chart says when it did either.
 */
export function timelineChart(timeline: Timeline): string {
  // A run whose tasks all took no measurable time still gets an axis.
  const spanMs = timeline.spanMs > 0 ? timeline.spanMs : 1;
  const x = linearScale([0, spanMs], [GUTTER_PX, GUTTER_PX + PLOT_WIDTH]);
  const exact = timeline.taskCount <= EXACT_TASK_LIMIT;
  const totalRows = timeline.lanes.reduce((sum, lane) => sum + rowCount(lane), 0);
  const cellCount = Math.max(
    MIN_CELLS_PER_ROW,
    Math.min(Math.floor(PLOT_WIDTH / 2), Math.floor(CELL_BUDGET / totalRows)),
  );
  const notes: string[] = [];
  if (!exact) {
    notes.push(
      `${timeline.taskCount.toLocaleString('en-US')} tasks are too many to draw one by one: each row is drawn in cells of ${duration(spanMs / cellCount)}, coloured by what filled most of the cell.`,
    );
  }

  let y = TOP_PX;
  const lanes = timeline.lanes.map((lane) => {
    const rows = lane.rows;
    const rowPx = rowHeight(rowCount(lane));
    const boxPx = rowPx >= OUTLINED_ROW_PX ? rowPx - 2 : rowPx;
    const overflowPx = lane.overflow.length > 0 ? Math.max(rowPx, OVERFLOW_ROW_PX) : 0;
    const laneTop = y;
    const rowsTop = laneTop + LANE_PADDING_PX;
    const laneHeight = rows.length * rowPx + overflowPx + LANE_PADDING_PX * 2;
    y += laneHeight + LANE_GAP_PX;
    const boxes = rows.map((tasks, r) => {
      const rowY = rowsTop + r * rowPx + (rowPx - boxPx) / 2;
      return exact
        ? exactBoxes(tasks, x, rowY, boxPx)
        : cellBoxes(tasks, spanMs, cellCount, rowY, boxPx);
    });
    if (lane.overflow.length > 0) {
      const overflowY = rowsTop + rows.length * rowPx;
      const more = lane.overflow.length.toLocaleString('en-US');
      boxes.push(
        element(
          'g',
          { class: 'overflow' },
          text(
            { x: GUTTER_PX - 10, y: overflowY + overflowPx / 2 + 4, 'text-anchor': 'end' },
            `+${more} merged`,
          ),
          cellBoxes(lane.overflow, spanMs, cellCount, overflowY + 1, overflowPx - 2),
        ),
      );
      notes.push(
        `${lane.worker}: ${more} tasks overlapped the ${rows.length} rows above them; they are merged into the lane's last row.`,
      );
    }
    const labelY = laneTop + Math.min(laneHeight / 2, 14) + 4;
    const label = [
      text({ x: GUTTER_PX - 10, y: labelY, 'text-anchor': 'end' }, lane.worker),
      rows.length > 1 || lane.overflow.length > 0
        ? text(
            { x: GUTTER_PX - 10, y: labelY + 15, 'text-anchor': 'end', class: 'muted' },
            `${lane.taskCount.toLocaleString('en-US')} tasks`,
          )
        : '',
    ].join('');
    return element(
      'g',
      {
        class: rowPx >= OUTLINED_ROW_PX ? 'worker-lane' : 'worker-lane thin',
        'data-worker': lane.worker,
      },
      element('rect', {
        class: 'lane',
        x: GUTTER_PX,
        y: laneTop,
        width: PLOT_WIDTH,
        height: laneHeight,
      }),
      label,
      ...boxes,
    );
  });

  const plotBottom = y - LANE_GAP_PX + 4;
  const step = niceStep(spanMs, 8);
  const ticks = ticksUpTo(spanMs, step).map((tick) =>
    [
      element('line', {
        class: 'axis',
        x1: x(tick),
        x2: x(tick),
        y1: plotBottom,
        y2: plotBottom + 5,
      }),
      text(
        { x: x(tick), y: plotBottom + 18, 'text-anchor': 'middle', class: 'muted' },
        millisecondsLabel(tick),
      ),
    ].join(''),
  );
  const axis = element('line', {
    class: 'axis',
    x1: GUTTER_PX,
    x2: GUTTER_PX + PLOT_WIDTH,
    y1: plotBottom,
    y2: plotBottom,
  });
  const axisTitle = text(
    { x: GUTTER_PX + PLOT_WIDTH / 2, y: plotBottom + 36, 'text-anchor': 'middle', class: 'muted' },
    'ms since the first task started',
  );
  const noteLines = notes.map((note, i) =>
    text({ x: GUTTER_PX, y: plotBottom + AXIS_PX + 12 + i * NOTE_PX, class: 'note' }, note),
  );
  const height = plotBottom + AXIS_PX + notes.length * NOTE_PX + (notes.length > 0 ? 6 : 0);
  return svg(
    WIDTH,
    height,
    { class: 'timeline', 'aria-label': 'timeline of every task, one lane per worker' },
    ...lanes,
    axis,
    ...ticks,
    axisTitle,
    ...noteLines,
  );
}
