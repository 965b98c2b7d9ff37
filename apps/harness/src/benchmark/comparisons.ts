import { type Interval, logSample, ratioInterval, timeRatio, typicalTime } from './intervals.js';
import type { BenchRow } from './result.js';

/** What every row of a job is compared with. */
export interface Baseline {
  readonly reference: BenchRow | undefined;
  readonly cores: number;
  /** The parallel ceiling for all cores; undefined when it was not measured. */
  readonly ceiling: number | undefined;
  /** Its 95 % interval, when it has one. */
  readonly ceilingCi95?: Interval;
  /** The local server's latency, when it served the job. */
  readonly latencyMs: number | undefined;
  readonly items: number;
}

const scaled = ([low, high]: Interval, by: number): Interval => [low / by, high / by];

/**
 * What `workers` processes can give, read off the ceiling measured for all cores: 1 for
 * one worker, the ceiling for all of them, in a straight line between.
 */
export function ceilingFor(workers: number, cores: number, ceiling: number): number {
  const used = Math.min(workers, cores);
  return cores < 2 ? 1 : 1 + ((ceiling - 1) * (used - 1)) / (cores - 1);
}

/** The interval of a row's typical time, for figures derived from it alone. */
function timeInterval(times: readonly number[]): Interval | undefined {
  const sample = logSample(times);
  if (!sample) return undefined;
  return ratioInterval({
    estimate: sample.mean,
    standardError: Math.sqrt(sample.variance / sample.n),
    degreesOfFreedom: sample.n - 1,
  });
}

/**
 * What each item cost beyond the bound, in microseconds: (time − bound) ÷ items, for the
 * row's typical time and the ends of its interval. A bound known only to an interval
 * (the reference's time ÷ workers) widens it: each end takes the bound's opposite end,
 * so the interval is conservative.
 */
function overheadPerItem(
  measuredMs: number,
  time: Interval | undefined,
  boundMs: number,
  bound: Interval | undefined,
  items: number,
): { us: number; ci95: Interval | undefined } {
  const perItemUs = (ms: number, boundAt: number) => ((ms - boundAt) / items) * 1000;
  const [boundLow, boundHigh] = bound ?? [boundMs, boundMs];
  return {
    us: perItemUs(measuredMs, boundMs),
    ci95: time && [perItemUs(time[0], boundHigh), perItemUs(time[1], boundLow)],
  };
}

/**
 * Whether a CPU row's speed-up interval lies wholly above what the cores give as many
 * workers, the top of the ceiling's own interval included: a result that cannot be real.
 */
export function aboveCeiling(
  row: BenchRow,
  cores: number,
  ceiling: number,
  ceilingCi95: Interval | undefined,
): boolean {
  if (row.workload !== 'cpu' || !row.speedupCi95 || row.concurrency === undefined) return false;
  const highest = Math.max(ceiling, ceilingCi95?.[1] ?? ceiling);
  return row.speedupCi95[0] > ceilingFor(row.concurrency, cores, highest);
}

/**
 * A CPU row's speed-up as a share of what the machine's cores give as many workers. Its
 * interval takes in the ceiling's own: the speed-up's low end over the ceiling's high end,
 * its high end over the ceiling's low end. A ceiling measured as 1.55x (1.06–1.99) cannot
 * show a speed-up of 1.83x (1.63–2.04) to be "1.05–1.31 of what the machine can give".
 */
export function withCeiling(
  row: BenchRow,
  cores: number,
  ceiling: number | undefined,
  ceilingCi95?: Interval,
): BenchRow {
  if (row.workload !== 'cpu' || row.concurrency === undefined) return row;
  if (ceiling === undefined) return { ...row, ofCeiling: undefined, ofCeilingCi95: undefined };
  const { concurrency, speedup, speedupCi95 } = row;
  const possible = ceilingFor(concurrency, cores, ceiling);
  const [lowest, highest] = ceilingCi95 ?? [ceiling, ceiling];
  const least = ceilingFor(concurrency, cores, Math.min(lowest, ceiling));
  const most = ceilingFor(concurrency, cores, Math.max(highest, ceiling));
  return {
    ...row,
    ofCeiling: speedup === undefined ? undefined : speedup / possible,
    ofCeilingCi95: speedupCi95 && [speedupCi95[0] / most, speedupCi95[1] / least],
  };
}

