import { expect, it } from 'vitest';
import { crashModes } from '../crash.js';
import { fibInput, sumOfSquaresInput } from '../jobs.js';
import { diffResults } from '../results.js';
import { type CpuStrategy, runOptions } from '../strategy.js';
import type { CpuInput, Isolation, SetupOptions } from '../types.js';
import { expectedCpu } from './expected.js';
import { expectEachItem, expectOneEventPerItem, outcomeOf } from './items.js';
import { expectNothingLeftRunning, snapshot } from './leaks.js';
import { type Load, runCollecting } from './runs.js';

/** Sizes differ so tasks finish out of order on parallel strategies: order must still hold. */
const mixedFib: CpuInput = { job: 'fib', items: [24, 3, 26, 0, 1, 20, 25, 12, 22, 2] };

/** What every CPU strategy promises; the tests of a worker dying are in crashes.ts. */
export function cpuTests(load: Load<CpuStrategy>, setup: SetupOptions, isolation: Isolation): void {
  const smallSums = sumOfSquaresInput(0.02);

  it('computes sum-of-squares exactly, in input order', async () => {
    const { results } = await runCollecting(await load(), setup, smallSums);
    expect(diffResults(expectedCpu(smallSums), results)).toEqual([]);
  });

  it('computes fib exactly, in input order, when tasks finish out of order', async () => {
    const { results } = await runCollecting(await load(), setup, mixedFib);
    expect(diffResults(expectedCpu(mixedFib), results)).toEqual([]);
  });

  it('computes exactly, in input order, when a pool hands over several items at a time (--batch)', async () => {
    // 10 items in batches of 3: the last batch is short, and a strategy without a pool ignores it.
    const { results, events } = await runCollecting(await load(), { ...setup, batch: 3 }, mixedFib);
    expect(diffResults(expectedCpu(mixedFib), results)).toEqual([]);
    expectOneEventPerItem(events, mixedFib.items.length);
  });

  it('reports one task event per item, with the worker that ran it', async () => {
    const { events } = await runCollecting(await load(), setup, mixedFib);
    expectOneEventPerItem(events, mixedFib.items.length);
  });

  it('can run again on the same runner, with the same results', async () => {
    const input = fibInput(18, 6);
    const runner = await (await load()).setup(setup);
    try {
      const first = await runner.run(input, runOptions());
      const second = await runner.run(smallSums, runOptions());
      const third = await runner.run(input, runOptions());
      expect(diffResults(first, third)).toEqual([]);
      expect(diffResults(expectedCpu(smallSums), second)).toEqual([]);
    } finally {
      await runner.close();
    }
  });

  it('stops when aborted, even with minutes of work queued, and leaves nothing running', async () => {
    const before = snapshot();
    // fib(45) takes tens of seconds: a strategy that ignores the abort times out here.
    const input: CpuInput = { job: 'fib', items: [20, 45, 45, 45, 45] };
    const stop = new AbortController();
    await expect(
      runCollecting(await load(), setup, input, {
        signal: stop.signal,
        onTask: () => stop.abort(new Error('stop now')),
      }),
    ).rejects.toThrow('stop now');
    await expectNothingLeftRunning(before);
  }, 15_000);

  it('leaves no worker or process running after close()', async () => {
    const before = snapshot();
    await runCollecting(await load(), setup, fibInput(20, 8));
    await expectNothingLeftRunning(before);
  });

  it('turns a task that throws into a failed record and computes the rest', async () => {
    const { none, throw: throws } = crashModes;
    const input: CpuInput = { job: 'crash', items: [none, throws, none] };
    const { results, events } = await runCollecting(await load(), setup, input);
    expectOneEventPerItem(events, input.items.length);
    expectEachItem(
      [
        { what: 'returns 0', expected: 'ok' },
        { what: 'throws', expected: 'failed' },
        { what: 'returns 0', expected: 'ok' },
      ],
      results.map(outcomeOf),
    );
    expect(results.map((result) => [result.value, result.error])).toEqual([
      ['0', undefined],
      ['', 'failed'],
      ['0', undefined],
    ]);
  });

  // Only where tasks run in worker threads or child processes can the caller's loop go on
  // turning while they compute.
  if (isolation !== 'none') {
    it('keeps the calling thread free while the workers compute', async () => {
      const runner = await (await load()).setup(setup);
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 5);
      try {
        await runner.run(fibInput(30, 8), runOptions());
      } finally {
        clearInterval(ticker);
        await runner.close();
      }
      // The loop kept turning during the run; a blocked loop would not tick at all.
      expect(ticks).toBeGreaterThan(0);
    });
  }
}
