import { fileURLToPath } from 'node:url';
import { downloadInput } from '@speedup/shared-core';
import { startSiteServer } from '@speedup/site-server';
import workerpool from 'workerpool';
import type { sessionsWorker, WorkerTally } from './sessions-worker.js';

/**
 * Why a thread pool wants one session per thread. The article's threads each keep
 * their own `requests.Session()` because a session is not thread-safe; in Node a
 * session (an undici dispatcher) cannot even be handed to another thread. So each
 * worker makes its own, and the question is only *when*: once, on its first task
 * (`sessionForThisWorker`), or afresh for every page.
 *
 * The demo downloads the same pages both ways with a pool of worker threads, and lets
 * the local server count the TCP connections it accepted.
 */

export type SessionPolicy = 'per worker' | 'per request';

export interface SessionsOptions {
  /** Pages to download, alternating the two sites. */
  readonly pages: number;
  /** Worker threads in the pool. */
  readonly workers: number;
  /** Milliseconds the server waits before each response. */
  readonly latency: number;
}

export interface PolicyRun {
  readonly policy: SessionPolicy;
  /** Each worker's own count of dispatchers created and requests made, by worker. */
  readonly workers: readonly WorkerTally[];
  /** Connections and requests as the server counted them. */
  readonly connections: number;
  readonly requests: number;
  /** Pages that did not download. */
  readonly failedPages: number;
  /** Milliseconds from the first page asked for to the last one in, on threads already started. */
  readonly ms: number;
}

const workerFile = fileURLToPath(new URL('./sessions-worker.js', import.meta.url));

const taskFor = {
  'per worker': 'downloadWithSessionOfThisWorker',
  'per request': 'downloadWithNewSessionPerRequest',
} as const satisfies Record<SessionPolicy, keyof typeof sessionsWorker>;

type DownloadTask = (url: string) => Promise<WorkerTally>;

/** Downloads `urls` with a fresh pool of `workers` threads, each using sessions per `policy`. */
async function downloadWithPool(
  policy: SessionPolicy,
  urls: readonly string[],
  workers: number,
): Promise<Omit<PolicyRun, 'connections' | 'requests'>> {
  const pool = workerpool.pool(workerFile, {
    workerType: 'thread',
    minWorkers: workers,
    maxWorkers: workers,
  });
  try {
    // Starting threads is not what is compared here: each idle worker takes one of these.
    await Promise.all(Array.from({ length: workers }, () => pool.exec('ready', [])));

    const started = performance.now();
    const tallies = await Promise.all(
      urls.map((url) => pool.exec<DownloadTask>(taskFor[policy], [url])),
    );
    const ms = performance.now() - started;

    // Every tally is the worker's running total; its last one has the most requests.
    const byWorker = new Map<string, WorkerTally>();
    for (const tally of tallies) {
      const seen = byWorker.get(tally.worker);
      if (!seen || tally.requestsMade > seen.requestsMade) byWorker.set(tally.worker, tally);
    }
    const failedPages = tallies.filter((tally) => tally.error !== undefined).length;
    return { policy, workers: [...byWorker.values()], failedPages, ms };
  } finally {
    // Lets each worker close its session (see sessions-worker.ts), then ends the threads.
    await pool.terminate();
  }
}

/** Downloads the same pages with each policy in turn, counting connections at the server. */
export async function compareSessionPolicies({
  pages,
  workers,
  latency,
}: SessionsOptions): Promise<PolicyRun[]> {
  const server = await startSiteServer({ latency });
  try {
    const urls = downloadInput(server.sites, pages).items;
    const runs: PolicyRun[] = [];
    for (const policy of ['per worker', 'per request'] as const) {
      await server.resetStats();
      const run = await downloadWithPool(policy, urls, workers);
      const { connections, requests } = await server.stats();
      runs.push({ ...run, connections, requests });
    }
    return runs;
  } finally {
    await server.close();
  }
}
