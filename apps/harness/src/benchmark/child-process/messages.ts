import type {
  BusyMeasure,
  CpuInput,
  IoInput,
  Result,
  SetupOptions,
  TaskEvent,
} from '@speedup/shared-core';

/**
 * Messages between the harness (parent.ts) and a measuring process (child.ts). Each strategy is measured in
 * a fresh Node process (like hyperfine runs a fresh command): one strategy's heap, JIT
 * state, pools and leaks cannot touch the next one's figures, and memory and CPU time
 * can be read per strategy. The harness drives it one step at a time (set up, run,
 * run, …, finish), so it can measure strategies one after another or take turns.
 */

export interface SetupRequest {
  readonly strategyDir: string;
  /**
   * `--floor`: also set up the floor of the download job (shared-core's bare client) and
   * run it in every run, right before or after the strategy, in this same process.
   */
  readonly withFloor?: true;
  /**
   * Sample the measured runs for the timelines' lanes (see sampler.ts): only when someone
   * draws them (`--report`, `--pictures`), since the sampler's 1 ms timer costs the runs
   * it watches (io-asyncio about a tenth of what a page costs it).
   */
  readonly pictures?: true;
  readonly input: IoInput | CpuInput;
  readonly setup: SetupOptions;
}

export interface LoopDelay {
  /** Milliseconds the event loop of the measuring thread was late, percentiles over the run. */
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** One thread's busy readings (shared-core's busy.ts): flat pairs of time and busy milliseconds so far. */
export interface BusyTrace {
  /** The thread, labelled as its tasks are: `pid 4242` for a process's main thread, `thread 3`. */
  readonly worker: string;
  readonly readings: readonly number[];
}

/** What a timeline draws of a run beyond its tasks (see sampler.ts). Times are milliseconds since the epoch. */
export interface RunPicture {
  readonly startedAt: number;
  readonly endedAt: number;
  /** The label of the measuring process's main thread, which started the run. */
  readonly mainThread: string;
  /** What `busy` measures: each thread's CPU time (Linux), or its event loop's active time. */
  readonly measure: BusyMeasure;
  /** The main thread's readings first, then every worker's that ran tasks. */
  readonly busy: readonly BusyTrace[];
  /** The whole process's CPU time, all its threads: flat pairs of time and milliseconds so far. */
  readonly processCpu: readonly number[];
  /** The main thread's sampling timer: flat pairs of when it fired and how many milliseconds late. */
  readonly loopLateness: readonly number[];
}

export interface RunRecord {
  readonly warmup: boolean;
  /** Wall-clock time of `run()`, in milliseconds. */
  readonly workMs: number;
  /** Set by the harness: the whole round trip of the run, waits and messages included. */
  readonly elapsedMs?: number;
  /** CPU time of this process (all its threads) and its child processes during the run, in milliseconds. */
  readonly userMs: number;
  readonly systemMs: number;
  readonly loopDelay: LoopDelay;
  readonly results: Result[];
  /** Emptied by the harness for runs it will never draw, so a long row does not hold them all. */
  readonly events: TaskEvent[];
  /** Busy lanes and loop delay, for the timelines; none for a strategy that is not a Node module. Emptied with `events`. */
  readonly picture?: RunPicture;
  /** Set by the harness when it emptied `events`. */
  readonly eventsDropped?: boolean;
  /** `--floor`: the floor's own run, taken in the same process right beside this one. */
  readonly floor?: FloorRun;
}

/** A run of the floor, measured as a strategy's run is. */
export type FloorRun = Omit<RunRecord, 'warmup' | 'elapsedMs' | 'floor' | 'picture'>;

export interface MeasureReport {
  /** Time to set the strategy up (start pools, create sessions), in milliseconds. */
  readonly setupMs: number;
  /** Unknown when interrupted: the strategy was stopped, not closed. */
  readonly closeMs?: number;
  /** `--floor`: time to set the floor up, beside the strategy. */
  readonly floorSetupMs?: number;
  /** Tasks the strategy runs at once, as it declares. */
  readonly concurrency: number;
  readonly runs: RunRecord[];
  /** Peak resident memory of the measuring process plus its child processes, in bytes; unknown when interrupted. */
  readonly peakMemoryBytes?: number;
  /** Ctrl-C stopped it before its plan was done: `runs` are those it finished. */
  readonly interrupted?: boolean;
}

/** Why a measurement has no result when `pnpm bench` was interrupted. */
export const STOPPED = 'stopped before it finished (Ctrl-C)';

/** A strategy failed, or its measuring process died or left something running. */
export class MeasureError extends Error {}

/** Harness to measuring process. */
export type HarnessMessage =
  | { readonly type: 'setup'; readonly request: SetupRequest }
  /** One run of the strategy or, with `floor`, of the floor set up beside it (`--floor`). */
  | { readonly type: 'run'; readonly run: number; readonly warmup: boolean; readonly floor?: true }
  /** Close the strategy, report memory, exit. */
  | { readonly type: 'finish' }
  /** Abort the run in progress, close the strategy, exit. */
  | { readonly type: 'stop' };

/** Measuring process to harness. */
export type ChildMessage =
  | {
      readonly type: 'progress';
      /** Counts warm-up runs first, from 0. */
      readonly run: number;
      readonly warmup: boolean;
      /** Tasks finished in this run, of `total`. */
      readonly done: number;
      readonly total: number;
      /**
       * The first few items of the input not finished yet, by position: what the run is
       * waiting on, when it seems stuck. Few, so a message stays small at any input size.
       */
      readonly unfinished: readonly number[];
    }
  | {
      readonly type: 'ready';
      readonly setupMs: number;
      readonly concurrency: number;
      readonly floorSetupMs?: number;
    }
  | { readonly type: 'ran'; readonly record: RunRecord }
  | { readonly type: 'finished'; readonly closeMs: number; readonly peakMemoryBytes: number }
  | { readonly type: 'failed'; readonly message: string };

/** Harness to a process measuring the parallel ceiling: compute fib(n), `calls` times. */
export interface CeilingHarnessMessage {
  readonly n: number;
  readonly calls: number;
}

/** A ceiling process to the harness: when its work started and ended (its first message: ready). */
export interface CeilingChildMessage {
  readonly start: number;
  readonly end: number;
}
