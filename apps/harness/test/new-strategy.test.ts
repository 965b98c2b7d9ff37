import { execFile } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  type CpuStrategy,
  diffResults,
  downloadInput,
  fibInput,
  type IoStrategy,
  sumOfSquaresInput,
  type TaskEvent,
  workersOf,
} from '@speedup/shared-core';
import { conformance } from '@speedup/shared-core/conformance';
import {
  findStrategies,
  loadStrategy,
  readStrategyPackage,
  type StrategyPackage,
} from '@speedup/shared-core/harness';
import { startSiteServer } from '@speedup/site-server';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type NewStrategy,
  strategyFiles,
  writeStrategyPackage,
} from '../../../scripts/strategy-template.js';

// `pnpm new-strategy`: what it refuses, and that what it writes is a strategy the harness
// finds and that passes the contract. Packages are generated into a temporary workspace,
// never into this repository.

const run = promisify(execFile);
const repository = fileURLToPath(new URL('../../../', import.meta.url));

/** A command-line shim, as pnpm puts in node_modules/.bin, running `script` with node. */
function shim(bin: string, script: string): void {
  mkdirSync(dirname(bin), { recursive: true });
  writeFileSync(bin, `#!/bin/sh\nexec node "${script}" "$@"\n`);
  chmodSync(bin, 0o755);
}

/**
 * A workspace in a temporary folder holding only what a generated package needs from
 * this one: the base tsconfig and the root's @types/node. Each package gets its
 * dependencies linked into its own node_modules as pnpm links them, from package.json
 * alone: a library the code imports but package.json forgets is not found.
 */
function temporaryWorkspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'speedup-new-strategy-'));
  cpSync(join(repository, 'tsconfig.base.json'), join(root, 'tsconfig.base.json'));
  mkdirSync(join(root, 'packages'));
  mkdirSync(join(root, 'node_modules/@types'), { recursive: true });
  symlinkSync(
    realpathSync(join(repository, 'node_modules/@types/node')),
    join(root, 'node_modules/@types/node'),
  );
  return root;
}

function linkDependencies(dir: string): void {
  const { dependencies } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  for (const name of Object.keys(dependencies)) {
    const source =
      name === '@speedup/shared-core'
        ? join(repository, 'packages/shared-core')
        : join(repository, 'packages/shared-core/node_modules', name);
    mkdirSync(dirname(join(dir, 'node_modules', name)), { recursive: true });
    symlinkSync(realpathSync(source), join(dir, 'node_modules', name));
  }
  shim(join(dir, 'node_modules/.bin/tsc'), join(repository, 'node_modules/typescript/bin/tsc'));
  for (const bin of ['speedup-build', 'speedup-bundle-worker']) {
    shim(
      join(dir, 'node_modules/.bin', bin),
      join(repository, 'packages/shared-core/bin', `${bin}.js`),
    );
  }
}

/** Generates `strategy` into `root`, checks its files are formatted and lint-free, and runs its own build script. */
async function generateAndBuild(root: string, strategy: NewStrategy): Promise<StrategyPackage> {
  const dir = writeStrategyPackage(root, strategy);
  const files = Object.keys(strategyFiles(strategy)).map((path) => join(dir, path));
  await run(
    join(repository, 'node_modules/.bin/biome'),
    ['check', `--config-path=${join(repository, 'biome.json')}`, '--vcs-enabled=false', ...files],
    { cwd: repository },
  );
  linkDependencies(dir);
  const { scripts } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    scripts: { build: string };
  };
  // Outside this workspace there is no turbo to build shared-core with, and it is built
  // already: speedup-build does nothing inside a turbo task, and this says it is in one.
  await run('sh', ['-c', scripts.build], {
    cwd: dir,
    env: {
      ...process.env,
      PATH: `${join(dir, 'node_modules/.bin')}:${process.env.PATH}`,
      TURBO_HASH: 'generated-package-test',
    },
  });
  const pkg = readStrategyPackage(dir);
  if (!pkg) throw new Error(`${dir} was generated without a "speedup" field`);
  return pkg;
}

const workspace = temporaryWorkspace();
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

// The issue's own example, and a pool: their packages must pass the whole contract.
// Generated and built here, before the tests are collected, because `conformance`
// reads the package when it registers its tests.
const cpuSequential = await generateAndBuild(workspace, {
  name: 'demo-x',
  workload: 'cpu',
  model: 'sequential',
});
const ioThreadPool = await generateAndBuild(workspace, {
  name: 'demo-io-pool',
  workload: 'io',
  model: 'threads',
});
conformance(cpuSequential.dir);
conformance(ioThreadPool.dir, { setup: { workers: 2 } });

