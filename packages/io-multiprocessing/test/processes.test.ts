import { availableParallelism } from 'node:os';
import ioMultiprocessing from '@speedup/io-multiprocessing';
import { downloadInput, mostAtOnce, type TaskEvent, workersOf } from '@speedup/shared-core';
import { type SiteServer, startSiteServer } from '@speedup/site-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('io-multiprocessing', () => {
  let server: SiteServer;
  beforeAll(async () => {
    server = await startSiteServer({ latency: 10 });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('downloads in child processes, one per CPU by default, and says which process served each page', async () => {
    const events: TaskEvent[] = [];
    await ioMultiprocessing.run(downloadInput(server.sites, 40), {
      onTask: (event) => events.push(event),
    });
    const workers = workersOf(events);
    expect(workers.length).toBeGreaterThanOrEqual(1);
    expect(workers.length).toBeLessThanOrEqual(availableParallelism());
    for (const worker of workers) {
      expect(worker).toMatch(/^pid \d+$/);
      expect(worker).not.toBe(`pid ${process.pid}`);
    }
    expect(mostAtOnce(events)).toBeLessThanOrEqual(availableParallelism());
  });

  it('builds one session per process when it starts: connections stay per process and site', async () => {
    await server.resetStats();
    await ioMultiprocessing.run(downloadInput(server.sites, 80), { workers: 3 });
    const { requests, connections } = await server.stats();
    expect(requests).toBe(80);
    // One session per process keeps a connection or two per site; a session per request
    // would open 80.
    expect(connections).toBeLessThanOrEqual(3 * 2 * 2);
  });
});
