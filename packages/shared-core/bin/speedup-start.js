#!/usr/bin/env node
// A plain-JavaScript launcher, present from `pnpm install` on, so pnpm can link it
// before anything is built.
import { existsSync } from 'node:fs';

const standalone = new URL('../dist/harness/standalone.js', import.meta.url);
if (!existsSync(standalone)) {
  process.stderr.write(
    'error: speedup is not built yet: run `pnpm build` (or `pnpm bench`) first\n',
  );
  process.exit(2);
}
const { startStandalone } = await import(standalone.href);
await startStandalone(process.argv.slice(2));
