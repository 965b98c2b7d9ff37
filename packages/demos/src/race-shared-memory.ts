import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { CountingWay, CountingWork } from './race-worker.js';
import { SharedMutex } from './shared-mutex.js';

/**
 * The article's race condition, in Node: 5,000 tasks each add 1 to a counter 100 times,
 * spread over a few worker threads. Unlike Python's threads, these really run at the
 * same time on different cores, so a counter they share loses updates often, not rarely.
 *
 * The counter lives in a `SharedArrayBuffer`, the only memory worker threads can share:
 * everything else sent to a worker is copied.
 */

export interface CountingOptions {
  /** Worker threads counting at once. */
  readonly workers: number;
  /** Tasks shared out between the workers: the article has 5,000. */
  readonly tasks: number;
  /** Times each task adds 1: the article's 100. */
  readonly increments: number;
}

export interface Count {
  /** tasks × increments: what the counter must read at the end. */
  readonly expected: number;
  /** What it does read. */
  readonly actual: number;
  /** Milliseconds from the starting signal until the last worker was done. */
  readonly ms: number;
}

const workerFile = new URL('./race-worker.js', import.meta.url);

/** `tasks` split as evenly as possible between `workers`. */
function shareOut(tasks: number, workers: number): number[] {
  return Array.from(
    { length: workers },
    (_, worker) => Math.floor(tasks / workers) + (worker < tasks % workers ? 1 : 0),
  );
}

/**
 * Counts with `workers` threads adding 1 in `way`:
 * - `plain`: `counter[0] = counter[0] + 1` on shared memory, the race;
 * - `atomic`: `Atomics.add`, the fix the hardware offers;
 * - `locked`: the same plain update inside a `SharedMutex`, the article's fix;
 * - `unshared`: each worker counts in its own variable and the main thread sums.
 */
export async function countWithWorkers(
  way: CountingWay,
  { workers, tasks, increments }: CountingOptions,
): Promise<Count> {
  const counter = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  const startingLine = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  const lock = SharedMutex.create();

  // A typed array over a SharedArrayBuffer is not copied into the worker: every worker
  // gets a view of the very same bytes.
  const threads = shareOut(tasks, workers).map((share) => {
    const work: CountingWork = {
      way,
      tasks: share,
      increments,
      counter,
      lockCell: lock.cell,
      startingLine,
    };
    return new Worker(workerFile, { workerData: work });
  });

  try {
    await Promise.all(threads.map((thread) => once(thread, 'message')));
    const finished = Promise.all(threads.map((thread) => once(thread, 'message')));
    const started = performance.now();
    Atomics.store(startingLine, 0, 1);
    Atomics.notify(startingLine, 0);
    const ownCounts = (await finished).map(([count]) => count as number);
    const ms = performance.now() - started;

    const actual =
      way === 'unshared'
        ? ownCounts.reduce((sum, count) => sum + count, 0)
        : Atomics.load(counter, 0);
    return { expected: tasks * increments, actual, ms };
  } finally {
    await Promise.all(threads.map((thread) => thread.terminate()));
  }
}
