import { diffResults } from '@speedup/shared-core';
import type { ParallelCeiling } from './ceiling.js';
import {
  type ChildMessage,
  type FloorRun,
  MeasureError,
  type MeasureReport,
  type RunRecord,
  type SetupRequest,
  STOPPED,
} from './child-process/messages.js';
import { relativePrecision } from './intervals.js';
import { judgeChanges, unsettledPairs } from './pairs.js';
import { median } from './stats.js';

/**
 * How a strategy's runs are taken: set up, warm-up runs, measured runs until the plan is
 * met, finish. Either one strategy after another, or several taking turns a run each.
 * Where a strategy runs is the `Measurer`'s business: `inChildProcess` forks a fresh
 * process per strategy; a test can pass one that starts nothing.
 */

/** A ceiling for `--min-time` on very fast work, as hyperfine has. */
export const MAX_RUNS = 1000;

export type Progress = Omit<Extract<ChildMessage, { type: 'progress' }>, 'type'>;

/** Which run is starting: the first warm-up run is the cold one; measured runs count from 1 apart. */
export interface RunLabel {
  readonly warmup: boolean;
  /** 1 for the first run of its kind. */
  readonly ordinal: number;
}

export interface MeasureOptions {
  readonly signal?: AbortSignal;
  /** Called as each run starts. */
  readonly onRun?: (label: RunLabel) => void;
  /**
   * Called before and after each run, to read what the local server saw of that run alone;
   * with `--floor`, around the strategy's run and around the floor's, each apart.
   */
  readonly beforeRun?: () => Promise<void>;
  readonly afterRun?: (part: RunPart) => Promise<void>;
  readonly onProgress?: (progress: Progress) => void;
  /** Environment variables for the measuring process and every worker it starts. */
  readonly env?: Record<string, string>;
}

/** Whose run it was: the strategy's, or (`--floor`) the floor's beside it. */
export type RunPart = 'strategy' | 'floor';

/** One strategy, set up where it is measured, waiting to be told to run. */
export interface MeasuringSession {
  /** Time the strategy's `setup()` took, in milliseconds. */
  readonly setupMs: number;
  /** `--floor`: time the floor's set-up took, beside the strategy. */
  readonly floorSetupMs?: number;
  /** Tasks the strategy runs at once, as it declares. */
  readonly concurrency: number;
  /** One run of the whole input. Rejects with a `MeasureError` when the strategy fails. */
  run(run: number, warmup: boolean): Promise<RunRecord>;
  /** `--floor`: one run of the floor, set up beside the strategy (`floorSetupMs` is then set). */
  runFloor?(run: number, warmup: boolean): Promise<FloorRun>;
  /** Closes the strategy; rejects with a `MeasureError` if it left something running. */
  finish(): Promise<{ closeMs: number; peakMemoryBytes: number }>;
  /** Ends it at once, whatever it is doing. */
  kill(): void;
}

/** Sets strategies up for measuring: the seam between scheduling runs and running them. */
export interface Measurer {
  start(request: SetupRequest, options: MeasureOptions): Promise<MeasuringSession>;
  /** What the machine's cores give independent processes (see ceiling.ts). */
  parallelCeiling(cores: number, signal?: AbortSignal): Promise<ParallelCeiling>;
}

/**
 * How a strategy's runs are taken. The first run is always cold (new connections, a JIT
 * that has seen nothing) and is shown apart. Warm-up runs follow until the times are
 * steady; then measured runs, at least `runs` of them and `minTimeMs` of work, and more
 * while the typical time is known less precisely than `precision`, until `budgetMs` of
 * measured work is spent, or, for a row still far from precise then, until it has twice
 * `runs`. A steady row stops after a few runs, a noisy one gets more.
 */
export interface RunPlan {
  /**
   * Runs not counted, the first of them the cold one; `steady`: the cold run, then more
   * until `STEADY_RUNS` in a row agree within `STEADY_SPREAD` or `WARMUP_BUDGET_MS` of
   * warm-up has passed. With 0, the cold run is the first measured run.
   */
  readonly warmup: number | 'steady';
  /**
   * At least this many measured runs, unless `budgetMs` is spent first and the runs so far
   * already agree to `precision` (never fewer than two).
   */
  readonly runs: number;
  readonly minTimeMs: number;
  /** Relative half-width of the typical time's 95 % interval to aim for (0.02: ±2 %); 0 turns it off. */
  readonly precision: number;
  /**
   * Measured work after which no more runs are added for precision (but to a row still
   * `FAR_FROM_PRECISE`, up to twice `runs`), nor past two precise ones for `runs`.
   */
  readonly budgetMs: number;
  /**
   * The verdict's tie margin (0.03 for 3 %). Taking turns, once every strategy of a group
   * has what the rest of the plan asks, two that the verdict could not yet tell apart or
   * alike take more turns (see `unsettledRows`). Unset, or with `precision` 0, the rest
   * of the plan alone decides.
   */
  readonly tieMargin?: number;
}

