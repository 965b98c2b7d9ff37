#!/usr/bin/env node
// `pnpm --filter @speedup/demos demo:<name>`: runs one of the demos from its built files.
// Plain JavaScript, so it works before anything is built and can say so.
import { existsSync } from 'node:fs';

const [name, ...args] = process.argv.slice(2);
const entry = new URL(`../dist/${name}-cli.js`, import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('error: the demos are not built yet: run `pnpm build` first\n');
  process.exit(2);
}
process.argv.splice(2, Infinity, ...args);
await import(entry.href);
