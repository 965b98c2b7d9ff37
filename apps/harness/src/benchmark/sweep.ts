import type { SweepParameter } from '../options.js';
import type { BenchResult, BenchRow } from './result.js';

/** Where a strategy starts to beat the sequential reference, along a sweep. */
export interface Crossover {
  readonly job: string;
  readonly strategy: string;
  readonly parameter: SweepParameter;
  /** Smallest value from which it is faster on warm runs, at every larger value too; null if never. */
  readonly warm: number | null;
  /**
   * Every value at which it is faster on warm runs. A batch size can pay in the middle of
   * the range and not beyond (too few batches to share out), so `warm` alone could hide it.
   */
  readonly warmAt: readonly number[];
  /** The same, counting its set-up (pool start-up) and first run against the reference's. */
  readonly withSetup: number | null;
}

/** The swept setting's value a row was measured at. */
export const sweptValue = (row: BenchRow, parameter: SweepParameter) =>
  Number(row.parameters[parameter]);
const oneShot = (row: BenchRow) => (row.setupMs ?? 0) + (row.coldMs ?? Number.NaN);

/**
 * Faster than the reference on warm runs: the whole 95 % interval of its speed-up above
 * 1 where it has one, as the verdict asks of a winner; its median below otherwise.
 */
function beatsWarm(row: BenchRow, base: BenchRow): boolean {
  if (row.speedupCi95) return row.speedupCi95[0] > 1;
  return (row.summary?.median ?? 0) < (base.summary?.median ?? 0);
}

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
      const warm = points.map(({ value, row, base }) => ({ value, beats: beatsWarm(row, base) }));
      found.push({
        job,
        strategy,
        parameter: sweep.parameter,
        warm: firstLasting(warm),
        warmAt: warm.filter(({ beats }) => beats).map(({ value }) => value),
        // One cold run each, so no interval: a strategy is said to pay counting its set-up
        // only where it also wins on warm runs (set-up and a cold run only add to a run).
        withSetup: firstLasting(
          points.map(({ value, row, base }) => ({
            value,
            beats: beatsWarm(row, base) && oneShot(row) < oneShot(base),
          })),
        ),
      });
    }
  }
  return found;
}
