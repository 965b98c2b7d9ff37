import { describe, expect, it } from 'vitest';
import {
  compute,
  cpuInput,
  DEFAULT_PAGES,
  defaultJobNames,
  downloadInput,
  fibInput,
  jobNames,
  MANY_SMALL_TASKS,
  manySmallInput,
} from '../src/index.js';

describe('jobs', () => {
  it('downloads [site A, site B] × 80 = 160 pages by default, alternating', () => {
    const { job, items } = downloadInput(['http://a/', 'http://b/']);
    expect(job).toBe('download');
    expect(DEFAULT_PAGES).toBe(160);
    expect(items).toHaveLength(160);
    expect(items.slice(0, 4)).toEqual(['http://a/', 'http://b/', 'http://a/', 'http://b/']);
    expect(items.filter((url) => url === 'http://a/')).toHaveLength(80);
  });

  it('refuses to download from no site at all', () => {
    expect(() => downloadInput([])).toThrow(/at least one site/);
  });

  it('computes fib(35) twenty times, as in the 2024 revision', () => {
    expect(fibInput()).toEqual({ job: 'fib', items: Array.from({ length: 20 }, () => 35) });
    expect(cpuInput('fib')).toEqual(fibInput());
  });

  it('names four jobs, and runs many-small only when it is named', () => {
    expect(jobNames).toEqual(['download', 'sum-of-squares', 'fib', 'many-small']);
    expect(defaultJobNames).toEqual(['download', 'sum-of-squares', 'fib']);
  });

  it('makes many-small 100,000 tiny sums whose neighbours differ, scaled by task count', () => {
    const { job, items } = manySmallInput();
    expect(job).toBe('many-small');
    expect(items).toHaveLength(MANY_SMALL_TASKS);
    expect(MANY_SMALL_TASKS).toBe(100_000);
    expect(items.slice(0, 3)).toEqual([6_000, 6_001, 6_002]);
    expect(items[1_000]).toBe(6_000);
    expect(cpuInput('many-small', 0.1).items).toHaveLength(10_000);
    expect(compute('many-small', 3)).toEqual({ input: '3', value: '5' });
  });
});
