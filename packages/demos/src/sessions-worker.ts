import {
  closeSessionOfThisWorker,
  createSession,
  downloadPage,
  sessionForThisWorker,
  sessionsCreatedByThisWorker,
  workerLabel,
} from '@speedup/shared-core';
import workerpool from 'workerpool';

/**
 * A worker thread of the sessions demo. It downloads one page per task, in one of two
 * ways, and counts what it did itself: these counters live in this thread's own copy of
 * the module, so they are this worker's figures and nobody else's.
 */

/** What this worker has done so far, sent back with every page. */
export interface WorkerTally {
  readonly worker: string;
  readonly dispatchersCreated: number;
  readonly requestsMade: number;
  /** Set when the last page failed. */
  readonly error?: string;
}

let requestsMade = 0;
let dispatchersCreatedPerRequest = 0;

/**
 * Answers once this thread is up and has loaded the HTTP client, which both ways need
 * once per thread: the demo starts the clock after every worker has.
 */
async function ready(): Promise<string> {
  await import('undici');
  return workerLabel();
}

/**
 * The right way: the session of this thread, created by its first task and reused by
 * every later one, with its connections kept open between tasks.
 */
async function downloadWithSessionOfThisWorker(url: string): Promise<WorkerTally> {
  const session = await sessionForThisWorker();
  const page = await downloadPage(session, url);
  requestsMade++;
  return {
    worker: workerLabel(),
    dispatchersCreated: sessionsCreatedByThisWorker(),
    requestsMade,
    error: page.error,
  };
}

/**
 * The anti-pattern: a new session for every page, closed when the page is in. Each new
 * session has no connection yet, so every page pays for opening one.
 */
async function downloadWithNewSessionPerRequest(url: string): Promise<WorkerTally> {
  const session = await createSession();
  dispatchersCreatedPerRequest++;
  try {
    const page = await downloadPage(session, url);
    requestsMade++;
    return {
      worker: workerLabel(),
      dispatchersCreated: dispatchersCreatedPerRequest,
      requestsMade,
      error: page.error,
    };
  } finally {
    await session.close();
  }
}

export const sessionsWorker = {
  ready,
  downloadWithSessionOfThisWorker,
  downloadWithNewSessionPerRequest,
};

// When the pool shuts down, this worker closes its session and the connections in it.
workerpool.worker(sessionsWorker, { onTerminate: closeSessionOfThisWorker });
