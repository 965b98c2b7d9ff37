import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SiteServer, startSiteServer } from '@speedup/site-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bench, runsOnly } from './run-cli.js';

/**
 * `pnpm bench --sites-file <file>` downloads "the http(s) URLs in this file, one per
 * line" (README, `--help`): those and no others, in the file's order, and refuses a line
 * that is not an http(s) URL before anything starts.
 */

interface Exported {
  results: { strategy: string; ok: boolean }[];
  reference_outcomes: { url: string; pages: number; kind: string }[];
}

describe('pnpm bench --sites-file', () => {
  let server: SiteServer;
  const dir = mkdtempSync(join(tmpdir(), 'speedup-sites-file-'));
  beforeAll(async () => {
    server = await startSiteServer({ latency: 1 });
  });
  beforeEach(() => server.resetStats());
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('downloads exactly the URLs the file lists, one per line, cycling through them in order', async () => {
    const [siteA, siteB] = server.sites;
    // Three URLs: the third is site A again under a query only this file names. Around
    // them, what the parser promises to skip: spaces, a blank line, a `#` comment, CRLF.
    const listed = [siteA, siteB, `${siteA}?from=sites-file`];
    const file = join(dir, 'sites.txt');
    writeFileSync(
      file,
      `${listed[0]}\n\n   ${listed[1]}  \r\n# a comment, not a site\n\t${listed[2]}\n`,
    );
    const out = join(dir, 'bench.json');
    const run = bench([
      '--only',
      'io-sync',
      '--sites-file',
      file,
      '--pages',
      '6',
      ...runsOnly(1),
      '--export-json',
      out,
    ]);
    expect(run.status, run.stderr).toBe(0);

    const exported = JSON.parse(readFileSync(out, 'utf8')) as Exported;
    expect(exported.results.map(({ strategy, ok }) => [strategy, ok])).toEqual([['io-sync', true]]);
    // Six pages over three URLs: each twice, every one of them served.
    expect(exported.reference_outcomes.map(({ url, pages, kind }) => [url, pages, kind])).toEqual(
      listed.map((url) => [url, 2, 'ok']),
    );
    // And this server saw them: one run, no warm-up, a request a page.
    expect((await server.stats()).requests).toBe(6);
  });

  it.each([
    ['ftp://127.0.0.1/file.txt', /'ftp:\/\/127\.0\.0\.1\/file\.txt' is not an http or https URL/],
    ['not a url', /'not a url' is not a valid URL/],
  ])(
    'refuses the line %j with one line naming it and exit code 2, before downloading anything',
    async (line, message) => {
      const file = join(dir, 'bad-sites.txt');
      writeFileSync(file, `${server.sites[0]}\n${line}\n${server.sites[1]}\n`);
      const run = bench([
        '--only',
        'io-sync',
        '--sites-file',
        file,
        '--pages',
        '3',
        ...runsOnly(1),
      ]);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stdout).toBe('');
      expect((await server.stats()).requests).toBe(0);
    },
  );
});
