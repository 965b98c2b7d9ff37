import Table from 'cli-table3';
import type { BenchResult } from '../benchmark/result.js';
import { crossovers, sweptValue } from '../benchmark/sweep.js';
import { shortResultLabel } from './describe-row.js';
import { duration, microseconds, ratio } from './format.js';

/** One table per job: a row per strategy, a column per value, the median (and speed-up) in each cell. */
export function renderSweep(result: BenchResult): string {
  const { sweep } = result;
  if (!sweep) return '';
  const parts: string[] = [];
  for (const job of [...new Set(result.rows.map((row) => row.job))]) {
    const rows = result.rows.filter((row) => row.job === job);
    const table = new Table({
      head: ['strategy', ...sweep.values.map((value) => `${sweep.parameter} ${value}`)],
      style: { head: [], border: [] },
    });
    for (const strategy of [...new Set(rows.map((row) => row.strategy))]) {
      table.push([
        strategy,
        ...sweep.values.map((value) => {
          const row = rows.find(
            (each) => each.strategy === strategy && sweptValue(each, sweep.parameter) === value,
          );
          if (!row) return '–';
          if (!row.ok) return shortResultLabel(row);
          const figures = [
            row.speedup === undefined ? undefined : ratio(row.speedup),
            // A batch sweep is about what handing a task over costs: show it per task.
            sweep.parameter === 'batch' && row.overheadPerTaskUs !== undefined
              ? `${microseconds(row.overheadPerTaskUs)}/task`
              : undefined,
          ].filter((figure) => figure !== undefined);
          return `${duration(row.summary?.median)}${figures.length > 0 ? ` (${figures.join(', ')})` : ''}`;
        }),
      ]);
    }
    const perTask = sweep.parameter === 'batch' ? ', overhead per task' : '';
    parts.push(
      `Sweep of ${sweep.parameter}, ${job}: median work time (speed-up vs sync${perTask})\n${table.toString()}`,
    );
  }
  const lines = crossovers(result).map(({ job, strategy, parameter, warm, warmAt, withSetup }) => {
    const warmText =
      warm !== null
        ? `beats sync from ${parameter} ${warm}`
        : warmAt.length > 0
          ? `beats sync at ${parameter} ${warmAt.join(', ')} but not beyond`
          : 'never beats sync in this range';
    const setupText =
      withSetup === null
        ? 'never, counting its set-up and first run'
        : `from ${parameter} ${withSetup} counting its set-up and first run`;
    return `${strategy} (${job}): ${warmText} on warm runs; ${setupText}.`;
  });
  if (lines.length > 0) parts.push(`Crossover\n${lines.join('\n')}`);
  return parts.join('\n\n');
}
