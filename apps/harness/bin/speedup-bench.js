#!/usr/bin/env node
// A plain-JavaScript launcher, present from `pnpm install` on, so pnpm can link it
// before anything is built.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('error: speedup is not built yet: run `pnpm build` first\n');
  process.exit(2);
}
await import(cli.href);
