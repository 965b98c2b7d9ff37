import { availableParallelism } from 'node:os';
import ioHybrid, { MAX_IN_FLIGHT } from '@speedup/io-hybrid';
import {
  downloadInput,
  mostAtOnce,
  runOptions,
  type TaskEvent,
  workersOf,
} from '@speedup/shared-core';
import { type SiteServer, startSiteServer } from '@speedup/site-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** The events of each worker, by its label. */
function byWorker(events: readonly TaskEvent[]): Map<string, TaskEvent[]> {
  const lanes = new Map<string, TaskEvent[]>();
  for (const event of events) lanes.set(event.worker, [...(lanes.get(event.worker) ?? []), event]);
  return lanes;
}

describe('io-hybrid', () => {
  let server: SiteServer;
  beforeAll(async () => {
    server = await startSiteServer({ latency: 50 });
  });
  afterAll(async () => {
    await server?.close();
  });

  const collect = async (pages: number, setup: { workers?: number; concurrency?: number }) => {
    const events: TaskEvent[] = [];
    await ioHybrid.run(downloadInput(server.sites, pages), {
      ...setup,
      onTask: (event) => events.push(event),
    });
    return events;
  };

  it('downloads on one worker thread per core, never on the main thread', async () => {
    const events = await collect(40, {});
    expect(workersOf(events)).toHaveLength(Math.min(availableParallelism(), 40));
    for (const worker of workersOf(events)) expect(worker).toMatch(/^thread \d+$/);
  });

  it('gives each thread one share of the pages, in input order, and all of it in flight at once', async () => {
    // Half a second per page: long enough that both threads have sent every request of their
    // share before the first answer comes, even on a machine busy with other work.
    const slow = await startSiteServer({ latency: 500 });
    const events: TaskEvent[] = [];
    try {
      await ioHybrid.run(downloadInput(slow.sites, 40), {
        workers: 2,
        onTask: (event) => events.push(event),
      });
    } finally {
      await slow.close();
    }
    const shares = [...byWorker(events).values()]
      .map((lane) => lane.map((event) => event.index).sort((a, b) => a - b))
      .sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
    expect(shares).toEqual([
      Array.from({ length: 20 }, (_, i) => i),
      Array.from({ length: 20 }, (_, i) => 20 + i),
    ]);
    for (const lane of byWorker(events).values()) expect(mostAtOnce(lane)).toBe(20);
    expect(mostAtOnce(events)).toBe(40);
  });

  it('shares the in-flight limit out between the threads', async () => {
    const runner = await ioHybrid.setup({ workers: 2, concurrency: 6 });
    const events: TaskEvent[] = [];
    try {
      expect(runner.concurrency).toBe(6);
      await runner.run(
        downloadInput(server.sites, 30),
        runOptions({ onTask: (event) => events.push(event) }),
      );
    } finally {
      await runner.close();
    }
    for (const lane of byWorker(events).values()) expect(mostAtOnce(lane)).toBe(3);
    expect(mostAtOnce(events)).toBe(6);
  });

  it("keeps io-asyncio's limit by default, rounded up to a share per thread", async () => {
    const runner = await ioHybrid.setup({ workers: 3 });
    try {
      expect(runner.concurrency).toBe(Math.ceil(MAX_IN_FLIGHT / 3) * 3);
    } finally {
      await runner.close();
    }
  });

  it('keeps one session per thread across runs: connections per thread and site, not per page', async () => {
    await server.resetStats();
    const runner = await ioHybrid.setup({ workers: 2, concurrency: 8 });
    try {
      await runner.run(downloadInput(server.sites, 40), runOptions());
      await runner.run(downloadInput(server.sites, 40), runOptions());
    } finally {
      await runner.close();
    }
    const { requests, connections, peakOpen } = await server.stats();
    expect(requests).toBe(80);
    // 2 threads × 4 pages in flight × 2 sites; a session per page would open 80.
    expect(connections).toBeLessThanOrEqual(2 * 4 * 2);
    expect(peakOpen).toBeLessThanOrEqual(2 * 4 * 2);
  });
});
