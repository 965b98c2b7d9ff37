import {
  closeSessionOfThisWorker,
  downloadPage,
  sessionForThisWorker,
  timed,
} from '@speedup/shared-core';
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
  const finished = reportToMainThread();
  // As in io-asyncio: at most `inFlight` tasks, each taking the next page until none is left.
  let next = 0;
  const downloadTheRest = async () => {
    for (let offset = next++; offset < urls.length; offset = next++) {
      const url = urls[offset] as string;
      const { value: page, ...span } = await timed(() => downloadPage(session, url));
      finished.report({ index: first + offset, page, ...span });
    }
  };
  const tasks = Math.min(inFlight, urls.length);
  await Promise.all(Array.from({ length: tasks }, downloadTheRest));
  finished.flush();
}

workerpool.worker({ downloadShare }, { onTerminate: closeSessionOfThisWorker });
