import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { REDIS_URL_VARIABLE, REMOTE_WORKERS_VARIABLE } from '@speedup/shared-core/redis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { descendantPids } from '../src/harness/processes.js';
import { firstLine, isRunning, killSurvivors, type StartedProcess, started } from './orphans.js';

/**
 * The README's promise that nothing outlives set-up: the redis-server and the worker
 * processes it starts are killed by the kernel when the process that started them dies,
 * however it dies. Here it dies by SIGKILL, which leaves it no chance to clean up.
 */

const setUpScript = fileURLToPath(new URL('./fixtures/queue-orphans/set-up.mjs', import.meta.url));

const byNumber = (a: number, b: number) => a - b;

describe('the processes set-up starts, when the process that started them is SIGKILLed', () => {
  let setUp: ChildProcess | undefined;
  const tracked: StartedProcess[] = [];
  afterEach(() => {
    // Whatever outlived the test goes now, with any process group it leads.
    killSurvivors(tracked);
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
    const labels = JSON.parse(await firstLine(setUp, 'set-up')) as string[];

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
