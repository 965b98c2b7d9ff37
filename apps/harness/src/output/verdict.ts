import type { BenchResult, BenchRow } from '../benchmark/result.js';
import { ratio } from './format.js';

/** The article's names for the models. */
const ARTICLE_NAMES: Record<string, string> = {
  sequential: 'sync',
  threads: 'threading',
  async: 'asyncio',
  processes: 'multiprocessing',
};

const nameOf = (row: BenchRow) => `${ARTICLE_NAMES[row.model] ?? row.model} (${row.strategy})`;

/**
 * One line per job in the article's terms: which model won and by how much against the
 * sequential reference, then the others. Only rows that computed the right thing count.
 */
export function verdict(result: BenchResult): string[] {
  if (result.sweep) return [];
  const lines: string[] = [];
  for (const job of [...new Set(result.rows.map((row) => row.job))]) {
    const rows = result.rows.filter(
      (row) => row.job === job && row.ok && row.speedup !== undefined,
    );
    const [fastest, ...others] = [...rows].sort((a, b) => (b.speedup ?? 0) - (a.speedup ?? 0));
    if (!fastest || rows.length < 2) continue;
    const kind = fastest.workload === 'io' ? 'I/O-bound' : 'CPU-bound';
    const rest = others
      .filter((row) => row.model !== 'sequential')
      .map((row) => `${nameOf(row)} ${ratio(row.speedup)}`)
      .join(', ');
    const gil =
      fastest.workload === 'cpu' && fastest.model === 'threads'
        ? ' (in CPython the GIL makes threads slower than sync here; Node threads run in parallel)'
        : '';
    lines.push(
      `${kind} (${job}): ${nameOf(fastest)} fastest, ${ratio(fastest.speedup)} vs sync${gil}${rest ? `; ${rest}` : ''}.`,
    );
  }
  return lines;
}
