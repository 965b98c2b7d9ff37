import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapSpaceStatistics } from 'node:v8';
import { faultUrls, refusedUrl, type SiteServer, startSiteServer } from '@speedup/site-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bench, ourProcesses, processesLeftSince, runsOnly } from './run-cli.js';

/**
 * Soaks: `pnpm bench` as a user runs it, through every I/O strategy, against what wears a
 * client down. First every fault the site server has, with short limits: every page must
 * end with the kind its fault calls for, alike in every strategy, the run within what the
 * limits allow, and nothing left behind. Then 10,000 pages: the same results everywhere,
 * and memory that does not grow with the pages beyond their result records.
 *
 * Bounds on time and memory here are generous ceilings derived from the limits, not
 * timings: they fail on a run that hangs or leaks, not on a slow machine.
 */

const IO_STRATEGIES = ['io-sync', 'io-asyncio', 'io-hybrid', 'io-multiprocessing', 'io-threading'];

interface Exported {
  results: {
    strategy: string;
    ok: boolean;
    error: string | null;
    concurrency: number;
    peak_memory: number;
    peak_sockets: number;
    outcomes: { ok: number; failed: number; by_kind: Record<string, number> } | null;
  }[];
  reference_outcomes: { url: string; pages: number; kind: string }[];
}

