import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

/**
 * How sure a ratio of two strategies' times is. Wall times are few (three to a few dozen
 * runs), positive and skewed to the right: a slow run is far more likely than a fast one.
 * Their logarithms are close to normal, and the ratio of two times is a difference of
 * logarithms, so a ratio's interval is Welch's t-interval for the difference of the mean
 * log times, exponentiated (a ratio of geometric means). It needs no equal spreads, no
 * equal run counts and no random numbers, so the same times always give the same
 * interval. Differences are judged against a practical margin (a 1 % difference between
 * two runs of a shared machine is not a result), and, where one run compares many pairs,
 * with Holm's correction, so that not every tenth comparison of equals is a "winner".
 */

export const CONFIDENCE = 0.95;

/** The logarithms of a sample of times: what the intervals are computed on. */
export interface LogSample {
  readonly n: number;
  readonly mean: number;
  /** Sample variance (n − 1). */
  readonly variance: number;
}

/** Two runs at least: one run says nothing about how much the next would differ. */
export function logSample(times: readonly number[]): LogSample | undefined {
  if (times.length < 2 || times.some((time) => !(time > 0))) return undefined;
  const logs = times.map(Math.log);
  const mean = logs.reduce((sum, value) => sum + value, 0) / logs.length;
  const variance = logs.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (logs.length - 1);
  return { n: logs.length, mean, variance };
}

/** A low and high bound, low ≤ high. */
export type Interval = readonly [low: number, high: number];

/** A difference of log means with its standard error and Welch–Satterthwaite degrees of freedom. */
export interface LogDifference {
  /** Σ of the samples' mean logs, each with its sign. */
  readonly estimate: number;
  readonly standardError: number;
  readonly degreesOfFreedom: number;
}

/**
 * `+a − b`, or any signed sum of independent samples' mean logs (a ratio of ratios, when
 * comparing with a saved run, has four), with the Welch–Satterthwaite degrees of freedom.
 */
export function logDifference(
  terms: readonly (readonly [sign: 1 | -1, sample: LogSample])[],
): LogDifference {
  const parts = terms.map(([, sample]) => sample.variance / sample.n);
  const variance = parts.reduce((sum, part) => sum + part, 0);
  const denominator = terms.reduce(
    (sum, [, sample], i) => sum + (parts[i] as number) ** 2 / (sample.n - 1),
    0,
  );
  return {
    estimate: terms.reduce((sum, [sign, sample]) => sum + sign * sample.mean, 0),
    standardError: Math.sqrt(variance),
    // With no spread at all the estimate is exact: as many degrees of freedom as runs.
    degreesOfFreedom:
      denominator > 0
        ? variance ** 2 / denominator
        : terms.reduce((sum, [, sample]) => sum + sample.n - 1, 0),
  };
}

/** The interval of exp(difference) at `level`. */
export function ratioInterval(difference: LogDifference, level = CONFIDENCE): Interval {
  const { estimate, standardError, degreesOfFreedom } = difference;
  const t = tQuantile(0.5 + level / 2, degreesOfFreedom);
  return [Math.exp(estimate - t * standardError), Math.exp(estimate + t * standardError)];
}

/** Typical time of `numerator` ÷ typical time of `denominator`, with its interval; undefined below two runs each. */
export function timeRatio(
  numerator: readonly number[],
  denominator: readonly number[],
): { ratio: number; ci95: Interval; difference: LogDifference } | undefined {
  const top = logSample(numerator);
  const bottom = logSample(denominator);
  if (!top || !bottom) return undefined;
  const difference = logDifference([
    [1, top],
    [-1, bottom],
  ]);
  return { ratio: Math.exp(difference.estimate), ci95: ratioInterval(difference), difference };
}

/**
 * Relative half-width of the interval of one sample's typical time: 0.02 means the
 * (geometric) mean is known to about ±2 %. Infinite below two runs.
 */
export function relativePrecision(times: readonly number[]): number {
  const sample = logSample(times);
  if (!sample) return Number.POSITIVE_INFINITY;
  const halfWidth =
    tQuantile(0.5 + CONFIDENCE / 2, sample.n - 1) * Math.sqrt(sample.variance / sample.n);
  return Math.exp(halfWidth) - 1;
}

/**
 * The two-sided p-value of "the ratio lies beyond the margin, on the side its estimate
 * is on": small when the difference is both real and larger than `margin` (0.03 for 3 %).
 * Its interval lying wholly beyond the margin is the same as p < 1 − CONFIDENCE.
 */
export function beyondMarginP(difference: LogDifference, margin: number): number {
  const { estimate, standardError, degreesOfFreedom } = difference;
  const distance = Math.abs(estimate) - Math.log1p(margin);
  if (standardError === 0) return distance > 0 ? 0 : 1;
  const t = distance / standardError;
  return Math.min(1, 2 * (1 - tCdf(t, degreesOfFreedom)));
}

/**
 * Holm's step-down adjustment of p-values, in their original order: the smallest is
 * multiplied by the number of comparisons, the next by one fewer, and so on, each at
 * least as large as the one before. Controls the chance of any false "difference" among
 * all of them, without assuming the comparisons are independent.
 */
export function holm(pValues: readonly number[]): number[] {
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  const adjusted = new Array<number>(pValues.length);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (pValues.length - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}
