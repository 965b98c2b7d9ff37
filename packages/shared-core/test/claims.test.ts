import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { faultUrls, type SiteServer, startSiteServer } from '@speedup/site-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crashModes } from '../src/crash.js';
import {
  type CpuResult,
  crashedComputation,
  createSession,
  downloadPage,
  type HttpSession,
  LOST_WORKER,
  mapOnPool,
  runOptions,
  startBarePool,
  type TaskEvent,
} from '../src/index.js';

// Claims of the READMEs that no other test checks, each checked against the real thing.

describe('site-server README: the redirect loop', () => {
  let server: SiteServer;
  let session: HttpSession;
  beforeAll(async () => {
    server = await startSiteServer();
    session = await createSession();
  });
  afterAll(async () => {
    await session?.close();
    await server?.close();
  });

  /** The page `downloadPage` makes of the loop, and how many requests the loop route saw. */
  const followLoop = async (options?: { maxRedirects: number }) => {
    await server.resetStats();
    const page = await downloadPage(session, faultUrls(server.sites[0]).redirectLoop, options);
    return { error: page.error, requests: (await server.stats()).faults.redirectLoop };
  };

  it('downloadPage makes maxRedirects + 1 requests, 6 by default', async () => {
    expect(await followLoop()).toEqual({ error: 'too_many_redirects', requests: 6 });
    expect(await followLoop({ maxRedirects: 2 })).toEqual({
      error: 'too_many_redirects',
      requests: 3,
    });
  });
});

describe('shared-core README: mapOnPool with a batch', () => {
  // A bare pool's worker file, serving the CPU tasks of shared-core's build: a worker
  // thread runs JavaScript, not this package's TypeScript.
  let folder: string;
  let worker: URL;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'speedup-batch-'));
    const built = new URL('../dist/index.js', import.meta.url).href;
    worker = pathToFileURL(join(folder, 'worker.mjs'));
    await writeFile(
      worker,
      `import { cpuTasks, serveOnParentPort } from '${built}';\nserveOnParentPort(cpuTasks);\n`,
    );
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('loses the whole batch a dying worker held, and only that batch; one event per item', async () => {
    // Nine `crash` items, three batches of three: item 4 ends its worker thread, in the
    // middle of batch [3, 4, 5], after item 3 has already returned.
    const dies = 4;
    const items = Array.from({ length: 9 }, (_, index) =>
      index === dies ? crashModes.exit : crashModes.none,
    );
    const pool = await startBarePool(worker, { workers: 2 });
    const events: TaskEvent[] = [];
    let results: CpuResult[];
    try {
      results = await mapOnPool(
        pool,
        'crash',
        items,
        runOptions({ onTask: (event) => events.push(event) }),
        crashedComputation,
        { batch: 3 },
      );
    } finally {
      await pool.close();
    }

    // Each item's outcome and who answered for it: the dying worker's whole batch is
    // lost, the other batches' items are computed.
    const workerOf = new Map(events.map((event) => [event.index, event.worker]));
    expect(
      results.map((result, index) => ({
        index,
        outcome: result.error ?? result.value,
        lost: workerOf.get(index) === LOST_WORKER,
      })),
    ).toEqual(
      items.map((_, index) => {
        const lost = index >= 3 && index <= 5;
        return { index, outcome: lost ? 'crashed' : '0', lost };
      }),
    );
    expect(results.filter((result) => !result.error)).toEqual(
      Array(6).fill({ input: '0', value: '0' }),
    );
    // One event per item, lost ones included.
    expect(events.map((event) => event.index).sort((a, b) => a - b)).toEqual([...items.keys()]);
  });
});
