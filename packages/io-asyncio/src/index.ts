import {
  createSession,
  defineStrategy,
  downloadPage,
  type PageResult,
  track,
} from '@speedup/shared-core';

/**
 * Most pages in flight at once, and so the most connections the shared session opens to
 * one site. The article's 160 pages all fit, so they are all requested at once; a bigger
 * job waits its turn instead of opening thousands of sockets.
 */
export const MAX_IN_FLIGHT = 256;

/**
 * The article's asyncio version: one thread, one shared session, a task for every page.
 * A task runs until it `await`s its response and gives way to the next; all the waits
 * overlap, so 160 pages take about one latency, plus what each request costs this thread.
 */
export default defineStrategy({
  name: 'io-asyncio',
  workload: 'io',
  model: 'async',

  async setup({ concurrency = MAX_IN_FLIGHT }) {
    // One session shared by every task: safe, because every task runs on this one thread
    // and only switches at an `await`.
    const session = await createSession({ connections: concurrency });

    return {
      concurrency,
      // Like `asyncio.gather(*tasks)`, with at most `concurrency` tasks at once: that many
      // tasks each take the next page until none is left.
      run: async ({ items: urls }, { signal, onTask }) => {
        const pages = new Array<PageResult>(urls.length);
        let next = 0;
        const downloadTheRest = async () => {
          // `next++` needs no lock: no other task runs until this one reaches `await`.
          for (let index = next++; index < urls.length; index = next++) {
            const url = urls[index] as string;
            pages[index] = await track(index, onTask, () => downloadPage(session, url, { signal }));
          }
        };
        const tasks = Math.min(concurrency, urls.length);
        await Promise.all(Array.from({ length: tasks }, downloadTheRest));
        return pages;
      },
      close: () => session.close(),
    };
  },
});
