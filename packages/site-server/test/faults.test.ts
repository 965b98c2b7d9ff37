import { once } from 'node:events';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  faultDefaults,
  faultUrls,
  pageBodies,
  pageSizes,
  refusedUrl,
  type SiteServer,
  startSiteServer,
  statusFaultUrl,
} from '@speedup/site-server';
import { Client, errors, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillerBytes } from '../src/faults.js';

const MiB = 1024 * 1024;
const LATENCY = 20;

interface Arrival {
  readonly at: number;
  readonly chunk: Buffer;
}

/**
 * One raw TCP connection that sends one request and records every byte that comes back
 * and when, so a test sees exactly what the server put on the wire, resets included.
 */
async function sendRaw(url: string, { method = 'GET', close = true, oneByteReads = false } = {}) {
  const target = new URL(url);
  const arrivals: Arrival[] = [];
  let total = 0;
  const record = (chunk: Buffer): true => {
    arrivals.push({ at: performance.now(), chunk });
    total += chunk.length;
    return true; // keep reading
  };
  // Node reports a reset that arrives together with unread bytes as a plain end of
  // stream when its last read came up short. A one-byte read never comes up short, so
  // with `oneByteReads` a reset is always seen as ECONNRESET, and a clean close as 'end'.
  const socket = oneByteReads
    ? net.connect({
        port: Number(target.port),
        host: target.hostname,
        onread: {
          buffer: Buffer.alloc(1),
          callback: (bytes, buffer) => record(Buffer.from(buffer.subarray(0, bytes))),
        },
      })
    : net.connect(Number(target.port), target.hostname).on('data', record);
  await once(socket, 'connect');
  /** How the connection ended: 'end' for a clean close (FIN), else the error code. */
  const ended = new Promise<string>((resolve) => {
    socket.on('end', () => resolve('end'));
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    socket.on('close', () => resolve('close'));
  });
  const sentAt = performance.now();
  const connection = close ? 'Connection: close\r\n' : '';
  socket.write(
    `${method} ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\n${connection}\r\n`,
  );
  const received = () => Buffer.concat(arrivals.map((arrival) => arrival.chunk));
  return { socket, arrivals, sentAt, ended, received, receivedBytes: () => total };
}

function splitResponse(bytes: Buffer): { head: string; body: Buffer } {
  const end = bytes.indexOf('\r\n\r\n');
  if (end === -1) return { head: bytes.toString('latin1'), body: Buffer.alloc(0) };
  return { head: bytes.subarray(0, end).toString('latin1'), body: bytes.subarray(end + 4) };
}

/** Polls until `condition` holds; fails the test only if it never does within 10 s. */
async function waitFor(what: string, condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(10);
  }
}

/** Reads a body through undici, keeping what arrived before any error. */
async function readThroughUndici(url: string, client: Client) {
  const response = await request(url, { dispatcher: client });
  const chunks: Buffer[] = [];
  let errorCode: string | undefined;
  try {
    for await (const chunk of response.body) chunks.push(chunk as Buffer);
  } catch (error) {
    errorCode = (error as NodeJS.ErrnoException).code;
  }
  return {
    status: response.statusCode,
    headers: response.headers,
    body: Buffer.concat(chunks),
    errorCode,
  };
}

/**
 * Waits until the server has seen every connection close. Tests that count open
 * connections start here, so one closing late from an earlier test cannot be miscounted.
 */
function allClosed(server: SiteServer): Promise<void> {
  return waitFor('every connection to close', async () => (await server.stats()).open === 0);
}

async function withClient<T>(
  url: string,
  use: (client: Client) => Promise<T>,
  options?: Client.Options,
) {
  const client = new Client(new URL(url).origin, options);
  try {
    return await use(client);
  } finally {
    await client.destroy();
  }
}

