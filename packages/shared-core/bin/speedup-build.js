#!/usr/bin/env node
// `speedup-build`: the first step of a package script that needs built packages, so every
// script works from its package's folder, even on a fresh clone right after `pnpm install`.
//
//   speedup-build                 this package and the workspace packages it depends on
//   speedup-build --dependencies  only those it depends on: the start of its own build
//   speedup-build --all           every package: what the harness runs
//
// turbo caches every build, so when nothing changed this costs about a second. Nothing is
// printed unless the build fails, and then all of turbo's output. Plain JavaScript, so it
// runs before anything is built.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const scopes = { '': '...', '--dependencies': '^...', '--all': '' };
const args = process.argv.slice(2);
const suffix = args.length <= 1 ? scopes[args[0] ?? ''] : undefined;
if (suffix === undefined) {
  process.stderr.write('usage: speedup-build [--dependencies | --all]\n');
  process.exit(2);
}

// Inside a turbo task (the root's `pnpm build` and `pnpm typecheck`), turbo has built the
// dependencies already (`dependsOn: ["^build"]`); a second turbo run inside it would
// only wait for the first.
if (process.env.TURBO_HASH) process.exit(0);

let turbo;
try {
  // turbo is the workspace root's devDependency, found from here as Node finds packages.
  turbo = createRequire(import.meta.url).resolve('turbo/bin/turbo');
} catch {
  process.stderr.write('error: turbo is not installed: run `pnpm install` first\n');
  process.exit(2);
}

// pnpm runs a package's scripts in its folder.
const { name } = JSON.parse(readFileSync('package.json', 'utf8'));
const filter = suffix === '' ? [] : [`--filter=${name}${suffix}`];
const build = spawnSync(
  process.execPath,
  [turbo, 'run', 'build', ...filter, '--output-logs=errors-only'],
  {
    // Run in a package's folder without a filter, turbo builds only that package.
    cwd: workspaceRoot(),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
  },
);
if (build.error) {
  process.stderr.write(`error: could not run turbo: ${build.error.message}\n`);
  process.exit(1);
}
if (build.status !== 0) {
  process.stderr.write(build.stdout + build.stderr);
  process.exit(build.status ?? 1);
}

function workspaceRoot() {
  let dir = process.cwd();
  while (!existsSync(join(dir, 'pnpm-workspace.yaml')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}
