/**
 * The `crash` job, for fault tests: each item says how its task fails, so a test can
 * check that a strategy loses only that task and carries on. It is not one of the
 * jobs `pnpm bench` runs. Modes other than `none` and `throw` end the thread or process
 * running the task: use them only with strategies that run tasks in worker threads
 * (`exit`, `throwLater`, `outOfMemory`) or child processes (all of them).
 * A download can die the same ways, through a crash page (below).
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
      // After the task has returned its value: whether the worker dies before or after it
      // answers is up to the pool, and the contract holds either way (see `TaskPool`).
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

/** The ways a crash page ends the worker downloading it, as `crashModes` does for a CPU task. */
export const workerDeaths = {
  'throw-later': crashModes.throwLater,
  exit: crashModes.exit,
  'out-of-memory': crashModes.outOfMemory,
  /** Only for child processes: in a worker thread it would kill the whole process. */
  kill: crashModes.kill,
} as const;

export type WorkerDeath = keyof typeof workerDeaths;

const CRASH_PAGE = 'speedup-crash:';

/**
 * A URL that `downloadPage` does not download: it ends the worker running it, with
 * `death`, so the conformance suite can kill an I/O worker from inside a task the way the
 * `crash` job kills a CPU worker. Test-only. A user cannot reach it: `--sites` and
 * `--sites-file` accept only http and https URLs.
 */
export function crashPage(death: WorkerDeath): string {
  return `${CRASH_PAGE}${death}`;
}

/** The death a crash page asks for; undefined for every other URL. */
export function deathOf(url: string): WorkerDeath | undefined {
  if (!url.startsWith(CRASH_PAGE)) return undefined;
  const death = url.slice(CRASH_PAGE.length);
  if (!Object.hasOwn(workerDeaths, death)) throw new RangeError(`${url} is not a crash page`);
  return death as WorkerDeath;
}

/**
 * Ends this worker as `death` says. The promise never settles, so the worker can never
 * answer for the page: whatever the scheduling around it, the page is lost with its
 * worker, never reported as downloaded.
 */
export function dieDownloading(death: WorkerDeath): Promise<never> {
  return new Promise(() => crash(workerDeaths[death]));
}
