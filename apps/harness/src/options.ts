import { fileURLToPath } from 'node:url';
import { type BenchJobName, type HttpLimits, jobNames, type Workload } from '@speedup/shared-core';
import {
  addDownloadOptions,
  commaList,
  type DownloadFlags,
  failUsage,
  limitsFrom,
  nonNegativeInteger,
  nonNegativeNumber,
  oneOf,
  parseCommandLine,
  positiveInteger,
  positiveNumber,
} from '@speedup/shared-core/cli';
import { Command, InvalidArgumentError } from 'commander';

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

/** A percentage from 0 to 100, as a fraction. */
function percent(value: string): number {
  const number = nonNegativeNumber(value);
  if (number > 100) throw new InvalidArgumentError(`'${value}' is not a percentage from 0 to 100.`);
  return number / 100;
}

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));

const sweepParameters: Record<SweepParameter, (value: string) => number> = {
  workers: positiveInteger,
  concurrency: positiveInteger,
  pages: positiveInteger,
  latency: nonNegativeNumber,
  size: positiveNumber,
  batch: positiveInteger,
};

/** `workers=1,2,5,10`: one setting and the values to run it at, in the order given. */
function parseSweep(value: string): Sweep {
  const [name, list] = value.split('=', 2);
  const parse = sweepParameters[name as SweepParameter];
  if (!parse || list === undefined) {
    throw new InvalidArgumentError(
      `'${value}' is not a sweep (write <setting>=<values>, e.g. workers=1,2,5; settings: ${Object.keys(sweepParameters).join(', ')}).`,
    );
  }
  return { parameter: name as SweepParameter, values: [...new Set(commaList(list).map(parse))] };
}

export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const program = new Command('pnpm bench')
    .description(
      'Runs every strategy package on identical inputs, one at a time, checks that each computed exactly what the sequential reference computed, and prints how long each took.',
    )
    .option(
      '--only <strategies>',
      'comma-separated strategies to run, by folder name (io-sync,io-threading), or name:variant',
      commaList,
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
      'measured runs per strategy and job (at least, with --min-time)',
      positiveInteger,
      3,
    )
    .option(
      '--min-time <seconds>',
      'keep measuring until the measured runs add up to this much time (0: exactly --runs)',
      nonNegativeNumber,
      DEFAULT_MIN_TIME_S,
    )
    .option(
      '--warmup <n>',
      'runs before the measured ones, not counted, the first one cold (default: until three in a row agree within 5 %, at most 0.5 s; 0: the cold run is measured)',
      nonNegativeInteger,
    )
    .option(
      '--precision <percent>',
      "keep measuring a row until its typical time's 95 % interval is this narrow, ± (0: off)",
      percent,
      DEFAULT_PRECISION_PERCENT / 100,
    )
    .option(
      '--time-budget <seconds>',
      'measured time per row after which it gets no more runs for --precision, and may stop at 2 runs',
      positiveNumber,
      DEFAULT_TIME_BUDGET_S,
    )
    .option(
      '--tie-margin <percent>',
      'strategies differ only when the interval of their ratio lies wholly beyond this margin',
      percent,
      DEFAULT_TIE_MARGIN_PERCENT / 100,
    )
    .option(
      '--seed <n>',
      'seeds the order strategies take turns in',
      nonNegativeInteger,
      DEFAULT_SEED,
    )
    .option(
      '--size <factor>',
      "scale every job's work (1 is the article's; 0.1 is ten times less)",
      positiveNumber,
      1,
    )
    .option(
      '--workers <n>',
      'pool size for every strategy with a pool (default: each strategy picks)',
      positiveInteger,
    )
    .option('--concurrency <n>', 'in-flight limit for strategies without a pool', positiveInteger)
    .option(
      '--batch <n>',
      "items a pool hands a worker at once, Python's chunksize (default 1)",
      positiveInteger,
    )
    .option(
      '--variants',
      'add every variant of the selected strategies (cpu-threading:piscina, …) to the run',
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
      `run everything once per value, e.g. workers=1,2,5,10,20,50 (settings: ${Object.keys(sweepParameters).join(', ')})`,
      parseSweep,
    )
    .option(
      '--export-json <file>',
      'write every result, with every run time, to a JSON file (hyperfine format)',
    )
    .option('--export-markdown <file>', 'write the result tables as Markdown, for a README')
    .option(
      '--compare <file>',
      'compare with an earlier --export-json file of the same jobs and inputs: faster, slower or same, per row',
    )
    .option(
      '--fail-if-slower <percent>',
      'with --compare, exit 1 when a row is significantly slower than before by more than this',
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
    };
  const parsed = program.opts<Parsed>();
  const {
    job,
    minTime,
    warmup,
    timeBudget,
    sitesFile,
    connectTimeout,
    headersTimeout,
    bodyTimeout,
    maxBytes,
    ...rest
  } = parsed;
  if (rest.failIfSlower !== undefined && rest.compare === undefined) {
    failUsage('--fail-if-slower needs --compare <file>: slower than what?');
  }
  return {
    ...rest,
    sites: rest.sites ?? sitesFile,
    jobs: job,
    minTime: minTime * 1000,
    warmup: warmup ?? 'steady',
    budgetMs: timeBudget * 1000,
    limits: limitsFrom(parsed),
  };
}
