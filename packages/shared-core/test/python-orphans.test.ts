import { type ChildProcess, spawn } from 'node:child_process';
import { delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { findPython, pythonModules } from '../src/harness/python.js';
import {
  firstLine,
  isRunning,
  killSurvivors,
  type StartedProcess,
  started,
  statFields,
} from './orphans.js';

/**
 * What speedup.py promises every Python program that imports it, in
 * `_end_with_the_harness`: "The harness starts a program as the leader of a process group
 * of its own, so it can end the program and every process it started (a pool's workers)
 * with one kill. If the process that started it dies first (killed, or Ctrl-C in a
 * terminal), nobody would: Linux then sends this process SIGHUP, and it ends its group
 * itself." Here the starter dies by SIGKILL, which leaves it no chance to clean up.
 */

const fixtures = new URL('./fixtures/python-orphans/', import.meta.url);
const starterScript = fileURLToPath(new URL('starter.mjs', fixtures));

describe('a Python program with a pool, when the process that started it is SIGKILLed', () => {
  let starter: ChildProcess | undefined;
  const tracked: StartedProcess[] = [];
  afterEach(() => {
    // Whatever outlived the test goes now, with any process group it leads.
    killSurvivors(tracked);
    tracked.length = 0;
    starter?.stdout?.destroy();
    starter?.stderr?.destroy();
    starter = undefined;
  });

  it('is gone soon after, and both its pool workers with it', async () => {
    // The interpreter and module path the harness gives a `python3` command.
    const pythonPath = [pythonModules, process.env.PYTHONPATH].filter(Boolean).join(delimiter);
    starter = spawn(
      process.execPath,
      [starterScript, findPython().interpreter, 'pool_program.py'],
      {
        env: { ...process.env, PYTHONPATH: pythonPath, PYTHONDONTWRITEBYTECODE: '1' },
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const starterPid = starter.pid as number;
    tracked.push(started(starterPid, 'starter'));
    const said = JSON.parse(await firstLine(starter, 'the starter')) as {
      program: number;
      workers: number[];
    };

    tracked.push(
      started(said.program, 'program'),
      ...said.workers.map((worker) => started(worker, 'pool worker')),
    );
    // Something to outlive it, started as the harness starts a program.
    expect(said.workers).toHaveLength(2);
    expect(statFields(said.program)?.[2]).toBe(String(said.program));
    const python = tracked.slice(1);
    expect(python.filter(isRunning)).toEqual(python);

    process.kill(starterPid, 'SIGKILL');

    await vi.waitFor(() => expect(python.filter(isRunning).map((left) => left.name)).toEqual([]), {
      timeout: 10_000,
      interval: 50,
    });
  }, 20_000);
});
