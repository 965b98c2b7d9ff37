import { fileURLToPath } from 'node:url';
import {
  type CpuInput,
  DEFAULT_LATENCY_MS,
  downloadInput,
  type IoInput,
  type SetupOptions,
  sumOfSquaresInput,
} from '@speedup/shared-core';
import { type SiteServer, startSiteServer } from '@speedup/site-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The built one: it forks the built child.js beside it.
import { MeasuringProcess } from '../dist/benchmark/child-process/parent.js';
import type { RunPicture, RunRecord } from '../src/benchmark/child-process/messages.js';
import { type BusyLane, busyLanes, HELPERS, longestLateMs } from '../src/timeline/busy.js';

/**
 * The timelines' measured lanes, from real runs in a measuring process: busy time read
 * from each thread's event loop, and the main thread's loop delay. The assertions compare
 * measurements of one run with each other, never with a fixed time.
 */

const strategyDir = (name: string) =>
  fileURLToPath(new URL(`../../../packages/${name}/`, import.meta.url));

/** Set up, a warm-up run, then `runs` measured runs, and finish. */
async function measuredRuns(
  strategy: string,
  input: IoInput | CpuInput,
  setup: SetupOptions = {},
  runs = 3,
  pictures = true,
): Promise<RunRecord[]> {
  const measuring = await MeasuringProcess.start({
    strategyDir: strategyDir(strategy),
    input,
    setup,
    ...(pictures && { pictures }),
  });
  try {
    await measuring.run(0, true);
    const records: RunRecord[] = [];
    for (let run = 1; run <= runs; run++) records.push(await measuring.run(run, false));
    await measuring.finish();
    return records;
  } catch (error) {
    measuring.kill();
    throw error;
  }
}

const cpuMsOf = (record: RunRecord) => record.userMs + record.systemMs;

function pictureOf(record: RunRecord | undefined): RunPicture {
  if (!record?.picture) throw new Error('the run has no picture');
  return record.picture;
}

function laneOf(lanes: readonly BusyLane[], worker: string): BusyLane {
  const lane = lanes.find((each) => each.worker === worker);
  if (!lane) throw new Error(`no busy lane for ${worker}`);
  return lane;
}
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

describe('busy lanes and loop delay, measured', () => {
  let server: SiteServer;
  beforeAll(async () => {
    server = await startSiteServer({ latency: DEFAULT_LATENCY_MS });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("io-asyncio: its one thread and the helper threads working for it are the process's CPU time, within 20 %", async () => {
    const records = await measuredRuns('io-asyncio', downloadInput(server.sites), {}, 5);
    // Each run's busy lane against that same run's CPU time; the median run of the ratios.
    // Each run's busy lanes against that same run's CPU time. Its one thread runs every
    // task; V8's helper threads collect its garbage and compile its code: together they
    // are the process.
    const ratios = records.map((record) => {
      const picture = pictureOf(record);
      const lanes = busyLanes(picture);
      expect(lanes.map((lane) => lane.worker)).toEqual([picture.mainThread, HELPERS]);
      const thread = laneOf(lanes, picture.mainThread);
      const helpers = laneOf(lanes, HELPERS);
      expect(thread.busyMs).toBeGreaterThan(0);
      expect(thread.busyMs).toBeLessThanOrEqual(cpuMsOf(record) * 1.2);
      return (thread.busyMs + helpers.busyMs) / cpuMsOf(record);
    });
    expect(median(ratios)).toBeGreaterThan(0.8);
    expect(median(ratios)).toBeLessThan(1.2);
    // Its tasks mostly waited: from each download's start to its first byte is most of it.
    const events = records[0]?.events ?? [];
    expect(events.every((event) => event.firstByte !== undefined)).toBe(true);
    const waited = events.reduce(
      (sum, event) => sum + ((event.firstByte as number) - event.start),
      0,
    );
    const lasted = events.reduce((sum, event) => sum + (event.end - event.start), 0);
    expect(waited / lasted).toBeGreaterThan(0.5);
  }, 60_000);

  it('cpu-asyncio: the loop is blocked for the run', async () => {
    const [record] = await measuredRuns('cpu-asyncio', sumOfSquaresInput(0.2), {}, 1);
    const picture = pictureOf(record);
    const workMs = record?.workMs ?? 0;
    expect(longestLateMs(picture)).toBeGreaterThan(workMs * 0.8);
    // Its CPU time, on a machine others share: well over half the run.
    expect(laneOf(busyLanes(picture), picture.mainThread).busyMs).toBeGreaterThan(workMs * 0.5);
  }, 60_000);

  it('cpu-threading: two busy worker lanes, and the main thread free', async () => {
    const [record] = await measuredRuns('cpu-threading', sumOfSquaresInput(1), { workers: 2 }, 1);
    const picture = pictureOf(record);
    const workMs = record?.workMs ?? 0;
    const lanes = busyLanes(picture);
    const workers = lanes.filter((lane) => lane.worker.startsWith('thread '));
    expect(workers).toHaveLength(2);
    for (const lane of workers) expect(lane.busyMs).toBeGreaterThan(workMs * 0.3);
    expect(laneOf(lanes, picture.mainThread).busyMs).toBeLessThan(workMs * 0.3);
    expect(longestLateMs(picture)).toBeLessThan(workMs * 0.3);
  }, 60_000);

  it('samples nothing unless pictures are asked for: the runs that time a strategy carry no timer', async () => {
    const records = await measuredRuns('cpu-sync', sumOfSquaresInput(0.05), {}, 2, false);
    expect(records).toHaveLength(2);
    for (const record of records) expect(record.picture).toBeUndefined();
  }, 60_000);
});
