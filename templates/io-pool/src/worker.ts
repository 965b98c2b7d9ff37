import {
  closeSessionOfThisWorker,
  downloadPage,
  poolTask,
  sessionForThisWorker,
} from '@speedup/shared-core';
import workerpool from 'workerpool';

// One worker. A session cannot cross to another thread or process, so each worker makes
// its own on first use and reuses it for every later page.
workerpool.worker(
  {
    download: poolTask(async (url: string) => downloadPage(await sessionForThisWorker(), url)),
  },
  { onTerminate: closeSessionOfThisWorker },
);
