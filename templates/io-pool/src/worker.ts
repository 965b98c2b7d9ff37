import {
  closeSessionOfThisWorker,
  downloadPage,
  sessionForThisWorker,
  timed,
} from '@speedup/shared-core';
import workerpool from 'workerpool';

// One worker. A session cannot cross to another thread or process, so each worker makes
// its own on first use and reuses it for every later page.
workerpool.worker(
  {
    download: (url: string) => timed(async () => downloadPage(await sessionForThisWorker(), url)),
  },
  { onTerminate: closeSessionOfThisWorker },
);
