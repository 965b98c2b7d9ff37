import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findStrategies } from '../src/harness/index.js';

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Every worker bundle `speedup-bundle-worker` wrote for this repository's strategies (`pnpm build` first). */
function workerBundles(): { strategy: string; file: string; text: string }[] {
  return findStrategies(repositoryRoot).flatMap((pkg) => {
    const dist = join(pkg.dir, 'dist');
    // A Python strategy has no build.
    if (!existsSync(dist)) return [];
    const files = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter(
      (path) => path === 'worker.mjs' || path.endsWith('.worker.mjs'),
    );
    return files.map((file) => ({
      strategy: pkg.name,
      file,
      text: readFileSync(join(dist, file), 'utf8'),
    }));
  });
}

describe('worker bundles', () => {
  const bundles = workerBundles();

  it('are written for every pool strategy and variant', () => {
    expect(bundles.map(({ strategy, file }) => `${strategy}/${file}`)).toEqual(
      expect.arrayContaining([
        'cpu-threading/worker.mjs',
        'cpu-threading/variants/bare.worker.mjs',
        'cpu-threading/variants/piscina.worker.mjs',
        'cpu-threading/variants/tinypool.worker.mjs',
        'cpu-multiprocessing/worker.mjs',
        'cpu-distributed/worker.mjs',
        'io-threading/worker.mjs',
        'io-multiprocessing/worker.mjs',
        'io-hybrid/worker.mjs',
        'io-distributed/worker.mjs',
      ]),
    );
  });

  // The same source compiled from another copy runs at another speed: fib(35) ran a tenth
  // slower in a strict CommonJS copy under Node 20, and faster than cpu-sync under Node 24.
  it('compute with the module cpu-sync computes with, not a copy of it', () => {
    for (const { strategy, file, text } of bundles) {
      const where = `${strategy}/${file}`;
      expect(text, where).not.toMatch(/function (fib|sumOfSquares)\(/);
      if (strategy.startsWith('cpu-')) {
        expect(text, where).toMatch(/from "@speedup\/shared-core\/kernels"/);
      }
    }
  });

  it('are ES modules, as cpu-sync and the kernels are', () => {
    for (const { strategy, file, text } of bundles) {
      expect(text, `${strategy}/${file}`).toMatch(/^import /m);
      expect(text, `${strategy}/${file}`).not.toMatch(/^"use strict";/m);
    }
  });
});
