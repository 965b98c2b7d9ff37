import {
  closeSessionOfThisWorker,
  downloadPage,
  poolTask,
  sessionForThisWorker,
} from '@speedup/shared-core';
import workerpool from 'workerpool';

// One worker thread. It cannot use a session made by another thread: a session owns
// sockets registered with the event loop of the thread that opened them, and
// `postMessage` only copies its plain fields, without methods or connections. So each
// thread makes its own on first use and reuses it for every later page: the article's
// thread-local session.
workerpool.worker(
  {
    download: poolTask(async (url: string) => downloadPage(await sessionForThisWorker(), url)),
  },
  { onTerminate: closeSessionOfThisWorker },
);
