/**
 * The deadlines of the pages in flight on this thread, all on one timer. A page's own
 * `AbortController` and `setTimeout`, with a listener added and removed, cost about
 * 20 µs a page here: a fifth of what a page costs io-asyncio, for a limit that almost
 * never fires. Here a page joins a set, and one timer waits for the earliest deadline.
 */

export interface Deadline {
  /** Whether it has passed. */
  readonly passed: boolean;
  /** Called once, when it passes: set and unset by whoever waits on it now. */
  onPass: (() => void) | undefined;
  /** Stops watching it. */
  clear(): void;
}

class Watched implements Deadline {
  passed = false;
  onPass: (() => void) | undefined;
  constructor(readonly at: number) {}

  clear(): void {
    watched.delete(this);
    // No page left: no timer either, so nothing keeps the process up for a deadline.
    if (watched.size === 0) stopTimer();
  }
}

const watched = new Set<Watched>();
let timer: NodeJS.Timeout | undefined;
let timerAt = Number.POSITIVE_INFINITY;

function stopTimer(): void {
  clearTimeout(timer);
  timer = undefined;
  timerAt = Number.POSITIVE_INFINITY;
}

/** Makes sure the timer fires by `at`. */
function wakeBy(at: number): void {
  if (at >= timerAt) return;
  clearTimeout(timer);
  timerAt = at;
  timer = setTimeout(passDue, Math.max(0, at - performance.now()));
}

/** Ends every deadline that has passed, and waits for the next. */
function passDue(): void {
  timer = undefined;
  timerAt = Number.POSITIVE_INFINITY;
  const now = performance.now();
  let next = Number.POSITIVE_INFINITY;
  for (const deadline of watched) {
    if (deadline.at > now) {
      next = Math.min(next, deadline.at);
      continue;
    }
    watched.delete(deadline);
    deadline.passed = true;
    deadline.onPass?.();
  }
  if (next < Number.POSITIVE_INFINITY) wakeBy(next);
}

/** A deadline `ms` from now. */
export function deadlineIn(ms: number): Deadline {
  const deadline = new Watched(performance.now() + ms);
  watched.add(deadline);
  wakeBy(deadline.at);
  return deadline;
}
