import { fromPiscina, type TaskPool, WORKER_RESOURCE_LIMITS } from '@speedup/shared-core';
import { Piscina } from 'piscina';

/**
 * The same threads, run by piscina, the most used worker pool of Node (written by Node's
 * own maintainers). Between tasks its threads wait in `Atomics.wait` instead of their
 * event loop, so a task reaches a waiting thread without a turn of that loop.
 */
export function piscinaThreads(workers: number): Promise<TaskPool> {
  return fromPiscina(
    new Piscina({
      filename: new URL('./piscina.worker.mjs', import.meta.url).href,
      // Exactly `workers` threads, started now, as the other pools do.
      minThreads: workers,
      maxThreads: workers,
      // A task that runs away with memory ends its own thread, not this process.
      resourceLimits: WORKER_RESOURCE_LIMITS,
    }),
  );
}
