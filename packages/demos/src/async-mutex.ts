/**
 * A lock for async code on one thread: at most one `runExclusive` task runs at a time,
 * the others wait their turn in the order they asked.
 *
 * It needs no atomics: only one thread runs this code, and between two `await`s nothing
 * else runs. What it protects is the span *across* awaits: every task is chained onto
 * the end of the one before, so it starts only when that one has settled.
 */
export class AsyncMutex {
  #last: Promise<unknown> = Promise.resolve();

  runExclusive<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#last.then(task);
    // The next task waits for this one to settle, whether it succeeds or fails.
    this.#last = result.catch(() => {});
    return result;
  }
}
