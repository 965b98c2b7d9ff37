import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { failUsage, parseCommandLine, redisAddress } from '../cli.js';
import { readStrategyPackage } from '../harness/packages.js';
import { REDIS_URL_FORMAT, REDIS_URL_VARIABLE, RedisAddress, RedisUnreachable } from './address.js';
import { checkRedis } from './client.js';
import { STRATEGY_VARIABLE } from './settings.js';

/**
 * `pnpm --filter @speedup/<strategy> worker --redis <url>`: one worker process for a
 * distributed strategy, on any machine that reaches that Redis. It waits there until a
 * run with `--remote-workers` calls it, and leaves on Ctrl-C.
 */

export async function startWorkerCommand(
  argv: readonly string[],
  dir = process.cwd(),
): Promise<void> {
  const pkg = readStrategyPackage(dir);
  const script = join(dir, 'dist/worker.mjs');
  if (!pkg || !existsSync(script)) {
    failUsage(`${dir} has no built worker (dist/worker.mjs): run \`pnpm build\` first`);
  }
  const program = new Command(`pnpm --filter ${pkg.packageName} worker`)
    .description(
      `Starts one ${pkg.name} worker: it waits on the Redis for runs started with --remote-workers, and takes their jobs.`,
    )
    .option(
      '--redis <url>',
      `the Redis the runs use, ${REDIS_URL_FORMAT} (default: $${REDIS_URL_VARIABLE}); the password may come from $SPEEDUP_REDIS_PASSWORD instead`,
      redisAddress,
    );
  parseCommandLine(program, argv);
  let redis = program.opts<{ redis?: RedisAddress }>().redis;
  if (!redis) {
    try {
      redis = RedisAddress.fromEnvironment();
    } catch (error) {
      failUsage(`${REDIS_URL_VARIABLE}: ${(error as Error).message}`);
    }
  }
  if (!redis) failUsage(`name the Redis to take jobs from: --redis <url> (${REDIS_URL_FORMAT})`);
  try {
    await checkRedis(redis);
  } catch (error) {
    if (error instanceof RedisUnreachable) failUsage(error.message);
    throw error;
  }
  Object.assign(process.env, redis.environment(), { [STRATEGY_VARIABLE]: pkg.name });
  await import(pathToFileURL(script).href);
}
