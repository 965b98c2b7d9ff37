import { ratioToFloor } from '../benchmark/comparisons.js';
import { type GroupVerdict, judge, speedupAgainst } from '../benchmark/judge.js';
import { FLOOR_BESIDE } from '../benchmark/plan.js';
import type { BenchResult, BenchRow } from '../benchmark/result.js';
import { failureWarnings } from './failures.js';
import { microsecondsWithInterval, ratioWithInterval } from './format.js';

/**
 * One line per job in the article's terms: which strategies are fastest, by how much
 * against the sequential reference, which gain nothing, and the others. A strategy is
 * faster or slower than another only when the measurements say so beyond the tie margin
 * (see benchmark/judge.ts); otherwise they tie, and the line says `≈`.
 */

const capitalised = (word: string) => `${word.charAt(0).toUpperCase()}${word.slice(1)}`;

/** Why a strategy that ties with the reference gains nothing, where the model says why. */
function noGainBecause(row: BenchRow): string {
  if (row.workload === 'cpu' && row.model === 'async') return 'no gain: one thread computes';
  return 'no gain';
}

function lineOf(verdict: GroupVerdict): string | undefined {
  const {
    reference,
    fastest,
    undecided: unplaced,
    sameAsReference,
    undecidedVsReference: unsure,
    judged,
  } = verdict;
  const first = verdict.rows[0];
  if (!first) return undefined;
  const kind = first.workload === 'io' ? 'I/O-bound' : 'CPU-bound';
  const language = verdict.language === 'node' ? '' : `, ${capitalised(verdict.language)}`;
  const head = `${kind} (${verdict.job})${language}: `;
  const correct = verdict.rows.filter((row) => row.ok && row.summary);
  if (!reference || judged.length < 2) {
    return correct.length >= 2
      ? `${head}too few runs to tell which is faster (each strategy needs 2 or more measured runs).`
      : undefined;
  }
  const speedupOf = (row: BenchRow) => {
    const speedup = speedupAgainst(verdict, row);
    return speedup ? ratioWithInterval(speedup.ratio, speedup.ci95) : '–';
  };
  const others = judged.filter(
    (row) =>
      row !== reference &&
      !fastest.includes(row) &&
      !unplaced.includes(row) &&
      !unsure.includes(row),
  );
  const parts: string[] = [];

  if (fastest.includes(reference)) {
    const tied = fastest.filter((row) => row !== reference && !unsure.includes(row));
    if (unsure.length === 0 || tied.length > 0) {
      parts.push(
        tied.length > 0
          ? `${[reference, ...tied].map((row) => row.strategy).join(' ≈ ')}${unsure.length === 0 ? `: nothing is faster than ${reference.strategy}` : ''}`
          : `nothing is faster than ${reference.strategy}`,
      );
    }
  } else {
    const names = fastest.map((row) => row.strategy).join(' ≈ ');
    const figures = fastest.map(speedupOf).join(' and ');
    const gil =
      verdict.language === 'node' &&
      reference.workload === 'cpu' &&
      fastest.some((row) => row.model === 'threads')
        ? ' (in CPython the GIL makes threads slower than sync here; Node threads run in parallel)'
        : '';
    // With a row the runs cannot place against them, they are not shown to be the fastest:
    // they lead (nothing surely beats them), and the next part names the row left unplaced.
    const standing = unplaced.length === 0 ? 'fastest' : fastest.length > 1 ? 'lead' : 'leads';
    parts.push(`${names} ${standing}, ${figures} vs ${reference.strategy}${gil}`);
  }
  const tooFew = (rows: readonly BenchRow[], from: BenchRow) => {
    const runs = Math.min(...[from, ...rows].map((row) => row.timesMs.length));
    return `too few runs to tell ${rows.map((row) => `${row.strategy} ${speedupOf(row)}`).join(', ')} from ${from.strategy}: their intervals are too wide to call them alike or apart (${runs} run${runs === 1 ? '' : 's'} each at least; a larger --runs or --time-budget gives more)`;
  };
  const [leader] = fastest;
  if (unplaced.length > 0 && leader) parts.push(tooFew(unplaced, leader));
  if (unsure.length > 0) parts.push(tooFew(unsure, reference));
  const same = others.filter((row) => sameAsReference.includes(row));
  const rest = others.filter((row) => !sameAsReference.includes(row));
  for (const row of same) {
    parts.push(`${row.strategy} ≈ ${reference.strategy} (${noGainBecause(row)})`);
  }
  if (rest.length > 0) {
    parts.push(
      rest
        .map((row) => {
          const slower =
            (speedupAgainst(verdict, row)?.ratio ?? 1) < 1
              ? `, slower than ${reference.strategy}`
              : '';
          return `${row.strategy} ${speedupOf(row)}${slower}`;
        })
        .join(', '),
    );
  }
  return `${head}${parts.join('; ')}.`;
}

/**
 * `--floor`: what a page cost io-asyncio beside what it cost the bare client measured in
 * its process, run for run, as a ratio with its paired interval (see `ratioToFloor`).
 */
export function floorLines(result: BenchResult): string[] {
  const perPage = (row: BenchRow) =>
    microsecondsWithInterval(row.overheadPerPageUs, row.overheadPerPageCi95);
  return (result.floors ?? []).flatMap((floor) => {
    if (floor.overheadPerPageUs === undefined) return [];
    const head = `Floor (${floor.job}): a bare client costs ${perPage(floor)} per page beyond the bound`;
    const beside = result.rows.find(
      (row) => row.job === floor.job && row.strategy === FLOOR_BESIDE && row.ok,
    );
    const paired = beside && ratioToFloor(beside, floor);
    if (!beside || !paired) return [`${head}.`];
    const ratio = ratioWithInterval(paired.ratio, paired.ci95);
    return [
      `${head}; ${beside.strategy}, measured in the same process, run for run: ${perPage(beside)}, ${ratio} the floor's (the paired runs' typical ratio and its interval).`,
    ];
  });
}

/**
 * The verdict's lines, and a last one saying how ties were decided (none with a sweep);
 * first, a warning for every job in which more than a tenth of the items failed.
 */
export function verdict(result: BenchResult): string[] {
  const warnings = failureWarnings(result);
  if (result.sweep) return warnings;
  const verdicts = judge(result);
  const lines = verdicts.map(lineOf).filter((line): line is string => line !== undefined);
  lines.push(...floorLines(result));
  if (lines.length === 0) return warnings;
  const pairs = Math.max(...verdicts.map((each) => each.comparisons.length));
  const margin = `${(result.options.tieMargin * 100).toFixed(0)} %`;
  lines.push(
    `(x ≈ y: the 95 % interval of their ratio reaches within ${margin} of equal, after Holm's correction for the ${pairs} comparison${pairs === 1 ? '' : 's'} of a job; intervals in brackets.)`,
  );
  if (result.rows.some((row) => row.interrupted)) {
    lines.push('(Interrupted: this rests on the runs finished before Ctrl-C.)');
  }
  return [...warnings, ...lines];
}
