import { clock, LOST_WORKER, report, type Timed } from '../tasks.js';
import type { RunOptions } from '../types.js';
import { READY } from './worker.js';

/**
 * The plumbing of every pool strategy, whatever library runs the pool: the little a
 * strategy needs of a pool (`TaskPool`), and Python's `executor.map` on top of it
 * (`mapOnPool`). One adapter per library makes a `TaskPool`: `startPool` (workerpool),
 * `fromPiscina`, `fromTinypool`, and `startBarePool` (worker_threads, no library).
 */

/**
 * A fixed number of workers, each running one call at a time. What every adapter
 * promises, so that `mapOnPool` and the crash contract work the same on any of them:
 *
 * - `run` hands the worker task `task` a batch of items and resolves with its answer,
 *   one `Timed` value per item.
 * - A worker that dies while it holds a call rejects that call with the worker's error;
 *   the pool replaces it, and other calls go on.
 * - An exception that kills a worker after it answered (while it held no call) is never
 *   lost: the next call handed to the pool rejects with it, so a later task reports it.
 * - An abort of `signal` rejects the call; a call in flight is stopped, with its worker
 *   if need be.
 * - After `close()` resolves no worker is left.
 */
export interface TaskPool {
  /** How many workers run calls at once. */
  readonly size: number;
  run(task: string, items: readonly unknown[], signal: AbortSignal): Promise<readonly unknown[]>;
  close(): Promise<void>;
}

/**
 * Heap limit of every worker thread and process, in MB: low enough that a runaway task
 * ends its own worker long before the machine suffers, high enough not to slow V8's
 * garbage collector. At 512 MB, 5,000 pages on io-threading took about 1.0 s instead
 * of 0.8 s here.
 */
export const WORKER_MEMORY_MB = 2048;

/** `resourceLimits` for a worker thread, in the shape `new Worker`, piscina and tinypool take. */
export const WORKER_RESOURCE_LIMITS = { maxOldGenerationSizeMb: WORKER_MEMORY_MB } as const;

const neverAborted = new AbortController().signal;

/**
 * Resolves with `pool` once every one of its workers has loaded its script, so that
 * starting the pool is timed apart from the work. A worker holding an unanswered call
 * gets no other, so `size` calls at once reach `size` different workers, and each
 * answers only once its script has run.
 */
export async function untilReady<Pool extends TaskPool>(pool: Pool): Promise<Pool> {
  try {
    await Promise.all(Array.from({ length: pool.size }, () => pool.run(READY, [], neverAborted)));
    return pool;
  } catch (error) {
    await pool.close();
    throw error;
  }
}

export interface MapOptions {
  /** Items handed to a worker in one call (Python's `chunksize`); 1 when absent. */
  readonly batch?: number;
}

/**
 * Calls `task` on the pool once per item and returns the results in input order:
 * Python's `executor.map`. Each worker takes the next `batch` items as soon as it is
 * free. The worker's task must be a `poolTask`, so every item's span reaches `onTask`.
 * The items of a call whose worker dies (it exits, is killed, runs out of memory, or an
 * earlier exception of a worker is reported with it) become `whenWorkerDies(item,
 * error)`, each with a `lost worker` event; the pool replaces the worker and the other
 * calls go on. An abort stops the calls in flight, starts no more, and rejects with the
 * abort reason.
 */
export async function mapOnPool<Item, Result>(
  pool: TaskPool,
  task: string,
  items: readonly Item[],
  { signal, onTask }: RunOptions,
  whenWorkerDies: (item: Item, error: unknown) => Result,
  { batch = 1 }: MapOptions = {},
): Promise<Result[]> {
  signal.throwIfAborted();
  const results: Result[] = new Array(items.length);

  // Calls are handed over one per free worker rather than all queued in the pool at
  // once: the pool's queue is then never more than empty, whatever the library does with
  // a queue when a worker dies, and an abort has only `size` calls to stop.
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      signal.throwIfAborted();
      const first = next;
      next = Math.min(items.length, first + batch);
      const share = items.slice(first, next);
      const started = clock();
      let answers: readonly unknown[];
      try {
        answers = await pool.run(task, share, signal);
      } catch (error) {
        signal.throwIfAborted();
        const end = clock();
        for (const [offset, item] of share.entries()) {
          onTask({ index: first + offset, worker: LOST_WORKER, start: started, end });
          results[first + offset] = whenWorkerDies(item, error);
        }
        continue;
      }
      for (const [offset, answer] of answers.entries()) {
        results[first + offset] = report(first + offset, answer as Timed<Result>, onTask);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(pool.size, items.length) }, worker));
  return results;
}
