import type { HttpLimits } from '../limits.js';
import { outcomeKind } from '../results.js';
import type { Result } from '../types.js';

/**
 * What became of a run's items, counted by kind (see `outcomeKind`), and said in words a
 * user knows: `8 of 12 pages failed: 2 body too large (over 10 MB), 2 HTTP 500`.
 */

export interface Outcomes {
  readonly ok: number;
  readonly failed: number;
  /** Failed items by kind, in the order each kind first appears in the input. */
  readonly byKind: Readonly<Record<string, number>>;
}

export function countOutcomes(results: readonly Result[]): Outcomes {
  const byKind: Record<string, number> = {};
  let ok = 0;
  for (const result of results) {
    const kind = outcomeKind(result);
    if (kind === 'ok') ok++;
    else byKind[kind] = (byKind[kind] ?? 0) + 1;
  }
  return { ok, failed: results.length - ok, byKind };
}

/** Whether two counts say the same: as many failed, of the same kinds. */
export function sameOutcomes(a: Outcomes, b: Outcomes): boolean {
  const kinds = new Set([...Object.keys(a.byKind), ...Object.keys(b.byKind)]);
  return a.ok === b.ok && [...kinds].every((kind) => a.byKind[kind] === b.byKind[kind]);
}

/** `10 s`, `1.5 s`, `500 ms`. */
function time(ms: number): string {
  return ms >= 1000 ? `${Number((ms / 1000).toFixed(1))} s` : `${Number(ms.toFixed(1))} ms`;
}

/** `10 MB`, `512 KB`, `100 bytes`, in the binary units a byte cap is usually set in. */
function size(bytes: number): string {
  if (bytes >= 2 ** 20) return `${Number((bytes / 2 ** 20).toFixed(1))} MB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KB`;
  return `${bytes} bytes`;
}

/** `body too large (over 10 MB)`, `HTTP 500`, `page timeout (over 60 s for the whole page)`. */
export function kindInWords(kind: string, limits: HttpLimits): string {
  const [, name, detail] = /^(\S+)(?: \((.*)\))?$/.exec(kind) ?? [];
  switch (name) {
    case 'http_status':
      return `HTTP ${detail}`;
    case 'timeout':
      switch (detail) {
        case 'connect':
          return `connect timeout (over ${time(limits.connectTimeout)})`;
        case 'headers':
          return `headers timeout (over ${time(limits.headersTimeout)} for the response head)`;
        case 'body':
          return `body timeout (over ${time(limits.bodyTimeout)} between two chunks)`;
        case 'page':
          return `page timeout (over ${time(limits.pageTimeout)} for the whole page)`;
        default:
          return 'timeout';
      }
    case 'reset':
      return 'connection reset';
    case 'short_body':
      return 'body shorter than its Content-Length';
    case 'refused':
      return 'connection refused';
    case 'too_large':
      return `body too large (over ${size(limits.maxBytes)})`;
    case 'too_many_redirects':
      return 'too many redirects';
    case 'crashed':
      return 'worker crashed';
    case 'failed':
      return 'other failure';
    default:
      return kind;
  }
}

/** `2 body too large (over 10 MB), 2 HTTP 500`: the kinds, most frequent first, ties in input order. */
export function kindsInWords(outcomes: Outcomes, limits: HttpLimits): string {
  return Object.entries(outcomes.byKind)
    .map(([kind, count], order) => ({ kind, count, order }))
    .sort((a, b) => b.count - a.count || a.order - b.order)
    .map(({ kind, count }) => `${count} ${kindInWords(kind, limits)}`)
    .join(', ');
}

/** `8 of 12 pages failed: 2 body too large (over 10 MB), …`, or `all 12 pages downloaded`. */
export function failuresInWords(outcomes: Outcomes, limits: HttpLimits, noun = 'pages'): string {
  const total = outcomes.ok + outcomes.failed;
  if (outcomes.failed === 0) return `none of ${total} ${noun} failed`;
  return `${outcomes.failed} of ${total} ${noun} failed: ${kindsInWords(outcomes, limits)}`;
}
