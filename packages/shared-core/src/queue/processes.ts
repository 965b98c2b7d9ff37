import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * Child processes that set-up starts (a redis-server, worker processes) and must never
 * outlive the process that started them.
 *
 * They run in a process group of their own, so a Ctrl-C in the terminal reaches the
 * harness, which stops the run and closes the strategy in order (queue, workers, Redis),
 * instead of killing them all mid-step. And where util-linux's `setpriv` is present
 * (every Debian), the kernel sends each one SIGKILL the moment its parent dies, however
 * it dies: a SIGKILLed measuring process leaves nothing behind. Without `setpriv` they
 * stay in the caller's group, so a Ctrl-C still ends them.
 */

/** The absolute path of `command` on PATH (and in the sbin folders), or undefined. */
export function findExecutable(command: string): string | undefined {
  const folders = [
    ...(process.env.PATH ?? '').split(delimiter),
    '/usr/local/sbin',
    '/usr/sbin',
    '/sbin',
  ];
  for (const folder of folders) {
    if (folder === '') continue;
    const candidate = join(folder, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

let setpriv: string | null | undefined;

/** Spawns `command` as a child that dies with this process (see above). */
export function spawnTiedChild(
  command: string,
  args: readonly string[],
  options: SpawnOptions,
): ChildProcess {
  setpriv ??= findExecutable('setpriv') ?? null;
  if (setpriv === null) return spawn(command, args, options);
  // setpriv sets the parent-death signal and then execs `command`: the child keeps its
  // pid, and the setting survives the exec.
  return spawn(setpriv, ['--pdeathsig', 'KILL', command, ...args], {
    ...options,
    detached: true,
  });
}

/** Whether `child` has exited (or was never started). */
export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null || child.pid === undefined;
}

/**
 * Sends `signal` and waits up to `graceMs` for `child` to exit, then kills it. Resolves
 * once it has exited.
 */
export async function stopChild(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
  graceMs = 2_000,
): Promise<void> {
  if (hasExited(child)) return;
  const exited = once(child, 'close');
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}
