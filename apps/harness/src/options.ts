import { fileURLToPath } from 'node:url';
import {
  DEFAULT_LATENCY_MS,
  DEFAULT_PAGES,
  type JobName,
  jobNames,
  type Workload,
} from '@speedup/shared-core';
import {
  commaList,
  nonNegativeInteger,
  nonNegativeNumber,
  oneOf,
  parseCommandLine,
  positiveInteger,
  siteUrls,
} from '@speedup/shared-core/cli';
import { Command } from 'commander';

export interface BenchOptions {
  /** Strategy names (package folders); all when undefined. */
  readonly only?: readonly string[];
  readonly workload?: Workload;
  readonly jobs?: readonly JobName[];
  readonly runs: number;
  readonly warmup: number;
  /** Milliseconds the local server waits before each response. */
  readonly latency: number;
  readonly pages: number;
  /** Sites to download instead of the local server. */
  readonly sites?: readonly string[];
  readonly workers?: number;
  readonly concurrency?: number;
  readonly exportJson?: string;
  /** Folder to write the HTML report into (`index.html`). */
  readonly report?: string;
  /** Strategy whose timelines to print in the terminal. */
  readonly timeline?: string;
  /** Workspace whose `packages/` folder holds the strategies. */
  readonly root: string;
}

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));

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
      oneOf<JobName>(jobNames),
    )
    .option('--runs <n>', 'measured runs per strategy and job', positiveInteger, 3)
    .option('--warmup <n>', 'runs before the measured ones, not counted', nonNegativeInteger, 1)
    .option(
      '--latency <ms>',
      'delay of every response from the local server',
      nonNegativeNumber,
      DEFAULT_LATENCY_MS,
    )
    .option(
      '--pages <n>',
      'pages in the download job, alternating the two sites',
      positiveInteger,
      DEFAULT_PAGES,
    )
    .option(
      '--sites <urls>',
      'comma-separated http(s) URLs to download instead of the local server',
      siteUrls,
    )
    .option(
      '--workers <n>',
      'pool size for every strategy with a pool (default: each strategy picks)',
      positiveInteger,
    )
    .option(
      '--concurrency <n>',
      'in-flight limit for strategies without a pool (default: none)',
      positiveInteger,
    )
    .option(
      '--export-json <file>',
      'write every result, with every run time, to a JSON file (hyperfine format)',
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
  parseCommandLine(program, argv);
  const options = program.opts<Omit<BenchOptions, 'jobs'> & { job?: JobName[] }>();
  const { job, ...rest } = options;
  return { ...rest, jobs: job };
}
