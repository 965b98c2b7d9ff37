/**
 * `pnpm bench:publish`: runs every benchmark the docs cite, each as the harness's own
 * command line in a child process, and writes their exports, with the machine and the
 * commit they were measured on, to one file: docs/results/results.json. Every figure
 * the docs print comes from that file (`pnpm docs:update`).
 *
 * `--quick` runs each once, briefly: the same file, for working on the docs, not for
 * publishing.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, freemem, type as osType, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { findPython } from '@speedup/shared-core/harness';
import {
  type Capture,
  keptForTheDocs,
  RESULTS_FILE,
  type Results,
  type Run,
  writeResults,
} from './docs/results.js';

const root = join(import.meta.dirname, '..');
const hasRedis = (() => {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const quick = process.argv.includes('--quick');
const harness = join(root, 'apps/harness/dist/cli.js');

/** Quick: one run each, no warm-up, no more runs for precision. */
const BRIEF = ['--runs', '1', '--min-time', '0', '--warmup', '0', '--precision', '0'];
/**
 * 100,000 tasks take up to half a minute a run on some pools: a fifth of them, one
 * warm-up and a few measured runs give the per-task overhead and its interval in a
 * fraction of the time (the cost per task does not depend on how many there are).
 */
const manySmall = (runs: number) => [
  '--size',
  quick ? '0.1' : '0.2',
  '--warmup',
  '1',
  '--runs',
  String(runs),
  '--min-time',
  '0',
  '--precision',
  '0',
];
/** Python's sums take seconds a run and owe nothing to a warm-up: two runs each. */
const PYTHON_SUMS = ['--runs', '2', '--min-time', '0', '--warmup', '0', '--precision', '0'];
/** Python's fib takes about 35 s a run: one run each, stated in the file. */
const PYTHON_FIB = ['--runs', '1', '--min-time', '0', '--warmup', '0'];

interface Planned {
  readonly name: string;
  readonly what: string;
  readonly args: readonly string[];
}

function benches(notes: string[]): Planned[] {
  const planned: Planned[] = [
    {
      name: 'default',
      what: 'pnpm bench: every default strategy and job, sampled for the timelines',
      args: ['--pictures'],
    },
    {
      name: 'pools',
      what: 'the pools compared on many tiny tasks: per-task overhead, set-up, memory',
      // Five runs, and the time for them (the default budget would cut the slow pools to
      // two): the pools' overheads are compared with their intervals here.
      args: [
        '--workload',
        'cpu',
        '--job',
        'many-small',
        '--variants',
        ...manySmall(5),
        '--time-budget',
        '30',
      ],
    },
    {
      name: 'batch',
      what: 'items handed to a worker at once, per pool',
      // All 100,000 tasks and the default plan, unlike the pools' run: the issue's command as
      // it stands, so the published crossover is the one a reader's own run of it is judged
      // by. Where batching starts to pay depends on how many batches there are to share
      // out, and whether a pool beats sync there is told by intervals, which two runs of a
      // fifth of the job left too wide to tell. About four minutes.
      args: [
        '--only',
        'cpu-threading,cpu-threading:piscina',
        '--job',
        'many-small',
        ...(quick ? manySmall(1) : []),
        '--sweep',
        quick ? 'batch=1,100' : 'batch=1,10,100,1000',
      ],
    },
    {
      name: 'workers',
      what: "the article's thread-count experiment",
      args: [
        '--only',
        'io-threading',
        '--sweep',
        quick ? 'workers=1,5,20' : 'workers=1,2,5,10,20,50',
      ],
    },
    {
      name: 'size',
      what: 'where parallelism pays for the sums, on warm runs and counting set-up',
      args: [
        '--workload',
        'cpu',
        '--job',
        'sum-of-squares',
        '--sweep',
        quick ? 'size=0.01,1' : 'size=0.01,0.1,1,3',
      ],
    },
    {
      name: 'hybrid-pages',
      what: 'io-hybrid against io-asyncio when nothing waits: where two threads pay',
      args: [
        '--only',
        'io-asyncio,io-hybrid',
        '--latency',
        '0',
        '--sweep',
        quick ? 'pages=160,5000' : 'pages=160,1000,5000,20000',
      ],
    },
    {
      name: 'floor',
      what: 'io-asyncio beside a bare HTTP client, page for page',
      args: ['--only', 'io-asyncio', '--floor'],
    },
  ];
  try {
    findPython();
    planned.push(
      {
        name: 'python-io',
        what: "the article's Python programs, downloads",
        args: ['--python', '--workload', 'io'],
      },
      {
        name: 'python-sums',
        what: "the article's Python programs, sums",
        args: ['--python', '--workload', 'cpu', '--job', 'sum-of-squares', ...PYTHON_SUMS],
      },
    );
    if (quick) notes.push("Python's fib not measured: it takes minutes even once.");
    else {
      planned.push({
        name: 'python-fib',
        what: "the article's Python programs, fib (one run each: minutes in Python)",
        args: ['--python', '--workload', 'cpu', '--job', 'fib', ...PYTHON_FIB],
      });
    }
  } catch (error) {
    notes.push(`Python lane not measured: ${(error as Error).message.split('\n')[0]}`);
  }
  if (hasRedis) {
    planned.push(
      {
        name: 'distributed-cpu',
        what: 'a job queue (BullMQ on Redis) against the process pool, CPU',
        args: ['--only', 'cpu-multiprocessing,cpu-distributed'],
      },
      {
        name: 'distributed-fib-size',
        what: 'the fib task size from which the queue pays',
        args: [
          '--only',
          'cpu-sync,cpu-multiprocessing,cpu-distributed',
          '--job',
          'fib',
          '--interleave',
          '--sweep',
          quick ? 'size=0.001,1' : 'size=0.001,0.01,0.1,1',
        ],
      },
      {
        name: 'distributed-io',
        what: 'a job queue (BullMQ on Redis) against the process pool, downloads',
        args: ['--only', 'io-multiprocessing,io-distributed'],
      },
    );
  } else {
    notes.push(
      'Distributed lane not measured: no redis-server on PATH (pnpm setup:tools installs it).',
    );
  }
  return planned;
}

