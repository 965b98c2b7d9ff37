/**
 * What a strategy imports: the contract and its types, the jobs and their kernels, result
 * records, sessions and downloads, pools, and the timing of tasks. What only the harness
 * uses is behind `@speedup/shared-core/harness`; argument parsing behind `/cli`; the
 * contract's test suite behind `/conformance`.
 */
export * from './busy.js';
export * from './download.js';
export * from './jobs.js';
export * from './kernels.js';
export * from './limits.js';
export * from './pools/index.js';
export * from './results.js';
export * from './session.js';
export * from './strategy.js';
export * from './tasks.js';
export type * from './types.js';
