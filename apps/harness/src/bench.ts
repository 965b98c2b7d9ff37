import { availableParallelism } from 'node:os';
import {
  type CpuInput,
  cpuInput,
  type Difference,
  diffResults,
  downloadInput,
  findStrategies,
  type IoInput,
  type JobName,
  type Model,
  type TaskEvent,
  type Workload,
} from '@speedup/shared-core';
import { type SiteServer, startSiteServer } from '@speedup/site-server';
import { measureInChild, type Progress } from './measure.js';
import type { BenchOptions } from './options.js';
import { type Contender, type PlannedJob, planBench } from './plan.js';
import type { MeasureReport, RunRecord } from './protocol.js';
import { median, type Summary, summarize } from './stats.js';

/** Everything measured about one strategy on one job. Times are in milliseconds. */
export interface BenchRow {
  /** The strategy's folder name, with `:variant` when a variant ran. */
  readonly strategy: string;
  readonly variant?: string;
  readonly job: JobName;
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

export interface BenchResult {
  readonly rows: readonly BenchRow[];
  readonly options: BenchOptions;
  readonly cores: number;
  /** The local server's latency when it served the I/O job; undefined with `--sites`. */
  readonly latencyMs?: number;
  /**
   * Set when one setting was swept: every strategy and job was measured once per value,
   * and each row's `parameters[parameter]` holds its value as a string.
   */
  readonly sweep?: { parameter: 'workers' | 'latency' | 'size'; values: number[] };
}

export interface BenchHooks {
  readonly signal?: AbortSignal;
  /** Called when a strategy starts being measured, and with progress while it runs. */
  readonly onStart?: (strategy: string, job: JobName) => void;
  readonly onProgress?: (strategy: string, job: JobName, progress: Progress) => void;
  readonly onRow?: (row: BenchRow) => void;
}

function inputFor(
  job: JobName,
  options: BenchOptions,
  server: SiteServer | undefined,
): IoInput | CpuInput {
  if (job === 'download') return downloadInput(options.sites ?? server?.sites ?? [], options.pages);
  return cpuInput(job);
}

function closestToMedian(runs: readonly RunRecord[]): RunRecord | undefined {
  const middle = median(runs.map((run) => run.workMs));
  return [...runs].sort((a, b) => Math.abs(a.workMs - middle) - Math.abs(b.workMs - middle))[0];
}

function rowFrom(
  { pkg, variant, label }: Contender,
  job: JobName,
  report: MeasureReport,
  reference: RunRecord['results'],
  parameters: Record<string, string>,
): BenchRow {
  const measured = report.runs.filter((run) => !run.warmup);
  const runsOk = measured.map((run) => diffResults(reference, run.results).length === 0);
  const firstDiffering = report.runs.find((run) => diffResults(reference, run.results).length > 0);
  const differences = firstDiffering ? diffResults(reference, firstDiffering.results) : [];
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
    runsOk,
    differences,
    ok: differences.length === 0,
    events: closestToMedian(measured)?.events ?? [],
    parameters,
  };
}

function failedRow(
  { pkg, variant, label }: Contender,
  job: JobName,
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
function withComparisons(
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

async function benchJob(
  planned: PlannedJob,
  options: BenchOptions,
  server: SiteServer | undefined,
  cores: number,
  hooks: BenchHooks,
): Promise<BenchRow[]> {
  const { job, reference } = planned;
  const input = inputFor(job, options, server);
  const measure = ({ pkg, variant, label }: Contender, runs: number, warmup: number) => {
    hooks.onStart?.(label, job);
    return measureInChild(
      {
        strategyDir: pkg.dir,
        input,
        setup: { workers: options.workers, concurrency: options.concurrency, variant },
        runs,
        warmup,
      },
      { signal: hooks.signal, onProgress: (progress) => hooks.onProgress?.(label, job, progress) },
    );
  };
  const parametersOf = (report?: MeasureReport): Record<string, string> => ({
    ...(report ? { concurrency: String(report.concurrency) } : {}),
    ...(job === 'download' ? { pages: String(input.items.length) } : {}),
    ...(job === 'download' && server ? { latency: String(options.latency) } : {}),
  });

  // The reference's first run defines the expected results; when it is not selected it
  // runs once for them and is not shown.
  const referenceContender: Contender = { pkg: reference, label: reference.name };
  let expected: RunRecord['results'];
  let referenceRow: BenchRow | undefined;
  try {
    const report = await measure(
      referenceContender,
      planned.referenceSelected ? options.runs : 1,
      planned.referenceSelected ? options.warmup : 0,
    );
    expected = (report.runs[0] as RunRecord).results;
    if (planned.referenceSelected) {
      referenceRow = rowFrom(referenceContender, job, report, expected, parametersOf(report));
    }
  } catch (error) {
    const failed = failedRow(referenceContender, job, error, parametersOf());
    hooks.onRow?.(failed);
    return [failed];
  }

  const rows: BenchRow[] = [];
  for (const contender of planned.contenders) {
    if (hooks.signal?.aborted) break;
    let row: BenchRow;
    if (referenceRow && contender.pkg === reference && contender.variant === undefined) {
      row = referenceRow;
    } else {
      try {
        const report = await measure(contender, options.runs, options.warmup);
        row = rowFrom(contender, job, report, expected, parametersOf(report));
      } catch (error) {
        row = failedRow(contender, job, error, parametersOf());
      }
    }
    row = withComparisons(
      row,
      referenceRow,
      cores,
      server ? options.latency : undefined,
      input.items.length,
    );
    rows.push(row);
    hooks.onRow?.(row);
  }
  return rows;
}

/**
 * Runs the benchmark: plans it, starts the local site server when an I/O job needs it,
 * measures every strategy on every job one at a time, diffs every run's results against
 * the job's reference, and closes the server. Throws a `PlanError` on a bad selection
 * before starting anything.
 */
export async function runBench(
  options: BenchOptions,
  hooks: BenchHooks = {},
): Promise<BenchResult> {
  const plan = planBench(findStrategies(options.root), options);
  const cores = availableParallelism();
  const needsServer = plan.some((planned) => planned.job === 'download') && !options.sites;
  const server = needsServer ? await startSiteServer({ latency: options.latency }) : undefined;
  const rows: BenchRow[] = [];
  try {
    for (const planned of plan) {
      if (hooks.signal?.aborted) break;
      rows.push(...(await benchJob(planned, options, server, cores, hooks)));
    }
  } finally {
    await server?.close();
  }
  return { rows, options, cores, latencyMs: server ? options.latency : undefined };
}
