import { fib, sumOfSquares } from './kernels.js';
import type { CpuResult } from './results.js';
import type { CpuInput, IoInput, Workload } from './strategy.js';

/**
 * The article's jobs, defined once so every strategy gets identical inputs.
 */

export type IoJobName = 'download';
export type CpuJobName = 'sum-of-squares' | 'fib';
export type JobName = IoJobName | CpuJobName;

export interface JobInfo {
  readonly name: JobName;
  readonly workload: Workload;
  readonly description: string;
}

export const jobs: readonly JobInfo[] = [
  { name: 'download', workload: 'io', description: 'download [site A, site B] × 80 = 160 pages' },
  {
    name: 'sum-of-squares',
    workload: 'cpu',
    description: 'Σ i² for i < n, n = 5,000,000 … 5,000,019 (2018)',
  },
  { name: 'fib', workload: 'cpu', description: 'naive recursive fib(35), 20 times (2024)' },
];

export const jobNames = jobs.map((job) => job.name);

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

/** The default input of a CPU job. */
export function cpuInput(job: CpuJobName): CpuInput {
  return job === 'fib' ? fibInput() : sumOfSquaresInput();
}

/** One CPU task: what every CPU strategy runs for each item, wherever it runs it. */
export function compute(job: CpuJobName, n: number): CpuResult {
  const value = job === 'fib' ? fib(n) : sumOfSquares(n);
  return { input: String(n), value: String(value) };
}
