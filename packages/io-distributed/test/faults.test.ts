import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import ioDistributed from '@speedup/io-distributed';
import {
  diffResults,
  downloadInput,
  type PageResult,
  runOptions,
  type TaskEvent,
} from '@speedup/shared-core';
import { childPids } from '@speedup/shared-core/harness';
import { pageBodies, type SiteServer, startSiteServer } from '@speedup/site-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

/** This process's children running the package's worker script. */
const workerProcesses = () =>
  childPids().filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(
        'io-distributed/dist/worker.mjs',
      );
    } catch {
      return false;
    }
  });

describe('io-distributed, when a worker dies', () => {
  let server: SiteServer;
  beforeAll(async () => {
    server = await startSiteServer({ latency: 1 });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('hands the page of a worker killed mid-download to another worker: every page is still exact', async () => {
    const input = downloadInput(server.sites, 3);
    const expected = input.items.map((url) => {
      const body = url === server.sites[0] ? pageBodies.A : pageBodies.B;
      const sha256 = createHash('sha256').update(body).digest('hex');
      return { url, status: 200, bytes: body.length, sha256 };
    });
    // Responses a minute away: the one worker is surely mid-download when it is killed.
    await server.configure({ latency: 60_000 });
    await server.resetStats();

    const events: TaskEvent[] = [];
    const runner = await ioDistributed.setup({ workers: 1 });
    try {
      const [victim] = workerProcesses();
      const running = runner.run(input, runOptions({ onTask: (event) => events.push(event) }));
      await vi.waitFor(async () => expect((await server.stats()).requests).toBe(1), {
        timeout: 10_000,
        interval: 20,
      });
      process.kill(victim as number, 'SIGKILL');
      // From now on pages come at once, so only the page that went back on the queue
      // could still be waiting.
      await server.configure({ latency: 1 });

      const results: PageResult[] = await running;
      expect(diffResults(expected, results)).toEqual([]);
      // The first page was asked for twice, once by the worker that died: at least once.
      expect((await server.stats()).requests).toBe(input.items.length + 1);
      const first = events.find((event) => event.index === 0);
      expect(first?.worker).toMatch(/\/pid \d+$/);
      expect(first?.worker).not.toContain(`pid ${victim}`);
    } finally {
      await runner.close();
    }
  }, 30_000);
});
