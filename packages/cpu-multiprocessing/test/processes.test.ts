import cpuMultiprocessing from '@speedup/cpu-multiprocessing';
import { fibInput, type TaskEvent, workersOf } from '@speedup/shared-core';
import { describe, expect, it } from 'vitest';

describe('cpu-multiprocessing', () => {
  it('computes in child processes, never in this one', async () => {
    const events: TaskEvent[] = [];
    await cpuMultiprocessing.run(fibInput(22, 12), {
      workers: 2,
      onTask: (event) => events.push(event),
    });
    expect(workersOf(events)).toHaveLength(2);
    for (const worker of workersOf(events)) {
      expect(worker).toMatch(/^pid \d+$/);
      expect(worker).not.toBe(`pid ${process.pid}`);
    }
  });
});
