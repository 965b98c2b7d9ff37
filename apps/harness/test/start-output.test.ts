import { pageSizes } from '@speedup/site-server';
import { describe, expect, it } from 'vitest';
import { start } from './run-cli.js';

/**
 * The README's promise: `pnpm --filter @speedup/<name> start` runs one strategy alone and
 * prints what the article's scripts print: a line per page or item, then how long set-up
 * and the work took. Checked on what a user sees, a run that succeeds.
 */

const lines = (stdout: string) => stdout.trimEnd().split('\n');

/** Σ i² for i < n, from the closed form (n − 1)n(2n − 1)/6, not from the kernel. */
const sumOfSquaresBelow = (n: number) => {
  const big = BigInt(n);
  return ((big - 1n) * big * (2n * big - 1n)) / 6n;
};

describe('pnpm start, when the run succeeds', () => {
  it('io-asyncio: a "Read <bytes> from <url>" line per page from the local server it starts, then set-up and download times', () => {
    const run = start('io-asyncio', ['--pages', '4', '--latency', '1']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);

    const output = lines(run.stdout);
    expect(output).toHaveLength(6);
    // One line per page, in the order they finished, each run in this one process.
    const pages = output.slice(0, 4).map((line) => {
      const match = /^Read (\d+) from (http:\/\/127\.0\.0\.1:\d+\/) \[pid (\d+)\]$/.exec(line);
      expect(match, line).not.toBeNull();
      expect(Number(match?.[3])).toBe(run.pid);
      return { bytes: Number(match?.[1]), url: String(match?.[2]) };
    });
    // Two sites, two pages each, every page of a site its whole body: one A, one B.
    const bytesBySite = new Map<string, number[]>();
    for (const { url, bytes } of pages) {
      bytesBySite.set(url, [...(bytesBySite.get(url) ?? []), bytes]);
    }
    const sites = [...bytesBySite.values()];
    expect(sites).toHaveLength(2);
    expect(sites).toContainEqual([pageSizes.A, pageSizes.A]);
    expect(sites).toContainEqual([pageSizes.B, pageSizes.B]);
    expect(output[4]).toMatch(/^Set up in \d+\.\d{3} seconds$/);
    expect(output[5]).toMatch(
      /^Downloaded 4 in \d+\.\d{3} seconds \(local server, 1 ms latency\)$/,
    );
  });

  it("cpu-sync: each of the article's 20 sums, exact, in input order, their total 833337833344750010830, then set-up and compute times", () => {
    const run = start('cpu-sync', []);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);

    const output = lines(run.stdout);
    const ns = Array.from({ length: 20 }, (_, i) => 5_000_000 + i);
    expect(output.slice(0, 20)).toEqual(
      ns.map((n) => `sum-of-squares(${n}) = ${sumOfSquaresBelow(n)} [pid ${run.pid}]`),
    );
    // The total the package READMEs quote, and the sum of the closed forms above.
    const total = ns.reduce((sum, n) => sum + sumOfSquaresBelow(n), 0n);
    expect(total).toBe(833337833344750010830n);
    expect(output[20]).toBe(`Total ${total}`);
    expect(output[21]).toMatch(/^Set up in \d+\.\d{3} seconds$/);
    expect(output[22]).toMatch(/^Computed 20 sum-of-squares items in \d+\.\d{3} seconds$/);
    expect(output).toHaveLength(23);
  });
});
