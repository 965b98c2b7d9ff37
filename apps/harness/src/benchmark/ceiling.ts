import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import type { CeilingChildMessage } from './child-process/messages.js';
import type { Interval } from './intervals.js';
import { median, medianInterval } from './stats.js';

/**
 * What this machine's cores really give to independent processes: one process running a
 * fixed kernel, against `cores` processes each running 1/cores of it side by side. On a
 * virtual machine, with other tenants, hyper-threads or a thermal limit, that is less
 * than the core count, and no strategy can beat it: a speed-up above it is a measurement
 * problem, most often a reference that ran slower than usual.
 */

export interface ParallelCeiling {
  readonly cores: number;
  /** One process's time ÷ the side-by-side time: the median of its pairs (`REPEATS`, and as many more each time it is measured again). */
  readonly ceiling: number;
  /**
   * About 95 % interval of that median, from the pairs' order statistics (no assumption
   * about their spread): wide when the cores the machine gives changed while it was
   * measured, as they do on a shared virtual machine for seconds at a time.
   */
  readonly ci95?: Interval;
  /** Each pair's ratio, so that pairs measured later can join them (see `joinCeilings`). */
  readonly pairs: readonly number[];
}

/**
 * The ceiling from `pairs` ratios: their median, and its interval when there are enough,
 * neither above `cores`. A pair can come out above it (its lone process slowed by the
 * host for a moment), but `cores` processes cannot compute more than `cores` times as
 * fast as one: an interval reaching past that would claim what no machine gives, and
 * every "of ceiling" figure would lean on it.
 */
export function ceilingOf(cores: number, pairs: readonly number[]): ParallelCeiling {
  if (pairs.length === 0) return { cores, ceiling: cores, pairs };
  const atMostCores = (ratio: number) => Math.min(ratio, cores);
  const interval = medianInterval(pairs);
  const ceiling = atMostCores(median(pairs));
  if (!interval) return { cores, ceiling, pairs };
  const ci95: Interval = [atMostCores(interval[0]), atMostCores(interval[1])];
  return { cores, ceiling, pairs, ci95 };
}

/** One ceiling from the pairs of two measurements of it. */
export function joinCeilings(first: ParallelCeiling, second: ParallelCeiling): ParallelCeiling {
  return ceilingOf(first.cores, [...first.pairs, ...second.pairs]);
}

/**
 * fib(30) takes a few milliseconds: 12 calls are about a tenth of a second on one core.
 * Many short pairs rather than a few long ones: on a shared virtual machine the cores
 * it gives drop to about one for a second or two at a time, and a median of nine pairs
 * stands when two or three fall in such a dip.
 */
const KERNEL_N = 30;
const KERNEL_CALLS = 12;
const REPEATS = 9;

/** The child's next message; rejects if it exits first, so a dead child never hangs the run. */
function reply(child: ChildProcess): Promise<CeilingChildMessage> {
  return new Promise((resolve, reject) => {
    const exited = (code: number | null, signal: string | null) =>
      reject(new Error(`a ceiling process exited (${signal ?? `code ${code}`})`));
    child.once('exit', exited);
    child.once('message', (message: CeilingChildMessage) => {
      child.off('exit', exited);
      resolve(message);
    });
  });
}

async function work(children: readonly ChildProcess[], calls: number): Promise<number> {
  const answers = children.map(reply);
  for (const child of children) child.send({ n: KERNEL_N, calls });
  const spans = await Promise.all(answers);
  return Math.max(...spans.map((span) => span.end)) - Math.min(...spans.map((span) => span.start));
}

/** Measures the ceiling with `cores` processes; 1 on a single core, where there is nothing to share. */
export async function measureParallelCeiling(
  cores: number,
  signal?: AbortSignal,
): Promise<ParallelCeiling> {
  if (cores < 2) return { cores, ceiling: 1, pairs: [] };
  const entry = new URL('./child-process/ceiling-child.js', import.meta.url);
  const children = Array.from({ length: cores }, () =>
    fork(entry, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] }),
  );
  const stop = () => {
    for (const child of children) child.kill('SIGKILL');
  };
  signal?.addEventListener('abort', stop, { once: true });
  try {
    await Promise.all(children.map(reply));
    const callsEach = Math.ceil(KERNEL_CALLS / cores);
    const ratios: number[] = [];
    for (let repeat = 0; repeat < REPEATS && !signal?.aborted; repeat++) {
      const alone = await work(children.slice(0, 1), callsEach * cores);
      const sideBySide = await work(children, callsEach);
      ratios.push(alone / sideBySide);
    }
    return ceilingOf(cores, ratios);
  } finally {
    signal?.removeEventListener('abort', stop);
    for (const child of children) if (child.connected) child.disconnect();
    await Promise.all(
      children.map((child) =>
        child.exitCode === null && child.signalCode === null ? once(child, 'exit') : undefined,
      ),
    );
  }
}
