import ioThreading from '@speedup/io-threading';
import { downloadInput, mostAtOnce, type TaskEvent, workersOf } from '@speedup/shared-core';
import { type SiteServer, startSiteServer } from '@speedup/site-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('io-threading', () => {
  let server: SiteServer;
  beforeAll(async () => {
    server = await startSiteServer({ latency: 10 });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('downloads on 5 threads by default, at most 5 pages at once', async () => {
    const events: TaskEvent[] = [];
    await ioThreading.run(downloadInput(server.sites, 60), {
      onTask: (event) => events.push(event),
    });
    expect(workersOf(events)).toHaveLength(5);
    for (const worker of workersOf(events)) expect(worker).toMatch(/^thread \d+$/);
    expect(mostAtOnce(events)).toBeLessThanOrEqual(5);
  });

  it('reuses one session per thread: connections stay per thread and site, not per page', async () => {
    await server.resetStats();
    await ioThreading.run(downloadInput(server.sites, 80), { workers: 4 });
    const { requests, connections } = await server.stats();
    expect(requests).toBe(80);
    // One session per thread keeps a connection or two per site; a session per request
    // would open 80.
    expect(connections).toBeLessThanOrEqual(4 * 2 * 2);
  });
});
