import { availableParallelism } from 'node:os';
import { crashedComputation, defineStrategy, mapOnPool, startPool } from '@speedup/shared-core';

/**
 * A pool of worker threads, one per core. In the article this is slower than doing
 * nothing at all: CPython's GIL lets one thread compute at a time. Node has no GIL:
 * each worker thread has its own JavaScript engine instance and really runs at the same
 * time as the others, so on N cores the work takes about 1/N of the time.
 */
export default defineStrategy({
  name: 'cpu-threading',
  workload: 'cpu',
  model: 'threads',

  async setup({ workers = availableParallelism() }) {
    const pool = await startPool(new URL('./worker.cjs', import.meta.url), {
      workers,
      type: 'thread',
    });

    return {
      concurrency: workers,
      // Each thread takes the next item as soon as it is free, until none is left.
      run: ({ job, items }, options) => mapOnPool(pool, job, items, options, crashedComputation),
      close: () => pool.terminate(),
    };
  },
});
