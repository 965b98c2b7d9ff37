/**
 * A lock that worker threads share, built on one Int32 cell of shared memory: the
 * article's `threading.Lock()`, for threads that have no lock object in common, only
 * a `SharedArrayBuffer`.
 *
 *   lock():    compareExchange(cell, FREE -> HELD)
 *                won:  the lock is ours
 *                lost: Atomics.wait(cell, HELD) sleeps while the cell still says HELD,
 *                      then try again
 *   unlock():  store FREE, then Atomics.notify wakes one sleeper
 *
 * Why nothing is missed: `Atomics.wait` checks the cell and goes to sleep in one step.
 * If the holder unlocks between our lost compareExchange and our wait, the wait sees
 * FREE and returns at once ('not-equal') instead of sleeping through the wake-up.
 *
 * Why only in workers: `Atomics.wait` blocks the whole thread until it is woken. In a
 * worker that is the point: the worker has nothing else to do. Browsers forbid it on
 * the main thread; Node allows it, but a main thread asleep in `wait` runs no timers,
 * no I/O and no messages, not even the ones from the workers it is waiting for. So the
 * main thread never takes this lock; it only hands the cell to the workers.
 */

const FREE = 0;
const HELD = 1;

export class SharedMutex {
  /** A new, free lock in its own shared memory. */
  static create(): SharedMutex {
    return new SharedMutex(new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT)));
  }

  /** `cell` is the lock's shared state: pass it to a worker, rebuild the lock there from it. */
  constructor(readonly cell: Int32Array) {}

  lock(): void {
    while (Atomics.compareExchange(this.cell, 0, FREE, HELD) !== FREE) {
      Atomics.wait(this.cell, 0, HELD);
    }
  }

  unlock(): void {
    Atomics.store(this.cell, 0, FREE);
    Atomics.notify(this.cell, 0, 1);
  }
}
