import { describe, expect, it } from 'vitest';
import {
  beyondMarginP,
  holm,
  type LogDifference,
  relativePrecision,
  timeRatio,
} from '../src/benchmark/intervals.js';
import {
  medianInterval,
  modifiedZScores,
  OUTLIER_THRESHOLD,
  quantile,
  summarize,
} from '../src/benchmark/stats.js';

describe('summarize', () => {
  it('matches hand-computed figures: sample standard deviation, median of an even count', () => {
    const summary = summarize([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(summary.mean).toBe(5);
    // Σ(x − 5)² = 32, over n − 1 = 7
    expect(summary.stddev).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(summary.median).toBe(4.5);
    expect(summary.min).toBe(2);
    expect(summary.max).toBe(9);
  });

  it('gives a single run a stddev of 0', () => {
    expect(summarize([1.25])).toEqual({
      mean: 1.25,
      stddev: 0,
      median: 1.25,
      min: 1.25,
      max: 1.25,
    });
  });

  it('refuses an empty sample', () => {
    expect(() => summarize([])).toThrow(RangeError);
  });
});

describe('quantile', () => {
  it('interpolates linearly between closest ranks, like numpy', () => {
    const values = [15, 20, 35, 40, 50];
    expect(quantile(values, 0)).toBe(15);
    expect(quantile(values, 0.4)).toBe(29);
    expect(quantile(values, 0.5)).toBe(35);
    expect(quantile(values, 0.99)).toBeCloseTo(49.6, 10);
    expect(quantile(values, 1)).toBe(50);
  });
});

describe('medianInterval', () => {
  // The order statistics that scipy's binomial gives: with n values, the interval from the
  // k-th lowest to the k-th highest covers the median with 1 − 2·binom.cdf(k − 1, n, 0.5),
  // e.g. `1 - 2 * scipy.stats.binom.cdf(1, 9, 0.5)` = 0.9609 for the 2nd and 8th of nine.
  it('takes the widest-k order statistics that still cover 95 %', () => {
    const nine = [1.9, 1.1, 1.95, 1.93, 1.4, 1.97, 1.92, 1.96, 1.94];
    expect(medianInterval(nine)).toEqual([1.4, 1.96]);
    // Six values: only min and max cover 95 % (0.969); 20 values: the 6th and 15th (0.959).
    expect(medianInterval([3, 1, 2, 6, 5, 4])).toEqual([1, 6]);
    const twenty = Array.from({ length: 20 }, (_, i) => 20 - i);
    expect(medianInterval(twenty)).toEqual([6, 15]);
  });

  it('has none below six values, where even min and max cover less than 95 %', () => {
    expect(medianInterval([1, 2, 3, 4, 5])).toBeUndefined();
  });
});

describe('modifiedZScores', () => {
  it('flags what hyperfine flags: one outlier among close values, none in a normal sample', () => {
    const flagged = (values: number[]) =>
      modifiedZScores(values).filter((score) => Math.abs(score) > OUTLIER_THRESHOLD).length;
    expect(flagged([-0.2, 0.0, 0.2])).toBe(0);
    expect(flagged([-0.2, 0.0, 0.2, 4.0])).toBe(1);
    expect(flagged([0.5, 0.3, 0.29, 0.31, 0.3])).toBe(1);
    expect(
      flagged([
        2.33269488, 1.42195907, -0.57527698, -0.31293437, 2.2948158, 0.75813273, -1.0712388,
        -0.96394741, -1.15897446, 1.10976285,
      ]),
    ).toBe(0);
    // When more than half the values are equal the MAD is 0: any other value is an outlier.
    expect(flagged([10, 10, 10, 10, 10, 10, 10, 100])).toBe(1);
  });
});

// Reference values computed once with SciPy 1.10.1 (Debian 12's python3-scipy), written
// here as constants:
//   la, lb = np.log(a), np.log(b); d = la.mean() - lb.mean()
//   va, vb = la.var(ddof=1) / len(a), lb.var(ddof=1) / len(b); se = np.sqrt(va + vb)
//   df = (va + vb)**2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
//   t = scipy.stats.t.ppf(0.975, df); np.exp(d), np.exp(d - t*se), np.exp(d + t*se)
//   p = min(1, 2 * scipy.stats.t.sf((abs(d) - np.log(1.03)) / se, df))
describe('intervals of ratios (checked against SciPy)', () => {
  const ioSync = [4.2, 4.18, 4.21, 4.25];
  const ioThreading = [0.889, 0.876, 0.91];
  const cpuSync = [1.95, 2.03, 1.88, 2.1, 1.97];
  const cpuThreading = [1.19, 1.13, 1.32, 1.21, 1.16];
  const cpuProcesses = [1.16, 1.06, 1.33, 1.18, 1.12];

  it("gives Welch's interval of the ratio of geometric means", () => {
    const threads = timeRatio(ioSync, ioThreading);
    expect(threads?.ratio).toBeCloseTo(4.7219900001331405, 10);
    expect(threads?.ci95[0]).toBeCloseTo(4.5241359662967895, 8);
    expect(threads?.ci95[1]).toBeCloseTo(4.928496784239807, 8);
    expect(threads?.difference.standardError).toBeCloseTo(0.011622313916871328, 10);
    expect(threads?.difference.degreesOfFreedom).toBeCloseTo(2.400530280647453, 8);
    const cpu = timeRatio(cpuSync, cpuThreading);
    expect(cpu?.ratio).toBeCloseTo(1.6534317189960541, 10);
    expect(cpu?.ci95[0]).toBeCloseTo(1.5321781014630882, 8);
    expect(cpu?.ci95[1]).toBeCloseTo(1.7842811137763201, 8);
    expect(cpu?.difference.degreesOfFreedom).toBeCloseTo(7.202604489458885, 8);
  });

  it('has no interval below two runs on either side', () => {
    expect(timeRatio([1], [1, 2])).toBeUndefined();
    expect(relativePrecision([5])).toBe(Number.POSITIVE_INFINITY);
  });

  it('judges a difference against the margin: two pools within 3 % tie, a pool and sync do not', () => {
    const tie = timeRatio(cpuThreading, cpuProcesses)?.difference;
    const real = timeRatio(cpuSync, cpuThreading)?.difference;
    // SciPy gives 1.0190 for the first, clipped to 1, and 1.2919e-06 for the second.
    expect(beyondMarginP(tie as LogDifference, 0.03)).toBe(1);
    expect(beyondMarginP(real as LogDifference, 0.03)).toBeCloseTo(1.2919473359404316e-6, 12);
  });

  it("says how precisely one sample's typical time is known", () => {
    // np.exp(t.ppf(0.975, 5) * np.log(x).std(ddof=1) / np.sqrt(6)) - 1
    expect(relativePrecision([45.2, 46.1, 44.8, 45.9, 46.3, 45.0])).toBeCloseTo(
      0.014586354278923297,
      10,
    );
  });

  it("adjusts p-values with Holm's step-down method, in their original order", () => {
    // By hand: sorted 0.005, 0.01, 0.03, 0.04 → ×4, ×3, ×2, ×1 = 0.02, 0.03, 0.06, 0.04,
    // each at least the one before → 0.02, 0.03, 0.06, 0.06 (R's p.adjust(p, 'holm') agrees).
    const adjusted = holm([0.01, 0.04, 0.03, 0.005]);
    expect(adjusted.map((p) => Number(p.toFixed(10)))).toEqual([0.03, 0.06, 0.06, 0.02]);
    expect(holm([0.5, 0.9])).toEqual([1, 1]);
  });
});
