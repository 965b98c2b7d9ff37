import { failUsage } from '@speedup/shared-core/cli';
import { PlanError } from './benchmark/plan.js';
import { runBench } from './benchmark/schedule.js';
import { exportJson } from './export/json.js';
import { exportMarkdown } from './export/markdown.js';
import { parseBenchOptions } from './options.js';
import { distributedNotes } from './output/distributed.js';
import { wantsColour } from './output/paint.js';
import { progressReporter } from './output/progress.js';
import { renderSweep } from './output/sweep-table.js';
import { renderTables } from './output/tables.js';
import { checkTimelineStrategy, textTimelines } from './output/timeline-text.js';
import { verdict } from './output/verdict.js';
import { writeReport } from './report/html.js';

const options = parseBenchOptions(process.argv.slice(2));
const stopped = new AbortController();
// The first Ctrl-C stops the strategy being measured, closes the server and prints what
// was measured so far; a second one ends the harness at once.
process.once('SIGINT', () => stopped.abort(new Error('interrupted')));
const progress = progressReporter();

try {
  checkTimelineStrategy(options);
  const result = await runBench(options, { ...progress, signal: stopped.signal });
  progress.clear();
  const output = [
    renderTables(result, wantsColour(process.stdout)),
    distributedNotes(result),
    renderSweep(result),
    verdict(result).join('\n'),
    options.timeline ? textTimelines(result, options.timeline, process.stdout.columns) : '',
  ];
  process.stdout.write(`\n${output.filter((part) => part !== '').join('\n\n')}\n`);
  if (options.exportJson) await exportJson(result, options.exportJson);
  if (options.exportMarkdown) await exportMarkdown(result, options.exportMarkdown);
  if (options.report)
    process.stderr.write(`report: ${await writeReport(result, options.report)}\n`);
  // 130 is what a shell reports for a program stopped by Ctrl-C.
  process.exitCode = stopped.signal.aborted ? 130 : result.rows.some((row) => !row.ok) ? 1 : 0;
} catch (error) {
  progress.clear();
  if (error instanceof PlanError) failUsage(error.message);
  throw error;
}
