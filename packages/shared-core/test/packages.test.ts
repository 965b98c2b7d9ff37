import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { findStrategies, loadStrategy, readStrategyPackage } from '../src/harness/index.js';

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));
const scratch: string[] = [];

function packageIn(root: string, folder: string, json: object, entry?: string): string {
  const dir = join(root, 'packages', folder);
  mkdirSync(join(dir, 'dist'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ exports: './dist/index.js', ...json }));
  if (entry !== undefined) writeFileSync(join(dir, 'dist', 'index.js'), entry);
  return dir;
}

function scratchRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'speedup-packages-'));
  scratch.push(root);
  return root;
}

afterEach(() => {
  for (const root of scratch.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe('finding strategies', () => {
  it('finds the sequential references of this repository by their package.json field', () => {
    const found = findStrategies(repositoryRoot);
    expect(found.find((pkg) => pkg.name === 'io-sync')).toMatchObject({
      workload: 'io',
      model: 'sequential',
      reference: true,
    });
    expect(found.find((pkg) => pkg.name === 'cpu-sync')).toMatchObject({
      workload: 'cpu',
      reference: true,
    });
    expect(found.some((pkg) => pkg.name === 'shared-core')).toBe(false);
  });

  it('finds every strategy of this repository saying where its tasks run, not leaving it to the default', () => {
    const declared = findStrategies(repositoryRoot).map((pkg) => {
      const { speedup } = JSON.parse(readFileSync(join(pkg.dir, 'package.json'), 'utf8')) as {
        speedup: { isolation?: string };
      };
      return [pkg.name, speedup.isolation];
    });
    expect(declared).toEqual(
      expect.arrayContaining([
        ['io-sync', 'none'],
        ['io-asyncio', 'none'],
        ['io-threading', 'thread'],
        ['io-hybrid', 'thread'],
        ['io-multiprocessing', 'process'],
        ['cpu-sync', 'none'],
        ['cpu-asyncio', 'none'],
        ['cpu-threading', 'thread'],
        ['cpu-multiprocessing', 'process'],
      ]),
    );
    for (const [name, isolation] of declared) expect(isolation, name).toBeDefined();
  });

  it('finds any folder whose package.json has the field, and nothing else', () => {
    const root = scratchRoot();
    packageIn(root, 'cpu-new', {
      name: '@x/cpu-new',
      speedup: { workload: 'cpu', model: 'threads' },
    });
    packageIn(root, 'helper', { name: '@x/helper' });
    expect(findStrategies(root).map((pkg) => pkg.name)).toEqual(['cpu-new']);
  });

  it('rejects a manifest with a bad workload or no model, naming the package', () => {
    const root = scratchRoot();
    const bad = packageIn(root, 'io-bad', { speedup: { workload: 'disk', model: 'threads' } });
    expect(() => readStrategyPackage(bad)).toThrow(
      'io-bad: package.json "speedup.workload" must be "io" or "cpu"',
    );
    const noModel = packageIn(root, 'io-nomodel', { speedup: { workload: 'io' } });
    expect(() => readStrategyPackage(noModel)).toThrow(/io-nomodel: .*model/);
  });

  it('refuses to load a package that is not built, or whose code disagrees with its manifest', async () => {
    const root = scratchRoot();
    const unbuilt = readStrategyPackage(
      packageIn(root, 'cpu-unbuilt', { speedup: { workload: 'cpu', model: 'threads' } }),
    );
    await expect(loadStrategy(unbuilt as never)).rejects.toThrow(/cpu-unbuilt is not built/);
    const liar = readStrategyPackage(
      packageIn(
        root,
        'cpu-liar',
        { speedup: { workload: 'cpu', model: 'threads' } },
        "export default { name: 'cpu-liar', workload: 'cpu', model: 'processes', setup() {} };",
      ),
    );
    await expect(loadStrategy(liar as never)).rejects.toThrow(
      /says cpu\/threads, the code says cpu\/processes/,
    );
  });
});
