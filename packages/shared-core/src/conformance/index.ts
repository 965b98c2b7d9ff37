import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  faultUrls,
  pageBodies,
  refusedUrl,
  type SiteServer,
  startSiteServer,
} from '@speedup/site-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { crashModes } from './crash.js';
import { loadStrategy, readStrategyPackage } from './harness/packages.js';
import { childPids } from './harness/processes.js';
import { downloadInput, fibInput, sumOfSquaresInput } from './jobs.js';
import { HTTP_LIMITS_VARIABLE, setHttpLimits } from './limits.js';
import { diffResults } from './results.js';
import { type CpuStrategy, type IoStrategy, runOptions, type Strategy } from './strategy.js';
import { mostAtOnce } from './tasks.js';
import type {
  CpuInput,
  CpuResult,
  IoInput,
  PageError,
  PageResult,
  Runner,
  RunOptions,
  SetupOptions,
  TaskEvent,
} from './types.js';

/**
 * The strategy contract as a test suite. A strategy package runs all of it with one
 * call from its own test file:
 *
 *   import { conformance } from '@speedup/shared-core/conformance';
 *   conformance(new URL('..', import.meta.url));
 *
 * It loads the package as the harness does (its built entry), so run `pnpm build`
 * first; the root `pnpm test` does.
 */

export interface ConformanceOptions {
  /** Set-up options for every run, e.g. a small pool to keep tests quick. */
  readonly setup?: SetupOptions;
}

const sha256 = (body: Buffer) => createHash('sha256').update(body).digest('hex');

/** What the local server's pages must download as, computed from its bytes, not from any strategy. */
function expectedPages(server: SiteServer, input: IoInput): PageResult[] {
  const bodies = new Map([
    [server.sites[0], pageBodies.A],
    [server.sites[1], pageBodies.B],
  ]);
  return input.items.map((url) => {
    const body = bodies.get(url) as Buffer;
    return { url, status: 200, bytes: body.length, sha256: sha256(body) };
  });
}

/** Independent answers for CPU jobs: the closed form of Σ i² and an iterative Fibonacci. */
function expectedCpu(input: CpuInput): CpuResult[] {
  return input.items.map((n) => {
    if (input.job === 'sum-of-squares') {
      const big = BigInt(n);
      return {
        input: String(n),
        value: String(big === 0n ? 0n : ((big - 1n) * big * (2n * big - 1n)) / 6n),
      };
    }
    let [a, b] = [0, 1];
    for (let i = 0; i < n; i++) [a, b] = [b, a + b];
    return { input: String(n), value: String(a) };
  });
}

/** Resources that mean "something the strategy started is still alive". */
const LIVE_RESOURCES = new Set([
  'MessagePort',
  'ProcessWrap',
  'TCPSocketWrap',
  'TCPWrap',
  'PipeWrap',
  'Worker',
]);

function liveResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) {
    if (LIVE_RESOURCES.has(type)) counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  return counts;
}

/**
 * Waits up to `withinMs` for this process to be back to `baseline`: no more worker
 * threads, child processes, sockets or pipes than before the strategy started.
 */
async function expectNothingLeftRunning(
  baseline: { resources: Map<string, number>; children: number[] },
  withinMs = 3_000,
): Promise<void> {
  const deadline = performance.now() + withinMs;
  const leftovers = () => {
    const extra: string[] = [];
    for (const [type, count] of liveResources()) {
      const before = baseline.resources.get(type) ?? 0;
      if (count > before) extra.push(`${count - before} × ${type}`);
    }
    const children = childPids().filter((pid) => !baseline.children.includes(pid));
    if (children.length > 0) extra.push(`child processes ${children.join(', ')}`);
    return extra;
  };
  let extra = leftovers();
  while (extra.length > 0 && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    extra = leftovers();
  }
  expect(extra, 'still running after close()').toEqual([]);
}

const snapshot = () => ({ resources: liveResources(), children: childPids() });

/** Runs `input` on a fresh runner, collecting task events, and closes it. */
async function runCollecting<Input, Result>(
  strategy: { setup(options: SetupOptions): Promise<Runner<Input, Result>> },
  setup: SetupOptions,
  input: Input,
  options: Partial<RunOptions> = {},
): Promise<{ results: Result[]; events: TaskEvent[] }> {
  const events: TaskEvent[] = [];
  const runner = await strategy.setup(setup);
  try {
    const results = await runner.run(
      input,
      runOptions({
        signal: options.signal,
        onTask: (event) => {
          events.push(event);
          options.onTask?.(event);
        },
      }),
    );
    return { results, events };
  } finally {
    await runner.close();
  }
}

function expectOneEventPerItem(events: readonly TaskEvent[], items: number): void {
  expect(events.map((event) => event.index).sort((a, b) => a - b)).toEqual(
    Array.from({ length: items }, (_, i) => i),
  );
  for (const event of events) {
    expect(event.worker).toMatch(/\S/);
    expect(event.end).toBeGreaterThanOrEqual(event.start);
  }
}

