import { describeDifference } from '@speedup/shared-core';
import { redactUrl } from '@speedup/shared-core/harness';
import { ratioToFloor } from '../benchmark/comparisons.js';
import { type GroupVerdict, judge } from '../benchmark/judge.js';
import { FLOOR_BESIDE } from '../benchmark/plan.js';
import type { BenchResult, BenchRow } from '../benchmark/result.js';
import { crossovers } from '../benchmark/sweep.js';
import { savedResult } from './saved-result.js';
import { writeExport } from './write-file.js';

/**
 * `--export-json`: one record per strategy and job. The first fields are hyperfine's
 * own (times in seconds), so hyperfine's plotting scripts read the file as it is; the
 * rest are ours.
 */
export interface JsonRecord {
  readonly command: string;
  readonly mean: number | null;
  readonly stddev: number | null;
  readonly median: number | null;
  readonly user: number | null;
  readonly system: number | null;
  readonly min: number | null;
  readonly max: number | null;
  readonly times: number[];
  /** 0 for a run whose results equal the reference's, 1 for one that differs. */
  readonly exit_codes: number[];
  readonly parameters: Readonly<Record<string, string>>;

  readonly strategy: string;
  /** Whether this row is the job's reference, whose results the others must match. */
  readonly reference: boolean;
  /** The job's input in words; `--compare` checks two runs agree on it. */
  readonly input: string | null;
  /** The variant that ran, or null for the plain strategy. */
  readonly variant: string | null;
  readonly job: string;
  readonly workload: string;
  readonly model: string;
  /** What the strategy is written in: `node`, `python`. */
  readonly language: string;
  readonly concurrency: number | null;
  /** Seconds to set the strategy up, apart from the work. */
  readonly setup: number | null;
  /** Seconds of the first run after set-up. */
  readonly cold: number | null;
  readonly speedup: number | null;
  /** 95 % interval of the speed-up; null for the reference, or below two runs. */
  readonly speedup_ci95: [number, number] | null;
  readonly efficiency: number | null;
  readonly efficiency_ci95: [number, number] | null;
  /** CPU: speed-up ÷ the parallel ceiling for as many workers. */
  readonly of_ceiling: number | null;
  readonly of_ceiling_ci95: [number, number] | null;
  /** I/O: best possible seconds for this concurrency and latency. */
  readonly bound: number | null;
  readonly overhead_per_page: number | null;
  readonly overhead_per_page_ci95: [number, number] | null;
  /** CPU: seconds per task beyond the reference's time ÷ workers: what handing a task over costs. */
  readonly overhead_per_task: number | null;
  readonly overhead_per_task_ci95: [number, number] | null;
  /** Seconds, worst p99 of the measuring thread's event-loop delay. */
  readonly loop_delay_p99: number | null;
  readonly peak_memory: number | null;
  /** I/O on the local server: connections it accepted from this strategy, and the most open at once. */
  readonly connections: number | null;
  readonly peak_sockets: number | null;
  readonly ok: boolean;
  readonly error: string | null;
  /** The first differing items, described. */
  readonly differences: string[];
  /** Ctrl-C stopped this row before its plan was done: its figures come from the runs it finished. */
  readonly interrupted: boolean;
  /**
   * What became of the items in the run the timelines draw: how many were ok, how many
   * failed, and the failed ones by kind (`timeout (page)`, `http_status (500)`; see
   * `outcomeKind`). Null when nothing ran.
   */
  readonly outcomes: {
    readonly ok: number;
    readonly failed: number;
    readonly by_kind: Readonly<Record<string, number>>;
  } | null;
}

/** What the reference made of one URL's pages: which sites failed, and how. */
export interface JsonUrlOutcome {
  readonly job: string;
  /** With a sweep, the value of the swept setting. */
  readonly swept_value?: string;
  /** Its password, if it had one, replaced by `***`. */
  readonly url: string;
  /** Pages of the input with this URL that ended this way. */
  readonly pages: number;
  readonly status: number;
  readonly bytes: number;
  /** `ok`, or how it failed. */
  readonly kind: string;
}

