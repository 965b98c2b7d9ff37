import { mostAtOnce } from '@speedup/shared-core';
import { describe, expect, it } from 'vitest';
import { millisecondsLabel, niceCeiling, niceStep, ticksUpTo } from '../src/timeline/axis.js';
import { cellsOf, runsOf } from '../src/timeline/cells.js';
import { layOutTimeline, packIntoRows, partsOf } from '../src/timeline/lanes.js';

const span = (name: string, start: number, end: number) => ({ name, start, end });
const names = (rows: readonly { name: string }[][]) => rows.map((row) => row.map((t) => t.name));

describe('packing overlapping tasks into rows', () => {
  it('puts each task in the lowest row that is free when it starts', () => {
    const tasks = [
      span('a', 0, 10),
      span('b', 2, 5),
      span('c', 5, 8),
      span('d', 6, 12),
      span('e', 11, 13),
    ];
    const { rows, overflow } = packIntoRows(tasks);
    expect(names(rows)).toEqual([['a', 'e'], ['b', 'c'], ['d']]);
    expect(overflow).toEqual([]);
  });

  it('keeps tasks that never overlap in one row, even out of order', () => {
    const tasks = [span('second', 10, 20), span('first', 0, 10), span('third', 20, 25)];
    expect(names(packIntoRows(tasks).rows)).toEqual([['first', 'second', 'third']]);
  });

  it('sends tasks that find every allowed row busy to overflow, leaving the rows as without a limit', () => {
    const tasks = [
      span('a', 0, 10),
      span('b', 2, 5),
      span('c', 5, 8),
      span('d', 6, 12),
      span('e', 11, 13),
    ];
    const { rows, overflow } = packIntoRows(tasks, 2);
    expect(names(rows)).toEqual([
      ['a', 'e'],
      ['b', 'c'],
    ]);
    expect(overflow.map((task) => task.name)).toEqual(['d']);
  });

  it('never overlaps two tasks in a row and needs exactly as many rows as the busiest moment', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let trial = 0; trial < 20; trial++) {
      const tasks = Array.from({ length: 200 }, (_, i) => {
        const start = random() * 1000;
        return span(String(i), start, start + random() * 100);
      });
      const { rows } = packIntoRows(tasks);
      for (const row of rows) {
        for (let i = 1; i < row.length; i++) {
          expect(row[i]?.start).toBeGreaterThanOrEqual(row[i - 1]?.end ?? 0);
        }
      }
      expect(rows.flat()).toHaveLength(tasks.length);
      expect(rows).toHaveLength(mostAtOnce(tasks));
    }
  });
});

describe('laying out a run', () => {
  it('splits a download at the moments it noted, and leaves any other task whole', () => {
    expect(partsOf({ start: 0, end: 30, sent: 2, firstByte: 25 })).toEqual([
      { activity: 'queued', start: 0, end: 2 },
      { activity: 'waiting', start: 2, end: 25 },
      { activity: 'receiving', start: 25, end: 30 },
    ]);
    // No `sent`: the request went out at once.
    expect(partsOf({ start: 0, end: 10, firstByte: 10 })).toEqual([
      { activity: 'waiting', start: 0, end: 10 },
    ]);
    expect(partsOf({ start: 0, end: 10 })).toEqual([{ activity: 'running', start: 0, end: 10 }]);
  });

  it("draws a task whose worker died as lost, from when the call was handed over, not as the worker's", () => {
    const timeline = layOutTimeline([{ index: 0, worker: 'lost worker', start: 5, end: 9 }]);
    expect(timeline.lanes[0]?.rows[0]?.[0]?.parts).toEqual([
      { activity: 'lost', start: 0, end: 4 },
    ]);
  });

  it('makes one lane per worker in the order of their numbers, with times from the first start', () => {
    const t = 1_700_000_000_000;
    const timeline = layOutTimeline([
      { index: 0, worker: 'thread 10', start: t + 4, end: t + 8 },
      { index: 1, worker: 'thread 9', start: t + 1, end: t + 5 },
      { index: 2, worker: 'thread 9', start: t + 5, end: t + 12 },
      { index: 3, worker: 'thread 2', start: t + 6, end: t + 7 },
    ]);
    expect(timeline.lanes.map((lane) => lane.worker)).toEqual([
      'thread 2',
      'thread 9',
      'thread 10',
    ]);
    expect(timeline.lanes[1]?.rows[0]?.map((task) => [task.start, task.end])).toEqual([
      [0, 4],
      [4, 11],
    ]);
    expect(timeline).toMatchObject({ spanMs: 11, taskCount: 4, peakInFlight: 3 });
  });

  it('counts touching tasks as not overlapping', () => {
    expect(mostAtOnce([span('a', 0, 5), span('b', 5, 9)])).toBe(1);
    expect(mostAtOnce([span('a', 0, 5), span('b', 4, 9), span('c', 4.5, 6)])).toBe(3);
  });
});

describe('cells', () => {
  const task = (start: number, end: number, waitingMs: number) => ({
    index: 0,
    start,
    end,
    parts: partsOf({ start, end, firstByte: start + waitingMs }),
  });

  it('shows in each cell what filled most of it, and nothing where no task ran', () => {
    const cells = cellsOf([task(0, 4, 2.5), task(6, 8, 0.5)], 10, 5);
    expect(cells).toEqual(['waiting', 'receiving', undefined, 'receiving', undefined]);
  });

  it('shows a task recorded with no length at all', () => {
    const cells = cellsOf(
      [{ index: 0, start: 5, end: 5, parts: partsOf({ start: 5, end: 5 }) }],
      10,
      5,
    );
    expect(cells).toEqual([undefined, undefined, 'running', undefined, undefined]);
  });

  it('merges equal neighbours into runs', () => {
    expect(runsOf(['waiting', 'waiting', undefined, 'running', 'running'])).toEqual([
      { activity: 'waiting', from: 0, to: 2 },
      { activity: 'running', from: 3, to: 5 },
    ]);
  });
});

describe('axes', () => {
  it('steps by 1, 2 or 5 times a power of ten', () => {
    expect(niceStep(4090, 5)).toBe(1000);
    expect(niceStep(49, 8)).toBe(10);
    expect(niceStep(0.9, 5)).toBe(0.2);
    expect(ticksUpTo(1, 0.2)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });

  it('ends the axis on the first tick at or above the largest value', () => {
    expect(niceCeiling(4090)).toEqual({ top: 5000, ticks: [0, 1000, 2000, 3000, 4000, 5000] });
    expect(niceCeiling(0)).toEqual({ top: 1, ticks: [0, 1] });
  });

  it('labels milliseconds with thousands separators', () => {
    expect(millisecondsLabel(12_500)).toBe('12,500');
    expect(millisecondsLabel(2.5)).toBe('2.5');
  });
});
