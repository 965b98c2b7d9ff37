import type { Dispatcher } from 'undici';
import { httpLimits } from './limits.js';

/**
 * The article's `requests.Session()`: one object that keeps connections open and reuses
 * them for every request. In Node that is an undici dispatcher (an `Agent`, which keeps
 * a pool of connections per site).
 */
export type HttpSession = Dispatcher;

export interface SessionOptions {
  /** Most connections open at once to one site. Default: no limit. */
  readonly connections?: number;
}

/**
 * Creates a session, with the timeouts of `httpLimits()`. undici is loaded on the first
 * call, not when this module is imported, so a worker thread that never downloads never
 * pays to load an HTTP client.
 */
export async function createSession({ connections }: SessionOptions = {}): Promise<HttpSession> {
  const { Agent } = await import('undici');
  const limits = httpLimits();
  return new Agent({
    connections: connections ?? null,
    connect: { timeout: limits.connectTimeout },
    headersTimeout: limits.headersTimeout,
    bodyTimeout: limits.bodyTimeout,
  });
}

/**
 * Each worker thread loads its own copy of every module, so this variable is private to
 * the thread that reads it: Node's thread-local storage comes for free.
 * It holds the promise, not the session, so two tasks that start before the first
 * session is ready share it instead of creating two.
 */
let sessionOfThisThread: Promise<HttpSession> | undefined;
let sessionsCreatedHere = 0;

/**
 * This thread's own session, created on first use and reused by every later task on
 * this thread: the article's `threading.local()` session.
 */
export function sessionForThisWorker(options?: SessionOptions): Promise<HttpSession> {
  if (sessionOfThisThread === undefined) {
    sessionsCreatedHere++;
    sessionOfThisThread = createSession(options);
  }
  return sessionOfThisThread;
}

/** How many sessions `sessionForThisWorker` created on this thread: 1 after any use. */
export function sessionsCreatedByThisWorker(): number {
  return sessionsCreatedHere;
}

/** Closes this thread's session, if it made one: pass it to the pool as the worker's clean-up. */
export async function closeSessionOfThisWorker(): Promise<void> {
  const session = sessionOfThisThread;
  sessionOfThisThread = undefined;
  if (session) await (await session).close();
}
