import { nonNegativeNumber, parseCommandLine, positiveInteger } from '@speedup/shared-core/cli';
import { Command } from 'commander';
import { compareSessionPolicies, type PolicyRun, type SessionsOptions } from './sessions.js';
import { count, seconds, table } from './table.js';

/** `pnpm --filter @speedup/demos demo:sessions`: runs sessions.ts and prints what it measured. */

const program = new Command('pnpm --filter @speedup/demos demo:sessions')
  .description(
    'Download the same pages with a pool of worker threads, first with one session per worker, then with a new session per request, and count the TCP connections the server accepted.',
  )
  .option('--pages <n>', 'pages to download, alternating the two sites', positiveInteger, 80)
  .option('--workers <n>', 'worker threads in the pool', positiveInteger, 4)
  .option('--latency <ms>', 'delay of every response from the local server', nonNegativeNumber, 2);
parseCommandLine(program, process.argv.slice(2));
const options = program.opts<SessionsOptions>();

const headings: Record<PolicyRun['policy'], string> = {
  'per worker': 'One session per worker (sessionForThisWorker), each worker counting for itself:',
  'per request':
    'A new session for every request, closed after it, each worker counting for itself:',
};

console.log(
  `${options.pages} pages from the local server (${options.latency} ms latency), ${options.workers} worker threads.\n`,
);
const runs = await compareSessionPolicies(options);

for (const run of runs) {
  console.log(headings[run.policy]);
  console.log(
    table([
      ['worker', 'dispatchers created', 'requests made'],
      ...run.workers.map((tally) => [
        tally.worker,
        count(tally.dispatchersCreated),
        count(tally.requestsMade),
      ]),
    ]),
  );
  if (run.failedPages > 0) console.log(`  ${run.failedPages} pages failed to download`);
  console.log();
}

console.log('Side by side, as the server counted:');
console.log(
  table([
    ['', ...runs.map((run) => `session ${run.policy}`)],
    ['TCP connections', ...runs.map((run) => count(run.connections))],
    ['requests', ...runs.map((run) => count(run.requests))],
    ['time', ...runs.map((run) => seconds(run.ms))],
  ]),
);
