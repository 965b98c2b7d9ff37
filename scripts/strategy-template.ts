import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Model, Workload } from '@speedup/shared-core';

/**
 * What `pnpm new-strategy` writes: a strategy package of the house shape that already
 * meets the contract, so a new strategy starts green and changes one thing at a time.
 */

export interface NewStrategy {
  /** Folder under packages/, and the strategy's name in `pnpm bench`. */
  readonly name: string;
  readonly workload: Workload;
  readonly model: Model;
}

/** kebab-case, as every package folder is: `io-hybrid`, `cpu-piscina`. */
export const STRATEGY_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** A model is a word or words joined by `-` or `+`: `threads`, `threads+async`. */
export const MODEL_NAME = /^[a-z][a-z0-9]*(?:[-+][a-z0-9]+)*$/;

/** Why `name` cannot be a new strategy in the workspace at `root`; undefined when it can. */
export function problemWithName(root: string, name: string): string | undefined {
  if (!STRATEGY_NAME.test(name)) {
    return `'${name}' is not a kebab-case name (lower-case letters and digits, words joined by '-', e.g. io-hybrid).`;
  }
  for (const parent of ['packages', 'apps']) {
    if (existsSync(join(root, parent, name))) {
      return `'${name}' is taken: ${parent}/${name} already exists.`;
    }
  }
  return undefined;
}

/**
 * How the starting point runs its tasks. A threads or processes strategy starts as a pool,
 * because the contract asks more of it (a task that kills its worker loses only itself),
 * and code on the main thread could not pass that test; every other model starts one task
 * after another, as the sequential reference does.
 */
type StartingPoint = 'one after another' | 'thread pool' | 'process pool';

function startingPointOf(model: Model): StartingPoint {
  if (model === 'threads') return 'thread pool';
  if (model === 'processes') return 'process pool';
  return 'one after another';
}

/** Versions of the libraries a pool uses: the ones shared-core uses, so the workspace has one of each. */
function sharedCoreDependency(name: string): string {
  const manifest = JSON.parse(
    readFileSync(new URL('../packages/shared-core/package.json', import.meta.url), 'utf8'),
  ) as { dependencies: Record<string, string> };
  const version = manifest.dependencies[name];
  if (!version) throw new Error(`shared-core does not depend on ${name}`);
  return version;
}

/** One line on what the starting point does: package.json's description and the README's first line. */
function descriptionOf({ workload }: NewStrategy, start: StartingPoint): string {
  if (start === 'one after another') {
    return workload === 'io'
      ? 'New strategy, for now downloading one page after another with one session, as io-sync does'
      : 'New strategy, for now computing one item after another on the main thread, as cpu-sync does';
  }
  const workers = start === 'process pool' ? 'child processes' : 'worker threads';
  return workload === 'io'
    ? `New strategy, for now downloading on a pool of ${workers}, one per core, each with its own session`
    : `New strategy, for now computing on a pool of ${workers}, one per core`;
}

