import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SiteServer, startSiteServer, statusFaultUrl } from '@speedup/site-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bench, runsOnly, start } from './run-cli.js';

/**
 * A site given with credentials is downloaded with them, and shown everywhere with its
 * password hidden: tables, progress, verdict, timeline, JSON, Markdown, the HTML report,
 * and each strategy's own `pnpm start`. The site server accepts any credentials, so the
 * run is a real one.
 */

const PASSWORDS = ['s3cr3t', 'hunter2'];

describe('no secrets in what a run leaves', () => {
  let server: SiteServer;
  let sites: string[];
  const dir = mkdtempSync(join(tmpdir(), 'speedup-secrets-'));
  beforeAll(async () => {
    server = await startSiteServer({ latency: 1 });
    const withCredentials = (url: string, user: string, password: string) => {
      const parsed = new URL(url);
      parsed.username = user;
      parsed.password = password;
      return parsed.href;
    };
    const [siteA, siteB] = server.sites;
    sites = [
      withCredentials(siteA, 'alice', 's3cr3t'),
      withCredentials(statusFaultUrl(siteA, 500), 'alice', 's3cr3t'),
      withCredentials(siteB, 'bob', 'hunter2'),
    ];
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows every URL with its password replaced, in every output, error and export of pnpm bench', () => {
    const files = {
      json: join(dir, 'bench.json'),
      markdown: join(dir, 'bench.md'),
      report: join(dir, 'report'),
    };
    const run = bench(
      [
        '--only',
        'io-threading',
        '--sites',
        sites.join(','),
        '--pages',
        '6',
        ...runsOnly(1),
        '--export-json',
        files.json,
        '--export-markdown',
        files.markdown,
        '--report',
        files.report,
        '--timeline',
        'io-threading',
      ],
      { env: { ...process.env, CI: '1' } },
    );
    expect(run.status, run.stderr).toBe(0);
    const outputs = {
      stdout: run.stdout,
      stderr: run.stderr,
      json: readFileSync(files.json, 'utf8'),
      markdown: readFileSync(files.markdown, 'utf8'),
      report: readFileSync(join(files.report, 'index.html'), 'utf8'),
    };
    for (const [name, text] of Object.entries(outputs)) {
      for (const password of PASSWORDS) expect(text, name).not.toContain(password);
    }
    // Still named, so a reader knows which site and which user.
    expect(outputs.stdout).toContain('http://alice:***@127.0.0.1:');
    expect(outputs.stdout).toContain('http://bob:***@127.0.0.1:');
    expect(outputs.markdown).toContain('alice:***@');
    expect(outputs.report).toContain('alice:***@');
    const exported = JSON.parse(outputs.json) as {
      results: { input: string }[];
      reference_outcomes: { url: string; kind: string }[];
    };
    expect(exported.results[0]?.input).toContain('alice:***@');
    expect(
      exported.reference_outcomes.map(({ url, kind }) => [url.replace(/:\d+/, ':port'), kind]),
    ).toEqual([
      ['http://alice:***@127.0.0.1:port/', 'ok'],
      ['http://alice:***@127.0.0.1:port/fault/status/500', 'http_status (500)'],
      ['http://bob:***@127.0.0.1:port/', 'ok'],
    ]);
  });

  it('hides them in a strategy’s own pnpm start too', () => {
    const run = start('io-sync', ['--sites', sites.join(','), '--pages', '3']);
    expect(run.status, run.stderr).toBe(0);
    for (const password of PASSWORDS) {
      expect(run.stdout).not.toContain(password);
      expect(run.stderr).not.toContain(password);
    }
    expect(run.stdout).toContain('Failed http://alice:***@127.0.0.1:');
    expect(run.stdout).toContain('1 of 3 pages failed: 1 HTTP 500.');
  });
});
