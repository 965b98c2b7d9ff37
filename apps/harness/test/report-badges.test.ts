import { describe, expect, it } from 'vitest';
import { judgeRows } from '../src/benchmark/judge.js';
import type { BenchResult, BenchRow } from '../src/benchmark/result.js';
import { timesChartSvg } from '../src/report/charts.js';
import { colours, svgRules } from '../src/report/style.js';
import { fixtureOptions, rowOfTimes } from './report-fixtures.js';

/**
 * apps/harness/README.md, the report's bar chart: "green is what the verdict calls
 * fastest (marked `tied` when the fastest tie, nothing when all tie). When the slowest
 * time is more than ten times the fastest, the axis is logarithmic and says so."
 */

/** Five runs spread ±0.2 % around `ms`: tight enough for the verdict to tell 3 % apart. */
const around = (ms: number) => [1, 1.002, 0.998, 1.001, 0.999].map((factor) => ms * factor);

/** A download row of these times: io-sync, the reference, one page at a time; the others eight. */
const row = (strategy: string, model: string, timesMs: number[]) =>
  rowOfTimes(strategy, model, timesMs, {
    job: 'download',
    workload: 'io',
    concurrency: model === 'sequential' ? 1 : 8,
  });

/** The download job's runs of io-sync (the reference), io-threading and io-asyncio, around these times. */
function resultOf(sync: number, threading: number, asyncio: number): BenchResult {
  return {
    rows: [
      row('io-sync', 'sequential', around(sync)),
      row('io-threading', 'threads', around(threading)),
      row('io-asyncio', 'async', around(asyncio)),
    ],
    options: fixtureOptions({ tieMargin: 0.03 }),
    cores: 2,
    latencyMs: 25,
  };
}

const chart = (sync: number, threading: number, asyncio: number) =>
  timesChartSvg(resultOf(sync, threading, asyncio), 'download');

/** How one strategy's bar is drawn: green or not, and the verdict column's label. */
function barOf(svg: string, strategy: string): { green: boolean; label: string | undefined } {
  const start = svg.indexOf(`<g class="bar-row" data-strategy="${strategy}">`);
  expect(start, strategy).toBeGreaterThan(-1);
  // A bar row holds no nested group: it ends at the first `</g>`.
  const group = svg.slice(start, svg.indexOf('</g>', start));
  return {
    green: group.includes('<rect class="bar fastest"'),
    label: group.match(/<text [^>]*class="fastest-label">([^<]*)<\/text>/)?.[1],
  };
}

const bars = (svg: string) =>
  Object.fromEntries(
    ['io-sync', 'io-threading', 'io-asyncio'].map((strategy) => [strategy, barOf(svg, strategy)]),
  );

describe("the report's bar chart: what the verdict calls fastest", () => {
  it('draws the `fastest` class green', () => {
    expect(svgRules).toContain(`.bar.fastest { fill: ${colours.fastest}; }`);
    const [red, green, blue] = [1, 3, 5].map((at) =>
      Number.parseInt(colours.fastest.slice(at, at + 2), 16),
    );
    expect(green).toBeGreaterThan(Math.max(red as number, blue as number));
  });

  it('marks both of two strategies tied for fastest green and `tied`, and the slower one neither', () => {
    // io-threading and io-asyncio within 0.1 %: their ratio's interval lies inside the 3 % margin.
    const result = resultOf(150, 100.1, 100);
    const [threading, asyncio] = result.rows.slice(1);
    const [tie] = judgeRows([threading as BenchRow, asyncio as BenchRow], 0.03);
    expect(tie?.judgement).toBe('same');
    expect(tie?.ci95[0]).toBeGreaterThan(1 / 1.03);
    expect(tie?.ci95[1]).toBeLessThan(1.03);

    expect(bars(timesChartSvg(result, 'download'))).toEqual({
      'io-sync': { green: false, label: undefined },
      'io-threading': { green: true, label: 'tied' },
      'io-asyncio': { green: true, label: 'tied' },
    });
  });

  it('marks a clear winner green and `fastest`, alone', () => {
    expect(bars(chart(150, 100, 60))).toEqual({
      'io-sync': { green: false, label: undefined },
      'io-threading': { green: false, label: undefined },
      'io-asyncio': { green: true, label: 'fastest' },
    });
  });

  it('marks nothing when all three tie', () => {
    const svg = chart(100, 100.1, 99.9);
    expect(bars(svg)).toEqual({
      'io-sync': { green: false, label: undefined },
      'io-threading': { green: false, label: undefined },
      'io-asyncio': { green: false, label: undefined },
    });
    expect(svg).not.toContain('fastest-label');
  });

  it('turns the axis logarithmic, and says so, only when the slowest time is over ten times the fastest', () => {
    // Slowest run 1102 ms, fastest 99.8 ms: 11×.
    expect(chart(1100, 400, 100)).toContain('median work time, log scale');
    // Slowest run 902 ms, fastest 99.8 ms: 9×.
    const linear = chart(900, 400, 100);
    expect(linear).toContain('median work time (dots: every measured run)');
    expect(linear).not.toContain('log scale');
  });
});
