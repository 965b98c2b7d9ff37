import {
  type ChildMessage,
  MeasureError,
  type MeasureReport,
  type RunRecord,
  type SetupRequest,
} from './child-process/messages.js';

/**
 * How a strategy's runs are taken: set up, warm-up runs, measured runs until the plan is
 * met, finish. Either one strategy after another, or several taking turns a run each.
 * Where a strategy runs is the `Measurer`'s business: `inChildProcess` forks a fresh
 * process per strategy; a test can pass one that starts nothing.
 */

/** A ceiling for `--min-time` on very fast work, as hyperfine has. */
export const MAX_RUNS = 1000;

export type Progress = Omit<Extract<ChildMessage, { type: 'progress' }>, 'type'>;

export interface MeasureOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: Progress) => void;
  /** Environment variables for the measuring process and every worker it starts. */
  readonly env?: Record<string, string>;
}

/** One strategy, set up where it is measured, waiting to be told to run. */
export interface MeasuringSession {
  /** Time the strategy's `setup()` took, in milliseconds. */
  readonly setupMs: number;
  /** Tasks the strategy runs at once, as it declares. */
  readonly concurrency: number;
  /** One run of the whole input. Rejects with a `MeasureError` when the strategy fails. */
  run(run: number, warmup: boolean): Promise<RunRecord>;
  /** Closes the strategy; rejects with a `MeasureError` if it left something running. */
  finish(): Promise<{ closeMs: number; peakMemoryBytes: number }>;
  /** Ends it at once, whatever it is doing. */
  kill(): void;
}

/** Sets strategies up for measuring: the seam between scheduling runs and running them. */
export interface Measurer {
  start(request: SetupRequest, options: MeasureOptions): Promise<MeasuringSession>;
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
export async function measureOneAfterAnother(
  measurer: Measurer,
  request: SetupRequest,
  plan: RunPlan,
  options: MeasureOptions = {},
): Promise<MeasureReport> {
  const measuring = await measurer.start(request, options);
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
  measuring: MeasuringSession,
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
  measurer: Measurer,
  turns: readonly Turn[],
  plan: RunPlan,
): Promise<(MeasureReport | MeasureError)[]> {
  const states: { measuring?: MeasuringSession; runs: RunRecord[]; error?: MeasureError }[] = [];
  for (const { request, options, onStart } of turns) {
    onStart?.();
    try {
      states.push({ measuring: await measurer.start(request, options ?? {}), runs: [] });
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
