export type { Measurer, MeasuringSession } from './benchmark/measure.js';
export { PlanError, planBench } from './benchmark/plan.js';
export type { BenchResult, BenchRow } from './benchmark/result.js';
export { type BenchHooks, runBench } from './benchmark/schedule.js';
export { quantile, type Summary, summarize } from './benchmark/stats.js';
export { exportJson, type JsonRecord, toJsonRecord } from './export/json.js';
export { type BenchOptions, parseBenchOptions } from './options.js';
export { renderTables } from './output/tables.js';
