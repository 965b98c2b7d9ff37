import { readFileSync } from 'node:fs';
import type { BenchJobName } from '@speedup/shared-core';
import { beyondMarginP, CONFIDENCE, holm, type Interval } from './intervals.js';
import { type ChangeSamples, type JudgedChange, type Judgement, judgeChanges } from './pairs.js';
import { PlanError } from './plan.js';
import type { BenchResult, BenchRow } from './result.js';

/**
 * `--compare <file>`: this run against an earlier `--export-json` of the same jobs and
 * inputs, row by row. Two runs minutes apart do not run on the same machine speed (this
 * one drifts by a quarter), so when both measured the job's reference, each row's change
 * is corrected by the reference's: (after ÷ after's reference) ÷ (before ÷ before's
 * reference), the ratio of its speed-ups, with an interval over all four samples. The
 * reference's own row then shows how much the machine itself changed.
 */

/** What an earlier export says of one row; only the fields a comparison needs. */
export interface SavedRow {
  readonly strategy: string;
  readonly job: BenchJobName;
  readonly input: string;
  readonly reference: boolean;
  readonly sweptValue: string | undefined;
  /** Work times of the measured runs, in milliseconds. */
  readonly timesMs: readonly number[];
  readonly median: number | undefined;
}

export interface SavedRun {
  readonly file: string;
  readonly rows: readonly SavedRow[];
}

export interface RowChange {
  readonly row: BenchRow;
  readonly before: SavedRow;
  /** After ÷ before: above 1 is slower. Corrected for the machine when `corrected`. */
  readonly change: number;
  readonly ci95: Interval | undefined;
  readonly corrected: boolean;
  /**
   * By the verdict's rules: `faster` or `slower` beyond the tie margin, Holm-corrected;
   * `same` only when the interval also stays within a quarter of none; otherwise (or with
   * fewer than two runs) undefined: too few runs to tell.
   */
  readonly judgement: Judgement | undefined;
  /** Significantly slower than before by more than `--fail-if-slower`. */
  readonly failsThreshold: boolean;
}

interface ExportedRecord {
  strategy?: unknown;
  job?: unknown;
  input?: unknown;
  reference?: unknown;
  parameters?: Record<string, unknown>;
  times?: unknown;
  median?: unknown;
}

/** Reads an export written by `--export-json`; a file that is not one is a usage error. */
export function readSavedRun(file: string, sweptParameter: string | undefined): SavedRun {
  let document: { results?: unknown };
  try {
    document = JSON.parse(readFileSync(file, 'utf8')) as { results?: unknown };
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new PlanError(`--compare: cannot read '${file}' (${reason})`);
  }
  if (!Array.isArray(document.results)) {
    throw new PlanError(`--compare: '${file}' is not a file written by pnpm bench --export-json`);
  }
  const rows = (document.results as ExportedRecord[]).map((record): SavedRow => {
    if (
      typeof record.strategy !== 'string' ||
      typeof record.job !== 'string' ||
      typeof record.input !== 'string' ||
      !Array.isArray(record.times)
    ) {
      throw new PlanError(
        `--compare: '${file}' was not written by this version of pnpm bench --export-json (a result lacks strategy, job, input or times)`,
      );
    }
    const swept = sweptParameter ? record.parameters?.[sweptParameter] : undefined;
    return {
      strategy: record.strategy,
      job: record.job as BenchJobName,
      input: record.input,
      reference: record.reference === true,
      sweptValue: typeof swept === 'string' ? swept : undefined,
      timesMs: (record.times as number[]).map((seconds) => seconds * 1000),
      median: typeof record.median === 'number' ? record.median * 1000 : undefined,
    };
  });
  return { file, rows };
}

/** One job's input as a planned run will give it: what a saved run must have measured too. */
export interface PlannedInput {
  readonly job: BenchJobName;
  readonly sweptValue: string | undefined;
  readonly input: string;
}

/** Checks before anything runs that the saved run measured the same jobs on the same inputs. */
export function checkSameInputs(saved: SavedRun, planned: readonly PlannedInput[]): void {
  for (const { job, sweptValue, input } of planned) {
    const before = saved.rows.filter((row) => row.job === job && row.sweptValue === sweptValue);
    const at = sweptValue === undefined ? '' : ` at that setting (${sweptValue})`;
    if (before.length === 0) {
      throw new PlanError(`--compare: '${saved.file}' has no ${job} job${at} to compare with`);
    }
    const other = before.find((row) => row.input !== input);
    if (other) {
      throw new PlanError(
        `--compare: '${saved.file}' ran ${job} on other inputs (${other.input}; now ${input})`,
      );
    }
  }
}

/** The saved run's row of `strategy` on `job` at `sweptValue` (undefined outside a sweep). */
export const savedRowOf = (
  saved: SavedRun,
  strategy: string,
  job: BenchJobName,
  sweptValue: string | undefined,
): SavedRow | undefined =>
  saved.rows.find(
    (row) => row.strategy === strategy && row.job === job && row.sweptValue === sweptValue,
  );

const sweptValueOf = (row: BenchRow, result: BenchResult) =>
  result.sweep ? row.parameters[result.sweep.parameter] : undefined;

/** Compares each row of `result` with the same strategy, job and swept value in `saved`. */
export function compareRuns(
  result: BenchResult,
  saved: SavedRun,
  failIfSlower: number | undefined,
): RowChange[] {
  const margin = result.options.tieMargin;
  const matching = (row: BenchRow) =>
    savedRowOf(saved, row.strategy, row.job, sweptValueOf(row, result));
  const changes = result.rows.flatMap((row) => {
    const before = matching(row);
    if (!before || !row.summary || before.median === undefined) return [];
    const referenceNow = result.rows.find(
      (each) =>
        each.reference &&
        each.job === row.job &&
        sweptValueOf(each, result) === sweptValueOf(row, result),
    );
    const referenceBefore = referenceNow && matching(referenceNow);
    const reference =
      !row.reference && referenceNow && referenceBefore
        ? { after: referenceNow.timesMs, before: referenceBefore.timesMs }
        : undefined;
    // With fewer than two runs on a side there is no interval: the medians' ratio alone.
    const medians = row.summary.median / before.median;
    const samples: ChangeSamples = { after: row.timesMs, before: before.timesMs, reference };
    return [{ row, before, medians, samples }];
  });
  const judged = judgeChanges(
    changes.map(({ samples }) => samples),
    margin,
  );
  const failing = holm(
    judged.map(({ difference }) =>
      difference && failIfSlower !== undefined && difference.estimate > 0
        ? beyondMarginP(difference, failIfSlower)
        : 1,
    ),
  );
  return changes.map(({ row, before, medians }, i) => {
    const { difference, ci95, corrected, judgement } = judged[i] as JudgedChange;
    return {
      row,
      before,
      change: difference ? Math.exp(difference.estimate) : medians,
      ci95,
      corrected,
      judgement,
      failsThreshold: (failing[i] as number) < 1 - CONFIDENCE,
    };
  });
}
