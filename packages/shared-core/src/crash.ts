/**
 * The `crash` job, for fault tests: each item says how its task fails, so a test can
 * check that a strategy loses only that task and carries on. It is not one of the
 * jobs `pnpm bench` runs. Modes other than `none` and `throw` end the thread or process
 * running the task: use them only with strategies that run tasks in worker threads
 * (`exit`, `throwLater`, `outOfMemory`) or child processes (all of them).
 */
export const crashModes = {
  /** Returns 0: a task that works. */
  none: 0,
  /** Throws: the task fails, its worker lives on. */
  throw: 1,
  /** Throws outside the task, uncaught: the worker dies. */
  throwLater: 2,
  /** Calls `process.exit(3)`: a worker thread or process ends. */
  exit: 3,
  /** Sends SIGKILL to its own process: only for child processes. */
  kill: 4,
  /** Allocates until the worker's memory limit ends it. */
  outOfMemory: 5,
} as const;

export function crash(mode: number): number {
  switch (mode) {
    case crashModes.none:
      return 0;
    case crashModes.throw:
      throw new Error('the task threw');
    case crashModes.throwLater:
      // Before any promise callback, so before the worker can answer this task.
      process.nextTick(() => {
        throw new Error('an uncaught exception outside the task');
      });
      return 0;
    case crashModes.exit:
      process.exit(3);
      break;
    case crashModes.kill:
      process.kill(process.pid, 'SIGKILL');
      break;
    case crashModes.outOfMemory: {
      const hoard: number[][] = [];
      for (;;) hoard.push(new Array(1 << 20).fill(hoard.length));
    }
  }
  throw new RangeError(`crash mode ${mode} does not exist`);
}