/** Three warm runs within 5 % of each other: the JIT has done most of what it will do. */
export const STEADY_RUNS = 3;
export const STEADY_SPREAD = 0.05;
/** Warm-up stops here in any case: a run this long does not owe its speed to the JIT. */
export const WARMUP_BUDGET_MS = 500;

const sum = (runs: readonly RunRecord[]) => runs.reduce((total, run) => total + run.workMs, 0);
/** What runs cost in time, with what each costs around its work (a tiny job's runs are mostly that). */
const elapsed = (runs: readonly RunRecord[]) =>
  runs.reduce((total, run) => total + Math.max(run.workMs, run.elapsedMs ?? 0), 0);

function isSteady(warmups: readonly RunRecord[]): boolean {
  if (warmups.length === 0) return false;
  if (elapsed(warmups) >= WARMUP_BUDGET_MS || warmups.length >= MAX_RUNS) return true;
  const lastWarm = warmups.slice(1).slice(-STEADY_RUNS);
  if (lastWarm.length < STEADY_RUNS) return false;
  const times = lastWarm.map((run) => run.workMs);
  return Math.max(...times) / Math.min(...times) - 1 <= STEADY_SPREAD;
}

/**
 * A row whose typical time, once its budget is spent, is still known this many times less
 * precisely than `precision` asks gets more runs, up to twice `runs` (see `needsMoreMeasured`).
 * ±9 % at the default ±3 %: three fib runs with a 5 % blip among them (±8 %, Student's t
 * with two degrees of freedom) still make a verdict; one run 20 % slower (±30 %)
 * leaves every ratio with that row too wide for one.
 */
export const FAR_FROM_PRECISE = 3;

function needsMoreMeasured(measured: readonly RunRecord[], plan: RunPlan): boolean {
  const count = measured.length;
  const spent = elapsed(measured);
  if (count >= MAX_RUNS) return false;
  const precise =
    plan.precision === 0 || relativePrecision(measured.map((run) => run.workMs)) <= plan.precision;
  // Two long runs are enough only when they already agree to the precision asked for: two
  // that differ by a few percent leave an interval ±12.7 standard errors wide (Student's t
  // with one degree of freedom), too wide for a verdict to say anything.
  if (count < plan.runs && (count < 2 || spent < plan.budgetMs || !precise)) return true;
  if (sum(measured) < plan.minTimeMs) return true;
  if (!precise && spent < plan.budgetMs) return true;
  return farFromPrecise(measured, plan);
}

/**
 * A slow row spends its budget in a run or two. If one of its few runs fell in a moment
 * when a shared machine's cores were taken (on this project's 2-core machine, fib runs
 * came out 20–70 % slower now and then), its interval is too wide for any verdict, and
 * only more runs narrow it: twice `runs` at most, so the wait stays bounded.
 */
function farFromPrecise(measured: readonly RunRecord[], plan: RunPlan): boolean {
  return (
    plan.precision > 0 &&
    measured.length < 2 * plan.runs &&
    relativePrecision(measured.map((run) => run.workMs)) > FAR_FROM_PRECISE * plan.precision
  );
}

/**
 * What a strategy needs next, given the runs it has done: a warm-up run, a measured one, or
 * nothing. Taking turns, `others` are the runs of the job's other strategies: while one of
 * them gets runs past its budget for being far from precise, this one keeps taking its turn
 * too (to twice `runs`), so that the moments the machine was slow fall on both alike. A
 * row that stopped early would be compared, over the same stretch of minutes, with runs
 * mostly taken after it had finished.
 */
export function nextRun(
  plan: RunPlan,
  done: readonly RunRecord[],
  others: readonly (readonly RunRecord[])[] = [],
): 'warmup' | 'measured' | undefined {
  const measured = done.filter((run) => !run.warmup);
  if (measured.length === 0) {
    const warmups = done.filter((run) => run.warmup);
    const warming = plan.warmup === 'steady' ? !isSteady(warmups) : warmups.length < plan.warmup;
    if (warming) return 'warmup';
  }
  if (needsMoreMeasured(measured, plan)) return 'measured';
  const keepingPace =
    measured.length < 2 * plan.runs &&
    others.some((runs) => {
      // Past its budget: a fast row still short of precision early on gets runs anyway.
      const theirs = runs.filter((run) => !run.warmup);
      return elapsed(theirs) >= plan.budgetMs && farFromPrecise(theirs, plan);
    });
  return keepingPace ? 'measured' : undefined;
}

