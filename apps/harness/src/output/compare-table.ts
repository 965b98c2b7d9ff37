import Table from 'cli-table3';
import type { RowChange } from '../benchmark/compare.js';
import type { BenchResult } from '../benchmark/result.js';
import { rowLabel } from './describe-row.js';
import { duration, ratioWithInterval } from './format.js';
import type { Paint } from './paint.js';

/**
 * `--compare`: one line per row measured in both runs: its median before and after, after
 * ÷ before with its interval (above 1x is slower), and the judgement.
 */
export function renderComparison(
  result: BenchResult,
  changes: readonly RowChange[],
  file: string,
  paint: Paint,
): string {
  if (changes.length === 0) return `Compared with ${file}: no row of this run was measured there.`;
  const table = new Table({
    head: ['strategy', 'job', 'before', 'after', 'after ÷ before', 'change'].map((header) =>
      paint('bold', header),
    ),
    style: { head: [], border: [] },
  });
  for (const change of changes) {
    const { row, before, judgement } = change;
    const figure = ratioWithInterval(change.change, change.ci95);
    const word = judgement ?? 'too few runs to tell';
    table.push([
      rowLabel(row, result.sweep),
      row.job,
      duration(before.median),
      duration(row.summary?.median),
      row.reference ? `${figure}: the machine` : figure,
      judgement === 'slower'
        ? paint(['red', 'bold'], word)
        : judgement === 'faster'
          ? paint(['green', 'bold'], word)
          : word,
    ]);
  }
  const corrected = changes.some((change) => change.corrected);
  const how = corrected
    ? "each row's change divided by its reference's, measured in both runs, so the machine's own drift cancels out"
    : 'raw times: the reference was not measured in both runs, so drift of the machine counts too';
  const margin = `${(result.options.tieMargin * 100).toFixed(0)} %`;
  return [
    `Compared with ${file} (${how}; slower or faster only beyond ${margin}, 95 % intervals, Holm-corrected)`,
    table.toString(),
  ].join('\n');
}
