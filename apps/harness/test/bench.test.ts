import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBenchOptions, runBench } from '@speedup/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bench,
  benchHyperfine,
  cli,
  ourProcesses,
  processesLeftSince,
  runsOnly,
  scratchWorkspace,
  start,
} from './run-cli.js';

/**
 * A scratch workspace: the real cpu-sync as reference, plus CPU strategy packages written
 * here, none of which the harness has ever heard of; each returns `body` per item.
 */
function cpuScratchWorkspace(strategies: Record<string, string>): string {
  return scratchWorkspace(
    'cpu-sync',
    Object.fromEntries(
      Object.entries(strategies).map(([name, body]) => [
        name,
        {
          workload: 'cpu',
          source: `import { compute, defineStrategy } from '@speedup/shared-core';
export default defineStrategy({
  name: '${name}', workload: 'cpu', model: 'sequential',
  async setup() {
    return {
      concurrency: 1,
      async run({ job, items }, { onTask } = {}) {
        return items.map((n, index) => {
          const result = compute(job, n);
          onTask?.({ index, worker: 'main', start: 0, end: 0 });
          ${body}
        });
      },
      close: async () => {},
    };
  },
});
`,
        },
      ]),
    ),
  );
}

describe('pnpm bench on strategies it has never seen', () => {
  let root: string;
  beforeAll(() => {
    root = cpuScratchWorkspace({
      'cpu-fresh': 'return result;',
      'cpu-wrong': "return index === 7 ? { ...result, value: '42' } : result;",
    });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('picks up every package with the strategy field, with no harness change, and diffs each against the reference', async () => {
    const options = parseBenchOptions(['--root', root, '--job', 'sum-of-squares', ...runsOnly(2)]);
    const { rows } = await runBench(options);
    expect(rows.map((row) => row.strategy)).toEqual(['cpu-sync', 'cpu-fresh', 'cpu-wrong']);

    const fresh = rows.find((row) => row.strategy === 'cpu-fresh');
    expect(fresh).toMatchObject({ ok: true, differences: [], runsOk: [true, true] });
    expect(fresh?.timesMs).toHaveLength(2);

    const wrong = rows.find((row) => row.strategy === 'cpu-wrong');
    expect(wrong?.ok).toBe(false);
    expect(wrong?.runsOk).toEqual([false, false]);
    expect(wrong?.differences).toEqual([
      {
        index: 7,
        expected: { input: '5000007', value: '41666829166877500091' },
        actual: { input: '5000007', value: '42' },
      },
    ]);
  });

  it('finds the same differences when the strategies take turns (--interleave)', async () => {
    const options = parseBenchOptions([
      '--root',
      root,
      '--job',
      'sum-of-squares',
      ...runsOnly(2),
      '--interleave',
    ]);
    const { rows } = await runBench(options);
    expect(rows.map((row) => [row.strategy, row.ok, row.timesMs.length])).toEqual([
      ['cpu-sync', true, 2],
      ['cpu-fresh', true, 2],
      ['cpu-wrong', false, 2],
    ]);
    expect(
      rows.find((row) => row.strategy === 'cpu-wrong')?.differences.map((d) => d.index),
    ).toEqual([7]);
    expect(rows.find((row) => row.strategy === 'cpu-fresh')?.speedup).toBeGreaterThan(0);
  });

  it('exits non-zero and names the differing item on the command line', () => {
    const run = bench([
      '--root',
      root,
      '--only',
      'cpu-wrong',
      '--job',
      'sum-of-squares',
      ...runsOnly(1),
    ]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('DIFF (1)');
    expect(run.stdout).toContain(
      'cpu-wrong (sum-of-squares) differs from the reference at item 7: expected input=5000007 value=41666829166877500091, got input=5000007 value=42',
    );
  });

  it('exports every run in hyperfine’s JSON format', () => {
    const file = join(root, 'out/bench.json');
    const run = bench([
      '--root',
      root,
      '--only',
      'cpu-fresh',
      '--job',
      'sum-of-squares',
      '--runs',
      '3',
      '--min-time',
      '0',
      '--warmup',
      '1',
      '--precision',
      '0',
      '--export-json',
      file,
    ]);
    expect(run.status, run.stderr).toBe(0);
    const { results } = JSON.parse(readFileSync(file, 'utf8')) as {
      results: Record<string, unknown>[];
    };
    // The reference is measured alongside, for the diff and the speed-up.
    expect(results.map((each) => each.strategy)).toEqual(['cpu-sync', 'cpu-fresh']);
    const record = results[1];
    expect(record).toMatchObject({
      command: 'cpu-fresh sum-of-squares',
      strategy: 'cpu-fresh',
      job: 'sum-of-squares',
      workload: 'cpu',
      model: 'sequential',
      ok: true,
      exit_codes: [0, 0, 0],
    });
    for (const field of ['mean', 'stddev', 'median', 'user', 'system', 'min', 'max', 'setup']) {
      expect(typeof record?.[field], field).toBe('number');
    }
    const times = record?.times as number[];
    expect(times).toHaveLength(3);
    expect(record?.median).toBe([...times].sort((a, b) => a - b)[1]);
  });
});

describe('pnpm bench --floor', () => {
  it("counts each row's own connections: the floor's beside io-asyncio's, never added to them", async () => {
    // 20 pages, all in flight at once: each client opens at most one connection a page,
    // and reuses them on its second run.
    const options = parseBenchOptions([
      '--only',
      'io-asyncio',
      '--floor',
      '--size',
      '0.125',
      ...runsOnly(2),
    ]);
    const { rows, floors } = await runBench(options);
    const asyncio = rows.find((row) => row.strategy === 'io-asyncio');
    const [floor] = floors ?? [];
    expect(asyncio?.ok).toBe(true);
    expect(floor?.ok).toBe(true);
    for (const row of [asyncio, floor]) {
      expect(row?.connections).toBeGreaterThan(0);
      expect(row?.connections).toBeLessThanOrEqual(20);
      expect(row?.peakSockets).toBeGreaterThan(0);
      expect(row?.peakSockets).toBeLessThanOrEqual(20);
    }
  });
});

describe('pnpm bench measuring options', () => {
  let root: string;
  beforeAll(() => {
    root = cpuScratchWorkspace({ 'cpu-fresh': 'return result;' });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('keeps measuring until --min-time is used up, and reports progress line by line off a terminal', () => {
    const file = join(root, 'min-time.json');
    const run = bench([
      '--root',
      root,
      '--only',
      'cpu-fresh',
      '--job',
      'sum-of-squares',
      '--size',
      '0.01',
      '--runs',
      '2',
      '--warmup',
      '0',
      '--min-time',
      '0.05',
      '--export-json',
      file,
    ]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain('▸ cpu-fresh (sum-of-squares) …');
    expect(run.stderr).not.toContain('\r');
    const record = (
      JSON.parse(readFileSync(file, 'utf8')) as { results: { strategy: string; times: number[] }[] }
    ).results.find((each) => each.strategy === 'cpu-fresh');
    const times = record?.times ?? [];
    expect(times.length).toBeGreaterThan(2);
    expect(times.reduce((sum, time) => sum + time, 0)).toBeGreaterThanOrEqual(0.05);
  });

  it('sweeps a setting, tags every row with its value, and exports the crossovers', () => {
    const file = join(root, 'sweep.json');
    const run = bench([
      '--root',
      root,
      '--job',
      'sum-of-squares',
      ...runsOnly(1),
      '--sweep',
      'size=0.01,0.02',
      '--export-json',
      file,
    ]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('Sweep of size, sum-of-squares');
    const exported = JSON.parse(readFileSync(file, 'utf8')) as {
      results: { strategy: string; parameters: Record<string, string> }[];
      sweep: { parameter: string; values: number[] };
      crossovers: { strategy: string }[];
    };
    expect(exported.sweep).toEqual({ parameter: 'size', values: [0.01, 0.02] });
    expect(exported.results.map((result) => [result.strategy, result.parameters.size])).toEqual([
      ['cpu-sync', '0.01'],
      ['cpu-fresh', '0.01'],
      ['cpu-sync', '0.02'],
      ['cpu-fresh', '0.02'],
    ]);
    expect(exported.crossovers.map((crossover) => crossover.strategy)).toEqual(['cpu-fresh']);
  });
});

describe('pnpm bench on bad input', () => {
  it.each([
    [['--only', 'io-nope'], /^error: unknown strategy 'io-nope' \(found: .*io-sync/],
    [['--runs', '0'], /^error: option '--runs <n>' argument '0' is invalid/],
    [['--warmup', '-1'], /^error: option '--warmup <n>' argument '-1' is invalid/],
    [['--pages', 'many'], /^error: option '--pages <n>' argument 'many' is invalid/],
    [['--sites', 'file:///etc/passwd'], /not an http or https URL/],
    [['--sites', 'not a url'], /not a valid URL/],
    [['--job', 'fibonacci'], /unknown 'fibonacci'/],
    [['--workload', 'gpu'], /unknown 'gpu'/],
    [['--fast'], /^error: unknown option '--fast'/],
    [['--sweep', 'threads=1,2'], /'threads=1,2' is not a sweep/],
    [['--sweep', 'workers=1,0'], /'0' is not a whole number from 1 to/],
    [['--min-time', '-1'], /^error: option '--min-time <seconds>' argument '-1' is invalid/],
    [['--size', '20', '--job', 'sum-of-squares'], /^error: size 20 is too big for sum-of-squares/],
    [['--only', 'cpu-asyncio:fast'], /^error: unknown variant 'fast' of cpu-asyncio/],
    [
      ['--sites-file', '/nonexistent/sites.txt'],
      /cannot read '\/nonexistent\/sites.txt' \(ENOENT\)/,
    ],
    [['--sites', ','], /the list is empty/],
    [['--connect-timeout', '0'], /'0' is not a number above 0, up to 2,147,483,647/],
    // Out of range: refused before the site server or any strategy starts.
    [['--pages', '99999999'], /'99999999' is not a whole number from 1 to 100,000/],
    [['--workers', '100000'], /^error: option '--workers <n>' argument '100000' is invalid/],
    [['--workers', '1000', '--only', 'io-multiprocessing'], /can start at most \d+ of them/],
    [['--page-timeout', '2147483648'], /'2147483648' is not a number above 0, up to/],
    [['--pages', '100000', '--size', '2'], /--pages × --size is 200,000 pages/],
    [['--runs', '1001'], /'1001' is not a whole number from 1 to 1,000/],
    [['--max-failures', '-1'], /'-1' is not a number from 0 to 100/],
    [['--sweep', 'latency=1,2147483647'], /'2147483647' is not a number from 0 to/],
    [
      ['--sites', 'http://alice:s3cr3t@ho st/'],
      /'http:\/\/alice:\*\*\*@ho st\/' is not a valid URL/,
    ],
  ])('%j: one line naming the problem, exit code 2', (args, message) => {
    const run = bench(args);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toContain('s3cr3t');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stdout).toBe('');
  });

  it.each([
    ['io-sync', ['--pages', '0'], /'0' is not a whole number from 1 to 100,000/],
    ['io-multiprocessing', ['--workers', '100000'], /'100000' is not a whole number from 1 to/],
    ['io-asyncio', ['--concurrency', '1000000000'], /is not a whole number from 1 to/],
    ['io-sync', ['--page-timeout', '-5'], /'-5' is not a number above 0/],
  ])('%s start %j: refused the same way, before the server starts', (strategy, args, message) => {
    const run = start(strategy, args);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stdout).toBe('');
  });

  it('refuses the same ranges in pnpm bench:hyperfine, before looking for hyperfine', () => {
    const run = benchHyperfine(['--runs', '0']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/'0' is not a whole number from 1 to 1,000/);
  });

  it('states the range of every numeric option in --help', () => {
    const options = bench(['--help'])
      .stdout.split(/\n(?= {2}-)/)
      .map((block) => block.replace(/\s+/g, ' ').trim());
    const numeric = options.filter((option) =>
      /^--[a-z-]+ <(n|ms|seconds|percent|factor|setting=values)>/.test(option),
    );
    expect(numeric.length).toBeGreaterThan(20);
    for (const option of numeric) {
      expect(option).toMatch(/\d to [\d,]+|up to [\d,]+|within its option's range/);
    }
  });
});

/** `pnpm bench` started in the background, its output collected as it comes. */
function benchInBackground(args: readonly string[]) {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => {
    output.stdout += chunk;
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output.stderr += chunk;
  });
  /** Resolves once stderr says `text`, checking as it arrives. */
  const said = (text: string | RegExp) =>
    new Promise<void>((resolve) => {
      const check = () => {
        const found =
          typeof text === 'string' ? output.stderr.includes(text) : text.test(output.stderr);
        if (found) {
          child.stderr.off('data', check);
          resolve();
        }
      };
      child.stderr.on('data', check);
      check();
    });
  const exited = once(child, 'exit') as Promise<[number | null]>;
  return { child, output, said, exited };
}

describe('pnpm bench when interrupted', () => {
  it('stops at Ctrl-C, prints what it measured, closes everything and exits with 130', async () => {
    const before = ourProcesses();
    const run = benchInBackground(['--workload', 'io', '--latency', '100', '--runs', '3']);
    await run.said('▸ io-sync');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    run.child.kill('SIGINT');
    const [code] = await run.exited;
    expect(code).toBe(130);
    expect(run.output.stdout).toContain('STOPPED');
    expect(run.output.stdout).toContain('stopped before it finished (Ctrl-C)');
    expect(await processesLeftSince(before)).toEqual([]);
  });

  it('keeps the runs finished before Ctrl-C, marks those rows interrupted everywhere, and writes every export whole', async () => {
    const before = ourProcesses();
    const dir = mkdtempSync(join(tmpdir(), 'speedup-interrupted-'));
    try {
      // Runs that never end by themselves: a thousand of each, taking turns.
      const run = benchInBackground([
        '--workload',
        'io',
        '--only',
        'io-asyncio',
        '--pages',
        '10',
        '--latency',
        '20',
        ...runsOnly(1000),
        '--time-budget',
        '3600',
        '--export-json',
        join(dir, 'bench.json'),
        '--export-markdown',
        join(dir, 'bench.md'),
        '--report',
        join(dir, 'report'),
      ]);
      await run.said('▸ io-asyncio');
      // Long enough for both strategies to finish some runs, even on a busy machine.
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      run.child.kill('SIGINT');
      const [code] = await run.exited;
      expect(code, run.output.stderr).toBe(130);
      expect(run.output.stdout).toContain('ok (interrupted)');
      expect(run.output.stdout).toContain('Interrupted (Ctrl-C)');
      const exported = JSON.parse(readFileSync(join(dir, 'bench.json'), 'utf8')) as {
        interrupted: boolean;
        results: { strategy: string; interrupted: boolean; times: number[] }[];
      };
      expect(exported.interrupted).toBe(true);
      for (const record of exported.results) {
        expect(record.interrupted, record.strategy).toBe(true);
        expect(record.times.length, record.strategy).toBeGreaterThan(0);
        expect(record.times.length, record.strategy).toBeLessThan(1000);
      }
      expect(readFileSync(join(dir, 'bench.md'), 'utf8')).toContain('(interrupted)');
      expect(readFileSync(join(dir, 'report/index.html'), 'utf8')).toContain('data-interrupted');
      // Nothing half-written, and no temporary file, left beside the exports.
      expect(readdirSync(dir).sort()).toEqual(['bench.json', 'bench.md', 'report']);
      expect(readdirSync(join(dir, 'report'))).toEqual(['index.html']);
      expect(await processesLeftSince(before)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('pnpm bench on a run that stops making progress', () => {
  let root: string;
  beforeAll(() => {
    // io-sync as the reference, and a strategy that never finishes its fourth page: it
    // waits for nothing, past every deadline, until it is stopped.
    root = scratchWorkspace('io-sync', {
      'io-stuck': {
        workload: 'io',
        source: `import { createSession, defineStrategy, downloadPage, track } from '@speedup/shared-core';
export default defineStrategy({
  name: 'io-stuck', workload: 'io', model: 'sequential',
  async setup() {
    const session = await createSession();
    return {
      concurrency: 1,
      async run({ items }, { signal, onTask }) {
        const pages = [];
        for (const [index, url] of items.entries()) {
          if (index === 3) {
            await new Promise((_, reject) =>
              signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
          }
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

  it('says which pages it waits on once nothing has finished for longer than the page timeout explains', async () => {
    const before = ourProcesses();
    const run = benchInBackground([
      '--root',
      root,
      '--only',
      'io-stuck',
      '--pages',
      '6',
      '--latency',
      '1',
      '--page-timeout',
      '1000',
      ...runsOnly(1),
    ]);
    // The page timeout (1 s), the slack a busy machine gets (5 s), then the next log line.
    await run.said(
      /io-stuck \(download\): run 1 of 1, 3\/6 pages, \d+ s; nothing has finished for \d+ s, longer than the 1 s page timeout explains: waiting on page 3 \(http:\/\/127\.0\.0\.1:\d+\/\), 4 \(http:\/\/127\.0\.0\.1:\d+\/\), 5 \(/,
    );
    run.child.kill('SIGINT');
    const [code] = await run.exited;
    expect(code).toBe(130);
    expect(await processesLeftSince(before)).toEqual([]);
  }, 60_000);
});
