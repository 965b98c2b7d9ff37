import { failUsage } from '@speedup/shared-core/cli';
import { findStrategies, redactCredentials } from '@speedup/shared-core/harness';
import { checkSameInputs, compareRuns, readSavedRun } from './benchmark/compare.js';
import { PlanError, planBench } from './benchmark/plan.js';
import { plannedInputs, runBench } from './benchmark/schedule.js';
import { exportJson } from './export/json.js';
import { exportMarkdown } from './export/markdown.js';
import { removeUnfinishedExports } from './export/write-file.js';
import { parseBenchOptions } from './options.js';
import { renderComparison } from './output/compare-table.js';
import { distributedNotes } from './output/distributed.js';
import { rowsOverFailureLimit, tooManyFailuresLine } from './output/failures.js';
import { painter, wantsColour } from './output/paint.js';
import { progressReporter } from './output/progress.js';
import { sideBySide } from './output/side-by-side.js';
import { renderSweep } from './output/sweep-table.js';
import { renderTables } from './output/tables.js';
import { checkTimelineStrategy, textTimelines } from './output/timeline-text.js';
import { verdict } from './output/verdict.js';
import { writeReport } from './report/html.js';

const options = parseBenchOptions(process.argv.slice(2));
const stopped = new AbortController();
// 130 is what a shell reports for a program stopped by Ctrl-C.
const INTERRUPTED_EXIT_CODE = 130;
// The first Ctrl-C stops the strategy being measured, closes the server and prints what
// was measured so far; a second one ends the harness at once, leaving no half-written export.
process.on('SIGINT', () => {
  if (!stopped.signal.aborted) return stopped.abort(new Error('interrupted'));
  removeUnfinishedExports();
  process.exit(INTERRUPTED_EXIT_CODE);
});
const progress = progressReporter(process.stderr, options);
/** Everything printed passes here: a site's password never reaches a terminal or a CI log. */
const print = (stream: NodeJS.WriteStream, text: string) => stream.write(redactCredentials(text));

try {
  checkTimelineStrategy(options);
  const saved = options.compare && readSavedRun(options.compare, options.sweep?.parameter);
  if (saved) {
    checkSameInputs(
      saved,
      plannedInputs(planBench(findStrategies(options.root), options), options),
    );
  }
  const result = await runBench(options, {
    ...progress,
    signal: stopped.signal,
    ...(saved && { saved }),
  });
  progress.clear();
  const colour = wantsColour(process.stdout);
  const changes = saved ? compareRuns(result, saved, options.failIfSlower) : [];
  const output = [
    renderTables(result, colour),
    distributedNotes(result),
    renderSweep(result),
    verdict(result).join('\n'),
    saved ? renderComparison(result, changes, saved.file, painter(colour)) : '',
    sideBySide(result).join('\n'),
    options.timeline ? textTimelines(result, options.timeline, process.stdout.columns) : '',
  ];
  const tooManyFailures =
    options.maxFailures === undefined ? [] : rowsOverFailureLimit(result, options.maxFailures);
  if (tooManyFailures.length > 0 && options.maxFailures !== undefined) {
    output.push(tooManyFailuresLine(tooManyFailures, options.maxFailures));
  }
  print(process.stdout, `\n${output.filter((part) => part !== '').join('\n\n')}\n`);
  if (options.exportJson) await exportJson(result, options.exportJson);
  if (options.exportMarkdown) await exportMarkdown(result, options.exportMarkdown);
  if (options.report)
    print(process.stderr, `report: ${await writeReport(result, options.report)}\n`);
  const failed =
    [...result.rows, ...(result.floors ?? [])].some((row) => !row.ok) ||
    changes.some((change) => change.failsThreshold) ||
    tooManyFailures.length > 0;
  process.exitCode = stopped.signal.aborted ? INTERRUPTED_EXIT_CODE : failed ? 1 : 0;
} catch (error) {
  progress.clear();
  if (error instanceof PlanError) failUsage(error.message);
  print(
    process.stderr,
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
}
