/**
 * What a strategy imports: the contract and its types, the jobs and their kernels, result
 * records, sessions and downloads, pools, and the timing of tasks. What only the harness
 * uses is behind `@speedup/shared-core/harness`; argument parsing behind `/cli`; the
 * contract's test suite behind `/conformance`.
 */
export * from './busy.js';
export * from './download.js';
export * from './jobs.js';
// Named, not `export *`: a worker's bundle leaves this module out (speedup-bundle-worker),
// and a star re-export of a module left out keeps all of this index in every bundle.
export { fib, MAX_SUM_OF_SQUARES_N, sumOfSquares } from './kernels.js';
export * from './limits.js';
export * from './pools/index.js';
export * from './results.js';
export * from './session.js';
export * from './strategy.js';
export * from './tasks.js';
export type * from './types.js';
