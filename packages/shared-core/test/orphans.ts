import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * What the orphan tests (queue-orphans, python-orphans) share: processes told apart by
 * when they started, so that a pid the kernel hands to someone else later is neither
 * counted as a survivor nor killed when the test cleans up.
 */

/** A process, told apart from a later one given the same pid by when it started. */
export interface StartedProcess {
  readonly pid: number;
  /** `redis-server 4242`, `pool worker 4243`: what a failure names. */
  readonly name: string;
  readonly startTime: string;
}

/** The fields of /proc/<pid>/stat after the command name, or undefined once it is gone. */
export function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may contain spaces.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

export function started(pid: number, name: string): StartedProcess {
  const startTime = statFields(pid)?.[19];
  if (startTime === undefined) throw new Error(`${name} ${pid} is not running`);
  return { pid, name: `${name} ${pid}`, startTime };
}

export function isRunning({ pid, startTime }: StartedProcess): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const fields = statFields(pid);
  // A zombie has already died: only its new parent's wait for it is missing (this
  // container's PID 1 reaps orphans late).
  return fields !== undefined && fields[19] === startTime && fields[0] !== 'Z';
}

/** Kills whatever of `tracked` still runs, with any process group it leads. */
export function killSurvivors(tracked: readonly StartedProcess[]): void {
  for (const left of tracked.filter(isRunning)) {
    const leadsItsGroup = statFields(left.pid)?.[2] === String(left.pid);
    for (const target of leadsItsGroup ? [-left.pid, left.pid] : [left.pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {}
    }
  }
}

/** The first line `child` prints; rejects with what it said on stderr if it exits first. */
export function firstLine(child: ChildProcess, who: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let said = '';
    let complained = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      said += chunk.toString();
      if (said.includes('\n')) resolve(said.slice(0, said.indexOf('\n')));
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      complained += chunk.toString();
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`${who} exited (${signal ?? `code ${code}`}): ${complained}`)),
    );
  });
}
