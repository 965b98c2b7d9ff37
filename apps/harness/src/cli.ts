import { failUsage } from '@speedup/shared-core/cli';
import { type BenchRow, runBench } from './bench.js';
import { exportJson } from './export-json.js';
import { duration } from './format.js';
import { parseBenchOptions } from './options.js';
import { PlanError } from './plan.js';
import { writeReport } from './report/html.js';
import { renderTables } from './table.js';
import { checkTimelineStrategy, textTimelines } from './timeline-text.js';

const options = parseBenchOptions(process.argv.slice(2));
const stopped = new AbortController();
process.once('SIGINT', () => stopped.abort(new Error('interrupted')));

const status = (row: BenchRow) =>
  row.error
    ? `failed: ${row.error}`
    : `${duration(row.summary?.median)} median${row.ok ? '' : ', results DIFFER'}`;

try {
  checkTimelineStrategy(options);
  const result = await runBench(options, {
    signal: stopped.signal,
    onStart: (strategy, job) => process.stderr.write(`measuring ${strategy} (${job}) …\n`),
    onRow: (row) => process.stderr.write(`  ${row.strategy} (${row.job}): ${status(row)}\n`),
  });
  process.stdout.write(`\n${renderTables(result)}\n`);
  if (options.timeline) {
    process.stdout.write(`\n${textTimelines(result, options.timeline, process.stdout.columns)}\n`);
  }
  if (options.exportJson) await exportJson(result, options.exportJson);
  if (options.report)
    process.stderr.write(`report: ${await writeReport(result, options.report)}\n`);
  process.exitCode = stopped.signal.aborted || result.rows.some((row) => !row.ok) ? 1 : 0;
} catch (error) {
  if (error instanceof PlanError) failUsage(error.message);
  throw error;
}
