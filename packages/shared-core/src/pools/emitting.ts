import type { TaskPool } from './pool.js';
import type { PoolCall } from './worker.js';

/**
 * What piscina and tinypool share, typed here so that shared-core depends on neither: a
 * strategy that uses one installs it, makes the pool with the library's own options, and
 * hands it to `fromPiscina` or `fromTinypool`. The worker file of either is
 * `export default taskHandler(tasks)`.
 */

/** A call per task, an `error` event, and `destroy`. */
export interface EmittingPool {
  run(task: PoolCall, options: { signal: AbortSignal }): Promise<unknown>;
  destroy(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * Both report a worker that dies holding a task by rejecting that task, and one that
 * dies holding none (an exception that fired after it answered) with an `error` event on
 * the pool, which would end this process if nobody listened. Kept here, it is reported
 * by the next call instead, as the `TaskPool` contract asks.
 */
export function fromEmittingPool(size: number, library: EmittingPool): TaskPool {
  const unreported: Error[] = [];
  library.on('error', (error) => unreported.push(error));
  return {
    size,
    async run(task, items, signal) {
      const earlier = unreported.shift();
      if (earlier) throw earlier;
      return (await library.run({ task, items }, { signal })) as unknown[];
    },
    close: () => library.destroy(),
  };
}
