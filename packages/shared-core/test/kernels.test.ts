import { describe, expect, it } from 'vitest';
import {
  compute,
  fib,
  MAX_SUM_OF_SQUARES_N,
  sumOfSquares,
  sumOfSquaresInput,
} from '../src/index.js';

const closedForm = (n: number) => {
  const big = BigInt(n);
  return big === 0n ? 0n : ((big - 1n) * big * (2n * big - 1n)) / 6n;
};

describe('sumOfSquares', () => {
  it('matches the closed form (n − 1)·n·(2n − 1) / 6 on small and block-edge sizes', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 7, 8, 4095, 4096, 4097, 8191, 100_003]) {
      expect(sumOfSquares(n), `n = ${n}`).toBe(closedForm(n));
    }
  });

  it('computes the article’s 20 numbers exactly: their total is 833337833344750010830', () => {
    const { items } = sumOfSquaresInput();
    expect(items).toEqual(Array.from({ length: 20 }, (_, i) => 5_000_000 + i));
    let total = 0n;
    for (const n of items) {
      const value = sumOfSquares(n);
      expect(value, `n = ${n}`).toBe(closedForm(n));
      total += value;
    }
    expect(total).toBe(833337833344750010830n);
  });

  it('stays exact at its largest input, where a plain double sum would be off', () => {
    expect(sumOfSquares(MAX_SUM_OF_SQUARES_N)).toBe(closedForm(MAX_SUM_OF_SQUARES_N));
  });

  it('rejects inputs it cannot compute exactly', () => {
    expect(() => sumOfSquares(-1)).toThrow(RangeError);
    expect(() => sumOfSquares(1.5)).toThrow(RangeError);
    expect(() => sumOfSquares(MAX_SUM_OF_SQUARES_N + 1)).toThrow(/0…67108864/);
  });
});

describe('fib', () => {
  it('is the Fibonacci sequence', () => {
    expect(Array.from({ length: 12 }, (_, n) => fib(n))).toEqual([
      0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89,
    ]);
    expect(fib(30)).toBe(832040);
  });
});

describe('compute', () => {
  it('returns the input and the exact value as decimal strings', () => {
    expect(compute('fib', 20)).toEqual({ input: '20', value: '6765' });
    expect(compute('sum-of-squares', 5_000_000)).toEqual({
      input: '5000000',
      value: '41666654166667500000',
    });
  });
});
