import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { textTimeline, textTimelines } from '../src/output/timeline-text.js';
import { asyncDownloads, fixtureRow, unsweptResult } from './report-fixtures.js';
import { bench, runsOnly } from './run-cli.js';

const t = 1_700_000_000_000;

describe('the terminal timeline', () => {
  it('draws one line per worker, each download split at the moments it noted, scaled to the width', () => {
    const row = fixtureRow({
      strategy: 'io-threading',
      job: 'download',
      model: 'threads',
      concurrency: 2,
      events: [
        { index: 0, worker: 'thread 1', start: t, end: t + 10, sent: t, firstByte: t + 4 },
        { index: 1, worker: 'thread 2', start: t + 5, end: t + 15, sent: t + 5, firstByte: t + 9 },
        {
          index: 2,
          worker: 'thread 1',
          start: t + 10,
          end: t + 20,
          sent: t + 12,
          firstByte: t + 14,
        },
      ],
    });
    // 31 columns: a 9-character label, two edges, and 20 columns of 1 ms each.
    expect(textTimeline(row, 31)).toBe(
      [
        'io-threading (threads), download: 3 tasks on 2 workers, at most 2 at once, 20.0 ms from first start to last end',
        "· waiting for a connection  ░ waiting for the server's first byte  ▓ receiving and hashing; time in ms, 1 column = 1.0 ms, showing what filled most of it",
        'thread 1 │░░░░▓▓▓▓▓▓··░░▓▓▓▓▓▓│',
        'thread 2 │     ░░░░▓▓▓▓▓▓     │',
        '          0                  20',
      ].join('\n'),
    );
  });

  it('stacks overlapping tasks on one worker in lines, and merges the rest into one counted line', () => {
    const row = fixtureRow({
      strategy: 'io-asyncio',
      job: 'download',
      model: 'async',
      concurrency: 9,
      events: Array.from({ length: 9 }, (_, index) => ({
        index,
        worker: 'pid 7',
        start: t + index,
        end: t + 10 + index,
        firstByte: t + 5 + index,
      })),
    });
    const lines = textTimeline(row, 36).split('\n');
    expect(lines[0]).toContain('9 tasks on 1 worker, at most 9 at once');
    expect(lines[2]).toBe(
      'a line starting +N merges the N tasks that overlapped the 6 lines above it',
    );
    const plot = lines.filter((line) => line.includes('│'));
    expect(plot).toHaveLength(7);
    expect(plot[0]?.startsWith('pid 7 │░')).toBe(true);
    expect(plot[1]?.startsWith('      │ ░')).toBe(true);
    expect(plot[6]?.startsWith('+3    │')).toBe(true);
  });

  it('never draws wider than asked, whatever the number of tasks', () => {
    const row = fixtureRow({
      strategy: 'io-asyncio',
      job: 'download',
      model: 'async',
      concurrency: 5000,
      events: asyncDownloads(5000, 'pid 7'),
    });
    for (const width of [40, 80, 132]) {
      const lines = textTimeline(row, width).split('\n').slice(3);
      for (const line of lines) expect(line.length).toBeLessThanOrEqual(width);
    }
  });

  it('names a failed strategy instead of drawing nothing', () => {
    const text = textTimelines(unsweptResult(), 'cpu-broken');
    expect(text).toBe(
      'cpu-broken (processes), fib: no timeline, failed: worker exited with code 1',
    );
  });

  it('prints one timeline per job the strategy ran', () => {
    const text = textTimelines(unsweptResult(), 'cpu-sync');
    expect(text).toContain('cpu-sync (sequential), sum-of-squares: 20 tasks');
    expect(text).toContain('cpu-sync (sequential), fib: 20 tasks');
  });
});

describe('pnpm bench --timeline and --report', () => {
  const out = mkdtempSync(join(tmpdir(), 'speedup-report-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it.each([
    [
      ['--timeline', 'io-nope'],
      /^error: --timeline: unknown strategy 'io-nope' \(found: .*io-sync/,
    ],
    [
      ['--timeline', 'cpu-sync', '--workload', 'io'],
      /^error: --timeline: 'cpu-sync' is not measured in this run \(measured: io-sync\b/,
    ],
    [
      ['--only', 'cpu-asyncio:await-per-call', '--timeline', 'cpu-asyncio'],
      /^error: --timeline: 'cpu-asyncio' is not measured in this run \(measured: cpu-sync, cpu-asyncio:await-per-call\)/,
    ],
    [['--report'], /^error: option '--report <dir>' argument missing/],
  ])('%j: one line naming the problem, exit code 2, nothing run', (args, message) => {
    const run = bench(args);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stdout).toBe('');
  });

  it('prints the timeline after the tables and writes the report', () => {
    const run = bench([
      '--job',
      'sum-of-squares',
      ...runsOnly(1),
      '--timeline',
      'cpu-sync',
      '--report',
      out,
    ]);
    expect(run.status, run.stderr).toBe(0);
    const timeline = run.stdout.slice(run.stdout.indexOf('cpu-sync (sequential), sum-of-squares'));
    expect(timeline).toMatch(/^cpu-sync \(sequential\), sum-of-squares: 20 tasks on 1 worker/);
    // Computing from the first column to the last; a busy machine may leave short gaps.
    expect(timeline).toMatch(/\npid \d+ +│█[█ ]*█│\n/);
    expect(run.stderr).toContain(`report: ${join(out, 'index.html')}`);
    expect(existsSync(join(out, 'index.html'))).toBe(true);
  });

  it('names a variant as --only does', () => {
    const variant = 'cpu-asyncio:await-per-call';
    const run = bench([
      ...['--only', variant, '--job', 'sum-of-squares', ...runsOnly(1)],
      ...['--timeline', variant],
    ]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(`${variant} (async), sum-of-squares: 20 tasks on 1 worker`);
  });
});
