import { hostname } from 'node:os';
import { type Job, Worker } from 'bullmq';
import { clock, type Timed } from '../tasks.js';
import { RedisAddress } from './address.js';
import { checkRedis, lastingClient } from './client.js';
import {
  attachedKey,
  bullConnection,
  type Call,
  callsChannel,
  QUEUE_VARIABLE,
  STRATEGY_VARIABLE,
  WORKER_SETTINGS,
} from './settings.js';

/**
 * The worker's side of the queue: a process, on this machine or any other that reaches
 * the Redis, that takes one job at a time and returns its result record. It is started
 * in one of two ways:
 *
 * - by set-up, with the queue's name in `SPEEDUP_QUEUE`: it serves that queue until
 *   set-up sends SIGTERM;
 * - by `pnpm --filter @speedup/<strategy> worker --redis <url>`: it waits on the
 *   strategy's calls channel, joins each queue set-up calls it to (`--remote-workers`),
 *   leaves it when dismissed, and goes on until Ctrl-C.
 */

/** One task as a worker runs it: the job's name (`download`, `fib`) and its item. */
export type QueueTask<Item, Result> = (job: string, item: Item) => Result | Promise<Result>;

export interface ServeOptions {
  /** Runs once the worker has left every queue, before the process exits: close sessions here. */
  readonly onClose?: () => void | Promise<void>;
}

/** Who this worker is, in task events and timelines: `host/pid 4242`. */
export function queueWorkerLabel(): string {
  return `${hostname()}/pid ${process.pid}`;
}

/**
 * Serves jobs with `task` until told to stop. A task that throws fails its job, and
 * BullMQ tries it again (see `JOB_ATTEMPTS`); a task's value goes back to set-up with
 * where and when it ran.
 */
export function serveQueue<Item, Result>(
  task: QueueTask<Item, Result>,
  options: ServeOptions = {},
): void {
  serve(task, options).catch((error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  });
}

async function serve<Item, Result>(
  task: QueueTask<Item, Result>,
  { onClose }: ServeOptions,
): Promise<void> {
  const redis = RedisAddress.fromEnvironment();
  if (!redis)
    throw new Error('no Redis to take jobs from: start workers with their `worker` command');
  const label = queueWorkerLabel();
  const processor = async (job: Job<{ item: Item }>): Promise<Timed<Result>> => {
    const start = clock();
    const value = await task(job.name, job.data.item);
    const end = clock();
    // Let whatever the task left scheduled run before its result leaves: a task that
    // throws later, outside itself, must end this worker before the result is sent (the
    // job is then handed on, as for any worker that dies), not just after.
    await new Promise((resolve) => setImmediate(resolve));
    return { value, worker: label, start, end };
  };

  const client = lastingClient(redis);
  await client.connect();
  const workers = new Map<string, Worker>();
  const join = async (queue: string) => {
    if (workers.has(queue)) return;
    const worker = new Worker(queue, processor, {
      connection: bullConnection(redis),
      name: label,
      ...WORKER_SETTINGS,
    });
    // BullMQ reports lost connections and lost locks as errors and recovers by itself.
    worker.on('error', () => {});
    workers.set(queue, worker);
    await worker.waitUntilReady();
    await client.rpush(attachedKey(queue), label);
  };
  const leave = async (queue: string, force: boolean) => {
    const worker = workers.get(queue);
    workers.delete(queue);
    await worker?.close(force);
  };
  let leaving: Promise<void> | undefined;
  // `force`: give up the jobs in hand (the queue hands them to another worker) rather
  // than finish them first.
  const leaveAll = (force: boolean, subscriber?: { disconnect(): void }) => {
    leaving ??= (async () => {
      subscriber?.disconnect();
      await Promise.all([...workers.keys()].map((queue) => leave(queue, force)));
      client.disconnect();
      await onClose?.();
      process.exit(0);
    })();
    return leaving;
  };

  const queue = process.env[QUEUE_VARIABLE];
  if (queue) {
    // Started by set-up, which ends it with SIGTERM when it closes. Should set-up's
    // process die without doing so, this one is handed to another parent: leave too.
    process.once('SIGTERM', () => void leaveAll(true));
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent) void leaveAll(true);
    }, 1_000).unref();
    await join(queue);
    return;
  }

  const strategy = process.env[STRATEGY_VARIABLE] ?? 'speedup';
  await checkRedis(redis);
  const subscriber = lastingClient(redis);
  await subscriber.connect();
  subscriber.on('message', (_channel: string, text: string) => {
    const call = JSON.parse(text) as Call;
    if ('open' in call) void join(call.open).catch(() => {});
    else void leave(call.close, true).catch(() => {});
  });
  await subscriber.subscribe(callsChannel(strategy));
  process.stdout.write(
    `${strategy} worker ${label} attached to ${redis}: waiting for runs with --remote-workers (Ctrl-C to leave)\n`,
  );
  let interrupted = 0;
  process.on('SIGINT', () => {
    interrupted++;
    if (interrupted > 1) process.exit(130);
    process.stdout.write('leaving once the jobs in hand are done (Ctrl-C again to leave now)\n');
    void leaveAll(false, subscriber);
  });
  process.once('SIGTERM', () => void leaveAll(true, subscriber));
}
