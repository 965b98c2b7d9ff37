import { childPids } from '@speedup/shared-core/harness';
import { beforeAll, describe, expect, it } from 'vitest';
// Worker threads load compiled files, so the demo is tested as built (`pnpm build`).
import { compareSessionPolicies, type PolicyRun } from '../dist/sessions.js';

/** Worker threads of this process still alive, as Node's diagnostic report lists them. */
const liveWorkerThreads = () =>
  (process.report.getReport() as { workers: unknown[] }).workers.length;

/** Sockets, pipes and processes this process holds open, by kind. */
const openHandles = () =>
  process
    .getActiveResourcesInfo()
    .filter((type) => ['TCPSocketWrap', 'TCPWrap', 'PipeWrap', 'ProcessWrap'].includes(type))
    .sort();

describe('sessions demo', () => {
  const pages = 40;
  const workers = 4;
  let perWorker: PolicyRun;
  let perRequest: PolicyRun;
  let before: { children: number[]; handles: string[] };

  beforeAll(async () => {
    before = { children: childPids(), handles: openHandles() };
    const runs = await compareSessionPolicies({ pages, workers, latency: 2 });
    perWorker = runs.find((run) => run.policy === 'per worker') as PolicyRun;
    perRequest = runs.find((run) => run.policy === 'per request') as PolicyRun;
  });

  it('downloads every page both ways', () => {
    for (const run of [perWorker, perRequest]) {
      expect(run.failedPages).toBe(0);
      expect(run.requests).toBe(pages);
      expect(run.workers.reduce((sum, tally) => sum + tally.requestsMade, 0)).toBe(pages);
    }
  });

  it('every worker of the pool took part and counted for itself', () => {
    for (const run of [perWorker, perRequest]) {
      expect(run.workers).toHaveLength(workers);
      expect(new Set(run.workers.map((tally) => tally.worker)).size).toBe(workers);
    }
  });

  it('with sessionForThisWorker, each worker creates exactly one dispatcher', () => {
    for (const tally of perWorker.workers) {
      expect(tally.dispatchersCreated).toBe(1);
      expect(tally.requestsMade).toBeGreaterThan(0);
    }
  });

  it('with sessionForThisWorker, the server sees at most one connection per worker and site', () => {
    expect(perWorker.connections).toBeGreaterThanOrEqual(workers);
    expect(perWorker.connections).toBeLessThanOrEqual(workers * 2);
  });

  it('a new dispatcher per request opens a new connection per request', () => {
    for (const tally of perRequest.workers) {
      expect(tally.dispatchersCreated).toBe(tally.requestsMade);
    }
    expect(perRequest.connections).toBe(pages);
    expect(perRequest.connections).toBeGreaterThan(perWorker.connections);
  });

  it('leaves no worker thread, child process or socket running', async () => {
    expect(liveWorkerThreads()).toBe(0);
    expect(childPids().filter((pid) => !before.children.includes(pid))).toEqual([]);
    // Closing sockets completes on the next turns of the event loop.
    for (let wait = 0; wait < 20 && openHandles().length > before.handles.length; wait++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(openHandles()).toEqual(before.handles);
  });
});