const seconds = (ms: number | undefined) => (ms === undefined ? null : ms / 1000);
const orNull = <T>(value: T | undefined) => (value === undefined ? null : value);
const interval = (bounds: readonly [number, number] | undefined): [number, number] | null =>
  bounds ? [bounds[0], bounds[1]] : null;

const microsecondsAsSeconds = (us: number | undefined) => (us === undefined ? null : us / 1e6);
const microsecondIntervalAsSeconds = (
  bounds: readonly [number, number] | undefined,
): [number, number] | null => (bounds ? [bounds[0] / 1e6, bounds[1] / 1e6] : null);

export function toJsonRecord(row: BenchRow): JsonRecord {
  return {
    command: `${row.strategy} ${row.job}`,
    mean: seconds(row.summary?.mean),
    stddev: seconds(row.summary?.stddev),
    median: seconds(row.summary?.median),
    user: seconds(row.userMs),
    system: seconds(row.systemMs),
    min: seconds(row.summary?.min),
    max: seconds(row.summary?.max),
    times: row.timesMs.map((ms) => ms / 1000),
    exit_codes: row.runsOk.map((ok) => (ok ? 0 : 1)),
    parameters: row.parameters,
    strategy: row.strategy,
    reference: row.reference === true,
    input: orNull(row.input),
    variant: orNull(row.variant),
    job: row.job,
    workload: row.workload,
    model: row.model,
    language: row.language ?? 'node',
    concurrency: orNull(row.concurrency),
    setup: seconds(row.setupMs),
    cold: seconds(row.coldMs),
    speedup: orNull(row.speedup),
    speedup_ci95: interval(row.speedupCi95),
    efficiency: orNull(row.efficiency),
    efficiency_ci95: interval(row.efficiencyCi95),
    of_ceiling: orNull(row.ofCeiling),
    of_ceiling_ci95: interval(row.ofCeilingCi95),
    bound: seconds(row.boundMs),
    overhead_per_page: microsecondsAsSeconds(row.overheadPerPageUs),
    overhead_per_page_ci95: microsecondIntervalAsSeconds(row.overheadPerPageCi95),
    overhead_per_task: microsecondsAsSeconds(row.overheadPerTaskUs),
    overhead_per_task_ci95: microsecondIntervalAsSeconds(row.overheadPerTaskCi95),
    loop_delay_p99: seconds(row.loopDelayP99Ms),
    peak_memory: orNull(row.peakMemoryBytes),
    connections: orNull(row.connections),
    peak_sockets: orNull(row.peakSockets),
    ok: row.ok,
    error: orNull(row.error),
    differences: row.differences.slice(0, 20).map(describeDifference),
    interrupted: row.interrupted === true,
    outcomes: row.outcomes
      ? { ok: row.outcomes.ok, failed: row.outcomes.failed, by_kind: { ...row.outcomes.byKind } }
      : null,
  };
}

/** The reference's outcome for every URL of every I/O job. */
export function referenceOutcomes(result: BenchResult): JsonUrlOutcome[] {
  return result.rows.flatMap((row) => {
    if (!row.reference || !row.urlOutcomes) return [];
    const swept = result.sweep ? row.parameters[result.sweep.parameter] : undefined;
    return row.urlOutcomes.map(({ url, pages, status, bytes, kind }) => ({
      job: row.job,
      ...(swept === undefined ? {} : { swept_value: swept }),
      url: redactUrl(url),
      pages,
      status,
      bytes,
      kind,
    }));
  });
}

