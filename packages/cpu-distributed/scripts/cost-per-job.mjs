#!/usr/bin/env node
// `pnpm --filter @speedup/cpu-distributed cost [jobs] [runs]`: what one job costs the queue itself, with
// a task that takes no time (fib(1)), split by who pays it: the process that adds the
// jobs and reads their results, the worker processes, and Redis. Redis's share is read
// from its own INFO, so it counts only what Redis did. Plain JavaScript over the built
// package: run `pnpm build` first.
import cpuDistributed from '@speedup/cpu-distributed';
import { runOptions } from '@speedup/shared-core';
import { childTimes, childTimesBetween } from '@speedup/shared-core/harness';
import { RedisAddress, startRedisServer } from '@speedup/shared-core/redis';
import { Redis } from 'ioredis';

// `cost [jobs per run] [runs]`: 2,000 × 5 by default; the article's runs are of 20 jobs.
const JOBS = Number(process.argv[2] ?? 2_000);
const RUNS = Number(process.argv[3] ?? 5);
const WORKERS = 2;

const own = process.env.SPEEDUP_REDIS_URL ? undefined : await startRedisServer();
if (own) Object.assign(process.env, own.address.environment());
const address = RedisAddress.fromEnvironment();
const client = new Redis({ ...address.connection(), lazyConnect: true });
await client.connect();
const redisCpuMs = async () => {
  const info = await client.info('cpu');
  const seconds = [...info.matchAll(/^used_cpu_(?:sys|user):([\d.]+)/gm)].map((m) => Number(m[1]));
  return seconds.reduce((a, b) => a + b, 0) * 1000;
};

const runner = await cpuDistributed.setup({ workers: WORKERS });
const input = { job: 'fib', items: Array(JOBS).fill(1) };
await runner.run(input, runOptions()); // warm-up: JIT, connections
const workers0 = childTimes();
const here0 = process.cpuUsage();
const redis0 = await redisCpuMs();
const events = [];
const started = performance.now();
for (let run = 0; run < RUNS; run++) {
  await runner.run(input, runOptions({ onTask: (event) => events.push({ ...event, run }) }));
}
const wallMs = performance.now() - started;
const redisMs = (await redisCpuMs()) - redis0;
const here = process.cpuUsage(here0);
// With an embedded Redis, it is a child of this process too: take its share out.
const children = childTimesBetween(workers0, childTimes());
const workersMs = children.userMs + children.systemMs - (own ? redisMs : 0);
await runner.close();
client.disconnect();
await own?.stop();

// How long each worker spends between finishing one job and starting the next.
const gaps = [];
for (const key of new Set(events.map((event) => `${event.run} ${event.worker}`))) {
  const own = events.filter((event) => `${event.run} ${event.worker}` === key);
  own.sort((a, b) => a.start - b.start);
  for (let i = 1; i < own.length; i++) gaps.push(own[i].start - own[i - 1].end);
}
gaps.sort((a, b) => a - b);
const gapAt = (q) => `${gaps[Math.floor(q * (gaps.length - 1))].toFixed(2)} ms`;

const perJob = (ms) => `${Math.round((ms * 1000) / (JOBS * RUNS))} µs`;
console.log(
  `${RUNS} runs of ${JOBS} jobs of fib(1) on ${WORKERS} local workers, Redis at ${address}`,
);
console.log(`per job: ${perJob(wallMs)} of wall time`);
console.log(
  `a worker's time between two jobs: median ${gapAt(0.5)}, 90th percentile ${gapAt(0.9)}`,
);
console.log(
  `CPU per job: adding and reading results ${perJob((here.user + here.system) / 1000)}, workers ${perJob(workersMs)}, Redis ${perJob(redisMs)}`,
);
console.log(
  `one Redis, single-threaded, could serve at most ${Math.round((JOBS * RUNS) / (redisMs / 1000))} jobs/s at this cost`,
);
