import { describe, expect, it } from 'vitest';
import { expectEachItem, outcomeOf } from '../src/conformance/items.js';
import { crashPage, deathOf } from '../src/crash.js';

describe('the conformance suite, item by item', () => {
  it('names every item whose outcome differs, with what it is', () => {
    const cases = [
      { what: 'returns 0', expected: 'ok' },
      { what: 'throws later in the worker', expected: 'crashed' },
      { what: 'site A', expected: ['ok', 'crashed'] },
      { what: 'status 404', expected: 'http_status' },
      { what: 'reset mid-body', expected: 'reset' },
    ];
    expect(() => expectEachItem(cases, ['ok', 'ok', 'crashed', 'http_status', 'timeout'])).toThrow(
      'item 1 (throws later in the worker): expected crashed, got ok\n' +
        'item 4 (reset mid-body): expected reset, got timeout',
    );
    expect(() => expectEachItem(cases, ['ok', 'crashed', 'reset', 'http_status', 'reset'])).toThrow(
      'item 2 (site A): expected ok or crashed, got reset',
    );
    expect(() => expectEachItem(cases.slice(0, 1), ['ok', 'ok'])).toThrow(
      'expected 1 items, got 2',
    );
    expect(() => expectEachItem(cases, ['ok', 'crashed'])).toThrow(
      'item 2 (site A): expected ok or crashed, got nothing',
    );
    expectEachItem(cases, ['ok', 'crashed', 'ok', 'http_status', 'reset']);
  });

  it("calls a record's outcome ok or its error", () => {
    expect(outcomeOf({ input: '1', value: '1' })).toBe('ok');
    expect(outcomeOf({ url: 'x', status: 0, bytes: 0, sha256: '', error: 'reset' })).toBe('reset');
  });

  it('knows a crash page by its scheme, and refuses one that names no death', () => {
    expect(crashPage('out-of-memory')).toBe('speedup-crash:out-of-memory');
    expect(deathOf(crashPage('throw-later'))).toBe('throw-later');
    expect(deathOf('http://127.0.0.1/speedup-crash:exit')).toBeUndefined();
    expect(() => deathOf('speedup-crash:explode')).toThrow('not a crash page');
  });
});
