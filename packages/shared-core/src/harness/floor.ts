import { createHash } from 'node:crypto';
import { createSession, type HttpSession } from '../session.js';
import type { IoInput, PageResult, Runner, SetupOptions } from '../types.js';

/**
 * The floor of the download job, for `pnpm bench --floor`: what fetching and hashing the
 * pages costs with nothing around it. One session (an undici `Agent`, made as io-asyncio
 * makes its own), every page dispatched at once on it, each body hashed as it streams
 * in; no in-flight limit, no redirects, no size cap, no abort, no task events, no result
 * records for failures (a failed page fails the run). The harness runs it in io-asyncio's
 * measuring process, right beside each of io-asyncio's runs, against the same server,
 * times it the same way and diffs its pages with the reference's: its time per page is
 * what no strategy can beat, and the difference is what io-asyncio and the harness add.
 * It is not a strategy: a reader would not copy it, and it takes part in no verdict.
 */

/** The floor's name in tables and exports. */
export const FLOOR_LABEL = 'floor (bare client)';

/** io-asyncio's in-flight limit, so that the floor's bound is the same as io-asyncio's. */
const IN_FLIGHT = 256;

function fetchAndHash(session: HttpSession, url: string): Promise<PageResult> {
  const { origin, pathname, search } = new URL(url);
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    let status = 0;
    let bytes = 0;
    session.dispatch(
      { origin, path: pathname + search, method: 'GET' },
      {
        // undici takes a handler for its current interface only when it has this method.
        onRequestStart() {},
        onResponseStart(_controller, statusCode) {
          status = statusCode;
        },
        onResponseData(_controller, chunk) {
          bytes += chunk.length;
          hash.update(chunk);
        },
        onResponseEnd() {
          resolve({ url, status, bytes, sha256: hash.digest('hex') });
        },
        onResponseError(_controller, error) {
          reject(error);
        },
      },
    );
  });
}

export async function setupFloor({
  concurrency = IN_FLIGHT,
}: SetupOptions): Promise<Runner<IoInput, PageResult>> {
  const session = await createSession({ connections: concurrency });
  return {
    concurrency,
    run: ({ items }) => Promise.all(items.map((url) => fetchAndHash(session, url))),
    close: () => session.close(),
  };
}
