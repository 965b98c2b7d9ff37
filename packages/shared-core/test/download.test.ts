import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { pageBodies, type SiteServer, startSiteServer } from '@speedup/site-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, downloadPage, type HttpSession } from '../src/index.js';

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
});