/**
 * Taking turns, a row that the verdict cannot yet place against another of its group gets
 * more runs, up to this many times `runs` (9 at the default 3). On a shared machine a fib
 * run now and then comes out a quarter slower or more, and six runs each can leave two
 * strategies that compute the same (cpu-asyncio and cpu-sync) "too few runs to tell";
 * three more each narrow their interval by about a fifth.
 */
export const UNSETTLED_RUNS = 3;

/** Each row's measured times, warm-up runs left out. */
const measuredTimes = (runsOfEach: readonly (readonly RunRecord[])[]): number[][] =>
  runsOfEach.map((runs) => runs.filter((run) => !run.warmup).map((run) => run.workMs));

/** The rows (by index, once each, in order) still short of `UNSETTLED_RUNS` times `runs`. */
function belowCap(plan: RunPlan, times: readonly number[][], rows: readonly number[]): number[] {
  const most = UNSETTLED_RUNS * plan.runs;
  return [...new Set(rows)].filter((i) => (times[i]?.length ?? most) < most).sort((a, b) => a - b);
}

/**
 * Which of a group's strategies, all done by the rest of the plan, get another measured
 * run: those in a pair that the verdict would call "too few runs to tell" (a tie whose
 * interval reaches a quarter beyond equal, or lies wholly on one side of the margin;
 * `unsettledPairs`), while they have fewer than `UNSETTLED_RUNS` times `runs`. The other
 * rows are settled and stop: an I/O job's io-sync does not take 4-second runs because
 * io-asyncio and io-hybrid are close. By index into `runsOfEach`.
 */
export function unsettledRows(
  plan: RunPlan,
  runsOfEach: readonly (readonly RunRecord[])[],
): number[] {
  if (plan.tieMargin === undefined || plan.precision === 0) return [];
  const times = measuredTimes(runsOfEach);
  return belowCap(plan, times, unsettledPairs(times, plan.tieMargin).flat());
}

/**
 * `--compare`: which rows, once every group has what the plan asks and the verdict is
 * settled, get another measured run so that their change since the saved run can be
 * judged: those whose change `judgeChanges` calls too few runs to tell, and the
 * reference (by index, when it was measured in both runs), whose own change every other
 * row's is divided by. `before` holds each row's times in the saved run, where it has
 * them. The same cap as `unsettledRows`. Holm's correction here counts the job's rows
 * only; `--compare` counts every job's, so a change just past the margin may still read
 * too few runs to tell there.
 */
export function unsettledChanges(
  plan: RunPlan,
  runsOfEach: readonly (readonly RunRecord[])[],
  before: readonly (readonly number[] | undefined)[],
  reference: number | undefined,
): number[] {
  if (plan.tieMargin === undefined || plan.precision === 0) return [];
  const times = measuredTimes(runsOfEach);
  const referenceTimes = reference === undefined ? undefined : times[reference];
  const referenceBefore = reference === undefined ? undefined : before[reference];
  const compared = times.flatMap((after, i) => {
    const then = before[i];
    return then && i !== reference ? [{ i, after, before: then }] : [];
  });
  const judged = judgeChanges(
    compared.map(({ after, before: then }) => ({
      after,
      before: then,
      ...(referenceTimes &&
        referenceBefore && { reference: { after: referenceTimes, before: referenceBefore } }),
    })),
    plan.tieMargin,
  );
  const rows = compared.flatMap(({ i }, k) => {
    const { difference, judgement, corrected } = judged[k] ?? {};
    if (!difference || judgement) return [];
    return corrected && reference !== undefined ? [i, reference] : [i];
  });
  return belowCap(plan, times, rows);
}

/**
 * Measured runs whose task events are kept, those nearest the median so far: the pictures
 * draw the run closest to the median, and a row of many runs of many pages would
 * otherwise hold every event of every run until its job is done.
 */
export const RUNS_WITH_EVENTS = 8;

/**
 * What the harness keeps of a run it has just been sent. Warm-up runs are never drawn,
 * so their events go. A run whose results equal the first run's shares that run's array,
 * so a row holds one copy of its results, not one per run. Past `RUNS_WITH_EVENTS`
 * measured runs, the events of the one farthest from the median so far go.
 */
