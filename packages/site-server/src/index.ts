import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import type { ServerStats } from './http.js';
import type { LatencyOptions } from './latency.js';
import type { Command, Reply, ServerMessage } from './messages.js';
import { siteA, siteB } from './pages.js';

export {
  type FaultName,
  type FaultOptions,
  type FaultUrls,
  faultDefaults,
  faultStatuses,
  faultUrls,
  refusedUrl,
  statusFaultUrl,
} from './fault-urls.js';
export type { ServerStats } from './http.js';
export type { LatencyOptions } from './latency.js';

export interface SiteServer {
  /** Base URLs of the two sites: A serves a page of tens of KB, B a tiny one. */
  readonly sites: readonly [siteA: string, siteB: string];
  /** Process id of the server, to check that it is gone after `close()`. */
  readonly pid: number;
  /** Changes latency or jitter from the next request on. */
  configure(latency: LatencyOptions): Promise<void>;
  /** Connections and requests the server saw since the last reset. */
  stats(): Promise<ServerStats>;
  resetStats(): Promise<void>;
  /** Stops the server process; resolves once it has exited. */
  close(): Promise<void>;
}

/** Sizes of the two pages, for readers who want to predict `bytes` in results. */
export const pageSizes = { A: siteA.body.length, B: siteB.body.length } as const;

const serverEntry = new URL('./server-process.js', import.meta.url);
const START_TIMEOUT_MS = 10_000;
const EXIT_TIMEOUT_MS = 2_000;

/**
 * Starts the two sites on 127.0.0.1, on ports the system picks, in a child process.
 * Always `close()` it: the process also exits by itself if this one does.
 */
export async function startSiteServer(latency: LatencyOptions = {}): Promise<SiteServer> {
  const child = fork(serverEntry, [JSON.stringify(latency)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // The server must not inherit flags meant for the program being measured.
    execArgv: [],
  });
  try {
    const ports = await waitForPorts(child);
    return connect(child, ports);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

async function waitForPorts(child: ChildProcess): Promise<number[]> {
  const signal = AbortSignal.timeout(START_TIMEOUT_MS);
  const listening = new Promise<number[]>((resolve, reject) => {
    child.on('message', (message: ServerMessage) => {
      if (message.type === 'listening') resolve(message.ports);
    });
    child.once('exit', (code) =>
      reject(new Error(`site server exited with code ${code} before listening`)),
    );
    child.once('error', reject);
    signal.addEventListener('abort', () => reject(new Error('site server did not start in 10 s')));
  });
  return listening;
}

function connect(child: ChildProcess, ports: number[]): SiteServer {
  const [portA, portB] = ports;
  let nextId = 1;
  const waiting = new Map<number, (value: Reply['value']) => void>();
  child.on('message', (message: Reply | ServerMessage) => {
    if (message.type !== 'reply') return;
    waiting.get(message.id)?.(message.value);
    waiting.delete(message.id);
  });
  const exited = once(child, 'exit');

  function ask(command: Command): Promise<Reply['value']> {
    return new Promise((resolve, reject) => {
      if (!child.connected) return reject(new Error('site server is closed'));
      waiting.set(command.id, resolve);
      child.send(command);
    });
  }

  return {
    sites: [`http://127.0.0.1:${portA}/`, `http://127.0.0.1:${portB}/`],
    pid: child.pid as number,
    configure: async (latency) => {
      await ask({ type: 'configure', id: nextId++, latency });
    },
    stats: async () => (await ask({ type: 'stats', id: nextId++ })) as ServerStats,
    resetStats: async () => {
      await ask({ type: 'reset-stats', id: nextId++ });
    },
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (child.connected) child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), EXIT_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The exact bytes each site serves, for checking downloads against. */
export const pageBodies = { A: siteA.body, B: siteB.body } as const;
