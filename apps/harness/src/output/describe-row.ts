import { type BenchJobName, DEFAULT_HTTP_LIMITS, jobs, type Workload } from '@speedup/shared-core';
import { redactUrl } from '@speedup/shared-core/harness';
import { STOPPED } from '../benchmark/child-process/messages.js';
import type { BenchResult, BenchRow } from '../benchmark/result.js';
import { ratioWithInterval } from './format.js';

/**
 * How every output (tables, verdict, warnings, exports, report, terminal timeline) names
 * and judges a row, so they never disagree: its result, its label, which row of a job is
 * the fastest correct one, and the job's title.
 */

/** Whether this row is its job's sequential reference, whose results the others must match. */
export const isReference = (row: BenchRow): boolean => row.reference === true;

export type Outcome = 'ok' | 'diff' | 'failed' | 'stopped';

/** What became of a row: results equal to the reference's, different, or none at all. */
export function outcomeOf(row: BenchRow): Outcome {
  if (row.error === STOPPED) return 'stopped';
  if (row.error) return 'failed';
  return row.differences.length > 0 ? 'diff' : 'ok';
}

/**
 * `ok`, `DIFF (3)`, `FAILED` or `STOPPED`: the results column; `ok (interrupted)` for a
 * row Ctrl-C cut short, whose figures come from the runs it finished.
 */
export function resultLabel(row: BenchRow): string {
  const outcome = outcomeOf(row);
  const label = outcome === 'diff' ? `DIFF (${row.differences.length})` : shortResultLabel(row);
  return row.interrupted ? `${label} (interrupted)` : label;
}

/** `ok`, `DIFF`, `FAILED` or `STOPPED`, where there is no room for a count. */
export function shortResultLabel(row: BenchRow): string {
  const outcome = outcomeOf(row);
  return outcome === 'ok' ? 'ok' : outcome.toUpperCase();
}

/** The swept setting and its value for this row, `workers 5`; empty without a sweep. */
export function sweptSetting(row: BenchRow, sweep: BenchResult['sweep']): string {
  return sweep ? `${sweep.parameter} ${row.parameters[sweep.parameter] ?? '?'}` : '';
}

/** The row in a chart or caption: `io-threading`, or `io-threading, workers 5` in a sweep. */
export function rowLabel(row: BenchRow, sweep: BenchResult['sweep']): string {
  return sweep ? `${row.strategy}, ${sweptSetting(row, sweep)}` : row.strategy;
}

/** The row in a sentence: `io-threading (download)`, or `io-threading (download, workers 5)`. */
export function rowWhere(row: BenchRow, sweep: BenchResult['sweep']): string {
  return `${row.strategy} (${row.job}${sweep ? `, ${sweptSetting(row, sweep)}` : ''})`;
}

/** Where the pages came from: the local server and its latency, or the sites given (passwords hidden). */
export function ioSource(result: BenchResult): string {
  if (result.latencyMs === undefined) return (result.options.sites ?? []).map(redactUrl).join(', ');
  const { jitter } = result.options;
  return `local server, ${result.latencyMs} ms latency${jitter > 0 ? ` + up to ${jitter} ms jitter` : ''}`;
}

/** What a job computes: `160 pages (local server, 25 ms latency)`, or the CPU job's description. */
export function jobDescription(
  job: BenchJobName,
  rows: readonly BenchRow[],
  result: BenchResult,
): string {
  if (job === 'download') {
    const pages = rows[0]?.parameters.pages ?? String(result.options.pages);
    return `${pages} pages (${ioSource(result)})`;
  }
  return jobs.find((info) => info.name === job)?.description ?? job;
}

/**
 * How the runs were taken: `the cold run apart, warm-up until steady, at least 3 runs
 * (2 past 3 s that agree to ±3 %) and 0.5 s, more to ±3 % within 3 s, strategies taking
 * turns`. The bracket is the one exception to `--runs` (measure.ts): a
 * slow, steady row such as io-multiprocessing stops at two.
 */
