import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { faultUrls, pageBodies, type SiteServer, startSiteServer } from '@speedup/site-server';
import { Agent, type Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, downloadPage, type HttpSession, outcomeKind } from '../src/index.js';

const sha256 = (body: Buffer) => createHash('sha256').update(body).digest('hex');

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('downloadPage', () => {
  let server: SiteServer;
  let session: HttpSession;
  beforeAll(async () => {
    server = await startSiteServer({ latency: 1 });
    session = await createSession();
  });
  afterAll(async () => {
    await session?.close();
    await server?.close();
  });

  it('reads the whole body and describes it: status, bytes, SHA-256', async () => {
    const [a, b] = server.sites;
    expect(await downloadPage(session, a)).toEqual({
      url: a,
      status: 200,
      bytes: pageBodies.A.length,
      sha256: sha256(pageBodies.A),
    });
    expect(await downloadPage(session, b)).toEqual({
      url: b,
      status: 200,
      bytes: pageBodies.B.length,
      sha256: sha256(pageBodies.B),
    });
  });

  it('records an HTTP error status as a failed page, not an exception', async () => {
    const result = await downloadPage(session, `${server.sites[0]}missing`);
    expect(result).toMatchObject({ status: 404, error: 'http_status' });
  });

  it('records a refused connection as a failed page', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/`;
    expect(await downloadPage(session, url)).toEqual({
      url,
      status: 0,
      bytes: 0,
      sha256: '',
      error: 'refused',
    });
  });

  it('stops reading past the size cap and records too_large', async () => {
    const result = await downloadPage(session, server.sites[0], { maxBytes: 1000 });
    expect(result).toMatchObject({ status: 0, bytes: 0, error: 'too_large' });
  });

  it('rejects with the abort reason when aborted', async () => {
    await server.configure({ latency: 5_000 });
    try {
      const stop = new AbortController();
      const download = downloadPage(session, server.sites[1], { signal: stop.signal });
      setTimeout(() => stop.abort(new Error('no more')), 50);
      await expect(download).rejects.toThrow('no more');
    } finally {
      await server.configure({ latency: 1 });
    }
  });

  it('tells a body shorter than its Content-Length apart from a reset', async () => {
    const fault = faultUrls(server.sites[0]);
    expect(await downloadPage(session, fault.short)).toEqual({
      url: fault.short,
      status: 0,
      bytes: 0,
      sha256: '',
      error: 'short_body',
    });
    expect(outcomeKind(await downloadPage(session, fault.reset))).toBe('reset');
  });

  it('says which timeout ran out: the response head, a gap in the body', async () => {
    const impatient = new Agent({ headersTimeout: 300, bodyTimeout: 300 });
    try {
      const fault = faultUrls(server.sites[0], { dripInterval: 2_000 });
      expect(await downloadPage(impatient, fault.hang)).toMatchObject({
        status: 0,
        error: 'timeout',
        timeout: 'headers',
      });
      expect(outcomeKind(await downloadPage(impatient, fault.drip))).toBe('timeout (body)');
    } finally {
      await impatient.close();
    }
  });

  it('ends a page that drips steadily at the page timeout, which no gap ever trips', async () => {
    // A byte every 50 ms for 3.2 s: each gap is far inside the body timeout.
    const drip = faultUrls(server.sites[0], { dripBytes: 64, dripInterval: 50 }).drip;
    const started = performance.now();
    const page = await downloadPage(session, drip, { pageTimeout: 500 });
    const tookMs = performance.now() - started;
    expect(page).toEqual({
      url: drip,
      status: 0,
      bytes: 0,
      sha256: '',
      error: 'timeout',
      timeout: 'page',
    });
    expect(tookMs).toBeGreaterThanOrEqual(499);
    // Generous: the deadline is one timer, late only by as much as this machine is busy.
    expect(tookMs).toBeLessThan(500 + 2_000);
  });

  it('counts redirects against the page timeout', async () => {
    await server.configure({ latency: 50 });
    try {
      const loop = faultUrls(server.sites[0]).redirectLoop;
      const page = await downloadPage(session, loop, { pageTimeout: 300, maxRedirects: 100 });
      expect(outcomeKind(page)).toBe('timeout (page)');
    } finally {
      await server.configure({ latency: 1 });
    }
  });

  it('names the kind of every network failure undici reports', async () => {
    /** A session whose every request fails at once with `error`, as undici would report it. */
    const failingWith = (error: Error): HttpSession =>
      ({
        dispatch(_options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler) {
          const controller = { abort() {}, pause() {}, resume() {} };
          handler.onRequestStart?.(controller as never, {});
          handler.onResponseError?.(controller as never, error);
          return true;
        },
      }) as unknown as HttpSession;
    const coded = (code: string) => Object.assign(new Error(code), { code });
    const kinds = await Promise.all(
      [
        'UND_ERR_CONNECT_TIMEOUT',
        'ETIMEDOUT',
        'UND_ERR_HEADERS_TIMEOUT',
        'UND_ERR_BODY_TIMEOUT',
        'ECONNREFUSED',
        'ECONNRESET',
        'EPIPE',
        'UND_ERR_SOCKET',
        'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
        'EAI_AGAIN',
      ].map(async (code) => outcomeKind(await downloadPage(failingWith(coded(code)), 'http://x/'))),
    );
    expect(kinds).toEqual([
      'timeout (connect)',
      'timeout (connect)',
      'timeout (headers)',
      'timeout (body)',
      'refused',
      'reset',
      'reset',
      'reset',
      'short_body',
      'failed',
    ]);
    const other = await downloadPage(failingWith(coded('EAI_AGAIN')), 'http://x/');
    expect(other.detail).toBe('EAI_AGAIN');
  });

  it('sends the credentials of a URL as Basic authentication, to its own origin only', async () => {
    const seen: (string | undefined)[] = [];
    const elsewhere = createHttpServer((request, response) => {
      seen.push(request.headers.authorization);
      response.end('elsewhere');
    }).listen(0, '127.0.0.1');
    await once(elsewhere, 'listening');
    const elsewhereUrl = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/`;
    const guarded = createHttpServer((request, response) => {
      const expected = `Basic ${Buffer.from('alice:s3 cr3t').toString('base64')}`;
      const headers: IncomingHttpHeaders = request.headers;
      if (headers.authorization !== expected) response.writeHead(401).end('who are you?');
      else if (request.url === '/away') response.writeHead(302, { location: elsewhereUrl }).end();
      else response.end('welcome');
    }).listen(0, '127.0.0.1');
    await once(guarded, 'listening');
    const port = (guarded.address() as AddressInfo).port;
    try {
      const withCredentials = `http://alice:s3%20cr3t@127.0.0.1:${port}/`;
      expect(await downloadPage(session, withCredentials)).toMatchObject({
        status: 200,
        bytes: 7,
      });
      expect(await downloadPage(session, `http://127.0.0.1:${port}/`)).toMatchObject({
        status: 401,
        error: 'http_status',
      });
      expect(await downloadPage(session, `${withCredentials}away`)).toMatchObject({ status: 200 });
      expect(seen).toEqual([undefined]);
    } finally {
      guarded.close();
      elsewhere.close();
      guarded.closeAllConnections();
      elsewhere.closeAllConnections();
    }
  });
});
