import { redactCredentials } from '@speedup/shared-core/harness';
import type { BenchResult, BenchRow } from '../benchmark/result.js';
import type { BenchOptions } from '../options.js';

/**
 * The run itself, as the harness holds it, inside `--export-json` (`bench_result`): what
 * a tool needs to draw the harness's own tables, verdict and charts again later
 * (`pnpm docs:update` does). Task events and the measured lanes (`picture`) are kept for
 * the I/O jobs only, whose timelines
 * the docs draw; a CPU job of 100,000 tasks would make the file megabytes. Paths of this
 * machine and the Redis address stay out of it, and every URL's password reads `***`,
 * as everywhere else the harness writes.
 */
export interface SavedResult extends Omit<BenchResult, 'options'> {
  readonly options: Omit<
    BenchOptions,
    'root' | 'redis' | 'compare' | 'exportJson' | 'exportMarkdown' | 'report'
  >;
}

function withoutBulk(row: BenchRow): BenchRow {
  if (row.workload === 'io') return row;
  const { picture: _, ...rest } = row;
  return { ...rest, events: [], failures: [] };
}

export function savedResult(result: BenchResult): SavedResult {
  const { root, redis, compare, exportJson, exportMarkdown, report, ...options } = result.options;
  const saved: SavedResult = {
    ...result,
    options,
    rows: result.rows.map(withoutBulk),
    ...(result.floors ? { floors: result.floors.map(withoutBulk) } : {}),
  };
  // Sites, their outcomes and the differences all carry URLs: hide the passwords of all.
  return JSON.parse(redactCredentials(JSON.stringify(saved))) as SavedResult;
}

/** A `bench_result` read back: a `BenchResult` every table, verdict and chart accepts. */
export function resultFromSaved(saved: SavedResult, root = '.'): BenchResult {
  return { ...saved, options: { ...saved.options, root } };
}
