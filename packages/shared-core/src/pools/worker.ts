import { setImmediate as turnOfTheEventLoop } from 'node:timers/promises';
import { type Timed, timed } from '../tasks.js';

/**
 * The worker's end of every pool: what a worker is asked (a `PoolCall`) and how a task
 * answers it (`poolTask`), the same whichever library carries the messages.
 */

/** What a pool hands a worker in one message: run `task` on each of `items`, in order. */
export interface PoolCall {
  readonly task: string;
  readonly items: readonly unknown[];
}

/** The call a worker answers once its whole script has loaded: how a pool knows it is ready. */
export const READY = 'speedup:ready';

/** A task as a worker serves it: a batch of items in, each item's value with its span out. */
export type PoolTask<Item, Value> = (items: readonly Item[]) => Promise<Timed<Value>[]>;

/**
 * Makes `task` a task a pool's worker serves: it takes a batch of items (Python's
 * `chunksize`; one item unless the strategy batches), runs `task` on each in turn, timed
 * where it runs, and answers with one `Timed` value per item.
 *
 * It answers only after a turn of this worker's event loop. An exception a task leaves
 * behind (thrown in `process.nextTick`, a rejected promise nobody awaits) then ends the
 * worker before it answers, so the task it belongs to ends `crashed`, whatever the pool.
 * Without that turn it depends on the pool. workerpool's worker dies before answering.
 * piscina's and tinypool's answer first and then wait for their next message in
 * `Atomics.wait`, without going back to their event loop: each next task runs in the same
 * turn, and the exception waits with them. While tasks keep coming it never fires, and it
 * is lost when the pool closes (piscina 5.3, tinypool 2.2, tried with the `crash` job).
 * The turn costs a microsecond or two per batch.
 */
export function poolTask<Item, Value>(
  task: (item: Item) => Value | Promise<Value>,
): PoolTask<Item, Value> {
  return async (items) => {
    const answers: Timed<Value>[] = [];
    for (const item of items) answers.push(await timed(() => task(item)));
    await turnOfTheEventLoop();
    return answers;
  };
}

/** A worker's tasks by name, whatever their items. */
export type PoolTasks = Readonly<Record<string, PoolTask<never, unknown>>>;

/**
 * A worker's tasks as the one function piscina and tinypool call with each message: a
 * worker file for either is `export default taskHandler(cpuTasks)`.
 */
export function taskHandler(tasks: PoolTasks): (call: PoolCall) => Promise<unknown> {
  return async ({ task, items }) => {
    if (task === READY) return READY;
    const run = tasks[task];
    if (!run) throw new Error(`this worker has no task '${task}'`);
    return run(items as never[]);
  };
}
