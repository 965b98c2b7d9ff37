import { fromTinypool, type TaskPool, WORKER_RESOURCE_LIMITS } from '@speedup/shared-core';
import Tinypool from 'tinypool';

/**
 * The same threads, run by tinypool: vitest's pool, a small fork of piscina with fewer
 * features (no histograms, no task priorities) that also runs child processes.
 */
export function tinypoolThreads(workers: number): Promise<TaskPool> {
  return fromTinypool(
    new Tinypool({
      filename: new URL('./tinypool.worker.mjs', import.meta.url).href,
      // Exactly `workers` threads, started now, as the other pools do.
      minThreads: workers,
      maxThreads: workers,
      // A task that runs away with memory ends its own thread, not this process.
      resourceLimits: WORKER_RESOURCE_LIMITS,
    }),
  );
}
