import { type SpawnSyncOptions, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const dist = (file: string) => fileURLToPath(new URL(`../dist/${file}`, import.meta.url));

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
