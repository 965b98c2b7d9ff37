import { createHash } from 'node:crypto';
import { pageBodies, type SiteServer } from '@speedup/site-server';
import type { CpuInput, CpuResult, IoInput, PageResult } from '../types.js';

/**
 * What a run must return, computed without any strategy, so the references are held to
 * the same tests as the rest.
 */

const sha256 = (body: Buffer) => createHash('sha256').update(body).digest('hex');

/** What the local server's pages must download as, computed from its bytes, not from any strategy. */
export function expectedPages(server: SiteServer, input: IoInput): PageResult[] {
  const bodies = new Map([
    [server.sites[0], pageBodies.A],
    [server.sites[1], pageBodies.B],
  ]);
  return input.items.map((url) => {
    const body = bodies.get(url) as Buffer;
    return { url, status: 200, bytes: body.length, sha256: sha256(body) };
  });
}

/** Independent answers for CPU jobs: the closed form of Σ i² and an iterative Fibonacci. */
export function expectedCpu(input: CpuInput): CpuResult[] {
  return input.items.map((n) => {
    if (input.job === 'sum-of-squares' || input.job === 'many-small') {
      const big = BigInt(n);
      return {
        input: String(n),
        value: String(big === 0n ? 0n : ((big - 1n) * big * (2n * big - 1n)) / 6n),
      };
    }
    let [a, b] = [0, 1];
    for (let i = 0; i < n; i++) [a, b] = [b, a + b];
    return { input: String(n), value: String(a) };
  });
}
