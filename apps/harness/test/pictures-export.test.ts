import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IoInput, PageResult } from '@speedup/shared-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunPicture, RunRecord } from '../src/benchmark/child-process/messages.js';
import { type Measurer, RUNS_WITH_EVENTS } from '../src/benchmark/measure.js';
import type { BenchRow } from '../src/benchmark/result.js';
import { runBench } from '../src/benchmark/schedule.js';
import { exportJson } from '../src/export/json.js';
import { parseBenchOptions } from '../src/options.js';
import { bench, runsOnly } from './run-cli.js';

/**
 * README.md, `--pictures`: "sample the measured runs for the timelines' lanes and keep
 * them in --export-json (on with --report …)"; apps/harness/README.md: "The run closest to
 * the median is kept for the pictures, with its samples; the others drop theirs."
 * The export keeps a row's picture in `bench_result` (saved-result.ts), for I/O jobs.
 */

interface Export {
  readonly bench_result: { readonly rows: BenchRow[] };
}

/** How many pictures a whole export holds, wherever they are: every one has `loopLateness`. */
const picturesIn = (text: string) => text.match(/"loopLateness"/g)?.length ?? 0;

describe('--pictures, through the CLI', () => {
  let dir = '';
  const args = ['--only', 'io-sync,io-asyncio', '--pages', '8', '--latency', '1', ...runsOnly(3)];
  const exported: Record<'pictures' | 'plain' | 'report', string> = {
    pictures: '',
    plain: '',
    report: '',
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'speedup-pictures-'));
    const runs = {
      pictures: ['--pictures'],
      plain: [],
      report: ['--report', join(dir, 'report')],
    };
    for (const [name, extra] of Object.entries(runs)) {
      const file = join(dir, `${name}.json`);
      const run = bench([...args, ...extra, '--export-json', file]);
      expect(run.status, run.stderr).toBe(0);
      exported[name as keyof typeof exported] = readFileSync(file, 'utf8');
    }
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Checks that each row has a picture: one measured run's samples, around that row's events. */
  function checkPictures(text: string): void {
    const { rows } = (JSON.parse(text) as Export).bench_result;
    expect(rows.map((row) => row.strategy)).toEqual(['io-sync', 'io-asyncio']);
    for (const row of rows) {
      const { picture } = row;
      expect(picture, row.strategy).toBeDefined();
      if (!picture) continue;
      expect(['cpu', 'loop']).toContain(picture.measure);
      // A lane for the main thread first, then for every thread that ran a task.
      const lanes = picture.busy.map((trace) => trace.worker);
      expect(lanes[0]).toBe(picture.mainThread);
      for (const event of row.events) expect(lanes).toContain(event.worker);
      // Samples: flat pairs of time and milliseconds, more than one of each.
      for (const samples of [
        ...picture.busy.map((trace) => trace.readings),
        picture.processCpu,
        picture.loopLateness,
      ]) {
        expect(samples.length % 2).toBe(0);
        expect(samples.length).toBeGreaterThanOrEqual(4);
      }
      // The same run as the row's events: all eight pages lie within its sampled stretch.
      expect(row.events).toHaveLength(8);
      for (const event of row.events) {
        expect(event.start).toBeGreaterThanOrEqual(picture.startedAt);
        expect(event.end).toBeLessThanOrEqual(picture.endedAt);
      }
    }
  }

  it("keeps each I/O row's picture in --export-json: lanes, samples, and the run its events come from", () => {
    checkPictures(exported.pictures);
    // One picture per row: the other runs' samples are gone.
    expect(picturesIn(exported.pictures)).toBe(2);
  });

  it('keeps none without --pictures, though the events stay', () => {
    const { rows } = (JSON.parse(exported.plain) as Export).bench_result;
    expect(rows.map((row) => row.picture)).toEqual([undefined, undefined]);
    expect(rows.map((row) => row.events.length)).toEqual([8, 8]);
    expect(picturesIn(exported.plain)).toBe(0);
  });

  it('keeps them with --report too', () => {
    checkPictures(exported.report);
    expect(picturesIn(exported.report)).toBe(2);
  });
});

