import { type Job, Queue, QueueEvents } from 'bullmq';
import { Redis as IORedis, type Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, expect, vi } from 'vitest';
import {
  REDIS_URL_VARIABLE,
  REMOTE_WORKERS_VARIABLE,
  type RedisAddress,
} from '../queue/address.js';
import { type EmbeddedRedis, startRedisServer } from '../queue/redis-server.js';
import type { TaskEvent } from '../types.js';

/**
 * For tests that look into a distributed strategy's run from the side, on a Redis of
 * their own: which job is in a worker's hands, and which jobs the queue handed on because
 * their worker's claim ran out (cpu-distributed's and io-distributed's ctrl-c tests).
 */

/** The item a job runs: its id is `r<run>-<item>`. */
export function itemOf(jobId: string): number {
  return Number(jobId.split('-')[1]);
}

/** A run's queue, watched. */
export interface WatchedRun {
  readonly queue: Queue;
  /** Items whose job went back on the queue because its worker's claim ran out. */
  readonly handedOn: readonly number[];
  /** The first job seen in a worker's hands (`processedBy` names the worker). */
  firstActive(): Promise<Job>;
  close(): Promise<void>;
}

/**
 * Watches the queue of the run that has just started on the Redis `client` reads, the
 * only queue there: its events read from their start, so no stall is missed.
 */
export async function watchRun(client: Redis, address: RedisAddress): Promise<WatchedRun> {
  const name = await vi.waitFor(
    async () => {
      const [meta] = await client.keys('bull:*:meta');
      expect(meta).toBeDefined();
      return (meta as string).split(':')[1] as string;
    },
    { timeout: 10_000, interval: 20 },
  );
  const queue = new Queue(name, { connection: address.connection() });
  const events = new QueueEvents(name, { connection: address.connection(), lastEventId: '0' });
  const handedOn: number[] = [];
  events.on('stalled', ({ jobId }) => handedOn.push(itemOf(jobId)));
  await events.waitUntilReady();
  return {
    queue,
    handedOn,
    firstActive: () =>
      vi.waitFor(
        async () => {
          const [active] = await queue.getActive();
          expect(active?.processedBy).toMatch(/\/pid \d+$/);
          return active as Job;
        },
        { timeout: 10_000, interval: 20 },
      ),
    async close() {
      await events.close();
      await queue.close();
    },
  };
}

/** A redis-server of the test file's own, and a client that reads it. */
export interface OwnRedis {
  readonly redis: EmbeddedRedis;
  readonly client: Redis;
}

/**
 * Starts a redis-server for the test file before its tests and stops it after them, and
 * puts back after each test the variables that point a strategy at a Redis.
 */
export function redisOfItsOwn(): OwnRedis {
  const own = {} as { redis: EmbeddedRedis; client: Redis };
  const saved = { ...process.env };
  beforeAll(async () => {
    own.redis = await startRedisServer();
    own.client = new IORedis({ ...own.redis.address.connection(), lazyConnect: true });
    await own.client.connect();
  });
  afterEach(() => {
    for (const name of [REDIS_URL_VARIABLE, REMOTE_WORKERS_VARIABLE]) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });
  afterAll(async () => {
    own.client?.disconnect();
    await own.redis?.stop();
  });
  return own;
}

/** What happened when one of two workers got Ctrl-C while a job was in its hands. */
export interface InterruptedRun<R> {
  readonly results: readonly R[];
  readonly events: readonly TaskEvent[];
  /** The interrupted worker's label, the item in its hands, and all it printed. */
  readonly victim: string;
  readonly inHand: number;
  readonly said: string;
  /** The other worker's label. */
  readonly other: string;
  /** Items whose job was handed back to the queue because its worker's claim ran out. */
  readonly handedOn: readonly number[];
  /** How many task events had arrived when the interrupted worker's process was gone. */
  readonly eventsWhenGone: number;
}
