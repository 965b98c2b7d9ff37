import type { BenchJobName } from '@speedup/shared-core';
import {
  beyondMarginP,
  CONFIDENCE,
  holm,
  type Interval,
  timeRatio,
  typicalTime,
} from './intervals.js';
import { cannotTell, compareTimes, type Judgement } from './pairs.js';
import type { BenchResult, BenchRow } from './result.js';

/**
 * Which strategies of a job are really faster than which: every pair of rows that
 * computed the right thing is compared, each judgement corrected for how many were made.
 * The verdict, the tables' highlights, the report's badges and the export all read this,
 * so they say the same thing, and only what the measurements support.
 */

export type { Judgement } from './pairs.js';

export interface Comparison {
  readonly a: BenchRow;
  readonly b: BenchRow;
  /** How many times faster `a` is than `b`: b's typical time ÷ a's (see `typicalTime`). */
  readonly ratio: number;
  /** 95 % interval of that ratio (of geometric means; see intervals.ts). */
  readonly ci95: Interval;
  /** Holm-adjusted p-value of "the ratio lies beyond the tie margin". */
  readonly p: number;
  readonly judgement: Judgement;
}

export interface GroupVerdict {
  readonly job: BenchJobName;
  /** The language of the group's strategies: each language is judged against its own sync. */
  readonly language: string;
  /** The swept setting's value, with a sweep. */
  readonly sweptValue?: string;
  /** Every row of the group, judged or not. */
  readonly rows: readonly BenchRow[];
  /** Rows judged: correct results and at least two measured runs. */
  readonly judged: readonly BenchRow[];
  readonly reference: BenchRow | undefined;
  readonly comparisons: readonly Comparison[];
  /**
   * Rows no other row is significantly faster than, by their medians; when some are
   * `undecided`, the leader (the row that surely beats the most others) first.
   */
  readonly fastest: readonly BenchRow[];
  /**
   * Rows nothing surely beats that the runs cannot place against the leader of `fastest`
   * either (`cannotTell`): they are not named among the fastest, nor as slower. Only when
   * the reference is beaten; otherwise the verdict weighs each row against the reference.
   */
  readonly undecided: readonly BenchRow[];
  /**
   * Rows other than the reference that do not differ from it, and are shown alike (`≈`):
   * neither `undecided` nor `undecidedVsReference`.
   */
  readonly sameAsReference: readonly BenchRow[];
  /**
   * Rows tied with the reference (among the fastest with it, or gaining nothing on it)
   * only because their runs cannot tell (`cannotTell`): the verdict says "too few runs to
   * tell" for them and names them nowhere else. They are not in `sameAsReference`; one
   * among the fastest with the reference stays in `fastest` (nothing beat it), so that no
   * table or badge names the reference fastest alone.
   */
  readonly undecidedVsReference: readonly BenchRow[];
}

/** How many times faster `row` is than `reference`, with its interval, as the comparisons say. */
export function speedupAgainst(
  verdict: GroupVerdict,
  row: BenchRow,
): { ratio: number; ci95: Interval } | undefined {
  const { reference, comparisons } = verdict;
  for (const c of comparisons) {
    if (c.a === row && c.b === reference) return { ratio: c.ratio, ci95: c.ci95 };
    if (c.a === reference && c.b === row) {
      return { ratio: 1 / c.ratio, ci95: [1 / c.ci95[1], 1 / c.ci95[0]] };
    }
  }
  return undefined;
}

const judgeable = (row: BenchRow) => row.ok && row.timesMs.length >= 2 && row.summary;

/** Compares every pair of rows, at `margin` (0.03 for 3 %), Holm-corrected over the pairs. */
export function judgeRows(rows: readonly BenchRow[], margin: number): Comparison[] {
  const judged = rows.filter(judgeable);
  return compareTimes(
    judged.map((row) => row.timesMs),
    margin,
  ).flatMap(({ a, b, ...compared }) => {
    const [first, second] = [judged[a], judged[b]];
    return first && second ? [{ a: first, b: second, ...compared }] : [];
  });
}

/** Whether `row` is significantly slower than another row of the comparisons. */
function beaten(row: BenchRow, comparisons: readonly Comparison[]): boolean {
  return comparisons.some(
    (c) => (c.a === row && c.judgement === 'slower') || (c.b === row && c.judgement === 'faster'),
  );
}

/** The comparison of two rows, whichever way round it was made. */
function comparisonOf(a: BenchRow, b: BenchRow, comparisons: readonly Comparison[]) {
  return comparisons.find((c) => (c.a === a && c.b === b) || (c.a === b && c.b === a));
}

function sameAs(row: BenchRow, other: BenchRow, comparisons: readonly Comparison[]): boolean {
  return comparisonOf(row, other, comparisons)?.judgement === 'same';
}

/**
 * The rows nothing surely beats, split into those tied with the leader and those the runs
 * cannot place against it. The leader is the row that surely beats the most others, the
 * faster typical time first among equals: a row whose median is lowest but whose runs
 * spread widely leads nothing.
 */
