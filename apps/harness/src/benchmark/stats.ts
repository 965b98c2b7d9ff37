/** Summary statistics of a sample of timings, in the sample's unit. */
export interface Summary {
  readonly mean: number;
  /** Sample standard deviation (n − 1), 0 for a single value; hyperfine reports the same. */
  readonly stddev: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

export function stddev(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const average = mean(values);
  return Math.sqrt(
    values.reduce((sum, value) => sum + (value - average) ** 2, 0) / (values.length - 1),
  );
}

/** Linear interpolation between closest ranks (the method of numpy's default). */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const lower = sorted[below] as number;
  const upper = sorted[Math.min(below + 1, sorted.length - 1)] as number;
  return lower + (upper - lower) * (position - below);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** P(X ≤ k) for X ~ Binomial(n, 1/2). */
function binomialHalfCdf(k: number, n: number): number {
  let term = 0.5 ** n;
  let total = 0;
  for (let i = 0; i <= k; i++) {
    total += term;
    term *= (n - i) / (i + 1);
  }
  return total;
}

/**
 * A distribution-free interval of the median: the order statistics `k`-th lowest and
 * `k`-th highest with `k` as large as keeps the coverage at least `level` (the sign test's
 * interval; with 9 values, the 2nd and 8th, 96 %). Undefined below 6 values, where even
 * the lowest and highest cover less than 95 %.
 */
export function medianInterval(
  values: readonly number[],
  level = 0.95,
): readonly [number, number] | undefined {
  const n = values.length;
  const sorted = [...values].sort((a, b) => a - b);
  let k = 0;
  while (1 - 2 * binomialHalfCdf(k, n) >= level) k++;
  // k is now the first count that falls short: the interval is the k-th lowest to the k-th highest.
  if (k === 0) return undefined;
  return [sorted[k - 1] as number, sorted[n - k] as number];
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new RangeError('cannot summarize an empty sample');
  return {
    mean: mean(values),
    stddev: stddev(values),
    median: median(values),
    min: Math.min(...values),
    max: Math.max(...values),
  };
}

/**
 * A modified Z-score above this marks an outlier: ten standard deviations, estimated
 * robustly as 1.4826 × the median absolute deviation. hyperfine uses the same rule.
 */
export const OUTLIER_THRESHOLD = 1.4826 * 10;

/** (x − median) ÷ MAD for every value (Iglewicz and Hoaglin's modified Z-score). */
export function modifiedZScores(values: readonly number[]): number[] {
  const middle = median(values);
  const mad = median(values.map((value) => Math.abs(value - middle))) || Number.EPSILON;
  return values.map((value) => (value - middle) / mad);
}
