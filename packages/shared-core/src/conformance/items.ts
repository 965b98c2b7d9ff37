import { assert, expect } from 'vitest';
import { outcomeKind } from '../results.js';
import type { Result, TaskEvent } from '../types.js';

/** What became of one item: `ok`, or its kind of failure (`timeout (page)`, see `outcomeKind`). */
export function outcomeOf(result: Result | undefined): string {
  return result === undefined ? 'nothing' : outcomeKind(result);
}

/** One item of a test's input: what it is, in words, and the outcome it must end with (or one of several). */
export interface ItemCase {
  readonly what: string;
  readonly expected: string | readonly string[];
}

/**
 * Compares each item's outcome with its case and fails naming every item that differs,
 * with what it is: `item 1 (throws later in the worker): expected crashed, got ok`. Two
 * arrays side by side would leave the reader counting positions.
 */
export function expectEachItem(cases: readonly ItemCase[], outcomes: readonly string[]): void {
  const wrong: string[] = [];
  for (const [index, { what, expected }] of cases.entries()) {
    const allowed: readonly string[] = typeof expected === 'string' ? [expected] : expected;
    const actual = outcomes[index] ?? 'nothing';
    if (!allowed.includes(actual)) {
      wrong.push(`item ${index} (${what}): expected ${allowed.join(' or ')}, got ${actual}`);
    }
  }
  if (outcomes.length > cases.length) {
    wrong.push(`expected ${cases.length} items, got ${outcomes.length}`);
  }
  if (wrong.length > 0) assert.fail(wrong.join('\n'));
}

export function expectOneEventPerItem(events: readonly TaskEvent[], items: number): void {
  expect(events.map((event) => event.index).sort((a, b) => a - b)).toEqual(
    Array.from({ length: items }, (_, i) => i),
  );
  for (const event of events) {
    expect(event.worker).toMatch(/\S/);
    expect(event.end).toBeGreaterThanOrEqual(event.start);
  }
}
