import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time and memory of child processes, read from Linux's /proc. Node reports these
 * for its own process only; a process pool's work happens in children. On systems
 * without /proc the figures cover this process alone.
 */

/** Linux reports CPU times in clock ticks of 1/100 s (USER_HZ) on every mainstream architecture. */
const TICK_MS = 10;

export interface ProcessTimes {
  readonly userMs: number;
  readonly systemMs: number;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Process ids of the direct children of `parent`. Each thread of a process lists the
 * children it started in /proc/<pid>/task/<tid>/children: a few small files, where
 * scanning every process's /proc/<pid>/stat takes milliseconds on a busy machine (the
 * measuring process reads this around every run). The scan remains for kernels without
 * those files.
 */
export function childPids(parent = process.pid): number[] {
  let threads: string[] | undefined;
  try {
    threads = readdirSync(`/proc/${parent}/task`);
  } catch {
    threads = undefined;
  }
  const listed = threads?.map((thread) => read(`/proc/${parent}/task/${thread}/children`));
  if (listed?.every((children): children is string => children !== undefined)) {
    return listed.flatMap((children) => children.split(' ').filter(Boolean).map(Number));
  }
  return scanForChildren(parent);
}

function scanForChildren(parent: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const children: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = read(`/proc/${entry}/stat`);
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields && Number(fields[1]) === parent) children.push(Number(entry));
  }
  return children;
}

/**
 * Process ids of every process below `ancestor`: its children, theirs, and so on. A
 * strategy's program in another language runs its pool one level further down.
 */
export function descendantPids(ancestor = process.pid): number[] {
  const found: number[] = [];
  for (let next = [ancestor]; next.length > 0; ) {
    next = next.flatMap((pid) => childPids(pid));
    found.push(...next);
  }
  return found;
}

/** User and system CPU time so far of each process below this one. */
export function childTimes(): Map<number, ProcessTimes> {
  const times = new Map<number, ProcessTimes>();
  for (const pid of descendantPids()) {
    const stat = read(`/proc/${pid}/stat`);
    if (!stat) continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    times.set(pid, {
      userMs: Number(fields[11]) * TICK_MS,
      systemMs: Number(fields[12]) * TICK_MS,
    });
  }
  return times;
}

/** CPU time the children spent between two `childTimes()` readings. */
export function childTimesBetween(
  before: ReadonlyMap<number, ProcessTimes>,
  after: ReadonlyMap<number, ProcessTimes>,
): ProcessTimes {
  let userMs = 0;
  let systemMs = 0;
  for (const [pid, now] of after) {
    const then = before.get(pid) ?? { userMs: 0, systemMs: 0 };
    userMs += now.userMs - then.userMs;
    systemMs += now.systemMs - then.systemMs;
  }
  return { userMs, systemMs };
}

/** Sum of the peak resident memory (VmHWM) of the processes below this one, in bytes. */
export function childPeakMemory(): number {
  let bytes = 0;
  for (const pid of descendantPids()) {
    const match = read(`/proc/${pid}/status`)?.match(/^VmHWM:\s+(\d+) kB/m);
    if (match) bytes += Number(match[1]) * 1024;
  }
  return bytes;
}
