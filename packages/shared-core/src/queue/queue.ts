import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Job, Queue, QueueEvents } from 'bullmq';
import { LOST_WORKER, report, type Timed } from '../tasks.js';
import type { RunOptions } from '../types.js';
import { REMOTE_WORKERS_VARIABLE, RedisAddress } from './address.js';
import { checkRedis, plainClient } from './client.js';
import { type LocalWorkers, startLocalWorkers } from './local-workers.js';
import { type EmbeddedRedis, startRedisServer } from './redis-server.js';
import {
  attachedKey,
  bullConnection,
  type Call,
  callsChannel,
  JOB_ATTEMPTS,
  QUEUE_VARIABLE,
  STALLED_TOO_OFTEN,
  STRATEGY_VARIABLE,
} from './settings.js';

/**
 * The plumbing of the distributed strategies, on BullMQ: a queue in Redis, the worker
 * processes that take its jobs, and `mapOnQueue`, which is Python's `executor.map` with a
 * job queue in the middle:
 *
 *      set-up's process                Redis                     worker processes
 *   ┌──────────────────┐   addBulk   ┌───────┐  take one job  ┌──────────────────────┐
 *   │ mapOnQueue(items)│ ──────────▶ │ wait  │ ─────────────▶ │ host-a/pid 11: task()│
 *   │                  │             │ active│ ─────────────▶ │ host-b/pid 42: task()│
 *   │ results[i] ◀─────│ ◀────────── │ events│ ◀───────────── │ result record        │
 *   └──────────────────┘  completed  └───────┘   completed    └──────────────────────┘
 *
 * Nobody switches between tasks: each worker runs one job at a time, and more workers,
 * on more machines, run more at once. Each set-up uses a queue of its own and removes it
 * when it closes.
 */

export interface OpenQueueOptions {
  /** The strategy's name (`cpu-distributed`): its workers answer its calls only. */
  readonly strategy: string;
  /** The worker script set-up starts, one process per worker. */
  readonly worker: URL;
  /** How many worker processes to start here; ignored with `--remote-workers`. Default: one per CPU. */
  readonly workers?: number;
}

export interface JobQueue {
  /** The queue's name in Redis. */
  readonly name: string;
  /** Where the queue is, password hidden. */
  readonly redis: string;
  /** The workers that attached to it, as task events name them: `host/pid 4242`. */
  readonly workers: readonly string[];
  /** Removes the queue, dismisses or stops its workers and stops any Redis set-up started. */
  close(): Promise<void>;
}

interface Internals {
  readonly queue: Queue;
  readonly events: QueueEvents;
  /** Rejects if the Redis set-up started stops before the queue is closed. */
  readonly lost: Promise<never>;
  runs: number;
}

const internals = new WeakMap<JobQueue, Internals>();

const CLOSE_STEP_MS = 5_000;

/** Events the queue's stream keeps: 10,000 by default, a few runs of 2,000 jobs. */
const EVENTS_KEPT = 200_000;

/** How long set-up waits for workers to attach before giving up. */
const ATTACH_TIMEOUT_MS = 30_000;

/**
 * Opens a queue of its own on the Redis of `SPEEDUP_REDIS_URL`, or on a redis-server it
 * starts, and gets workers for it: `workers` processes started here, or, with
 * `SPEEDUP_REMOTE_WORKERS=1`, every worker already waiting on that Redis. Resolves once
 * every one of them has attached.
 */