/** Standalone commands whose output the docs show; the Python ones when there is a Python. */
const pythonStarts = (() => {
  try {
    findPython();
  } catch {
    return [];
  }
  return [
    ...['py-io-sync', 'py-io-threading', 'py-io-asyncio', 'py-io-multiprocessing'].map((name) => ({
      name: `start:${name}`,
      args: ['--silent', '--filter', `@speedup/${name}`, 'start'],
    })),
    ...['py-cpu-sync', 'py-cpu-threading', 'py-cpu-asyncio', 'py-cpu-multiprocessing'].map(
      (name) => ({
        name: `start:${name}`,
        args: ['--silent', '--filter', `@speedup/${name}`, 'start', '--job', 'sum-of-squares'],
      }),
    ),
  ];
})();
const distributedStarts = hasRedis
  ? [
      {
        name: 'start:cpu-distributed',
        args: [
          '--silent',
          '--filter',
          '@speedup/cpu-distributed',
          'start',
          '--job',
          'sum-of-squares,fib',
        ],
      },
      {
        name: 'start:io-distributed',
        args: ['--silent', '--filter', '@speedup/io-distributed', 'start'],
      },
      {
        name: 'cost:cpu-distributed',
        args: ['--silent', '--filter', '@speedup/cpu-distributed', 'cost'],
      },
    ]
  : [];
const captures: readonly { name: string; args: readonly string[] }[] = [
  ...pythonStarts,
  ...distributedStarts,
  { name: 'demo:sessions', args: ['--filter', '@speedup/demos', 'demo:sessions'] },
  { name: 'demo:race', args: ['--filter', '@speedup/demos', 'demo:race'] },
  ...[
    'io-sync',
    'io-threading',
    'io-asyncio',
    'io-multiprocessing',
    'io-hybrid',
    'cpu-sync',
    'cpu-threading',
    'cpu-asyncio',
    'cpu-multiprocessing',
  ].map((name) => ({
    name: `start:${name}`,
    args: ['--silent', '--filter', `@speedup/${name}`, 'start'],
  })),
];

function run(
  command: string,
  args: readonly string[],
): Promise<{ code: number; stdout: string; seconds: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code: code ?? 1, stdout, seconds: (performance.now() - started) / 1000 }),
    );
  });
}

function pythonVersion(): string | null {
  try {
    return findPython().version;
  } catch {
    return null;
  }
}

const say = (line: string) => process.stderr.write(`[publish] ${line}\n`);
const notes: string[] = quick
  ? ['--quick: one run of each, no warm-up; for working on the docs, not for reading.']
  : [];
const planned = benches(notes);
const folder = mkdtempSync(join(tmpdir(), 'speedup-publish-'));
const runs: Record<string, Run> = {};
const started = Date.now();
try {
  for (const [index, bench] of planned.entries()) {
    const args = [...bench.args, ...(quick ? BRIEF : [])];
    const exportFile = join(folder, `${bench.name}.json`);
    say(`${index + 1}/${planned.length} ${bench.name}: pnpm bench ${args.join(' ')}`);
    const { code, seconds } = await run(process.execPath, [
      harness,
      ...args,
      '--export-json',
      exportFile,
    ]);
    say(`${bench.name}: exit ${code}, ${seconds.toFixed(0)} s`);
    runs[bench.name] = {
      what: bench.what,
      command: ['pnpm bench', ...args].join(' '),
      exit_code: code,
      seconds: Math.round(seconds),
      export: keptForTheDocs(bench.name, JSON.parse(readFileSync(exportFile, 'utf8'))),
    };
  }
  const outputs: Record<string, Capture> = {};
  for (const capture of captures) {
    say(`${capture.name}: pnpm ${capture.args.join(' ')}`);
    const { code, stdout, seconds } = await run('pnpm', capture.args);
    outputs[capture.name] = {
      command: `pnpm ${capture.args.filter((arg) => arg !== '--silent').join(' ')}`,
      exit_code: code,
      seconds: Math.round(seconds),
      stdout,
    };
  }
  const ceiling = runs.default?.export.machine.parallel_ceiling ?? null;
  const results: Results = {
    about:
      'Every figure the docs print, from one publish run (pnpm bench:publish); pnpm docs:update writes them into the docs.',
    date: new Date(started).toISOString(),
    commit: execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: root,
      encoding: 'utf8',
    }).trim(),
    quick,
    minutes: Math.round((Date.now() - started) / 6000) / 10,
    machine: {
      cpu: cpus()[0]?.model.trim() ?? 'unknown',
      cores: cpus().length,
      memory_gb: Math.round(totalmem() / 2 ** 30),
      free_memory_gb_at_start: Math.round(freemem() / 2 ** 30),
      os: `${osType()} ${release()}`,
      node: process.version,
      python: pythonVersion(),
      parallel_ceiling: ceiling,
    },
    notes,
    runs,
    outputs,
  };
  writeResults(join(root, RESULTS_FILE), results);
  say(`wrote ${RESULTS_FILE} in ${results.minutes} minutes; now pnpm docs:update`);
} finally {
  rmSync(folder, { recursive: true, force: true });
}
