import { failUsage } from '@speedup/shared-core/cli';
import { findStrategies } from '@speedup/shared-core/harness';
import { checkSameInputs, compareRuns, readSavedRun } from './benchmark/compare.js';
import { PlanError, planBench } from './benchmark/plan.js';
import { plannedInputs, runBench } from './benchmark/schedule.js';
import { exportJson } from './export/json.js';
import { exportMarkdown } from './export/markdown.js';
import { parseBenchOptions } from './options.js';
import { renderComparison } from './output/compare-table.js';
import { painter, wantsColour } from './output/paint.js';
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
  const saved = options.compare && readSavedRun(options.compare, options.sweep?.parameter);
  if (saved) {
    checkSameInputs(
      saved,
      plannedInputs(planBench(findStrategies(options.root), options), options),
    );
  }
  const result = await runBench(options, { ...progress, signal: stopped.signal });
  progress.clear();
  const colour = wantsColour(process.stdout);
  const changes = saved ? compareRuns(result, saved, options.failIfSlower) : [];
  const output = [
    renderTables(result, colour),
    renderSweep(result),
    verdict(result).join('\n'),
    saved ? renderComparison(result, changes, saved.file, painter(colour)) : '',
    options.timeline ? textTimelines(result, options.timeline, process.stdout.columns) : '',
  ];
  process.stdout.write(`\n${output.filter((part) => part !== '').join('\n\n')}\n`);
  if (options.exportJson) await exportJson(result, options.exportJson);
  if (options.exportMarkdown) await exportMarkdown(result, options.exportMarkdown);
  if (options.report)
    process.stderr.write(`report: ${await writeReport(result, options.report)}\n`);
  // 130 is what a shell reports for a program stopped by Ctrl-C.
  const failed =
    [...result.rows, ...(result.floors ?? [])].some((row) => !row.ok) ||
    changes.some((change) => change.failsThreshold);
  process.exitCode = stopped.signal.aborted ? 130 : failed ? 1 : 0;
} catch (error) {
  progress.clear();
  if (error instanceof PlanError) failUsage(error.message);
  throw error;
}
