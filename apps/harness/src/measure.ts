import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import {
  type HarnessMessage,
  type MeasureReport,
  type RunnerMessage,
  type RunRecord,
  type SetupRequest,
  STOPPED,
} from './protocol.js';

const runnerEntry = new URL('./runner.js', import.meta.url);

/** After `close()`, a strategy that left nothing running lets its process exit at once. */
const EXIT_GRACE_MS = 5_000;
/** After a stop request, how long a strategy gets to abort and close before it is killed. */
const STOP_GRACE_MS = 3_000;
/** A ceiling for `--min-time` on very fast work, as hyperfine has. */
export const MAX_RUNS = 1000;

export type Progress = Omit<Extract<RunnerMessage, { type: 'progress' }>, 'type'>;

export class MeasureError extends Error {}

export interface MeasureOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: Progress) => void;
  /** Environment variables for the measuring process and every worker it starts. */
  readonly env?: Record<string, string>;
}

type Reply<T extends RunnerMessage['type']> = Extract<RunnerMessage, { type: T }>;

/**
 * One strategy, set up in a fresh process, waiting for the harness to tell it to run.
 * Every method rejects with a `MeasureError` when the strategy fails or its process dies.
 */
export class MeasuringProcess {
  readonly #child: ChildProcess;
  readonly #exited: Promise<[number | null, NodeJS.Signals | null]>;
  readonly #signal: AbortSignal | undefined;
  #waiting:
    | {
        type: RunnerMessage['type'];
        resolve: (message: RunnerMessage) => void;
        reject: (error: Error) => void;
      }
    | undefined;
  #lost: MeasureError | undefined;
  setupMs = 0;
  concurrency = 1;

  private constructor({ signal, onProgress, env = {} }: MeasureOptions) {
    this.#signal = signal;
    this.#child = fork(runnerEntry, [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: [],
      serialization: 'advanced',
      env: { ...process.env, ...env },
    });
    this.#exited = once(this.#child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    this.#child.on('message', (message: RunnerMessage) => {
      if (message.type === 'progress') onProgress?.(message);
      else if (message.type === 'failed') this.#fail(new MeasureError(message.message));
      else if (this.#waiting?.type === message.type) this.#waiting.resolve(message);
    });
    void this.#exited.then(([code, killedBy]) =>
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
    const measuring = new MeasuringProcess(options);
    try {
      const ready = await measuring.#ask({ type: 'setup', request }, 'ready');
      measuring.setupMs = ready.setupMs;
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
    if (this.#child.connected) this.#child.send({ type: 'stop' } satisfies HarnessMessage);
    setTimeout(() => this.kill(), STOP_GRACE_MS).unref();
  };

  #fail(error: MeasureError): void {
    this.#lost ??= error;
    this.#waiting?.reject(this.#lost);
    this.#waiting = undefined;
  }

  #ask<T extends RunnerMessage['type']>(message: HarnessMessage, type: T): Promise<Reply<T>> {
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
      this.#child.send(message);
    });
  }
}

/** Whether a strategy needs another measured run: fewer than `runs`, or less than `minTimeMs` measured. */
export function needsMoreRuns(
  done: readonly RunRecord[],
  runs: number,
  minTimeMs: number,
): boolean {
  const measured = done.filter((run) => !run.warmup);
  const measuredMs = measured.reduce((sum, run) => sum + run.workMs, 0);
  return measured.length < MAX_RUNS && (measured.length < runs || measuredMs < minTimeMs);
}

export interface RunPlan {
  readonly warmup: number;
  readonly runs: number;
  readonly minTimeMs: number;
}

/** Sets a strategy up, runs it as `plan` says, one run after another, and closes it. */
export async function measureInChild(
  request: SetupRequest,
  plan: RunPlan,
  options: MeasureOptions = {},
): Promise<MeasureReport> {
  const measuring = await MeasuringProcess.start(request, options);
  try {
    const runs: RunRecord[] = [];
    for (let run = 0; run < plan.warmup; run++) runs.push(await measuring.run(run, true));
    while (needsMoreRuns(runs, plan.runs, plan.minTimeMs))
      runs.push(await measuring.run(runs.length, false));
    return await finishReport(measuring, runs);
  } finally {
    measuring.kill();
  }
}

/** Closes the strategy, and reports its runs with what closing measured. */
async function finishReport(
  measuring: MeasuringProcess,
  runs: RunRecord[],
): Promise<MeasureReport> {
  const { closeMs, peakMemoryBytes } = await measuring.finish();
  return {
    setupMs: measuring.setupMs,
    closeMs,
    concurrency: measuring.concurrency,
    runs,
    peakMemoryBytes,
  };
}

export interface Turn {
  readonly request: SetupRequest;
  readonly options?: MeasureOptions;
  /** Called as the strategy is set up. */
  readonly onStart?: () => void;
}

/**
 * Measures several strategies taking turns: each is set up in its own process, then each
 * does one run while the others wait, round after round, until every one has what `plan`
 * asks for. A machine that gets faster or slower over the minutes of a benchmark then
 * treats them all alike, so their ratios hold. Idle pools wait without using a core.
 * Returns a report, or the error that ended it, per strategy, in the order given.
 */
export async function measureTakingTurns(
  turns: readonly Turn[],
  plan: RunPlan,
): Promise<(MeasureReport | MeasureError)[]> {
  const states: { measuring?: MeasuringProcess; runs: RunRecord[]; error?: MeasureError }[] = [];
  for (const { request, options, onStart } of turns) {
    onStart?.();
    try {
      states.push({ measuring: await MeasuringProcess.start(request, options), runs: [] });
    } catch (error) {
      states.push({ runs: [], error: error as MeasureError });
    }
  }
  const take = async (state: (typeof states)[number], warmup: boolean) => {
    if (!state.measuring || state.error) return;
    try {
      state.runs.push(await state.measuring.run(state.runs.length, warmup));
    } catch (error) {
      state.error = error as MeasureError;
      state.measuring.kill();
    }
  };
  try {
    for (let round = 0; round < plan.warmup; round++) {
      for (const state of states) await take(state, true);
    }
    const wanting = () =>
      states.filter(
        (state) => !state.error && needsMoreRuns(state.runs, plan.runs, plan.minTimeMs),
      );
    for (let round = wanting(); round.length > 0; round = wanting()) {
      for (const state of round) await take(state, false);
    }
    return await Promise.all(
      states.map(async ({ measuring, runs, error }) => {
        if (error || !measuring) return error ?? new MeasureError('not set up');
        try {
          return await finishReport(measuring, runs);
        } catch (finishing) {
          return finishing as MeasureError;
        }
      }),
    );
  } finally {
    for (const { measuring } of states) measuring?.kill();
  }
}
