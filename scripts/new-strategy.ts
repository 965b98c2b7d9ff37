import { spawnSync } from 'node:child_process';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Workload } from '@speedup/shared-core';
import { Command, InvalidArgumentError, Option } from 'commander';
import { MODEL_NAME, problemWithName, writeStrategyPackage } from './strategy-template.js';

/**
 * `pnpm new-strategy <name> --workload io|cpu [--model <model>]`: adds a strategy package
 * that already passes the contract and runs in `pnpm bench`, then links it into the
 * workspace. Bad input is one line on stderr, exit code 2, and nothing written.
 */

const root = fileURLToPath(new URL('..', import.meta.url));

// The argument parsing is shared-core's, and a fresh clone has not built shared-core yet.
// turbo builds it (and the site server it needs) only when its sources changed; its
// output is shown only if the build fails.
const build = spawnSync(
  'pnpm',
  ['exec', 'turbo', 'run', 'build', '--filter=@speedup/shared-core', '--output-logs=errors-only'],
  { cwd: root, encoding: 'utf8', env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' } },
);
if (build.status !== 0) {
  process.stderr.write(`${build.stdout}${build.stderr}error: building shared-core failed\n`);
  process.exit(1);
}
const { failUsage, parseCommandLine } = await import('@speedup/shared-core/cli');

function modelName(value: string): string {
  if (!MODEL_NAME.test(value)) {
    throw new InvalidArgumentError(
      `'${value}' is not a model name (lower-case words joined by '-' or '+', e.g. threads or threads+async).`,
    );
  }
  return value;
}

const program = new Command('pnpm new-strategy')
  .description('Add a strategy package under packages/, of the house shape, passing the contract')
  .argument('<name>', 'kebab-case folder name, e.g. io-hybrid; the package is @speedup/<name>')
  .addOption(
    new Option('--workload <workload>', 'what the work waits on')
      .choices(['io', 'cpu'])
      .makeOptionMandatory(),
  )
  .option(
    '--model <model>',
    'how it runs tasks at once: sequential, threads, async, processes, or a new one; threads and processes start as a pool',
    modelName,
    'sequential',
  );

parseCommandLine(program, process.argv.slice(2));
const [name] = program.args as [string];
const { workload, model } = program.opts<{ workload: Workload; model: string }>();

const problem = problemWithName(root, name);
if (problem) failUsage(problem);

const dir = writeStrategyPackage(root, { name, workload, model });
const folder = relative(root, dir);
process.stdout.write(`Created ${folder} (@speedup/${name}: ${workload}, ${model}).\n`);

// Links the package into the workspace: its dependencies, and its name for `--filter`.
// `--no-frozen-lockfile` because adding a package changes the lockfile, which CI
// environments otherwise refuse.
const install = spawnSync('pnpm', ['install', '--no-frozen-lockfile'], {
  cwd: root,
  stdio: 'inherit',
});
if (install.status !== 0) {
  process.stderr.write(
    `error: pnpm install failed; ${folder} is written: fix the problem and run pnpm install\n`,
  );
  process.exit(1);
}

const reference = workload === 'io' ? 'io-sync' : 'cpu-sync';
process.stdout.write(`
Next:
  edit ${folder}/src/index.ts, README.md and the description in package.json
  pnpm build && npx vitest run --project @speedup/${name}   # the contract, and your own tests
  pnpm bench --only ${name}                                 # measured, and diffed against ${reference}
See CONTRIBUTING.md for what the contract asks.
`);
