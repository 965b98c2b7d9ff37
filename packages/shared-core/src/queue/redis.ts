import type { RedisAddress } from './address.js';

/**
 * `@speedup/shared-core/redis`: what the harness and the `worker` command need to know
 * about a Redis before anything starts, without loading BullMQ or a Redis client until
 * one is needed: where it is (its password hidden), whether it answers, and whether this
 * machine can start one.
 */
export * from './address.js';
export {
  type EmbeddedRedis,
  findRedisServer,
  NO_REDIS_SERVER,
  SETUP_TOOLS_COMMAND,
  startRedisServer,
} from './redis-server.js';

/** Checks `address` answers and runs a Redis BullMQ supports; throws `RedisUnreachable` otherwise. */
export async function checkRedis(address: RedisAddress): Promise<void> {
  const client = await import('./client.js');
  return client.checkRedis(address);
}
