import { createHash } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { onAbort } from './abort.js';
import { readBusy } from './busy.js';
import { deathOf, dieDownloading } from './crash.js';
import { type Deadline, deadlineIn } from './deadlines.js';
import { DEFAULT_HTTP_LIMITS, httpLimits } from './limits.js';
import type { HttpSession } from './session.js';
import { clock, momentsOfThisTask, type TaskMoments } from './tasks.js';
import type { PageError, PageResult, TimeoutPhase } from './types.js';

export interface DownloadOptions {
  /** Gives up on the page: the returned promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Largest body accepted, in bytes, counted as they arrive. Default: `httpLimits().maxBytes`. */
  readonly maxBytes?: number;
  /** Redirects followed before giving up. Default 5. */
  readonly maxRedirects?: number;
  /** Milliseconds for the whole page, redirects included. Default: `httpLimits().pageTimeout`. */
  readonly pageTimeout?: number;
}

export const DEFAULT_MAX_REDIRECTS = 5;

class PageFailure extends Error {
  constructor(
    readonly code: PageError,
    readonly timeout?: TimeoutPhase,
  ) {
    super(timeout ? `${code} (${timeout})` : code);
  }
}

/** What a page whose own deadline passed fails with. */
const PAGE_TIMEOUT = new PageFailure('timeout', 'page');

const ERROR_CODES: Readonly<Record<string, PageFailure>> = {
  UND_ERR_CONNECT_TIMEOUT: new PageFailure('timeout', 'connect'),
  ETIMEDOUT: new PageFailure('timeout', 'connect'),
  UND_ERR_HEADERS_TIMEOUT: new PageFailure('timeout', 'headers'),
  UND_ERR_BODY_TIMEOUT: new PageFailure('timeout', 'body'),
  ECONNREFUSED: new PageFailure('refused'),
  ECONNRESET: new PageFailure('reset'),
  EPIPE: new PageFailure('reset'),
  UND_ERR_SOCKET: new PageFailure('reset'),
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: new PageFailure('short_body'),
  UND_ERR_RES_EXCEEDED_MAX_SIZE: new PageFailure('too_large'),
};

const codeOf = (error: unknown) => (error as { code?: string } | undefined)?.code;

function failureOf(error: unknown): PageFailure | undefined {
  if (error instanceof PageFailure) return error;
  const code = codeOf(error);
  return code === undefined ? undefined : ERROR_CODES[code];
}

interface Response {
  status: number;
  bytes: number;
  sha256: string;
  location: string | undefined;
}

/** `Authorization` for a URL that carries a user name or password, as curl and requests send it. */
function basicAuth(url: URL): Record<string, string> | undefined {
  if (url.username === '' && url.password === '') return undefined;
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return { authorization: `Basic ${Buffer.from(credentials).toString('base64')}` };
}

/**
 * One GET on `session`, reading the whole body as it streams in: bytes counted and
 * hashed chunk by chunk, never buffered whole. Uses undici's handler interface rather
 * than `request()`, which would wrap every body in a stream; with 160 pages in flight
 * that wrapper costs more than the hashing.
 *
 * `signal` is the caller's (an abort rejects with its reason); `deadline` is the page's
 * own (it rejects with a `timeout (page)` failure).
 */