function packageJson(strategy: NewStrategy, start: StartingPoint): string {
  const { name, workload, model } = strategy;
  const pool = start !== 'one after another';
  const dependencies: Record<string, string> = { '@speedup/shared-core': 'workspace:*' };
  // A pool's worker bundle leaves undici out (see speedup-bundle-worker), so the package
  // must depend on it for the worker to load it.
  if (pool && workload === 'io') dependencies.undici = sharedCoreDependency('undici');
  if (pool) dependencies.workerpool = sharedCoreDependency('workerpool');
  const manifest = {
    name: `@speedup/${name}`,
    version: '0.1.0',
    private: true,
    description: descriptionOf(strategy, start),
    license: 'MIT',
    type: 'module',
    exports: './dist/index.js',
    speedup: { workload, model },
    scripts: {
      build: pool ? 'tsc && speedup-bundle-worker' : 'tsc',
      typecheck: 'tsc --noEmit',
      test: 'vitest run --root ../.. --project $npm_package_name',
      start: 'speedup-start',
    },
    dependencies,
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** The line of src/index.ts that hands the tasks to the pool: in the code and in the README. */
function poolRun(workload: Workload): string {
  return workload === 'cpu'
    ? 'run: ({ job, items }, options) => mapOnPool(pool, job, items, options, crashedComputation),'
    : "run: ({ items: urls }, options) => mapOnPool(pool, 'download', urls, options, crashedPage),";
}

const header = ({ name, model }: NewStrategy) =>
  `The starting point of ${name}, a ${model} strategy. It already meets the contract;`;

function indexTs(strategy: NewStrategy, start: StartingPoint): string {
  const { name, workload, model } = strategy;
  const definition = `  name: '${name}',\n  workload: '${workload}',\n  model: '${model}',`;
  if (start === 'one after another' && workload === 'cpu') {
    return `import { compute, defineStrategy, track } from '@speedup/shared-core';

/**
 * ${header(strategy)}
 * for now it computes every item one after another on this thread, as cpu-sync does.
 * Keep \`compute\`: it is what every CPU strategy runs, so only the scheduling differs.
 */
export default defineStrategy({
${definition}

  async setup() {
    return {
      concurrency: 1,

      async run({ job, items }, { signal, onTask }) {
        const results = [];
        for (const [index, n] of items.entries()) {
          signal.throwIfAborted();
          results.push(await track(index, onTask, () => compute(job, n)));
        }
        return results;
      },

      close: async () => {},
    };
  },
});
`;
  }
  if (start === 'one after another') {
    return `import { createSession, defineStrategy, downloadPage, track } from '@speedup/shared-core';

/**
 * ${header(strategy)}
 * for now it downloads one page after another with one session, as io-sync does.
 * Keep \`downloadPage\`: it is what every I/O strategy runs, so only the scheduling differs.
 */
export default defineStrategy({
${definition}

  async setup() {
    const session = await createSession();

    return {
      concurrency: 1,

      async run({ items: urls }, { signal, onTask }) {
        const pages = [];
        for (const [index, url] of urls.entries()) {
          signal.throwIfAborted();
          pages.push(await track(index, onTask, () => downloadPage(session, url, { signal })));
        }
        return pages;
      },

      close: () => session.close(),
    };
  },
});
`;
  }
  const type = start === 'process pool' ? 'process' : 'thread';
  const crashed = workload === 'cpu' ? 'crashedComputation' : 'crashedPage';
  return `import { availableParallelism } from 'node:os';
import { ${crashed}, defineStrategy, mapOnPool, startPool } from '@speedup/shared-core';

/**
 * ${header(strategy)}
 * for now it is a pool of ${type === 'process' ? 'child processes' : 'worker threads'}, one per core, each running src/worker.ts.
 */
export default defineStrategy({
${definition}

  async setup({ workers = availableParallelism() }) {
    const pool = await startPool(new URL('./worker.cjs', import.meta.url), {
      workers,
      type: '${type}',
    });

    return {
      concurrency: workers,
      ${poolRun(workload)}
      close: () => pool.terminate(),
    };
  },
});
`;
}

function workerTs(workload: Workload): string {
  if (workload === 'cpu') {
    return `import { cpuTasks } from '@speedup/shared-core';
import workerpool from 'workerpool';

// One worker: it computes whatever item the pool hands it, for any CPU job, with the
// same \`compute\` every CPU strategy uses, and times each task where it runs.
workerpool.worker(cpuTasks);
`;
  }
  return `import {
  closeSessionOfThisWorker,
  downloadPage,
  sessionForThisWorker,
  timed,
} from '@speedup/shared-core';
import workerpool from 'workerpool';

// One worker. A session cannot cross to another thread or process, so each worker makes
// its own on first use and reuses it for every later page.
workerpool.worker(
  {
    download: (url: string) => timed(async () => downloadPage(await sessionForThisWorker(), url)),
  },
  { onTerminate: closeSessionOfThisWorker },
);
`;
}

const conformanceTest = `import { conformance } from '@speedup/shared-core/conformance';

conformance(new URL('..', import.meta.url));
`;

/** The seed's table, answered for Node; a new model fills in its own row. */
const modelRows: Record<string, [switches: string, processors: string]> = {
  sequential: ['nobody: there is nothing to switch between', '1'],
  threads: ['the operating system', 'many: Node has no GIL'],
  async: ['the task itself, at `await`', '1'],
  processes: ['nobody: processes really run at once', 'many'],
  distributed: ['nobody: each worker takes one job at a time', 'many machines'],
};

/** A Markdown table with its columns padded to one width, as the formatter leaves them. */
function markdownTable(head: readonly string[], ...body: (readonly string[])[]): string {
  const widths = head.map((_, column) =>
    Math.max(3, ...[head, ...body].map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: readonly string[]) =>
    `| ${widths.map((width, column) => (cells[column] ?? '').padEnd(width)).join(' | ')} |`;
  return [line(head), line(widths.map((width) => '-'.repeat(width))), ...body.map(line)].join('\n');
}

/** Shell lines with their `#` comments lined up. */
function commented(lines: [command: string, comment: string][]): string {
  const width = Math.max(...lines.map(([command]) => command.length));
  return lines.map(([command, comment]) => `${command.padEnd(width)}   # ${comment}`).join('\n');
}

function readme(strategy: NewStrategy, start: StartingPoint): string {
  const { name, workload, model } = strategy;
  const [switches, processors] = modelRows[model] ?? [
    '<!-- who decides when to switch tasks -->',
    '<!-- how many processors it uses -->',
  ];
  const reference = workload === 'io' ? 'io-sync' : 'cpu-sync';
  const snippet =
    start !== 'one after another'
      ? poolRun(workload)
      : workload === 'io'
        ? 'pages.push(await track(index, onTask, () => downloadPage(session, url, { signal })));'
        : 'results.push(await track(index, onTask, () => compute(job, n)));';
  const examples: [command: string, comment: string][] =
    workload === 'io'
      ? [
          [`pnpm --filter @speedup/${name} start`, '160 pages, local server, 25 ms latency'],
          [`pnpm --filter @speedup/${name} start --latency 0 --pages 2000`, 'no waiting at all'],
        ]
      : [
          [`pnpm --filter @speedup/${name} start`, 'sum-of-squares'],
          [`pnpm --filter @speedup/${name} start --job fib`, 'fib(35) × 20'],
        ];
  const runIt = commented([
    ...examples,
    [`pnpm bench --only ${reference},${name}`, `measured, and diffed against ${reference}`],
  ]);
  return `# ${name}

${descriptionOf(strategy, start)}.

<!-- Replace the line above with what this strategy does and what it teaches, in two or
three sentences, and say it in one line in package.json's "description". -->

${markdownTable(['model', 'who decides when to switch', 'processors'], [model, switches, processors])}

## The idea

<!-- The idea in a paragraph: why this way of running tasks should be faster or slower
than the others, and when. Then the few lines of src/index.ts that carry it. -->

\`\`\`ts
${snippet}
\`\`\`

## Run it

\`\`\`sh
${runIt}
\`\`\`

Measured on a 2-core machine:

\`\`\`
<!-- Paste what the commands above print, and the pnpm bench table. -->
\`\`\`

## What to notice

<!-- What the numbers show, compared as ratios to ${reference} and to the strategy this one
should beat. Repeat the runs: the machine is noisy. -->
`;
}

/** Every file of the new package, by path inside it. */
export function strategyFiles(strategy: NewStrategy): Record<string, string> {
  const start = startingPointOf(strategy.model);
  const files: Record<string, string> = {
    'package.json': packageJson(strategy, start),
    'tsconfig.json': '{ "extends": "../../tsconfig.base.json" }\n',
    'README.md': readme(strategy, start),
    'src/index.ts': indexTs(strategy, start),
    'test/conformance.test.ts': conformanceTest,
  };
  if (start !== 'one after another') files['src/worker.ts'] = workerTs(strategy.workload);
  return files;
}

/** Writes the package into `root/packages/<name>` and returns its folder. */
export function writeStrategyPackage(root: string, strategy: NewStrategy): string {
  const problem = problemWithName(root, strategy.name);
  if (problem) throw new Error(problem);
  const dir = join(root, 'packages', strategy.name);
  for (const [path, content] of Object.entries(strategyFiles(strategy))) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}
