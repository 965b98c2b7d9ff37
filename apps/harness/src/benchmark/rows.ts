import { type BenchJobName, diffResults } from '@speedup/shared-core';
import { FLOOR_LABEL } from '@speedup/shared-core/harness';
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

/** What marks the floor's row, whatever the row of the strategy it was measured beside. */
export const FLOOR_ROW = {
  strategy: FLOOR_LABEL,
  variant: undefined,
  model: 'floor',
  floor: true,
} as const;

/**
 * `--floor`: the floor's row, from the floor's runs taken in `carrier`'s measuring
 * process, diffed with the reference like any row. Memory and connections are the
 * process's and the server's, shared with the carrier: the floor has none of its own.
 */
export function floorRowFrom(
  carrier: Contender,
  job: BenchJobName,
  report: Measured,
  reference: RunRecord['results'],
  parameters: Record<string, string>,
): BenchRow {
  const runs = report.runs.flatMap(({ warmup, floor }) => (floor ? [{ ...floor, warmup }] : []));
  const floor: Measured = {
    ...report,
    setupMs: report.floorSetupMs ?? Number.NaN,
    runs,
    sockets: undefined,
  };
  return {
    ...rowFrom(carrier, job, floor, reference, parameters),
    ...FLOOR_ROW,
    peakMemoryBytes: undefined,
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
