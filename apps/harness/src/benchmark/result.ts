import type { BenchJobName, Difference, Model, TaskEvent, Workload } from '@speedup/shared-core';
import type { Outcomes, Python } from '@speedup/shared-core/harness';
import type { BenchOptions, Sweep } from '../options.js';
import type { MeasureReport, RunPicture } from './child-process/messages.js';
import type { Interval } from './intervals.js';
import type { Summary } from './stats.js';

/**
 * The result record every other module reads: one row per strategy and job (and swept
 * value), and the run they belong to. Measuring makes them (rows.ts); tables, verdict,
 * exports and the report only read them.
 */

/** What the local server saw of one strategy's runs, and of nothing else's. */
export interface SocketCounts {
  /** Connections it accepted during the strategy's runs. */
  readonly connections: number;
  /** The most connections open at once that carried the strategy's requests. */
  readonly peakSockets: number;
}

/** A measurement, with what the local server saw of it when it served the job. */
export interface Measured extends MeasureReport {
  readonly sockets?: SocketCounts;
}

/** One item that failed, by its position in the input, and how (see `outcomeKind`). */
export interface Failure {
  readonly index: number;
  readonly kind: string;
}

/** What the reference made of every page of one URL: the same URL can fail one way and not another. */
export interface UrlOutcome {
  /** As given: hide its password (`redactUrl`) before showing it. */
  readonly url: string;
  /** Pages of the input with this URL and this outcome. */
  readonly pages: number;
  readonly status: number;
  readonly bytes: number;
  /** `ok`, or how it failed (see `outcomeKind`). */
  readonly kind: string;
}

/** Everything measured about one strategy on one job. Times are in milliseconds. */
export interface BenchRow {
  /** The strategy's folder name, with `:variant` when a variant ran. */
  readonly strategy: string;
  readonly variant?: string;
  /** Whether this is the job's sequential reference, whose results the others must match. */
  readonly reference?: boolean;
  /** Whether this is the floor of the download job (`--floor`): a bare client, not a strategy. */
  readonly floor?: boolean;
  readonly job: BenchJobName;
  /** The job's input in words (see `describeInput`): what `--compare` checks runs agree on. */
  readonly input?: string;
  readonly workload: Workload;
  readonly model: Model;
  /** What the strategy is written in: `node` when absent. */
  readonly language?: string;
  /** Tasks the strategy ran at once (pool size, in-flight limit, or 1). */
  readonly concurrency?: number;
  /** Starting pools and sessions, before any work. */
  readonly setupMs?: number;
  /** Work time of the very first run after set-up: cold caches, cold JIT, new connections. */
  readonly coldMs?: number;
  /** Work time of every measured run. */
  readonly timesMs: readonly number[];
  readonly summary?: Summary;
  /** Mean CPU time per measured run, all threads and child processes. */
  readonly userMs?: number;
  readonly systemMs?: number;
  /** Worst 99th-percentile event-loop delay of the measuring thread over the measured runs. */
  readonly loopDelayP99Ms?: number;
  readonly peakMemoryBytes?: number;
  /** I/O on the local server: TCP connections it accepted from this strategy, over all its runs. */
  readonly connections?: number;
  /** I/O on the local server: the most connections open at once. */
  readonly peakSockets?: number;
  /** Whether each measured run's results equal the reference's. */
  readonly runsOk: readonly boolean[];
  /** Where results first differed from the reference; empty when they never did. */
  readonly differences: readonly Difference[];
  /** Why the strategy could not be measured. */
  readonly error?: string;
  readonly ok: boolean;
  /**
   * Ctrl-C stopped it before its plan was done: its figures come from the runs it finished,
   * which may be too few to judge by.
   */
  readonly interrupted?: boolean;
  /** What became of the items in the run whose events are kept, counted by kind; none when nothing ran. */
  readonly outcomes?: Outcomes;
  /** The items that failed in that run, for the timelines. */
  readonly failures?: readonly Failure[];
  /** The reference's row of an I/O job: what became of each URL. */
  readonly urlOutcomes?: readonly UrlOutcome[];
  /** Reference typical time ÷ this typical time (see `typicalTime`), when the reference was benchmarked too. */
  readonly speedup?: number;
  /** 95 % interval of the speed-up (see intervals.ts); none for the reference itself, or below two runs. */
  readonly speedupCi95?: Interval;
  /**
   * I/O: best possible time ÷ measured. CPU: speed-up ÷ min(workers, cores).
   * 1.0 means nothing was lost to overhead.
   */
  readonly efficiency?: number;
  readonly efficiencyCi95?: Interval;
  /**
   * CPU: speed-up ÷ what this machine's cores give independent processes (the parallel
   * ceiling, for as many workers as the row used). 1.0 is all the machine can give.
   */
  readonly ofCeiling?: number;
  readonly ofCeilingCi95?: Interval;
  /** I/O with the local server: no strategy can beat ceil(pages ÷ concurrency) × latency. */
  readonly boundMs?: number;
  /** I/O: (measured − bound) ÷ pages, in microseconds: what each request costs beyond waiting. */
  readonly overheadPerPageUs?: number;
  readonly overheadPerPageCi95?: Interval;
  /**
   * CPU: (measured − the reference's time ÷ workers) ÷ tasks, in microseconds: what
   * handing each task to a worker and back costs beyond computing it. None for the reference.
   */
  readonly overheadPerTaskUs?: number;
  readonly overheadPerTaskCi95?: Interval;
  /** Task events of the run closest to the median, for timelines. */
  readonly events: readonly TaskEvent[];
  /** That run's busy lanes and loop delay, for the timelines (a Node strategy's only). */
  readonly picture?: RunPicture;
  /** Settings this row was measured with, as strings (hyperfine's `parameters`). */
  readonly parameters: Readonly<Record<string, string>>;
}

export interface BenchResult {
  readonly rows: readonly BenchRow[];
  /** The floor rows of `--floor`, apart from the strategies' rows: no verdict compares them. */
  readonly floors?: readonly BenchRow[];
  readonly options: BenchOptions;
  readonly cores: number;
  /** What the cores give independent processes (see ceiling.ts); measured before CPU jobs only. */
  readonly parallelCeiling?: number;
  /** The ceiling's interval over its pairs (see ceiling.ts); absent with too few pairs. */
  readonly parallelCeilingCi95?: Interval;
  /** The local server's latency when it served the I/O job; undefined with `--sites`. */
  readonly latencyMs?: number;
  /** With `--sweep`, rows repeat once per value; `row.parameters[parameter]` holds it. */
  readonly sweep?: Sweep;
  /** The interpreter that ran the Python strategies, when any ran. */
  readonly python?: Python;
  /** Ctrl-C stopped the run: rows may be missing, and those marked interrupted are partial. */
  readonly interrupted?: boolean;
}
