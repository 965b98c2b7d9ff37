import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type IoInput, type PageResult, runOptions, type TaskEvent } from '@speedup/shared-core';
import { mapOnQueue, openQueue } from '@speedup/shared-core/queue';
import { faultUrls, type SiteServer, startSiteServer } from '@speedup/site-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNothingLeftRunning, snapshot } from '../src/conformance/leaks.js';
import { loadStrategy, readStrategyPackage } from '../src/harness/index.js';

/**
 * The README's promise for the job queue: a job whose task throws is tried 3 times, on
 * any worker, then reported `failed`; and io-distributed, whose task turns a page's fault
 * into a record instead of throwing, asks for a faulty page once, never again. Both run
 * on a redis-server of their own (installed by `pnpm setup:tools`), as every queue test does.
 */

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'speedup-queue-attempts-'));
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/**
 * A worker script that notes every call of its task in `calls` (one line, the item's
 * name) and throws until the item has been tried more than `throws` times.
 */
function countingWorker(calls: string): URL {
  const queueModule = new URL('../dist/queue/index.js', import.meta.url).href;
  const script = join(scratch, 'counting-worker.mjs');
  writeFileSync(
    script,
    `import { appendFileSync, readFileSync } from 'node:fs';
import { serveQueue } from ${JSON.stringify(queueModule)};

const calls = ${JSON.stringify(calls)};
serveQueue((_job, { name, throws }) => {
  appendFileSync(calls, name + '\\n');
  const tries = readFileSync(calls, 'utf8').split('\\n').filter((line) => line === name).length;
  if (tries <= throws) throw new Error(name + ' threw on try ' + tries);
  return name + ' ok on try ' + tries;
});
`,
  );
  return pathToFileURL(script);
}

/** How many times the task was called for each item, from the worker's notes. */
function callsPerItem(calls: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of readFileSync(calls, 'utf8').split('\n').filter(Boolean)) {
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

describe('a job whose task throws, on the queue', () => {
  it('is tried exactly 3 times, on any worker, then reported failed with its last error', async () => {
    const calls = join(scratch, 'calls.txt');
    writeFileSync(calls, '');
    const before = snapshot();
    const queue = await openQueue({
      strategy: 'attempts-check',
      worker: countingWorker(calls),
      workers: 2,
    });
    const events: TaskEvent[] = [];
    try {
      const items = [
        // Throws on every try: given up after the third.
        { name: 'always', throws: 1_000 },
        // Would succeed on a 4th try, which never comes.
        { name: 'thrice', throws: 3 },
        // Succeeds on the 3rd, the last try there is.
        { name: 'twice', throws: 2 },
        // Never throws: tried once.
        { name: 'never', throws: 0 },
      ];
      const results = await mapOnQueue(
        queue,
        'throwing',
        items,
        runOptions({ onTask: (event) => events.push(event) }),
        {
          crashed: ({ name }) => `${name} crashed`,
          failed: ({ name }, error) => `${name} failed: ${(error as Error).message}`,
        },
      );
      expect(results).toEqual([
        'always failed: always threw on try 3',
        'thrice failed: thrice threw on try 3',
        'twice ok on try 3',
        'never ok on try 1',
      ]);
      expect(callsPerItem(calls)).toEqual({ always: 3, thrice: 3, twice: 3, never: 1 });
      // Each item's outcome is one task event, failed ones included.
      expect(events.map((event) => event.index).sort()).toEqual([0, 1, 2, 3]);
    } finally {
      await queue.close();
    }
    // Its redis-server, its two workers and its connections are gone.
    await expectNothingLeftRunning(before);
  });
});

describe("io-distributed, when a page's fault comes back", () => {
  let server: SiteServer;
  beforeAll(async () => {
    server = await startSiteServer({ latency: 1 });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('asks for a page that answers 500, and one whose connection is reset, once each: reported, not retried', async () => {
    const pkg = readStrategyPackage(
      fileURLToPath(new URL('../../io-distributed/', import.meta.url)),
    );
    if (!pkg) throw new Error('packages/io-distributed is not a strategy package');
    const strategy = await loadStrategy(pkg);
    if (strategy.workload !== 'io') throw new Error('io-distributed is not an I/O strategy');
    const faults = faultUrls(server.sites[0]);
    const input: IoInput = { job: 'download', items: [faults.status500, faults.reset] };

    await server.resetStats();
    const before = snapshot();
    const runner = await strategy.setup({ workers: 2 });
    let results: PageResult[];
    try {
      results = await runner.run(input, runOptions());
    } finally {
      await runner.close();
    }
    await expectNothingLeftRunning(before);

    // The server saw each page asked for once.
    const stats = await server.stats();
    expect(stats.faults).toMatchObject({ status: 1, reset: 1 });
    expect(stats.requests).toBe(2);
    // Each reported as its fault, in its place.
    expect(results).toMatchObject([
      { url: faults.status500, status: 500, error: 'http_status' },
      { url: faults.reset, error: 'reset' },
    ]);
  });
});
