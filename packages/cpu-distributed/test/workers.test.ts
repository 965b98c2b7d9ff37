import { readFileSync } from 'node:fs';
import cpuDistributed from '@speedup/cpu-distributed';
import { fibInput, runOptions, type TaskEvent, workersOf } from '@speedup/shared-core';
import { childPids } from '@speedup/shared-core/harness';
import {
  type EmbeddedRedis,
  REDIS_URL_VARIABLE,
  REMOTE_WORKERS_VARIABLE,
  startRedisServer,
} from '@speedup/shared-core/redis';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { attachedLabel, everythingSaid, fib, startWorkerCommand } from './worker-command.js';

/**
 * The queue's promises that need a Redis of the test's own, to look into: a worker killed
 * mid-job loses nothing, and workers started anywhere with the `worker` command serve a
 * run started with --remote-workers.
 */

describe('cpu-distributed, on a Redis of the test’s own', () => {
  let redis: EmbeddedRedis;
  let client: Redis;
  const saved = { ...process.env };
  beforeAll(async () => {
    redis = await startRedisServer();
    client = new Redis({ ...redis.address.connection(), lazyConnect: true });
    await client.connect();
  });
  afterEach(() => {
    process.env[REDIS_URL_VARIABLE] = saved[REDIS_URL_VARIABLE];
    process.env[REMOTE_WORKERS_VARIABLE] = saved[REMOTE_WORKERS_VARIABLE];
    for (const name of [REDIS_URL_VARIABLE, REMOTE_WORKERS_VARIABLE]) {
      if (saved[name] === undefined) delete process.env[name];
    }
  });
  afterAll(async () => {
    client?.disconnect();
    await redis?.stop();
  });

  /** What Redis holds besides nothing: a run must leave it as it found it. */
  const keys = () => client.keys('*');

  it('hands the job of a worker killed mid-job to the other worker: the result is still exact', async () => {
    Object.assign(process.env, redis.address.environment());
    const events: TaskEvent[] = [];
    const runner = await cpuDistributed.setup({ workers: 2 });
    expect(runner.concurrency).toBe(2);
    try {
      // One job long enough (fib(40), over a second) to be caught running.
      const running = runner.run(
        { job: 'fib', items: [40] },
        runOptions({ onTask: (event) => events.push(event) }),
      );
      const [queueKey] = await vi.waitFor(
        async () => {
          const found = await client.keys('bull:*:meta');
          expect(found).toHaveLength(1);
          return found;
        },
        { timeout: 10_000, interval: 20 },
      );
      const queue = new Queue((queueKey as string).split(':')[1] as string, {
        connection: redis.address.connection(),
      });
      try {
        const victim = await vi.waitFor(
          async () => {
            const [job] = await queue.getActive();
            expect(job?.processedBy).toMatch(/\/pid \d+$/);
            return job?.processedBy as string;
          },
          { timeout: 10_000, interval: 20 },
        );
        process.kill(Number(victim.split('pid ')[1]), 'SIGKILL');

        expect(await running).toEqual([{ input: '40', value: fib(40) }]);
        expect(events).toHaveLength(1);
        expect(events[0]?.worker).toMatch(/\/pid \d+$/);
        expect(events[0]?.worker).not.toBe(victim);
      } finally {
        await queue.close();
      }
    } finally {
      await runner.close();
    }
    expect(await keys()).toEqual([]);
  }, 30_000);

  it('takes workers started anywhere with the `worker` command: --remote-workers uses every one, and they leave on Ctrl-C', async () => {
    // Two workers, as two machines would start them, each in its own process group as a
    // terminal gives it, so that Ctrl-C can be sent to each the way a terminal sends it.
    const url = `redis://127.0.0.1:${redis.address.port}`;
    const workers = [startWorkerCommand(url), startWorkerCommand(url)];
    try {
      const labels = await Promise.all(workers.map((worker) => attachedLabel(worker)));
      Object.assign(process.env, redis.address.environment(), {
        [REMOTE_WORKERS_VARIABLE]: '1',
      });
      const events: TaskEvent[] = [];
      const runner = await cpuDistributed.setup({});
      try {
        expect(runner.concurrency).toBe(2);
        const input = fibInput(24, 16);
        const results = await runner.run(
          input,
          runOptions({ onTask: (event) => events.push(event) }),
        );
        expect(results.map((result) => result.value)).toEqual(input.items.map(fib));
        expect(workersOf(events)).toEqual([...labels].sort());
      } finally {
        await runner.close();
      }
      // Its queue is gone; the workers are still there for the next run.
      expect(await keys()).toEqual([]);
      expect(workers.every((worker) => worker.exitCode === null)).toBe(true);

      // Ctrl-C: each says it is leaving, and goes; its output ends when the last process
      // holding it (pnpm, the worker) has exited.
      const said = workers.map((worker) => everythingSaid(worker));
      for (const worker of workers) process.kill(-(worker.pid as number), 'SIGINT');
      for (const text of await Promise.all(said)) expect(text).toMatch(/^leaving/m);
      // Nobody is connected to the Redis but this test.
      const clients = (await client.client('LIST')) as string;
      expect(clients.trim().split('\n')).toHaveLength(1);
    } finally {
      for (const worker of workers) {
        if (worker.exitCode === null) process.kill(-(worker.pid as number), 'SIGKILL');
      }
    }
  }, 60_000);
});

describe('cpu-distributed, when the redis-server its set-up started stops', () => {
  it('fails the run saying so, rather than wait for ever, and still closes leaving nothing', async () => {
    const before = childPids();
    const runner = await cpuDistributed.setup({ workers: 1 });
    const [server] = childPids().filter(
      (pid) =>
        !before.includes(pid) &&
        readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('redis-server'),
    );
    try {
      const running = runner.run(fibInput(40, 4), runOptions());
      process.kill(server as number, 'SIGKILL');
      await expect(running).rejects.toThrow(
        /the redis-server set-up started \(redis:\/\/127\.0\.0\.1:\d+\) stopped/,
      );
    } finally {
      await runner.close();
    }
    await vi.waitFor(() => expect(childPids().filter((pid) => !before.includes(pid))).toEqual([]));
  }, 30_000);
});
