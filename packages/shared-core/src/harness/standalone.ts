import { startSiteServer } from '@speedup/site-server';
import { Command } from 'commander';
import {
  addDownloadOptions,
  type DownloadFlags,
  failUsage,
  inRange,
  limitsFrom,
  oneOf,
  parseCommandLine,
  withRange,
} from '../cli.js';
import { cpuInput, downloadInput, MANY_SMALL_TASKS } from '../jobs.js';
import { httpLimits, setHttpLimits } from '../limits.js';
import { redactUrl } from '../redact.js';
import { outcomeKind } from '../results.js';
import { type CpuStrategy, type IoStrategy, runOptions } from '../strategy.js';
import type {
  BenchJobName,
  CpuResult,
  PageResult,
  Runner,
  SetupOptions,
  TaskEvent,
} from '../types.js';
import { machineCapacity } from './capacity.js';
import { countOutcomes, failuresInWords } from './outcomes.js';
import { loadStrategy, readStrategyPackage } from './packages.js';

/**
 * `pnpm --filter @speedup/<strategy> start`: runs one strategy once, on its own, and
 * prints what the article's scripts print. Everything here is plumbing, kept out of the
 * strategy packages so they hold only the lesson.
 */

type CpuBenchJob = Exclude<BenchJobName, 'download'>;

interface StartOptions extends Partial<DownloadFlags> {
  workers?: number;
  concurrency?: number;
  batch?: number;
  variant?: string;
  job: CpuBenchJob[];
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/** Items of a CPU job printed one per line, as the article's scripts print them. */
const SHOWN_ITEMS = 100;

export async function startStandalone(argv: readonly string[], dir = process.cwd()): Promise<void> {
  const pkg = readStrategyPackage(dir);
  if (!pkg) failUsage(`${dir} is not a strategy package (no "speedup" field in its package.json)`);

  // As many workers as this machine lets this strategy start: threads cost less than processes.
  const capacity = machineCapacity();
  const workers = {
    min: 1,
    max: pkg.isolation === 'process' ? capacity.processWorkers : capacity.threadWorkers,
    integer: true,
  };
  const concurrency = { min: 1, max: capacity.connections, integer: true };
  // A batch larger than the largest job is one batch.
  const batch = { min: 1, max: MANY_SMALL_TASKS, integer: true };
  const program = new Command(`pnpm --filter ${pkg.packageName} start`)
    .description(pkg.description)
    .option(
      '--workers <n>',
      withRange('pool size, for strategies with a pool; at most what this machine allows', workers),
      inRange(workers),
    )
    .option(
      '--concurrency <n>',
      withRange(
        'most tasks in flight, for strategies without a pool; at most the open files allowed',
        concurrency,
      ),
      inRange(concurrency),
    )
    .option(
      '--batch <n>',
      withRange("items a pool hands a worker at once, Python's chunksize (default 1)", batch),
      inRange(batch),
    );
  const variants = Object.keys(pkg.variants);
  if (variants.length > 0) {
    const described = Object.entries(pkg.variants).map(([name, text]) => `${name}: ${text}`);
    program.option(`--variant <name>`, `run a variant (${described.join('; ')})`, (value) => {
      const [variant] = oneOf(variants)(value);
      return variant;
    });
  }
  if (pkg.workload === 'io') addDownloadOptions(program);
  else {
    program.option(
      '--job <job>',
      'CPU jobs, comma-separated: sum-of-squares, fib, many-small',
      oneOf<CpuBenchJob>(['sum-of-squares', 'fib', 'many-small']),
      ['sum-of-squares'],
    );
  }
  parseCommandLine(program, argv);
  const options = program.opts<StartOptions>();
  const strategy = await loadStrategy(pkg);
  const setupOptions: SetupOptions = {
    workers: options.workers,
    concurrency: options.concurrency,
    batch: options.batch,
    variant: options.variant,
  };

  if (strategy.workload === 'io')
    await startIo(strategy, setupOptions, options as StartOptions & DownloadFlags);
  else for (const job of options.job) await startCpu(strategy, setupOptions, job);
}

async function startIo(
  strategy: IoStrategy,
  setupOptions: SetupOptions,
  options: StartOptions & DownloadFlags,
): Promise<void> {
  setHttpLimits(limitsFrom(options));
  const sites = options.sites ?? options.sitesFile;
  const server = sites
    ? undefined
    : await startSiteServer({ latency: options.latency, jitter: options.jitter });
  try {
    const input = downloadInput(sites ?? server?.sites ?? [], options.pages);
    const where = server ? ` (local server, ${options.latency} ms latency)` : '';
    const { results, events, setup, work } = await runOnce(strategy, setupOptions, input);
    for (const { index, worker } of events) {
      const page = results[index] as PageResult;
      const url = redactUrl(page.url);
      console.log(
        page.error
          ? `Failed ${url}: ${outcomeKind(page)} [${worker}]`
          : `Read ${page.bytes} from ${url} [${worker}]`,
      );
    }
    const outcomes = countOutcomes(results);
    if (outcomes.failed > 0) console.log(`${failuresInWords(outcomes, httpLimits())}.`);
    console.log(`Set up in ${seconds(setup)} seconds`);
    console.log(`Downloaded ${results.length} in ${seconds(work)} seconds${where}`);
  } finally {
    await server?.close();
  }
}

async function startCpu(
  strategy: CpuStrategy,
  setupOptions: SetupOptions,
  job: CpuBenchJob,
): Promise<void> {
  const { results, events, setup, work } = await runOnce(strategy, setupOptions, cpuInput(job));
  // many-small's hundred thousand lines would bury the rest: its first few stand for them.
  for (const { index, worker } of events.slice(0, SHOWN_ITEMS)) {
    const { input, value } = results[index] as CpuResult;
    console.log(`${job}(${input}) = ${value} [${worker}]`);
  }
  if (events.length > SHOWN_ITEMS) console.log(`… and ${events.length - SHOWN_ITEMS} more`);
  if (job === 'sum-of-squares') {
    console.log(`Total ${results.reduce((total, { value }) => total + BigInt(value), 0n)}`);
  }
  console.log(`Set up in ${seconds(setup)} seconds`);
  console.log(`Computed ${results.length} ${job} items in ${seconds(work)} seconds`);
}

async function runOnce<Input, Result>(
  strategy: { setup(options: SetupOptions): Promise<Runner<Input, Result>> },
  setupOptions: SetupOptions,
  input: Input,
): Promise<{ results: Result[]; events: TaskEvent[]; setup: number; work: number }> {
  const events: TaskEvent[] = [];
  const startedSetup = performance.now();
  const runner = await strategy.setup(setupOptions);
  const setup = performance.now() - startedSetup;
  try {
    const startedWork = performance.now();
    const results = await runner.run(input, runOptions({ onTask: (event) => events.push(event) }));
    const work = performance.now() - startedWork;
    return { results, events, setup, work };
  } finally {
    await runner.close();
  }
}
