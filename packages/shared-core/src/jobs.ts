import { crash } from './crash.js';
import { fib, MAX_SUM_OF_SQUARES_N, sumOfSquares } from './kernels.js';
import { poolTask } from './pools/worker.js';
import { failedComputation } from './results.js';
import type { Timed } from './tasks.js';
import type { BenchJobName, CpuInput, CpuJobName, CpuResult, IoInput, Workload } from './types.js';

/**
 * The article's jobs, defined once so every strategy gets identical inputs.
 */

export interface JobInfo {
  readonly name: BenchJobName;
  readonly workload: Workload;
  readonly description: string;
  /** Run only when `--job` names it: not part of a plain `pnpm bench`. */
  readonly onlyWhenNamed?: boolean;
}

export const jobs: readonly JobInfo[] = [
  { name: 'download', workload: 'io', description: 'download [site A, site B] × 80 = 160 pages' },
  {
    name: 'sum-of-squares',
    workload: 'cpu',
    description: 'Σ i² for i < n, n = 5,000,000 … 5,000,019 (2018)',
  },
  { name: 'fib', workload: 'cpu', description: 'naive recursive fib(35), 20 times (2024)' },
  {
    name: 'many-small',
    workload: 'cpu',
    description: 'Σ i² for i < n, 100,000 tiny tasks, n = 6,000 … 6,999 in turn',
    // A pool at one item per message spends most of its time handing tasks over; with
    // `pnpm bench`'s five CPU strategies that is a minute of mostly overhead.
    onlyWhenNamed: true,
  },
];

/** The jobs `pnpm bench` can run. */
export const jobNames = jobs.map((job) => job.name);

/** The jobs a plain `pnpm bench` runs: all but those that run only when named. */
export const defaultJobNames = jobs.filter((job) => !job.onlyWhenNamed).map((job) => job.name);

/** Every job a CPU strategy must be able to run, `crash` included. */
export const cpuJobNames: readonly CpuJobName[] = ['sum-of-squares', 'fib', 'many-small', 'crash'];

/** The article downloads `[site A, site B] * 80`: 160 pages, alternating sites. */
export const DEFAULT_PAGES = 160;

/** Milliseconds the local server waits before each response unless told otherwise. */
export const DEFAULT_LATENCY_MS = 25;

/** `pages` URLs, cycling through `sites` in order. */
export function downloadInput(sites: readonly string[], pages = DEFAULT_PAGES): IoInput {
  if (sites.length === 0) throw new RangeError('download needs at least one site');
  return {
    job: 'download',
    items: Array.from({ length: pages }, (_, i) => sites[i % sites.length] as string),
  };
}

/** n = 5,000,000 … 5,000,019 as in the article; `size` scales every n (0.1 is ten times less work). */
export function sumOfSquaresInput(size = 1): CpuInput {
  const first = Math.round(5_000_000 * size);
  return { job: 'sum-of-squares', items: Array.from({ length: 20 }, (_, i) => first + i) };
}

/** fib(35), 20 times, as in the 2024 revision. */
export function fibInput(n = 35, count = 20): CpuInput {
  return { job: 'fib', items: Array.from({ length: count }, () => n) };
}

/** Tasks of the `many-small` job at size 1. */
export const MANY_SMALL_TASKS = 100_000;
const MANY_SMALL_FIRST_N = 6_000;
/** The n of its sums repeat after this many tasks: each task's value differs from its neighbours'. */
const MANY_SMALL_DISTINCT_N = 1_000;

/**
 * `many-small`: `tasks` exact sums Σ i² for i < n, n = 6,000 … 6,999 in turn, each a
 * few microseconds of work: less than handing it to a worker costs. Sums rather than
 * one fib(15) over and over, so that every task's value differs from its neighbours' and
 * a strategy that mixes up the order is caught.
 */
export function manySmallInput(tasks = MANY_SMALL_TASKS): CpuInput {
  return {
    job: 'many-small',
    items: Array.from(
      { length: tasks },
      (_, i) => MANY_SMALL_FIRST_N + (i % MANY_SMALL_DISTINCT_N),
    ),
  };
}

const GOLDEN_RATIO = (1 + Math.sqrt(5)) / 2;

/** Largest `size` the sum-of-squares job can be scaled by and stay exact. */
export const MAX_SUM_OF_SQUARES_SIZE =
  Math.floor(((MAX_SUM_OF_SQUARES_N - 19) / 5_000_000) * 10) / 10;

/**
 * The input of a CPU job, its work scaled by `size` (1 is the article's). Sums scale n;
 * naive fib(n) makes about φⁿ calls, so fib scales by adding log_φ(size) to n;
 * `many-small` scales the number of tasks, which stay as small.
 */
export function cpuInput(job: Exclude<BenchJobName, 'download'>, size = 1): CpuInput {
  if (job === 'sum-of-squares') return sumOfSquaresInput(size);
  if (job === 'many-small') return manySmallInput(Math.max(1, Math.round(MANY_SMALL_TASKS * size)));
  return fibInput(35 + Math.round(Math.log(size) / Math.log(GOLDEN_RATIO)));
}

const kernels: Record<CpuJobName, (n: number) => number | bigint> = {
  'sum-of-squares': sumOfSquares,
  fib,
  'many-small': sumOfSquares,
  crash,
};

/**
 * One CPU task: what every CPU strategy runs for each item, wherever it runs it. A task
 * that throws becomes a failed record, so one bad item never sinks the others.
 */
export function compute(job: CpuJobName, n: number): CpuResult {
  try {
    return computeOrThrow(job, n);
  } catch (error) {
    return failedComputation(n, error);
  }
}

/**
 * `compute` for a runner that deals with a throwing task itself: a job queue tries the
 * task again, elsewhere, before it records the item as failed.
 */
export function computeOrThrow(job: CpuJobName, n: number): CpuResult {
  return { input: String(n), value: String(kernels[job](n)) };
}

/**
 * The tasks a CPU worker serves, one per CPU job, each taking a batch of items (see
 * `poolTask`). A worker file is then one line: `workerpool.worker(cpuTasks)`, or
 * `export default taskHandler(cpuTasks)` for piscina and tinypool.
 */
export const cpuTasks = Object.fromEntries(
  cpuJobNames.map((job) => [job, poolTask((n: number) => compute(job, n))]),
) as Record<CpuJobName, (items: readonly number[]) => Promise<Timed<CpuResult>[]>>;
