import { LOST_WORKER, mostAtOnce, type TaskEvent } from '@speedup/shared-core';
import type { BenchRow } from '../benchmark/result.js';

/**
 * What a stretch of a task was doing, as far as its own events say. A download that
 * noted its moments (shared-core's `downloadPage`) splits into `queued` (from its start
 * until its request went out: waiting for a free connection), `waiting` (until the
 * response's first byte: waiting for the server) and `receiving` (the body arriving and
 * being hashed). Any other task is `running` from start to end: its wall time, whether
 * its thread computed through it is the busy lane's to say. A task whose item failed is
 * `failed`, and one whose worker died before answering for it is `lost`.
 */
export type Activity = 'queued' | 'waiting' | 'receiving' | 'running' | 'failed' | 'lost';

export interface TaskPart {
  readonly activity: Activity;
  readonly start: number;
  readonly end: number;
}

/** One task on the time axis, in milliseconds since the run's first task started. */
export interface PlacedTask {
  readonly index: number;
  readonly start: number;
  readonly end: number;
  readonly parts: readonly TaskPart[];
  /** How its item failed (`timeout (page)`), when it did. */
  readonly failure?: string;
}

export interface Lane {
  /** The worker that ran the lane's tasks: `thread 3`, `pid 4242`. */
  readonly worker: string;
  /** Sub-rows of the lane; tasks in one row never overlap. */
  readonly rows: readonly (readonly PlacedTask[])[];
  /** Tasks that overlapped more tasks than the row limit allows, to be drawn merged. */
  readonly overflow: readonly PlacedTask[];
  readonly taskCount: number;
}

export interface Timeline {
  readonly lanes: readonly Lane[];
  /** From the origin (the run's start, or the first task's) to the last task's end or the run's. */
  readonly spanMs: number;
  readonly taskCount: number;
  /** Most tasks in flight at one moment, over all lanes. */
  readonly peakInFlight: number;
}

/** A task's moments, relative to the timeline's origin: what `partsOf` splits. */
export interface TaskMomentsAt {
  readonly start: number;
  readonly end: number;
  readonly sent?: number;
  readonly firstByte?: number;
}

/** Splits a task at the moments it noted; one `running` part when it noted none. */
export function partsOf({ start, end, sent, firstByte }: TaskMomentsAt): TaskPart[] {
  if (firstByte === undefined) return [{ activity: 'running', start, end }];
  const within = (time: number) => Math.min(end, Math.max(start, time));
  const wentOut = within(sent ?? start);
  const answered = within(Math.max(firstByte, wentOut));
  const parts: TaskPart[] = [
    { activity: 'queued', start, end: wentOut },
    { activity: 'waiting', start: wentOut, end: answered },
    { activity: 'receiving', start: answered, end },
  ];
  return parts.filter(
    (part) => part.end > part.start || (start === end && part.activity === 'waiting'),
  );
}

/**
 * Greedy interval packing: tasks in order of start, each into the lowest row that is
 * free by then (its last task has ended). This uses as few rows as the busiest moment
 * needs, and a sequence of tasks that never overlap stays in one row.
 *
 *   row 0  [task 0 ][task 2  ]    [task 5]
 *   row 1     [task 1   ][task 4    ]
 *   row 2        [task 3]
 *
 * Rows past `maxRows` are not made: a task that finds every allowed row busy goes to
 * `overflow` instead. Rows below the limit come out exactly as without one, because a
 * task only ever looks at rows below the one it takes.
 */
export function packIntoRows<T extends { readonly start: number; readonly end: number }>(
  tasks: readonly T[],
  maxRows = Number.POSITIVE_INFINITY,
): { rows: T[][]; overflow: T[] } {
  const rows: T[][] = [];
  const rowEnds: number[] = [];
  const overflow: T[] = [];
  const byStart = [...tasks].sort((a, b) => a.start - b.start || a.end - b.end);
  for (const task of byStart) {
    let row = rowEnds.findIndex((end) => end <= task.start);
    if (row === -1) {
      if (rows.length >= maxRows) {
        overflow.push(task);
        continue;
      }
      row = rows.length;
      rows.push([]);
    }
    rows[row]?.push(task);
    rowEnds[row] = task.end;
  }
  return { rows, overflow };
}

/** `thread 2` before `thread 10`. */
const naturalOrder = new Intl.Collator('en', { numeric: true });

/**
 * Lays out a row's task events: one lane per worker, in the order of their labels
 * (`thread 1`, `thread 2` …, `pid 4242`, `pid 4243` …), each packed into at most `maxRowsPerLane` rows.
 * A task whose item is in `failures` is one `failed` part, with its kind; one whose
 * worker died first is one `lost` part. Times count from `origin` (the run's start, when
 * known), else from the first task's start; the span reaches `until` when given.
 */
export function layOutTimeline(
  events: readonly TaskEvent[],
  maxRowsPerLane = Number.POSITIVE_INFINITY,
  failures: BenchRow['failures'] = [],
  { origin, until }: { origin?: number; until?: number } = {},
): Timeline {
  const failed = new Map(failures.map(({ index, kind }) => [index, kind]));
  if (events.length === 0) return { lanes: [], spanMs: 0, taskCount: 0, peakInFlight: 0 };
  const zero =
    origin ?? events.reduce((earliest, event) => Math.min(earliest, event.start), Infinity);
  const byWorker = new Map<string, PlacedTask[]>();
  for (const event of events) {
    const start = event.start - zero;
    const end = Math.max(event.end - zero, start);
    const failure = failed.get(event.index);
    const lost = event.worker === LOST_WORKER;
    const task: PlacedTask =
      failure || lost
        ? {
            index: event.index,
            start,
            end,
            parts: [{ activity: lost ? 'lost' : 'failed', start, end }],
            ...(failure ? { failure } : {}),
          }
        : {
            index: event.index,
            start,
            end,
            parts: partsOf({
              start,
              end,
              ...(event.sent === undefined ? {} : { sent: event.sent - zero }),
              ...(event.firstByte === undefined ? {} : { firstByte: event.firstByte - zero }),
            }),
          };
    const lane = byWorker.get(event.worker);
    if (lane) lane.push(task);
    else byWorker.set(event.worker, [task]);
  }
  const lanes = [...byWorker]
    .sort(([a], [b]) => naturalOrder.compare(a, b))
    .map(([worker, tasks]): Lane => {
      const { rows, overflow } = packIntoRows(tasks, maxRowsPerLane);
      return { worker, rows, overflow, taskCount: tasks.length };
    });
  const all = [...byWorker.values()].flat();
  const lastEnd = all.reduce((latest, task) => Math.max(latest, task.end), 0);
  return {
    lanes,
    spanMs: until === undefined ? lastEnd : Math.max(lastEnd, until - zero),
    taskCount: all.length,
    peakInFlight: mostAtOnce(all),
  };
}

const counted = (count: number, noun: string) =>
  `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;

/** How many tasks of a timeline failed. */
export function failedTasks(timeline: Timeline): number {
  return timeline.lanes.reduce(
    (sum, lane) =>
      sum +
      [...lane.rows.flat(), ...lane.overflow].filter((task) => task.failure !== undefined).length,
    0,
  );
}

/** `160 tasks on 1 worker, at most 160 at once`: the shape of a run in words. */
export function describeTimeline(timeline: Timeline): string {
  return `${counted(timeline.taskCount, 'task')} on ${counted(timeline.lanes.length, 'worker')}, at most ${timeline.peakInFlight.toLocaleString('en-US')} at once`;
}
