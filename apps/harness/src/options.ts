import { fileURLToPath } from 'node:url';
import {
  type BenchJobName,
  type HttpLimits,
  jobNames,
  MANY_SMALL_TASKS,
  type Workload,
} from '@speedup/shared-core';
import {
  addDownloadOptions,
  commaList,
  type DownloadFlags,
  downloadRanges,
  failUsage,
  inRange,
  limitsFrom,
  oneOf,
  parseCommandLine,
  type Range,
  rangeText,
  redisAddress,
  withRange,
} from '@speedup/shared-core/cli';
import { machineCapacity } from '@speedup/shared-core/harness';
import { REDIS_URL_VARIABLE, RedisAddress } from '@speedup/shared-core/redis';
import { Command, InvalidArgumentError } from 'commander';
import { MAX_RUNS } from './benchmark/measure.js';

/** Settings a sweep can vary, each a number. */
export type SweepParameter = 'workers' | 'concurrency' | 'latency' | 'size' | 'pages' | 'batch';

export interface Sweep {
  readonly parameter: SweepParameter;
  readonly values: readonly number[];
}

export interface BenchOptions {
  /** Strategy names (package folders, or `name:variant`); all but the opt-in lanes when undefined. */
  readonly only?: readonly string[];
  /** Opt-in lanes whose strategies are added to the selection (`--python` adds `python`). */
  readonly lanes?: readonly string[];
  /** Adds every variant of the selected strategies (`cpu-threading:piscina`, …). */
  readonly variants?: boolean;
  /** Adds the floor row to the download job: a bare HTTP client, measured like a strategy. */
  readonly floor?: boolean;
  /** Sample measured runs for the timelines' lanes (busy threads, loop delay); on with `--report`. */
  readonly pictures?: boolean;
  readonly workload?: Workload;
  readonly jobs?: readonly BenchJobName[];
  /** Measured runs per strategy and job: at least this many, more while under `minTime`. */
  readonly runs: number;
  /** Keep measuring until the measured runs add up to this many milliseconds (0: exactly `runs`). */
  readonly minTime: number;
  /** Runs not counted, the first one cold; `steady`: until the times settle. */
  readonly warmup: number | 'steady';
  /** Keep measuring a row until its typical time is known to ± this fraction (0: off)… */
  readonly precision: number;
  /** …or its measured runs add up to this many milliseconds. */
  readonly budgetMs: number;
  /** Two strategies differ only when their ratio's interval lies wholly beyond 1 ± this fraction. */
  readonly tieMargin: number;
  /** Seeds the order in which strategies take turns. */
  readonly seed: number;
  /** An earlier `--export-json` file to compare this run with. */
  readonly compare?: string;
  /** With `compare`: exit 1 when a row is significantly slower than before by more than this fraction. */
  readonly failIfSlower?: number;
  /** Exit 1 when a row's share of failed items is above this fraction (undefined: report and go on). */
  readonly maxFailures?: number;
  /** Milliseconds the local server waits before each response. */
  readonly latency: number;
  /** Up to this many milliseconds more per response, drawn from a fixed seed. */
  readonly jitter: number;
  readonly pages: number;
  /** Scales every job's work: 1 is the article's. */
  readonly size: number;
  /** Sites to download instead of the local server. */
  readonly sites?: readonly string[];
  /** Download timeouts and size cap, over the defaults; every worker of every strategy gets them. */
  readonly limits: Partial<HttpLimits>;
  readonly workers?: number;
  readonly concurrency?: number;
  /** Items a pool hands a worker at once (Python's `chunksize`); each strategy's own when undefined (1). */
  readonly batch?: number;
  /** Measure the strategies of a job in turns, a run each, rather than one after another (the default). */
  readonly interleave: boolean;
  /**
   * The Redis the distributed strategies put their queues on; undefined: each set-up
   * starts a redis-server of its own. Printed or exported, its password reads `***`.
   */
  readonly redis?: RedisAddress;
  /** Distributed strategies use the workers already waiting on `redis` instead of starting their own. */
  readonly remoteWorkers?: boolean;
  /** Run everything once per value of one setting. */
  readonly sweep?: Sweep;
  readonly exportJson?: string;
  readonly exportMarkdown?: string;
  /** Folder to write the HTML report into (`index.html`). */
  readonly report?: string;
  /** Strategy whose timelines to print in the terminal. */
  readonly timeline?: string;
  /** Workspace whose `packages/` folder holds the strategies. */
  readonly root: string;
}

