import { fork } from 'node:child_process';
import { once } from 'node:events';
import {
  type HarnessMessage,
  type MeasureReport,
  type MeasureRequest,
  type RunnerMessage,
  STOPPED,
} from './protocol.js';

const runnerEntry = new URL('./runner.js', import.meta.url);

/** After `close()`, a strategy that left nothing running lets its process exit at once. */
const EXIT_GRACE_MS = 5_000;
/** After a stop request, how long a strategy gets to abort and close before it is killed. */
const STOP_GRACE_MS = 3_000;

export type Progress = Omit<Extract<RunnerMessage, { type: 'progress' }>, 'type'>;

export class MeasureError extends Error {}

/**
 * Measures one strategy on one input in a fresh process and returns its report.
 * Rejects with a `MeasureError` when the strategy fails, the process dies, or it is
 * still running `EXIT_GRACE_MS` after the strategy closed (something leaked).
 */
export async function measureInChild(
  request: MeasureRequest,
  {
    signal,
    onProgress,
    env = {},
  }: {
    signal?: AbortSignal;
    onProgress?: (progress: Progress) => void;
    /** Environment variables for the measuring process and every worker it starts. */
    env?: Record<string, string>;
  } = {},
): Promise<MeasureReport> {
  const child = fork(runnerEntry, [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: [],
    serialization: 'advanced',
    env: { ...process.env, ...env },
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const kill = () => child.kill('SIGKILL');
  // Asked to stop, the strategy aborts its run and closes its pools itself; a strategy
  // that cannot (a blocked event loop, for one) is killed after a grace period.
  const stop = () => {
    if (child.connected) child.send({ type: 'stop' } satisfies HarnessMessage);
    setTimeout(kill, STOP_GRACE_MS).unref();
  };
  signal?.addEventListener('abort', stop, { once: true });

  try {
    const outcome = new Promise<MeasureReport>((resolve, reject) => {
      child.on('message', (message: RunnerMessage) => {
        if (message.type === 'progress') onProgress?.(message);
        else if (message.type === 'report') resolve(message.report);
        else reject(new MeasureError(message.message));
      });
      void exited.then(([code, killedBy]) =>
        reject(
          new MeasureError(
            signal?.aborted
              ? STOPPED
              : `measurement process exited early (${killedBy ?? `code ${code}`})`,
          ),
        ),
      );
    });
    child.send({ type: 'measure', request } satisfies HarnessMessage);
    const report = await outcome;

    const timer = setTimeout(kill, EXIT_GRACE_MS);
    const [, killedBy] = await exited;
    clearTimeout(timer);
    if (killedBy === 'SIGKILL' && !signal?.aborted) {
      throw new MeasureError(
        `still running ${EXIT_GRACE_MS / 1000} s after close(): a worker, process, socket or timer was left open`,
      );
    }
    return report;
  } finally {
    signal?.removeEventListener('abort', stop);
    if (child.exitCode === null && child.signalCode === null) kill();
  }
}