function keep(runs: RunRecord[], record: RunRecord): void {
  const first = runs[0];
  const results =
    first && diffResults(first.results, record.results).length === 0
      ? first.results
      : record.results;
  runs.push(
    record.warmup
      ? { ...record, results, events: [], picture: undefined, eventsDropped: true }
      : { ...record, results },
  );
  const withEvents = runs.filter((run) => !run.warmup && !run.eventsDropped);
  if (withEvents.length <= RUNS_WITH_EVENTS) return;
  const middle = median(runs.filter((run) => !run.warmup).map((run) => run.workMs));
  const farthest = withEvents.reduce((far, run) =>
    Math.abs(run.workMs - middle) > Math.abs(far.workMs - middle) ? run : far,
  );
  runs[runs.indexOf(farthest)] = {
    ...farthest,
    events: [],
    picture: undefined,
    eventsDropped: true,
  };
}

/**
 * One run, between the hooks that read what the server saw of it. With `--floor`, the
 * floor's run is taken right beside the strategy's, each between hooks of its own, so
 * that the server's counts of each are its own; which goes first alternates from run to
 * run, so that neither always inherits the other's garbage or warmed caches.
 */
async function takeRun(
  measuring: MeasuringSession,
  runs: RunRecord[],
  kind: 'warmup' | 'measured',
  options: MeasureOptions,
): Promise<void> {
  const warmup = kind === 'warmup';
  options.onRun?.({
    warmup,
    ordinal: runs.filter((run) => run.warmup === warmup).length + 1,
  });
  const run = runs.length;
  // The runs' own time, as the harness saw it: the hooks' reads of the server stay out.
  let elapsedMs = 0;
  const between = async <T>(part: RunPart, take: () => Promise<T>): Promise<T> => {
    await options.beforeRun?.();
    const started = performance.now();
    const taken = await take();
    elapsedMs += performance.now() - started;
    await options.afterRun?.(part);
    return taken;
  };
  const strategyRun = () => between('strategy', () => measuring.run(run, warmup));
  // Only a session set up with the floor beside it (`floorSetupMs`) has one to run.
  const { runFloor } = measuring;
  const floorRun =
    measuring.floorSetupMs !== undefined && runFloor
      ? () => between('floor', () => runFloor.call(measuring, run, warmup))
      : undefined;
  let record: RunRecord;
  let floor: FloorRun | undefined;
  if (!floorRun) record = await strategyRun();
  else if (run % 2 === 0) {
    record = await strategyRun();
    floor = await floorRun();
  } else {
    floor = await floorRun();
    record = await strategyRun();
  }
  keep(runs, { ...record, ...(floor && { floor }), elapsedMs });
}

/**
 * What a strategy stopped by Ctrl-C leaves: the runs it finished, reported as
 * interrupted; or, when it finished none, that it was stopped.
 */
function interruptedReport(
  measuring: MeasuringSession | undefined,
  runs: RunRecord[],
): MeasureReport | MeasureError {
  if (!measuring || runs.length === 0) return new MeasureError(STOPPED);
  return {
    setupMs: measuring.setupMs,
    concurrency: measuring.concurrency,
    runs,
    interrupted: true,
  };
}

/** Sets a strategy up, runs it as `plan` says, one run after another, and closes it. */
export async function measureOneAfterAnother(
  measurer: Measurer,
  request: SetupRequest,
  plan: RunPlan,
  options: MeasureOptions = {},
): Promise<MeasureReport> {
  const measuring = await measurer.start(request, options);
  const runs: RunRecord[] = [];
  try {
    for (let kind = nextRun(plan, runs); kind; kind = nextRun(plan, runs)) {
      await takeRun(measuring, runs, kind, options);
    }
    return await finishReport(measuring, runs);
  } catch (error) {
    if (!options.signal?.aborted) throw error;
    const partial = interruptedReport(measuring, runs);
    if (partial instanceof MeasureError) throw partial;
    return partial;
  } finally {
    measuring.kill();
  }
}

/** Closes the strategy, and reports its runs with what closing measured. */
async function finishReport(
  measuring: MeasuringSession,
  runs: RunRecord[],
): Promise<MeasureReport> {
  const { closeMs, peakMemoryBytes } = await measuring.finish();
  return {
    setupMs: measuring.setupMs,
    ...(measuring.floorSetupMs !== undefined && { floorSetupMs: measuring.floorSetupMs }),
    closeMs,
    concurrency: measuring.concurrency,
    runs,
    peakMemoryBytes,
  };
}

