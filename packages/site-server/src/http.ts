import net, { type Socket } from 'node:net';
import type { FaultName } from './fault-urls.js';
import type { Latency } from './latency.js';
import type { Page } from './pages.js';

/**
 * A deliberately small HTTP/1.1 server written on `node:net`.
 *
 * Why not `node:http`? This server exists to be measured against. With 160 requests in
 * flight, `node:http` spends about 45 µs of CPU per response here (request objects,
 * header handling, response streams), and that cost lands inside every client's
 * measured time. This server parses only the request line, answers from responses
 * serialised once at start-up (status line, headers and body in one buffer, one
 * `write`), and keeps the lesson's numbers about the clients, not the server.
 *
 * What it supports, and all the clients here need: GET and HEAD, keep-alive, pipelined
 * requests answered in order, `Connection: close`.
 */

export interface RequestHead {
  readonly method: string;
  readonly path: string;
  /** The request target after `?`, or '' if it has none. */
  readonly query: string;
  readonly close: boolean;
}

/** Writes one response, or misbehaves on purpose; resolves when the connection may serve the next request. */
export type Responder = (socket: Socket, request: RequestHead) => void | Promise<void>;

export interface ServerStats {
  /** TCP connections accepted since the last reset. */
  connections: number;
  /** Requests answered or being answered since the last reset. */
  requests: number;
  /** Connections open right now. */
  open: number;
  /** Most connections open at once since the last reset. */
  peakOpen: number;
  /**
   * Most connections open at once among those that carried a request since the last
   * reset. Between a reset and the next read only one client sending requests, this is
   * its own peak, whatever connections other clients hold open and idle.
   */
  peakActive: number;
  /** Requests each fault route began to answer (after the latency) since the last reset. */
  faults: Record<FaultName, number>;
  /** Body bytes the streaming fault routes (drip, huge) handed to sockets since the last reset. */
  streamedBytes: number;
  /** Resident memory of the server process, in bytes, when these stats were taken. */
  rss: number;
}

const noFaults = (): Record<FaultName, number> => ({
  status: 0,
  reset: 0,
  hang: 0,
  drip: 0,
  short: 0,
  redirectLoop: 0,
  huge: 0,
});

export class Stats {
  connections = 0;
  requests = 0;
  open = 0;
  peakOpen = 0;
  faults = noFaults();
  streamedBytes = 0;
  /** Counts resets, so a connection knows whether it carried a request since the last one. */
  window = 0;
  /** Open connections that carried a request in this window, and their peak. */
  active = 0;
  peakActive = 0;

  reset(): void {
    this.connections = 0;
    this.requests = 0;
    this.peakOpen = this.open;
    this.faults = noFaults();
    this.streamedBytes = 0;
    this.window++;
    this.active = 0;
    this.peakActive = 0;
  }

  snapshot(): ServerStats {
    const { connections, requests, open, peakOpen, peakActive, streamedBytes } = this;
    const faults = { ...this.faults };
    return {
      connections,
      requests,
      open,
      peakOpen,
      peakActive,
      faults,
      streamedBytes,
      rss: process.memoryUsage.rss(),
    };
  }
}

const KEEP_ALIVE_SECONDS = 60;
const MAX_HEAD_BYTES = 16 * 1024;
const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  302: 'Found',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Status line and headers of a response whose body is `contentLength` bytes (none: sent chunked). */
export function serialiseHead(
  status: number,
  contentLength: number | undefined,
  contentType = 'text/plain; charset=utf-8',
  extraHeaders: Readonly<Record<string, string>> = {},
): Buffer {
  const headers = {
    'Content-Type': contentType,
    ...(contentLength === undefined ? {} : { 'Content-Length': String(contentLength) }),
    'Keep-Alive': `timeout=${KEEP_ALIVE_SECONDS}`,
    ...extraHeaders,
  };
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return Buffer.from(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Status'}\r\n${lines.join('')}\r\n`,
    'latin1',
  );
}

/** Status line, headers and body, serialised once, so answering is a single write. */
export function serialiseResponse(
  status: number,
  body: Buffer,
  contentType?: string,
  extraHeaders?: Readonly<Record<string, string>>,
): { full: Buffer; head: Buffer } {
  const head = serialiseHead(status, body.length, contentType, extraHeaders);
  return { full: Buffer.concat([head, body]), head };
}

