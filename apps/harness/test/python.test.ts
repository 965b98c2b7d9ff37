import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { faultUrls, refusedUrl, type SiteServer, startSiteServer } from '@speedup/site-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bench, cli, runsOnly } from './run-cli.js';

/**
 * `pnpm bench --python`: the article's own programs, on small inputs, measured and diffed
 * like every strategy. Whether Python is faster or slower is for `pnpm bench` to show,
 * not for a test on a shared machine to assert.
 */

const packagesDir = fileURLToPath(new URL('../../../packages/', import.meta.url));

/** The table row of `strategy`, its cells trimmed: `['py-io-sync', 'python', 'sequential', …]`. */
function cells(stdout: string, strategy: string): string[] {
  const line = stdout.split('\n').find((each) => each.startsWith(`│ ${strategy} `)) ?? '';
  return line
    .split('│')
    .map((cell) => cell.trim())
    .filter((cell) => cell !== '');
}

/** Programs of the Python strategies that are running now, started from this repository. */
function pythonPrograms(): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
      if (/python/.test(command) && environ.includes(`PYTHONPATH=${packagesDir}`)) {
        found.push(`${pid} ${command}`);
      }
    } catch {
      // Gone while we looked, or not ours to read.
    }
  }
  return found;
}

describe('pnpm bench --python', () => {
  let server: SiteServer;
  beforeAll(async () => {
    server = await startSiteServer({ latency: 2 });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('adds the Python programs of the selected workload, diffs them against the reference, and sets each model beside Node’s', () => {
    const run = bench([
      '--python',
      '--workload',
      'io',
      '--only',
      'io-sync,io-threading',
      '--pages',
      '6',
      '--latency',
      '2',
      ...runsOnly(1),
    ]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/I\/O-bound: download 6 pages .*; Python 3\.\d+\.\d+ \(\/.+\)/);
    for (const strategy of [
      'py-io-sync',
      'py-io-threading',
      'py-io-asyncio',
      'py-io-multiprocessing',
    ]) {
      const row = cells(run.stdout, strategy);
      expect(row.slice(0, 2), strategy).toEqual([strategy, 'python']);
      expect(row.at(-1), strategy).toBe('ok');
    }
    expect(cells(run.stdout, 'io-threading').slice(0, 2)).toEqual(['io-threading', 'node']);
    expect(run.stdout).toContain('Node and Python, model by model (download):');
    expect(run.stdout).toMatch(
      /^ {2}threads: Node \d+\.\d+x vs its sync, Python \d+\.\d+x vs its sync; .*threads/m,
    );
    expect(run.stdout).toMatch(/^ {2}sequential: Node \S+ \S+, Python \S+ \S+; /m);
  });

  it('reports faults item by item, exactly as the Node reference does', async () => {
    const [siteA, siteB] = server.sites;
    const fault = faultUrls(siteA);
    const sites = [siteA, fault.status404, fault.redirectLoop, siteB, await refusedUrl()];
    const run = bench([
      '--python',
      '--workload',
      'io',
      '--only',
      'io-sync',
      '--sites',
      sites.join(','),
      '--pages',
      '5',
      ...runsOnly(1),
    ]);
    expect(run.status, run.stdout).toBe(0);
    for (const strategy of [
      'py-io-sync',
      'py-io-threading',
      'py-io-asyncio',
      'py-io-multiprocessing',
    ]) {
      expect(cells(run.stdout, strategy).at(-1), strategy).toBe('ok');
    }
  });

  it('computes the CPU jobs exactly, with --job and --size like any strategy', () => {
    const run = bench([
      '--python',
      '--only',
      'cpu-sync',
      '--job',
      'sum-of-squares',
      '--size',
      '0.01',
      ...runsOnly(1),
    ]);
    expect(run.status, run.stderr).toBe(0);
    const pythonRows = [
      'py-cpu-sync',
      'py-cpu-threading',
      'py-cpu-multiprocessing',
      'py-cpu-asyncio',
    ];
    for (const strategy of pythonRows) {
      expect(cells(run.stdout, strategy).at(-1), strategy).toBe('ok');
    }
    expect(run.stdout).not.toContain('(fib)');
  });

  it('stops before anything runs, in one line, when the interpreter lacks what the programs import', () => {
    const dir = mkdtempSync(join(tmpdir(), 'speedup-python-'));
    try {
      // A Python without Debian's site-packages: no requests, no aiohttp.
      const bare = join(dir, 'python3');
      writeFileSync(bare, '#!/bin/sh\nexec /usr/bin/python3 -S "$@"\n');
      chmodSync(bare, 0o755);
      const run = bench(['--python', '--workload', 'io'], {
        env: { ...process.env, SPEEDUP_PYTHON: bare },
      });
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      const lines = run.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^error: the Python strategies need .* but SPEEDUP_PYTHON=.*python3 \(Python 3\.\d+\.\d+\) has no requests and aiohttp; install them with `pnpm setup:tools`/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves no Python program or pool process running after Ctrl-C', async () => {
    const before = pythonPrograms();
    // Ctrl-C in a terminal reaches every process of the foreground group: the harness,
    // its measuring process and, were it in the group, the program and its pool.
    const run = spawn(
      process.execPath,
      [cli, '--python', '--only', 'py-cpu-multiprocessing', '--job', 'fib', ...runsOnly(1)],
      { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    let stdout = '';
    let stderr = '';
    run.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
    });
    run.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    // Running once its program and its pool are up: fib(35) twenty times takes Python long.
    await vi.waitFor(
      () =>
        expect(pythonPrograms().filter((line) => !before.includes(line)).length).toBeGreaterThan(1),
      { timeout: 60_000, interval: 100 },
    );
    process.kill(-(run.pid as number), 'SIGINT');
    const [code] = (await once(run, 'exit')) as [number | null];
    expect(code, stderr).toBe(130);
    expect(stdout).toContain('STOPPED');
    await vi.waitFor(
      () => expect(pythonPrograms().filter((line) => !before.includes(line))).toEqual([]),
      { timeout: 5_000, interval: 50 },
    );
  }, 90_000);
});
