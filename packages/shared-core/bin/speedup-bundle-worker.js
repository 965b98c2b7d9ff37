#!/usr/bin/env node
// `speedup-bundle-worker`: run by a pool strategy's build after `tsc`. Bundles each
// compiled worker (dist/worker.js, and any dist/**/*.worker.js of a variant's own pool)
// and everything it imports into one CommonJS file beside it (dist/worker.cjs, …), the
// file the pool starts.
//
// Why: every worker thread or process loads its script from scratch. Node loads one
// CommonJS file much faster than a graph of ES modules: on a 2-core machine, 5 thread
// workers are ready in about 90 ms instead of 140 ms. undici stays outside the bundle;
// a worker loads it only when it first downloads. So do BullMQ and ioredis, which a
// queue worker loads from its package's own dependencies.
import { existsSync, readdirSync } from 'node:fs';
import { build } from 'esbuild';

const variantWorkers = readdirSync('dist', { recursive: true, encoding: 'utf8' })
  .filter((path) => path.endsWith('.worker.js'))
  .map((path) => `dist/${path}`);
const entries = [...(existsSync('dist/worker.js') ? ['dist/worker.js'] : []), ...variantWorkers];

await Promise.all(
  entries.map((entry) =>
    build({
      entryPoints: [entry],
      outfile: entry.replace(/\.js$/, '.cjs'),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['undici', 'bullmq', 'ioredis'],
      logLevel: 'warning',
    }),
  ),
);
