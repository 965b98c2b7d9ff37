import { setImmediate } from 'node:timers/promises';
import {
  type CpuJobName,
  type CpuResult,
  compute,
  defineStrategy,
  track,
} from '@speedup/shared-core';

/** The 2024 article's asyncio fib: `return await fib(n - 1) + await fib(n - 2)`. */
async function fibAwaitingEachCall(n: number): Promise<number> {
  return n < 2 ? n : (await fibAwaitingEachCall(n - 1)) + (await fibAwaitingEachCall(n - 2));
}

/**
 * The article's asyncio version of CPU work: every item becomes a task, and the tasks
 * are gathered. It gains nothing. A task starts when the event loop gets to it and runs
 * until it awaits something that is not ready yet, and computing never is: each task
 * runs to its end before the next begins, on one thread, and for as long as it runs the
 * event loop is blocked (no timer, no I/O callback, no other task).
 *
 * The `await-per-call` variant awaits every recursive call of fib, as the 2024 article
 * does. Those awaits are always ready, so they never let another task in either: it is
 * the same work on the same thread, plus the cost of some 30 million awaits per fib(35).
 */
export default defineStrategy({
  name: 'cpu-asyncio',
  workload: 'cpu',
  model: 'async',

  async setup({ variant }) {
    const awaitEachCall = variant === 'await-per-call';
    const task = async (job: CpuJobName, n: number): Promise<CpuResult> =>
      awaitEachCall && job === 'fib'
        ? { input: String(n), value: String(await fibAwaitingEachCall(n)) }
        : compute(job, n);

    return {
      concurrency: 1,
      // Like `asyncio.gather(*tasks)`: create every task, then wait for all of them. Every
      // task waits for the event loop's next turn, and that turn comes for all of them at
      // once: they run back to back within it, as asyncio runs every ready task in one
      // pass of its loop. No timer and no I/O callback gets in between two of them.
      run: ({ job, items }, { signal, onTask }) =>
        Promise.all(
          items.map(async (n, index) => {
            await setImmediate();
            signal.throwIfAborted();
            return track(index, onTask, () => task(job, n));
          }),
        ),
      close: async () => {},
    };
  },
});
