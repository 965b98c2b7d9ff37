import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bench, runsOnly } from './run-cli.js';

interface Record {
  strategy: string;
  ok: boolean;
  peak_sockets: number;
  peak_memory: number;
}

describe('10,000 pages through every I/O strategy', () => {
  it('completes with results that agree, and a bounded number of sockets', () => {
    const dir = mkdtempSync(join(tmpdir(), 'speedup-load-'));
    try {
      const file = join(dir, 'load.json');
      const run = bench([
        '--workload',
        'io',
        '--pages',
        '10000',
        '--latency',
        '1',
        '--jitter',
        '2',
        ...runsOnly(1),
        '--export-json',
        file,
      ]);
      expect(run.status, run.stdout + run.stderr).toBe(0);
      const { results } = JSON.parse(readFileSync(file, 'utf8')) as { results: Record[] };
      const byName = new Map(results.map((record) => [record.strategy, record]));
      for (const record of results) expect(record.ok, record.strategy).toBe(true);
      // One session per thread or process keeps a connection or two per site.
      const cores = availableParallelism();
      expect(byName.get('io-sync')?.peak_sockets).toBeLessThanOrEqual(2 * 2);
      expect(byName.get('io-threading')?.peak_sockets).toBeLessThanOrEqual(5 * 2 * 2);
      expect(byName.get('io-multiprocessing')?.peak_sockets).toBeLessThanOrEqual(cores * 2 * 2);
      // io-asyncio keeps at most 256 pages in flight, on at most 256 connections per site.
      expect(byName.get('io-asyncio')?.peak_sockets).toBeLessThanOrEqual(2 * 256);
      for (const record of results)
        expect(record.peak_memory, record.strategy).toBeLessThan(1024 ** 3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
