import { DEFAULT_HTTP_LIMITS, type HttpLimits } from '@speedup/shared-core';
import {
  failuresInWords,
  kindsInWords,
  type Outcomes,
  sameOutcomes,
} from '@speedup/shared-core/harness';
import type { BenchResult, BenchRow } from '../benchmark/result.js';
import { sweptSetting } from './describe-row.js';

/**
 * What failed, for every output: a job's failed pages counted by kind in words a user
 * knows, whether every strategy failed alike, and when failures are too many for the
 * times to mean what they seem to. A download that failed at once is fast: without this,
 * a table of fast failures reads like a table of fast downloads.
 */

/** More than this share of failed items, and a row's times measure failures as much as work. */
export const FAILURES_WORTH_A_WARNING = 0.1;

/** The download limits the run used: its flags over the defaults. */
export const limitsOf = (result: BenchResult): HttpLimits => ({
  ...DEFAULT_HTTP_LIMITS,
  ...result.options.limits,
});

/** The share of a row's items that failed, when it ran at all. */
export function failedShare(row: BenchRow): number | undefined {
  const { outcomes } = row;
  if (!outcomes) return undefined;
  const total = outcomes.ok + outcomes.failed;
  return total === 0 ? 0 : outcomes.failed / total;
}

/** `8 / 12`: the `failed` column. */
export function failedCell(row: BenchRow): string {
  const { outcomes } = row;
  return outcomes ? `${outcomes.failed} / ${outcomes.ok + outcomes.failed}` : '–';
}

/** The rows of one job (at one swept value), with the words that name it. */
function groups(result: BenchResult): { name: string; rows: BenchRow[] }[] {
  const grouped = new Map<string, BenchRow[]>();
  for (const row of result.rows) {
    const swept = sweptSetting(row, result.sweep);
    const name = swept ? `${row.job} (${swept})` : row.job;
    grouped.set(name, [...(grouped.get(name) ?? []), row]);
  }
  return [...grouped].map(([name, rows]) => ({ name, rows }));
}

const nounOf = (row: BenchRow) => (row.job === 'download' ? 'pages' : 'items');

/**
 * One line per job whose items failed: `download: 8 of 12 pages failed, the same in every
 * strategy: 2 body too large (over 10 MB), 2 HTTP 500`; or, when the strategies failed
 * differently, the job's line and then one per strategy. `rowsOf` narrows it to those rows.
 */
export function failureLines(result: BenchResult, rowsOf?: readonly BenchRow[]): string[] {
  const limits = limitsOf(result);
  const only = (rows: BenchRow[]) => (rowsOf ? rows.filter((row) => rowsOf.includes(row)) : rows);
  return groups(result).flatMap(({ name, rows: all }) => {
    const rows = only(all);
    const counted = rows.filter(
      (row): row is BenchRow & { outcomes: Outcomes } => row.outcomes !== undefined,
    );
    if (!counted.some((row) => row.outcomes.failed > 0)) return [];
    const [first] = counted as [BenchRow & { outcomes: Outcomes }];
    const noun = nounOf(first);
    if (counted.every((row) => sameOutcomes(row.outcomes, first.outcomes))) {
      const total = first.outcomes.ok + first.outcomes.failed;
      const alike = counted.length > 1 ? ', the same in every strategy' : '';
      return [
        `${name}: ${first.outcomes.failed} of ${total} ${noun} failed${alike}: ${kindsInWords(first.outcomes, limits)}`,
      ];
    }
    return [
      `${name}: the strategies' ${noun} failed differently:`,
      ...counted.map((row) => `  ${row.strategy}: ${failuresInWords(row.outcomes, limits, noun)}`),
    ];
  });
}

/** Jobs in which more than a tenth of some strategy's items failed, as the verdict warns of them. */
export function failureWarnings(result: BenchResult): string[] {
  return groups(result).flatMap(({ name, rows }) => {
    const worst = rows.reduce<BenchRow | undefined>(
      (most, row) => ((failedShare(row) ?? 0) > (most ? (failedShare(most) ?? 0) : 0) ? row : most),
      undefined,
    );
    const share = worst && failedShare(worst);
    if (!worst?.outcomes || share === undefined || share <= FAILURES_WORTH_A_WARNING) return [];
    const { failed, ok } = worst.outcomes;
    const counted = rows.filter((row) => row.outcomes);
    const alike = counted.every((row) => failedShare(row) === share);
    const whose =
      counted.length < 2 ? '' : alike ? ' in every strategy' : `, the most, in ${worst.strategy}`;
    return [
      `Warning (${name}): ${failed} of ${failed + ok} ${nounOf(worst)} (${Math.round(share * 100)} %) failed${whose}, more than a tenth: these times measure failures as much as work.`,
    ];
  });
}

/** Rows in which more than `limit` of the items failed: what `--max-failures` refuses. */
export function rowsOverFailureLimit(result: BenchResult, limit: number): BenchRow[] {
  return result.rows.filter((row) => (failedShare(row) ?? 0) > limit);
}

/** `Too many failures (--max-failures 10 %): io-sync (download) 8 / 12, …`: why the run exits 1. */
export function tooManyFailuresLine(rows: readonly BenchRow[], limit: number): string {
  const failed = rows.map((row) => `${row.strategy} (${row.job}) ${failedCell(row)}`);
  return `Too many failures (--max-failures ${Number((limit * 100).toFixed(1))} %): ${failed.join(', ')}.`;
}
