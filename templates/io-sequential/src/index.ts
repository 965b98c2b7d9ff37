import { createSession, defineStrategy, downloadPage, track } from '@speedup/shared-core';

/**
 * The starting point of template-name, a template-model strategy. It already meets the contract;
 * for now it downloads one page after another with one session, as io-sync does.
 * Keep `downloadPage`: it is what every I/O strategy runs, so only the scheduling differs.
 */
export default defineStrategy({
  name: 'template-name',
  workload: 'io',
  model: 'template-model',

  async setup() {
    const session = await createSession();

    return {
      concurrency: 1,

      async run({ items: urls }, { signal, onTask }) {
        const pages = [];
        for (const [index, url] of urls.entries()) {
          signal.throwIfAborted();
          pages.push(await track(index, onTask, () => downloadPage(session, url, { signal })));
        }
        return pages;
      },

      close: () => session.close(),
    };
  },
});
