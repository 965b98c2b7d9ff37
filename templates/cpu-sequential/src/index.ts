import { compute, defineStrategy, track } from '@speedup/shared-core';

/**
 * The starting point of template-name, a template-model strategy. It already meets the contract;
 * for now it computes every item one after another on this thread, as cpu-sync does.
 * Keep `compute`: it is what every CPU strategy runs, so only the scheduling differs.
 */
export default defineStrategy({
  name: 'template-name',
  workload: 'cpu',
  model: 'template-model',

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
