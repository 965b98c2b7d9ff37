import { duration } from '../output/format.js';
import {
  linearScale,
  millisecondsLabel,
  niceStep,
  type Scale,
  ticksUpTo,
} from '../timeline/axis.js';
import {
  type BusyLane,
  type BusySlice,
  busyWithin,
  HELPERS,
  type LateStretch,
  shareByColumn,
} from '../timeline/busy.js';
import { cellsOf, runsOf } from '../timeline/cells.js';
import type { Activity, Lane, PlacedTask, TaskPart, Timeline } from '../timeline/lanes.js';
import { element, px, svg, text, title } from './svg.js';

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
/** A measured strip under a lane: how busy its thread was, or how late the loop. */
const STRIP_PX = 16;
/** Pixels per column of a strip: fine enough to see, coarse enough to stay small. */
const STRIP_COLUMN_PX = 2;

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

/** What each part of a task is called in its tooltip. */
const partNames: Record<Activity, string> = {
  queued: 'waiting for a connection',
  waiting: 'waiting for the server',
  receiving: 'receiving and hashing',
  running: 'running',
  failed: 'failing',
  lost: 'lost with its worker',
};

/** How much of a task's time its thread spent on a core, where that was measured. */
function computed(task: PlacedTask, busy: BusyLane | undefined): string {
  if (!busy || task.end <= task.start) return '';
  const share = busyWithin(busy.slices, task.start, task.end) / (task.end - task.start);
  return `; its thread was busy ${Math.round(share * 100)} % of it`;
}

function taskTooltip(task: PlacedTask, busy?: BusyLane): string {
  const parts =
    task.parts.length > 1
      ? `: ${task.parts.map((part) => `${partNames[part.activity]} ${duration(part.end - part.start)}`).join(', ')}`
      : '';
  const lost =
    task.parts[0]?.activity === 'lost'
      ? '; its worker died: from when the call was handed over to when the pool said so'
      : '';
  const failed = task.failure ? `; failed: ${task.failure}` : '';
  return `task ${task.index}: ${millisecondsLabel(task.start)} → ${millisecondsLabel(task.end)} ms (${duration(task.end - task.start)}${parts})${computed(task, busy)}${lost}${failed}`;
}

function longestPart(task: PlacedTask): TaskPart {
  return task.parts.reduce((longest, part) =>
    part.end - part.start > longest.end - longest.start ? part : longest,
  );
}

