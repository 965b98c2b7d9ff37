import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';

/**
 * How many pool workers and connections this machine lets one run start, read before
 * anything starts, so `--workers 100000` is refused with one line instead of failing
 * half-way with EAGAIN. Linux-specific where it reads /proc; elsewhere only memory counts.
 */

/**
 * What one pool worker costs, rounded up from what a worker of io-threading and
 * io-multiprocessing took on a 2-core Linux VM with Node 20: a worker thread about 9 MB
 * of resident memory and one OS thread; a child process about 62 MB and 11 OS threads
 * (V8's and libuv's own). Measured on a busy machine in 2025; they are ceilings' inputs,
 * not promises.
 */
const THREAD_WORKER = { bytes: 16 * 2 ** 20, threads: 1 };
const PROCESS_WORKER = { bytes: 64 * 2 ** 20, threads: 12 };
/** File descriptors kept free for what a run opens besides its connections: pipes, IPC, files. */
const SPARE_FILES = 1024;

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** A limit from /proc/self/limits (`Max processes`, `Max open files`): the soft one. */
function ownLimit(name: string): number {
  const line = read('/proc/self/limits')
    ?.split('\n')
    .find((each) => each.startsWith(name));
  const soft = line?.slice(name.length).trim().split(/\s+/)[0];
  const value = Number(soft);
  return soft === undefined || !Number.isFinite(value) ? Number.POSITIVE_INFINITY : value;
}

/** A number in a file such as /proc/sys/kernel/threads-max; infinity when absent or `max`. */
function numberIn(path: string): number {
  const value = Number(read(path)?.trim());
  return Number.isFinite(value) && value > 0 ? value : Number.POSITIVE_INFINITY;
}

/** Threads (Linux counts every thread as a process) this user may still start here. */
function threadsLeft(): number {
  const allowed = Math.min(
    ownLimit('Max processes'),
    numberIn('/proc/sys/kernel/threads-max'),
    numberIn('/sys/fs/cgroup/pids.max'),
    numberIn('/sys/fs/cgroup/pids/pids.max'),
  );
  // The fourth field of /proc/loadavg is running/existing: threads that exist already.
  const existing = Number(read('/proc/loadavg')?.split(' ')[3]?.split('/')[1]);
  return allowed - (Number.isFinite(existing) ? existing : 0);
}

/** Memory this process's cgroup (or else the machine) has. */
function memory(): number {
  const constrained = process.constrainedMemory?.() ?? 0;
  return constrained > 0 ? Math.min(constrained, totalmem()) : totalmem();
}

export interface Capacity {
  /** Most pool workers a strategy may start as worker threads. */
  readonly threadWorkers: number;
  /** Most pool workers a strategy may start as child processes. */
  readonly processWorkers: number;
  /** Most connections one process may hold open at once. */
  readonly connections: number;
}

/** What this machine lets one run start, from its memory, thread and file limits. */
export function machineCapacity(): Capacity {
  const bytes = memory();
  const threads = threadsLeft();
  const workers = (cost: typeof THREAD_WORKER) =>
    Math.max(1, Math.floor(Math.min(bytes / cost.bytes, threads / cost.threads)));
  const files = ownLimit('Max open files');
  return {
    threadWorkers: workers(THREAD_WORKER),
    processWorkers: workers(PROCESS_WORKER),
    connections: Number.isFinite(files) ? Math.max(1, files - SPARE_FILES) : 10_000,
  };
}