export function runsDescription(result: BenchResult): string {
  const { options } = result;
  const warmup =
    options.warmup === 'steady'
      ? 'the cold run apart, warm-up until steady'
      : options.warmup === 0
        ? 'no warm-up, so the first run is cold'
        : `the cold run apart, ${options.warmup} warm-up run${options.warmup === 1 ? '' : 's'}`;
  const atLeast = options.minTime > 0 ? 'at least ' : '';
  const time = options.minTime > 0 ? ` and ${options.minTime / 1000} s` : '';
  const percent = `±${Number((options.precision * 100).toFixed(1))} %`;
  const budget = `${options.budgetMs / 1000} s`;
  const twoLong =
    options.runs > 2
      ? ` (2 past ${budget}${options.precision > 0 ? ` that agree to ${percent}` : ''})`
      : '';
  const precision = options.precision > 0 ? `, more to ${percent} within ${budget}` : '';
  const order = options.interleave ? ', strategies taking turns' : '';
  return `${warmup}, ${atLeast}${options.runs} run${options.runs === 1 ? '' : 's'}${twoLong}${time}${precision}${order}`;
}

/** `; Python 3.11.2 (/usr/bin/python3)` when Python strategies are among the rows. */
function pythonNote(result: BenchResult, rows: readonly BenchRow[]): string {
  const { python } = result;
  if (!python || !rows.some((row) => row.language === 'python')) return '';
  return `; Python ${python.version} (${python.interpreter})`;
}

/** `limits: connect 10 s, headers 30 s, body gap 30 s, page 60 s, 10 MiB`: what bounds every page. */
export function limitsDescription(result: BenchResult): string {
  const limits = { ...DEFAULT_HTTP_LIMITS, ...result.options.limits };
  const time = (ms: number) => (ms >= 1000 ? `${Number((ms / 1000).toFixed(1))} s` : `${ms} ms`);
  const size =
    limits.maxBytes % 2 ** 20 === 0
      ? `${limits.maxBytes / 2 ** 20} MiB`
      : `${limits.maxBytes.toLocaleString('en-US')} bytes`;
  return `limits: connect ${time(limits.connectTimeout)}, headers ${time(limits.headersTimeout)}, body gap ${time(limits.bodyTimeout)}, page ${time(limits.pageTimeout)}, ${size}`;
}

/** The title over a workload's table: what ran, on what, and how it was measured. */
export function workloadTitle(
  result: BenchResult,
  workload: Workload,
  rows: readonly BenchRow[],
): string {
  const runs = `${runsDescription(result)}${pythonNote(result, rows)}`;
  if (workload === 'io') {
    const pages = rows[0]?.parameters.pages ?? String(result.options.pages);
    return `I/O-bound: download ${pages} pages (${ioSource(result)}); ${limitsDescription(result)}; ${runs}`;
  }
  const described = [...new Set(rows.map((row) => row.job))]
    .map((name) => jobs.find((job) => job.name === name)?.description ?? name)
    .join('; ');
  const size = result.options.size === 1 ? '' : `, work × ${result.options.size}`;
  const ceiling =
    result.parallelCeiling === undefined
      ? ''
      : `, parallel ceiling ${ratioWithInterval(result.parallelCeiling, result.parallelCeilingCi95)}`;
  return `CPU-bound: ${described}${size}; ${result.cores} cores${ceiling}; ${runs}`;
}

/** Rows grouped by job, in the order jobs are listed. */
export function rowsByJob(rows: readonly BenchRow[]): [BenchJobName, BenchRow[]][] {
  const grouped = new Map<BenchJobName, BenchRow[]>();
  for (const row of rows) grouped.set(row.job, [...(grouped.get(row.job) ?? []), row]);
  const order = jobs.map((job) => job.name);
  return [...grouped].sort(([a], [b]) => order.indexOf(a) - order.indexOf(b));
}
