import { availableParallelism } from 'node:os';
import { crashedComputation, defineStrategy, mapOnPool, startPool } from '@speedup/shared-core';

/**
 * The starting point of template-name, a template-model strategy. It already meets the contract;
 * for now it is a pool of worker threads, one per core, each running src/worker.ts.
 */
export default defineStrategy({
  name: 'template-name',
  workload: 'cpu',
  model: 'template-model',

  async setup({ workers = availableParallelism(), batch }) {
    const pool = await startPool(new URL('./worker.mjs', import.meta.url), {
      workers,
      type: 'thread',
    });

    return {
      concurrency: workers,
      run: ({ job, items }, options) =>
        mapOnPool(pool, job, items, options, crashedComputation, { batch }),
      close: () => pool.close(),
    };
  },
});
