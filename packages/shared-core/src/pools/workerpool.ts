import { fileURLToPath } from 'node:url';
import workerpool from 'workerpool';
import { type TaskPool, WORKER_MEMORY_MB, WORKER_RESOURCE_LIMITS } from './pool.js';
import { READY } from './worker.js';

/** The workerpool adapter: the pool every strategy of speedup used first. */

/** A pool of workerpool itself, for code that needs more of it than `TaskPool` (io-hybrid's messages from a running task). */
export type Workerpool = workerpool.Pool;

export interface PoolOptions {
  /** How many workers: exactly this many are started, and never more. */
  readonly workers: number;
  /** `thread`: worker threads in this process. `process`: child processes. */
  readonly type: 'thread' | 'process';
}

/**
 * Starts a workerpool pool of `workers` workers running `script` (whose last line is
 * `workerpool.worker(tasks)`), and resolves once every one of them has loaded it.
 */
export async function startWorkerpool(
  script: URL,
  { workers, type }: PoolOptions,
): Promise<Workerpool> {
  const pool = workerpool.pool(fileURLToPath(script), {
    workerType: type,
    // Exactly `workers` workers, always: one that dies is replaced at once.
    minWorkers: workers,
    maxWorkers: workers,
    // A task that runs away with memory ends its own worker, not this process.
    workerThreadOpts: { resourceLimits: WORKER_RESOURCE_LIMITS },
    forkOpts: { execArgv: [`--max-old-space-size=${WORKER_MEMORY_MB}`] },
  });
  // `methods` is built into every workerpool worker; like every call, it is answered
  // only once the worker's script has loaded.
  await Promise.all(Array.from({ length: workers }, () => pool.exec('methods', [])));
  return pool;
}

/**
 * Starts `workers` workerpool workers running `script` and resolves, once they have all
 * loaded it, with them as a `TaskPool`. An exception that kills an idle worker is
 * reported by workerpool itself, with the next call it hands to that worker
 * (`Worker is terminated`, without the exception's own message).
 */
export async function startPool(script: URL, options: PoolOptions): Promise<TaskPool> {
  const pool = await startWorkerpool(script, options);
  return {
    size: options.workers,
    async run(task, items, signal) {
      if (task === READY) {
        await pool.exec('methods', []);
        return [];
      }
      const call = pool.exec(task, [items]);
      // A listener that returns a promise has its rejection reported as uncaught by
      // EventTarget: cancel, and return nothing.
      const cancel = () => {
        call.cancel();
      };
      signal.addEventListener('abort', cancel, { once: true });
      try {
        return (await call) as unknown[];
      } finally {
        signal.removeEventListener('abort', cancel);
      }
    },
    close: async () => {
      await pool.terminate();
    },
  };
}
