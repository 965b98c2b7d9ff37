import type { BenchJobName, Model, TaskEvent, Workload } from '@speedup/shared-core';
import { withComparisons } from '../src/benchmark/comparisons.js';
import type { BenchResult, BenchRow } from '../src/benchmark/result.js';
import { summarize } from '../src/benchmark/stats.js';
import type { BenchOptions } from '../src/options.js';

/**
 * Made-up results in the shapes the real strategies produce, for the report's tests:
 * one lane (sequential), a lane per thread or process (pools), and one lane of many
 * overlapping tasks (async). Deterministic, so the same fixture always draws the same.
 */

const EPOCH = Date.UTC(2025, 0, 1, 12);
const LATENCY_MS = 25;
const PAGES = 160;
const CORES = 2;

/** Each task starts when the previous one ends, plus a small gap. */
export function sequentialTasks(
  count: number,
  taskMs: (index: number) => number,
  worker: string,
  gapMs = 0.05,
): TaskEvent[] {
  const events: TaskEvent[] = [];
  let now = EPOCH;
  for (let index = 0; index < count; index++) {
    const end = now + taskMs(index);
    events.push({ index, worker, start: now, end });
    now = end + gapMs;
  }
  return events;
}

/** A pool: each task goes, in order, to the worker that is free first. */
export function poolTasks(
  count: number,
  workers: readonly string[],
  taskMs: (index: number) => number,
  gapMs = 0.1,
): TaskEvent[] {
  const freeAt = workers.map((_, i) => EPOCH + i * 0.3);
  const events: TaskEvent[] = [];
  for (let index = 0; index < count; index++) {
    const next = freeAt.indexOf(Math.min(...freeAt));
    const start = freeAt[next] as number;
    const end = start + taskMs(index);
    events.push({ index, worker: workers[next] as string, start, end });
    freeAt[next] = end + gapMs;
  }
  return events;
}

/**
 * Async downloads on one thread: every request is sent at once, every response takes
 * the latency, and handling the responses takes turns on the one thread.
 */
export function asyncDownloads(
  count: number,
  worker: string,
  latencyMs = LATENCY_MS,
  handleMs = 0.15,
): TaskEvent[] {
  const events: TaskEvent[] = [];
  let threadFreeAt = EPOCH;
  for (let index = 0; index < count; index++) {
    const start = EPOCH + index * 0.02;
    const end = Math.max(start + latencyMs, threadFreeAt) + handleMs;
    threadFreeAt = end;
    events.push({ index, worker, start, end });
  }
  return events;
}

/** A small wobble that is the same on every run of the tests. */
function wobble(index: number): number {
  return ((index * 7919) % 13) / 13;
}

interface RowShape {
  readonly strategy: string;
  readonly job: BenchJobName;
  readonly model: Model;
  readonly concurrency: number;
  readonly events: readonly TaskEvent[];
  readonly parameters?: Record<string, string>;
  readonly ok?: boolean;
  readonly error?: string;
  /** `false`: downloads that noted no moments, as from a strategy that does not use `downloadPage`. */
  readonly moments?: boolean;
}

/** A download's moments as `downloadPage` notes them: sent at once, first byte after the latency. */
function withMoments(event: TaskEvent): TaskEvent {
  if (event.firstByte !== undefined) return event;
  return { ...event, sent: event.start, firstByte: Math.min(event.end, event.start + LATENCY_MS) };
}

export function fixtureRow(shape: RowShape): BenchRow {
  const workload: Workload = shape.job === 'download' ? 'io' : 'cpu';
  const { error } = shape;
  const events =
    workload === 'io' && shape.moments !== false ? shape.events.map(withMoments) : shape.events;
  const spanMs =
    events.length === 0
      ? 0
      : Math.max(...events.map((event) => event.end)) -
        Math.min(...events.map((event) => event.start));
  const timesMs = error ? [] : [spanMs * 1.03, spanMs, spanMs * 0.98];
  const ok = shape.ok ?? !error;
  return {
    strategy: shape.strategy,
    job: shape.job,
    workload,
    model: shape.model,
    concurrency: shape.concurrency,
    timesMs,
    summary: timesMs.length > 0 ? summarize(timesMs) : undefined,
    runsOk: timesMs.map(() => ok),
    differences: ok
      ? []
      : [
          {
            index: 3,
            expected: { input: '35', value: '9227465' },
            actual: { input: '35', value: '0' },
          },
        ],
    error,
    ok,
    events,
    parameters: { concurrency: String(shape.concurrency), ...shape.parameters },
    ...(shape.model === 'sequential' ? { reference: true } : {}),
  };
}

