import type { RunPicture } from '../benchmark/child-process/messages.js';

/**
 * The measured lanes of a run's picture, on the timeline's axis (milliseconds since the
 * run started): how busy each thread was, slice by slice, and when the main thread's
 * event loop was late.
 */

/** A stretch of a thread's time and the share of it the thread was busy, from 0 to 1. */
export interface BusySlice {
  readonly start: number;
  readonly end: number;
  readonly busy: number;
}

export interface BusyLane {
  /** The thread, labelled as its tasks are (`pid 4242`, `thread 3`). */
  readonly worker: string;
  readonly slices: readonly BusySlice[];
  /** Busy milliseconds within the run. */
  readonly busyMs: number;
}

/**
 * Slices between consecutive readings, cut to `[from, to]` (epoch milliseconds) and
 * placed relative to `from`. A slice's busy share is the growth of the busy time over its
 * length; a thread that computed without a break through a slice shows 1.
 */
export function busySlices(
  readings: readonly number[],
  from: number,
  to: number,
  oneThread = true,
): BusySlice[] {
  const slices: BusySlice[] = [];
  for (let i = 0; i + 3 < readings.length; i += 2) {
    const [t0, a0, t1, a1] = readings.slice(i, i + 4) as [number, number, number, number];
    if (t1 <= t0) continue;
    const start = Math.max(t0, from);
    const end = Math.min(t1, to);
    if (end <= start) continue;
    const share = Math.max(0, (a1 - a0) / (t1 - t0));
    const busy = oneThread ? Math.min(1, share) : share;
    slices.push({ start: start - from, end: end - from, busy });
  }
  return slices;
}

export const busyMsOf = (slices: readonly BusySlice[]): number =>
  slices.reduce((sum, slice) => sum + (slice.end - slice.start) * slice.busy, 0);

/** Busy milliseconds of `slices` between `from` and `to`, a slice's share spread evenly over it. */
export function busyWithin(slices: readonly BusySlice[], from: number, to: number): number {
  let sum = 0;
  for (const slice of slices) {
    const overlap = Math.min(to, slice.end) - Math.max(from, slice.start);
    if (overlap > 0) sum += overlap * slice.busy;
  }
  return sum;
}

/** The lane of the process's helper threads: V8's and libuv's, which no task runs on. */
export const HELPERS = 'helper threads';

/**
 * What the process's CPU time holds beyond the threads measured one by one: the work of
 * V8's helper threads (garbage collection, compiling) and libuv's. A slice's share may
 * pass 1: several helpers can run at once.
 */
function helperSlices(picture: RunPicture, threads: readonly BusyLane[]): BusySlice[] {
  const whole = busySlices(picture.processCpu, picture.startedAt, picture.endedAt, false);
  return whole.map((slice) => {
    const length = slice.end - slice.start;
    const measured = threads.reduce(
      (sum, lane) => sum + busyWithin(lane.slices, slice.start, slice.end),
      0,
    );
    return { ...slice, busy: Math.max(0, slice.busy - measured / length) };
  });
}

/**
 * One lane per measured thread, the main thread first, then the workers in the order
 * given; then the helper threads, when the process measured itself whole.
 */
export function busyLanes(picture: RunPicture): BusyLane[] {
  const threads = picture.busy.map(({ worker, readings }) => {
    const slices = busySlices(readings, picture.startedAt, picture.endedAt);
    return { worker, slices, busyMs: busyMsOf(slices) };
  });
  if (picture.processCpu.length < 4) return threads;
  const helpers = helperSlices(picture, threads);
  return [...threads, { worker: HELPERS, slices: helpers, busyMs: busyMsOf(helpers) }];
}

/** A stretch in which the main thread's loop answered late: it was blocked for `lateMs`. */
export interface LateStretch {
  readonly start: number;
  readonly end: number;
  readonly lateMs: number;
}

/**
 * When the main thread's loop was late, relative to the run's start. A tick `lateMs` late
 * at time `t` means the loop could not answer from `t − lateMs` to `t`. Lateness under
 * `noticeMs` is the timer's own jitter and is left out.
 */
export function lateStretches(picture: RunPicture, noticeMs = 1): LateStretch[] {
  const stretches: LateStretch[] = [];
  const pairs = picture.loopLateness;
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    const at = (pairs[i] as number) - picture.startedAt;
    const lateMs = pairs[i + 1] as number;
    if (lateMs < noticeMs) continue;
    stretches.push({ start: Math.max(0, at - lateMs), end: at, lateMs });
  }
  return stretches;
}

/** The longest the loop was late at once, in milliseconds; 0 when it never was. */
export const longestLateMs = (picture: RunPicture): number =>
  lateStretches(picture, 0).reduce((most, stretch) => Math.max(most, stretch.lateMs), 0);

/**
 * The busy share of each of `columns` equal columns spanning `[0, spanMs]`: what a strip
 * `columns` wide draws. One pass over the slices, however many there are.
 */
export function shareByColumn(
  slices: readonly BusySlice[],
  spanMs: number,
  columns: number,
): Float64Array {
  const shares = new Float64Array(columns);
  const columnMs = spanMs / columns;
  if (!(columnMs > 0)) return shares;
  for (const slice of slices) {
    const first = Math.max(0, Math.floor(slice.start / columnMs));
    const last = Math.min(columns - 1, Math.floor(slice.end / columnMs));
    for (let column = first; column <= last; column++) {
      const overlap =
        Math.min(slice.end, (column + 1) * columnMs) - Math.max(slice.start, column * columnMs);
      if (overlap > 0)
        shares[column] = (shares[column] as number) + (overlap * slice.busy) / columnMs;
    }
  }
  return shares;
}
