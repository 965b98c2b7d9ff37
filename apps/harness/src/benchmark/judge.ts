import type { BenchJobName } from '@speedup/shared-core';
import { beyondMarginP, CONFIDENCE, holm, type Interval, timeRatio } from './intervals.js';
import type { BenchResult, BenchRow } from './result.js';

/**
 * Which strategies of a job are really faster than which: every pair of rows that
 * computed the right thing is compared, each judgement corrected for how many were made.
 * The verdict, the tables' highlights, the report's badges and the export all read this,
 * so they say the same thing, and only what the measurements support.
 */

/** How `a` did against `b`. */
export type Judgement = 'faster' | 'slower' | 'same';

export interface Comparison {
  readonly a: BenchRow;
  readonly b: BenchRow;
  /** How many times faster `a` is than `b`: b's median time ÷ a's. */
  readonly ratio: number;
  /** 95 % interval of that ratio (of geometric means; see intervals.ts). */
  readonly ci95: Interval;
  /** Holm-adjusted p-value of "the ratio lies beyond the tie margin". */
  readonly p: number;
  readonly judgement: Judgement;
}

export interface GroupVerdict {
  readonly job: BenchJobName;
  /** The swept setting's value, with a sweep. */
  readonly sweptValue?: string;
  /** Rows judged: correct results and at least two measured runs. */
  readonly judged: readonly BenchRow[];
  readonly reference: BenchRow | undefined;
  readonly comparisons: readonly Comparison[];
  /** Rows no other row is significantly faster than, fastest first. */
  readonly fastest: readonly BenchRow[];
  /** Rows other than the reference that do not differ from it. */
  readonly sameAsReference: readonly BenchRow[];
}

const judgeable = (row: BenchRow) => row.ok && row.timesMs.length >= 2 && row.summary;

/** Compares every pair of rows, at `margin` (0.03 for 3 %), Holm-corrected over the pairs. */
export function judgeRows(rows: readonly BenchRow[], margin: number): Comparison[] {
  const judged = rows.filter(judgeable);
  const pairs: { a: BenchRow; b: BenchRow }[] = [];
  for (const [i, a] of judged.entries()) for (const b of judged.slice(i + 1)) pairs.push({ a, b });
  const tests = pairs.map(({ a, b }) => timeRatio(b.timesMs, a.timesMs));
  const adjusted = holm(tests.map((test) => (test ? beyondMarginP(test.difference, margin) : 1)));
  return pairs.flatMap(({ a, b }, i) => {
    const test = tests[i];
    if (!test || !a.summary || !b.summary) return [];
    const p = adjusted[i] as number;
    const significant = p < 1 - CONFIDENCE;
    const judgement: Judgement = !significant
      ? 'same'
      : test.difference.estimate > 0
        ? 'faster'
        : 'slower';
    return [{ a, b, ratio: b.summary.median / a.summary.median, ci95: test.ci95, p, judgement }];
  });
}

/** Whether `row` is significantly slower than another row of the comparisons. */
function beaten(row: BenchRow, comparisons: readonly Comparison[]): boolean {
  return comparisons.some(
    (c) => (c.a === row && c.judgement === 'slower') || (c.b === row && c.judgement === 'faster'),
  );
}

function sameAs(row: BenchRow, other: BenchRow, comparisons: readonly Comparison[]): boolean {
  return comparisons.some(
    (c) =>
      ((c.a === row && c.b === other) || (c.a === other && c.b === row)) && c.judgement === 'same',
  );
}

/** The verdict on one group of rows: one job, at one swept value. */
export function judgeGroup(
  job: BenchJobName,
  rows: readonly BenchRow[],
  margin: number,
  sweptValue?: string,
): GroupVerdict {
  const comparisons = judgeRows(rows, margin);
  const judged = rows.filter(judgeable);
  const reference = judged.find((row) => row.reference);
  const byTime = [...judged].sort((x, y) => (x.summary?.median ?? 0) - (y.summary?.median ?? 0));
  return {
    job,
    sweptValue,
    judged,
    reference,
    comparisons,
    fastest: byTime.filter((row) => !beaten(row, comparisons)),
    sameAsReference: reference
      ? judged.filter((row) => row !== reference && sameAs(row, reference, comparisons))
      : [],
  };
}

/** One verdict per job, and per swept value with a sweep, in the order rows were measured. */
export function judge(result: BenchResult): GroupVerdict[] {
  const { sweep } = result;
  const groups = new Map<string, BenchRow[]>();
  for (const row of result.rows) {
    const key = `${row.job}|${sweep ? row.parameters[sweep.parameter] : ''}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups.values()].map((rows) => {
    const first = rows[0] as BenchRow;
    return judgeGroup(
      first.job,
      rows,
      result.options.tieMargin,
      sweep ? first.parameters[sweep.parameter] : undefined,
    );
  });
}

/**
 * The rows to show as fastest: those tied for fastest in their group, when some row of
 * the group is slower than them. When nothing was beaten, nothing is the fastest.
 */
export function fastestRows(verdicts: readonly GroupVerdict[]): Set<BenchRow> {
  return new Set(
    verdicts.flatMap((verdict) =>
      verdict.fastest.length < verdict.judged.length ? verdict.fastest : [],
    ),
  );
}