function ioSuite(load: () => Promise<IoStrategy>, setup: SetupOptions, model: string): void {
  let server: SiteServer;
  beforeAll(async () => {
    server = await startSiteServer({ latency: 2 });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('downloads every page, in input order, exactly as the server sent it', async () => {
    const input = downloadInput(server.sites, 40);
    const { results } = await runCollecting(await load(), setup, input);
    expect(diffResults(expectedPages(server, input), results)).toEqual([]);
  });

  it('keeps input order when pages finish out of order', async () => {
    // Up to 20 ms of jitter per response: pages in flight together finish in another order
    // than they were asked for, so a strategy that returns them as they finish is caught.
    const jittery = await startSiteServer({ latency: 1, jitter: 20 });
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
    const input = downloadInput(server.sites, 40);
    const { events } = await runCollecting(await load(), setup, input);
    expectOneEventPerItem(events, 40);
  });

  it('can run again on the same runner, with the same results', async () => {
    const input = downloadInput(server.sites, 12);
    const runner = await (await load()).setup(setup);
    try {
      const first = await runner.run(input, runOptions());
      const second = await runner.run(input, runOptions());
      expect(diffResults(first, second)).toEqual([]);
      expect(diffResults(expectedPages(server, input), second)).toEqual([]);
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
    await runCollecting(await load(), setup, downloadInput(server.sites, 20));
    await expectNothingLeftRunning(before);
  });

  it('turns every failing page into a record with its error, downloads the rest, and cleans up', async () => {
    const before = snapshot();
    const [siteA, siteB] = server.sites;
    const fault = faultUrls(siteA, { dripInterval: 5_000 });
    const cases: [url: string, error: PageError | undefined][] = [
      [siteA, undefined],
      [fault.status500, 'http_status'],
      [siteB, undefined],
      [fault.status404, 'http_status'],
      [fault.reset, 'reset'],
      [fault.hang, 'timeout'],
      [fault.drip, 'timeout'],
      [fault.short, 'reset'],
      [fault.redirectLoop, 'too_many_redirects'],
      [fault.huge, 'too_large'],
      [await refusedUrl(), 'refused'],
      [siteB, undefined],
    ];
    const input: IoInput = { job: 'download', items: cases.map(([url]) => url) };
    const { results, events } = await withHttpLimits(
      { connectTimeout: 2_000, headersTimeout: 500, bodyTimeout: 500, maxBytes: 1024 * 1024 },
      async () => runCollecting(await load(), setup, input),
    );
    expect(results.map((page) => page.error)).toEqual(cases.map(([, error]) => error));
    expectOneEventPerItem(events, cases.length);
    expect(results.map((page) => page.status)).toEqual([
      200, 500, 200, 404, 0, 0, 0, 0, 0, 0, 0, 200,
    ]);
    const working = [0, 2, 11];
    const expected = expectedPages(server, {
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
  }, 20_000);

  // A thread cannot be killed from outside its pool, but a process can: kill the one
  // that is waiting for a page, as a crash or the OOM killer would.
  if (model === 'processes') {
    it('loses only the page whose process is killed mid-download; the pool replaces it and carries on', async () => {
      const before = snapshot();
      await server.resetStats();
      const [siteA, siteB] = server.sites;
      const input: IoInput = { job: 'download', items: [siteA, faultUrls(siteA).hang, siteB] };
      // One process, so the one to kill is the one holding the hung request.
      const runner = await (await load()).setup({ ...setup, workers: 1 });
      try {
        const running = runner.run(input, runOptions());
        await vi.waitFor(async () => expect((await server.stats()).faults.hang).toBe(1), {
          timeout: 10_000,
          interval: 20,
        });
        const children = childPids().filter((pid) => !before.children.includes(pid));
        expect(children).toHaveLength(1);
        process.kill(children[0] as number, 'SIGKILL');
        const results = await running;
        expect(results.map((page) => page.error)).toEqual([undefined, 'crashed', undefined]);
        expect(
          diffResults(expectedPages(server, { job: 'download', items: [siteA, siteB] }), [
            results[0] as PageResult,
            results[2] as PageResult,
          ]),
        ).toEqual([]);
        const again = downloadInput(server.sites, 6);
        expect(
          diffResults(expectedPages(server, again), await runner.run(again, runOptions())),
        ).toEqual([]);
      } finally {
        await runner.close();
      }
      await expectNothingLeftRunning(before);
    }, 30_000);
  }
}

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

function cpuSuite(load: () => Promise<CpuStrategy>, setup: SetupOptions, model: string): void {
  // Sizes differ so tasks finish out of order on parallel strategies: order must still hold.
  const mixedFib: CpuInput = { job: 'fib', items: [24, 3, 26, 0, 1, 20, 25, 12, 22, 2] };
  const smallSums = sumOfSquaresInput(0.02);

  it('computes sum-of-squares exactly, in input order', async () => {
    const { results } = await runCollecting(await load(), setup, smallSums);
    expect(diffResults(expectedCpu(smallSums), results)).toEqual([]);
  });

  it('computes fib exactly, in input order, when tasks finish out of order', async () => {
    const { results } = await runCollecting(await load(), setup, mixedFib);
    expect(diffResults(expectedCpu(mixedFib), results)).toEqual([]);
  });

  it('reports one task event per item, with the worker that ran it', async () => {
    const { events } = await runCollecting(await load(), setup, mixedFib);
    expectOneEventPerItem(events, mixedFib.items.length);
  });

  it('can run again on the same runner, with the same results', async () => {
    const input = fibInput(18, 6);
    const runner = await (await load()).setup(setup);
    try {
      const first = await runner.run(input, runOptions());
      const second = await runner.run(smallSums, runOptions());
      const third = await runner.run(input, runOptions());
      expect(diffResults(first, third)).toEqual([]);
      expect(diffResults(expectedCpu(smallSums), second)).toEqual([]);
    } finally {
      await runner.close();
    }
  });

  it('stops when aborted, even with minutes of work queued, and leaves nothing running', async () => {
    const before = snapshot();
    // fib(45) takes tens of seconds: a strategy that ignores the abort times out here.
    const input: CpuInput = { job: 'fib', items: [20, 45, 45, 45, 45] };
    const stop = new AbortController();
    await expect(
      runCollecting(await load(), setup, input, {
        signal: stop.signal,
        onTask: () => stop.abort(new Error('stop now')),
      }),
    ).rejects.toThrow('stop now');
    await expectNothingLeftRunning(before);
  }, 15_000);

  it('leaves no worker or process running after close()', async () => {
    const before = snapshot();
    await runCollecting(await load(), setup, fibInput(20, 8));
    await expectNothingLeftRunning(before);
  });

  it('turns a task that throws into a failed record and computes the rest', async () => {
    const { none, throw: throws } = crashModes;
    const input: CpuInput = { job: 'crash', items: [none, throws, none] };
    const { results, events } = await runCollecting(await load(), setup, input);
    expectOneEventPerItem(events, input.items.length);
    expect(results.map((result) => [result.value, result.error])).toEqual([
      ['0', undefined],
      ['', 'failed'],
      ['0', undefined],
    ]);
  });

  // Only where tasks run in worker threads or child processes can the caller's loop go on
  // turning while they compute, and a task kill its worker without killing the caller.
  if (model === 'threads' || model === 'processes') {
    it('keeps the calling thread free while the workers compute', async () => {
      const runner = await (await load()).setup(setup);
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 5);
      try {
        await runner.run(fibInput(30, 8), runOptions());
      } finally {
        clearInterval(ticker);
        await runner.close();
      }
      // The loop kept turning during the run; a blocked loop would not tick at all.
      expect(ticks).toBeGreaterThan(0);
    });

    it('loses only the task whose worker dies; the pool replaces the worker and carries on', async () => {
      const before = snapshot();
      const { none, throwLater, exit, kill, outOfMemory } = crashModes;
      // Killing itself with a signal ends a whole process: only a process worker can.
      const deaths =
        model === 'processes'
          ? [throwLater, exit, kill, outOfMemory]
          : [throwLater, exit, outOfMemory];
      const items = deaths.flatMap((mode) => [none, mode]).concat(none);
      const runner = await (await load()).setup(setup);
      try {
        const results = await runner.run({ job: 'crash', items }, runOptions());
        expect(results.map((result) => result.error)).toEqual(
          items.map((mode) => (mode === none ? undefined : 'crashed')),
        );
        const again = fibInput(20, 8);
        expect(diffResults(expectedCpu(again), await runner.run(again, runOptions()))).toEqual([]);
      } finally {
        await runner.close();
      }
      await expectNothingLeftRunning(before);
    }, 30_000);
  }
}

/** Registers the contract's tests for the strategy package in `packageDir`. */
export function conformance(
  packageDir: string | URL,
  { setup = {} }: ConformanceOptions = {},
): void {
  const dir = typeof packageDir === 'string' ? packageDir : fileURLToPath(packageDir);
  const pkg = readStrategyPackage(dir);
  if (!pkg)
    throw new Error(`${dir} has no "speedup" field in its package.json: not a strategy package`);
  let strategy: Promise<Strategy> | undefined;
  const load = () => {
    strategy ??= loadStrategy(pkg);
    return strategy;
  };

  const name = setup.variant ? `${pkg.name}:${setup.variant}` : pkg.name;
  describe(`${name} meets the strategy contract`, () => {
    it('is built, and its code declares the workload and model its package.json declares', async () => {
      const loaded = await load();
      expect(loaded.name).toBe(pkg.name);
      expect(loaded.workload).toBe(pkg.workload);
      expect(loaded.model).toBe(pkg.model);
    });

    it('declares how many tasks it runs at once', async () => {
      const runner = await (await load()).setup(setup);
      try {
        expect(runner.concurrency).toBeGreaterThanOrEqual(1);
      } finally {
        await runner.close();
      }
    });

    if (pkg.workload === 'io') ioSuite(load as () => Promise<IoStrategy>, setup, pkg.model);
    else cpuSuite(load as () => Promise<CpuStrategy>, setup, pkg.model);
  });
}