export async function openQueue({
  strategy,
  worker,
  workers = availableParallelism(),
}: OpenQueueOptions): Promise<JobQueue> {
  const given = RedisAddress.fromEnvironment();
  const remote = process.env[REMOTE_WORKERS_VARIABLE] === '1';
  if (remote && !given) {
    throw new Error(
      '--remote-workers needs a Redis the workers can reach: name it with --redis <url>',
    );
  }
  const cleanups: (() => Promise<void>)[] = [];
  // Each step gets a few seconds: with its Redis gone, BullMQ would wait for it forever.
  const cleanUp = async () => {
    for (const cleanup of cleanups.reverse()) {
      await Promise.race([
        cleanup().catch(() => {}),
        sleep(CLOSE_STEP_MS, undefined, { ref: false }),
      ]);
    }
    cleanups.length = 0;
  };
  // Set when the redis-server set-up started stops: its connections then give up.
  let redisGone = false;
  try {
    let server: EmbeddedRedis | undefined;
    if (!given) {
      server = await startRedisServer();
      cleanups.push(server.stop);
    }
    const redis = given ?? (server as EmbeddedRedis).address;
    await checkRedis(redis);

    const name = `speedup-${strategy}-${randomUUID().slice(0, 8)}`;
    const connection = bullConnection(redis, () => redisGone);
    const queue = new Queue(name, {
      connection,
      // Every job adds a few events (added, active, completed…) to the stream that
      // results are read from; the stream keeps this many. A run whose results fell off
      // its end before they were read would wait for them for ever.
      streams: { events: { maxLen: EVENTS_KEPT } },
      defaultJobOptions: {
        attempts: JOB_ATTEMPTS,
        // A finished job's record travels in its `completed` event: Redis need not keep it.
        removeOnComplete: true,
      },
    });
    // Reading the event stream from its start, not from "now", so that no event of a
    // job that finished before the first read is missed.
    const events = new QueueEvents(name, { connection, lastEventId: '0' });
    queue.on('error', () => {});
    events.on('error', () => {});
    cleanups.push(async () => {
      if (redisGone) {
        // Its connections give up at their next reconnection attempt, within a second
        // (see bullConnection); closed before that, one of them never says it ended.
        await sleep(1_500);
      } else {
        await queue.obliterate({ force: true }).catch(() => {});
      }
      await events.close();
      await queue.close();
    });
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);

    let crew: LocalWorkers | undefined;
    const attached = await waitForWorkers(redis, name, async () => {
      if (remote) return callRemoteWorkers(redis, strategy, name);
      crew = startLocalWorkers(worker, workers, {
        ...redis.environment(),
        [QUEUE_VARIABLE]: name,
        [STRATEGY_VARIABLE]: strategy,
      });
      cleanups.push(() => (crew as LocalWorkers).stop());
      return { expected: workers, failed: crew.failedToStart };
    });
    crew?.started();
    // Workers that replace dead ones say they attached too; nobody is listening any more.
    cleanups.push(async () => {
      const client = plainClient(redis);
      await client.connect();
      await client.del(attachedKey(name)).finally(() => client.disconnect());
    });
    if (remote) {
      cleanups.push(async () => {
        await publish(redis, callsChannel(strategy), { close: name });
      });
    }

    let closing = false;
    const jobQueue: JobQueue = {
      name,
      redis: String(redis),
      workers: attached,
      close: async () => {
        closing = true;
        await cleanUp();
      },
    };
    // BullMQ would wait for a Redis that is gone to come back, for ever.
    const lost = new Promise<never>((_, reject) => {
      void server?.exited.then(() => {
        redisGone = true;
        if (!closing) reject(new Error(`the redis-server set-up started (${redis}) stopped`));
      });
    });
    lost.catch(() => {});
    internals.set(jobQueue, { queue, events, lost, runs: 0 });
    return jobQueue;
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/** Sends `call` to every worker listening on `channel`; resolves with how many heard it. */
async function publish(redis: RedisAddress, channel: string, call: Call): Promise<number> {
  const client = plainClient(redis);
  try {
    await client.connect();
    return await client.publish(channel, JSON.stringify(call));
  } finally {
    client.disconnect();
  }
}

async function callRemoteWorkers(
  redis: RedisAddress,
  strategy: string,
  queue: string,
): Promise<{ expected: number }> {
  const heard = await publish(redis, callsChannel(strategy), { open: queue });
  if (heard === 0) {
    throw new Error(
      `no ${strategy} worker is waiting on ${redis}: start some with \`pnpm --filter @speedup/${strategy} worker --redis <url>\``,
    );
  }
  return { expected: heard };
}

/**
 * Starts workers with `start` and collects the label each one pushes once it has
 * attached to `queue`. Fails if a worker dies first, or if they take too long.
 */
async function waitForWorkers(
  redis: RedisAddress,
  queue: string,
  start: () => Promise<{ expected: number; failed?: Promise<never> }>,
): Promise<string[]> {
  const client = plainClient(redis, { blocking: true });
  await client.connect();
  try {
    const { expected, failed } = await start();
    const labels: string[] = [];
    const deadline = Date.now() + ATTACH_TIMEOUT_MS;
    while (labels.length < expected) {
      if (Date.now() > deadline) {
        throw new Error(
          `only ${labels.length} of ${expected} workers attached to the queue within ${ATTACH_TIMEOUT_MS / 1000} s`,
        );
      }
      const popped = client.blpop(attachedKey(queue), 1);
      const next = await (failed ? Promise.race([popped, failed]) : popped);
      if (next) labels.push(next[1]);
    }
    return labels.sort();
  } finally {
    await client.del(attachedKey(queue)).catch(() => {});
    client.disconnect();
  }
}

/** What becomes of an item whose job did not complete. */
export interface QueueFailures<Item, Result> {
  /** Its worker died (or stalled) more often than BullMQ hands a job on: `crashed`. */
  readonly crashed: (item: Item, error: unknown) => Result;
  /** Its task threw on every attempt: `failed`. */
  readonly failed: (item: Item, error: unknown) => Result;
}

/**
 * Adds one job per item to the queue and resolves with their results in input order,
 * each task's span passed to `onTask`. Workers take the jobs as they come free. A job
 * whose worker dies goes back on the queue and another worker runs it (delivery is at
 * least once, so tasks must be safe to run twice); a job whose task throws is tried
 * `JOB_ATTEMPTS` times. An abort removes the jobs not yet taken and rejects with its
 * reason.
 */
export async function mapOnQueue<Item, Result>(
  jobQueue: JobQueue,
  job: string,
  items: readonly Item[],
  { signal, onTask }: RunOptions,
  failures: QueueFailures<Item, Result>,
): Promise<Result[]> {
  signal.throwIfAborted();
  const state = internals.get(jobQueue);
  if (!state) throw new Error('mapOnQueue needs a queue made by openQueue');
  const { queue, events, lost } = state;
  // Job ids name the run and the item, so results are placed by id, whatever their order.
  const run = `r${++state.runs}-`;
  const indexOf = (jobId: string) =>
    jobId.startsWith(run) ? Number(jobId.slice(run.length)) : undefined;
  if (items.length === 0) return [];

  const results = new Promise<Result[]>((resolve, reject) => {
    const results: Result[] = new Array(items.length);
    const done = new Set<number>();
    const finish = (index: number, result: Result) => {
      if (done.has(index)) return;
      done.add(index);
      results[index] = result;
      if (done.size === items.length) settle(() => resolve(results));
    };
    const completed = ({ jobId, returnvalue }: { jobId: string; returnvalue: unknown }) => {
      const index = indexOf(jobId);
      if (index === undefined || done.has(index)) return;
      finish(index, report(index, returnvalue as Timed<Result>, onTask));
    };
    const failed = ({ jobId, failedReason }: { jobId: string; failedReason: string }) => {
      const index = indexOf(jobId);
      if (index === undefined || done.has(index)) return;
      const crashed = failedReason === STALLED_TOO_OFTEN;
      void recordFailure(queue, jobId, index, crashed, onTask).then(() => {
        const item = items[index] as Item;
        const error = new Error(failedReason);
        finish(index, crashed ? failures.crashed(item, error) : failures.failed(item, error));
      });
    };
    const aborted = () => {
      settle(() => {
        // Jobs a worker has taken run to their end; the rest are removed unrun.
        queue
          .drain()
          .catch(() => {})
          .finally(() => reject(signal.reason));
      });
    };
    const settle = (then: () => void) => {
      events.off('completed', completed);
      events.off('failed', failed);
      signal.removeEventListener('abort', aborted);
      then();
    };
    events.on('completed', completed);
    events.on('failed', failed);
    signal.addEventListener('abort', aborted, { once: true });
    queue
      .addBulk(
        items.map((item, index) => ({
          name: job,
          data: { item },
          opts: { jobId: `${run}${index}` },
        })),
      )
      .catch((error: unknown) => settle(() => reject(error)));
    lost.catch((error: unknown) => settle(() => reject(error)));
  });
  return results;
}

/**
 * A failed job's span, from what BullMQ kept of its last attempt. A job given up because
 * its workers died has no worker that answered for it: `lost worker`, as in a pool.
 */
async function recordFailure(
  queue: Queue,
  jobId: string,
  index: number,
  crashed: boolean,
  onTask: RunOptions['onTask'],
): Promise<void> {
  const failed = await Job.fromId(queue, jobId).catch(() => undefined);
  const end = failed?.finishedOn ?? Date.now();
  onTask({
    index,
    worker: crashed ? LOST_WORKER : (failed?.processedBy ?? LOST_WORKER),
    start: failed?.processedOn ?? end,
    end,
  });
}
