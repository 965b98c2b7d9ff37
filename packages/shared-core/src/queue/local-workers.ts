import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { spawnTiedChild, stopChild } from './processes.js';

/**
 * Worker processes on this machine, for a queue set-up opened: each one a whole Node.js
 * running the strategy's worker script. One that dies is replaced at once, as a pool
 * replaces its workers, so a task that kills its worker costs that worker, not the run.
 */

/**
 * Heap limit of a worker process, in MB. A pool's workers get 2 GB (see pool.ts), but a
 * queue worker runs one task at a time, which never needs a tenth of this; and a task
 * that runs away with memory reaches this limit in a second or two instead of ten.
 * That matters here: such a task kills every worker it is handed to, and the queue hands
 * it on once (`maxStalledCount`).
 */
const QUEUE_WORKER_MEMORY_MB = 512;

export interface LocalWorkers {
  /** Rejects if a worker exits before `started()` is called: it could not attach. */
  readonly failedToStart: Promise<never>;
  /** Every worker has attached: from now on one that exits is replaced. */
  started(): void;
  /** Stops every worker (SIGTERM, then SIGKILL after a moment) and resolves once all have exited. */
  stop(): Promise<void>;
}

export function startLocalWorkers(
  script: URL,
  count: number,
  env: Record<string, string>,
): LocalWorkers {
  const running = new Set<ChildProcess>();
  let starting = true;
  let stopping = false;
  let failStart: (error: Error) => void = () => {};
  const failedToStart = new Promise<never>((_, reject) => {
    failStart = reject;
  });
  // Nobody may be waiting for it any more when a worker exits; that is not an error.
  failedToStart.catch(() => {});

  const spawnOne = () => {
    const child = spawnTiedChild(
      process.execPath,
      [`--max-old-space-size=${QUEUE_WORKER_MEMORY_MB}`, fileURLToPath(script)],
      { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] },
    );
    running.add(child);
    child.once('error', (error) => failStart(error));
    child.once('exit', (code, signal) => {
      running.delete(child);
      if (stopping) return;
      if (starting)
        failStart(
          new Error(
            `a worker process exited (${signal ?? `code ${code}`}) before it attached to the queue`,
          ),
        );
      else spawnOne();
    });
  };
  for (let i = 0; i < count; i++) spawnOne();

  return {
    failedToStart,
    started: () => {
      starting = false;
    },
    stop: async () => {
      stopping = true;
      await Promise.all([...running].map((child) => stopChild(child, 'SIGTERM', 1_000)));
    },
  };
}
