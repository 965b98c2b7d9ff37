import { crashedPage, defineStrategy, mapOnPool, startPool } from '@speedup/shared-core';

/** The article found 5 to 10 threads fastest for its downloads, and uses 5. */
const DEFAULT_WORKERS = 5;

/**
 * The article's threading version: a pool of worker threads, each downloading with its
 * own session. While one thread waits for a response, the others send theirs, so up to
 * `workers` waits overlap and the run takes about pages ÷ workers × latency.
 */
export default defineStrategy({
  name: 'io-threading',
  workload: 'io',
  model: 'threads',

  async setup({ workers = DEFAULT_WORKERS, batch }) {
    const pool = await startPool(new URL('./worker.mjs', import.meta.url), {
      workers,
      type: 'thread',
    });

    return {
      concurrency: workers,
      // Like `executor.map(download_site, sites)`: each thread takes the next URL as soon
      // as it is free, so at most `workers` pages are in flight.
      run: ({ items: urls }, options) =>
        mapOnPool(pool, 'download', urls, options, crashedPage, { batch }),
      close: () => pool.close(),
    };
  },
});
