#!/usr/bin/env node
// `speedup-bundle-worker`: run by a pool strategy's build after `tsc`. Bundles each
// compiled worker (dist/worker.js, and any dist/**/*.worker.js of a variant's own pool)
// and everything it imports into one ES module beside it (dist/worker.mjs, …), the file
// the pool starts.
//
// Why one file: every worker thread or process loads its script from scratch, and Node
// loads one file faster than a graph of ES modules (five threads of io-threading started
// in 73 ms from the bundle, 116 ms from dist/worker.js, 55 ms from the CommonJS bundle
// this script used to write: the price of the reason below). undici stays outside the
// bundle; a worker loads it only when it first downloads. So do BullMQ and ioredis,
// which a queue worker loads from its package's own dependencies.
//
// Why the kernels stay outside too, and why an ES module: a worker must run the very
// code the sequential reference runs, or a speed-up measures the copy instead of the
// strategy. V8 compiles the same function differently by where it sits: on a 2-core
// machine, fib(35) ran about a tenth slower in the strict CommonJS bundle this script
// used to write than in shared-core's own module under Node 20, and about a twentieth
// faster under Node 24, whose cpu-threading with one worker then came out "1.10x
// faster" than cpu-sync. So every worker imports shared-core's dist/kernels.js itself,
// as an ES module, exactly as cpu-sync does.
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The module every strategy computes with, and how a worker imports it. */
const KERNELS = realpathSync(fileURLToPath(new URL('../dist/kernels.js', import.meta.url)));
const KERNELS_EXPORT = '@speedup/shared-core/kernels';

/** Leaves the kernels out of the bundle, imported from shared-core at run time. */
const kernelsOutside = {
  name: 'speedup-kernels-outside',
  setup(bundle) {
    bundle.onResolve({ filter: /kernels\.js$/ }, ({ path, resolveDir }) => {
      const file = resolve(resolveDir, path);
      return existsSync(file) && realpathSync(file) === KERNELS
        ? { path: KERNELS_EXPORT, external: true }
        : undefined;
    });
  },
};

const variantWorkers = readdirSync('dist', { recursive: true, encoding: 'utf8' })
  .filter((path) => path.endsWith('.worker.js'))
  .map((path) => `dist/${path}`);
const entries = [...(existsSync('dist/worker.js') ? ['dist/worker.js'] : []), ...variantWorkers];

await Promise.all(
  entries.map((entry) =>
    build({
      entryPoints: [entry],
      outfile: entry.replace(/\.js$/, '.mjs'),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: ['undici', 'bullmq', 'ioredis'],
      plugins: [kernelsOutside],
      // The CommonJS packages bundled in (workerpool) call `require` for Node's own
      // modules, which an ES module does not have.
      banner: {
        js: "import { createRequire as speedupCreateRequire } from 'node:module';\nconst require = speedupCreateRequire(import.meta.url);",
      },
      logLevel: 'warning',
    }),
  ),
);