const dir = mkdtempSync(join(tmpdir(), 'speedup-soak-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Exported;

describe('soak: every I/O strategy against every fault, with short limits', () => {
  let server: SiteServer;
  beforeAll(async () => {
    server = await startSiteServer({ latency: 1 });
  });
  afterAll(async () => {
    await server?.close();
  });

  /**
   * Limits far apart, so each fault can end only one way even on a busy machine: a hang
   * at the headers timeout, a byte every 5 s at the body timeout, a byte a second (64 s in
   * all, and never a gap the body timeout minds) at the page timeout.
   */
  const limits = {
    connectTimeout: 2_000,
    headersTimeout: 500,
    bodyTimeout: 2_000,
    pageTimeout: 5_000,
    maxBytes: 1024 * 1024,
  };

  it('ends every page with the kind its fault calls for, alike in every strategy, within the limits, leaving nothing behind', async () => {
    const [siteA, siteB] = server.sites;
    const fault = faultUrls(siteA, { dripInterval: 5_000 });
    const pages: [url: string, kind: string][] = [
      [siteA, 'ok'],
      [fault.status500, 'http_status (500)'],
      [fault.status404, 'http_status (404)'],
      [fault.reset, 'reset'],
      [fault.hang, 'timeout (headers)'],
      [fault.drip, 'timeout (body)'],
      [faultUrls(siteA, { dripBytes: 64, dripInterval: 1_000 }).drip, 'timeout (page)'],
      [fault.short, 'short_body'],
      [fault.redirectLoop, 'too_many_redirects'],
      [fault.huge, 'too_large'],
      [await refusedUrl(), 'refused'],
      [siteB, 'ok'],
    ];
    const file = join(dir, 'faults.json');
    const report = join(dir, 'faults-report');
    const before = ourProcesses();
    const started = performance.now();
    const run = bench([
      '--workload',
      'io',
      '--sites',
      pages.map(([url]) => url).join(','),
      '--pages',
      String(pages.length),
      '--connect-timeout',
      String(limits.connectTimeout),
      '--headers-timeout',
      String(limits.headersTimeout),
      '--body-timeout',
      String(limits.bodyTimeout),
      '--page-timeout',
      String(limits.pageTimeout),
      '--max-bytes',
      String(limits.maxBytes),
      '--max-failures',
      '10',
      ...runsOnly(1),
      '--export-json',
      file,
      '--report',
      report,
    ]);
    const tookMs = performance.now() - started;

    // More than a tenth failed: --max-failures makes it exit 1, and says why.
    expect(run.status, run.stderr).toBe(1);
    expect(run.stdout).toContain('Too many failures (--max-failures 10 %)');
    expect(run.stdout).toMatch(/│ 10 \/ 12 +│ ok +│/);
    expect(run.stdout).toContain(
      'download: 10 of 12 pages failed, the same in every strategy: 1 HTTP 500, 1 HTTP 404, 1 connection reset, 1 headers timeout (over 500 ms for the response head), 1 body timeout (over 2 s between two chunks), 1 page timeout (over 5 s for the whole page), 1 body shorter than its Content-Length, 1 too many redirects, 1 body too large (over 1 MB), 1 connection refused',
    );
    const exported = read(file);
    expect(exported.results.map((record) => record.strategy).sort()).toEqual(
      [...IO_STRATEGIES].sort(),
    );
    const expectedKinds: Record<string, number> = {};
    for (const [, kind] of pages) {
      if (kind !== 'ok') expectedKinds[kind] = (expectedKinds[kind] ?? 0) + 1;
    }
    for (const record of exported.results) {
      expect(record.error, record.strategy).toBeNull();
      expect(record.ok, record.strategy).toBe(true);
      expect(record.outcomes, record.strategy).toEqual({
        ok: 2,
        failed: 10,
        by_kind: expectedKinds,
      });
    }
    expect(exported.reference_outcomes.map(({ url, kind }) => [url, kind])).toEqual(pages);
    // The report says it too: the kinds, and each strategy's failed tasks drawn apart.
    const html = readFileSync(join(report, 'index.html'), 'utf8');
    expect(html).toContain('download: 10 of 12 pages failed, the same in every strategy');
    expect(html.match(/data-chart="timeline" [^>]*data-failed="10"/g)).toHaveLength(
      IO_STRATEGIES.length,
    );
    expect(html.match(/class="task failed-task"/g)).toHaveLength(10 * IO_STRATEGIES.length);

    // Every page ends by its page timeout, so even one after another a strategy's run
    // takes at most pages × page timeout; a second more per page, and a minute for the
    // processes, pools and site server to start, make a ceiling no healthy run nears.
    const perRunMs = pages.length * (limits.pageTimeout + 1_000);
    expect(tookMs).toBeLessThan(IO_STRATEGIES.length * perRunMs + 60_000);

    // Nothing left: no measuring process, pool or worker of ours, and not one connection
    // still open at the server (hung, dripping and huge ones included).
    expect(await processesLeftSince(before)).toEqual([]);
    let open = (await server.stats()).open;
    for (let tries = 0; open > 0 && tries < 30; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      open = (await server.stats()).open;
    }
    expect(open).toBe(0);
  }, 600_000);
});

/**
 * The most V8's young generation grows to on this Node, per heap: allocate short-lived
 * objects until it stops growing. It is the headroom a heap takes before it collects, and
 * it differs by version (32 MB on Node 20, 128 MB on Node 24 here): peak memory includes it
 * whatever the work.
 */
function youngGenerationPeak(): number {
  let peak = 0;
  let garbage: { index: number; text: string }[] = [];
  for (let index = 0; index < 3_000_000; index++) {
    garbage.push({ index, text: `page ${index}` });
    if (garbage.length > 200_000) garbage = [];
    if (index % 10_000 === 0) {
      const young = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
      peak = Math.max(peak, young?.space_size ?? 0);
    }
  }
  return peak;
}

describe('soak: 10,000 pages through every I/O strategy', () => {
  /**
   * What peak memory may grow by from 5,000 to 10,000 pages (past 5,000, V8 has taken
   * most of the headroom it takes for a run like this): per page, its result record and
   * task event in the measuring process and their copies on the way to the harness, and,
   * where a strategy starts a task for every page at once (asyncio's gather, io-hybrid's
   * shares), that task while it waits: a suspended async function, its promise and its
   * place in the queue, 1 to 2 KB; 4 KB allowed. Per JavaScript heap the strategy runs (its
   * main thread and each worker thread or process), one young generation at its largest,
   * and as much again for garbage the old generation has not collected yet when the peak
   * is read: that depends on when the collector happens to run, and on a loaded machine
   * io-asyncio grew by 76 MB where it grows by 29 MB on a quiet one. A one-heap strategy
   * that kept each page's body (22 KB on average here, 110 MB more) would not pass; over
   * a pool's several heaps the check is looser.
   */
  const PER_PAGE = 4 * 1024;
  /** Worker threads or processes each strategy runs at its defaults. */
  const workersOf: Record<string, (concurrency: number) => number> = {
    'io-sync': () => 0,
    'io-asyncio': () => 0,
    // One thread per core; its concurrency is the pages in flight, not the threads.
    'io-hybrid': () => availableParallelism(),
    'io-multiprocessing': (concurrency) => concurrency,
    'io-threading': (concurrency) => concurrency,
  };

  const measure = (pages: number) => {
    const file = join(dir, `pages-${pages}.json`);
    const run = bench([
      '--workload',
      'io',
      '--pages',
      String(pages),
      '--latency',
      '1',
      ...runsOnly(1),
      '--export-json',
      file,
    ]);
    expect(run.status, run.stderr).toBe(0);
    return read(file);
  };

  it('gives every strategy the same results, a bounded number of sockets, and memory that grows with pages no more than their records do', () => {
    const perHeap = youngGenerationPeak();
    const half = measure(5_000);
    const full = measure(10_000);
    const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
    const figures: string[] = [];
    for (const record of full.results) {
      expect(record.ok, record.strategy).toBe(true);
      expect(record.outcomes, record.strategy).toEqual({ ok: 10_000, failed: 0, by_kind: {} });
      const before = half.results.find((each) => each.strategy === record.strategy);
      const heaps = 1 + (workersOf[record.strategy]?.(record.concurrency) ?? record.concurrency);
      const allowed = 5_000 * PER_PAGE + 2 * heaps * perHeap;
      const grew = record.peak_memory - (before?.peak_memory ?? 0);
      figures.push(
        `${record.strategy}: ${mb(record.peak_memory)} at 10,000 pages, ${mb(before?.peak_memory ?? 0)} at 5,000 (grew ${mb(grew)}, allowed ${mb(allowed)}: ${heaps} heap${heaps === 1 ? '' : 's'})`,
      );
      expect(grew, record.strategy).toBeLessThan(allowed);
    }
    // One session per thread or process keeps a connection or two per site; io-asyncio
    // keeps at most 256 pages in flight, on at most 256 connections per site.
    const sockets = new Map(full.results.map((record) => [record.strategy, record.peak_sockets]));
    const cores = availableParallelism();
    expect(sockets.get('io-sync')).toBeLessThanOrEqual(2 * 2);
    expect(sockets.get('io-threading')).toBeLessThanOrEqual(5 * 2 * 2);
    expect(sockets.get('io-multiprocessing')).toBeLessThanOrEqual(cores * 2 * 2);
    expect(sockets.get('io-asyncio')).toBeLessThanOrEqual(2 * 256);
    // The figures the soak is for, in the test's output.
    console.log(
      `Peak memory of the measuring process and its workers, ${process.version}, young generation up to ${mb(perHeap)} a heap:\n${figures.join('\n')}`,
    );
  }, 900_000);
});
