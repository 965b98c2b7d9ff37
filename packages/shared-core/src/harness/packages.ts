import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Strategy } from '../strategy.js';
import type { Delivery, Isolation, StrategyManifest } from '../types.js';
import { externalStrategy } from './external.js';
import type { StrategyPackage } from './strategy-package.js';

export type { StrategyPackage } from './strategy-package.js';

/**
 * Finding and loading strategy packages: what the harness and the conformance suite do,
 * never a strategy. A package is a strategy when its package.json declares one (see
 * `StrategyManifest`); it is named by its folder (`io-threading`).
 */

const ISOLATIONS: readonly Isolation[] = ['none', 'thread', 'process'];
const DELIVERIES: readonly Delivery[] = ['at-most-once', 'at-least-once'];

interface PackageJson {
  name?: string;
  description?: string;
  main?: string;
  exports?: string | Record<string, string | Record<string, string>>;
  speedup?: Partial<StrategyManifest>;
}

function entryOf(pkg: PackageJson): string {
  const root = typeof pkg.exports === 'object' ? pkg.exports['.'] : pkg.exports;
  const entry = typeof root === 'object' ? (root.import ?? root.default) : root;
  return entry ?? pkg.main ?? 'index.js';
}

/** Reads `dir/package.json`; undefined when the package is not a strategy. */
export function readStrategyPackage(dir: string): StrategyPackage | undefined {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return undefined;
  const pkg = JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
  const manifest = pkg.speedup;
  if (!manifest) return undefined;
  const name = basename(dir);
  if (manifest.workload !== 'io' && manifest.workload !== 'cpu') {
    throw new Error(`${name}: package.json "speedup.workload" must be "io" or "cpu"`);
  }
  if (typeof manifest.model !== 'string' || manifest.model === '') {
    throw new Error(`${name}: package.json "speedup.model" must name a concurrency model`);
  }
  const isolation = manifest.isolation ?? 'none';
  if (!ISOLATIONS.includes(isolation)) {
    throw new Error(
      `${name}: package.json "speedup.isolation" must be one of ${ISOLATIONS.map((each) => `"${each}"`).join(', ')}`,
    );
  }
  const delivery = manifest.delivery ?? 'at-most-once';
  if (!DELIVERIES.includes(delivery)) {
    throw new Error(
      `${name}: package.json "speedup.delivery" must be one of ${DELIVERIES.map((each) => `"${each}"`).join(', ')}`,
    );
  }
  if (manifest.optIn !== undefined && !/^[a-z][a-z0-9-]*$/.test(manifest.optIn)) {
    throw new Error(`${name}: package.json "speedup.optIn" must name a lane, e.g. "python"`);
  }
  if (manifest.language !== undefined && !/^[a-z][a-z0-9+#-]*$/.test(manifest.language)) {
    throw new Error(`${name}: package.json "speedup.language" must name a language, e.g. "python"`);
  }
  const { command } = manifest;
  if (
    command !== undefined &&
    (!Array.isArray(command) ||
      command.length === 0 ||
      command.some((word) => typeof word !== 'string' || word === ''))
  ) {
    throw new Error(
      `${name}: package.json "speedup.command" must list a program and its arguments, e.g. ["python3", "io_threading.py"]`,
    );
  }
  const variants = manifest.variants ?? {};
  if (
    typeof variants !== 'object' ||
    Object.values(variants).some((text) => typeof text !== 'string')
  ) {
    throw new Error(
      `${name}: package.json "speedup.variants" must map variant names to descriptions`,
    );
  }
  return {
    name,
    packageName: pkg.name ?? name,
    description: pkg.description ?? '',
    dir: resolve(dir),
    entry: resolve(dir, entryOf(pkg)),
    workload: manifest.workload,
    model: manifest.model,
    isolation,
    delivery,
    optIn: manifest.optIn,
    language: manifest.language ?? 'node',
    command,
    reference: manifest.reference === true,
    variants,
  };
}

/** Every strategy package under `root/packages`, sorted by name. */
export function findStrategies(root: string): StrategyPackage[] {
  const packagesDir = join(root, 'packages');
  return readdirSync(packagesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() || entry.isSymbolicLink())
    .map((entry) => readStrategyPackage(join(packagesDir, entry.name)))
    .filter((pkg): pkg is StrategyPackage => pkg !== undefined)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Imports a strategy's built entry and checks it matches what its package.json declares;
 * for a strategy that declares a `command`, a strategy that runs it.
 */
export async function loadStrategy(pkg: StrategyPackage): Promise<Strategy> {
  if (pkg.command) return externalStrategy({ ...pkg, command: pkg.command });
  if (!existsSync(pkg.entry)) {
    throw new Error(`${pkg.name} is not built (${pkg.entry} is missing): run pnpm build`);
  }
  const module = (await import(pathToFileURL(pkg.entry).href)) as { default?: Strategy };
  const strategy = module.default;
  if (!strategy || typeof strategy.setup !== 'function') {
    throw new Error(
      `${pkg.name}: its entry must default-export a strategy made by defineStrategy()`,
    );
  }
  if (strategy.name !== pkg.name) {
    throw new Error(
      `${pkg.name}: the strategy calls itself "${strategy.name}"; name it after its folder`,
    );
  }
  if (strategy.workload !== pkg.workload || strategy.model !== pkg.model) {
    throw new Error(
      `${pkg.name}: package.json says ${pkg.workload}/${pkg.model}, the code says ${strategy.workload}/${strategy.model}`,
    );
  }
  return strategy;
}
