import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBenchOptions } from '@speedup/harness';
import { findStrategies } from '@speedup/shared-core/harness';
import { type EmbeddedRedis, startRedisServer } from '@speedup/shared-core/redis';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planBench } from '../src/benchmark/plan.js';
import { bench, cli, processesLeftSince, processesMatching, runsOnly } from './run-cli.js';

/**
 * The distributed lane from the command line: chosen by --distributed, checked before
 * anything runs, a password never printed, and nothing left behind (no worker, no
 * redis-server, no queue in a given Redis), whether a run ends or is stopped with Ctrl-C.
 */

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));
const PASSWORD = 'hunter2-not-for-printing';

/** Worker processes of this repository's distributed strategies, and redis-servers, running now. */
const queueProcesses = () =>
  processesMatching(
    (command) =>
      (command.includes(repositoryRoot) && /-distributed\/dist\/worker/.test(command)) ||
      /redis-server/.test(command),
  );

/** Waits up to 3 s for every queue process started since `before` to be gone; returns those left. */
const leftSince = (before: readonly string[]) => processesLeftSince(before, queueProcesses);

async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

describe('choosing the distributed strategies', () => {
  it('leaves them out by default; --distributed adds them to the rest, --only picks one', () => {
    const found = findStrategies(repositoryRoot);
    const names = (argv: string[]) =>
      planBench(found, parseBenchOptions(argv)).flatMap((job) =>
        job.contenders.map((contender) => contender.label),
      );
    expect(names([])).not.toContain('io-distributed');
    expect(names([])).not.toContain('cpu-distributed');
    const all = names(['--distributed']);
    expect(all).toContain('io-distributed');
    expect(all).toContain('cpu-distributed');
    expect(all).toContain('io-sync');
    expect(names(['--only', 'io-sync', '--distributed', '--workload', 'io'])).toEqual([
      'io-sync',
      'io-distributed',
    ]);
    // With --only, each job's reference is measured alongside.
    expect(names(['--only', 'cpu-distributed'])).toEqual([
      'cpu-sync',
      'cpu-distributed',
      'cpu-sync',
      'cpu-distributed',
    ]);
  });

  it('refuses a bad --redis or a --remote-workers without one in one line, exit 2, never echoing a password', () => {
    const cases = [
      ['--redis', `http://:${PASSWORD}@127.0.0.1:6379`],
      ['--redis', `redis://:${PASSWORD}@127.0.0.1:6379/queue`],
      ['--redis', `${PASSWORD}`],
      ['--remote-workers', '--only', 'cpu-distributed'],
    ];
    for (const args of cases) {
      const run = bench(args);
      expect(run.status).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).not.toContain(PASSWORD);
      expect(run.stdout).toBe('');
    }
  });
});

describe('pnpm bench when Redis cannot be reached', () => {
  it('says so in one line and exits with 2, having started nothing; so does the worker command', async () => {
    const before = queueProcesses();
    const url = `redis://:${PASSWORD}@127.0.0.1:${await closedPort()}`;
    const run = bench(['--only', 'io-distributed', '--redis', url]);
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^error: cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/?: connection refused$/,
      ),
    ]);
    expect(run.stdout).toBe('');

    const worker = spawnSync(
      process.execPath,
      [join(repositoryRoot, 'packages/shared-core/bin/speedup-worker.js'), '--redis', url],
      { cwd: join(repositoryRoot, 'packages/cpu-distributed'), encoding: 'utf8' },
    );
    expect(worker.status).toBe(2);
    expect(worker.stderr.trim().split('\n')).toHaveLength(1);
    expect(worker.stderr).toContain('cannot reach Redis at redis://:***@127.0.0.1');
    for (const text of [run.stderr, worker.stderr, worker.stdout]) {
      expect(text).not.toContain(PASSWORD);
    }
    expect(await leftSince(before)).toEqual([]);
  });
});

