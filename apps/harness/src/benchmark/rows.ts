import { type BenchJobName, diffResults } from '@speedup/shared-core';
import type { RunRecord } from './child-process/messages.js';
import type { Contender } from './plan.js';
import type { BenchRow, Measured } from './result.js';
import { median, summarize } from './stats.js';

/** Rows made from measurements: a measured row, and a row for a strategy that could not be measured. */

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
    language: pkg.language ?? 'node',
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
    peakSockets: report.sockets?.peakSockets,
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
    language: pkg.language ?? 'node',
    timesMs: [],
    runsOk: [],
    differences: [],
    error: error instanceof Error ? error.message : String(error),
    ok: false,
    events: [],
    parameters,
  };
}
