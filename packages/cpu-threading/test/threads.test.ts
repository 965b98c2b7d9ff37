import cpuThreading from '@speedup/cpu-threading';
import { fibInput, type TaskEvent, workersOf } from '@speedup/shared-core';
import { describe, expect, it } from 'vitest';

describe('cpu-threading', () => {
  it('computes on worker threads of this process, never on the calling thread', async () => {
    const events: TaskEvent[] = [];
    await cpuThreading.run(fibInput(22, 12), { workers: 2, onTask: (event) => events.push(event) });
    expect(workersOf(events)).toHaveLength(2);
    for (const worker of workersOf(events)) expect(worker).toMatch(/^thread \d+$/);
  });
});
