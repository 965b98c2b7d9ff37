import { availableParallelism } from 'node:os';
import { crashedPage, defineStrategy, mapOnPool, startPool } from '@speedup/shared-core';

/**
 * The article's multiprocessing version: a pool of child processes, one per CPU like
 * Python's `Pool()`, each a whole Node.js with its own memory and event loop. Each
 * process builds its session once, when it starts, and downloads one page at a time.
 */
export default defineStrategy({
  name: 'io-multiprocessing',
  workload: 'io',
  model: 'processes',

  async setup({ workers = availableParallelism(), batch }) {
    const pool = await startPool(new URL('./worker.mjs', import.meta.url), {
      workers,
      type: 'process',
    });

    return {
      concurrency: workers,
      // Like `pool.map(download_site, sites)`: each process takes the next URL when free.
      run: ({ items: urls }, options) =>
        mapOnPool(pool, 'download', urls, options, crashedPage, { batch }),
      close: () => pool.close(),
    };
  },
});
