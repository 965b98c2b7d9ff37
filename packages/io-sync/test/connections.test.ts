import ioSync from '@speedup/io-sync';
import { downloadInput, runOptions } from '@speedup/shared-core';
import { type SiteServer, startSiteServer } from '@speedup/site-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The README: one session for every request keeps its connections to each site open, so
// the server sees two connections to a site however many pages, not one per page.
describe('io-sync', () => {
  let server: SiteServer;
  beforeAll(async () => {
    server = await startSiteServer({ latency: 1 });
  });
  afterAll(async () => {
    await server?.close();
  });

  /** Runs io-sync on `pages` pages of `sites`: the pages that failed, and what the server saw. */
  const download = async (sites: readonly string[], pages: number) => {
    await server.resetStats();
    const runner = await ioSync.setup({});
    try {
      const results = await runner.run(downloadInput(sites, pages), runOptions());
      const { connections, requests } = await server.stats();
      return { failed: results.filter((page) => page.error), connections, requests };
    } finally {
      await runner.close();
    }
  };

  it('downloads 40 pages of one site over two connections, not one per page', async () => {
    const { failed, connections, requests } = await download([server.sites[0]], 40);
    expect(failed).toEqual([]);
    expect(requests).toBe(40);
    // Two, not one: undici (7.30) hands a kept-alive socket to the next
    // request only a full event-loop turn after the response ended (`setImmediate` in
    // client-h1.js), and `downloadPage` resolves as the body ends. The second page, sent
    // at once, finds the first connection still busy and opens another; from then on the
    // two take turns.
    expect(connections).toBe(2);
  });

  it('opens exactly one connection per site when pages alternate between two sites', async () => {
    // Here each site's connection is free again by the time its next page is sent.
    expect(await download(server.sites, 40)).toEqual({ failed: [], connections: 2, requests: 40 });
  });
});
