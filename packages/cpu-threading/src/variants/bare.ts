import { startBarePool, type TaskPool } from '@speedup/shared-core';

/**
 * The same threads with no library: `workers` threads of `node:worker_threads`, each
 * sent one batch at a time with `postMessage` and answering with `postMessage`. The
 * whole pool, replacing dead threads and stopping tasks on abort included, is
 * shared-core's `startBarePool` (pools/bare.ts), a hundred lines: what the libraries
 * save you from writing.
 */
export function bareThreads(workers: number): Promise<TaskPool> {
  return startBarePool(new URL('./bare.worker.mjs', import.meta.url), { workers });
}
