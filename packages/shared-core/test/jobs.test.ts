import { describe, expect, it } from 'vitest';
import { cpuInput, DEFAULT_PAGES, downloadInput, fibInput, jobNames } from '../src/index.js';

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

  it('names three jobs', () => {
    expect(jobNames).toEqual(['download', 'sum-of-squares', 'fib']);
  });
});
