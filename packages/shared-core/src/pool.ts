import { fileURLToPath } from 'node:url';
import workerpool from 'workerpool';
import { clock, LOST_WORKER, report, type Timed } from './tasks.js';
import type { RunOptions } from './types.js';

/**
 * The plumbing of every pool strategy, on workerpool: start a pool and know when it is
 * ready, and map items over it the way Python's `executor.map` does.
 */

export type Pool = workerpool.Pool;

/**
 * Heap limit of every worker thread and process, in MB: low enough that a runaway task
 * ends its own worker long before the machine suffers, high enough not to slow V8's
 * garbage collector. At 512 MB, 5,000 pages on io-threading took about 1.0 s instead
 * of 0.8 s here.
 */
const WORKER_MEMORY_MB = 2048;

export interface PoolOptions {
  /** How many workers: exactly this many are started, and never more. */
  readonly workers: number;
  /** `thread`: worker threads in this process. `process`: child processes. */
  readonly type: 'thread' | 'process';
}

/**
 * Starts `workers` workers running `script` and resolves once every one of them has
 * loaded it, so that starting the pool is timed apart from the work.
 */
export async function startPool(script: URL, { workers, type }: PoolOptions): Promise<Pool> {
  const pool = workerpool.pool(fileURLToPath(script), {
    workerType: type,
    // Exactly `workers` workers, always: one that dies is replaced at once.
    minWorkers: workers,
    maxWorkers: workers,
    // A task that runs away with memory ends its own worker, not this process.
    workerThreadOpts: { resourceLimits: { maxOldGenerationSizeMb: WORKER_MEMORY_MB } },
    forkOpts: { execArgv: [`--max-old-space-size=${WORKER_MEMORY_MB}`] },
  });
  // `methods` is built into every workerpool worker. A worker holding an unanswered call
  // gets no other, so `workers` calls reach `workers` different workers, and all of them
  // answer only once their script has loaded.
  await Promise.all(Array.from({ length: workers }, () => pool.exec('methods', [])));
  return pool;
}

/**
 * Calls `method` on the pool once per item and returns the results in input order:
 * Python's `executor.map`. Each worker takes the next item as soon as it is free.
 * `method` must return `timed(...)`, so every task's span reaches `onTask`. A task whose
 * worker dies (it exits, is killed, runs out of memory) becomes `whenWorkerDies(item,
 * error)`; the pool replaces the worker and the other tasks go on. An abort cancels the
 * tasks in flight, starts no more, and rejects with the abort reason.
 */
export async function mapOnPool<Item, Result>(
  pool: Pool,
  method: string,
  items: readonly Item[],
  { signal, onTask }: RunOptions,
  whenWorkerDies: (item: Item, error: unknown) => Result,
): Promise<Result[]> {
  signal.throwIfAborted();
  const results: Result[] = new Array(items.length);
  const inFlight = new Set<ReturnType<Pool['exec']>>();
  const cancelInFlight = () => {
    for (const task of inFlight) task.cancel();
  };
  signal.addEventListener('abort', cancelInFlight, { once: true });

  // Items are handed over one per free worker rather than all queued in workerpool at
  // once: after a worker dies, workerpool can fail to hand its queue to the
  // replacement, while a task handed over later always reaches a live worker.
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++) {
      signal.throwIfAborted();
      const item = items[index] as Item;
      const started = clock();
      const task = pool.exec(method, [item]);
      inFlight.add(task);
      try {
        results[index] = report(index, (await task) as Timed<Result>, onTask);
      } catch (error) {
        signal.throwIfAborted();
        onTask?.({ index, worker: LOST_WORKER, start: started, end: clock() });
        results[index] = whenWorkerDies(item, error);
      } finally {
        inFlight.delete(task);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: pool.maxWorkers ?? 1 }, worker));
    return results;
  } finally {
    signal.removeEventListener('abort', cancelInFlight);
  }
}