describe('fault routes', () => {
  let server: SiteServer;
  let siteA: string;
  let siteB: string;
  beforeAll(async () => {
    server = await startSiteServer({ latency: LATENCY });
    [siteA, siteB] = server.sites;
  });
  afterAll(async () => {
    await server.close();
  });

  it('builds every fault URL from a site URL, with options in the query', () => {
    const urls = faultUrls('http://127.0.0.1:4000/', {
      dripBytes: 5,
      dripInterval: 50,
      hugeBytes: 10,
    });
    expect(urls).toEqual({
      status500: 'http://127.0.0.1:4000/fault/status/500',
      status404: 'http://127.0.0.1:4000/fault/status/404',
      reset: 'http://127.0.0.1:4000/fault/reset',
      hang: 'http://127.0.0.1:4000/fault/hang',
      drip: 'http://127.0.0.1:4000/fault/drip?bytes=5&interval=50',
      short: 'http://127.0.0.1:4000/fault/short',
      redirectLoop: 'http://127.0.0.1:4000/fault/redirect-loop',
      huge: 'http://127.0.0.1:4000/fault/huge?bytes=10',
    });
    expect(faultUrls('http://127.0.0.1:4000/').drip).toBe('http://127.0.0.1:4000/fault/drip');
    expect(statusFaultUrl('http://127.0.0.1:4000/', 599)).toBe(
      'http://127.0.0.1:4000/fault/status/599',
    );
    expect(() => statusFaultUrl('http://127.0.0.1:4000/', 200)).toThrow(RangeError);
    expect(() => statusFaultUrl('http://127.0.0.1:4000/', 600)).toThrow(RangeError);
  });

  it('answers a status fault with that status and a small fixed body, on both sites', async () => {
    for (const [site, status] of [
      [siteA, 500],
      [siteB, 404],
      [siteB, 418],
      [siteA, 503],
    ] as const) {
      const url = statusFaultUrl(site, status);
      const response = await withClient(url, (client) => readThroughUndici(url, client));
      expect(response.status).toBe(status);
      expect(response.body.toString()).toBe(`fault: status ${status}\n`);
      expect(response.headers['content-length']).toBe(String(response.body.length));
      expect(response.errorCode).toBeUndefined();
    }
    const outside = await sendRaw(`${siteA}fault/status/399`);
    await outside.ended;
    expect(outside.received().toString('latin1')).toMatch(/^HTTP\/1\.1 404 Not Found\r\n/);
  });

  it('resets the connection mid-body: a chunk announced for the whole page, half of it, then ECONNRESET', async () => {
    const raw = await sendRaw(faultUrls(siteA).reset, { oneByteReads: true });
    expect(await raw.ended).toBe('ECONNRESET');
    const { head, body } = splitResponse(raw.received());
    expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    // Chunked, with no length announced, so a reset seen as a plain close is not a short body.
    expect(head).toContain('Transfer-Encoding: chunked');
    expect(head).not.toContain('Content-Length');
    const chunkLine = `${pageSizes.A.toString(16)}\r\n`;
    expect(body.subarray(0, chunkLine.length).toString('latin1')).toBe(chunkLine);
    const data = body.subarray(chunkLine.length);
    expect(data.length).toBeGreaterThan(0);
    expect(data.length).toBeLessThan(pageSizes.A);
    expect(data.equals(pageBodies.A.subarray(0, data.length))).toBe(true);

    const url = faultUrls(siteB).reset;
    const throughUndici = await withClient(url, (client) => readThroughUndici(url, client));
    expect(throughUndici.status).toBe(200);
    expect(throughUndici.headers['content-length']).toBeUndefined();
    expect(throughUndici.body.length).toBeLessThan(pageSizes.A);
    // ECONNRESET unless the client was too busy to read before the reset came; both
    // are 'reset' to downloadPage, since no length was announced.
    expect(['ECONNRESET', 'UND_ERR_SOCKET']).toContain(throughUndici.errorCode);
  });

  it('hangs: reads the request, sends nothing and keeps the connection open', async () => {
    const before = (await server.stats()).faults.hang;
    const raw = await sendRaw(faultUrls(siteA).hang);
    await waitFor('the hang route to take the request', async () => {
      return (await server.stats()).faults.hang === before + 1;
    });
    await sleep(300);
    expect(raw.arrivals).toEqual([]);
    expect(raw.socket.readyState).toBe('open');
    raw.socket.destroy();

    // What a client with a headers timeout sees: its own timeout, never an answer.
    const url = faultUrls(siteB).hang;
    const timedOut = withClient(url, (client) => request(url, { dispatcher: client }), {
      headersTimeout: 200,
    });
    await expect(timedOut).rejects.toBeInstanceOf(errors.HeadersTimeoutError);
  });

  it('drips the body one byte per interval, in order, with the right length', async () => {
    const interval = 50;
    const raw = await sendRaw(faultUrls(siteA, { dripBytes: 5, dripInterval: interval }).drip);
    expect(await raw.ended).toBe('end');
    const { head, body } = splitResponse(raw.received());
    expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(head).toContain('Content-Length: 5');
    expect(body.equals(fillerBytes(5))).toBe(true);

    // Byte k cannot leave before k intervals after the request: a lower bound only, with
    // a little room for timers that fire a millisecond early.
    const headLength = raw.received().length - body.length;
    let seen = 0;
    for (const { at, chunk } of raw.arrivals) {
      const before = seen;
      seen += chunk.length;
      for (let byte = Math.max(before, headLength) + 1; byte <= seen; byte++) {
        const k = byte - headLength;
        expect(at - raw.sentAt).toBeGreaterThanOrEqual(k * (interval - 2));
      }
    }
  });

  it('stops dripping as soon as the client goes away', async () => {
    await allClosed(server);
    const raw = await sendRaw(faultUrls(siteB, { dripBytes: 1000, dripInterval: 20 }).drip);
    await waitFor('two dripped bytes', () => splitResponse(raw.received()).body.length >= 2);
    raw.socket.destroy();
    await allClosed(server);
    const stopped = (await server.stats()).streamedBytes;
    await sleep(200); // ten intervals
    expect((await server.stats()).streamedBytes).toBe(stopped);
  });

  it('sends a body shorter than announced (500 of 1000 bytes), then closes cleanly', async () => {
    const raw = await sendRaw(faultUrls(siteA).short, { close: false });
    expect(await raw.ended).toBe('end');
    const { head, body } = splitResponse(raw.received());
    expect(head).toContain('Content-Length: 1000');
    expect(body.equals(fillerBytes(500))).toBe(true);

    const url = faultUrls(siteB).short;
    const throughUndici = await withClient(url, (client) => readThroughUndici(url, client));
    expect(throughUndici.body.length).toBe(500);
    expect(throughUndici.errorCode).toBe('UND_ERR_SOCKET');
  });

  it('redirects to itself, forever', async () => {
    const url = faultUrls(siteA).redirectLoop;
    await withClient(url, async (client) => {
      for (let hop = 0; hop < 3; hop++) {
        const response = await readThroughUndici(url, client);
        expect(response.status).toBe(302);
        expect(response.headers.location).toBe('/fault/redirect-loop');
        expect(new URL(String(response.headers.location), url).href).toBe(url);
      }
    });
  });

  it('serves a huge body only as fast as the client reads it, and stops when it leaves', async () => {
    await allClosed(server);
    const before = await server.stats();
    const raw = await sendRaw(faultUrls(siteA).huge);
    const wanted = 8 * MiB;
    // The head is a few hundred bytes at most: stop reading once the body has 8 MiB.
    const enough = () => raw.receivedBytes() >= wanted + 1024;
    raw.socket.on('data', () => {
      if (enough()) raw.socket.pause();
    });
    await waitFor('the first 8 MiB', enough);
    const { head, body } = splitResponse(raw.received());
    expect(head).toContain(`Content-Length: ${faultDefaults.hugeBytes}`);
    expect(body.subarray(0, wanted).equals(fillerBytes(wanted))).toBe(true);

    // The client now reads nothing. A server that ignored backpressure would go on
    // handing chunks to the socket; this one stops once the socket buffers are full.
    await sleep(300);
    const paused = await server.stats();
    expect(paused.streamedBytes - before.streamedBytes - body.length).toBeLessThan(64 * MiB);
    expect(paused.rss - before.rss).toBeLessThan(64 * MiB);

    raw.socket.destroy();
    await allClosed(server);
    const stopped = (await server.stats()).streamedBytes;
    await sleep(200);
    const after = await server.stats();
    expect(after.streamedBytes).toBe(stopped);
    expect(after.rss - before.rss).toBeLessThan(64 * MiB);
    const page = await withClient(siteA, (client) => readThroughUndici(siteA, client));
    expect(page.body.equals(pageBodies.A)).toBe(true);
  });

  it('serves a huge body of the size asked for, whole, then keeps the connection', async () => {
    const url = faultUrls(siteB, { hugeBytes: 200_000 }).huge;
    await withClient(url, async (client) => {
      const huge = await readThroughUndici(url, client);
      expect(huge.headers['content-length']).toBe('200000');
      expect(huge.body.equals(fillerBytes(200_000))).toBe(true);
      const page = await readThroughUndici(siteB, client);
      expect(page.body.equals(pageBodies.B)).toBe(true);
    });
  });

  it('answers HEAD on a body fault with the head alone, and the connection goes on', async () => {
    const { port } = new URL(siteA);
    const socket = net.connect(Number(port), '127.0.0.1');
    await once(socket, 'connect');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.write(
      'HEAD /fault/huge HTTP/1.1\r\nHost: x\r\n\r\nHEAD /fault/short HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    await once(socket, 'close');
    const reply = Buffer.concat(chunks).toString('latin1');
    const lengths = [...reply.matchAll(/Content-Length: (\d+)/g)].map((match) => match[1]);
    expect(lengths).toEqual([String(faultDefaults.hugeBytes), '1000', String(pageSizes.A)]);
    expect(reply.endsWith(pageBodies.A.toString('latin1'))).toBe(true);
  });

  it('rejects drip and huge sizes that are not whole numbers', async () => {
    for (const url of [`${siteA}fault/drip?bytes=-1`, `${siteA}fault/huge?bytes=1e9`]) {
      const raw = await sendRaw(url);
      await raw.ended;
      expect(raw.received().toString('latin1')).toMatch(/^HTTP\/1\.1 400 /);
    }
  });

  it('waits the configured latency before a fault answers', async () => {
    await server.configure({ latency: 150 });
    try {
      for (const url of [faultUrls(siteA).status500, faultUrls(siteB).reset]) {
        const raw = await sendRaw(url);
        await raw.ended;
        expect(raw.arrivals[0]?.at ?? 0).toBeGreaterThanOrEqual(raw.sentAt + 149);
      }
    } finally {
      await server.configure({ latency: LATENCY });
    }
  });

  it('counts requests per fault route, and connections close in the stats', async () => {
    await server.resetStats();
    const urls = faultUrls(siteA);
    await withClient(siteA, async (client) => {
      await readThroughUndici(urls.status500, client);
      await readThroughUndici(urls.status404, client);
      for (let hop = 0; hop < 3; hop++) await readThroughUndici(urls.redirectLoop, client);
    });
    await (await sendRaw(urls.reset)).ended;
    await (await sendRaw(urls.short)).ended;
    await allClosed(server);
    const stats = await server.stats();
    expect(stats.faults).toEqual({
      status: 2,
      reset: 1,
      hang: 0,
      drip: 0,
      short: 1,
      redirectLoop: 3,
      huge: 0,
    });
    expect(stats.requests).toBe(7);
    expect(stats.connections).toBe(3);
  });
});

describe('a port with nothing listening', () => {
  it('refuses connections', async () => {
    const url = await refusedUrl();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const socket = net.connect(Number(new URL(url).port), '127.0.0.1');
    const [error] = (await once(socket, 'error')) as [NodeJS.ErrnoException];
    expect(error.code).toBe('ECONNREFUSED');
    await expect(request(url)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});

describe('closing with faults in flight', () => {
  it('ends the server process promptly while hang, drip and huge connections are open', async () => {
    const server = await startSiteServer();
    const [site] = server.sites;
    const hang = await sendRaw(faultUrls(site).hang);
    const drip = await sendRaw(faultUrls(site, { dripBytes: 10_000, dripInterval: 50 }).drip);
    const huge = await sendRaw(faultUrls(site).huge);
    const stopReading = () => huge.socket.pause();
    huge.socket.on('data', stopReading);
    await waitFor('all three faults under way', async () => {
      const { faults } = await server.stats();
      return faults.hang === 1 && drip.arrivals.length > 1 && huge.arrivals.length > 0;
    });
    const started = performance.now();
    await server.close();
    // close() kills the process after 2 s if it has not exited by itself; it must not need to.
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(() => process.kill(server.pid, 0)).toThrow(/ESRCH/);
    // The huge body's end of stream waits behind the bytes already sent: read them.
    huge.socket.off('data', stopReading).resume();
    for (const client of [hang, drip, huge]) {
      expect(await client.ended).toMatch(/^(end|ECONNRESET)$/);
    }
  });
});
