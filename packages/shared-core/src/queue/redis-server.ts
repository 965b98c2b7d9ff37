import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { RedisAddress } from './address.js';
import { findExecutable, spawnTiedChild, stopChild } from './processes.js';

/**
 * A Redis of the strategy's own, for when no `--redis` is given: Debian's `redis-server`,
 * started by set-up on a free port of 127.0.0.1 and stopped at close. It keeps nothing on
 * disk (no snapshots, no append-only file) and answers only this machine.
 */

export const SETUP_TOOLS_COMMAND = 'pnpm setup:tools';

/** What to tell someone whose machine has no redis-server. */
export const NO_REDIS_SERVER = `redis-server is not installed: run \`${SETUP_TOOLS_COMMAND}\` (or name a Redis with --redis <url>)`;

export interface EmbeddedRedis {
  readonly address: RedisAddress;
  readonly pid: number;
  /** Resolves when it exits, whoever stopped it. */
  readonly exited: Promise<void>;
  /** Shuts it down (its data goes with it) and resolves once it has exited. */
  stop(): Promise<void>;
}

/** The redis-server to start, or undefined when none is installed. */
export function findRedisServer(): string | undefined {
  return findExecutable('redis-server');
}

/** A port nothing listens on right now. Another process may take it before we do: see below. */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

const READY = 'Ready to accept connections';
const STARTS_TRIED = 3;

export interface RedisServerOptions {
  /** A password clients must give (`requirepass`); set-up's own Redis needs none, tests may. */
  readonly password?: string;
}

/** Starts a redis-server; resolves once it accepts connections. */
export async function startRedisServer({
  password,
}: RedisServerOptions = {}): Promise<EmbeddedRedis> {
  const executable = findRedisServer();
  if (!executable) throw new Error(NO_REDIS_SERVER);
  // A free port can be taken between finding it and binding it: try a fresh one then.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawnTiedChild(
      executable,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--protected-mode',
        'yes',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        tmpdir(),
        '--daemonize',
        'no',
        '--loglevel',
        'notice',
        // The password is read from standard input, never put on the command line: any
        // user of the machine can read a process's arguments.
        ...(password === undefined ? [] : ['-']),
      ],
      { stdio: [password === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] },
    );
    child.stdin?.end(`requirepass "${password}"\n`);
    const started = await untilReady(child);
    if (started === true) {
      return {
        address: RedisAddress.local(port, password),
        pid: child.pid as number,
        exited: once(child, 'exit').then(() => {}),
        stop: () => stopChild(child, 'SIGTERM'),
      };
    }
    await stopChild(child, 'SIGKILL');
    if (attempt === STARTS_TRIED || !/address already in use/i.test(started)) {
      throw new Error(`redis-server did not start: ${started}`);
    }
  }
}

/** Resolves true once `child` says it is ready, or with the last thing it said if it exits first. */
function untilReady(child: ChildProcess): Promise<true | string> {
  return new Promise((resolve) => {
    let said = '';
    const listen = (chunk: Buffer) => {
      said = (said + chunk.toString()).slice(-4_000);
      if (said.includes(READY)) {
        finish(true);
      }
    };
    const exited = () => finish(lastLine(said) || 'it exited at once');
    const failed = (error: Error) => finish(error.message);
    const finish = (outcome: true | string) => {
      child.stdout?.off('data', listen);
      child.stderr?.off('data', listen);
      child.off('exit', exited);
      child.off('error', failed);
      // Keep reading what it says afterwards, so a full pipe never stalls it.
      child.stdout?.resume();
      child.stderr?.resume();
      resolve(outcome);
    };
    child.stdout?.on('data', listen);
    child.stderr?.on('data', listen);
    child.once('exit', exited);
    child.once('error', failed);
  });
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  // redis-server prefixes its log lines with a pid, role and time; the message follows.
  return (lines.at(-1) ?? '').replace(/^\d+:[A-Z] [^*#.-]*[*#.-] /, '').trim();
}
