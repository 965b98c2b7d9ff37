import { fileURLToPath } from 'node:url';
import workerpool from 'workerpool';
import type { RunOptions } from './strategy.js';
import { report, type Timed } from './tasks.js';

/**
 * The plumbing of every pool strategy, on workerpool: start a pool and know when it is
 * ready, and map items over it the way Python's `executor.map` does.
 */

export type Pool = workerpool.Pool;

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
    minWorkers: workers,
    maxWorkers: workers,
  });
  // `methods` is built into every workerpool worker. A worker holding an unanswered call
  // gets no other, so `workers` calls reach `workers` different workers, and all of them
  // answer only once their script has loaded.
  await Promise.all(Array.from({ length: workers }, () => pool.exec('methods', [])));
  return pool;
}

/**
 * Calls `method` on the pool once per item, all handed over at once (workers take them
 * in turn), and returns the results in input order: Python's `executor.map`.
 * `method` must return `timed(...)`, so every task's span reaches `onTask`.
 * An abort cancels every task not yet finished and rejects with the abort reason.
 */
export async function mapOnPool<Item, Result>(
  pool: Pool,
  method: string,
  items: readonly Item[],
  { signal, onTask }: RunOptions = {},
): Promise<Result[]> {
  signal?.throwIfAborted();
  const tasks = items.map((item) => pool.exec(method, [item]));
  const cancelAll = () => {
    for (const task of tasks) task.cancel();
  };
  signal?.addEventListener('abort', cancelAll, { once: true });
  try {
    return await Promise.all(
      tasks.map(async (task, index) => report(index, (await task) as Timed<Result>, onTask)),
    );
  } catch (error) {
    throw signal?.aborted ? signal.reason : error;
  } finally {
    signal?.removeEventListener('abort', cancelAll);
  }
}
