import { closeSync, openSync, readSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { clock } from './tasks.js';

/**
 * How busy a thread really was, measured rather than guessed. Linux keeps every thread's
 * CPU time, to the nanosecond, in `/proc/thread-self/schedstat`; two readings a moment
 * apart say how much of that moment the thread spent on a core. Elsewhere, the thread's
 * event-loop utilisation (`performance.eventLoopUtilization()`) stands in: its `active`
 * time grows while the thread runs code, and also while it waits for a core on a busy
 * machine, so it can say more than the CPU time would. (Node 20 has no
 * `process.threadCpuUsage`.)
 *
 * Every thread keeps its own record here, switched on only where someone collects it:
 * a pool's worker (see `poolTask`, which sends its readings back with each answer) and
 * the measuring process's main thread during a measured run.
 */

/** What the readings measure: the thread's CPU time, or its event loop's active time. */
export type BusyMeasure = 'cpu' | 'loop';

// This thread's schedstat, opened by this thread (the path names the thread that opens
// it), read in place at each reading. Opened once: a reading then costs a microsecond or two.
let schedstat: number | undefined | null;
const buffer = Buffer.alloc(64);

function openSchedstat(): number | null {
  try {
    const fd = openSync('/proc/thread-self/schedstat', 'r');
    // A worker thread's descriptor belongs to the process: close it when the thread ends.
    process.once('exit', () => closeSync(fd));
    return fd;
  } catch {
    return null;
  }
}

/** Which measure this thread's readings use. */
export function busyMeasure(): BusyMeasure {
  schedstat ??= openSchedstat();
  return schedstat === null ? 'loop' : 'cpu';
}

/** This thread's busy milliseconds so far, by `busyMeasure()`. */
export function busyMsSoFar(): number {
  schedstat ??= openSchedstat();
  if (schedstat === null) return performance.eventLoopUtilization().active;
  const length = readSync(schedstat, buffer, 0, buffer.length, 0);
  // The first field: nanoseconds on a core.
  let ns = 0;
  for (let i = 0; i < length; i++) {
    const digit = (buffer[i] as number) - 48;
    if (digit < 0 || digit > 9) break;
    ns = ns * 10 + digit;
  }
  return ns / 1e6;
}

/**
 * Readings of one thread, as flat pairs `[time, busy, time, busy, …]`: `time` in
 * milliseconds since the epoch (`clock`), `busy` its busy milliseconds so far
 * (`busyMsSoFar`). Flat numbers, so they cross threads and processes cheaply.
 */
export type BusyReadings = readonly number[];

/** Readings closer together than this are skipped: the record stays small however many tasks run. */
export const BUSY_SLICE_MS = 1;

let recording = false;
let readings: number[] = [];
let lastReading = Number.NEGATIVE_INFINITY;

/** Starts keeping this thread's readings, from one taken now. */
export function startBusyRecord(): void {
  recording = true;
  readBusyNow();
}

/** Stops keeping readings, and returns those not taken yet, one taken now last. */
export function stopBusyRecord(): number[] {
  readBusyNow();
  recording = false;
  return takeBusyReadings();
}

/** Takes a reading now, whenever the last was long ago enough, while recording. */
export function readBusy(): void {
  if (recording && clock() - lastReading >= BUSY_SLICE_MS) readBusyNow();
}

/** Takes a reading now, however recent the last, while recording. */
export function readBusyNow(): void {
  if (!recording) return;
  lastReading = clock();
  readings.push(lastReading, busyMsSoFar());
}

/** The readings kept since the last time they were taken. */
export function takeBusyReadings(): number[] {
  const taken = readings;
  readings = [];
  return taken;
}
