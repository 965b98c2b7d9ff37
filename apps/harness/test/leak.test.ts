import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bench, runsOnly, scratchWorkspace } from './run-cli.js';

/**
 * apps/harness/README.md: "A strategy whose process is still running 5 s after close()
 * has leaked something and is reported as failed." A strategy the harness has never
 * seen, whose close() leaves an interval timer running, is that strategy.
 */

/** The leak as the harness words it (`EXIT_GRACE_MS` in child-process/parent.ts is 5 s). */
const LEAK = 'still running 5 s after close(): a worker, process, socket or timer was left open';

/** Whether process `pid` is still there. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

describe('pnpm bench on a strategy that leaks a timer past close()', () => {
  let root: string;
  beforeAll(() => {
    // A scratch workspace: the real io-sync as reference, and io-leaky, which downloads
    // the pages as io-sync does but starts a timer in setup that close() never clears.
    // (A download job, not a CPU one: it needs no parallel ceiling measured first.) It
    // writes down the id of each process it is set up in, beside its package.json, for
    // the test to check on.
    root = scratchWorkspace('io-sync', {
      'io-leaky': {
        workload: 'io',
        source: `import { appendFileSync } from 'node:fs';
import { createSession, defineStrategy, downloadPage, track } from '@speedup/shared-core';
export default defineStrategy({
  name: 'io-leaky', workload: 'io', model: 'sequential',
  async setup() {
    appendFileSync(new URL('../leaky.pids', import.meta.url), process.pid + '\\n');
    setInterval(() => {}, 1_000);
    const session = await createSession();
    return {
      concurrency: 1,
      async run({ items }, { signal, onTask }) {
        const pages = [];
        for (const [index, url] of items.entries()) {
          pages.push(await track(index, onTask, () => downloadPage(session, url, { signal })));
        }
        return pages;
      },
      close: () => session.close(),
    };
  },
});
`,
      },
    });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reports its row as failed, names the leak, exits 1 and leaves no process behind', async () => {
    const out = join(root, 'bench.json');
    const started = performance.now();
    const run = bench([
      '--root',
      root,
      '--only',
      'io-leaky',
      '--pages',
      '4',
      '--latency',
      '1',
      ...runsOnly(1),
      '--export-json',
      out,
    ]);
    const tookMs = performance.now() - started;
    expect(run.status, run.stderr).toBe(1);
    expect(run.stdout).toContain(LEAK);

    // Its row fails for the leak alone, found once the grace period has passed.
    const { results } = JSON.parse(readFileSync(out, 'utf8')) as {
      results: { strategy: string; ok: boolean; error: string | null }[];
    };
    expect(results.map(({ strategy, ok }) => [strategy, ok])).toEqual([
      ['io-sync', true],
      ['io-leaky', false],
    ]);
    expect(results[1]?.error).toContain(LEAK);
    expect(tookMs).toBeGreaterThanOrEqual(5_000);

    // The leaking process was killed, not left running.
    const pids = readFileSync(join(root, 'packages/io-leaky/leaky.pids'), 'utf8')
      .trim()
      .split('\n')
      .map(Number);
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) expect(isRunning(pid), `process ${pid} of io-leaky`).toBe(false);
  }, 20_000);
});
