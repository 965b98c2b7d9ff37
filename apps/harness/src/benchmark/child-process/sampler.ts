import {
  busyMeasure,
  clock,
  readBusy,
  startBusyRecord,
  stopBusyRecord,
  type TaskEvent,
  workerLabel,
} from '@speedup/shared-core';
import type { BusyTrace, RunPicture } from './messages.js';

/**
 * What the timelines draw beyond the tasks, read during a measured run: how busy every
 * thread that ran tasks was, and how late the main thread's event loop answered.
 *
 * One timer on the main thread fires every `SAMPLE_MS`. Each time it takes a busy reading
 * (shared-core's busy.ts: the thread's CPU time so far) and notes how late it fired: a loop that is free fires it on
 * time, a loop that computes fires it only when the computing stops, all at once. Worker
 * threads and processes take their own busy readings around their tasks and send them
 * back with their answers, so the pools' figures cost no timer there. The timer also
 * reads the whole process's CPU time: what it used beyond the threads measured one by one
 * went to V8's and libuv's helper threads (garbage collection, compiling), which work for
 * every JavaScript thread of the process at once.
 */

export const SAMPLE_MS = 1;

/** Started right before the run; `stop` right after it, with the run's task events. */
export function startSampling(): { stop(events: TaskEvent[]): RunPicture } {
  const startedAt = clock();
  startBusyRecord();
  const lateness: number[] = [];
  const processCpu: number[] = [];
  const readProcess = () => {
    const { user, system } = process.cpuUsage();
    processCpu.push(round(clock()), round((user + system) / 1000));
  };
  readProcess();
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    lateness.push(round(clock()), round(Math.max(0, now - last - SAMPLE_MS)));
    last = now;
    readBusy();
    readProcess();
  }, SAMPLE_MS);
  return {
    stop(events) {
      clearInterval(timer);
      const endedAt = clock();
      // The stretch since the last tick counts too: a run that blocked the loop to its
      // very end has its only late tick here.
      lateness.push(round(endedAt), round(Math.max(0, performance.now() - last - SAMPLE_MS)));
      readProcess();
      const mainThread = workerLabel();
      const busy: BusyTrace[] = [
        { worker: mainThread, readings: stopBusyRecord().map(round) },
        ...workersBusy(events),
      ];
      return {
        startedAt,
        endedAt,
        mainThread,
        measure: busyMeasure(),
        busy,
        processCpu,
        loopLateness: lateness,
      };
    },
  };
}

/** To a hundredth of a millisecond: finer than anything drawn, and half the bytes. */
const round = (value: number) => Math.round(value * 100) / 100;

/** The readings the workers sent with their tasks, joined per worker, in time order. */
function workersBusy(events: TaskEvent[]): BusyTrace[] {
  const byWorker = new Map<string, [number, number][]>();
  for (const event of events) {
    if (!event.busy) continue;
    const pairs = byWorker.get(event.worker) ?? [];
    byWorker.set(event.worker, pairs);
    for (let i = 0; i + 1 < event.busy.length; i += 2) {
      pairs.push([event.busy[i] as number, event.busy[i + 1] as number]);
    }
  }
  return [...byWorker].map(([worker, pairs]) => ({
    worker,
    readings: pairs
      .sort((a, b) => a[0] - b[0])
      .flat()
      .map(round),
  }));
}

/**
 * The events without their busy readings, once those are gathered per worker. Only the
 * events that carry readings (the last of each batch) are copied: a run of 20,000 tasks
 * would otherwise leave 20,000 copies for the collector during the next run.
 */
export function withoutBusy(events: TaskEvent[]): TaskEvent[] {
  for (const [index, event] of events.entries()) {
    if (!event.busy) continue;
    const { busy: _, ...rest } = event;
    events[index] = rest;
  }
  return events;
}
