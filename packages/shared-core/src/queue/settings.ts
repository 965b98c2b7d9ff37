import type { RedisAddress } from './address.js';

/**
 * What the queue's two sides (set-up, which adds jobs, and the workers, which take them)
 * must agree on: names in Redis and BullMQ's settings.
 */

/**
 * How long a worker's claim on a job lasts unless renewed, and how often workers look for
 * jobs whose claim ran out. A worker renews its claims every `lockDuration / 2` from its
 * event loop, so a task may block that loop for up to about 5 s (fib(40) takes 1.7 s
 * here) before BullMQ thinks the worker died. A worker that really dies frees its job
 * within `lockDuration + stalledInterval`, about 6 s: quick enough for tests, and 5×
 * quicker than BullMQ's defaults (30 s each), which suit tasks that may run for minutes.
 * `maxStalledCount: 1`: a job whose worker died goes back on the queue once; if it
 * stalls again, it is failed (and reported `crashed`) rather than killing worker
 * after worker.
 */
export const WORKER_SETTINGS = {
  lockDuration: 5_000,
  stalledInterval: 1_000,
  maxStalledCount: 1,
} as const;

/** How many times a job that throws is tried, on any worker, before it is reported `failed`. */
export const JOB_ATTEMPTS = 3;

/** BullMQ's reason for a job that stalled more often than `maxStalledCount` allows. */
export const STALLED_TOO_OFTEN = 'job stalled more than allowable limit';

/** The queue a local worker process serves; without it, a worker waits to be called. */
export const QUEUE_VARIABLE = 'SPEEDUP_QUEUE';
/** The strategy a worker process serves (`cpu-distributed`): which calls it answers. */
export const STRATEGY_VARIABLE = 'SPEEDUP_STRATEGY';

/** Where each worker says it has attached to a queue: a Redis list of worker labels. */
export const attachedKey = (queue: string) => `speedup:attached:${queue}`;

/** Where set-up calls the workers already waiting (`--remote-workers`) to a queue, and dismisses them. */
export const callsChannel = (strategy: string) => `speedup:${strategy}:calls`;

/** A message on the calls channel. */
export type Call = { readonly open: string } | { readonly close: string };

/**
 * BullMQ's connection options for `redis`. Commands wait for a lost connection to come
 * back, retried every 1 to 20 s as BullMQ does, unless `gone()` says the Redis will not
 * come back: then its connections end, and closing the queue need not wait.
 */
export function bullConnection(redis: RedisAddress, gone: () => boolean = () => false) {
  return {
    ...redis.connection(),
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) =>
      gone() ? null : Math.max(Math.min(Math.exp(times), 20_000), 1_000),
  };
}
