import { typicalTime } from '../benchmark/intervals.js';
import {
  acrossLanguages,
  type GroupVerdict,
  judge,
  type LanguagePair,
  speedupAgainst,
} from '../benchmark/judge.js';
import { cannotTell } from '../benchmark/pairs.js';
import type { BenchResult, BenchRow } from '../benchmark/result.js';
import { duration, ratioWithInterval } from './format.js';

/**
 * The article's Python programs next to their Node counterparts, model by model: each
 * against its own language's sync, then against each other, with the verdict's rules:
 * intervals on every ratio, and a tie unless the difference is real beyond the margin.
 * `py-<name>` is the Python version of the Node strategy `<name>`, and Python's own
 * sequential strategy is its sync. Only rows with the reference's results count.
 */

const PYTHON_PREFIX = 'py-';

/** The article's order: each model a step further from doing one thing at a time. */
const MODEL_ORDER = ['sequential', 'threads', 'async', 'processes'];
const modelRank = (row: BenchRow) => {
  const rank = MODEL_ORDER.indexOf(row.model);
  return rank === -1 ? MODEL_ORDER.length : rank;
};

/** `4.80x (4.71–4.89) vs its sync`, or the time alone for the sync itself. */
function againstSync(
  verdict: GroupVerdict | undefined,
  row: BenchRow,
  rows: readonly BenchRow[],
): string {
  const speedup = verdict && row !== verdict.reference && speedupAgainst(verdict, row);
  if (speedup) return `${ratioWithInterval(speedup.ratio, speedup.ci95)} vs its sync`;
  // Without an interval (a single run): the plain ratio to its own sync, or its time.
  const language = row.language ?? 'node';
  const sync = rows.find(
    (each) => each.model === 'sequential' && (each.language ?? 'node') === language,
  );
  const own = typicalTime(row.timesMs);
  const base = sync && typicalTime(sync.timesMs);
  return own !== undefined && base !== undefined && sync !== row
    ? `${ratioWithInterval(base / own, undefined)} vs its sync`
    : duration(row.summary?.median);
}

function comparison(model: string, pair: LanguagePair, margin: number): string {
  const { ratio, ci95, judgement } = pair;
  if (!judgement || !ci95) {
    return `Node's ${model} ${ratioWithInterval(ratio, undefined)} Python's time: too few runs to tell which is faster (2 or more each)`;
  }
  if (judgement === 'same' && cannotTell(ci95, margin)) {
    return `Node's ${model} ${ratioWithInterval(ratio, ci95)} Python's time: too few runs to tell which is faster (the interval is too wide)`;
  }
  if (judgement === 'faster') {
    return `Node's ${model} ${ratioWithInterval(ratio, ci95)} faster than Python's`;
  }
  if (judgement === 'slower') {
    const inverse: [number, number] = [1 / ci95[1], 1 / ci95[0]];
    return `Python's ${model} ${ratioWithInterval(1 / ratio, inverse)} faster than Node's`;
  }
  return `Node's and Python's ${model} tie (${ratioWithInterval(ratio, ci95)})`;
}

export interface JobSideBySide {
  readonly job: string;
  /** `threads: Node 4.8x vs its sync, Python 4.6x vs its sync; Node's threads 1.9x faster than Python's` */
  readonly lines: readonly string[];
}

/** One line per model that ran in both languages, for each job. */
export function sideBySideByJob(result: BenchResult): JobSideBySide[] {
  if (result.sweep) return [];
  const verdicts = judge(result);
  const jobs: JobSideBySide[] = [];
  for (const job of [...new Set(result.rows.map((row) => row.job))]) {
    const rows = result.rows.filter((row) => row.job === job && row.variant === undefined);
    const pairs = acrossLanguages(rows, result.options.tieMargin, (row) =>
      row.strategy.startsWith(PYTHON_PREFIX) ? row.strategy.slice(PYTHON_PREFIX.length) : undefined,
    ).sort((a, b) => modelRank(a.node) - modelRank(b.node));
    if (pairs.length === 0) continue;
    const verdictOf = (language: string) =>
      verdicts.find((verdict) => verdict.job === job && verdict.language === language);
    const lines = pairs.map((pair) => {
      const { node, other } = pair;
      const python = verdictOf(other.language ?? 'python');
      return `${node.model}: Node ${againstSync(verdictOf('node'), node, rows)}, Python ${againstSync(python, other, rows)}; ${comparison(node.model, pair, result.options.tieMargin)}`;
    });
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
