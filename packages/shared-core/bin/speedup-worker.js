#!/usr/bin/env node
// `pnpm --filter @speedup/<strategy> worker --redis <url>`: a worker of a distributed
// strategy. Plain JavaScript, present from `pnpm install` on, so pnpm can link it before
// anything is built and it can say so.
import { existsSync } from 'node:fs';

const command = new URL('../dist/queue/worker-cli.js', import.meta.url);
if (!existsSync(command)) {
  process.stderr.write('error: speedup is not built yet: run `pnpm build` first\n');
  process.exit(2);
}
const { startWorkerCommand } = await import(command.href);
await startWorkerCommand(process.argv.slice(2));
