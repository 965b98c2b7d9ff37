import { mostAtOnce, type TaskEvent } from '@speedup/shared-core';
import type { BenchRow } from '../benchmark/result.js';

/**
 * What a stretch of a task was doing, as far as the harness knows: waiting on the
 * server, computing, or downloading with no way to tell the two apart (real sites,
 * whose latency is unknown); or, for a task whose item failed, failing: its time went to
 * a failure, not to the work, and is drawn apart.
 */
export type Activity = 'waiting' | 'computing' | 'download' | 'failed';

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
  /** From the first task's start to the last one's end. */
  readonly spanMs: number;
  readonly taskCount: number;
  /** Most tasks in flight at one moment, over all lanes. */
  readonly peakInFlight: number;
}

/**
 * Splits a task into what it did. A download's first `latencyMs` (the local server's
 * configured delay) is waiting, capped at the task's length; the rest is the client's
 * own work: sending, receiving, parsing. CPU tasks compute throughout.
 */
export function partsOf(
  start: number,
  end: number,
  workload: BenchRow['workload'],
  latencyMs: number | undefined,
): TaskPart[] {
  if (workload === 'cpu') return [{ activity: 'computing', start, end }];
  if (latencyMs === undefined) return [{ activity: 'download', start, end }];
  const waitedUntil = Math.min(start + latencyMs, end);
  const parts: TaskPart[] = [{ activity: 'waiting', start, end: waitedUntil }];
  if (end > waitedUntil) parts.push({ activity: 'computing', start: waitedUntil, end });
  return parts;
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
 * A task whose item is in `failures` is one `failed` part, with its kind.
 */
export function layOutTimeline(
  events: readonly TaskEvent[],
  workload: BenchRow['workload'],
  latencyMs: number | undefined,
  maxRowsPerLane = Number.POSITIVE_INFINITY,
  failures: BenchRow['failures'] = [],
): Timeline {
  const failed = new Map(failures.map(({ index, kind }) => [index, kind]));
  if (events.length === 0) return { lanes: [], spanMs: 0, taskCount: 0, peakInFlight: 0 };
  const origin = events.reduce((earliest, event) => Math.min(earliest, event.start), Infinity);
  const byWorker = new Map<string, PlacedTask[]>();
  for (const event of events) {
    const start = event.start - origin;
    const end = Math.max(event.end - origin, start);
    const failure = failed.get(event.index);
    const task: PlacedTask = failure
      ? { index: event.index, start, end, parts: [{ activity: 'failed', start, end }], failure }
      : { index: event.index, start, end, parts: partsOf(start, end, workload, latencyMs) };
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
  return {
    lanes,
    spanMs: all.reduce((latest, task) => Math.max(latest, task.end), 0),
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
