import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LOG_EVERY_MS, progressReporter } from '../src/output/progress.js';

/** A stream that is not a terminal (a pipe, a CI log), keeping what is written to it. */
function logStream(isTTY = false) {
  const written: string[] = [];
  const stream = {
    isTTY,
    columns: 200,
    write(text: string) {
      written.push(text);
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  return { stream, written };
}

const plan = { runs: 3, minTime: 0, precision: 0, limits: { pageTimeout: 60_000 } };
const URLS = ['http://alice:s3cr3t@127.0.0.1:9/a', 'http://127.0.0.1:9/b'];

describe('progress off a terminal', () => {
  let clock = 0;
  const now = () => clock;
  /** Moves the clock and the timers on together, a second at a time. */
  const pass = (ms: number) => {
    for (let step = 0; step < ms; step += 1000) {
      clock += 1000;
      vi.advanceTimersByTime(1000);
    }
  };
  beforeEach(() => {
    vi.useFakeTimers();
    vi.stubEnv('CI', 'true');
    clock = 0;
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllEnvs();
  });

  it('writes a plain line at most every 10 s while a strategy runs, saying what is known', () => {
    const { stream, written } = logStream();
    const progress = progressReporter(stream, plan, now);
    const items = Array.from({ length: 160 }, (_, i) => URLS[i % 2] as string);
    progress.onStart('io-sync', 'download', items);
    progress.onRun('io-sync', 'download', { warmup: false, ordinal: 1 });
    pass(5_000);
    progress.onProgress('io-sync', 'download', {
      run: 0,
      warmup: false,
      done: 57,
      total: 160,
      unfinished: [57, 58],
    });
    pass(7_000);
    pass(5_000);
    progress.clear();
    expect(written).toEqual([
      '▸ io-sync (download) …\n',
      'io-sync (download): run 1 of 3, 57/160 pages, 10 s\n',
    ]);
    expect(LOG_EVERY_MS).toBe(10_000);
  });

  it('says "at least" when more runs may come, and which warm-up run it is', () => {
    const { stream, written } = logStream();
    const progress = progressReporter(stream, { ...plan, precision: 0.03 }, now);
    progress.onStart('io-asyncio', 'download', URLS);
    progress.onRun('io-asyncio', 'download', { warmup: true, ordinal: 1 });
    pass(10_000);
    progress.onRun('io-asyncio', 'download', { warmup: false, ordinal: 2 });
    pass(10_000);
    progress.clear();
    expect(written.slice(1)).toEqual([
      'io-asyncio (download): warm-up 1 (cold), 0/2 pages, 10 s\n',
      'io-asyncio (download): run 2 of at least 3, 0/2 pages, 10 s\n',
    ]);
  });

  it('names the pages a run waits on once nothing has finished for longer than the page timeout explains, passwords hidden', () => {
    const { stream, written } = logStream();
    const progress = progressReporter(stream, { ...plan, limits: { pageTimeout: 1_000 } }, now);
    progress.onStart('io-stuck', 'download', [...URLS, ...URLS]);
    progress.onRun('io-stuck', 'download', { warmup: false, ordinal: 1 });
    progress.onProgress('io-stuck', 'download', {
      run: 0,
      warmup: false,
      done: 1,
      total: 4,
      unfinished: [0, 2, 3],
    });
    pass(10_000);
    progress.clear();
    const last = written.at(-1) ?? '';
    expect(last).toBe(
      'io-stuck (download): run 1 of 3, 1/4 pages, 10 s; nothing has finished for 10 s, longer than the 1 s page timeout explains: waiting on page 0 (http://alice:***@127.0.0.1:9/a), 2 (http://alice:***@127.0.0.1:9/a), 3 (http://127.0.0.1:9/b)\n',
    );
  });

  it('keeps a terminal line, with the time taken and an estimate of what is left', () => {
    vi.unstubAllEnvs();
    delete process.env.CI;
    const { stream, written } = logStream(true);
    const progress = progressReporter(stream, plan, now);
    progress.onStart('io-sync', 'download', URLS);
    progress.onRun('io-sync', 'download', { warmup: false, ordinal: 2 });
    pass(10_000);
    progress.onProgress('io-sync', 'download', {
      run: 1,
      warmup: false,
      done: 1,
      total: 2,
      unfinished: [1],
    });
    progress.clear();
    expect(written.filter((text) => text.includes('left')).at(-1)).toMatch(
      /io-sync · download · run 2 of 3 · 1\/2 pages · 10 s, about 10 s left$/,
    );
    expect(written.join('')).not.toContain('\n');
  });
});
