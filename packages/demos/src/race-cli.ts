import { parseCommandLine, positiveInteger } from '@speedup/shared-core/cli';
import { Command } from 'commander';
import {
  checkThenCreate,
  checkThenCreateUnderLock,
  holdThePromise,
  sessionsGivenOut,
} from './race-async.js';
import { type Count, countWithWorkers } from './race-shared-memory.js';
import type { CountingWay } from './race-worker.js';
import { count, median, table } from './table.js';

/** `pnpm --filter @speedup/demos demo:race`: runs each race and prints expected against actual. */

interface RaceOptions {
  workers: number;
  tasks: number;
  increments: number;
  rounds: number;
  asyncTasks: number;
}

const program = new Command('pnpm --filter @speedup/demos demo:race')
  .description('Race conditions you can watch happen, and their fixes.')
  .option('--workers <n>', 'worker threads sharing the counter', positiveInteger, 4)
  .option(
    '--tasks <n>',
    "the article's tasks, shared out between the workers",
    positiveInteger,
    5_000,
  )
  .option('--increments <n>', 'times each task adds 1 to the counter', positiveInteger, 100)
  .option('--rounds <n>', 'times each way of counting is run', positiveInteger, 5)
  .option('--async-tasks <n>', 'tasks asking for the shared session at once', positiveInteger, 10);
parseCommandLine(program, process.argv.slice(2));
const options = program.opts<RaceOptions>();

async function rounds(way: CountingWay): Promise<Count[]> {
  const counts: Count[] = [];
  for (let round = 0; round < options.rounds; round++) {
    counts.push(await countWithWorkers(way, options));
  }
  return counts;
}

const countRow = (label: string, counts: readonly Count[]) => [
  label,
  count(counts[0]?.expected ?? 0),
  ...counts.map((result) => count(result.actual)),
  `${median(counts.map((result) => result.ms)).toFixed(0)} ms`,
];

const roundHeadings = Array.from({ length: options.rounds }, (_, round) => `round ${round + 1}`);
const expected = count(options.tasks * options.increments);

console.log(`1. Shared memory, worker threads
   ${options.workers} workers add 1 to one counter in a SharedArrayBuffer:
   ${count(options.tasks)} tasks × ${count(options.increments)} increments = ${expected}.
`);
const plain = await rounds('plain');
const atomic = await rounds('atomic');
const locked = await rounds('locked');
console.log(
  table([
    ['', 'expected', ...roundHeadings, 'median time'],
    countRow('counter[0] = counter[0] + 1', plain),
    ['  lost updates', '', ...plain.map((result) => count(result.expected - result.actual))],
    countRow('fix: Atomics.add(counter, 0, 1)', atomic),
    countRow('fix: SharedMutex around the same', locked),
  ]),
);
const share = count(Math.floor(options.tasks / options.workers) * options.increments);
console.log(`
   Lost updates vary from round to round. A worker loses updates that land between its
   read and its write; and once V8 has optimised its loop it stops re-reading the counter
   at all, so a round that ends on a multiple of ${share} (one worker's share) shows a
   worker writing its own tally over everybody else's. A round where no two workers
   overlapped loses none.
   The fixes are exact every time. SharedMutex is built on Atomics.compareExchange,
   Atomics.wait and Atomics.notify.
`);

console.log(`2. Async, one thread
   ${options.asyncTasks} tasks start at once and each asks for the one shared session.
`);
const asyncWays = [
  ['if (!session) session = await createSession()', checkThenCreate],
  ['fix: the same inside AsyncMutex.runExclusive', checkThenCreateUnderLock],
  ['fix: hold the promise: session ??= createSession()', holdThePromise],
] as const;
const asyncRows = [['', 'expected', 'sessions created']];
for (const [label, way] of asyncWays) {
  asyncRows.push([label, '1', count(await sessionsGivenOut(way(), options.asyncTasks))]);
}
console.log(table(asyncRows));
console.log(`
   No threads, yet the check and the act are split by an await, and every task checks
   before the first session exists. Holding the promise is what sessionForThisWorker does.
`);

console.log(`3. No shared memory
   Each of ${options.workers} workers counts in a variable of its own and sends it back;
   the main thread adds them up. There is nothing to race on.
`);
console.log(
  table([
    ['', 'expected', ...roundHeadings, 'median time'],
    countRow("sum of each worker's own count", await rounds('unshared')),
  ]),
);