/** Adds the figures that compare a row with its job's reference, the machine and the I/O bound. */
export function withComparisons(row: BenchRow, baseline: Baseline): BenchRow {
  const { reference, cores, ceiling, ceilingCi95, latencyMs, items } = baseline;
  if (!row.summary || row.concurrency === undefined) return row;
  // Every ratio is of typical times (geometric means), the centre of its interval, so the
  // figure printed always lies inside the interval printed beside it.
  const measured = typicalTime(row.timesMs) ?? row.summary.median;
  const referenceTime = reference && typicalTime(reference.timesMs);
  const speedup = referenceTime === undefined ? undefined : referenceTime / measured;
  const speedupCi95 =
    reference && reference !== row && !row.reference
      ? timeRatio(reference.timesMs, row.timesMs)?.ci95
      : undefined;
  if (row.workload === 'cpu') {
    const workers = Math.min(row.concurrency, cores);
    // The bound of a CPU row: the reference's typical time shared out evenly between the
    // workers that can compute at once, with nothing lost to handing tasks over; the
    // centre of the interval it is known to, as the row's own time is.
    const referenceInterval = reference && timeInterval(reference.timesMs);
    const overhead =
      referenceTime !== undefined && !row.reference && reference !== row
        ? overheadPerItem(
            measured,
            timeInterval(row.timesMs),
            referenceTime / workers,
            referenceInterval && scaled(referenceInterval, workers),
            items,
          )
        : undefined;
    return withCeiling(
      {
        ...row,
        overheadPerTaskUs: overhead?.us,
        overheadPerTaskCi95: overhead?.ci95,
        speedup,
        speedupCi95,
        efficiency: speedup === undefined ? undefined : speedup / workers,
        efficiencyCi95: speedupCi95 && scaled(speedupCi95, workers),
      },
      cores,
      ceiling,
      ceilingCi95,
    );
  }
  if (latencyMs === undefined) return { ...row, speedup, speedupCi95 };
  const inFlight = Math.min(row.concurrency, items);
  const boundMs = Math.ceil(items / inFlight) * latencyMs;
  const time = timeInterval(row.timesMs);
  const overhead = overheadPerItem(measured, time, boundMs, undefined, items);
  return {
    ...row,
    speedup,
    speedupCi95,
    boundMs,
    efficiency: boundMs / measured,
    efficiencyCi95: time && [boundMs / time[1], boundMs / time[0]],
    overheadPerPageUs: overhead.us,
    overheadPerPageCi95: overhead.ci95,
  };
}

/**
 * `--floor`: how many times what a page cost `row` is what it cost `floor`, from runs
 * taken in pairs (the floor's run i beside the strategy's run i, in one process): the
 * geometric mean of each pair's ratio of costs per page, and its interval, Student's t
 * on their logarithms (with fewer than two pairs, the ratio of the medians alone). A pair shares the machine's state of that moment, so
 * drift between pairs cancels and the interval is far narrower than one taken from the
 * two rows' intervals. Undefined when the runs do not pair up, or a run beat the bound.
 */
export function ratioToFloor(
  row: BenchRow,
  floor: BenchRow,
): { ratio: number; ci95: Interval | undefined } | undefined {
  const { boundMs } = row;
  if (
    boundMs === undefined ||
    row.overheadPerPageUs === undefined ||
    floor.overheadPerPageUs === undefined ||
    row.timesMs.length !== floor.timesMs.length
  ) {
    return undefined;
  }
  const ratio = row.overheadPerPageUs / floor.overheadPerPageUs;
  const logs = row.timesMs.map((time, i) =>
    Math.log((time - boundMs) / ((floor.timesMs[i] as number) - boundMs)),
  );
  if (logs.length < 2 || logs.some((value) => !Number.isFinite(value))) {
    return { ratio, ci95: undefined };
  }
  const mean = logs.reduce((sum, value) => sum + value, 0) / logs.length;
  const variance = logs.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (logs.length - 1);
  return {
    ratio: Math.exp(mean),
    ci95: ratioInterval({
      estimate: mean,
      standardError: Math.sqrt(variance / logs.length),
      degreesOfFreedom: logs.length - 1,
    }),
  };
}
