import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadStrategy, readStrategyPackage } from '../harness/packages.js';
import type { CpuStrategy, IoStrategy, Strategy } from '../strategy.js';
import type { SetupOptions } from '../types.js';
import { cpuTests } from './cpu.js';
import { cpuCrashTests, ioCrashTests } from './crashes.js';
import { ioTests } from './io.js';

/**
 * The strategy contract as a test suite. A strategy package runs all of it with one
 * call from its own test file:
 *
 *   import { conformance } from '@speedup/shared-core/conformance';
 *   conformance(new URL('..', import.meta.url));
 *
 * It loads the package as the harness does (its built entry), so run `pnpm build`
 * first; the root `pnpm test` does. Like abstract-level's suite, it runs what the
 * package declares: the jobs of its `workload`, and the crash tests its `isolation`
 * allows (a strategy that runs tasks on the caller's thread cannot survive a task that
 * kills its thread, and is not asked to).
 */

export interface ConformanceOptions {
  /** Set-up options for every run, e.g. a small pool to keep tests quick. */
  readonly setup?: SetupOptions;
}

/** Registers the contract's tests for the strategy package in `packageDir`. */
export function conformance(
  packageDir: string | URL,
  { setup = {} }: ConformanceOptions = {},
): void {
  const dir = typeof packageDir === 'string' ? packageDir : fileURLToPath(packageDir);
  const pkg = readStrategyPackage(dir);
  if (!pkg)
    throw new Error(`${dir} has no "speedup" field in its package.json: not a strategy package`);
  let strategy: Promise<Strategy> | undefined;
  const load = () => {
    strategy ??= loadStrategy(pkg);
    return strategy;
  };

  const name = setup.variant ? `${pkg.name}:${setup.variant}` : pkg.name;
  describe(`${name} meets the strategy contract`, () => {
    it('is built, and its code declares the workload and model its package.json declares', async () => {
      const loaded = await load();
      expect(loaded.name).toBe(pkg.name);
      expect(loaded.workload).toBe(pkg.workload);
      expect(loaded.model).toBe(pkg.model);
    });

    it('declares how many tasks it runs at once', async () => {
      const runner = await (await load()).setup(setup);
      try {
        expect(runner.concurrency).toBeGreaterThanOrEqual(1);
      } finally {
        await runner.close();
      }
    });

    if (pkg.workload === 'io') {
      const loadIo = load as () => Promise<IoStrategy>;
      ioTests(loadIo, setup);
      ioCrashTests(loadIo, setup, pkg.isolation, {
        redelivers: pkg.delivery === 'at-least-once',
      });
    } else {
      const loadCpu = load as () => Promise<CpuStrategy>;
      cpuTests(loadCpu, setup, pkg.isolation);
      cpuCrashTests(loadCpu, setup, pkg.isolation);
    }
  });
}