function get(
  session: HttpSession,
  url: URL,
  headers: Record<string, string> | undefined,
  maxBytes: number,
  signal: AbortSignal | undefined,
  deadline: Deadline,
  moments: TaskMoments | undefined,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    let bytes = 0;
    let status = 0;
    let announced: number | undefined;
    let location: string | undefined;
    let controller: Dispatcher.DispatchController | undefined;

    const stop = (reason: Error) => {
      controller?.abort(reason);
      reject(reason);
    };
    // The run's signal is shared by every page (see `onAbort`); the deadline is this page's own.
    const stopListening = signal ? onAbort(signal, () => stop(signal.reason)) : () => {};
    deadline.onPass = () => stop(PAGE_TIMEOUT);
    const settle = () => {
      stopListening();
      deadline.onPass = undefined;
    };

    session.dispatch(
      { origin: url.origin, path: url.pathname + url.search, method: 'GET', headers },
      {
        onRequestStart(started) {
          controller = started;
          if (moments) moments.sent ??= clock();
          readBusy();
          if (signal?.aborted) started.abort(signal.reason);
          else if (deadline.passed) started.abort(PAGE_TIMEOUT);
        },
        onResponseStart(_controller, statusCode, responseHeaders) {
          status = statusCode;
          if (moments) moments.firstByte = clock();
          readBusy();
          const target = responseHeaders.location;
          location = Array.isArray(target) ? target[0] : target;
          const length = Number(responseHeaders['content-length']);
          announced = Number.isSafeInteger(length) ? length : undefined;
        },
        onResponseData(current, chunk) {
          bytes += chunk.length;
          if (bytes > maxBytes) current.abort(new PageFailure('too_large'));
          else hash.update(chunk);
        },
        onResponseEnd() {
          readBusy();
          settle();
          resolve({ status, bytes, sha256: hash.digest('hex'), location });
        },
        onResponseError(_controller, error) {
          settle();
          if (signal?.aborted) return reject(signal.reason);
          if (deadline.passed) return reject(PAGE_TIMEOUT);
          // A connection that ends before the length the server announced: a clean close
          // (undici: "other side closed") is a server that lied about its length; a reset
          // stays a reset. Without an announced length there is nothing to fall short of.
          const closed = codeOf(error) === 'UND_ERR_SOCKET';
          const short = announced !== undefined && bytes < announced;
          reject(closed && short ? new PageFailure('short_body') : error);
        },
      },
    );
  });
}

/**
 * Downloads one page and describes it as a `PageResult`. A failed page is a result too,
 * with `error` set (and `timeout` saying which limit ran out); only an abort rejects.
 * Every wait is bounded: the session's connect, headers and body timeouts bound each
 * request, and `pageTimeout` the whole page, redirects included. A URL with a user name
 * or password sends them as HTTP Basic authentication, to that URL's own origin only.
 *
 * Test-only: a crash page (`speedup-crash:exit`, `…:throw-later`, `…:out-of-memory`,
 * `…:kill`, made by `crashPage` in crash.ts) is not downloaded; it ends the worker thread
 * or process running it and never settles. Only the conformance suite passes one, and only
 * to strategies that download in workers.
 */
export async function downloadPage(
  session: HttpSession,
  url: string,
  options: DownloadOptions = {},
): Promise<PageResult> {
  const { signal, maxRedirects = DEFAULT_MAX_REDIRECTS } = options;
  // The environment is read once a page, and only when a limit is left to it.
  const limits =
    options.maxBytes === undefined || options.pageTimeout === undefined
      ? httpLimits()
      : DEFAULT_HTTP_LIMITS;
  const maxBytes = options.maxBytes ?? limits.maxBytes;
  const pageTimeout = options.pageTimeout ?? limits.pageTimeout;
  signal?.throwIfAborted();
  // Taken before the first `await`: the moments of the task this download runs in.
  const moments = momentsOfThisTask();
  const death = deathOf(url);
  if (death) return dieDownloading(death);
  const first = new URL(url);
  const credentials = basicAuth(first);
  const deadline = deadlineIn(pageTimeout);
  let target = first;
  try {
    for (let redirects = 0; ; redirects++) {
      // Credentials go only where the user sent them, never to another origin a redirect names.
      const headers = target.origin === first.origin ? credentials : undefined;
      const response = await get(session, target, headers, maxBytes, signal, deadline, moments);
      const redirected = response.status >= 300 && response.status < 400 && response.location;
      if (!redirected) {
        const { status, bytes, sha256 } = response;
        return status >= 200 && status < 300
          ? { url, status, bytes, sha256 }
          : { url, status, bytes, sha256, error: 'http_status' };
      }
      if (redirects === maxRedirects) throw new PageFailure('too_many_redirects');
      target = new URL(response.location as string, target);
    }
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    const failure = failureOf(error);
    const failed = { url, status: 0, bytes: 0, sha256: '' };
    if (!failure) {
      return { ...failed, error: 'failed', detail: String((error as Error)?.message ?? error) };
    }
    return failure.timeout
      ? { ...failed, error: failure.code, timeout: failure.timeout }
      : { ...failed, error: failure.code };
  } finally {
    deadline.clear();
  }
}
