import { writeFile } from 'node:fs/promises';
import { failUsage } from '@speedup/shared-core/cli';
import { runBench } from './bench.js';
import { exportJson } from './export-json.js';
import { parseBenchOptions } from './options.js';
import { wantsColour } from './paint.js';
import { PlanError } from './plan.js';
import { progressReporter } from './progress.js';
import { writeReport } from './report/html.js';
import { renderSweep } from './sweep.js';
import { renderMarkdown, renderTables } from './table.js';
import { checkTimelineStrategy, textTimelines } from './timeline-text.js';
import { verdict } from './verdict.js';

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
    renderSweep(result),
    verdict(result).join('\n'),
    options.timeline ? textTimelines(result, options.timeline, process.stdout.columns) : '',
  ];
  process.stdout.write(`\n${output.filter((part) => part !== '').join('\n\n')}\n`);
  if (options.exportJson) await exportJson(result, options.exportJson);
  if (options.exportMarkdown) await writeFile(options.exportMarkdown, renderMarkdown(result));
  if (options.report)
    process.stderr.write(`report: ${await writeReport(result, options.report)}\n`);
  // 130 is what a shell reports for a program stopped by Ctrl-C.
  process.exitCode = stopped.signal.aborted ? 130 : result.rows.some((row) => !row.ok) ? 1 : 0;
} catch (error) {
  progress.clear();
  if (error instanceof PlanError) failUsage(error.message);
  throw error;
}