export interface Turn {
  readonly request: SetupRequest;
  readonly options?: MeasureOptions;
  /**
   * Strategies judged against each other (a job's Node strategies, its Python ones): a
   * strategy keeps pace only with those of its own group (see `nextRun`).
   */
  readonly group?: string;
  /** Called as the strategy is set up. */
  readonly onStart?: () => void;
  /** `--compare`: this strategy's times in the saved run, when it has them. */
  readonly before?: readonly number[];
  /** The job's reference, whose change since the saved run every other's is divided by. */
  readonly reference?: boolean;
}

/** A small seeded generator (mulberry32): the same seed gives the same order every time. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates, with `random` in [0, 1). */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

/**
 * Measures several strategies taking turns: each is set up in its own process, then each
 * does one run while the others wait, round after round, in an order shuffled afresh
 * every round from `seed`, until every one has what `plan` asks for. A machine that gets
 * faster or slower over the minutes of a benchmark then treats them all alike, and no
 * strategy always runs right after the same other one, so their ratios hold. Idle pools
 * wait without using a core. Returns a report, or the error that ended it, per
 * strategy, in the order given.
 */
export async function measureTakingTurns(
  measurer: Measurer,
  turns: readonly Turn[],
  plan: RunPlan,
  seed: number,
): Promise<(MeasureReport | MeasureError)[]> {
  const states: {
    measuring?: MeasuringSession;
    runs: RunRecord[];
    options: MeasureOptions;
    turn: Turn;
    error?: MeasureError;
  }[] = [];
  for (const turn of turns) {
    const { request, options = {}, onStart } = turn;
    onStart?.();
    try {
      const measuring = await measurer.start(request, options);
      states.push({ measuring, runs: [], options, turn });
    } catch (error) {
      states.push({ runs: [], options, turn, error: error as MeasureError });
    }
  }
  const random = seededRandom(seed);
  try {
    const live = () => states.filter((state) => !state.error);
    const next = (state: (typeof states)[number]) =>
      nextRun(
        plan,
        state.runs,
        live()
          .filter((other) => other !== state && other.turn.group === state.turn.group)
          .map((other) => other.runs),
      );
    // What each strategy takes is settled as a round starts: one that keeps pace with
    // another finishes the round even if the other's run ends its need first. A group
    // whose strategies all have what the plan asks settles its verdict (`unsettledRows`).
    const wanting = () => {
      const planned = live().flatMap((state) => {
        const kind = next(state);
        return kind ? [{ state, kind }] : [];
      });
      const busy = new Set(planned.map(({ state }) => state.turn.group));
      const done = new Set(
        live().flatMap(({ turn: { group } }) => (busy.has(group) ? [] : [group])),
      );
      const settling = [...done].flatMap((group) => {
        const members = live().filter((state) => state.turn.group === group);
        return unsettledRows(
          plan,
          members.map((state) => state.runs),
        ).map((i) => ({ state: members[i] as (typeof states)[number], kind: 'measured' as const }));
      });
      if (planned.length > 0 || settling.length > 0) return [...planned, ...settling];
      // Every verdict settled: with --compare, the changes since the saved run.
      const all = live();
      const reference = all.findIndex((state) => state.turn.reference);
      return unsettledChanges(
        plan,
        all.map((state) => state.runs),
        all.map((state) => state.turn.before),
        reference < 0 ? undefined : reference,
      ).map((i) => ({ state: all[i] as (typeof states)[number], kind: 'measured' as const }));
    };
    const stopped = () => states.some((state) => state.options.signal?.aborted);
    for (let round = wanting(); round.length > 0 && !stopped(); round = wanting()) {
      for (const { state, kind } of shuffled(round, random)) {
        if (!state.measuring || stopped()) continue;
        try {
          await takeRun(state.measuring, state.runs, kind, state.options);
        } catch (error) {
          // Ctrl-C: the run in progress is lost, the runs every strategy finished are kept.
          if (stopped()) break;
          state.error = error as MeasureError;
          state.measuring.kill();
        }
      }
    }
    if (stopped()) {
      return states.map(
        ({ measuring, runs, error }) => error ?? interruptedReport(measuring, runs),
      );
    }
    return await Promise.all(
      states.map(async ({ measuring, runs, error }) => {
        if (error || !measuring) return error ?? new MeasureError('not set up');
        try {
          return await finishReport(measuring, runs);
        } catch (finishing) {
          return finishing as MeasureError;
        }
      }),
    );
  } finally {
    for (const { measuring } of states) measuring?.kill();
  }
}
