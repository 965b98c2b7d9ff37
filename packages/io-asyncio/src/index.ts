import { createSession, defineStrategy, downloadPage, track } from '@speedup/shared-core';
import pLimit from 'p-limit';

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
    const limit = pLimit(concurrency);

    return {
      concurrency,
      // Like `asyncio.gather(*tasks)`: start every download, then wait for all of them.
      run: ({ items: urls }, { signal, onTask }) =>
        Promise.all(
          urls.map((url, index) =>
            limit(() => track(index, onTask, () => downloadPage(session, url, { signal }))),
          ),
        ),
      close: () => session.close(),
    };
  },
});
