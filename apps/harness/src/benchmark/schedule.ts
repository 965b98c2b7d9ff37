import { availableParallelism } from 'node:os';
import {
  type BenchJobName,
  type CpuInput,
  cpuInput,
  downloadInput,
  HTTP_LIMITS_VARIABLE,
  type IoInput,
  MAX_SUM_OF_SQUARES_SIZE,
  type PageResult,
  type Result,
} from '@speedup/shared-core';
import {
  findPython,
  findStrategies,
  machineCapacity,
  PYTHON_VARIABLE,
  type Python,
  PythonMissing,
  redactUrl,
} from '@speedup/shared-core/harness';
import { type SiteServer, startSiteServer } from '@speedup/site-server';
import type { BenchOptions } from '../options.js';
import { joinCeilings, type ParallelCeiling } from './ceiling.js';
import type { SetupRequest } from './child-process/messages.js';
import { inChildProcess } from './child-process/parent.js';
import { type PlannedInput, type SavedRun, savedRowOf } from './compare.js';
import { withCeiling, withComparisons } from './comparisons.js';
import { distributedEnvironment } from './distributed.js';
import type { Interval } from './intervals.js';
import {
  type MeasureOptions,
  type Measurer,
  measureOneAfterAnother,
  measureTakingTurns,
  type Progress,
  type RunLabel,
  type RunPart,
  type RunPlan,
} from './measure.js';
import { type Contender, PlanError, type PlannedJob, planBench } from './plan.js';
import type { BenchResult, BenchRow, Measured } from './result.js';
import { FLOOR_ROW, failedRow, floorRowFrom, rowFrom, urlOutcomes } from './rows.js';

/**
 * The schedule of a whole benchmark: which jobs run, in which order, at which sweep
 * values, with the reference first, each strategy handed to a `Measurer`.
 */

export interface BenchHooks {
  readonly signal?: AbortSignal;
  /** Called when a strategy starts being measured, with the job's input, and with progress while it runs. */
  readonly onStart?: (
    strategy: string,
    job: BenchJobName,
    items?: readonly (string | number)[],
  ) => void;
  readonly onProgress?: (strategy: string, job: BenchJobName, progress: Progress) => void;
  /** Called as each run of a strategy starts. */
  readonly onRun?: (strategy: string, job: BenchJobName, label: RunLabel) => void;
  readonly onRow?: (row: BenchRow) => void;
  /** Called as the parallel ceiling starts being measured, before the CPU jobs. */
  readonly onCeiling?: (cores: number) => void;
  /** Where strategies are measured: a fresh child process each, unless a test says otherwise. */
  readonly measurer?: Measurer;
  /**
   * `--compare`: the saved run. Taking turns, rows whose change since it the runs cannot
   * yet tell get more turns, as rows the verdict cannot yet place do (`unsettledChanges`).
   */
  readonly saved?: SavedRun;
}

/** Sweeps of these leave the sequential reference unchanged: it is measured once. */
const REFERENCE_IGNORES = new Set(['workers', 'concurrency', 'batch']);

/**
 * How many times in a run the parallel ceiling is measured again, nine more pairs each
 * time, after a CPU job in which a speed-up came out above it (a share of the ceiling
 * above 1.0, which no machine gives). On a shared host the cores it gives move for
 * seconds at a time: pairs taken in three stretches of the run stand when one of them
 * fell in such a dip, and a bench waits at most two measurements more.
 */
export const CEILING_REMEASURES = 2;

function inputFor(
  job: BenchJobName,
  options: BenchOptions,
  server: SiteServer | undefined,
): IoInput | CpuInput {
  if (job === 'download') {
    return downloadInput(
      options.sites ?? server?.sites ?? [],
      Math.max(1, Math.round(options.pages * options.size)),
    );
  }
  return cpuInput(job, options.size);
}

/**
 * A job's input in words, the same whatever the local server's ports: what `--compare`
 * checks two runs agree on. Passwords in site URLs are hidden: this goes into exports.
 */
export function describeInput(job: BenchJobName, options: BenchOptions): string {
  if (job === 'download') {
    const pages = Math.max(1, Math.round(options.pages * options.size));
    const from = options.sites
      ? options.sites.map(redactUrl).join(', ')
      : `the local server at ${options.latency} ms latency${options.jitter > 0 ? ` + up to ${options.jitter} ms jitter` : ''}`;
    return `${pages} pages from ${from}`;
  }
  const { items } = cpuInput(job, options.size);
  return `${job} of ${items.length} items from ${items[0]}`;
}

