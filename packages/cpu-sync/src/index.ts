import { compute, defineStrategy, track } from '@speedup/shared-core';

/**
 * The article's CPU-bound synchronous version: one item after another on the main
 * thread. The baseline every other CPU strategy is measured against, and while it
 * runs nothing else on this thread can: the event loop is blocked.
 */
export default defineStrategy({
  name: 'cpu-sync',
  workload: 'cpu',
  model: 'sequential',

  async setup() {
    return {
      concurrency: 1,

      async run({ job, items }, { signal, onTask }) {
        const results = [];
        for (const [index, n] of items.entries()) {
          signal.throwIfAborted();
          results.push(await track(index, onTask, () => compute(job, n)));
        }
        return results;
      },

      close: async () => {},
    };
  },
});