describe('pnpm new-strategy', () => {
  const cli = (...args: string[]) =>
    run(join(repository, 'node_modules/.bin/tsx'), ['scripts/new-strategy.ts', ...args], {
      cwd: repository,
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );

  it.concurrent.each([
    [['Demo_X', '--workload', 'cpu'], /'Demo_X' is not a kebab-case name/],
    [['io-sync', '--workload', 'io'], /'io-sync' is taken: packages\/io-sync already exists/],
    [['harness', '--workload', 'cpu'], /'harness' is taken: apps\/harness already exists/],
    [['demo-x', '--workload', 'gpu'], /argument 'gpu' is invalid/],
    [['demo-x'], /required option '--workload <workload>' not specified/],
    [['demo-x', '--workload', 'cpu', '--model', 'two words'], /'two words' is not a model name/],
  ])('refuses %j with one line and exit code 2, writing nothing', async (args, message) => {
    const before = readdirSync(join(repository, 'packages'));
    const { code, stderr } = await cli(...args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(readdirSync(join(repository, 'packages'))).toEqual(before);
  });

  it('writes the house shape: manifest, README sections, the conformance test', () => {
    const files = readdirSync(ioThreadPool.dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && !/node_modules|dist/.test(entry.parentPath))
      .map((entry) => join(entry.parentPath, entry.name).slice(ioThreadPool.dir.length + 1))
      .sort();
    expect(files).toEqual([
      'README.md',
      'package.json',
      'src/index.ts',
      'src/worker.ts',
      'test/conformance.test.ts',
      'tsconfig.json',
    ]);
    expect(ioThreadPool).toMatchObject({
      packageName: '@speedup/demo-io-pool',
      workload: 'io',
      model: 'threads',
      isolation: 'thread',
      reference: false,
    });
    const readme = readFileSync(join(ioThreadPool.dir, 'README.md'), 'utf8');
    expect(readme.split('\n').filter((line) => line.startsWith('#'))).toEqual([
      '# demo-io-pool',
      '## The idea',
      '## Run it',
      '## What to notice',
    ]);
    expect(readme).toMatch(/^\| threads +\| the operating system +\| many: Node has no GIL \|$/m);
    expect(readme).toContain('pnpm bench --only io-sync,demo-io-pool');
  });

  it('copies its template, with only the names filled in', () => {
    const template = join(repository, 'templates/io-pool');
    // Files without a name in them are the template's, byte for byte.
    for (const path of ['src/worker.ts', 'test/conformance.test.ts', 'tsconfig.json']) {
      expect(readFileSync(join(ioThreadPool.dir, path), 'utf8'), path).toBe(
        readFileSync(join(template, path), 'utf8'),
      );
    }
    for (const pkg of [cpuSequential, ioThreadPool]) {
      for (const path of Object.keys(strategyFiles(pkg))) {
        expect(readFileSync(join(pkg.dir, path), 'utf8'), `${pkg.name}/${path}`).not.toMatch(
          /template-|<!-- who decides|<!-- how many/,
        );
      }
    }
    // A pool depends on the versions shared-core uses, so the workspace has one of each.
    type Manifest = { dependencies: Record<string, string> };
    const dependenciesOf = (dir: string) =>
      (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest).dependencies;
    const sharedCore = dependenciesOf(join(repository, 'packages/shared-core'));
    expect(dependenciesOf(ioThreadPool.dir)).toEqual({
      '@speedup/shared-core': 'workspace:*',
      undici: sharedCore.undici,
      workerpool: sharedCore.workerpool,
    });
  });

  it('refuses to write over a package that exists', () => {
    expect(() =>
      writeStrategyPackage(workspace, { name: 'demo-x', workload: 'io', model: 'async' }),
    ).toThrow("'demo-x' is taken: packages/demo-x already exists.");
  });

  it('makes packages the harness finds, with what their package.json declares', async () => {
    const cpuProcessPool = await generateAndBuild(workspace, {
      name: 'demo-cpu-pool',
      workload: 'cpu',
      model: 'processes',
    });
    const ioNewModel = await generateAndBuild(workspace, {
      name: 'demo-io-new',
      workload: 'io',
      model: 'threads+async',
    });
    expect(
      findStrategies(workspace).map((pkg) => [pkg.name, pkg.workload, pkg.model, pkg.isolation]),
    ).toEqual([
      ['demo-cpu-pool', 'cpu', 'processes', 'process'],
      ['demo-io-new', 'io', 'threads+async', 'none'],
      ['demo-io-pool', 'io', 'threads', 'thread'],
      ['demo-x', 'cpu', 'sequential', 'none'],
    ]);
    // Declared, not left to the default: the author sees where to change it.
    for (const pkg of findStrategies(workspace)) {
      const { speedup } = JSON.parse(readFileSync(join(pkg.dir, 'package.json'), 'utf8')) as {
        speedup: { isolation?: string };
      };
      expect(speedup.isolation, pkg.name).toBe(pkg.isolation);
    }
    // A model the seed's table does not know leaves its row for the author to fill in.
    expect(readFileSync(join(ioNewModel.dir, 'README.md'), 'utf8')).toMatch(
      /^\| threads\+async \| <!-- who decides/m,
    );

    const reference = async (name: string) =>
      loadStrategy(readStrategyPackage(join(repository, 'packages', name)) as StrategyPackage);

    const cpu = (await loadStrategy(cpuProcessPool)) as CpuStrategy;
    const cpuSync = (await reference('cpu-sync')) as CpuStrategy;
    for (const input of [sumOfSquaresInput(0.01), fibInput(20, 4)]) {
      const events: TaskEvent[] = [];
      const results = await cpu.run(input, { workers: 2, onTask: (event) => events.push(event) });
      expect(diffResults(await cpuSync.run(input), results)).toEqual([]);
      expect(workersOf(events).every((worker) => /^pid \d+$/.test(worker))).toBe(true);
    }

    const server = await startSiteServer();
    try {
      const io = (await loadStrategy(ioNewModel)) as IoStrategy;
      const ioSync = (await reference('io-sync')) as IoStrategy;
      const input = downloadInput(server.sites, 6);
      expect(diffResults(await ioSync.run(input), await io.run(input))).toEqual([]);
    } finally {
      await server.close();
    }
  }, 60_000);
});
