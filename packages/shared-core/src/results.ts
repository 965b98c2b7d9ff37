import type { CpuResult, PageResult, Result } from './types.js';

/**
 * Canonical result records (their types are in types.ts). Every strategy returns these,
 * one per input item in input order, so results of different strategies can be compared
 * field by field.
 */

/** One item where a candidate disagrees with the reference. */
export interface Difference<R extends Result = Result> {
  readonly index: number;
  /** The reference's record; undefined when the candidate has extra items. */
  readonly expected: R | undefined;
  /** The candidate's record; undefined when it is missing. */
  readonly actual: R | undefined;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The record of a page whose worker died while downloading it. */
export function crashedPage(url: string, error: unknown): PageResult {
  return { url, status: 0, bytes: 0, sha256: '', error: 'crashed', detail: messageOf(error) };
}

/** The record of a page whose download threw, on every attempt a job queue made. */
export function failedPage(url: string, error: unknown): PageResult {
  return { url, status: 0, bytes: 0, sha256: '', error: 'failed', detail: messageOf(error) };
}

/** The record of a CPU task whose worker died while computing it. */
export function crashedComputation(n: number, error: unknown): CpuResult {
  return { input: String(n), value: '', error: 'crashed', detail: messageOf(error) };
}

/** The record of a CPU task that threw. */
export function failedComputation(n: number, error: unknown): CpuResult {
  return { input: String(n), value: '', error: 'failed', detail: messageOf(error) };
}

/**
 * What became of one item, in a word or two: `ok`; its error (`reset`, `crashed`); or its
 * error and what it concerns, `http_status (500)`, `timeout (page)`. Two items of one kind
 * failed the same way, as far as the records can tell.
 */
export function outcomeKind(result: Result): string {
  if (!result.error) return 'ok';
  if ('status' in result) {
    if (result.error === 'http_status') return `http_status (${result.status})`;
    if (result.error === 'timeout' && result.timeout) return `timeout (${result.timeout})`;
  }
  return result.error;
}

/** Fields that identify a result; free-text fields such as `detail` are not compared. */
function comparable(result: Result | undefined): string | undefined {
  if (result === undefined) return undefined;
  const { detail: _detail, ...rest } = result as PageResult;
  return JSON.stringify(rest, Object.keys(rest).sort());
}

/** Every item where `candidate` differs from `reference`, by position. Empty means equal. */
export function diffResults<R extends Result>(
  reference: readonly R[],
  candidate: readonly R[],
): Difference<R>[] {
  const differences: Difference<R>[] = [];
  const length = Math.max(reference.length, candidate.length);
  for (let index = 0; index < length; index++) {
    const expected = reference[index];
    const actual = candidate[index];
    if (comparable(expected) !== comparable(actual)) differences.push({ index, expected, actual });
  }
  return differences;
}

function fieldsOf(result: Result | undefined): string {
  if (result === undefined) return 'nothing';
  return Object.entries(result)
    .filter(([key]) => key !== 'detail')
    .map(
      ([key, value]) =>
        `${key}=${typeof value === 'string' && value.length > 16 && key === 'sha256' ? `${value.slice(0, 12)}…` : value}`,
    )
    .join(' ');
}

/** One line naming an item and what differs: `item 7: expected bytes=44285 …, got bytes=0 …`. */
export function describeDifference({ index, expected, actual }: Difference): string {
  return `item ${index}: expected ${fieldsOf(expected)}, got ${fieldsOf(actual)}`;
}