/** Every job's input at every swept value, as a planned run will measure them. */
export function plannedInputs(plan: readonly PlannedJob[], options: BenchOptions): PlannedInput[] {
  return (options.sweep?.values ?? [undefined]).flatMap((value) => {
    const effective = atSweepValue(options, value);
    return plan.map(({ job }) => ({
      job,
      sweptValue: value === undefined ? undefined : String(value),
      input: describeInput(job, effective),
    }));
  });
}

/** The same options with the sweep's setting at `value`. */
function atSweepValue(options: BenchOptions, value: number | undefined): BenchOptions {
  return options.sweep && value !== undefined
    ? { ...options, [options.sweep.parameter]: value }
    : options;
}

/** Everything one job needs that is the same for all its strategies. */
interface JobContext {
  readonly planned: PlannedJob;
  readonly options: BenchOptions;
  readonly server: SiteServer | undefined;
  readonly cores: number;
  readonly hooks: BenchHooks;
  /** Reference results by input, so a sweep reruns the reference only when its input changes. */
  readonly expectedByInput: Map<string, Result[]>;
  /** The reference's row from an earlier sweep value, when the sweep cannot change it. */
  readonly reusableReference: BenchRow | undefined;
  /** What the machine's cores give independent processes, for CPU jobs. */
  readonly ceiling: number | undefined;
  /** Its 95 % interval, when it has one. */
  readonly ceilingCi95?: Interval;
  /** The interpreter of the Python strategies, when the plan has any. */
  readonly python: Python | undefined;
  /** Environment every measuring process gets, besides the HTTP limits and the interpreter. */
  readonly env: Record<string, string>;
}

