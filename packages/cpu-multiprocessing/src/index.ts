import { availableParallelism } from 'node:os';
import { crashedComputation, defineStrategy, mapOnPool, startPool } from '@speedup/shared-core';

/**
 * The article's multiprocessing version: a pool of child processes, one per CPU like
 * Python's `Pool()`. Each process is a whole Node.js with its own memory, so they
 * compute at the same time; items and results travel between processes as messages.
 */
export default defineStrategy({
  name: 'cpu-multiprocessing',
  workload: 'cpu',
  model: 'processes',

  async setup({ workers = availableParallelism(), batch }) {
    const pool = await startPool(new URL('./worker.mjs', import.meta.url), {
      workers,
      type: 'process',
    });

    return {
      concurrency: workers,
      // Like `pool.map(cpu_bound, numbers, chunksize)`: each process takes the next `batch`
      // items (one, unless told otherwise) when free.
      run: ({ job, items }, options) =>
        mapOnPool(pool, job, items, options, crashedComputation, { batch }),
      close: () => pool.close(),
    };
  },
});
