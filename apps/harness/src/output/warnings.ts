import { aboveCeiling, ceilingFor } from '../benchmark/comparisons.js';
import type { BenchResult, BenchRow } from '../benchmark/result.js';
import { modifiedZScores, OUTLIER_THRESHOLD } from '../benchmark/stats.js';
import { duration, ratio, ratioWithInterval } from './format.js';

/** Spread (σ ÷ mean) above which the runs disagree too much to trust a single figure. */
const WILD_SPREAD = 0.25;

/**
 * What a careful reader should be told about a row's runs, in hyperfine's words where
 * hyperfine has them: outliers, a slow first run, runs that vary wildly.
 */
export function warningsFor(row: BenchRow): string[] {
  const times = row.timesMs;
  if (!row.summary || times.length < 3) return [];
  const warnings: string[] = [];
  const scores = modifiedZScores(times);
  if ((scores[0] ?? 0) > OUTLIER_THRESHOLD) {
    warnings.push(
      `The first measured run was significantly slower than the rest (${duration(times[0])}). Consider more --warmup runs, or re-run on a quiet machine.`,
    );
  } else if (scores.some((score) => Math.abs(score) > OUTLIER_THRESHOLD)) {
    warnings.push(
      'Statistical outliers were detected. Consider re-running this benchmark on a quiet machine without interference from other programs.',
    );
  }
  const spread = row.summary.stddev / row.summary.mean;
  if (spread > WILD_SPREAD) {
    warnings.push(
      `Runs vary widely (σ = ${(spread * 100).toFixed(0)}% of the mean). Compare strategies as ratios within one run, and repeat with more --runs.`,
    );
  }
  return warnings;
}

/**
 * Warnings that need the whole run: a CPU speed-up whose interval lies wholly above what
 * this machine's cores give independent processes, the top of the ceiling's own interval
 * included, cannot be real.
 */
export function resultWarnings(result: BenchResult): { row: BenchRow; text: string }[] {
  const { parallelCeiling: ceiling, cores } = result;
  if (ceiling === undefined) return [];
  return result.rows.flatMap((row) => {
    if (!aboveCeiling(row, cores, ceiling, result.parallelCeilingCi95)) return [];
    if (!row.speedupCi95 || row.concurrency === undefined) return [];
    const possible = ceilingFor(row.concurrency, cores, ceiling);
    return [
      {
        row,
        text: `its speed-up, ${ratioWithInterval(row.speedup, row.speedupCi95)}, lies above the ${ratio(possible)} this machine's cores give independent processes. That is a measurement problem, most often a reference that ran slower than usual: re-run it.`,
      },
    ];
  });
}
