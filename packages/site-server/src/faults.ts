/**
 * The routes where a site misbehaves on purpose, so clients can be tested against the
 * failures of real servers. Status and redirect faults are ordinary responses; the
 * others misbehave in the body or the connection, so a HEAD request gets the head a GET
 * would get and nothing worse (except the hang, which never answers anything).
 */
import type { Socket } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { type FaultName, faultDefaults, faultPaths, faultStatuses } from './fault-urls.js';
import {
  fixedResponse,
  type RequestHead,
  type Responder,
  type Stats,
  serialiseHead,
  serialiseResponse,
} from './http.js';
import { siteA } from './pages.js';

/**
 * Every generated body (drip, short, huge) is this 64-byte line of text, repeated: byte
 * `i` of a body is always the same, so a test can check any part of it.
 */
const FILLER_LINE = Buffer.from(
  'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.\n',
);

/** The first `length` bytes of every generated fault body. */
export function fillerBytes(length: number): Buffer {
  return Buffer.alloc(length, FILLER_LINE);
}

// A whole number of lines, so every chunk of a huge body is this same buffer and
// streaming 4 GiB allocates nothing.
const FILLER_CHUNK = fillerBytes(64 * 1024);

const RESET_PAUSE_MS = 20;
const SHORT_ANNOUNCED_BYTES = 1000;
const SHORT_SENT_BYTES = 500;

const isHead = (request: RequestHead) => request.method === 'HEAD';

/** Resolves once the connection is gone; fault responders that end it wait for this. */
function closed(socket: Socket): Promise<void> {
  if (socket.closed) return Promise.resolve();
  return new Promise((resolve) => socket.once('close', () => resolve()));
}

function drainedOrClosed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}

/** A query parameter that must be a whole number, or the default when it is absent. */
function wholeNumber(query: URLSearchParams, name: string, fallback: number): number | undefined {
  const text = query.get(name);
  if (text === null) return fallback;
  const value = Number(text);
  return /^\d+$/.test(text) && Number.isSafeInteger(value) ? value : undefined;
}

function badQuery(socket: Socket, message: string): void {
  socket.write(serialiseResponse(400, Buffer.from(`${message}\n`)).full);
}

// Chunked, not with a Content-Length: a client that has not read the half when the reset
// comes sees a plain close (see below), and with a length announced that would look like
// a server that lied about its length (the short route), not like a reset.
const resetHead = serialiseHead(200, undefined, siteA.contentType, {
  'Transfer-Encoding': 'chunked',
});
const resetAfter = Buffer.concat([
  resetHead,
  Buffer.from(`${siteA.body.length.toString(16)}\r\n`, 'latin1'),
  siteA.body.subarray(0, Math.floor(siteA.body.length / 2)),
]);

/** Site A's head, one chunk announced for its whole body, half of it, then a TCP reset. */
function resetMidBody(socket: Socket, request: RequestHead): void | Promise<void> {
  if (isHead(request)) {
    socket.write(resetHead);
    return;
  }
  // Reset only after the half has left this process (a reset throws away whatever is
  // still queued) and a moment later: Node reports a reset that arrives together with
  // bytes it has not read yet as a plain end of stream, and undici then says "other side
  // closed" instead of ECONNRESET. The pause lets a reading client take the half first.
  socket.write(resetAfter, () => {
    setTimeout(() => {
      if (!socket.destroyed) socket.resetAndDestroy();
    }, RESET_PAUSE_MS);
  });
  return closed(socket);
}

/** Reads the request and never answers; the connection stays open until someone closes it. */
function hang(socket: Socket): Promise<void> {
  // A hung server holds the connection as long as the client waits. Without this the
  // keep-alive timeout would close it, and a patient client would see a close, not its
  // own timeout.
  socket.setTimeout(0);
  return closed(socket);
}

const short = serialiseHead(200, SHORT_ANNOUNCED_BYTES);
const shortFull = Buffer.concat([short, fillerBytes(SHORT_SENT_BYTES)]);

/** Announces 1000 bytes, sends 500, then ends the connection cleanly (FIN). */
function shortBody(socket: Socket, request: RequestHead): void | Promise<void> {
  if (isHead(request)) {
    socket.write(short);
    return;
  }
  socket.end(shortFull);
  return closed(socket);
}

/** A body of `?bytes=` bytes (64), one every `?interval=` ms (1000). */
function drip(stats: Stats): Responder {
  return (socket, request) => {
    const query = new URLSearchParams(request.query);
    const bytes = wholeNumber(query, 'bytes', faultDefaults.dripBytes);
    const interval = wholeNumber(query, 'interval', faultDefaults.dripInterval);
    if (bytes === undefined || interval === undefined) {
      return badQuery(socket, 'bytes and interval must be whole numbers');
    }
    socket.write(serialiseHead(200, bytes));
    if (isHead(request) || bytes === 0) return;
    return new Promise((resolve) => {
      let sent = 0;
      const timer = setInterval(() => {
        const at = sent % FILLER_CHUNK.length;
        socket.write(FILLER_CHUNK.subarray(at, at + 1));
        stats.streamedBytes++;
        if (++sent === bytes) stop();
      }, interval);
      const stop = () => {
        clearInterval(timer);
        socket.off('close', stop);
        resolve();
      };
      socket.on('close', stop);
    });
  };
}

/** A body of `?bytes=` bytes (4 GiB), streamed only as fast as the client reads it. */
function huge(stats: Stats): Responder {
  return async (socket, request) => {
    const bytes = wholeNumber(new URLSearchParams(request.query), 'bytes', faultDefaults.hugeBytes);
    if (bytes === undefined) return badQuery(socket, 'bytes must be a whole number');
    socket.write(serialiseHead(200, bytes));
    if (isHead(request)) return;
    for (let left = bytes; left > 0 && !socket.destroyed; ) {
      const chunk = left >= FILLER_CHUNK.length ? FILLER_CHUNK : FILLER_CHUNK.subarray(0, left);
      left -= chunk.length;
      stats.streamedBytes += chunk.length;
      // Backpressure: when the socket's buffer is full, wait until the client has read
      // it. Even when it is not, yield once per chunk, so a fast client cannot keep the
      // other connections, the stats and the shutdown waiting behind 4 GiB.
      if (socket.write(chunk)) await nextTurn();
      else await drainedOrClosed(socket);
    }
  };
}

/** The fault routes, the same on both sites, each counted in `stats.faults`. */
export function faultRoutes(stats: Stats): Map<string, Responder> {
  const counted =
    (name: FaultName, respond: Responder): Responder =>
    (socket, request) => {
      stats.faults[name]++;
      return respond(socket, request);
    };
  const routes = new Map<string, Responder>();
  for (let status = faultStatuses.lowest; status <= faultStatuses.highest; status++) {
    const body = Buffer.from(`fault: status ${status}\n`);
    routes.set(`${faultPaths.status}${status}`, counted('status', fixedResponse(status, body)));
  }
  const loop = fixedResponse(302, Buffer.from(`see ${faultPaths.redirectLoop}\n`), undefined, {
    Location: faultPaths.redirectLoop,
  });
  routes.set(faultPaths.reset, counted('reset', resetMidBody));
  routes.set(faultPaths.hang, counted('hang', hang));
  routes.set(faultPaths.drip, counted('drip', drip(stats)));
  routes.set(faultPaths.short, counted('short', shortBody));
  routes.set(faultPaths.redirectLoop, counted('redirectLoop', loop));
  routes.set(faultPaths.huge, counted('huge', huge(stats)));
  return routes;
}
