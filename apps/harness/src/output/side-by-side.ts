import type { BenchResult, BenchRow } from '../benchmark/result.js';
import { duration, ratio } from './format.js';

/**
 * The article's Python programs next to their Node counterparts, model by model: each
 * against its own language's sync, then against each other. `py-<name>` is the Python
 * version of the Node strategy `<name>`, and `py-<workload>-sync` is Python's sync.
 * Only rows with the reference's results count.
 */

const PYTHON_PREFIX = 'py-';
/** Closer than this and neither language is called faster: the runs of a shared machine move more. */
const TIE = 1.05;

/** The article's order: each model a step further from doing one thing at a time. */
const MODEL_ORDER = ['sequential', 'threads', 'async', 'processes'];
const modelRank = (row: BenchRow) => {
  const rank = MODEL_ORDER.indexOf(row.model);
  return rank === -1 ? MODEL_ORDER.length : rank;
};

const median = (row: BenchRow | undefined) => (row?.ok ? row.summary?.median : undefined);

/** `4.8x vs its sync`, or the time alone when its sync did not run. */
function againstSync(row: BenchRow, sync: BenchRow | undefined): string {
  const own = median(row);
  const base = median(sync);
  return own !== undefined && base !== undefined && row !== sync
    ? `${ratio(base / own)} vs its sync`
    : duration(own);
}

function comparison(model: string, node: BenchRow, python: BenchRow): string {
  const times = (median(python) ?? Number.NaN) / (median(node) ?? Number.NaN);
  if (times >= TIE) return `Node's ${model} ${ratio(times)} faster than Python's`;
  if (times <= 1 / TIE) return `Python's ${model} ${ratio(1 / times)} faster than Node's`;
  return `Node's and Python's ${model} about as fast (${ratio(times)})`;
}

export interface JobSideBySide {
  readonly job: string;
  /** `threads: Node 4.8x vs its sync, Python 4.6x vs its sync; Node's threads 1.9x faster than Python's` */
  readonly lines: readonly string[];
}

/** One line per model that ran in both languages, for each job. */
export function sideBySideByJob(result: BenchResult): JobSideBySide[] {
  if (result.sweep) return [];
  const jobs: JobSideBySide[] = [];
  for (const job of [...new Set(result.rows.map((row) => row.job))]) {
    const rows = result.rows.filter((row) => row.job === job && row.variant === undefined);
    const byName = new Map(rows.map((row) => [row.strategy, row]));
    const pairs = rows
      .filter((row) => row.language === 'python' && row.strategy.startsWith(PYTHON_PREFIX))
      .map((python) => ({ python, node: byName.get(python.strategy.slice(PYTHON_PREFIX.length)) }))
      .filter(
        (pair): pair is { python: BenchRow; node: BenchRow } =>
          median(pair.python) !== undefined && median(pair.node) !== undefined,
      )
      .sort((a, b) => modelRank(a.node) - modelRank(b.node));
    if (pairs.length === 0) continue;
    const workload = pairs[0]?.python.workload;
    const pythonSync = byName.get(`${PYTHON_PREFIX}${workload}-sync`);
    const nodeSync = rows.find((row) => row.reference);
    const lines = pairs.map(
      ({ node, python }) =>
        `${node.model}: Node ${againstSync(node, nodeSync)}, Python ${againstSync(python, pythonSync)}; ${comparison(node.model, node, python)}`,
    );
    jobs.push({ job, lines });
  }
  return jobs;
}

/** The terminal's form: a heading per job, a line per model. */
export function sideBySide(result: BenchResult): string[] {
  return sideBySideByJob(result).flatMap(({ job, lines }) => [
    `Node and Python, model by model (${job}):`,
    ...lines.map((line) => `  ${line}`),
  ]);
}
