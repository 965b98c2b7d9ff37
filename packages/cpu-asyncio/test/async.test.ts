import cpuAsyncio from '@speedup/cpu-asyncio';
import { fibInput, mostAtOnce, type TaskEvent, workersOf } from '@speedup/shared-core';
import { conformance } from '@speedup/shared-core/conformance';
import { describe, expect, it } from 'vitest';

// The await-per-call variant meets the same contract as the plain strategy.
conformance(new URL('..', import.meta.url), { setup: { variant: 'await-per-call' } });

describe('cpu-asyncio', () => {
  it('runs every task on this one thread, one after another: nothing overlaps', async () => {
    const events: TaskEvent[] = [];
    await cpuAsyncio.run(fibInput(24, 10), { onTask: (event) => events.push(event) });
    expect(workersOf(events)).toEqual([`pid ${process.pid}`]);
    expect(mostAtOnce(events)).toBe(1);
  });

  it('runs every task in the same turn of the event loop: a timer never fires between two', async () => {
    const events: TaskEvent[] = [];
    const ticks: number[] = [];
    // A 5 ms timer would fire between tasks of 20 ms or more if any task let the loop turn.
    const timer = setInterval(() => ticks.push(performance.timeOrigin + performance.now()), 5);
    try {
      await cpuAsyncio.run(fibInput(31, 6), { onTask: (event) => events.push(event) });
    } finally {
      clearInterval(timer);
    }
    const first = Math.min(...events.map((event) => event.start));
    const last = Math.max(...events.map((event) => event.end));
    expect(last - first).toBeGreaterThan(40);
    expect(ticks.filter((tick) => tick > first && tick < last)).toEqual([]);
  });

  it('computes the same values when fib awaits every call', async () => {
    const plain = await cpuAsyncio.run(fibInput(20, 4));
    const awaiting = await cpuAsyncio.run(fibInput(20, 4), { variant: 'await-per-call' });
    expect(awaiting).toEqual(plain);
  });
});