/** Fast strategies get more runs: a row of 40 ms needs a dozen to say anything about its spread. */
const DEFAULT_MIN_TIME_S = 0.5;
/** ±3 %: what a steady row reaches in a few runs on a shared 2-core machine. */
const DEFAULT_PRECISION_PERCENT = 3;
/** Seconds of measured runs per row after which precision is no reason for more. */
const DEFAULT_TIME_BUDGET_S = 3;
/** Run-to-run drift of a shared machine is a few percent: smaller differences are not results. */
const DEFAULT_TIE_MARGIN_PERCENT = 3;
const DEFAULT_SEED = 1;

/** A percentage from 0 to 100. */
const PERCENT: Range = { min: 0, max: 100 };

/** A percentage from 0 to 100, as a fraction. */
function percent(value: string): number {
  return inRange(PERCENT)(value) / 100;
}

/**
 * How far each of the harness's own numbers goes (the download job's are in shared-core's
 * cli.ts; pool sizes and connections are read off the machine, see `machineCapacity`):
 * - runs and warm-up runs: `MAX_RUNS`, the ceiling the harness puts on very fast work;
 * - seconds of measuring (min-time, time budget): an hour per row, past which a row is
 *   not a benchmark any more but a soak;
 * - size: sum-of-squares stops being exact past its own limit (checked with the plan);
 *   naive fib grows by φ per step, so size 100 is fib(45), minutes per run;
 * - seed: the shuffle's generator keeps 32 bits of it;
 * - batch: a batch larger than the largest job (many-small's items) is one batch.
 */
export const benchRanges = {
  runs: { min: 1, max: MAX_RUNS, integer: true },
  warmup: { min: 0, max: MAX_RUNS, integer: true },
  seconds: { min: 0, max: 3600 },
  budget: { min: 0, max: 3600, aboveMin: true },
  size: { min: 0, max: 100, aboveMin: true },
  seed: { min: 0, max: 2 ** 32 - 1, integer: true },
  batch: { min: 1, max: MANY_SMALL_TASKS, integer: true },
} as const satisfies Record<string, Range>;

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Pool sizes and in-flight limits this machine allows one run (threads: the larger of the two pool kinds). */
function machineRanges(): { workers: Range; concurrency: Range } {
  const capacity = machineCapacity();
  return {
    workers: { min: 1, max: capacity.threadWorkers, integer: true },
    concurrency: { min: 1, max: capacity.connections, integer: true },
  };
}

function sweepParsers(machine: ReturnType<typeof machineRanges>) {
  return {
    workers: inRange(machine.workers),
    concurrency: inRange(machine.concurrency),
    pages: inRange(downloadRanges.pages),
    latency: inRange(downloadRanges.latency),
    size: inRange(benchRanges.size),
    batch: inRange(benchRanges.batch),
  } satisfies Record<SweepParameter, (value: string) => number>;
}

/** `workers=1,2,5,10`: one setting and the values to run it at, in the order given. */
function parseSweep(
  parsers: Record<SweepParameter, (value: string) => number>,
): (value: string) => Sweep {
  return (value) => {
    const [name, list] = value.split('=', 2);
    const parse = parsers[name as SweepParameter];
    if (!parse || list === undefined) {
      throw new InvalidArgumentError(
        `'${value}' is not a sweep (write <setting>=<values>, e.g. workers=1,2,5; settings: ${Object.keys(parsers).join(', ')}).`,
      );
    }
    return { parameter: name as SweepParameter, values: [...new Set(commaList(list).map(parse))] };
  };
}

/**
 * The download job has `pages × size` pages: that product must stay within the range of
 * `--pages` too, at every swept value.
 */
function checkPagesAndSize(options: Pick<BenchOptions, 'pages' | 'size' | 'sweep'>): void {
  const { sweep } = options;
  const pages = sweep?.parameter === 'pages' ? sweep.values : [options.pages];
  const sizes = sweep?.parameter === 'size' ? sweep.values : [options.size];
  const most = Math.max(...pages) * Math.max(...sizes);
  if (Math.round(most) > downloadRanges.pages.max) {
    failUsage(
      `--pages × --size is ${Math.round(most).toLocaleString('en-US')} pages; the download job takes ${rangeText(downloadRanges.pages)}`,
    );
  }
}

