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

  async setup({ workers = availableParallelism(), batch }) {
    const pool = await startPool(new URL('./worker.cjs', import.meta.url), {
      workers,
      type: 'thread',
    });

    return {
      concurrency: workers,
      // Every item goes to the pool at once; each thread takes the next as soon as it is free.
      run: ({ job, items }, options) =>
        mapOnPool(pool, job, items, options, crashedComputation, { batch }),
      close: () => pool.close(),
    };
  },
});
