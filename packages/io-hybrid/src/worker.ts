import {
  closeSessionOfThisWorker,
  downloadPage,
  sessionForThisWorker,
  timed,
} from '@speedup/shared-core';
import pLimit from 'p-limit';
import workerpool from 'workerpool';
import { reportToMainThread } from './shares.js';

/**
 * One worker thread doing what io-asyncio does on its one thread: every page of its share
 * requested at once (up to `inFlight`), all on this thread's own session, and each sent
 * back to the main thread as it finishes. A session cannot cross threads, so each thread
 * makes its own on first use and keeps it, with its open connections, for every later
 * share.
 */
async function downloadShare(
  first: number,
  urls: readonly string[],
  inFlight: number,
): Promise<void> {
  const session = await sessionForThisWorker({ connections: inFlight });
  const limit = pLimit(inFlight);
  const finished = reportToMainThread();
  await Promise.all(
    urls.map((url, offset) =>
      limit(async () => {
        const { value: page, ...span } = await timed(() => downloadPage(session, url));
        finished.report({ index: first + offset, page, ...span });
      }),
    ),
  );
  finished.flush();
}

workerpool.worker({ downloadShare }, { onTerminate: closeSessionOfThisWorker });
