/**
 * The measuring process, and so it runs in the fork, never in the harness: parent.ts
 * forks this file once per strategy and job and drives it one step at a time (set up,
 * run, …, finish). Timing happens here, next to the strategy, so nothing of the harness
 * runs during a measured run.
 */

import { setMaxListeners } from 'node:events';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CpuInput, IoInput, Result, Runner, TaskEvent } from '@speedup/shared-core';
import {
  childPeakMemory,
  childTimes,
  childTimesBetween,
  loadStrategy,
  readStrategyPackage,
  setupFloor,
} from '@speedup/shared-core/harness';
import {
  type ChildMessage,
  type HarnessMessage,
  type RunRecord,
  type SetupRequest,
  STOPPED,
} from './messages.js';
import { startSampling, withoutBusy } from './sampler.js';

const LOOP_RESOLUTION_MS = 2;
const PROGRESS_EVERY_MS = 200;
const NS_PER_MS = 1e6;

/** The histogram records whole timer intervals; how late the loop was is the part beyond the resolution. */
const lateness = (intervalNs: number) => Math.max(0, intervalNs / NS_PER_MS - LOOP_RESOLUTION_MS);

/** Aborted when the harness asks this process to stop (Ctrl-C in `pnpm bench`). */
const stopped = new AbortController();
// A Ctrl-C in the terminal reaches this process too, with the harness. The harness then
// asks it to stop, and it closes the strategy in order: a queue in someone's Redis is
// removed, not left behind. Ended by the signal itself, it could do none of that.
process.on('SIGINT', () => {});
// Every run gets this one signal; the contract lets a strategy add a listener per task.
setMaxListeners(0, stopped.signal);

const send = (message: ChildMessage) =>
  new Promise<void>((resolve) => {
    process.send?.(message, undefined, undefined, () => resolve());
  });

/** How many unfinished items a progress message names. */
const UNFINISHED_SHOWN = 5;

type AnyRunner = Runner<IoInput | CpuInput, Result>;

/**
 * Tells the harness how a run is going, at most every `PROGRESS_EVERY_MS`, and once more
 * at the end of a quiet spell, so the last word the harness has is always up to date: when
 * a run stops making progress, that is what it reports as the tasks the run waits on.
 */
function progressReporter(run: number, warmup: boolean, total: number, reports = true) {
  const finished = new Uint8Array(total);
  let done = 0;
  // Every item below this one has finished.
  let lowest = 0;
  // The first word comes after one interval: a short run sends nothing while it works.
  let lastSent = performance.now();
  let trailing: NodeJS.Timeout | undefined;
  const unfinished = () => {
    while (lowest < total && finished[lowest]) lowest++;
    const first: number[] = [];
    for (let index = lowest; index < total && first.length < UNFINISHED_SHOWN; index++) {
      if (!finished[index]) first.push(index);
    }
    return first;
  };
  const sendNow = () => {
    trailing = undefined;
    if (!reports) return;
    lastSent = performance.now();
    process.send?.({
      type: 'progress',
      run,
      warmup,
      done,
      total,
      unfinished: unfinished(),
    } satisfies ChildMessage);
  };
  return {
    finish(index: number) {
      if (finished[index]) return;
      finished[index] = 1;
      done++;
      const wait = lastSent + PROGRESS_EVERY_MS - performance.now();
      if (wait <= 0) sendNow();
      else trailing ??= setTimeout(sendNow, wait);
    },
    stop() {
      clearTimeout(trailing);
      trailing = undefined;
    },
  };
}

/** A run of `runner`, ready to be taken: timed, with its CPU time, loop delay and task events. */
const measureRun =
  (
    runner: AnyRunner,
    input: IoInput | CpuInput,
    run: number,
    warmup: boolean,
    reportsProgress = true,
    picturing = false,
  ) =>
  async (): Promise<RunRecord> => {
    const events: TaskEvent[] = [];
    const total = input.items.length;
    const progress = progressReporter(run, warmup, total, reportsProgress);
    const onTask = (event: TaskEvent) => {
      events.push(event);
      progress.finish(event.index);
    };

    // Read before the loop monitor starts: reading /proc blocks this thread, and the
    // monitor would count that as the strategy's.
    const childrenBefore = childTimes();
    const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
    loop.enable();
    // The histogram's timer counts from its first tick: let it tick before the run starts.
    await sleep(LOOP_RESOLUTION_MS * 2);
    const sampling = picturing ? startSampling() : undefined;
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const results = await runner
      .run(input, { onTask, signal: stopped.signal })
      .finally(() => progress.stop());
    const workMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const picture = sampling?.stop(events);
    // A run that blocked the loop is only recorded once the loop's timer gets to fire.
    await sleep(LOOP_RESOLUTION_MS * 2);
    loop.disable();
    const children = childTimesBetween(childrenBefore, childTimes());
    if (reportsProgress) {
      process.send?.({
        type: 'progress',
        run,
        warmup,
        done: total,
        total,
        unfinished: [],
      } satisfies ChildMessage);
    }

    return {
      warmup,
      workMs,
      userMs: cpu.user / 1000 + children.userMs,
      systemMs: cpu.system / 1000 + children.systemMs,
      loopDelay: {
        p50: lateness(loop.percentile(50)),
        p99: lateness(loop.percentile(99)),
        max: lateness(loop.max),
      },
      results,
      events: withoutBusy(events),
      ...(picture ? { picture } : {}),
    };
  };

