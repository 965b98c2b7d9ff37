import { describe, expect, it } from 'vitest';
import { type CpuResult, describeDifference, diffResults, type PageResult } from '../src/index.js';

const page = (url: string, bytes: number): PageResult => ({
  url,
  status: 200,
  bytes,
  sha256: `hash-${bytes}`,
});

describe('diffResults', () => {
  it('finds nothing when every item is equal, whatever the key order', () => {
    const reference: CpuResult[] = [{ input: '1', value: '0' }];
    const candidate = [{ value: '0', input: '1' }] as CpuResult[];
    expect(diffResults(reference, candidate)).toEqual([]);
  });

  it('names every differing item by position, with both records', () => {
    const reference = [page('a', 1), page('b', 2), page('c', 3), page('d', 4)];
    const candidate = [page('a', 1), page('b', 20), page('c', 3), { ...page('d', 4), status: 500 }];
    const differences = diffResults(reference, candidate);
    expect(differences.map((difference) => difference.index)).toEqual([1, 3]);
    expect(differences[0]).toEqual({ index: 1, expected: page('b', 2), actual: page('b', 20) });
  });

  it('reports missing and extra items', () => {
    const reference = [page('a', 1), page('b', 2)];
    expect(diffResults(reference, [page('a', 1)])).toEqual([
      { index: 1, expected: page('b', 2), actual: undefined },
    ]);
    expect(diffResults([page('a', 1)], reference)).toEqual([
      { index: 1, expected: undefined, actual: page('b', 2) },
    ]);
  });

  it('compares errors but not their free-text detail', () => {
    const failed = (detail: string): PageResult => ({
      url: 'a',
      status: 0,
      bytes: 0,
      sha256: '',
      error: 'failed',
      detail,
    });
    expect(diffResults([failed('socket hang up')], [failed('other words')])).toEqual([]);
    expect(diffResults([failed('x')], [{ ...failed('x'), error: 'timeout' }])).toHaveLength(1);
  });

  it('describes a difference in one line naming the item and the fields', () => {
    const [difference] = diffResults([page('a', 1)], [page('a', 2)]);
    expect(describeDifference(difference as never)).toBe(
      'item 0: expected url=a status=200 bytes=1 sha256=hash-1, got url=a status=200 bytes=2 sha256=hash-2',
    );
  });
});
