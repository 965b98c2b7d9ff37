import {
  beyondMarginP,
  CONFIDENCE,
  holm,
  type Interval,
  type LogDifference,
  logDifference,
  logSample,
  ratioInterval,
  timeRatio,
} from './intervals.js';

/**
 * How two samples of times compare, as the verdict judges them: the part of judging that
 * needs only times, so that taking turns (measure.ts) can ask it of the runs so far
 * without knowing rows.
 */

/** How `a` did against `b`. */
export type Judgement = 'faster' | 'slower' | 'same';

/**
 * A tie whose interval reaches further than this on either side (a quarter faster, or a
 * quarter slower) has not shown the two alike: its runs leave room for a real difference.
 */
const UNDECIDED_SPREAD = 1.25;

/**
 * Whether a tie is one only because the runs cannot tell: its interval reaches a quarter
 * faster or a quarter slower (0.42–1.09 is as much "2.4 times slower" as "the same"), or
 * (a tie after Holm's correction for many comparisons) lies wholly on one side of the tie
 * margin. Calling it `≈` would claim the runs had shown the two alike.
 */
export function cannotTell([low, high]: Interval, margin: number): boolean {
  const wide = low < 1 / UNDECIDED_SPREAD || high > UNDECIDED_SPREAD;
  return wide || high < 1 / (1 + margin) || low > 1 + margin;
}

/** How the `a`-th of some samples of times did against the `b`-th. */
export interface TimesComparison {
  readonly a: number;
  readonly b: number;
  readonly ratio: number;
  readonly ci95: Interval;
  readonly p: number;
  readonly judgement: Judgement;
}

/**
 * Compares every pair of samples of times with two runs or more, at `margin`,
 * Holm-corrected over the pairs: what `judgeRows` does to rows, and what taking turns
 * asks of the runs so far (see `unsettledPairs`).
 */
export function compareTimes(
  samples: readonly (readonly number[])[],
  margin: number,
): TimesComparison[] {
  const pairs: { a: number; b: number }[] = [];
  for (let a = 0; a < samples.length; a++) {
    for (let b = a + 1; b < samples.length; b++) pairs.push({ a, b });
  }
  const tests = pairs.map(({ a, b }) => timeRatio(samples[b] ?? [], samples[a] ?? []));
  const adjusted = holm(tests.map((test) => (test ? beyondMarginP(test.difference, margin) : 1)));
  return pairs.flatMap(({ a, b }, i) => {
    const test = tests[i];
    if (!test) return [];
    const p = adjusted[i] as number;
    const significant = p < 1 - CONFIDENCE;
    const judgement: Judgement = !significant
      ? 'same'
      : test.difference.estimate > 0
        ? 'faster'
        : 'slower';
    return [{ a, b, ratio: test.ratio, ci95: test.ci95, p, judgement }];
  });
}

/**
 * The pairs of samples of times (by index) that the verdict would call "too few runs to
 * tell": a tie whose interval reaches a quarter beyond equal, or lies wholly on one side
 * of the margin (`cannotTell`). Taking turns, such a pair gets more runs (`unsettledRows`
 * in measure.ts).
 */
export function unsettledPairs(
  samples: readonly (readonly number[])[],
  margin: number,
): [number, number][] {
  return compareTimes(samples, margin)
    .filter((c) => c.judgement === 'same' && cannotTell(c.ci95, margin))
    .map(({ a, b }) => [a, b]);
}

/** One row's times in this run and in a saved one, with its reference's in both when both measured it. */
export interface ChangeSamples {
  readonly after: readonly number[];
  readonly before: readonly number[];
  readonly reference?: { readonly after: readonly number[]; readonly before: readonly number[] };
}

/** How a row changed since a saved run (`--compare`). */
export interface JudgedChange {
  /** log(after ÷ before), less the reference's when `corrected`; undefined with fewer than two runs on a side. */
  readonly difference: LogDifference | undefined;
  readonly ci95: Interval | undefined;
  readonly corrected: boolean;
  /** By the verdict's rules (`cannotTell` included); undefined: too few runs to tell. */
  readonly judgement: Judgement | undefined;
}

/**
 * Judges each row's change since a saved run as the verdict judges two strategies: after ÷
 * before (divided by the reference's after ÷ before, when both runs measured it, so the
 * machine's drift between them cancels), `faster` or `slower` only when its interval lies
 * beyond the margin after Holm's correction over the rows, `same` only when it also stays
 * within a quarter of no change, and otherwise undefined: too few runs to tell.
 */
export function judgeChanges(changes: readonly ChangeSamples[], margin: number): JudgedChange[] {
  const measured = changes.map(({ after, before, reference }) => {
    const [now, then] = [logSample(after), logSample(before)];
    const [referenceNow, referenceThen] = [
      reference && logSample(reference.after),
      reference && logSample(reference.before),
    ];
    const corrected = referenceNow !== undefined && referenceThen !== undefined;
    const difference =
      now && then
        ? logDifference([
            [1, now],
            [-1, then],
            ...(corrected
              ? ([
                  [-1, referenceNow],
                  [1, referenceThen],
                ] as const)
              : []),
          ])
        : undefined;
    return { difference, corrected };
  });
  const adjusted = holm(
    measured.map(({ difference }) => (difference ? beyondMarginP(difference, margin) : 1)),
  );
  return measured.map(({ difference, corrected }, i) => {
    const ci95 = difference && ratioInterval(difference);
    const significant = (adjusted[i] as number) < 1 - CONFIDENCE;
    const judgement: Judgement | undefined =
      !difference || !ci95
        ? undefined
        : significant
          ? difference.estimate > 0
            ? 'slower'
            : 'faster'
          : cannotTell(ci95, margin)
            ? undefined
            : 'same';
    return { difference, ci95, corrected, judgement };
  });
}