let strategyRunner: AnyRunner | undefined;
/** `--floor`: the bare client, run beside the strategy in this same process. */
let floorRunner: AnyRunner | undefined;
let input: IoInput | CpuInput | undefined;
/**
 * Whether the strategy's runs are sampled for the timelines: a Node module's are, when
 * the harness asks for pictures. A program in another language runs its tasks in its own
 * process, out of reach.
 */
let picturing = false;
let closing: Promise<void> | undefined;

async function setUp(request: SetupRequest): Promise<ChildMessage> {
  const pkg = readStrategyPackage(request.strategyDir);
  if (!pkg) throw new Error(`${request.strategyDir} is not a strategy package`);
  const strategy = await loadStrategy(pkg);
  const started = performance.now();
  strategyRunner = (await strategy.setup(request.setup)) as AnyRunner;
  const setupMs = performance.now() - started;
  input = request.input;
  picturing = !pkg.command && request.pictures === true;
  if (!request.withFloor)
    return { type: 'ready', setupMs, concurrency: strategyRunner.concurrency };
  const floorStarted = performance.now();
  floorRunner = (await setupFloor(request.setup)) as AnyRunner;
  const floorSetupMs = performance.now() - floorStarted;
  return { type: 'ready', setupMs, concurrency: strategyRunner.concurrency, floorSetupMs };
}

/**
 * One run of the strategy or, with `floor`, of the floor. The harness asks for the two
 * one right after the other, in this same process, against the same server (whatever
 * slows this process down for a moment slows both), and reads between them what the
 * server saw of each.
 */
async function runOnce(run: number, warmup: boolean, floor = false): Promise<RunRecord> {
  const runner = floor ? floorRunner : strategyRunner;
  if (!runner || !input) throw new Error(floor ? 'floor run without --floor' : 'run before set-up');
  return measureRun(runner, input, run, warmup, !floor, !floor && picturing)();
}

/** Closes the strategy (and the floor) once, however many times it is asked. */
function closeStrategy(): Promise<void> {
  closing ??= (async () => {
    await Promise.all([strategyRunner?.close(), floorRunner?.close()]);
  })();
  return closing;
}

async function finish(): Promise<ChildMessage> {
  // Children's peak memory must be read while they still run.
  const childrenPeak = childPeakMemory();
  const started = performance.now();
  await closeStrategy();
  const closeMs = performance.now() - started;
  const peakMemoryBytes = childrenPeak + process.resourceUsage().maxRSS * 1024;
  return { type: 'finished', closeMs, peakMemoryBytes };
}

async function answer(message: HarnessMessage): Promise<ChildMessage> {
  switch (message.type) {
    case 'setup':
      return setUp(message.request);
    case 'run':
      return { type: 'ran', record: await runOnce(message.run, message.warmup, message.floor) };
    default:
      return finish();
  }
}

const disconnect = () => {
  if (process.connected) process.disconnect();
};

// One message at a time, in order; a stop cuts in at once.
let queue = Promise.resolve();
process.on('message', (message: HarnessMessage) => {
  if (message.type === 'stop') {
    stopped.abort(new Error(STOPPED));
    void queue.then(closeStrategy).finally(disconnect);
    return;
  }
  queue = queue.then(async () => {
    if (stopped.signal.aborted) return;
    try {
      await send(await answer(message));
      if (message.type === 'finish') disconnect();
    } catch (error) {
      // Stopped, the harness ends this process as soon as it hears of the failure: close
      // the strategy first, so that nothing it started (a queue in someone's Redis) stays.
      if (stopped.signal.aborted) await closeStrategy().catch(() => {});
      await send({
        type: 'failed',
        message: error instanceof Error ? error.message : String(error),
      });
      await closeStrategy().catch(() => {});
      disconnect();
    }
  });
});
