import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { REDIS_URL_VARIABLE, REMOTE_WORKERS_VARIABLE } from '@speedup/shared-core/redis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { descendantPids } from '../src/harness/processes.js';

/**
 * The README's promise that nothing outlives set-up: the redis-server and the worker
 * processes it starts are killed by the kernel when the process that started them dies,
 * however it dies. Here it dies by SIGKILL, which leaves it no chance to clean up.
 */

const setUpScript = fileURLToPath(new URL('./fixtures/queue-orphans/set-up.mjs', import.meta.url));

/** A process, told apart from a later one given the same pid by when it started. */
interface StartedProcess {
  readonly pid: number;
  /** `redis-server 4242`, `worker 4243`: what a failure names. */
  readonly name: string;
  readonly startTime: string;
}

/** The fields of /proc/<pid>/stat after the command name, or undefined once it is gone. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may contain spaces.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

function started(pid: number, name: string): StartedProcess {
  const startTime = statFields(pid)?.[19];
  if (startTime === undefined) throw new Error(`${name} ${pid} is not running`);
  return { pid, name: `${name} ${pid}`, startTime };
}

function isRunning({ pid, startTime }: StartedProcess): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const fields = statFields(pid);
  // A zombie has already died: only its new parent's wait for it is missing.
  return fields !== undefined && fields[19] === startTime && fields[0] !== 'Z';
}

const byNumber = (a: number, b: number) => a - b;

/** The first line `child` prints; rejects with what it said on stderr if it exits first. */
function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let said = '';
    let complained = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      said += chunk.toString();
      if (said.includes('\n')) resolve(said.slice(0, said.indexOf('\n')));
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      complained += chunk.toString();
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`set-up exited (${signal ?? `code ${code}`}): ${complained}`)),
    );
  });
}

describe('the processes set-up starts, when the process that started them is SIGKILLed', () => {
  let setUp: ChildProcess | undefined;
  const tracked: StartedProcess[] = [];
  afterEach(() => {
    // Whatever outlived the test goes now, with any process group it leads.
    for (const left of tracked.filter(isRunning)) {
      const leadsItsGroup = statFields(left.pid)?.[2] === String(left.pid);
      for (const target of leadsItsGroup ? [-left.pid, left.pid] : [left.pid]) {
        try {
          process.kill(target, 'SIGKILL');
        } catch {}
      }
    }
    tracked.length = 0;
    setUp?.stdout?.destroy();
    setUp?.stderr?.destroy();
    setUp = undefined;
  });

  it('are all gone soon after: the redis-server and every worker', async () => {
    const env = { ...process.env };
    // A Redis of its own, and workers of its own: what set-up starts when told of none.
    delete env[REDIS_URL_VARIABLE];
    delete env[REMOTE_WORKERS_VARIABLE];
    setUp = spawn(process.execPath, [setUpScript], {
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pid = setUp.pid as number;
    tracked.push(started(pid, 'set-up'));
    const labels = JSON.parse(await firstLine(setUp)) as string[];

    const workerPids = labels.map((label) => Number(label.split('pid ')[1]));
    const below = descendantPids(pid);
    const redisPids = below.filter(
      (child) => readFileSync(`/proc/${child}/comm`, 'utf8').trim() === 'redis-server',
    );
    tracked.push(
      ...redisPids.map((child) => started(child, 'redis-server')),
      ...workerPids.map((child) => started(child, 'worker')),
    );
    // Something to outlive it, and nothing below it but those.
    expect(redisPids).toHaveLength(1);
    expect(workerPids).toHaveLength(2);
    expect([...below].sort(byNumber)).toEqual([...redisPids, ...workerPids].sort(byNumber));
    const children = tracked.slice(1);
    expect(children.filter(isRunning)).toEqual(children);

    process.kill(pid, 'SIGKILL');

    await vi.waitFor(
      () => expect(children.filter(isRunning).map((child) => child.name)).toEqual([]),
      { timeout: 10_000, interval: 50 },
    );
  }, 20_000);
});
