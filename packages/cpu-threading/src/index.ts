import { availableParallelism } from 'node:os';
import {
  crashedComputation,
  defineStrategy,
  mapOnPool,
  startPool,
  type TaskPool,
} from '@speedup/shared-core';
import { bareThreads } from './variants/bare.js';
import { piscinaThreads } from './variants/piscina.js';
import { tinypoolThreads } from './variants/tinypool.js';

/**
 * The variants: the same threads and the same kernel, another library handing out the
 * tasks (`pnpm bench --only cpu-threading:piscina`). Each is one file in variants/.
 */
const otherPools: Readonly<Record<string, (workers: number) => Promise<TaskPool>>> = {
  piscina: piscinaThreads,
  tinypool: tinypoolThreads,
  bare: bareThreads,
};

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

  async setup({ workers = availableParallelism(), variant, batch }) {
    const other = variant === undefined ? undefined : otherPools[variant];
    if (variant !== undefined && !other) throw new Error(`cpu-threading has no variant ${variant}`);
    const pool = other
      ? await other(workers)
      : await startPool(new URL('./worker.mjs', import.meta.url), { workers, type: 'thread' });

    return {
      concurrency: workers,
      // Each thread takes the next `batch` items (one, unless told otherwise) as soon as it
      // is free, until none is left.
      run: ({ job, items }, options) =>
        mapOnPool(pool, job, items, options, crashedComputation, { batch }),
      close: () => pool.close(),
    };
  },
});
