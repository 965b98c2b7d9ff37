import { isMainThread, threadId } from 'node:worker_threads';
import type { TaskEvent } from './types.js';

/**
 * Timing of single tasks, for the harness's timelines. A task can run in another thread
 * or process, so it times itself where it runs (`timed`) and the code that started it
 * passes the span on (`report`).
 */

// When this thread's `performance.now()` was 0: fixed for the thread's life, and read once,
// since its getter costs as much as the reading itself (a task takes two readings, a page four).
const timeOrigin = performance.timeOrigin;

/** Milliseconds since the epoch, with sub-millisecond precision, comparable across threads and processes. */
export function clock(): number {
  return timeOrigin + performance.now();
}

// Fixed for the life of a thread; built once, not once per task.
const thisWorker = isMainThread ? `pid ${process.pid}` : `thread ${threadId}`;

/** Who is running this code: `thread 3` inside a worker thread, `pid 4242` on a process's main thread. */
export function workerLabel(): string {
  return thisWorker;
}

/** The worker of a task whose worker died before answering for it: the task has no span of its own. */
export const LOST_WORKER = 'lost worker';

/** A task's value with where and when it ran. Plain data, so it crosses threads and processes. */
export interface Timed<T> extends Pick<TaskEvent, 'sent' | 'firstByte' | 'busy'> {
  readonly value: T;
  readonly worker: string;
  readonly start: number;
  readonly end: number;
}

/** Moments a task's own code saw inside it, noted where they happen (see `momentsOfThisTask`). */
export interface TaskMoments {
  sent?: number;
  firstByte?: number;
}

// The moments of the task `timed` started last on this thread. A download takes them at
// its first line, so async tasks started one after another each keep their own; a pool's
// worker runs one task at a time, so the last started is the one running.
let currentMoments: TaskMoments | undefined;

/**
 * Where the task running now may note its moments: a download notes when its request
 * went out and when the first byte came back, without the strategy passing anything on.
 */
export function momentsOfThisTask(): TaskMoments | undefined {
  return currentMoments;
}

const isThenable = <T>(value: T | PromiseLike<T>): value is PromiseLike<T> =>
  typeof (value as { then?: unknown } | null | undefined)?.then === 'function';

/**
 * Runs `task` here and records where and when. Plain promise chaining rather than an
 * `async` function: a task that finishes at once is stamped at once, and one that
 * returns a promise costs one promise more, not three. io-asyncio runs this for every
 * page, and every CPU strategy for every item.
 */
export function timed<T>(task: () => T | Promise<T>): Promise<Timed<T>> {
  const start = clock();
  const moments: TaskMoments = {};
  currentMoments = moments;
  const stamp = (value: T): Timed<T> => {
    const end = clock();
    const { sent, firstByte } = moments;
    return firstByte === undefined
      ? { value, worker: thisWorker, start, end }
      : { value, worker: thisWorker, start, end, sent, firstByte };
  };
  try {
    const value = task();
    return isThenable(value) ? Promise.resolve(value).then(stamp) : Promise.resolve(stamp(value));
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Passes a finished task's span to `onTask` and returns its value. The event is built
 * field by field: a rest pattern and a spread copied the span twice, for every task, and
 * in a profile of io-asyncio's measuring process that came to about 2 µs a page.
 */
export function report<T>(
  index: number,
  span: Timed<T>,
  onTask: ((event: TaskEvent) => void) | undefined,
): T {
  if (onTask) {
    const { worker, start, end, sent, firstByte, busy } = span;
    const event: { -readonly [K in keyof TaskEvent]: TaskEvent[K] } = { index, worker, start, end };
    if (firstByte !== undefined) {
      event.sent = sent;
      event.firstByte = firstByte;
    }
    if (busy !== undefined) event.busy = busy;
    onTask(event);
  }
  return span.value;
}

/** `timed` and `report` in one, for tasks that run on the caller's own thread. */
export function track<T>(
  index: number,
  onTask: ((event: TaskEvent) => void) | undefined,
  task: () => T | Promise<T>,
): Promise<T> {
  return timed(task).then((span) => report(index, span, onTask));
}

// Facts about a run, read off its task events.

/** Most tasks that were running at the same instant. */
export function mostAtOnce(events: readonly Pick<TaskEvent, 'start' | 'end'>[]): number {
  const edges = events.flatMap((event) => [
    { at: event.start, change: 1 },
    { at: event.end, change: -1 },
  ]);
  // At equal times, count ends before starts: a task that starts as another ends does not overlap it.
  edges.sort((a, b) => a.at - b.at || a.change - b.change);
  let running = 0;
  let most = 0;
  for (const { change } of edges) {
    running += change;
    most = Math.max(most, running);
  }
  return most;
}

/** The distinct workers that ran tasks, sorted. */
export function workersOf(events: readonly TaskEvent[]): string[] {
  return [...new Set(events.map((event) => event.worker))].sort();
}
