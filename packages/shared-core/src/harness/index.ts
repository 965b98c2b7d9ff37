/**
 * `@speedup/shared-core/harness`: what the harness, the conformance suite and each
 * package's `pnpm start` use and a strategy never does: finding and loading strategy
 * packages, and reading child processes' CPU time and memory from /proc.
 */
export * from './floor.js';
export * from './packages.js';
export * from './processes.js';
