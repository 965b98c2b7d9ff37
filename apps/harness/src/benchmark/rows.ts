import { type BenchJobName, diffResults, outcomeKind, type PageResult } from '@speedup/shared-core';
import { countOutcomes, FLOOR_LABEL } from '@speedup/shared-core/harness';
import type { RunRecord } from './child-process/messages.js';
import type { Contender } from './plan.js';
import type { BenchRow, Failure, Measured, UrlOutcome } from './result.js';
import { median, summarize } from './stats.js';

/** Rows made from measurements: a measured row, and a row for a strategy that could not be measured. */

/** The measured run closest to the median, among those whose events were kept. */
function closestToMedian(runs: readonly RunRecord[]): RunRecord | undefined {
  const middle = median(runs.map((run) => run.workMs));
  return runs
    .filter((run) => !run.eventsDropped)
    .sort((a, b) => Math.abs(a.workMs - middle) - Math.abs(b.workMs - middle))[0];
}

function failuresIn(results: RunRecord['results']): Failure[] {
  return results.flatMap((result, index) =>
    result.error ? [{ index, kind: outcomeKind(result) }] : [],
  );
}

/** Each URL with what became of its pages, one entry per URL and outcome, in input order. */
export function urlOutcomes(pages: readonly PageResult[]): UrlOutcome[] {
  const grouped = new Map<string, UrlOutcome>();
  for (const page of pages) {
    const kind = outcomeKind(page);
    const key = JSON.stringify([page.url, page.status, page.bytes, kind]);
    const seen = grouped.get(key);
    grouped.set(
      key,
      seen
        ? { ...seen, pages: seen.pages + 1 }
        : { url: page.url, pages: 1, status: page.status, bytes: page.bytes, kind },
    );
  }
  return [...grouped.values()];
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
  const mean = (values: number[]) =>
    values.length === 0 ? undefined : values.reduce((sum, value) => sum + value, 0) / values.length;
  // An interrupted row may have only warm-up runs: its outcomes then come from the last.
  const shown = closestToMedian(measured);
  const counted = shown ?? report.runs.at(-1);
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
    summary: timesMs.length > 0 ? summarize(timesMs) : undefined,
    userMs: mean(measured.map((run) => run.userMs)),
    systemMs: mean(measured.map((run) => run.systemMs)),
    loopDelayP99Ms:
      measured.length > 0 ? Math.max(...measured.map((run) => run.loopDelay.p99)) : undefined,
    peakMemoryBytes: report.peakMemoryBytes,
    connections: report.sockets?.connections,
    peakSockets: report.sockets?.peakSockets,
    runsOk,
    differences,
    ok: differences.length === 0,
    ...(report.interrupted ? { interrupted: true } : {}),
    outcomes: counted && countOutcomes(counted.results),
    failures: counted && failuresIn(counted.results),
    events: shown?.events ?? [],
    ...(shown?.picture ? { picture: shown.picture } : {}),
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
 * process, diffed with the reference like any row. `report.sockets` are the floor's own
 * (the server's counts are read around each of its runs apart); memory is the process's,
 * shared with the carrier, so the floor shows none.
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
