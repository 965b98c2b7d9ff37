import { createSession, defineStrategy, downloadPage, track } from '@speedup/shared-core';

/**
 * The article's synchronous version: one session, one page after another. Each
 * request waits for the previous one to finish, so the run takes about
 * pages × latency, however fast the machine is.
 */
export default defineStrategy({
  name: 'io-sync',
  workload: 'io',
  model: 'sequential',

  async setup() {
    // One session for every request, like `requests.Session()`: its connection to each
    // site is opened once and reused.
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
