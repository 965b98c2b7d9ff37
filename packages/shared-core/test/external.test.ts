import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  findPython,
  loadStrategy,
  PythonMissing,
  readStrategyPackage,
} from '../src/harness/index.js';
import { type CpuStrategy, runOptions } from '../src/strategy.js';
import type { TaskEvent } from '../src/types.js';

/**
 * A strategy in another language, as the harness sees it: a program that speaks the
 * JSON-lines protocol. This one is a Node script run as a plain command, which is all
 * the adapter knows of it. It squares numbers; 0 hangs, a negative number -n exits with
 * code n after a word on stderr. It starts a helper process, as a pool would, and writes
 * the helper's pid and what it was given to files, for the tests to check.
 */
const PROGRAM = `
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const helper = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
writeFileSync('helper.pid', String(helper.pid));
writeFileSync('given.json', JSON.stringify({
  setup: JSON.parse(process.env.SPEEDUP_SETUP),
  limits: JSON.parse(process.env.SPEEDUP_HTTP_LIMITS),
}));
const send = (message) => process.stdout.write(JSON.stringify(message) + '\\n');
send({ type: 'ready', concurrency: JSON.parse(process.env.SPEEDUP_SETUP).workers ?? 3 });
console.log('a stray print, not a message');
for await (const line of createInterface({ input: process.stdin })) {
  const { items } = JSON.parse(line);
  const results = [];
  for (const [index, n] of items.entries()) {
    if (n === 0) await new Promise((resolve) => setTimeout(resolve, 600_000));
    if (n < 0) {
      console.error('giving up on purpose');
      process.exit(-n);
    }
    const start = Date.now();
    results.push({ input: String(n), value: String(n * n) });
    send({ type: 'task', index, worker: 'pid ' + process.pid, start, end: Date.now() });
  }
  send({ type: 'results', results });
}
helper.kill();
`;

let dir: string;

