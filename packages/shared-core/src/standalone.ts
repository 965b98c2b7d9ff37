import { startSiteServer } from '@speedup/site-server';
import { Command } from 'commander';
import {
  failUsage,
  nonNegativeNumber,
  oneOf,
  parseCommandLine,
  positiveInteger,
  siteUrls,
} from './cli.js';
import {
  type CpuJobName,
  cpuInput,
  DEFAULT_LATENCY_MS,
  DEFAULT_PAGES,
  downloadInput,
} from './jobs.js';
import { loadStrategy, readStrategyPackage } from './packages.js';
import type { CpuResult, PageResult } from './results.js';
import type { CpuStrategy, IoStrategy, Runner, SetupOptions, TaskEvent } from './strategy.js';

/**
 * `pnpm --filter @speedup/<strategy> start`: runs one strategy once, on its own, and
 * prints what the article's scripts print. Everything here is plumbing, kept out of the
 * strategy packages so they hold only the lesson.
 */

interface StartOptions {
  workers?: number;
  concurrency?: number;
  variant?: string;
  latency: number;
  pages: number;
  sites?: string[];
  job: CpuJobName[];
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

export async function startStandalone(argv: readonly string[], dir = process.cwd()): Promise<void> {
  const pkg = readStrategyPackage(dir);
  if (!pkg) failUsage(`${dir} is not a strategy package (no "speedup" field in its package.json)`);

  const program = new Command(`pnpm --filter ${pkg.packageName} start`)
    .description(pkg.description)
    .option('--workers <n>', 'pool size, for strategies with a pool', positiveInteger)
    .option(
      '--concurrency <n>',
      'most tasks in flight, for strategies without a pool',
      positiveInteger,
    );
  if (pkg.workload === 'io') {
    program
      .option(
        '--latency <ms>',
        'delay of every response from the local server',
        nonNegativeNumber,
        DEFAULT_LATENCY_MS,
      )
      .option(
        '--pages <n>',
        'pages to download, alternating the sites',
        positiveInteger,
        DEFAULT_PAGES,
      )
      .option(
        '--sites <urls>',
        'comma-separated http(s) URLs to download instead of the local server',
        siteUrls,
      );
  } else {
    program.option(
      '--job <job>',
      'CPU job: sum-of-squares or fib',
      oneOf<CpuJobName>(['sum-of-squares', 'fib']),
      ['sum-of-squares'],
    );
  }
  parseCommandLine(program, argv);
  const options = program.opts<StartOptions>();
  const strategy = await loadStrategy(pkg);
  const setupOptions: SetupOptions = {
    workers: options.workers,
    concurrency: options.concurrency,
    variant: options.variant,
  };

  if (strategy.workload === 'io') await startIo(strategy, setupOptions, options);
  else for (const job of options.job) await startCpu(strategy, setupOptions, job);
}

async function startIo(
  strategy: IoStrategy,
  setupOptions: SetupOptions,
  options: StartOptions,
): Promise<void> {
  const server = options.sites ? undefined : await startSiteServer({ latency: options.latency });
  try {
    const input = downloadInput(options.sites ?? server?.sites ?? [], options.pages);
    const where = server ? ` (local server, ${options.latency} ms latency)` : '';
    const { results, events, setup, work } = await runOnce(strategy, setupOptions, input);
    for (const { index, worker } of events) {
      const page = results[index] as PageResult;
      console.log(
        page.error
          ? `Failed ${page.url}: ${page.error}${page.status ? ` ${page.status}` : ''} [${worker}]`
          : `Read ${page.bytes} from ${page.url} [${worker}]`,
      );
    }
    console.log(`Set up in ${seconds(setup)} seconds`);
    console.log(`Downloaded ${results.length} in ${seconds(work)} seconds${where}`);
  } finally {
    await server?.close();
  }
}

async function startCpu(
  strategy: CpuStrategy,
  setupOptions: SetupOptions,
  job: CpuJobName,
): Promise<void> {
  const { results, events, setup, work } = await runOnce(strategy, setupOptions, cpuInput(job));
  for (const { index, worker } of events) {
    const { input, value } = results[index] as CpuResult;
    console.log(`${job}(${input}) = ${value} [${worker}]`);
  }
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
    const results = await runner.run(input, { onTask: (event) => events.push(event) });
    const work = performance.now() - startedWork;
    return { results, events, setup, work };
  } finally {
    await runner.close();
  }
}