/** A responder that answers every request with the same bytes. */
export function fixedResponse(
  status: number,
  body: Buffer,
  contentType?: string,
  extraHeaders?: Readonly<Record<string, string>>,
): Responder {
  const { full, head } = serialiseResponse(status, body, contentType, extraHeaders);
  return (socket, request) => {
    socket.write(request.method === 'HEAD' ? head : full);
  };
}

export function pageResponse(page: Page): Responder {
  return fixedResponse(200, page.body, page.contentType);
}

const notFound = fixedResponse(404, Buffer.from('not found\n'));
const badRequest = fixedResponse(400, Buffer.from('bad request\n'));
const notAllowed = fixedResponse(405, Buffer.from('only GET and HEAD\n'), undefined, {
  Allow: 'GET, HEAD',
});

function parseHead(head: string): RequestHead | undefined {
  const lineEnd = head.indexOf('\r\n');
  const requestLine = lineEnd === -1 ? head : head.slice(0, lineEnd);
  const [method, target, version] = requestLine.split(' ');
  if (!method || !target || !version?.startsWith('HTTP/1.')) return undefined;
  const queryAt = target.indexOf('?');
  const path = queryAt === -1 ? target : target.slice(0, queryAt);
  const query = queryAt === -1 ? '' : target.slice(queryAt + 1);
  const close = version === 'HTTP/1.0' || /\r\nconnection:[ \t]*close/i.test(head.slice(lineEnd));
  return { method, path, query, close };
}

interface Queued {
  due: number;
  request: RequestHead | undefined;
}

/**
 * Serves one site on its own port. Every response waits `latency.next()` ms counted
 * from the request's arrival, as if the site were far away; responses on one
 * connection still leave in request order.
 */
export function createSite(
  routes: ReadonlyMap<string, Responder>,
  latency: Latency,
  stats: Stats,
): net.Server {
  const server = net.createServer({ noDelay: true }, (socket) => {
    stats.connections++;
    stats.open++;
    stats.peakOpen = Math.max(stats.peakOpen, stats.open);
    socket.setTimeout(KEEP_ALIVE_SECONDS * 1000, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    // The window in which this connection last carried a request.
    let activeIn = -1;
    socket.on('close', () => {
      stats.open--;
      if (activeIn === stats.window) stats.active--;
    });

    let received = '';
    const queue: Queued[] = [];
    let busy = false;

    const answerNext = async (): Promise<void> => {
      busy = true;
      while (queue.length > 0 && !socket.destroyed) {
        const { due, request } = queue.shift() as Queued;
        // Timers count whole milliseconds from the event loop's clock, which runs up to
        // a millisecond behind, so a timer can fire up to 1 ms early. The rest of the
        // wait is made up a loop turn at a time: the latency is then a floor no client
        // can beat, overshot by a loop turn rather than by a millisecond.
        const wait = due - performance.now();
        if (wait >= 1) await new Promise((resolve) => setTimeout(resolve, wait));
        while (performance.now() < due) await new Promise(setImmediate);
        if (socket.destroyed) break;
        await respond(socket, request);
        if (!request || request.close) {
          socket.end();
          break;
        }
      }
      busy = false;
    };

    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      for (let end = received.indexOf('\r\n\r\n'); end !== -1; end = received.indexOf('\r\n\r\n')) {
        const request = parseHead(received.slice(0, end));
        received = received.slice(end + 4);
        stats.requests++;
        if (activeIn !== stats.window) {
          activeIn = stats.window;
          stats.active++;
          stats.peakActive = Math.max(stats.peakActive, stats.active);
        }
        queue.push({ due: performance.now() + latency.next(), request });
      }
      if (received.length > MAX_HEAD_BYTES) {
        socket.end(serialiseResponse(431, Buffer.from('request head too large\n')).full);
        return;
      }
      if (!busy && queue.length > 0) void answerNext();
    });
  });

  function respond(socket: Socket, request: RequestHead | undefined): void | Promise<void> {
    if (!request) return badRequest(socket, { method: 'GET', path: '', query: '', close: true });
    if (request.method !== 'GET' && request.method !== 'HEAD') return notAllowed(socket, request);
    return (routes.get(request.path) ?? notFound)(socket, request);
  }

  return server;
}
