import { type EmittingPool, fromEmittingPool } from './emitting.js';
import { type TaskPool, untilReady } from './pool.js';

/** The tinypool adapter. */

/** A tinypool thread, as far as its events go. */
interface TinypoolThread {
  on(event: 'exit', listener: (code: number) => void): void;
  emit(event: 'error', error: Error): void;
}

/** What speedup uses of a `new Tinypool(…)`. */
export interface TinypoolPool extends EmittingPool {
  readonly options: { readonly maxThreads: number };
  readonly threads: readonly TinypoolThread[];
}

/**
 * A tinypool pool as a `TaskPool`, once every one of its `maxThreads` threads has loaded
 * its file.
 *
 * tinypool listens for a thread's `error` event only. A thread that ends with
 * `process.exit` emits `exit` alone, and the task it held would wait forever (tinypool
 * 2.2). So every thread is watched: one that exits while tinypool still counts it among
 * its threads (one it ends itself, on abort or `destroy`, it has removed first) is sent
 * the `error` it never had, and tinypool fails its task and replaces it as for any other
 * death.
 */
export function fromTinypool(tinypool: TinypoolPool): Promise<TaskPool> {
  const watched = new WeakSet<TinypoolThread>();
  const watchExits = () => {
    for (const thread of tinypool.threads) {
      if (watched.has(thread)) continue;
      watched.add(thread);
      thread.on('exit', (code) => {
        if (tinypool.threads.includes(thread)) {
          thread.emit('error', new Error(`worker thread exited with code ${code}`));
        }
      });
    }
  };
  const pool = fromEmittingPool(tinypool.options.maxThreads, tinypool);
  return untilReady({
    ...pool,
    run(task, items, signal) {
      // Threads replace dead ones between calls: watch the new ones before each call.
      watchExits();
      return pool.run(task, items, signal);
    },
  });
}
