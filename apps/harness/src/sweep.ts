import Table from 'cli-table3';
import type { BenchResult, BenchRow } from './bench.js';
import { duration, ratio } from './format.js';
import type { SweepParameter } from './options.js';

/** Where a strategy starts to beat the sequential reference, along a sweep. */
export interface Crossover {
  readonly job: string;
  readonly strategy: string;
  readonly parameter: SweepParameter;
  /** Smallest value from which it is faster on warm runs, at every larger value too; null if never. */
  readonly warm: number | null;
  /** The same, counting its set-up (pool start-up) and first run against the reference's. */
  readonly withSetup: number | null;
}

const sweptValue = (row: BenchRow, parameter: SweepParameter) => Number(row.parameters[parameter]);
const oneShot = (row: BenchRow) => (row.setupMs ?? 0) + (row.coldMs ?? Number.NaN);

/** The first value from which `beats` holds at every value after it too. */
function firstLasting(points: readonly { value: number; beats: boolean }[]): number | null {
  let from: number | null = null;
  for (const { value, beats } of points) {
    if (!beats) from = null;
    else from ??= value;
  }
  return from;
}

export function crossovers(result: BenchResult): Crossover[] {
  const { sweep } = result;
  if (!sweep) return [];
  const found: Crossover[] = [];
  const ascending = [...sweep.values].sort((a, b) => a - b);
  for (const job of [...new Set(result.rows.map((row) => row.job))]) {
    const rows = result.rows.filter((row) => row.job === job && row.ok && row.summary);
    const reference = new Map(
      rows.filter((row) => row.reference).map((row) => [sweptValue(row, sweep.parameter), row]),
    );
    if (reference.size === 0) continue;
    for (const strategy of [...new Set(rows.map((row) => row.strategy))]) {
      const points = ascending.flatMap((value) => {
        const row = rows.find(
          (each) => each.strategy === strategy && sweptValue(each, sweep.parameter) === value,
        );
        const base = reference.get(value);
        return row?.summary && base?.summary && row !== base ? [{ value, row, base }] : [];
      });
      if (points.length === 0) continue;
      found.push({
        job,
        strategy,
        parameter: sweep.parameter,
        warm: firstLasting(
          points.map(({ value, row, base }) => ({
            value,
            beats: (row.summary?.median ?? 0) < (base.summary?.median ?? 0),
          })),
        ),
        withSetup: firstLasting(
          points.map(({ value, row, base }) => ({ value, beats: oneShot(row) < oneShot(base) })),
        ),
      });
    }
  }
  return found;
}

/** One table per job: a row per strategy, a column per value, the median (and speed-up) in each cell. */
export function renderSweep(result: BenchResult): string {
  const { sweep } = result;
  if (!sweep) return '';
  const parts: string[] = [];
  for (const job of [...new Set(result.rows.map((row) => row.job))]) {
    const rows = result.rows.filter((row) => row.job === job);
    const table = new Table({
      head: ['strategy', ...sweep.values.map((value) => `${sweep.parameter} ${value}`)],
      style: { head: [], border: [] },
    });
    for (const strategy of [...new Set(rows.map((row) => row.strategy))]) {
      table.push([
        strategy,
        ...sweep.values.map((value) => {
          const row = rows.find(
            (each) => each.strategy === strategy && sweptValue(each, sweep.parameter) === value,
          );
          if (!row) return '–';
          if (!row.ok) return row.error ? 'FAILED' : 'DIFF';
          const speedup = row.speedup === undefined ? '' : ` (${ratio(row.speedup)})`;
          return `${duration(row.summary?.median)}${speedup}`;
        }),
      ]);
    }
    parts.push(
      `Sweep of ${sweep.parameter}, ${job}: median work time (speed-up vs sync)\n${table.toString()}`,
    );
  }
  const lines = crossovers(result).map(({ job, strategy, parameter, warm, withSetup }) => {
    const warmText =
      warm === null ? 'never beats sync in this range' : `beats sync from ${parameter} ${warm}`;
    const setupText =
      withSetup === null
        ? 'never, counting its set-up and first run'
        : `from ${parameter} ${withSetup} counting its set-up and first run`;
    return `${strategy} (${job}): ${warmText} on warm runs; ${setupText}.`;
  });
  if (lines.length > 0) parts.push(`Crossover\n${lines.join('\n')}`);
  return parts.join('\n\n');
}
