import { faultUrls, refusedUrl, startSiteServer } from '@speedup/site-server';
import { expect, it } from 'vitest';
import { downloadInput } from '../jobs.js';
import { HTTP_LIMITS_VARIABLE, setHttpLimits } from '../limits.js';
import { diffResults } from '../results.js';
import { type IoStrategy, runOptions } from '../strategy.js';
import { mostAtOnce } from '../tasks.js';
import type { IoInput, PageResult, SetupOptions } from '../types.js';
import { expectedPages } from './expected.js';
import { expectEachItem, expectOneEventPerItem, type ItemCase, outcomeOf } from './items.js';
import { expectNothingLeftRunning, snapshot } from './leaks.js';
import { type Load, runCollecting, siteServerDuringTests } from './runs.js';

/** Runs `task` with these download limits in force for every session it creates, then restores them. */
async function withHttpLimits<T>(
  limits: Parameters<typeof setHttpLimits>[0],
  task: () => Promise<T>,
): Promise<T> {
  const saved = process.env[HTTP_LIMITS_VARIABLE];
  setHttpLimits(limits);
  try {
    return await task();
  } finally {
    if (saved === undefined) delete process.env[HTTP_LIMITS_VARIABLE];
    else process.env[HTTP_LIMITS_VARIABLE] = saved;
  }
}

/** What every I/O strategy promises, whatever runs its tasks. Its crash tests are in crashes.ts. */
export function ioTests(load: Load<IoStrategy>, setup: SetupOptions): void {
  const server = siteServerDuringTests({ latency: 2 });

  it('downloads every page, in input order, exactly as the server sent it', async () => {
    const input = downloadInput(server().sites, 40);
    const { results } = await runCollecting(await load(), setup, input);
    expect(diffResults(expectedPages(server(), input), results)).toEqual([]);
  });

  it('keeps input order when pages finish out of order', async () => {
    // Up to 100 ms of jitter per response: pages in flight together finish in another order
    // than they were asked for, so a strategy that returns them as they finish is caught.
    // (At 20 ms, a loaded machine could open the connections one by one slower than that,
    // and the pages then finished in order after all.)
    const jittery = await startSiteServer({ latency: 1, jitter: 100 });
    try {
      const input = downloadInput(jittery.sites, 40);
      const { results, events } = await runCollecting(await load(), setup, input);
      expect(diffResults(expectedPages(jittery, input), results)).toEqual([]);
      // Events arrive as tasks finish: where tasks overlapped, they must not all be in order,
      // or this test proved nothing.
      if (mostAtOnce(events) > 1) {
        expect(events.map((event) => event.index)).not.toEqual(input.items.map((_, i) => i));
      }
    } finally {
      await jittery.close();
    }
  });

  it('reports one task event per page, with the worker that ran it', async () => {
    const input = downloadInput(server().sites, 40);
    const { events } = await runCollecting(await load(), setup, input);
    expectOneEventPerItem(events, 40);
  });

  it('can run again on the same runner, with the same results', async () => {
    const input = downloadInput(server().sites, 12);
    const runner = await (await load()).setup(setup);
    try {
      const first = await runner.run(input, runOptions());
      const second = await runner.run(input, runOptions());
      expect(diffResults(first, second)).toEqual([]);
      expect(diffResults(expectedPages(server(), input), second)).toEqual([]);
    } finally {
      await runner.close();
    }
  });

  it('stops when aborted, even while every response is still a minute away, and leaves nothing running', async () => {
    const before = snapshot();
    const slow = await startSiteServer({ latency: 60_000 });
    try {
      const stop = new AbortController();
      setTimeout(() => stop.abort(new Error('stop now')), 200);
      await expect(
        runCollecting(await load(), setup, downloadInput(slow.sites, 20), { signal: stop.signal }),
      ).rejects.toThrow('stop now');
    } finally {
      await slow.close();
    }
    await expectNothingLeftRunning(before);
  });

  it('leaves no worker, process or socket running after close()', async () => {
    const before = snapshot();
    await runCollecting(await load(), setup, downloadInput(server().sites, 20));
    await expectNothingLeftRunning(before);
  });

  it('turns every failing page into a record with its error, downloads the rest, and cleans up', async () => {
    const before = snapshot();
    const [siteA, siteB] = server().sites;
    // Limits far enough apart that each fault can end only one way, even on a busy machine:
    // a hang ends at the headers timeout (0.5 s), a byte every 5 s at the body timeout
    // (1 s), a byte every 100 ms for 6.4 s at the page timeout (3 s), long before either
    // would finish.
    const limits = {
      connectTimeout: 2_000,
      headersTimeout: 500,
      bodyTimeout: 1_000,
      pageTimeout: 3_000,
      maxBytes: 1024 * 1024,
    };
    const fault = faultUrls(siteA, { dripInterval: 5_000 });
    const steadyDrip = faultUrls(siteA, { dripBytes: 64, dripInterval: 100 }).drip;
    const cases: (ItemCase & { url: string })[] = [
      { what: 'site A', url: siteA, expected: 'ok' },
      { what: 'status 500', url: fault.status500, expected: 'http_status (500)' },
      { what: 'site B', url: siteB, expected: 'ok' },
      { what: 'status 404', url: fault.status404, expected: 'http_status (404)' },
      { what: 'reset mid-body', url: fault.reset, expected: 'reset' },
      { what: 'never answers', url: fault.hang, expected: 'timeout (headers)' },
      { what: 'a byte every 5 s', url: fault.drip, expected: 'timeout (body)' },
      { what: 'a byte every 100 ms, for 6.4 s', url: steadyDrip, expected: 'timeout (page)' },
      { what: 'body shorter than announced', url: fault.short, expected: 'short_body' },
      { what: 'redirects forever', url: fault.redirectLoop, expected: 'too_many_redirects' },
      { what: 'body over the size cap', url: fault.huge, expected: 'too_large' },
      { what: 'port refused', url: await refusedUrl(), expected: 'refused' },
      { what: 'site B', url: siteB, expected: 'ok' },
    ];
    const input: IoInput = { job: 'download', items: cases.map(({ url }) => url) };
    const started = performance.now();
    const { results, events } = await withHttpLimits(limits, async () =>
      runCollecting(await load(), setup, input),
    );
    const tookMs = performance.now() - started;
    expectEachItem(cases, results.map(outcomeOf));
    expectOneEventPerItem(events, cases.length);
    expect(results.map((page) => page.status)).toEqual([
      200, 500, 200, 404, 0, 0, 0, 0, 0, 0, 0, 0, 200,
    ]);
    // Every page ends within its page timeout, so even one page after another the run
    // cannot take longer than all of them together (plus a second each for a busy machine).
    expect(tookMs).toBeLessThan(cases.length * (limits.pageTimeout + 1_000));
    const working = [0, 2, 12];
    const expected = expectedPages(server(), {
      job: 'download',
      items: working.map((i) => input.items[i] as string),
    });
    expect(
      diffResults(
        expected,
        working.map((i) => results[i] as PageResult),
      ),
    ).toEqual([]);
    await expectNothingLeftRunning(before);
  }, 60_000);
}
