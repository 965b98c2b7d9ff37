import {
  checkRedis,
  findRedisServer,
  NO_REDIS_SERVER,
  REMOTE_WORKERS_VARIABLE,
  RedisUnreachable,
} from '@speedup/shared-core/redis';
import type { BenchOptions } from '../options.js';
import { PlanError, type PlannedJob } from './plan.js';

/**
 * The distributed lane's one requirement, checked before anything starts: a Redis. Either
 * the one `--redis` names answers now, or this machine has a redis-server for each
 * strategy's set-up to start. Throws a `PlanError` of one line otherwise (a password
 * never shows in it).
 *
 * Returns what the measuring processes need to know, in their environment, as the HTTP
 * limits are passed: set-up reads it there.
 */
export async function distributedEnvironment(
  plan: readonly PlannedJob[],
  options: BenchOptions,
): Promise<Record<string, string>> {
  const needsRedis = plan.some((job) =>
    job.contenders.some((contender) => contender.pkg.optIn === 'distributed'),
  );
  if (!needsRedis) return {};
  if (options.redis) {
    try {
      await checkRedis(options.redis);
    } catch (error) {
      if (error instanceof RedisUnreachable) throw new PlanError(error.message);
      throw error;
    }
  } else if (!findRedisServer()) {
    throw new PlanError(NO_REDIS_SERVER);
  }
  return {
    ...options.redis?.environment(),
    [REMOTE_WORKERS_VARIABLE]: options.remoteWorkers ? '1' : '',
  };
}