/** Speed-ups and efficiencies against each job's reference, as the schedule adds them. */
function compared(rows: readonly BenchRow[]): BenchRow[] {
  return rows.map((row) =>
    withComparisons(row, {
      reference: rows.find(
        (each) =>
          each.reference &&
          each.job === row.job &&
          each.parameters.workers === row.parameters.workers,
      ),
      cores: CORES,
      ceiling: 1.9,
      latencyMs: LATENCY_MS,
      items: row.job === 'download' ? PAGES : 20,
    }),
  );
}

/**
 * A row of these measured times and nothing else: fib, two workers, every run correct, the
 * reference when sequential; `extra` overrides any field.
 */
export function rowOfTimes(
  strategy: string,
  model: string,
  timesMs: number[],
  extra: Partial<BenchRow> = {},
): BenchRow {
  return {
    strategy,
    job: 'fib',
    workload: 'cpu',
    model,
    concurrency: 2,
    timesMs,
    summary: summarize(timesMs),
    runsOk: timesMs.map(() => true),
    differences: [],
    ok: true,
    events: [],
    parameters: {},
    ...(model === 'sequential' ? { reference: true } : {}),
    ...extra,
  };
}

export function fixtureOptions(overrides: Partial<BenchOptions> = {}): BenchOptions {
  return {
    runs: 3,
    minTime: 0,
    interleave: false,
    warmup: 1,
    precision: 0.03,
    budgetMs: 3000,
    tieMargin: 0.03,
    seed: 1,
    latency: LATENCY_MS,
    pages: PAGES,
    size: 1,
    jitter: 0,
    limits: {},
    root: '/nowhere',
    ...overrides,
  };
}

const threads = (count: number) => Array.from({ length: count }, (_, i) => `thread ${i + 1}`);
const processes = (count: number) => Array.from({ length: count }, (_, i) => `pid ${4201 + i}`);

/** Every strategy shape, on all three jobs, at one pool size. */
function rowsAt(workers: number, sweep: boolean): BenchRow[] {
  const parameters: Record<string, string> = sweep ? { workers: String(workers) } : {};
  const download = (index: number) => LATENCY_MS + 0.3 + wobble(index) * 0.4;
  // Two cores: a pool larger than that shares them, so each task takes longer.
  const crowded = Math.max(1, workers / CORES);
  const square = (index: number) => 9 + wobble(index);
  const fib = (index: number) => 120 + wobble(index) * 8;
  const shapes: RowShape[] = [
    {
      strategy: 'io-sync',
      job: 'download',
      model: 'sequential',
      concurrency: 1,
      events: sequentialTasks(PAGES, download, 'pid 4100'),
    },
    {
      strategy: 'io-threading',
      job: 'download',
      model: 'threads',
      concurrency: workers,
      events: poolTasks(PAGES, threads(workers), download),
    },
    {
      strategy: 'io-asyncio',
      job: 'download',
      model: 'async',
      concurrency: PAGES,
      events: asyncDownloads(PAGES, 'pid 4100'),
    },
    {
      strategy: 'io-multiprocessing',
      job: 'download',
      model: 'processes',
      concurrency: workers,
      events: poolTasks(PAGES, processes(workers), download, 0.4),
    },
    {
      strategy: 'cpu-sync',
      job: 'sum-of-squares',
      model: 'sequential',
      concurrency: 1,
      events: sequentialTasks(20, square, 'pid 4100'),
    },
    {
      strategy: 'cpu-threading',
      job: 'sum-of-squares',
      model: 'threads',
      concurrency: workers,
      events: poolTasks(20, threads(workers), (index) => square(index) * crowded),
    },
    {
      strategy: 'cpu-asyncio',
      job: 'sum-of-squares',
      model: 'async',
      concurrency: 20,
      events: sequentialTasks(20, (index) => square(index) + 0.4, 'pid 4100'),
    },
    {
      strategy: 'cpu-multiprocessing',
      job: 'sum-of-squares',
      model: 'processes',
      concurrency: workers,
      events: poolTasks(20, processes(workers), (index) => square(index) * crowded, 0.5),
    },
    {
      strategy: 'cpu-sync',
      job: 'fib',
      model: 'sequential',
      concurrency: 1,
      events: sequentialTasks(20, fib, 'pid 4100'),
    },
    {
      strategy: 'cpu-threading',
      job: 'fib',
      model: 'threads',
      concurrency: workers,
      events: poolTasks(20, threads(workers), (index) => fib(index) * crowded),
      ok: false,
    },
    {
      strategy: 'cpu-broken',
      job: 'fib',
      model: 'processes',
      concurrency: workers,
      events: [],
      error: 'worker exited with code 1',
    },
  ];
  return compared(shapes.map((shape) => fixtureRow({ ...shape, parameters })));
}

