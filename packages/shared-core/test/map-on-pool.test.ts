import { describe, expect, it } from 'vitest';
import { mapOnPool, type TaskEvent, type TaskPool } from '../src/index.js';

/**
 * A pool whose calls end only when the test says so: it records every call handed to it,
 * so the test can see how `mapOnPool` hands out work.
 */
function heldPool(size: number) {
  const calls: { items: readonly unknown[]; answer: () => void }[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const pool: TaskPool = {
    size,
    run: (_task, items) =>
      new Promise((resolve) => {
        inFlight++;
        mostInFlight = Math.max(mostInFlight, inFlight);
        calls.push({
          items,
          answer: () => {
            inFlight--;
            resolve(items.map((value) => ({ value, worker: 'fake', start: 0, end: 0 })));
          },
        });
      }),
    close: async () => {},
  };
  return { pool, calls, mostInFlight: () => mostInFlight };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('mapOnPool', () => {
  it('hands out one call per free worker, and the next as soon as a worker is free', async () => {
    const { pool, calls, mostInFlight } = heldPool(3);
    const events: TaskEvent[] = [];
    const items = Array.from({ length: 10 }, (_, index) => index);
    const done = mapOnPool(
      pool,
      'echo',
      items,
      { signal: new AbortController().signal, onTask: (event) => events.push(event) },
      () => -1,
    );
    await settle();
    // Only as many calls as workers: the rest wait in mapOnPool, not in the pool's queue.
    expect(calls.map((call) => call.items)).toEqual([[0], [1], [2]]);

    // The second worker finishes first: it, and only it, takes the next item at once.
    calls[1]?.answer();
    await settle();
    expect(calls.map((call) => call.items)).toEqual([[0], [1], [2], [3]]);

    // Then the rest, oldest call first: every answer lets exactly one more call in.
    let answered = 1;
    for (let index = 0; index < calls.length; index++) {
      if (index === 1) continue;
      calls[index]?.answer();
      answered++;
      await settle();
      // Three in flight until the items run out: the answered ones and three more.
      expect(calls.length).toBe(Math.min(items.length, answered + 3));
    }
    expect(await done).toEqual(items);
    expect(mostInFlight()).toBe(3);
    expect(events.map((event) => event.index).sort((a, b) => a - b)).toEqual(items);
  });

  it('hands `batch` items to a worker in one call, never more calls than workers', async () => {
    const { pool, calls, mostInFlight } = heldPool(2);
    const done = mapOnPool(
      pool,
      'echo',
      [0, 1, 2, 3, 4, 5, 6],
      { signal: new AbortController().signal, onTask: () => {} },
      () => -1,
      { batch: 3 },
    );
    await settle();
    expect(calls.map((call) => call.items)).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    calls[0]?.answer();
    await settle();
    expect(calls[2]?.items).toEqual([6]);
    calls[1]?.answer();
    calls[2]?.answer();
    expect(await done).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(mostInFlight()).toBe(2);
  });
});
