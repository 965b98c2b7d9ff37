import { createHash } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { onAbort } from './abort.js';
import { deathOf, dieDownloading } from './crash.js';
import { httpLimits } from './limits.js';
import type { HttpSession } from './session.js';
import type { PageError, PageResult } from './types.js';

export interface DownloadOptions {
  /** Gives up on the page: the returned promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Largest body accepted, in bytes, counted as they arrive. Default: `httpLimits().maxBytes`. */
  readonly maxBytes?: number;
  /** Redirects followed before giving up. Default 5. */
  readonly maxRedirects?: number;
}

export const DEFAULT_MAX_REDIRECTS = 5;

class PageFailure extends Error {
  constructor(readonly code: PageError) {
    super(code);
  }
}

const ERROR_CODES: Readonly<Record<string, PageError>> = {
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  ETIMEDOUT: 'timeout',
  ECONNREFUSED: 'refused',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  UND_ERR_SOCKET: 'reset',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'reset',
  UND_ERR_RES_EXCEEDED_MAX_SIZE: 'too_large',
};

function pageErrorOf(error: unknown): PageError {
  if (error instanceof PageFailure) return error.code;
  const code = (error as { code?: string }).code;
  return (code && ERROR_CODES[code]) || 'failed';
}

interface Response {
  status: number;
  bytes: number;
  sha256: string;
  location: string | undefined;
}

/**
 * One GET on `session`, reading the whole body as it streams in: bytes counted and
 * hashed chunk by chunk, never buffered whole. Uses undici's handler interface rather
 * than `request()`, which would wrap every body in a stream; with 160 pages in flight
 * that wrapper costs more than the hashing.
 */
function get(
  session: HttpSession,
  url: URL,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    let bytes = 0;
    let status = 0;
    let location: string | undefined;
    let controller: Dispatcher.DispatchController | undefined;

    const settle = signal
      ? onAbort(signal, () => {
          controller?.abort(signal.reason);
          reject(signal.reason);
        })
      : () => {};

    session.dispatch(
      { origin: url.origin, path: url.pathname + url.search, method: 'GET' },
      {
        onRequestStart(started) {
          controller = started;
          if (signal?.aborted) started.abort(signal.reason);
        },
        onResponseStart(_controller, statusCode, headers) {
          status = statusCode;
          const target = headers.location;
          location = Array.isArray(target) ? target[0] : target;
        },
        onResponseData(current, chunk) {
          bytes += chunk.length;
          if (bytes > maxBytes) current.abort(new PageFailure('too_large'));
          else hash.update(chunk);
        },
        onResponseEnd() {
          settle();
          resolve({ status, bytes, sha256: hash.digest('hex'), location });
        },
        onResponseError(_controller, error) {
          settle();
          reject(signal?.aborted ? signal.reason : error);
        },
      },
    );
  });
}

/**
 * Downloads one page and describes it as a `PageResult`. A failed page is a result too,
 * with `error` set; only an abort rejects.
 *
 * Test-only: a crash page (`speedup-crash:exit`, `…:throw-later`, `…:out-of-memory`,
 * `…:kill`, made by `crashPage` in crash.ts) is not downloaded; it ends the worker thread
 * or process running it and never settles. Only the conformance suite passes one, and only
 * to strategies that download in workers.
 */
export async function downloadPage(
  session: HttpSession,
  url: string,
  {
    signal,
    maxBytes = httpLimits().maxBytes,
    maxRedirects = DEFAULT_MAX_REDIRECTS,
  }: DownloadOptions = {},
): Promise<PageResult> {
  signal?.throwIfAborted();
  const death = deathOf(url);
  if (death) return dieDownloading(death);
  let target = new URL(url);
  try {
    for (let redirects = 0; ; redirects++) {
      const response = await get(session, target, maxBytes, signal);
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
    const code = pageErrorOf(error);
    const failed = { url, status: 0, bytes: 0, sha256: '', error: code };
    return code === 'failed'
      ? { ...failed, detail: String((error as Error).message ?? error) }
      : failed;
  }
}
