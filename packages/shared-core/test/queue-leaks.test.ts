import { runOptions } from '@speedup/shared-core';
import { mapOnQueue, openQueue } from '@speedup/shared-core/queue';
import { startRedisServer } from '@speedup/shared-core/redis';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { expectNothingLeftRunning, snapshot } from '../src/conformance/leaks.js';

/**
 * The conformance suite's leak check, held to what a job queue can leave behind: a
 * redis-server, a worker process, a Redis connection. Each is seen while it lives and
 * forgotten once it is gone.
 */

/** What the leak check reports as still running now, or nothing. */
async function leftNow(before: ReturnType<typeof snapshot>): Promise<string[]> {
  try {
    await expectNothingLeftRunning(before, 200);
    return [];
  } catch (error) {
    return (error as { actual: string[] }).actual;
  }
}

describe('the leak check, for a job queue', () => {
  it('finds a redis-server left running', async () => {
    const before = snapshot();
    const redis = await startRedisServer();
    try {
      expect(await leftNow(before)).toContain(`child processes ${redis.pid}`);
    } finally {
      await redis.stop();
    }
    await expectNothingLeftRunning(before);
  });

  it('finds a Redis connection left open', async () => {
    const redis = await startRedisServer();
    try {
      const before = snapshot();
      const client = new Redis({ ...redis.address.connection(), lazyConnect: true });
      client.on('error', () => {});
      try {
        await client.connect();
        expect(await leftNow(before)).toContainEqual(expect.stringMatching(/^1 × TCP/));
      } finally {
        client.disconnect();
      }
      await expectNothingLeftRunning(before);
    } finally {
      await redis.stop();
    }
  });

  it('finds the worker processes and connections of a queue left open, and nothing once it is closed', async () => {
    const before = snapshot();
    const queue = await openQueue({
      strategy: 'leak-check',
      worker: new URL('./fixtures/queue-worker.mjs', import.meta.url),
      workers: 2,
    });
    try {
      expect(await mapOnQueue(queue, 'double', [1, 2, 3], runOptions(), failures)).toEqual([
        2, 4, 6,
      ]);
      // A redis-server and two workers, and the queue's own connections.
      const left = await leftNow(before);
      expect(left).toContainEqual(expect.stringMatching(/^child processes \d+, \d+, \d+$/));
      expect(left).toContainEqual(expect.stringMatching(/ × TCP/));
    } finally {
      await queue.close();
    }
    await expectNothingLeftRunning(before);
  });
});

const failures = {
  crashed: () => Number.NaN,
  failed: () => Number.NaN,
};
