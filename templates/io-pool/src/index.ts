import { availableParallelism } from 'node:os';
import { crashedPage, defineStrategy, mapOnPool, startPool } from '@speedup/shared-core';

/**
 * The starting point of template-name, a template-model strategy. It already meets the contract;
 * for now it is a pool of worker threads, one per core, each running src/worker.ts.
 */
export default defineStrategy({
  name: 'template-name',
  workload: 'io',
  model: 'template-model',

  async setup({ workers = availableParallelism(), batch }) {
    const pool = await startPool(new URL('./worker.mjs', import.meta.url), {
      workers,
      type: 'thread',
    });

    return {
      concurrency: workers,
      run: ({ items: urls }, options) =>
        mapOnPool(pool, 'download', urls, options, crashedPage, { batch }),
      close: () => pool.close(),
    };
  },
});
