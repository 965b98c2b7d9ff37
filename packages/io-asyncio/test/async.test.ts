import ioAsyncio from '@speedup/io-asyncio';
import {
  downloadInput,
  mostAtOnce,
  runOptions,
  type TaskEvent,
  workersOf,
} from '@speedup/shared-core';
import { type SiteServer, startSiteServer } from '@speedup/site-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('io-asyncio', () => {
  let server: SiteServer;
  beforeAll(async () => {
    server = await startSiteServer({ latency: 50 });
  });
  afterAll(async () => {
    await server?.close();
  });

  const collect = async (pages: number, concurrency?: number) => {
    const events: TaskEvent[] = [];
    await ioAsyncio.run(downloadInput(server.sites, pages), {
      concurrency,
      onTask: (event) => events.push(event),
    });
    return events;
  };

  it('requests every page at once, all on this one thread', async () => {
    const events = await collect(40);
    expect(workersOf(events)).toEqual([`pid ${process.pid}`]);
    expect(mostAtOnce(events)).toBe(40);
  });

  it('keeps at most --concurrency pages in flight, each page taken by one task once', async () => {
    const events = await collect(30, 3);
    expect(mostAtOnce(events)).toBe(3);
    // Three tasks share one counter with no lock: none took a page twice or skipped one.
    const taken = events.map((event) => event.index).sort((a, b) => a - b);
    expect(taken).toEqual([...Array(30).keys()]);
  });

  it('opens at most one connection per page in flight, reused across runs of the session', async () => {
    await server.resetStats();
    const runner = await ioAsyncio.setup({ concurrency: 8 });
    try {
      await runner.run(downloadInput(server.sites, 40), runOptions());
      await runner.run(downloadInput(server.sites, 40), runOptions());
    } finally {
      await runner.close();
    }
    const { requests, connections, peakOpen } = await server.stats();
    expect(requests).toBe(80);
    expect(connections).toBeLessThanOrEqual(8 * 2);
    expect(peakOpen).toBeLessThanOrEqual(8 * 2);
  });
});
