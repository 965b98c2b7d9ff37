import { availableParallelism } from 'node:os';
import { defineStrategy, startWorkerpool } from '@speedup/shared-core';
import { downloadInShares } from './shares.js';

/** Pages in flight at once, all threads together, unless told otherwise: io-asyncio's limit, so the two compare. */
export const MAX_IN_FLIGHT = 256;

/**
 * Async inside threads: a pool of worker threads, one per core, and on each of them what
 * io-asyncio does on its one thread. Each thread gets a share of the pages and requests
 * them all at once on its own session, so every page of the run is in flight together.
 *
 * The threads add no room for waiting: one thread already keeps hundreds of requests
 * waiting at once. What they add is processors. Every download also costs the client some
 * computing (parsing the response, hashing the body). While the server takes its time that
 * is lost in the waits; when it answers at once it is all that is left, and io-asyncio's
 * one thread becomes the bottleneck. Here each thread does that work for its own share.
 */
export default defineStrategy({
  name: 'io-hybrid',
  workload: 'io',
  model: 'threads+async',

  async setup({ workers = availableParallelism(), concurrency = MAX_IN_FLIGHT }) {
    const pool = await startWorkerpool(new URL('./worker.mjs', import.meta.url), {
      workers,
      type: 'thread',
    });
    // The limit is shared out between the threads, so the run keeps about as many pages in
    // flight as io-asyncio does: only where they are handled differs.
    const inFlightPerThread = Math.ceil(concurrency / workers);

    return {
      concurrency: inFlightPerThread * workers,
      run: ({ items: urls }, options) => downloadInShares(pool, urls, inFlightPerThread, options),
      close: () => pool.terminate(),
    };
  },
});
