import { crashedPage, defineStrategy, failedPage } from '@speedup/shared-core';
import { mapOnQueue, openQueue } from '@speedup/shared-core/queue';

/**
 * Beyond one machine: a job queue, as Celery is for Python. Every URL becomes a job in
 * Redis; worker processes, here or on any machine that reaches that Redis, each take one
 * job at a time, download the page with the session they built when they started, and
 * put its record back. Nobody switches between tasks: more workers, on more machines,
 * wait on more pages at once.
 */
export default defineStrategy({
  name: 'io-distributed',
  workload: 'io',
  model: 'distributed',

  async setup({ workers }) {
    // A queue of its own, on the Redis named by --redis or on a redis-server started for
    // it, and its workers: `workers` processes started here (one per CPU by default), or
    // with --remote-workers every worker already waiting on that Redis.
    const queue = await openQueue({
      strategy: 'io-distributed',
      worker: new URL('./worker.mjs', import.meta.url),
      workers,
    });

    return {
      concurrency: queue.workers.length,
      // One job per URL, all added at once. A worker that dies mid-download loses
      // nothing: its job goes back on the queue for another worker, so a page may be
      // downloaded twice.
      run: ({ job, items: urls }, options) =>
        mapOnQueue(queue, job, urls, options, { crashed: crashedPage, failed: failedPage }),
      close: () => queue.close(),
    };
  },
});
