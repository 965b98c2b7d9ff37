import { createHash } from 'node:crypto';
import { once } from 'node:events';
import net from 'node:net';
import { pageSizes, type SiteServer, startSiteServer } from '@speedup/site-server';
import { Client, type Dispatcher, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Latency } from '../src/latency.js';

const sha256 = (body: Buffer) => createHash('sha256').update(body).digest('hex');

async function get(url: string, dispatcher?: Dispatcher) {
  const response = await request(url, { dispatcher });
  const body = Buffer.from(await response.body.arrayBuffer());
  return { status: response.statusCode, headers: response.headers, body };
}

/** Sends raw bytes on one connection and collects everything until the server closes it. */
async function rawExchange(url: string, bytes: string): Promise<string> {
  const { port } = new URL(url);
  const socket = net.connect(Number(port), '127.0.0.1');
  await once(socket, 'connect');
  socket.write(bytes);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  await once(socket, 'close');
  return Buffer.concat(chunks).toString('latin1');
}

describe('site server', () => {
  let server: SiteServer;
  beforeAll(async () => {
    server = await startSiteServer({ latency: 20 });
  });
  afterAll(async () => {
    await server.close();
  });

  it('serves two sites on 127.0.0.1: a page of tens of KB and a tiny page', async () => {
    const [a, b] = server.sites;
    expect(a).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(b).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(a).not.toBe(b);
    const pageA = await get(a);
    const pageB = await get(b);
    expect(pageA.status).toBe(200);
    expect(pageA.body.length).toBe(pageSizes.A);
    expect(pageSizes.A).toBeGreaterThan(10_000);
    expect(pageSizes.A).toBeLessThan(100_000);
    expect(pageB.body.length).toBe(pageSizes.B);
    expect(pageSizes.B).toBeLessThan(1_000);
    expect(pageA.headers['content-length']).toBe(String(pageSizes.A));
  });

  it('serves the same bytes every time, from every new server', async () => {
    const first = await get(server.sites[0]);
    const second = await get(server.sites[0]);
    const other = await startSiteServer();
    try {
      const fromOther = await get(other.sites[0]);
      expect(sha256(second.body)).toBe(sha256(first.body));
      expect(sha256(fromOther.body)).toBe(sha256(first.body));
    } finally {
      await other.close();
    }
  });

  it('waits at least the full latency before answering, every time: the latency is a floor', async () => {
    const connection = new Client(new URL(server.sites[1]).origin);
    try {
      for (let i = 0; i < 10; i++) {
        const started = performance.now();
        await get(server.sites[1], connection);
        expect(performance.now() - started).toBeGreaterThanOrEqual(20);
      }
    } finally {
      await connection.close();
    }
  });

  it('changes latency while running', async () => {
    await server.configure({ latency: 120 });
    try {
      const started = performance.now();
      await get(server.sites[1]);
      expect(performance.now() - started).toBeGreaterThanOrEqual(119);
    } finally {
      await server.configure({ latency: 20 });
    }
  });

  it('counts connections itself: a kept-alive connection is counted once', async () => {
    await server.resetStats();
    // A Client is exactly one connection (an Agent may open a second one while the
    // first finishes its response), so the server must see one connection here.
    const connection = new Client(new URL(server.sites[0]).origin);
    try {
      for (let i = 0; i < 5; i++) await get(server.sites[0], connection);
    } finally {
      await connection.close();
    }
    const stats = await server.stats();
    expect(stats.requests).toBe(5);
    expect(stats.connections).toBe(1);
  });

  it("counts a client's own peak of connections, not the idle ones others hold open", async () => {
    const idle = [
      new Client(new URL(server.sites[0]).origin),
      new Client(new URL(server.sites[1]).origin),
    ];
    const busy = [
      new Client(new URL(server.sites[0]).origin),
      new Client(new URL(server.sites[0]).origin),
      new Client(new URL(server.sites[1]).origin),
    ];
    try {
      // Another client's connections, opened before the window and left idle in it.
      await Promise.all(idle.map((client) => get(server.sites[0], client)));
      await server.resetStats();
      await Promise.all(busy.map((client) => get(server.sites[0], client)));
      const during = await server.stats();
      expect(during.open).toBeGreaterThanOrEqual(5);
      expect(during.peakActive).toBe(3);
      // A connection used in an earlier window counts again once it carries a request.
      await server.resetStats();
      await get(server.sites[0], idle[0]);
      expect((await server.stats()).peakActive).toBe(1);
    } finally {
      await Promise.all([...idle, ...busy].map((client) => client.close()));
    }
  });

  it('answers pipelined requests in order on one connection, then honours Connection: close', async () => {
    const reply = await rawExchange(
      server.sites[1],
      'GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /missing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    const statuses = [...reply.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((match) => match[1]);
    expect(statuses).toEqual(['200', '404']);
  });

  it('answers HEAD with headers only, other methods with 405, garbage with 400', async () => {
    const head = await rawExchange(server.sites[0], 'HEAD / HTTP/1.1\r\nConnection: close\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(head).toContain(`Content-Length: ${pageSizes.A}`);
    expect(head.endsWith('\r\n\r\n')).toBe(true);
    const post = await rawExchange(server.sites[0], 'POST / HTTP/1.1\r\nConnection: close\r\n\r\n');
    expect(post).toMatch(/^HTTP\/1\.1 405 /);
    const garbage = await rawExchange(server.sites[0], 'hello\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400 /);
  });
});

describe('site server lifecycle', () => {
  it('runs in its own process, which is gone after close()', async () => {
    const server = await startSiteServer();
    expect(server.pid).not.toBe(process.pid);
    expect(() => process.kill(server.pid, 0)).not.toThrow();
    await server.close();
    expect(() => process.kill(server.pid, 0)).toThrow(/ESRCH/);
    await expect(server.stats()).rejects.toThrow(/closed/);
  });

  it('draws jitter from a seed: the same seed gives the same delays, within latency + jitter', () => {
    const draw = (seed: number) => {
      const latency = new Latency({ latency: 10, jitter: 80, seed });
      return Array.from({ length: 50 }, () => latency.next());
    };
    const delays = draw(7);
    expect(draw(7)).toEqual(delays);
    expect(draw(8)).not.toEqual(delays);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(10);
      expect(delay).toBeLessThan(90);
    }
    expect(new Set(delays).size).toBe(delays.length);
  });
});
