import { describe, expect, it } from 'vitest';
import { modifiedZScores, OUTLIER_THRESHOLD, quantile, summarize } from '../src/benchmark/stats.js';

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
