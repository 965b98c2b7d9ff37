/**
 * The measurement process: the harness forks this file once per strategy and job,
 * sends one `MeasureRequest`, and gets back one `MeasureReport`. Timing happens here,
 * next to the strategy, so nothing of the harness runs during a measured run.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type CpuInput,
  childPeakMemory,
  childTimes,
  childTimesBetween,
  type IoInput,
  loadStrategy,
  type Result,
  type Runner,
  readStrategyPackage,
  type TaskEvent,
} from '@speedup/shared-core';
import {
  type HarnessMessage,
  type MeasureReport,
  type MeasureRequest,
  type RunnerMessage,
  type RunRecord,
  STOPPED,
} from './protocol.js';

const LOOP_RESOLUTION_MS = 2;
/** A ceiling for `--min-time` on very fast work, as hyperfine has. */
const MAX_RUNS = 1000;
const PROGRESS_EVERY_MS = 200;
const NS_PER_MS = 1e6;

/** The histogram records whole timer intervals; how late the loop was is the part beyond the resolution. */
const lateness = (intervalNs: number) => Math.max(0, intervalNs / NS_PER_MS - LOOP_RESOLUTION_MS);

/** Aborted when the harness asks this process to stop (Ctrl-C in `pnpm bench`). */
const stopped = new AbortController();

const send = (message: RunnerMessage) =>
  new Promise<void>((resolve) => {
    process.send?.(message, undefined, undefined, () => resolve());
  });

async function measureRun(
  runner: Runner<IoInput | CpuInput, Result>,
  input: IoInput | CpuInput,
  run: number,
  warmup: boolean,
): Promise<RunRecord> {
  const events: TaskEvent[] = [];
  const total = input.items.length;
  let lastProgress = performance.now();
  const onTask = (event: TaskEvent) => {
    events.push(event);
    const now = performance.now();
    if (now - lastProgress >= PROGRESS_EVERY_MS) {
      lastProgress = now;
      process.send?.({
        type: 'progress',
        run,
        warmup,
        done: events.length,
        total,
      } satisfies RunnerMessage);
    }
  };

  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  loop.enable();
  // The histogram's timer counts from its first tick: let it tick before the run starts.
  await sleep(LOOP_RESOLUTION_MS * 2);
  const childrenBefore = childTimes();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const results = await runner.run(input, { onTask, signal: stopped.signal });
  const workMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  // A run that blocked the loop is only recorded once the loop's timer gets to fire.
  await sleep(LOOP_RESOLUTION_MS * 2);
  loop.disable();
  const children = childTimesBetween(childrenBefore, childTimes());
  process.send?.({ type: 'progress', run, warmup, done: total, total } satisfies RunnerMessage);

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
    events,
  };
}

function needsMoreRuns(request: MeasureRequest, done: number, measuredMs: number): boolean {
  return done < request.runs || measuredMs < request.minTimeMs;
}

async function measure(request: MeasureRequest): Promise<MeasureReport> {
  const pkg = readStrategyPackage(request.strategyDir);
  if (!pkg) throw new Error(`${request.strategyDir} is not a strategy package`);
  const strategy = await loadStrategy(pkg);

  const setupStarted = performance.now();
  const runner = (await strategy.setup(request.setup)) as Runner<IoInput | CpuInput, Result>;
  const setupMs = performance.now() - setupStarted;

  const runs: RunRecord[] = [];
  let peakMemoryBytes = 0;
  let closeMs = 0;
  try {
    for (let run = 0; run < request.warmup; run++) {
      runs.push(await measureRun(runner, request.input, run, true));
    }
    let measuredMs = 0;
    for (let run = 0; run < MAX_RUNS && needsMoreRuns(request, run, measuredMs); run++) {
      const record = await measureRun(runner, request.input, request.warmup + run, false);
      runs.push(record);
      measuredMs += record.workMs;
    }
    peakMemoryBytes = childPeakMemory();
  } finally {
    const closeStarted = performance.now();
    await runner.close();
    closeMs = performance.now() - closeStarted;
  }
  peakMemoryBytes += process.resourceUsage().maxRSS * 1024;
  return { setupMs, closeMs, concurrency: runner.concurrency, runs, peakMemoryBytes };
}

process.on('message', async (message: HarnessMessage) => {
  if (message.type === 'stop') {
    stopped.abort(new Error(STOPPED));
    return;
  }
  try {
    await send({ type: 'report', report: await measure(message.request) });
  } catch (error) {
    await send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
  process.disconnect();
});