describe('which run the pictures show, measured without starting a process', () => {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const EPOCH = Date.UTC(2025, 0, 1);
  /** Each run's own stretch of time, so that its events and picture say which run they are. */
  const startOf = (run: number) => EPOCH + run * 10_000;

  /** A strategy whose run number `run` takes `timesMs[run]`, and is sampled when asked to be. */
  function fakeMeasurer(timesMs: readonly number[]): Measurer {
    return {
      async start(request) {
        const { items } = request.input as IoInput;
        const results: PageResult[] = items.map((url) => ({
          url,
          status: 200,
          bytes: 1,
          sha256: 'x',
        }));
        return {
          setupMs: 1,
          concurrency: 1,
          async run(run, warmup): Promise<RunRecord> {
            const t = startOf(run);
            const events = items.map((_, index) => ({
              index,
              worker: 'pid 1',
              start: t + index,
              end: t + index + 1,
            }));
            const picture: RunPicture = {
              startedAt: t,
              endedAt: t + items.length,
              mainThread: 'pid 1',
              measure: 'cpu',
              busy: [{ worker: 'pid 1', readings: [t, 0, t + items.length, 1] }],
              processCpu: [t, 0, t + items.length, 1],
              loopLateness: [t + items.length, 0],
            };
            return {
              warmup,
              workMs: timesMs[run] as number,
              userMs: 1,
              systemMs: 0,
              loopDelay: { p50: 0, p99: 0, max: 0 },
              results,
              events,
              ...(request.pictures && { picture }),
            };
          },
          finish: async () => ({ closeMs: 0, peakMemoryBytes: 0 }),
          kill: () => {},
        };
      },
      parallelCeiling: async () => {
        throw new Error('an I/O job measures no ceiling');
      },
    };
  }

  /** io-sync's row, `--pictures`, with `warmup` runs then the rest of `timesMs` measured. */
  async function measuredRow(timesMs: readonly number[], warmup: number) {
    const options = parseBenchOptions([
      ...['--workload', 'io', '--job', 'download', '--only', 'io-sync', '--pages', '4'],
      ...['--runs', String(timesMs.length - warmup), '--warmup', String(warmup)],
      ...['--min-time', '0', '--precision', '0', '--pictures', '--root', root],
    ]);
    const result = await runBench(options, { measurer: fakeMeasurer(timesMs) });
    const [row] = result.rows;
    if (!row) throw new Error('no row');
    return { result, row };
  }

  /** Which run a row's events and picture come from, checking that they agree. */
  function runShown(row: BenchRow): number {
    const run = Math.round(((row.picture?.startedAt ?? 0) - EPOCH) / 10_000);
    expect(row.picture?.startedAt).toBe(startOf(run));
    expect(row.events.map((event) => event.start)).toEqual(
      [0, 1, 2, 3].map((i) => startOf(run) + i),
    );
    return run;
  }

  it('draws the measured run closest to the median, with its samples, and exports that one alone', async () => {
    // A slow cold warm-up run (run 0), then five measured: 27 ms, run 2, is their median;
    // it is neither the first, the last, the fastest nor the slowest.
    const { result, row } = await measuredRow([500, 40, 27, 12, 90, 25], 1);
    expect(row.timesMs).toEqual([40, 27, 12, 90, 25]);
    expect(runShown(row)).toBe(2);

    const dir = mkdtempSync(join(tmpdir(), 'speedup-pictures-'));
    try {
      const file = join(dir, 'out.json');
      await exportJson(result, file);
      const text = readFileSync(file, 'utf8');
      const [saved] = (JSON.parse(text) as Export).bench_result.rows;
      expect(saved?.picture).toEqual(row.picture);
      expect(picturesIn(text)).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it(`still draws the run closest to the median past ${RUNS_WITH_EVENTS} runs, when the others' events are dropped as they come`, async () => {
    // 13 measured runs: the first, 30 ms, is their median; the rest lie far either side.
    const timesMs = [30, 10, 50, 11, 49, 12, 48, 13, 47, 14, 46, 15, 45];
    expect(timesMs.length).toBeGreaterThan(RUNS_WITH_EVENTS);
    const { row } = await measuredRow(timesMs, 0);
    expect(row.timesMs).toEqual(timesMs);
    expect(runShown(row)).toBe(0);
  });
});
