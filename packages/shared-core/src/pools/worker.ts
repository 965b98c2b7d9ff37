import { setImmediate as turnOfTheEventLoop } from 'node:timers/promises';
import { readBusy, startBusyRecord, takeBusyReadings } from '../busy.js';
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
    startRecordingOnce();
    readBusy();
    const answers: Timed<Value>[] = [];
    for (const item of items) answers.push(await timed(() => task(item)));
    readBusy();
    await turnOfTheEventLoop();
    return withBusyReadings(answers);
  };
}

let recording = false;

/** A worker keeps its busy readings from its first task on, and sends them back with its answers. */
function startRecordingOnce(): void {
  if (recording) return;
  recording = true;
  startBusyRecord();
}

/** The worker's busy readings since its last answer ride on this answer's last item. */
function withBusyReadings<Value>(answers: Timed<Value>[]): Timed<Value>[] {
  const busy = takeBusyReadings();
  const last = answers.at(-1);
  if (last && busy.length > 0) answers[answers.length - 1] = { ...last, busy };
  return answers;
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