/** `SPEEDUP_REDIS_URL`, checked as `--redis` is. */
function redisFromEnvironment(): RedisAddress | undefined {
  try {
    return RedisAddress.fromEnvironment();
  } catch (error) {
    failUsage(`${REDIS_URL_VARIABLE}: ${(error as Error).message}`);
  }
}

export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const machine = machineRanges();
  const capacity = machineCapacity();
  const sweeps = sweepParsers(machine);
  const program = new Command('pnpm bench')
    .description(
      'Runs every strategy package on identical inputs, one at a time, checks that each computed exactly what the sequential reference computed, and prints how long each took.',
    )
    .option(
      '--only <strategies>',
      'comma-separated strategies to run, by folder name (io-sync,io-threading), or name:variant',
      commaList,
    )
    .option(
      '--python',
      "add the article's own Python programs (py-*) to the selection: off by default, as fib takes minutes in Python",
    )
    .option('--workload <workload>', 'only io or only cpu strategies', (value) => {
      const [workload] = oneOf<Workload>(['io', 'cpu'])(value);
      return workload;
    })
    .option(
      '--job <jobs>',
      `comma-separated jobs: ${jobNames.join(', ')}`,
      oneOf<BenchJobName>(jobNames),
    )
    .option(
      '--runs <n>',
      withRange('measured runs per strategy and job (at least, with --min-time)', benchRanges.runs),
      inRange(benchRanges.runs),
      3,
    )
    .option(
      '--min-time <seconds>',
      withRange(
        'keep measuring until the measured runs add up to this much time (0: exactly --runs)',
        benchRanges.seconds,
      ),
      inRange(benchRanges.seconds),
      DEFAULT_MIN_TIME_S,
    )
    .option(
      '--warmup <n>',
      withRange(
        'runs before the measured ones, not counted, the first one cold (default: until three in a row agree within 5 %, at most 0.5 s; 0: the cold run is measured)',
        benchRanges.warmup,
      ),
      inRange(benchRanges.warmup),
    )
    .option(
      '--precision <percent>',
      withRange(
        "keep measuring a row until its typical time's 95 % interval is this narrow, ± (0: off)",
        PERCENT,
      ),
      percent,
      DEFAULT_PRECISION_PERCENT / 100,
    )
    .option(
      '--time-budget <seconds>',
      withRange(
        'measured time per row after which it gets no more runs for --precision (one still three times as far from it: up to twice --runs), and may stop at 2 runs that agree to it',
        benchRanges.budget,
      ),
      inRange(benchRanges.budget),
      DEFAULT_TIME_BUDGET_S,
    )
    .option(
      '--tie-margin <percent>',
      withRange(
        'strategies differ only when the interval of their ratio lies wholly beyond this margin; taking turns, two that the runs cannot yet tell apart or alike get more, up to three times --runs',
        PERCENT,
      ),
      percent,
      DEFAULT_TIE_MARGIN_PERCENT / 100,
    )
    .option(
      '--seed <n>',
      withRange('seeds the order strategies take turns in', benchRanges.seed),
      inRange(benchRanges.seed),
      DEFAULT_SEED,
    )
    .option(
      '--size <factor>',
      withRange(
        "scale every job's work (1 is the article's; 0.1 is ten times less; pages × size at most 100,000)",
        benchRanges.size,
      ),
      inRange(benchRanges.size),
      1,
    )
    .option(
      '--workers <n>',
      `pool size for every strategy with a pool (default: each strategy picks); 1 to ${machine.workers.max.toLocaleString('en-US')} worker threads or 1 to ${capacity.processWorkers.toLocaleString('en-US')} child processes, what this machine's memory and thread limits allow`,
      inRange(machine.workers),
    )
    .option(
      '--concurrency <n>',
      withRange(
        'in-flight limit for strategies without a pool, up to the open files one process may hold (less 1,024 to spare)',
        machine.concurrency,
      ),
      inRange(machine.concurrency),
    )
    .option(
      '--distributed',
      'add the distributed strategies (a job queue, BullMQ on Redis) to the selection',
      false,
    )
    .option(
      '--redis <url>',
      `the Redis for the distributed strategies, redis:// or rediss:// (default: $${REDIS_URL_VARIABLE}, else each starts a redis-server of its own); a password may come from $SPEEDUP_REDIS_PASSWORD`,
      redisAddress,
    )
    .option(
      '--remote-workers',
      'distributed strategies use the workers already waiting on --redis (started with their `worker` command) instead of starting their own',
      false,
    )
    .option(
      '--batch <n>',
      withRange(
        "items a pool hands a worker at once, Python's chunksize (default 1)",
        benchRanges.batch,
      ),
      inRange(benchRanges.batch),
    )
    .option(
      '--variants',
      'add every variant of the selected strategies (cpu-threading:piscina, …) to the run',
    )
    .option(
      '--pictures',
      "sample every measured run for the timelines' lanes (each thread's CPU time, the event loop's delay) and keep an I/O row's in --export-json; on with --report. Costs each run a 1 ms timer",
    )
    .option(
      '--floor',
      'add a floor row to the download job: a bare undici client, measured and diffed like a strategy, beside io-asyncio',
    )
    .option(
      '--interleave',
      'measure the strategies of a job taking turns, a run each, in a seeded shuffled order, so a machine whose speed drifts treats them alike (the default)',
      true,
    )
    .option('--no-interleave', 'measure one strategy after another instead')
    .option(
      '--sweep <setting=values>',
      `run everything once per value, e.g. workers=1,2,5,10,20,50 (settings: ${Object.keys(sweeps).join(', ')}; each value within its option's range)`,
      parseSweep(sweeps),
    )
    .option(
      '--export-json <file>',
      'write every result, with every run time, to a JSON file (hyperfine format)',
    )
    .option('--export-markdown <file>', 'write the result tables as Markdown, for a README')
    .option(
      '--compare <file>',
      'compare with an earlier --export-json file of the same jobs and inputs: faster, slower, same or too few runs to tell, per row',
    )
    .option(
      '--fail-if-slower <percent>',
      withRange(
        'with --compare, exit 1 when a row is significantly slower than before by more than this',
        PERCENT,
      ),
      percent,
    )
    .option(
      '--max-failures <percent>',
      withRange(
        'exit 1 when more than this share of a strategy’s pages failed (default: report them and go on)',
        PERCENT,
      ),
      percent,
    )
    .option('--report <dir>', 'write an HTML report with charts and timelines to <dir>/index.html')
    .option(
      '--timeline <strategy>',
      'print the timelines of one strategy’s tasks, by folder name or name:variant',
    )
    .option(
      '--root <dir>',
      'workspace whose packages/ folder holds the strategies',
      repositoryRoot,
    );
  addDownloadOptions(program);
  parseCommandLine(program, argv);
  type Parsed = Omit<BenchOptions, 'jobs' | 'minTime' | 'limits' | 'warmup' | 'budgetMs'> &
    DownloadFlags & {
      job?: BenchJobName[];
      minTime: number;
      warmup?: number;
      timeBudget: number;
      python?: boolean;
      distributed: boolean;
    };
  const parsed = program.opts<Parsed>();
  const {
    job,
    minTime,
    warmup,
    timeBudget,
    python,
    distributed,
    sitesFile,
    connectTimeout,
    headersTimeout,
    bodyTimeout,
    pageTimeout,
    maxBytes,
    ...rest
  } = parsed;
  if (rest.failIfSlower !== undefined && rest.compare === undefined) {
    failUsage('--fail-if-slower needs --compare <file>: slower than what?');
  }
  checkPagesAndSize(rest);
  const redis = rest.redis ?? redisFromEnvironment();
  if (rest.remoteWorkers && !redis) {
    failUsage('--remote-workers needs the Redis the workers wait on: name it with --redis <url>');
  }
  return {
    ...rest,
    redis,
    lanes: [...(python ? ['python'] : []), ...(distributed ? ['distributed'] : [])],
    sites: rest.sites ?? sitesFile,
    jobs: job,
    minTime: minTime * 1000,
    warmup: warmup ?? 'steady',
    budgetMs: timeBudget * 1000,
    limits: limitsFrom(parsed),
  };
}
