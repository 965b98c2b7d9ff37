import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type BenchResult, resultFromSaved, type SavedResult } from '@speedup/harness';

/** Where `pnpm bench:publish` writes and `pnpm docs:update` reads, from the repository root. */
export const RESULTS_FILE = 'docs/results/results.json';

/** One `pnpm bench` of the publish run and its `--export-json`. */
export interface Run {
  readonly what: string;
  /** The command, as a reader would type it. */
  readonly command: string;
  readonly exit_code: number;
  readonly seconds: number;
  readonly export: {
    readonly machine: { readonly cores: number; readonly parallel_ceiling: number | null };
    readonly bench_result: SavedResult;
    readonly [field: string]: unknown;
  };
}

/** What a standalone command printed. */
export interface Capture {
  readonly command: string;
  readonly exit_code: number;
  readonly seconds: number;
  readonly stdout: string;
}

export interface Results {
  readonly about: string;
  /** When the publish run started, ISO 8601. */
  readonly date: string;
  readonly commit: string;
  /** `--quick`: one run of each, for working on the docs. */
  readonly quick: boolean;
  readonly minutes: number;
  readonly machine: {
    readonly cpu: string;
    readonly cores: number;
    readonly memory_gb: number;
    readonly free_memory_gb_at_start: number;
    readonly os: string;
    readonly node: string;
    readonly python: string | null;
    readonly parallel_ceiling: number | null;
  };
  /** What was left out or run differently, and why. */
  readonly notes: readonly string[];
  readonly runs: Readonly<Record<string, Run>>;
  readonly outputs: Readonly<Record<string, Capture>>;
}

export function writeResults(file: string, results: Results): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(results, null, 1)}\n`);
}

export function readResults(file: string): Results {
  return JSON.parse(readFileSync(file, 'utf8')) as Results;
}

/** One publish run's bench, as the harness's tables, verdict and charts take it. */
export function benchResult(results: Results, name: string): BenchResult {
  const run = results.runs[name];
  if (!run) throw new Error(`${RESULTS_FILE} has no run named '${name}': run pnpm bench:publish`);
  return resultFromSaved(run.export.bench_result);
}

/**
 * What the docs need of a run's export: the task events and measured lanes only of the
 * run whose timelines they draw (`default`); a sweep of 20,000 pages would otherwise make the file megabytes.
 */
export function keptForTheDocs(name: string, exported: Run['export']): Run['export'] {
  if (name === 'default') return exported;
  const bare = <
    Row extends {
      readonly events: unknown;
      readonly failures?: unknown;
      readonly picture?: unknown;
    },
  >({
    picture: _,
    ...row
  }: Row) => ({
    ...row,
    events: [],
    failures: [],
  });
  const saved = exported.bench_result;
  return {
    ...exported,
    bench_result: {
      ...saved,
      rows: saved.rows.map(bare),
      ...(saved.floors ? { floors: saved.floors.map(bare) } : {}),
    },
  };
}
