import type { BenchRow } from './result.js';

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
