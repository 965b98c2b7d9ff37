import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { basename, join } from 'node:path';
import { measureParallelCeiling } from '../ceiling.js';
import type { MeasureOptions, Measurer, MeasuringSession } from '../measure.js';
import {
  type ChildMessage,
  type FloorRun,
  type HarnessMessage,
  MeasureError,
  type RunRecord,
  type SetupRequest,
  STOPPED,
} from './messages.js';

/**
 * The harness's side of a measuring process: it forks `child.ts`, asks it to set a
 * strategy up, to run it, to finish, and waits for each answer. Runs in the harness.
 */

const childEntry = new URL('./child.js', import.meta.url);

/** After `close()`, a strategy that left nothing running lets its process exit at once. */
const EXIT_GRACE_MS = 5_000;
/** After a stop request, how long a strategy gets to abort and close before it is killed. */
const STOP_GRACE_MS = 3_000;
type Reply<T extends ChildMessage['type']> = Extract<ChildMessage, { type: T }>;

/**
 * `SPEEDUP_CPU_PROF_DIR=<dir> pnpm bench …` profiles every measuring process with
 * `node --cpu-prof`, sampling every 100 µs, into <dir>/<strategy>/: what the harness costs
 * around a strategy's runs (task events, the loop monitor) shows there beside the
 * strategy's own code. The profile is written as the process exits.
 */
export const PROFILE_DIR_VARIABLE = 'SPEEDUP_CPU_PROF_DIR';

function profilingArgs({ strategyDir, setup }: SetupRequest): string[] {
  const dir = process.env[PROFILE_DIR_VARIABLE];
  if (!dir) return [];
  const name = `${basename(strategyDir)}${setup.variant ? `-${setup.variant}` : ''}`;
  return ['--cpu-prof', `--cpu-prof-dir=${join(dir, name)}`, '--cpu-prof-interval=100'];
}

/**
 * One strategy, set up in a fresh process, waiting for the harness to tell it to run.
 * Every method rejects with a `MeasureError` when the strategy fails or its process dies.
 */
export class MeasuringProcess implements MeasuringSession {
  readonly #child: ChildProcess;
  readonly #exited: Promise<[number | null, NodeJS.Signals | null]>;
  readonly #signal: AbortSignal | undefined;
  #waiting:
    | {
        type: ChildMessage['type'];
        resolve: (message: ChildMessage) => void;
        reject: (error: Error) => void;
      }
    | undefined;
  #lost: MeasureError | undefined;
  setupMs = 0;
  floorSetupMs: number | undefined;
  concurrency = 1;

  private constructor(request: SetupRequest, { signal, onProgress, env = {} }: MeasureOptions) {
    this.#signal = signal;
    this.#child = fork(childEntry, [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: profilingArgs(request),
      serialization: 'advanced',
      env: { ...process.env, ...env },
    });
    this.#exited = once(this.#child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    this.#child.on('message', (message: ChildMessage) => {
      if (message.type === 'progress') onProgress?.(message);
      else if (message.type === 'failed') this.#fail(new MeasureError(message.message));
      else if (this.#waiting?.type === message.type) this.#waiting.resolve(message);
    });
    // Failed only once its channel has closed too ('close', not 'exit'): a process can
    // exit before the harness has read the last messages it sent (its 'finished' among
    // them), and a busy machine then reported a run that ended well as ended early.
    const closed = once(this.#child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
    void closed.then(([code, killedBy]) =>
      this.#fail(
        new MeasureError(
          signal?.aborted
            ? STOPPED
            : `measuring process exited early (${killedBy ?? `code ${code}`})`,
        ),
      ),
    );
    signal?.addEventListener('abort', this.#stop, { once: true });
  }

  /** Forks the measuring process and sets the strategy up in it. */
  static async start(
    request: SetupRequest,
    options: MeasureOptions = {},
  ): Promise<MeasuringProcess> {
    const measuring = new MeasuringProcess(request, options);
    try {
      const ready = await measuring.#ask({ type: 'setup', request }, 'ready');
      measuring.setupMs = ready.setupMs;
      measuring.floorSetupMs = ready.floorSetupMs;
      measuring.concurrency = ready.concurrency;
      return measuring;
    } catch (error) {
      measuring.kill();
      throw error;
    }
  }

  /** One run of the whole input. */
  async run(run: number, warmup: boolean): Promise<RunRecord> {
    return (await this.#ask({ type: 'run', run, warmup }, 'ran')).record;
  }

  /** `--floor`: one run of the floor, set up beside the strategy in this process. */
  async runFloor(run: number, warmup: boolean): Promise<FloorRun> {
    const { warmup: _, ...floor } = (
      await this.#ask({ type: 'run', run, warmup, floor: true }, 'ran')
    ).record;
    return floor;
  }

  /**
   * Closes the strategy and waits for its process to exit. A process still running
   * `EXIT_GRACE_MS` after the strategy closed has leaked a worker, process, socket or
   * timer: it is killed and the measurement fails.
   */
  async finish(): Promise<{ closeMs: number; peakMemoryBytes: number }> {
    const { closeMs, peakMemoryBytes } = await this.#ask({ type: 'finish' }, 'finished');
    const timer = setTimeout(() => this.kill(), EXIT_GRACE_MS);
    const [, killedBy] = await this.#exited;
    clearTimeout(timer);
    this.#signal?.removeEventListener('abort', this.#stop);
    if (killedBy === 'SIGKILL' && !this.#signal?.aborted) {
      throw new MeasureError(
        `still running ${EXIT_GRACE_MS / 1000} s after close(): a worker, process, socket or timer was left open`,
      );
    }
    return { closeMs, peakMemoryBytes };
  }

  /** Ends the process at once, whatever it is doing. */
  kill(): void {
    this.#signal?.removeEventListener('abort', this.#stop);
    if (this.#child.exitCode === null && this.#child.signalCode === null)
      this.#child.kill('SIGKILL');
  }

  // Asked to stop, the strategy aborts its run and closes its pools itself; one that
  // cannot (a blocked event loop, for one) is killed after a grace period.
  readonly #stop = () => {
    // A process that died of the same Ctrl-C (sent to the whole process group) may have
    // closed its channel by the time the message goes: then there is nothing to stop.
    if (this.#child.connected)
      this.#child.send({ type: 'stop' } satisfies HarnessMessage, () => {});
    setTimeout(() => this.kill(), STOP_GRACE_MS).unref();
  };

  #fail(error: MeasureError): void {
    this.#lost ??= error;
    this.#waiting?.reject(this.#lost);
    this.#waiting = undefined;
  }

  #ask<T extends ChildMessage['type']>(message: HarnessMessage, type: T): Promise<Reply<T>> {
    // A process asked to stop closes its channel as it goes: whatever comes next is lost.
    if (!this.#lost && !this.#child.connected) {
      this.#lost = new MeasureError(this.#signal?.aborted ? STOPPED : 'measuring process is gone');
    }
    if (this.#lost) return Promise.reject(this.#lost);
    return new Promise<Reply<T>>((resolve, reject) => {
      this.#waiting = {
        type,
        resolve: (reply) => {
          this.#waiting = undefined;
          resolve(reply as Reply<T>);
        },
        reject,
      };
      this.#child.send(message, (error) => {
        if (error) this.#fail(new MeasureError(this.#signal?.aborted ? STOPPED : error.message));
      });
    });
  }
}

/** Measures each strategy in a fresh Node process of its own. */
export const inChildProcess: Measurer = {
  start: (request, options) => MeasuringProcess.start(request, options),
  parallelCeiling: measureParallelCeiling,
};
