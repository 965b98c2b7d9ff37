import {
  type BenchJobName,
  type Difference,
  diffResults,
  type Model,
  type TaskEvent,
  type Workload,
} from '@speedup/shared-core';
import type { ServerStats } from '@speedup/site-server';
import type { Contender } from './plan.js';
import type { MeasureReport, RunRecord } from './protocol.js';

/** A measurement, with what the local server saw of it when it served the job. */
export interface Measured extends MeasureReport {
  readonly sockets?: ServerStats;
}

import { median, type Summary, summarize } from './stats.js';

/** Everything measured about one strategy on one job. Times are in milliseconds. */
export interface BenchRow {
  /** The strategy's folder name, with `:variant` when a variant ran. */
  readonly strategy: string;
  readonly variant?: string;
  /** Whether this is the job's sequential reference, whose results the others must match. */
  readonly reference?: boolean;
  readonly job: BenchJobName;
  readonly workload: Workload;
  readonly model: Model;
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
  /** I/O on the local server: TCP connections it accepted from this strategy, over set-up and all runs. */
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
  /** Reference median ÷ this median, when the reference was benchmarked too. */
  readonly speedup?: number;
  /**
   * I/O: best possible time ÷ measured. CPU: speed-up ÷ min(workers, cores).
   * 1.0 means nothing was lost to overhead.
   */
  readonly efficiency?: number;
  /** I/O with the local server: no strategy can beat ceil(pages ÷ concurrency) × latency. */
  readonly boundMs?: number;
  /** I/O: (measured − bound) ÷ pages, in microseconds: what each request costs beyond waiting. */
  readonly overheadPerPageUs?: number;
  /** Task events of the run closest to the median, for timelines. */
  readonly events: readonly TaskEvent[];
  /** Settings this row was measured with, as strings (hyperfine's `parameters`). */
  readonly parameters: Readonly<Record<string, string>>;
}

function closestToMedian(runs: readonly RunRecord[]): RunRecord | undefined {
  const middle = median(runs.map((run) => run.workMs));
  return [...runs].sort((a, b) => Math.abs(a.workMs - middle) - Math.abs(b.workMs - middle))[0];
}

export function rowFrom(
  { pkg, variant, label }: Contender,
  job: BenchJobName,
  report: Measured,
  reference: RunRecord['results'],
  parameters: Record<string, string>,
): BenchRow {
  const measured = report.runs.filter((run) => !run.warmup);
  // Every run is diffed once; warm-up runs count for `differences` but not for `runsOk`.
  const diffs = report.runs.map((run) => diffResults(reference, run.results));
  const runsOk = diffs.filter((_, i) => !report.runs[i]?.warmup).map((diff) => diff.length === 0);
  const differences = diffs.find((diff) => diff.length > 0) ?? [];
  const timesMs = measured.map((run) => run.workMs);
  return {
    strategy: label,
    variant,
    job,
    workload: pkg.workload,
    model: pkg.model,
    concurrency: report.concurrency,
    setupMs: report.setupMs,
    coldMs: report.runs[0]?.workMs,
    timesMs,
    summary: summarize(timesMs),
    userMs: measured.reduce((sum, run) => sum + run.userMs, 0) / measured.length,
    systemMs: measured.reduce((sum, run) => sum + run.systemMs, 0) / measured.length,
    loopDelayP99Ms: Math.max(...measured.map((run) => run.loopDelay.p99)),
    peakMemoryBytes: report.peakMemoryBytes,
    connections: report.sockets?.connections,
    peakSockets: report.sockets?.peakOpen,
    runsOk,
    differences,
    ok: differences.length === 0,
    events: closestToMedian(measured)?.events ?? [],
    parameters,
  };
}

export function failedRow(
  { pkg, variant, label }: Contender,
  job: BenchJobName,
  error: unknown,
  parameters: Record<string, string>,
): BenchRow {
  return {
    strategy: label,
    variant,
    job,
    workload: pkg.workload,
    model: pkg.model,
    timesMs: [],
    runsOk: [],
    differences: [],
    error: error instanceof Error ? error.message : String(error),
    ok: false,
    events: [],
    parameters,
  };
}

/** Adds the figures that compare a row with its job's reference and with the I/O bound. */
export function withComparisons(
  row: BenchRow,
  reference: BenchRow | undefined,
  cores: number,
  latencyMs: number | undefined,
  items: number,
): BenchRow {
  if (!row.summary || row.concurrency === undefined) return row;
  const measured = row.summary.median;
  const speedup = reference?.summary ? reference.summary.median / measured : undefined;
  if (row.workload === 'cpu') {
    const efficiency =
      speedup === undefined ? undefined : speedup / Math.min(row.concurrency, cores);
    return { ...row, speedup, efficiency };
  }
  if (latencyMs === undefined) return { ...row, speedup };
  const inFlight = Math.min(row.concurrency, items);
  const boundMs = Math.ceil(items / inFlight) * latencyMs;
  return {
    ...row,
    speedup,
    boundMs,
    efficiency: boundMs / measured,
    overheadPerPageUs: ((measured - boundMs) / items) * 1000,
  };
}
