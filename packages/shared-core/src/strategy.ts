import type { CpuJobName, IoJobName } from './jobs.js';
import type { CpuResult, PageResult } from './results.js';

/**
 * The contract every strategy package meets. A package that default-exports a value
 * made by `defineStrategy` and declares `"speedup": { "workload", "model" }` in its
 * package.json is found and run by the harness; nothing else needs editing.
 */

/** What the work waits on: the network (`io`) or the processor (`cpu`). */
export type Workload = 'io' | 'cpu';

/**
 * How the strategy runs tasks at once, in the article's terms: `sequential` (one after
 * another), `threads` (pre-emptive, the OS switches), `async` (cooperative, tasks switch
 * at `await`), `processes` (separate processes, really at once). New models are welcome.
 */
export type Model = 'sequential' | 'threads' | 'async' | 'processes' | (string & {});

/** The I/O job: download every URL. */
export interface IoInput {
  readonly job: IoJobName;
  readonly items: readonly string[];
}

/** A CPU job: compute `job` for every number. */
export interface CpuInput {
  readonly job: CpuJobName;
  readonly items: readonly number[];
}

/** Where and when one task ran. Times are milliseconds since the epoch, comparable across threads and processes. */
export interface TaskEvent {
  /** Position of the task's item in the input. */
  readonly index: number;
  /** Who ran it: `thread 3`, or `pid 4242` for a process's main thread. */
  readonly worker: string;
  readonly start: number;
  readonly end: number;
}

export interface SetupOptions {
  /** Size of the pool, for strategies with a pool of threads or processes. */
  readonly workers?: number;
  /** Most tasks in flight at once, for strategies that start tasks without a pool. */
  readonly concurrency?: number;
  /** One of the variants the package declares in package.json; the plain strategy when absent. */
  readonly variant?: string;
}

export interface RunOptions {
  /** Stops the run: pending tasks are dropped and `run` rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Called once for every task as it finishes. */
  readonly onTask?: (event: TaskEvent) => void;
}

/** A strategy that is set up (pools started, sessions created) and can run inputs. */
export interface Runner<Input, Result> {
  /**
   * How many tasks this runner really runs at once: 1 when sequential, the pool size
   * for a pool, the in-flight limit for async I/O. The harness derives the best
   * possible time from it.
   */
  readonly concurrency: number;
  /** One result per input item, in input order. */
  run(input: Input, options?: RunOptions): Promise<Result[]>;
  /** Releases everything `setup` started: after it resolves nothing the runner started is left running. */
  close(): Promise<void>;
}

interface Definition<W extends Workload, Input, Result> {
  /** The package's folder name, e.g. `io-threading`. */
  readonly name: string;
  readonly workload: W;
  readonly model: Model;
  /** Starts what the strategy needs before any work: the harness times this apart from the work. */
  setup(options: SetupOptions): Promise<Runner<Input, Result>>;
}

interface Runnable<Input, Result> {
  /** Sets up, runs `input` once and closes: the whole strategy in one call. */
  run(input: Input, options?: SetupOptions & RunOptions): Promise<Result[]>;
}

export type IoStrategyDefinition = Definition<'io', IoInput, PageResult>;
export type CpuStrategyDefinition = Definition<'cpu', CpuInput, CpuResult>;
export type IoStrategy = IoStrategyDefinition & Runnable<IoInput, PageResult>;
export type CpuStrategy = CpuStrategyDefinition & Runnable<CpuInput, CpuResult>;
export type Strategy = IoStrategy | CpuStrategy;

export function defineStrategy(definition: IoStrategyDefinition): IoStrategy;
export function defineStrategy(definition: CpuStrategyDefinition): CpuStrategy;
export function defineStrategy(
  definition: IoStrategyDefinition | CpuStrategyDefinition,
): IoStrategy | CpuStrategy {
  const setup = definition.setup as (options: SetupOptions) => Promise<Runner<unknown, unknown>>;
  return {
    ...definition,
    async run(input: unknown, options: SetupOptions & RunOptions = {}) {
      const runner = await setup(options);
      try {
        return await runner.run(input, options);
      } finally {
        await runner.close();
      }
    },
  } as IoStrategy | CpuStrategy;
}