beforeAll(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'speedup-external-')), 'cpu-squares');
  mkdirSync(dir);
  writeFileSync(join(dir, 'program.mjs'), PROGRAM);
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: '@x/cpu-squares',
      speedup: {
        workload: 'cpu',
        model: 'sequential',
        language: 'javascript',
        command: [process.execPath, 'program.mjs'],
      },
    }),
  );
});
afterAll(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

const load = async () => {
  const pkg = readStrategyPackage(dir);
  if (!pkg) throw new Error('not a strategy package');
  return (await loadStrategy(pkg)) as CpuStrategy;
};

const helperPid = () => Number(readFileSync(join(dir, 'helper.pid'), 'utf8'));

/** Running, or stopped: not gone, and not a zombie waiting for whoever adopted it to reap it. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** A kill is delivered when the killed process next runs: on a busy machine, a moment later. */
async function expectGone(pid: number): Promise<void> {
  await vi.waitFor(() => expect(alive(pid), `process ${pid} is still running`).toBe(false), {
    timeout: 3_000,
    interval: 20,
  });
}

describe('a strategy that is a command, not a Node module', () => {
  it('is read from its package.json with its language and command', () => {
    expect(readStrategyPackage(dir)).toMatchObject({
      name: 'cpu-squares',
      language: 'javascript',
      command: [process.execPath, 'program.mjs'],
    });
  });

  it('must list its program and arguments', () => {
    const bad = join(dir, '..', 'cpu-bad');
    mkdirSync(bad, { recursive: true });
    writeFileSync(
      join(bad, 'package.json'),
      JSON.stringify({
        speedup: { workload: 'cpu', model: 'sequential', command: 'python3 x.py' },
      }),
    );
    expect(() => readStrategyPackage(bad)).toThrow(
      'cpu-bad: package.json "speedup.command" must list a program and its arguments',
    );
  });

  it('is set up, run and closed through JSON lines, and leaves nothing running', async () => {
    const strategy = await load();
    expect(strategy).toMatchObject({ name: 'cpu-squares', workload: 'cpu', model: 'sequential' });
    const runner = await strategy.setup({ workers: 2 });
    const events: TaskEvent[] = [];
    try {
      expect(runner.concurrency).toBe(2);
      const input = { job: 'sum-of-squares' as const, items: [3, 4, 5] };
      const results = await runner.run(input, runOptions({ onTask: (e) => events.push(e) }));
      expect(results).toEqual([
        { input: '3', value: '9' },
        { input: '4', value: '16' },
        { input: '5', value: '25' },
      ]);
      expect(await runner.run(input, runOptions())).toEqual(results);
    } finally {
      await runner.close();
    }
    expect(events.map((event) => event.index)).toEqual([0, 1, 2]);
    expect(events[0]?.worker).toMatch(/^pid \d+$/);
    const given = JSON.parse(readFileSync(join(dir, 'given.json'), 'utf8'));
    expect(given.setup).toEqual({ workers: 2 });
    expect(given.limits).toMatchObject({ connectTimeout: expect.any(Number) });
    await expectGone(helperPid());
  });

  it('stops when aborted: the run rejects with the reason, and the program and what it started end', async () => {
    const runner = await (await load()).setup({});
    const stop = new AbortController();
    try {
      const running = runner.run(
        { job: 'sum-of-squares', items: [2, 0, 3] },
        runOptions({ signal: stop.signal, onTask: () => stop.abort(new Error('stop now')) }),
      );
      await expect(running).rejects.toThrow('stop now');
    } finally {
      await runner.close();
    }
    await expectGone(helperPid());
  });

  it('fails a run whose program dies, naming how and what it said last', async () => {
    const runner = await (await load()).setup({});
    try {
      await expect(
        runner.run({ job: 'sum-of-squares', items: [2, -3] }, runOptions()),
      ).rejects.toThrow('cpu-squares: its program exited with code 3: giving up on purpose');
      await expect(runner.run({ job: 'sum-of-squares', items: [2] }, runOptions())).rejects.toThrow(
        /exited with code 3/,
      );
    } finally {
      await runner.close();
    }
    await expectGone(helperPid());
  });
});

describe('choosing the Python that runs the article’s programs', () => {
  it('takes SPEEDUP_PYTHON when it names one with requests and aiohttp, with its version', () => {
    const python = findPython({ SPEEDUP_PYTHON: '/usr/bin/python3', PATH: '' });
    expect(python.interpreter).toBe('/usr/bin/python3');
    expect(python.version).toMatch(/^3\.\d+\.\d+$/);
  });

  it('skips a python3 on PATH that lacks the modules, for the next one', () => {
    const shims = mkdtempSync(join(tmpdir(), 'speedup-shim-'));
    try {
      const shim = join(shims, 'python3');
      // A version manager's shim whose Python has neither module: -S leaves out the
      // system's site-packages, where Debian installs them.
      writeFileSync(shim, '#!/bin/sh\nexec /usr/bin/python3 -S "$@"\n');
      chmodSync(shim, 0o755);
      expect(findPython({ PATH: `${shims}:/usr/bin` }).interpreter).toBe('/usr/bin/python3');
      const error = (() => {
        try {
          findPython({ SPEEDUP_PYTHON: shim, PATH: '/usr/bin' });
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(PythonMissing);
      const message = (error as Error).message;
      expect(message).toContain(`but SPEEDUP_PYTHON=${shim} (Python 3.`);
      expect(message).toContain('has no requests and aiohttp');
      expect(message).toContain('pnpm setup:tools');
      expect(message).not.toContain('\n');
    } finally {
      rmSync(shims, { recursive: true, force: true });
    }
  });

  it('says so when the interpreter does not exist', () => {
    expect(() => findPython({ SPEEDUP_PYTHON: '/nowhere/python3', PATH: '' })).toThrow(
      /but SPEEDUP_PYTHON=\/nowhere\/python3 does not run/,
    );
  });
});
