/**
 * The CPU-bound work, the same function for every strategy, so only the way tasks are
 * scheduled differs between them.
 */

const BLOCK_LIMIT = 2 ** 52;
/** i² must be exact in a double, and a block must be able to hold at least one term. */
export const MAX_SUM_OF_SQUARES_N = 2 ** 26;

/**
 * Σ i² for i in [0, n), exactly: the article's `sum(i * i for i in range(n))`.
 *
 * A double adds integers exactly only below 2^53, and the sum passes that early
 * (n = 5,000,000 gives 4.2e19). A BigInt loop is exact but about as slow as CPython.
 * So: add doubles in blocks short enough that a block's sum stays below 2^52, turn
 * each block's sum into a BigInt once, and let BigInt carry the total. Two running
 * sums let the processor overlap consecutive additions.
 */
export function sumOfSquares(n: number): bigint {
  if (!Number.isInteger(n) || n < 0 || n > MAX_SUM_OF_SQUARES_N) {
    throw new RangeError(
      `sum-of-squares needs an integer n in 0…${MAX_SUM_OF_SQUARES_N}, got ${n}`,
    );
  }
  let total = 0n;
  let i = 0;
  while (i < n) {
    const top = i + 4096;
    const blockEnd = Math.min(
      n,
      i + Math.max(1, Math.min(4096, Math.floor(BLOCK_LIMIT / (top * top)))),
    );
    let even = 0;
    let odd = 0;
    for (; i + 1 < blockEnd; i += 2) {
      const next = i + 1;
      even += i * i;
      odd += next * next;
    }
    if (i < blockEnd) {
      even += i * i;
      i++;
    }
    total += BigInt(even + odd);
  }
  return total;
}

/** Naive recursive Fibonacci, the 2024 revision's CPU job: slow on purpose. */
export function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}
