import { parentPort, workerData } from 'node:worker_threads';
import { SharedMutex } from './shared-mutex.js';

/**
 * One of the threads in the article's race: it runs its share of the 5,000 tasks, each
 * adding 1 to the counter 100 times, in the way the main thread chose.
 */

/** How a worker adds 1 to the count. */
export type CountingWay = 'plain' | 'atomic' | 'locked' | 'unshared';

export interface CountingWork {
  readonly way: CountingWay;
  readonly tasks: number;
  readonly increments: number;
  /** One Int32 of shared memory that every worker adds to. */
  readonly counter: Int32Array;
  /** The cell of the `SharedMutex` every worker takes in the `locked` way. */
  readonly lockCell: Int32Array;
  /** 0 until the main thread lets every worker start at once. */
  readonly startingLine: Int32Array;
}

const { way, tasks, increments, counter, lockCell, startingLine } = workerData as CountingWork;
const lock = new SharedMutex(lockCell);
let ownCount = 0;

const addOne: Record<CountingWay, () => void> = {
  // Read, add, write: three steps. Another worker can write between our read and our
  // write; we then write back the value we read plus one, and its update is lost.
  // Worse, plain reads of shared memory promise nothing about other threads: once V8
  // has optimised this loop it may keep the count in a register and never read memory
  // again, so the last worker to finish writes over everything the others added.
  plain() {
    const seen = counter[0] as number;
    counter[0] = seen + 1;
  },

  // One indivisible step: the processor does the read, the add and the write as one
  // operation on that memory, so no other thread can come in between.
  atomic() {
    Atomics.add(counter, 0, 1);
  },

  // The same three steps as `plain`, but only one worker at a time may be between
  // lock() and unlock(), so nobody writes between our read and our write.
  locked() {
    lock.lock();
    try {
      const seen = counter[0] as number;
      counter[0] = seen + 1;
    } finally {
      lock.unlock();
    }
  },

  // Nothing shared at all: a number only this thread can see, sent back at the end.
  unshared() {
    ownCount++;
  },
};

/** The article's `increment_counter`: one task, adding 1 a hundred times. */
function incrementCounter(): void {
  for (let i = 0; i < increments; i++) addOne[way]();
}

// Starting a thread takes longer than the whole job. Without a starting line the first
// worker could finish before the last one begins, and nothing would ever race.
// `Atomics.wait` is fine here: a worker has nothing else to do while it waits.
parentPort?.postMessage('ready');
Atomics.wait(startingLine, 0, 0);

for (let task = 0; task < tasks; task++) incrementCounter();
parentPort?.postMessage(ownCount);
