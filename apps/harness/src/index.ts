export { judge } from './benchmark/judge.js';
export type { Measurer, MeasuringSession } from './benchmark/measure.js';
export { STEADY_RUNS, STEADY_SPREAD, WARMUP_BUDGET_MS } from './benchmark/measure.js';
export { PlanError, planBench } from './benchmark/plan.js';
export type { BenchResult, BenchRow } from './benchmark/result.js';
export { type BenchHooks, runBench } from './benchmark/schedule.js';
export { quantile, type Summary, summarize } from './benchmark/stats.js';
export { crossovers } from './benchmark/sweep.js';
export { exportJson, type JsonRecord, toJsonRecord } from './export/json.js';
export { renderMarkdown } from './export/markdown.js';
export { resultFromSaved, type SavedResult, savedResult } from './export/saved-result.js';
export { type BenchOptions, parseBenchOptions } from './options.js';
export { jobDescription, rowsByJob } from './output/describe-row.js';
export * as format from './output/format.js';
export { sideBySide } from './output/side-by-side.js';
export { renderSweep } from './output/sweep-table.js';
export { renderTables } from './output/tables.js';
export { textTimelines } from './output/timeline-text.js';
export { verdict } from './output/verdict.js';
export { barChart } from './report/bars.js';
export {
  badges,
  speedupChartSvg,
  standalone,
  sweepChartSvg,
  timelineSvg,
  timesChartSvg,
} from './report/charts.js';
export { speedupChart } from './report/speedups.js';
export { stylesheet } from './report/style.js';
export { sweepChart } from './report/sweep-chart.js';
export { MAX_ROWS_PER_LANE, timelineChart } from './report/timeline-chart.js';
export { layOutTimeline } from './timeline/lanes.js';