export const SWEPT_WORKERS = [1, 2, 4, 8];

/**
 * Every shape the report must draw: sequential, thread and process pools, async I/O with
 * 160 overlapping tasks on one lane, a result that differs, a strategy that failed, and
 * a sweep of the pool size.
 */
export function syntheticResult(): BenchResult {
  return {
    rows: SWEPT_WORKERS.flatMap((workers) => rowsAt(workers, true)),
    options: fixtureOptions(),
    cores: CORES,
    parallelCeiling: 1.9,
    latencyMs: LATENCY_MS,
    sweep: { parameter: 'workers', values: SWEPT_WORKERS },
  };
}

/** The same shapes without a sweep, at a pool of 4. */
export function unsweptResult(): BenchResult {
  return {
    rows: rowsAt(4, false),
    options: fixtureOptions(),
    cores: CORES,
    parallelCeiling: 1.9,
    latencyMs: LATENCY_MS,
  };
}

/** Thousands of tasks: sequential, across a pool, and all overlapping on one async lane. */
export function manyTasksResult(count: number): BenchResult {
  const download = (index: number) => LATENCY_MS + wobble(index);
  return {
    rows: [
      fixtureRow({
        strategy: 'io-sync',
        job: 'download',
        model: 'sequential',
        concurrency: 1,
        events: sequentialTasks(count, download, 'pid 4100'),
      }),
      fixtureRow({
        strategy: 'io-threading',
        job: 'download',
        model: 'threads',
        concurrency: 8,
        events: poolTasks(count, threads(8), download),
      }),
      fixtureRow({
        strategy: 'io-asyncio',
        job: 'download',
        model: 'async',
        concurrency: count,
        events: asyncDownloads(count, 'pid 4100'),
      }),
    ],
    options: fixtureOptions({ pages: count }),
    cores: CORES,
    latencyMs: LATENCY_MS,
  };
}

/**
 * A row as a sampled run gives it: each worker busy for `busyShare` of every task it ran,
 * the process's CPU time a little above the threads', and the main thread's loop late for
 * `blockedMs` at the run's end (a loop blocked throughout) or never.
 */
export function withPicture(
  row: BenchRow,
  {
    busyShare,
    blockedMs = 0,
    mainThread = 'pid 4100',
  }: {
    busyShare: number;
    blockedMs?: number;
    mainThread?: string;
  },
): BenchRow {
  const startedAt = Math.min(...row.events.map((event) => event.start)) - 0.5;
  const endedAt = Math.max(...row.events.map((event) => event.end)) + 0.5;
  const workers = [...new Set(row.events.map((event) => event.worker))];
  let processMs = 0;
  const busy = workers.map((worker) => {
    let busyMs = 0;
    const readings: number[] = [startedAt, 0];
    for (const event of row.events.filter((each) => each.worker === worker)) {
      readings.push(event.start, busyMs);
      busyMs += (event.end - event.start) * busyShare;
      readings.push(event.end, busyMs);
    }
    readings.push(endedAt, busyMs);
    processMs += busyMs;
    return { worker, readings };
  });
  const main = busy.some((trace) => trace.worker === mainThread)
    ? []
    : [{ worker: mainThread, readings: [startedAt, 0, endedAt, 1] }];
  return {
    ...row,
    picture: {
      startedAt,
      endedAt,
      mainThread,
      measure: 'cpu',
      busy: [...main, ...busy],
      processCpu: [startedAt, 0, endedAt, processMs * 1.1 + 1],
      loopLateness: blockedMs > 0 ? [endedAt, blockedMs] : [endedAt, 0],
    },
  };
}