async function benchJob(context: JobContext): Promise<BenchRow[]> {
  const { planned, options, server, cores, hooks } = context;
  const measurer = hooks.measurer ?? inChildProcess;
  const { job, reference } = planned;
  const input = inputFor(job, options, server);
  const latencyMs = server ? options.latency : undefined;
  const sweepValue = options.sweep
    ? { [options.sweep.parameter]: String(options[options.sweep.parameter]) }
    : {};
  const parametersOf = (report?: Measured): Record<string, string> => ({
    ...(report ? { concurrency: String(report.concurrency) } : {}),
    ...(job === 'download'
      ? { pages: String(input.items.length) }
      : { size: String(options.size) }),
    ...(latencyMs !== undefined && job === 'download' ? { latency: String(latencyMs) } : {}),
    ...(options.batch !== undefined ? { batch: String(options.batch) } : {}),
    ...sweepValue,
  });
  // The server counts connections itself: reset before each run, read after it. Only the
  // strategy taking its run sends requests then, whatever the others hold open and idle.
  const countsSockets = server !== undefined && job === 'download';
  const env: Record<string, string> = {
    ...context.env,
    ...(Object.keys(options.limits).length > 0
      ? { [HTTP_LIMITS_VARIABLE]: JSON.stringify(options.limits) }
      : {}),
    // Every measuring process runs the interpreter checked here, without searching again.
    ...(context.python ? { [PYTHON_VARIABLE]: context.python.interpreter } : {}),
  };
  const request = ({ pkg, variant, withFloor }: Contender): SetupRequest => ({
    strategyDir: pkg.dir,
    ...(withFloor && { withFloor }),
    ...((options.pictures || options.report) && { pictures: true }),
    input,
    setup: {
      workers: options.workers,
      concurrency: options.concurrency,
      batch: options.batch,
      variant,
    },
  });
  /** What the server saw of each strategy's runs and, with `--floor`, of the floor's beside it. */
  type Counted = Record<RunPart, { connections: number; peakSockets: number }>;
  const sockets = new Map<Contender, Counted>();
  const measureOptions = (contender: Contender): MeasureOptions => {
    const counted: Counted = {
      strategy: { connections: 0, peakSockets: 0 },
      floor: { connections: 0, peakSockets: 0 },
    };
    if (countsSockets) sockets.set(contender, counted);
    return {
      signal: hooks.signal,
      env,
      onProgress: (progress) => hooks.onProgress?.(contender.label, job, progress),
      onRun: (label) => hooks.onRun?.(contender.label, job, label),
      ...(countsSockets && {
        beforeRun: () => server.resetStats(),
        afterRun: async (part) => {
          const seen = await server.stats();
          counted[part].connections += seen.connections;
          counted[part].peakSockets = Math.max(counted[part].peakSockets, seen.peakActive);
        },
      }),
    };
  };
  const plan: RunPlan = {
    runs: options.runs,
    warmup: options.warmup,
    minTimeMs: options.minTime,
    precision: options.precision,
    budgetMs: options.budgetMs,
    tieMargin: options.tieMargin,
  };

  const isReference = (contender: Contender) =>
    contender.pkg === reference && contender.variant === undefined;
  const sweptValue = options.sweep && String(options[options.sweep.parameter]);
  /** `--compare`: the strategy's times in the saved run, for taking turns to settle its change. */
  const savedTimes = (contender: Contender): { before?: readonly number[] } => {
    const before = hooks.saved && savedRowOf(hooks.saved, contender.label, job, sweptValue);
    return before ? { before: before.timesMs } : {};
  };
  const inputKey = JSON.stringify(input);
  let expected = context.expectedByInput.get(inputKey);
  const remember = (results: Result[] | undefined) => {
    if (results) context.expectedByInput.set(inputKey, results);
    return results;
  };
  const reused = context.reusableReference;
  const toMeasure = planned.contenders.filter((contender) => !(reused && isReference(contender)));
  const rows: BenchRow[] = [];
  let referenceRow = reused && { ...reused, parameters: { ...reused.parameters, ...sweepValue } };
  const rowOf = (contender: Contender, outcome: Measured | Error): BenchRow => {
    if (outcome instanceof Error) return failedRow(contender, job, outcome, parametersOf());
    const measured = { ...outcome, sockets: sockets.get(contender)?.strategy };
    if (isReference(contender)) expected ??= remember(outcome.runs[0]?.results);
    if (!expected) {
      const why = new Error(`not checked: the reference ${reference.name} failed`);
      return failedRow(contender, job, why, parametersOf(outcome));
    }
    const row = rowFrom(contender, job, measured, expected, parametersOf(outcome));
    if (!isReference(contender)) return row;
    return job === 'download'
      ? { ...row, reference: true, urlOutcomes: urlOutcomes(expected as PageResult[]) }
      : { ...row, reference: true };
  };
  /** A strategy's row, and with `--floor` the floor's, measured in its process. */
  const rowsOf = (contender: Contender, outcome: Measured | Error): BenchRow[] => {
    const row = rowOf(contender, outcome);
    if (!contender.withFloor) return [row];
    if (outcome instanceof Error || !expected) {
      const why = outcome instanceof Error ? outcome : new Error(row.error ?? 'not measured');
      return [row, { ...failedRow(contender, job, why, parametersOf()), ...FLOOR_ROW }];
    }
    const floor = { ...outcome, sockets: sockets.get(contender)?.floor };
    return [row, floorRowFrom(contender, job, floor, expected, parametersOf(outcome))];
  };
  const described = describeInput(job, options);
  const finish = (measured: BenchRow) => {
    const row = { ...measured, input: described };
    if (row.reference) referenceRow = row;
    const compared = withComparisons(row, {
      reference: referenceRow,
      cores,
      ceiling: context.ceiling,
      ...(context.ceilingCi95 && { ceilingCi95: context.ceilingCi95 }),
      latencyMs,
      items: input.items.length,
    });
    rows.push(compared);
    hooks.onRow?.(compared);
  };

  if (referenceRow) finish(referenceRow);
  if (options.interleave) {
    const outcomes = await measureTakingTurns(
      measurer,
      toMeasure.map((contender) => ({
        request: request(contender),
        options: measureOptions(contender),
        group: contender.pkg.language ?? 'node',
        onStart: () => hooks.onStart?.(contender.label, job, input.items),
        ...(isReference(contender) && { reference: true }),
        ...savedTimes(contender),
      })),
      plan,
      options.seed,
    );
    toMeasure.forEach((contender, index) => {
      for (const row of rowsOf(contender, outcomes[index] as Measured | Error)) finish(row);
    });
  } else {
    for (const contender of toMeasure) {
      if (hooks.signal?.aborted) break;
      hooks.onStart?.(contender.label, job, input.items);
      const outcome = await measureOneAfterAnother(
        measurer,
        request(contender),
        plan,
        measureOptions(contender),
      ).catch((error: Error) => error);
      for (const row of rowsOf(contender, outcome)) finish(row);
    }
  }
  return rows;
}

/** Bad settings for the jobs that will run, found before anything starts. */
function checkSettings(plan: readonly PlannedJob[], options: BenchOptions): void {
  const values = (parameter: 'size' | 'workers', given: number | undefined) =>
    options.sweep?.parameter === parameter
      ? options.sweep.values
      : given === undefined
        ? []
        : [given];
  if (plan.some((planned) => planned.job === 'sum-of-squares')) {
    const tooBig = values('size', options.size).find((size) => size > MAX_SUM_OF_SQUARES_SIZE);
    if (tooBig !== undefined) {
      throw new PlanError(
        `size ${tooBig} is too big for sum-of-squares: its sums stay exact up to size ${MAX_SUM_OF_SQUARES_SIZE}`,
      );
    }
  }
  // Worker threads were checked with the option; child processes cost more, and only
  // the plan knows whether a strategy that starts them is selected.
  const workers = Math.max(0, ...values('workers', options.workers));
  const forks = plan
    .flatMap((planned) => planned.contenders)
    .find(({ pkg }) => pkg.isolation === 'process');
  const allowed = machineCapacity().processWorkers;
  if (forks && workers > allowed) {
    throw new PlanError(
      `--workers ${workers}: ${forks.label} starts its workers as child processes, and this machine can start at most ${allowed.toLocaleString('en-US')} of them`,
    );
  }
}

