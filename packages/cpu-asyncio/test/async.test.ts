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

  it('computes the same values when fib awaits every call', async () => {
    const plain = await cpuAsyncio.run(fibInput(20, 4));
    const awaiting = await cpuAsyncio.run(fibInput(20, 4), { variant: 'await-per-call' });
    expect(awaiting).toEqual(plain);
  });
});