function splitUnbeaten(
  unbeaten: readonly BenchRow[],
  comparisons: readonly Comparison[],
  margin: number,
): { fastest: BenchRow[]; undecided: BenchRow[] } {
  const wins = (row: BenchRow) =>
    comparisons.filter(
      (c) => (c.a === row && c.judgement === 'faster') || (c.b === row && c.judgement === 'slower'),
    ).length;
  const time = (row: BenchRow) => typicalTime(row.timesMs) ?? Number.POSITIVE_INFINITY;
  const [leader] = [...unbeaten].sort((x, y) => wins(y) - wins(x) || time(x) - time(y));
  if (!leader) return { fastest: [], undecided: [] };
  const undecided = unbeaten.filter((row) => {
    const c = row !== leader && comparisonOf(row, leader, comparisons);
    return c ? cannotTell(c.ci95, margin) : false;
  });
  // In order of their medians, as the tables list them, unless some are undecided: then
  // the leader they could not be placed against comes first.
  const placed = unbeaten.filter((row) => !undecided.includes(row));
  const fastest =
    undecided.length === 0 ? placed : [leader, ...placed.filter((row) => row !== leader)];
  return { fastest, undecided };
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
  // The job's reference for its own language; another language's own sequential strategy.
  const reference =
    judged.find((row) => row.reference) ?? judged.find((row) => row.model === 'sequential');
  const byTime = [...judged].sort((x, y) => (x.summary?.median ?? 0) - (y.summary?.median ?? 0));
  const unbeaten = byTime.filter((row) => !beaten(row, comparisons));
  const { fastest, undecided } =
    reference && !unbeaten.includes(reference)
      ? splitUnbeaten(unbeaten, comparisons, margin)
      : { fastest: unbeaten, undecided: [] };
  const same = reference
    ? judged.filter((row) => row !== reference && sameAs(row, reference, comparisons))
    : [];
  const tiedWithReference = (row: BenchRow) =>
    reference !== undefined &&
    row !== reference &&
    !undecided.includes(row) &&
    // Among the fastest with it, or gaining nothing on it.
    ((fastest.includes(reference) && fastest.includes(row)) ||
      (!fastest.includes(row) && same.includes(row)));
  const undecidedVsReference = judged.filter((row) => {
    const c = tiedWithReference(row) && reference && comparisonOf(row, reference, comparisons);
    return c ? cannotTell(c.ci95, margin) : false;
  });
  return {
    job,
    language: rows[0]?.language ?? 'node',
    sweptValue,
    rows,
    judged,
    reference,
    comparisons,
    fastest,
    undecided,
    // A row the runs cannot place against the leader is named there alone, as the line does.
    sameAsReference: same.filter(
      (row) => !undecidedVsReference.includes(row) && !undecided.includes(row),
    ),
    undecidedVsReference,
  };
}

/**
 * One verdict per job and language, and per swept value with a sweep, in the order rows
 * were measured. Strategies in another language than Node (the article's Python programs)
 * are judged among themselves, against their own sync; `acrossLanguages` sets the two
 * side by side.
 */
export function judge(result: BenchResult): GroupVerdict[] {
  const { sweep } = result;
  const groups = new Map<string, BenchRow[]>();
  for (const row of result.rows) {
    const swept = sweep ? row.parameters[sweep.parameter] : '';
    const key = `${row.job}|${swept}|${row.language ?? 'node'}`;
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
 * the group is slower than them. When nothing was beaten, nothing is the fastest; nor
 * when some row could not be placed against them (the verdict says they lead).
 */
export function fastestRows(verdicts: readonly GroupVerdict[]): Set<BenchRow> {
  return new Set(
    verdicts.flatMap((verdict) =>
      verdict.fastest.length < verdict.judged.length && verdict.undecided.length === 0
        ? verdict.fastest
        : [],
    ),
  );
}

/** A strategy in Node and its counterpart in another language, judged against each other. */
export interface LanguagePair {
  readonly node: BenchRow;
  readonly other: BenchRow;
  /** How many times faster Node's is: the other's typical time ÷ Node's. */
  readonly ratio: number;
  /** Undefined below two runs on either side: then nothing is judged. */
  readonly ci95: Interval | undefined;
  /** How Node's did against the other's; undefined below two runs on either side. */
  readonly judgement: Judgement | undefined;
}

/**
 * Each strategy of another language beside the Node strategy it ports, by name
 * (`py-io-threading` ports `io-threading`): every pair of one job judged at the margin,
 * Holm-corrected over the pairs.
 */
export function acrossLanguages(
  rows: readonly BenchRow[],
  margin: number,
  portOf: (row: BenchRow) => string | undefined,
): LanguagePair[] {
  const pairs = rows.flatMap((other) => {
    const name = (other.language ?? 'node') === 'node' ? undefined : portOf(other);
    const node = name
      ? rows.find((row) => row.strategy === name && (row.language ?? 'node') === 'node')
      : undefined;
    const nodeTime = node?.ok ? typicalTime(node.timesMs) : undefined;
    const otherTime = other.ok ? typicalTime(other.timesMs) : undefined;
    if (!node || nodeTime === undefined || otherTime === undefined) return [];
    const test = timeRatio(other.timesMs, node.timesMs);
    return [{ node, other, ratio: otherTime / nodeTime, test }];
  });
  const adjusted = holm(
    pairs.map(({ test }) => (test ? beyondMarginP(test.difference, margin) : 1)),
  );
  return pairs.map(({ node, other, ratio, test }, i) => {
    const significant = (adjusted[i] as number) < 1 - CONFIDENCE;
    const judgement: Judgement | undefined = !test
      ? undefined
      : !significant
        ? 'same'
        : test.difference.estimate > 0
          ? 'faster'
          : 'slower';
    return { node, other, ratio, ci95: test?.ci95, judgement };
  });
}