/**
 * The interpreter for the plan's Python strategies, checked before anything starts:
 * without it, a `PlanError` names what is missing and how to install it.
 */
function checkPython(plan: readonly PlannedJob[]): Python | undefined {
  const needed = plan.some((planned) =>
    planned.contenders.some(({ pkg }) => pkg.language === 'python'),
  );
  if (!needed) return undefined;
  try {
    return findPython();
  } catch (error) {
    if (error instanceof PythonMissing) throw new PlanError(error.message);
    throw error;
  }
}

/**
 * Runs the benchmark: plans it, starts the local site server when an I/O job needs it,
 * measures every strategy on every job one at a time (once per sweep value), diffs
 * every run's results against the job's reference, and closes the server. Throws a
 * `PlanError` on a bad selection before starting anything.
 */
export async function runBench(
  options: BenchOptions,
  hooks: BenchHooks = {},
): Promise<BenchResult> {
  const plan = planBench(findStrategies(options.root), options);
  checkSettings(plan, options);
  const python = checkPython(plan);
  const env = await distributedEnvironment(plan, options);
  const cores = availableParallelism();
  const needsServer = plan.some((planned) => planned.job === 'download') && !options.sites;
  const server = needsServer
    ? await startSiteServer({ latency: options.latency, jitter: options.jitter })
    : undefined;
  const rows: BenchRow[] = [];
  const expectedByInput = new Map<string, Result[]>();
  const referenceRows = new Map<BenchJobName, BenchRow>();
  const measurer = hooks.measurer ?? inChildProcess;
  let ceiling: ParallelCeiling | undefined;
  let remeasured = 0;
  try {
    for (const value of options.sweep?.values ?? [undefined]) {
      const effective = atSweepValue(options, value);
      if (server && options.sweep?.parameter === 'latency')
        await server.configure({ latency: effective.latency });
      for (const planned of plan) {
        if (hooks.signal?.aborted) break;
        if (planned.job !== 'download' && ceiling === undefined) {
          hooks.onCeiling?.(cores);
          ceiling = await measurer.parallelCeiling(cores, hooks.signal);
        }
        const reusable =
          options.sweep && REFERENCE_IGNORES.has(options.sweep.parameter)
            ? referenceRows.get(planned.job)
            : undefined;
        const jobRows = await benchJob({
          planned,
          options: effective,
          server,
          cores,
          hooks,
          expectedByInput,
          reusableReference: reusable,
          ceiling: ceiling?.ceiling,
          ...(ceiling?.ci95 && { ceilingCi95: ceiling.ci95 }),
          python,
          env,
        });
        const referenceRow = jobRows.find((row) => row.strategy === planned.reference.name);
        if (referenceRow?.summary) referenceRows.set(planned.job, referenceRow);
        rows.push(...jobRows);
        // A speed-up above the ceiling is more often a ceiling measured while the machine
        // gave less than usual (a shared host takes a core for seconds at a time) than a
        // slowed reference: measure it once more, and judge every row by all its pairs. A
        // row of one worker is beside the point: what one core gives is 1 by definition.
        const measured = ceiling;
        if (
          measured &&
          remeasured < CEILING_REMEASURES &&
          !hooks.signal?.aborted &&
          jobRows.some(
            (row) => (row.ofCeiling ?? 0) > 1 && Math.min(row.concurrency ?? 1, cores) > 1,
          )
        ) {
          remeasured++;
          hooks.onCeiling?.(cores);
          ceiling = joinCeilings(measured, await measurer.parallelCeiling(cores, hooks.signal));
          const { ceiling: all, ci95 } = ceiling;
          rows.splice(0, rows.length, ...rows.map((row) => withCeiling(row, cores, all, ci95)));
        }
      }
    }
  } finally {
    await server?.close();
  }
  return {
    rows: rows.filter((row) => !row.floor),
    floors: rows.filter((row) => row.floor),
    options,
    cores,
    parallelCeiling: ceiling?.ceiling,
    ...(ceiling?.ci95 ? { parallelCeilingCi95: ceiling.ci95 } : {}),
    latencyMs: server ? options.latency : undefined,
    sweep: options.sweep,
    python,
    ...(hooks.signal?.aborted ? { interrupted: true } : {}),
  };
}
