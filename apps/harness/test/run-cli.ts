import { type SpawnSyncOptions, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = (file: string) => fileURLToPath(new URL(`../dist/${file}`, import.meta.url));

/**
 * Every process a test file starts carries this in its environment, and so does every
 * process those start (they inherit it): the leak checks below count only processes of
 * the file that runs them, not a redis-server, site server or queue worker that anything
 * else on the machine started meanwhile.
 */
const FILE_MARK_VARIABLE = 'SPEEDUP_TEST_FILE';
process.env[FILE_MARK_VARIABLE] ??= randomUUID();
const FILE_MARK = `${FILE_MARK_VARIABLE}=${process.env[FILE_MARK_VARIABLE]}`;

/** The built `pnpm bench` entry point. */
export const cli = dist('cli.js');

/** `pnpm bench` as a user runs it (built first): a process of its own, its output collected. */
export function bench(args: readonly string[], options: Omit<SpawnSyncOptions, 'encoding'> = {}) {
  return spawnSync(process.execPath, [cli, ...args], { ...options, encoding: 'utf8' });
}

/** `pnpm bench:hyperfine`, the same way. */
export function benchHyperfine(
  args: readonly string[],
  options: Omit<SpawnSyncOptions, 'encoding'> = {},
) {
  return spawnSync(process.execPath, [dist('hyperfine.js'), ...args], {
    ...options,
    encoding: 'utf8',
  });
}

/** A strategy package's `pnpm start`, run from its folder as pnpm runs it. */
export function start(
  strategy: string,
  args: readonly string[],
  options: Omit<SpawnSyncOptions, 'encoding'> = {},
) {
  const script = fileURLToPath(
    new URL('../../../packages/shared-core/bin/speedup-start.js', import.meta.url),
  );
  const cwd = fileURLToPath(new URL(`../../../packages/${strategy}/`, import.meta.url));
  return spawnSync(process.execPath, [script, ...args], { cwd, ...options, encoding: 'utf8' });
}

/** Exactly this many measured runs, no warm-up, no time or precision goal: for tests of what the harness does, not of how fast. */
export const runsOnly = (runs: number) => [
  '--runs',
  String(runs),
  '--min-time',
  '0',
  '--warmup',
  '0',
  '--precision',
  '0',
];

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** A strategy package the harness has never seen: its workload and its `dist/index.js`. */
export interface ScratchStrategy {
  readonly workload: 'io' | 'cpu';
  readonly source: string;
}

/**
 * A scratch workspace for `--root`: the real `reference` package linked in, and beside it
 * each strategy package of `strategies`, written here (sequential, with shared-core to
 * import). Returns its root; the caller removes it.
 */
export function scratchWorkspace(
  reference: string,
  strategies: Record<string, ScratchStrategy>,
): string {
  const root = mkdtempSync(join(tmpdir(), 'speedup-scratch-'));
  mkdirSync(join(root, 'packages'));
  symlinkSync(join(repositoryRoot, 'packages', reference), join(root, 'packages', reference));
  for (const [name, { workload, source }] of Object.entries(strategies)) {
    const dir = join(root, 'packages', name);
    mkdirSync(join(dir, 'dist'), { recursive: true });
    mkdirSync(join(dir, 'node_modules/@speedup'), { recursive: true });
    symlinkSync(
      join(repositoryRoot, 'packages/shared-core'),
      join(dir, 'node_modules/@speedup/shared-core'),
    );
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({
        name: `@scratch/${name}`,
        type: 'module',
        exports: './dist/index.js',
        speedup: { workload, model: 'sequential' },
      }),
    );
    writeFileSync(join(dir, 'dist/index.js'), source);
  }
  return root;
}

/** Processes running now whose command line `matches`, each as `pid command`. */
export function processesMatching(matches: (command: string) => boolean): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    let command = '';
    let environment: string[] = [];
    try {
      command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      environment = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (matches(command) && environment.includes(FILE_MARK)) found.push(`${pid} ${command}`);
  }
  return found;
}

/** Processes of this repository's harness, server and pools that are running now. */
export const ourProcesses = () =>
  processesMatching(
    (command) =>
      command.includes(repositoryRoot) &&
      /child-process\/(child|ceiling-child)\.js|server-process\.js|worker\.mjs/.test(command),
  );

/**
 * Waits up to 3 s for every process `running` lists (ours, unless told) that was not
 * running `before` to be gone; returns those left.
 */
export async function processesLeftSince(
  before: readonly string[],
  running: () => string[] = ourProcesses,
): Promise<string[]> {
  let left = running().filter((line) => !before.includes(line));
  for (let tries = 0; left.length > 0 && tries < 30; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    left = running().filter((line) => !before.includes(line));
  }
  return left;
}
