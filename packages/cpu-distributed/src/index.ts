import { crashedComputation, defineStrategy, failedComputation } from '@speedup/shared-core';
import { mapOnQueue, openQueue } from '@speedup/shared-core/queue';

/**
 * Beyond one machine: a job queue, as Celery is for Python. Every number becomes a job in
 * Redis; worker processes, here or on any machine that reaches that Redis, each take one
 * job at a time, compute it and put the result back. Nobody switches between tasks, and
 * nothing is shared but the queue, so adding machines adds workers.
 */
export default defineStrategy({
  name: 'cpu-distributed',
  workload: 'cpu',
  model: 'distributed',

  async setup({ workers }) {
    // A queue of its own, on the Redis named by --redis or on a redis-server started for
    // it, and its workers: `workers` processes started here (one per CPU by default), or
    // with --remote-workers every worker already waiting on that Redis.
    const queue = await openQueue({
      strategy: 'cpu-distributed',
      worker: new URL('./worker.mjs', import.meta.url),
      workers,
    });

    return {
      concurrency: queue.workers.length,
      // One job per number, all added at once. A worker that dies mid-job loses nothing:
      // its job goes back on the queue for another worker, so a job may run twice.
      run: ({ job, items }, options) =>
        mapOnQueue(queue, job, items, options, {
          crashed: crashedComputation,
          failed: failedComputation,
        }),
      close: () => queue.close(),
    };
  },
});