/** One job's verdict: who is tied for fastest, who is no different from the reference, and every pair. */
export interface JsonVerdict {
  readonly job: string;
  /** Strategies of each language are judged against their own sync (`node`, `python`). */
  readonly language: string;
  /** With a sweep, the value of the swept setting this verdict is for. */
  readonly swept_value?: string;
  readonly fastest: string[];
  /** Strategies nothing beat that the runs cannot place against the fastest: neither tied nor slower. */
  readonly undecided: string[];
  /** Strategies that do not differ from the reference and are shown alike (`≈`). */
  readonly same_as_reference: string[];
  /**
   * Strategies tied with the reference only because the runs cannot tell them alike or
   * apart ("too few runs to tell" in the verdict): never in `same_as_reference`; in
   * `fastest` too when the reference is among the fastest (nothing beat them).
   */
  readonly undecided_vs_reference: string[];
  readonly comparisons: {
    readonly a: string;
    readonly b: string;
    /** How many times faster a is than b (b's median ÷ a's). */
    readonly ratio: number;
    readonly ci95: [number, number];
    /** How a did against b: faster, slower, or the same within the tie margin. */
    readonly judgement: 'faster' | 'slower' | 'same';
  }[];
}

export function toJsonVerdict(verdict: GroupVerdict): JsonVerdict {
  return {
    job: verdict.job,
    language: verdict.language,
    ...(verdict.sweptValue === undefined ? {} : { swept_value: verdict.sweptValue }),
    fastest: verdict.fastest.map((row) => row.strategy),
    undecided: verdict.undecided.map((row) => row.strategy),
    same_as_reference: verdict.sameAsReference.map((row) => row.strategy),
    undecided_vs_reference: verdict.undecidedVsReference.map((row) => row.strategy),
    comparisons: verdict.comparisons.map(({ a, b, ratio, ci95, judgement }) => ({
      a: a.strategy,
      b: b.strategy,
      ratio,
      ci95: [ci95[0], ci95[1]],
      judgement,
    })),
  };
}

export async function exportJson(result: BenchResult, file: string): Promise<void> {
  const document = {
    results: result.rows.map(toJsonRecord),
    /** Ctrl-C stopped the run: rows may be missing, and those marked interrupted are partial. */
    interrupted: result.interrupted === true,
    reference_outcomes: referenceOutcomes(result),
    // `--floor`: the bare client's rows, apart, so that nothing reading `results` takes
    // them for strategies.
    floors: (result.floors ?? []).map((floor) => {
      const beside = result.rows.find(
        (row) => row.job === floor.job && row.strategy === FLOOR_BESIDE,
      );
      const paired = beside && ratioToFloor(beside, floor);
      return {
        ...toJsonRecord(floor),
        /** The strategy measured beside it, in the same process, run for run. */
        beside: FLOOR_BESIDE,
        /** Its cost per page ÷ the floor's, and the 95 % interval of the paired runs. */
        beside_ratio: orNull(paired?.ratio),
        beside_ratio_ci95: interval(paired?.ci95),
      };
    }),
    verdicts: judge(result).map(toJsonVerdict),
    machine: {
      cores: result.cores,
      parallel_ceiling: orNull(result.parallelCeiling),
      parallel_ceiling_ci95: interval(result.parallelCeilingCi95),
    },
    sweep: orNull(result.sweep),
    crossovers: crossovers(result),
    environment: {
      node: process.version,
      python: result.python
        ? { version: result.python.version, interpreter: result.python.interpreter }
        : null,
      platform: `${process.platform} ${process.arch}`,
      cores: result.cores,
      runs: result.options.runs,
      warmup: result.options.warmup,
      precision: result.options.precision,
      time_budget: result.options.budgetMs / 1000,
      tie_margin: result.options.tieMargin,
      interleave: result.options.interleave,
      seed: result.options.seed,
      latency_ms: orNull(result.latencyMs),
      jitter_ms: result.latencyMs === undefined ? null : result.options.jitter,
      size: result.options.size,
    },
    /** The run as the harness holds it (see saved-result.ts): what redraws its tables later. */
    bench_result: savedResult(result),
  };
  await writeExport(file, `${JSON.stringify(document, null, 2)}\n`);
}
