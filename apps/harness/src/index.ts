export { type BenchHooks, type BenchResult, type BenchRow, runBench } from './bench.js';
export { exportJson, type JsonRecord, toJsonRecord } from './export-json.js';
export { type BenchOptions, parseBenchOptions } from './options.js';
export { PlanError, planBench } from './plan.js';
export { quantile, type Summary, summarize } from './stats.js';
export { renderTables } from './table.js';