describe('pnpm bench on a Redis of its own (password required)', () => {
  let redis: EmbeddedRedis;
  let client: Redis;
  let url: string;
  beforeAll(async () => {
    redis = await startRedisServer({ password: PASSWORD });
    url = `redis://:${PASSWORD}@127.0.0.1:${redis.address.port}`;
    client = new Redis({ ...redis.address.connection(), lazyConnect: true });
    await client.connect();
  });
  afterAll(async () => {
    client?.disconnect();
    await redis?.stop();
  });

  it('runs both strategies ok on every job, prints and exports no password, and leaves Redis as it was', async () => {
    const before = queueProcesses();
    const out = mkdtempSync(join(tmpdir(), 'speedup-distributed-'));
    try {
      const run = bench([
        '--only',
        'io-distributed,cpu-distributed',
        '--redis',
        url,
        '--size',
        '0.01',
        '--pages',
        '2000',
        ...runsOnly(1),
        '--export-json',
        join(out, 'bench.json'),
        '--export-markdown',
        join(out, 'bench.md'),
        '--report',
        join(out, 'report'),
      ]);
      expect(run.stderr).not.toMatch(/error/i);
      expect(run.status).toBe(0);
      const written = ['bench.json', 'bench.md', 'report/index.html'].map((file) =>
        readFileSync(join(out, file), 'utf8'),
      );
      for (const text of [run.stdout, run.stderr, ...written]) expect(text).not.toContain(PASSWORD);
      expect(run.stdout).toContain(
        `Distributed: jobs queued on redis://:***@127.0.0.1:${redis.address.port}`,
      );
      for (const job of ['download', 'sum-of-squares', 'fib']) {
        expect(run.stdout).toMatch(
          new RegExp(`-distributed \\(${job}\\): \\d+ of \\d+ workers took part`),
        );
      }
      const results = JSON.parse(written[0] as string).results as {
        strategy: string;
        job: string;
        ok: boolean;
      }[];
      expect(
        results
          .filter(({ strategy }) => strategy.endsWith('-distributed'))
          .map(({ job, ok }) => [job, ok]),
      ).toEqual([
        ['download', true],
        ['sum-of-squares', true],
        ['fib', true],
      ]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
    expect(await client.keys('*')).toEqual([]);
    expect(await leftSince(before)).toEqual([]);
  }, 120_000);

  it('takes the password from SPEEDUP_REDIS_PASSWORD when the URL has none', () => {
    const run = bench(
      ['--only', 'cpu-distributed', '--job', 'fib', '--size', '0.01', ...runsOnly(1)],
      {
        env: {
          ...process.env,
          SPEEDUP_REDIS_URL: `redis://127.0.0.1:${redis.address.port}`,
          SPEEDUP_REDIS_PASSWORD: PASSWORD,
        },
      },
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`on redis://:***@127.0.0.1:${redis.address.port}`);
    expect(run.stdout + run.stderr).not.toContain(PASSWORD);
  }, 60_000);

  it('stops at Ctrl-C with its queue removed from that Redis and its workers gone', async () => {
    const before = queueProcesses();
    // Its own process group, as a terminal starts it, so Ctrl-C reaches every process in it.
    const running = spawn(
      process.execPath,
      [cli, '--only', 'cpu-distributed', '--job', 'fib', '--redis', url, ...runsOnly(20)],
      { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    let stdout = '';
    running.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
    });
    // Once jobs are being taken, the queue and its workers are all there.
    for (let tries = 0; tries < 600; tries++) {
      if ((await client.keys('bull:*:active')).length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await client.keys('bull:*:meta')).toHaveLength(1);
    process.kill(-(running.pid as number), 'SIGINT');
    const [code] = (await once(running, 'exit')) as [number | null];
    expect(code).toBe(130);
    expect(stdout).toContain('stopped before it finished (Ctrl-C)');
    expect(await client.keys('*')).toEqual([]);
    expect(await leftSince(before)).toEqual([]);
  }, 120_000);
});
