import { Redis, type RedisOptions } from 'ioredis';
import { type RedisAddress, RedisUnreachable } from './address.js';

/**
 * Plain Redis clients, for what BullMQ does not do for us: checking a Redis answers
 * before anything starts, and the few commands by which set-up and workers find each
 * other.
 */

/** Oldest Redis BullMQ 6 runs on. */
const OLDEST_REDIS = [6, 2, 0];

const CONNECT_TIMEOUT_MS = 3_000;

/**
 * A client that fails at once rather than retrying, for short conversations. `blocking`
 * clients wait as long as a command takes (BLPOP); others give up after a few seconds.
 */
export function plainClient(address: RedisAddress, { blocking = false } = {}): Redis {
  const options: RedisOptions = {
    ...address.connection(),
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    ...(blocking ? {} : { commandTimeout: CONNECT_TIMEOUT_MS }),
  };
  const client = new Redis(options);
  // Errors reach whoever sent the command; without a listener ioredis would also print them.
  client.on('error', () => {});
  return client;
}

/**
 * A client for a process that lives long (a worker waiting for calls): it reconnects
 * after Redis restarts or the network drops, waiting up to 2 s between tries.
 */
export function lastingClient(address: RedisAddress): Redis {
  const client = new Redis({
    ...address.connection(),
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  client.on('error', () => {});
  return client;
}

/** Why connecting failed, in a reader's words. */
function reasonOf(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  const text = message ?? String(error);
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'no such host';
  if (code === 'ETIMEDOUT' || /timed? ?out/i.test(text))
    return `no answer within ${CONNECT_TIMEOUT_MS / 1000} s`;
  if (/NOAUTH/.test(text))
    return 'it wants a password: put it in the URL or in SPEEDUP_REDIS_PASSWORD';
  if (/WRONGPASS|invalid password|invalid username/i.test(text))
    return 'it refused the user name or password';
  return (code ? `${code}: ` : '') + text.split('\n')[0];
}

/**
 * Connects to `address`, checks it answers and runs a Redis BullMQ supports, and
 * disconnects. Throws `RedisUnreachable` otherwise.
 */
export async function checkRedis(address: RedisAddress): Promise<void> {
  const client = plainClient(address);
  // A failed connection rejects `connect()` with "Connection is closed"; the cause comes
  // as an error event first.
  let cause: unknown;
  client.on('error', (error) => {
    cause ??= error;
  });
  try {
    await client.connect();
    const info = await client.info('server');
    const version = /redis_version:([\d.]+)/.exec(info)?.[1];
    if (version && olderThan(version, OLDEST_REDIS)) {
      throw new RedisUnreachable(
        `Redis at ${address} is version ${version}; BullMQ needs ${OLDEST_REDIS.join('.')} or newer`,
      );
    }
  } catch (error) {
    if (error instanceof RedisUnreachable) throw error;
    throw new RedisUnreachable(`cannot reach Redis at ${address}: ${reasonOf(cause ?? error)}`);
  } finally {
    client.disconnect();
  }
}

function olderThan(version: string, oldest: readonly number[]): boolean {
  const parts = version.split('.').map(Number);
  for (let i = 0; i < oldest.length; i++) {
    const have = parts[i] ?? 0;
    const need = oldest[i] ?? 0;
    if (have !== need) return have < need;
  }
  return false;
}
