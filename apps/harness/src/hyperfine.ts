/**
 * `pnpm bench:hyperfine`: times each strategy's standalone `start` as a whole process
 * with the real hyperfine, so start-up of Node itself, of pools and (for I/O) of the
 * local server counts too: the figure a user running one script would see.
 */
import { spawnSync } from 'node:child_process';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jobNames } from '@speedup/shared-core';
import {
  addDownloadOptions,
  commaList,
  type DownloadFlags,
  failUsage,
  inRange,
  limitsFrom,
  oneOf,
  parseCommandLine,
  withRange,
} from '@speedup/shared-core/cli';
import { findStrategies } from '@speedup/shared-core/harness';
import { Command } from 'commander';
import { benchRanges } from './options.js';

const INSTALL_HINT =
  'hyperfine is not installed: on Debian or Ubuntu run `sudo apt-get install hyperfine`, on macOS `brew install hyperfine`; others: https://github.com/sharkdp/hyperfine#installation';

interface Options extends DownloadFlags {
  only?: string[];
  workload?: 'io' | 'cpu';
  job: ('sum-of-squares' | 'fib')[];
  runs: number;
  warmup: number;
  exportJson?: string;
  exportMarkdown?: string;
}

const root = fileURLToPath(new URL('../../../', import.meta.url));
const startScript = fileURLToPath(
  new URL('../../../packages/shared-core/bin/speedup-start.js', import.meta.url),
);

const program = new Command('pnpm bench:hyperfine')
  .description("Times every strategy's standalone start as a whole process, with hyperfine.")
  .option('--only <strategies>', 'comma-separated strategies, by folder name', commaList)
  .option(
    '--workload <workload>',
    'only io or only cpu strategies',
    (value) => oneOf(['io', 'cpu'] as const)(value)[0],
  )
  .option(
    '--job <jobs>',
    'CPU jobs: sum-of-squares, fib (comma-separated)',
    oneOf(jobNames.filter((job) => job !== 'download') as ('sum-of-squares' | 'fib')[]),
    ['sum-of-squares'],
  )
  .option(
    '--runs <n>',
    withRange('runs per command', benchRanges.runs),
    inRange(benchRanges.runs),
    3,
  )
  .option(
    '--warmup <n>',
    withRange('runs before the measured ones', benchRanges.warmup),
    inRange(benchRanges.warmup),
    1,
  )
  .option('--export-json <file>', "hyperfine's JSON export")
  .option('--export-markdown <file>', "hyperfine's Markdown export");
addDownloadOptions(program);
parseCommandLine(program, process.argv.slice(2));
const options = program.opts<Options>();

const found = findStrategies(root);
const unknown = (options.only ?? []).filter((name) => !found.some((pkg) => pkg.name === name));
if (unknown.length > 0)
  failUsage(
    `unknown strategy '${unknown.join("', '")}' (found: ${found.map((pkg) => pkg.name).join(', ')})`,
  );

if (spawnSync('hyperfine', ['--version'], { stdio: 'ignore' }).error) {
  process.stderr.write(`error: ${INSTALL_HINT}\n`);
  process.exit(1);
}

const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;
const flagOf = (name: string) =>
  `--${name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
const sites = options.sites ?? options.sitesFile;
const downloadArgs = [
  `--latency ${options.latency}`,
  `--pages ${options.pages}`,
  ...(options.jitter > 0 ? [`--jitter ${options.jitter}`] : []),
  ...(sites ? [`--sites ${quote(sites.join(','))}`] : []),
  // The limits reach each start as flags, as the user gave them.
  ...Object.entries(limitsFrom(options)).map(([name, value]) => `${flagOf(name)} ${value}`),
].join(' ');

const args = ['--runs', String(options.runs), '--warmup', String(options.warmup)];
for (const pkg of found) {
  if (options.only && !options.only.includes(pkg.name)) continue;
  // An opt-in lane (the Python programs) runs only when named, as in `pnpm bench`.
  if (!options.only && pkg.optIn) continue;
  if (options.workload && options.workload !== pkg.workload) continue;
  const start = `cd ${quote(relative(root, pkg.dir))} && node ${quote(relative(pkg.dir, startScript))}`;
  if (pkg.workload === 'io') {
    args.push('--command-name', `${pkg.name} download`, `${start} ${downloadArgs}`);
  } else {
    for (const job of options.job)
      args.push('--command-name', `${pkg.name} ${job}`, `${start} --job ${job}`);
  }
}
if (options.exportJson) args.push('--export-json', options.exportJson);
if (options.exportMarkdown) args.push('--export-markdown', options.exportMarkdown);

const run = spawnSync('hyperfine', args, { cwd: root, stdio: 'inherit' });
process.exitCode = run.status ?? 1;