/** One box per task, split into its waiting and computing parts; at least a pixel wide. */
function exactBoxes(
  tasks: readonly PlacedTask[],
  x: Scale,
  y: number,
  height: number,
  busy?: BusyLane,
): string {
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
      return element('g', attributes, title(taskTooltip(task, busy)), ...rects);
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

/** What a timeline draws beyond its tasks, measured while the run ran (see timeline/busy.ts). */
export interface Measured {
  /** Busy lanes by thread: the main thread, the workers, the helper threads. */
  readonly busy: readonly BusyLane[];
  /** When the main thread's loop answered late. */
  readonly late: readonly LateStretch[];
  /** The main thread's label (`pid 4242`). */
  readonly mainThread: string;
  /** What the busy lanes measure: each thread's CPU time, or its event loop's active time. */
  readonly measure: 'cpu' | 'loop';
}

export interface TimelineOptions {
  /** Milliseconds the axis spans: the job's longest run, so timelines of one job compare. */
  readonly scaleMs?: number;
  /** Drawn again on its own, shorter scale: the axis says so. */
  readonly zoomed?: boolean;
  readonly measured?: Measured;
}

/** A strip as one filled path: each column as high as its share (capped at 1) of `STRIP_PX`. */
function strip(
  shares: Float64Array,
  left: number,
  columnPx: number,
  bottom: number,
  className: string,
  tooltip: string,
): string {
  let d = `M${px(left)} ${px(bottom)}`;
  for (const [column, share] of shares.entries()) {
    const top = bottom - Math.min(1, share) * STRIP_PX;
    d += `V${px(top)}H${px(left + (column + 1) * columnPx)}`;
  }
  d += `V${px(bottom)}Z`;
  return element(
    'g',
    { class: `strip ${className}` },
    title(tooltip),
    element('rect', {
      class: 'strip-ground',
      x: left,
      y: bottom - STRIP_PX,
      width: shares.length * columnPx,
      height: STRIP_PX,
    }),
    element('path', { class: className, d }),
  );
}

const percent = (part: number, whole: number) =>
  whole > 0 ? `${Math.round((part / whole) * 100)} %` : '–';

function busyTooltip(lane: BusyLane, spanMs: number, measure: Measured['measure']): string {
  const what = measure === 'cpu' ? 'CPU time' : 'event-loop active time';
  if (lane.worker === HELPERS) {
    return `helper threads (V8's garbage collector and compiler, libuv): the process's ${what} beyond the threads drawn above, ${duration(lane.busyMs)} in this run; the strip is full at one core`;
  }
  return `${lane.worker}: busy ${duration(lane.busyMs)} of ${duration(spanMs)} (${percent(lane.busyMs, spanMs)}), measured as its ${what}`;
}

function lateTooltip(late: readonly LateStretch[]): string {
  if (late.length === 0) return 'event loop: never late by a millisecond or more';
  const longest = late.reduce((most, stretch) => Math.max(most, stretch.lateMs), 0);
  const total = late.reduce((sum, stretch) => sum + stretch.lateMs, 0);
  return `event loop late: a 1 ms timer fired up to ${duration(longest)} late; blocked ${duration(total)} in all`;
}

/**
 * A measured timeline in the article's style: one lane per worker, time left to right,
 * a box per task, split at the moments the task noted. Under each lane, where it was
 * measured, a strip of how busy that thread was; then the main thread (when it ran no
 * task itself), the process's helper threads, and how late the main thread's event
 * loop answered. Overlapping tasks on one worker (async) are stacked in sub-rows.
 * The page stays small however many tasks ran: lanes stop at `MAX_ROWS_PER_LANE` rows
 * (the rest merge into one last row) and past `EXACT_TASK_LIMIT` tasks rows are drawn
 * in cells. The chart says when it did either.
 */
export function timelineChart(
  timeline: Timeline,
  { scaleMs, zoomed = false, measured }: TimelineOptions = {},
): string {
  // A run whose tasks all took no measurable time still gets an axis.
  const spanMs = Math.max(timeline.spanMs, scaleMs ?? 0) || 1;
  const x = linearScale([0, spanMs], [GUTTER_PX, GUTTER_PX + PLOT_WIDTH]);
  const exact = timeline.taskCount <= EXACT_TASK_LIMIT;
  const totalRows = timeline.lanes.reduce((sum, lane) => sum + rowCount(lane), 0);
  const cellCount = Math.max(
    MIN_CELLS_PER_ROW,
    Math.min(Math.floor(PLOT_WIDTH / 2), Math.floor(CELL_BUDGET / Math.max(1, totalRows))),
  );
  const columns = Math.floor(PLOT_WIDTH / STRIP_COLUMN_PX);
  const columnPx = PLOT_WIDTH / columns;
  const notes: string[] = [];
  if (!exact) {
    notes.push(
      `${timeline.taskCount.toLocaleString('en-US')} tasks are too many to draw one by one: each row is drawn in cells of ${duration(spanMs / cellCount)}, coloured by what filled most of the cell.`,
    );
  }
  const busyOf = new Map(measured?.busy.map((lane) => [lane.worker, lane]));
  const busyStrip = (lane: BusyLane, bottom: number) =>
    strip(
      shareByColumn(lane.slices, spanMs, columns),
      GUTTER_PX,
      columnPx,
      bottom,
      lane.worker === HELPERS ? 'helpers' : 'busy',
      busyTooltip(lane, timeline.spanMs, measured?.measure ?? 'cpu'),
    );
  const label = (y: number, content: string, muted = false) =>
    text(
      { x: GUTTER_PX - 10, y, 'text-anchor': 'end', ...(muted ? { class: 'muted' } : {}) },
      content,
    );

  let y = TOP_PX;
  const lanes = timeline.lanes.map((lane) => {
    const rows = lane.rows;
    const rowPx = rowHeight(rowCount(lane));
    const boxPx = rowPx >= OUTLINED_ROW_PX ? rowPx - 2 : rowPx;
    const overflowPx = lane.overflow.length > 0 ? Math.max(rowPx, OVERFLOW_ROW_PX) : 0;
    const busy = busyOf.get(lane.worker);
    const stripPx = busy ? STRIP_PX + 2 : 0;
    const laneTop = y;
    const rowsTop = laneTop + LANE_PADDING_PX;
    const laneHeight = rows.length * rowPx + overflowPx + stripPx + LANE_PADDING_PX * 2;
    y += laneHeight + LANE_GAP_PX;
    const boxes = rows.map((tasks, r) => {
      const rowY = rowsTop + r * rowPx + (rowPx - boxPx) / 2;
      return exact
        ? exactBoxes(tasks, x, rowY, boxPx, busy)
        : cellBoxes(tasks, spanMs, cellCount, rowY, boxPx);
    });
    if (lane.overflow.length > 0) {
      const overflowY = rowsTop + rows.length * rowPx;
      const more = lane.overflow.length.toLocaleString('en-US');
      boxes.push(
        element(
          'g',
          { class: 'overflow' },
          title(`${more} tasks merged into one row, coloured by what filled most of each cell`),
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
    if (busy) boxes.push(busyStrip(busy, laneTop + laneHeight - LANE_PADDING_PX));
    // The labels stack from the lane's top; a lane too short for its second line has none.
    const lines = [
      lane.worker === measured?.mainThread ? `${lane.worker} (main)` : lane.worker,
      ...(rows.length > 1 || lane.overflow.length > 0
        ? [`${lane.taskCount.toLocaleString('en-US')} tasks`]
        : []),
    ].slice(0, Math.max(1, Math.floor((laneHeight + 2) / 15)));
    const labels = lines.map((line, i) => label(laneTop + 13 + i * 15, line, i > 0));
    const tooltip = `${lane.worker}: ${lane.taskCount.toLocaleString('en-US')} task${lane.taskCount === 1 ? '' : 's'}${busy ? `; ${busyTooltip(busy, timeline.spanMs, measured?.measure ?? 'cpu')}` : ''}`;
    return element(
      'g',
      {
        class: rowPx >= OUTLINED_ROW_PX ? 'worker-lane' : 'worker-lane thin',
        'data-worker': lane.worker,
      },
      element(
        'rect',
        { class: 'lane', x: GUTTER_PX, y: laneTop, width: PLOT_WIDTH, height: laneHeight },
        title(tooltip),
      ),
      ...labels,
      ...boxes,
    );
  });

  // The measured lanes of threads that ran no task: the main thread of a pool, the helpers, the loop.
  const extra: string[] = [];
  const extraLane = (name: string, kind: string, content: (bottom: number) => string) => {
    const top = y;
    const height = STRIP_PX + LANE_PADDING_PX * 2;
    y += height + LANE_GAP_PX;
    extra.push(
      element(
        'g',
        { class: 'measured-lane', 'data-lane': kind },
        label(top + height / 2 + 4, name),
        content(top + height - LANE_PADDING_PX),
      ),
    );
  };
  if (measured) {
    const taskWorkers = new Set(timeline.lanes.map((lane) => lane.worker));
    const main = busyOf.get(measured.mainThread);
    if (main && !taskWorkers.has(measured.mainThread)) {
      extraLane(`${measured.mainThread} (main)`, 'main', (bottom) => busyStrip(main, bottom));
    }
    const helpers = busyOf.get(HELPERS);
    if (helpers) extraLane('helper threads', 'helpers', (bottom) => busyStrip(helpers, bottom));
    const lateSlices: BusySlice[] = measured.late.map(({ start, end }) => ({
      start,
      end,
      busy: 1,
    }));
    extraLane('loop late', 'loop', (bottom) =>
      strip(
        shareByColumn(lateSlices, spanMs, columns),
        GUTTER_PX,
        columnPx,
        bottom,
        'late',
        `${measured.mainThread} (main): ${lateTooltip(measured.late)}`,
      ),
    );
  }

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
  const origin = measured ? 'ms since the run started' : 'ms since the first task started';
  const axisTitle = text(
    { x: GUTTER_PX + PLOT_WIDTH / 2, y: plotBottom + 36, 'text-anchor': 'middle', class: 'muted' },
    zoomed ? `${origin}: zoomed, on its own scale` : origin,
  );
  const noteLines = notes.map((note, i) =>
    text({ x: GUTTER_PX, y: plotBottom + AXIS_PX + 12 + i * NOTE_PX, class: 'note' }, note),
  );
  const height = plotBottom + AXIS_PX + notes.length * NOTE_PX + (notes.length > 0 ? 6 : 0);
  return svg(
    WIDTH,
    height,
    {
      class: zoomed ? 'timeline zoomed' : 'timeline',
      'aria-label': 'timeline of every task, one lane per worker, with measured busy lanes',
    },
    ...lanes,
    ...extra,
    axis,
    ...ticks,
    axisTitle,
    ...noteLines,
  );
}
