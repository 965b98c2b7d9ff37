/**
 * The contract's vocabulary: every type a strategy, the harness and the conformance
 * suite share. This module imports nothing, so any other module can import it without
 * making a circle.
 */

/** What the work waits on: the network (`io`) or the processor (`cpu`). */
export type Workload = 'io' | 'cpu';

/**
 * How the strategy runs tasks at once, in the article's terms: `sequential` (one after
 * another), `threads` (pre-emptive, the OS switches), `async` (cooperative, tasks switch
 * at `await`), `processes` (separate processes, really at once). New models are welcome.
 */
export type Model = 'sequential' | 'threads' | 'async' | 'processes' | (string & {});

/**
 * Where a strategy's tasks run, and so what a task that kills its worker takes down:
 * `none` (on the caller's thread: nothing may be killed), `thread` (worker threads: a
 * task may throw later or exit and lose only itself), `process` (child processes: it may
 * also be killed by a signal). The conformance suite chooses its crash tests from this.
 */
export type Isolation = 'none' | 'thread' | 'process';

/** Whether a task whose worker dies is lost with it (`at-most-once`) or done again elsewhere. */
export type Delivery = 'at-most-once' | 'at-least-once';

export type IoJobName = 'download';
/**
 * CPU jobs: the article's two, `many-small` (a hundred thousand tiny tasks, to show what
 * handing a task to a worker costs), and `crash`, which fault tests run.
 */
export type CpuJobName = 'sum-of-squares' | 'fib' | 'many-small' | 'crash';
export type JobName = IoJobName | CpuJobName;
/** The jobs `pnpm bench` runs. */
export type BenchJobName = Exclude<JobName, 'crash'>;

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
  /** Who ran it: `thread 3`, `pid 4242` for a process's main thread, or `lost worker` when its worker died first. */
  readonly worker: string;
  /** When the worker started the task (for a `lost worker`: when the call was handed to a free worker). */
  readonly start: number;
  readonly end: number;
  /**
   * A download's moments, as its own handler saw them: when its request went out on a
   * connection (`sent`; before it, the task waited for one) and when the response's
   * first byte arrived (`firstByte`; before it, the task waited for the server).
   */
  readonly sent?: number;
  readonly firstByte?: number;
  /**
   * The worker thread's busy readings since its previous answer (see shared-core's
   * busy.ts): flat pairs of time and the event loop's active milliseconds so far.
   */
  readonly busy?: readonly number[];
}

/** Why a page could not be downloaded. */
export type PageError =
  /** The server answered with a status other than 2xx; the status is in `status`. */
  | 'http_status'
  /** A time limit ran out; which one is in `timeout`. */
  | 'timeout'
  /** The connection was reset, or closed before the response was complete with no length announced. */
  | 'reset'
  /** The server closed the connection cleanly before sending the `Content-Length` it announced. */
  | 'short_body'
  /** Nothing listens on the port. */
  | 'refused'
  /** The body grew past the size cap. */
  | 'too_large'
  /** Redirects went on past the limit. */
  | 'too_many_redirects'
  /** The worker thread or process running the download died. */
  | 'crashed'
  /** Any other failure; the message goes to `detail`. */
  | 'failed';

/**
 * Which time limit a page ran out of (see `HttpLimits`): `connect` (opening the
 * connection), `headers` (waiting for the response head), `body` (the gap between two
 * chunks of the body), `page` (the whole page, first connect to last byte, redirects
 * included).
 */
export type TimeoutPhase = 'connect' | 'headers' | 'body' | 'page';

/** Why a CPU task has no value. */
export type TaskError =
  /** The computation threw (a bad input, for instance); the message goes to `detail`. */
  | 'failed'
  /** The worker thread or process running it died. */
  | 'crashed';

/** One downloaded page. */
export interface PageResult {
  readonly url: string;
  /** HTTP status, or 0 when no response arrived. */
  readonly status: number;
  /** Body bytes received: 0 when the download failed. */
  readonly bytes: number;
  /** SHA-256 of the body in hex: empty when the download failed. */
  readonly sha256: string;
  /** Set when the download failed. */
  readonly error?: PageError;
  /** With `error: 'timeout'`: which limit ran out. Compared like every other field. */
  readonly timeout?: TimeoutPhase;
  /** A human-readable cause. Not compared between strategies. */
  readonly detail?: string;
}

/** One CPU task: the input and the exact value, both as decimal strings. */
export interface CpuResult {
  readonly input: string;
  /** Empty when the task failed. */
  readonly value: string;
  readonly error?: TaskError;
  /** A human-readable cause. Not compared between strategies. */
  readonly detail?: string;
}

export type Result = PageResult | CpuResult;

export interface SetupOptions {
  /** Size of the pool, for strategies with a pool of threads or processes. */
  readonly workers?: number;
  /** Most tasks in flight at once, for strategies that start tasks without a pool. */
  readonly concurrency?: number;
  /** One of the variants the package declares in package.json; the plain strategy when absent. */
  readonly variant?: string;
  /**
   * Items handed to a worker in one message, for strategies with a pool: Python's
   * `chunksize`. 1 when absent. Strategies without a pool ignore it.
   */
  readonly batch?: number;
}

/** What every call of `Runner.run` is given: the harness and the conformance suite always pass both. */
export interface RunOptions {
  /**
   * Stops the run: pending tasks are dropped and `run` rejects with the signal's reason.
   * One signal serves a whole run, and its listener limit is lifted, so a strategy or a
   * pool library may add a listener per task.
   */
  readonly signal: AbortSignal;
  /** Called once for every task as it finishes. */
  readonly onTask: (event: TaskEvent) => void;
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
  run(input: Input, options: RunOptions): Promise<Result[]>;
  /** Releases everything `setup` started: after it resolves nothing the runner started is left running. */
  close(): Promise<void>;
}

/**
 * What a strategy package declares in its package.json, and nowhere else:
 *
 *   "speedup": { "workload": "io", "model": "threads", "isolation": "thread" }
 *
 * `"reference": true` marks the sequential strategy whose results every other strategy
 * of that workload must reproduce. `"variants": { "name": "what it changes" }` lists
 * other ways the same package can run; `pnpm bench --only cpu-asyncio:await-per-call`
 * measures one, and the strategy gets its name as `setup({ variant })`.
 */
export interface StrategyManifest {
  readonly workload: Workload;
  readonly model: Model;
  /** Where its tasks run; `none` when absent. */
  readonly isolation?: Isolation;
  /**
   * What becomes of a task whose worker dies: `at-most-once` (the default), it is lost
   * with its worker and reported `crashed`; `at-least-once`, a job queue hands it to
   * another worker, which does it again. The conformance suite expects what it declares.
   */
  readonly delivery?: Delivery;
  readonly reference?: boolean;
  readonly variants?: Readonly<Record<string, string>>;
  /**
   * The opt-in lane it belongs to, for a strategy that needs what a fresh machine lacks
   * (`python`, `distributed`): the default `pnpm bench` leaves it out, and the lane's flag
   * (`--python`) or `--only` adds it.
   */
  readonly optIn?: string;
  /** What the strategy is written in, shown beside its name: `node` when absent. */
  readonly language?: string;
  /**
   * For a strategy that is not a Node module: the program and its arguments, run in the
   * package's folder, which talks to the harness in JSON lines (CONTRIBUTING.md, "A
   * strategy in another language"). A first word `python3` runs on the interpreter the
   * harness picks (`SPEEDUP_PYTHON`, else the first `python3` on PATH with requests and
   * aiohttp, else `/usr/bin/python3`).
   */
  readonly command?: readonly string[];
}
