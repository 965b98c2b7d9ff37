/**
 * `@speedup/shared-core/harness`: what the harness, the conformance suite and each
 * package's `pnpm start` use and a strategy never does: finding and loading strategy
 * packages (Node modules, or programs in another language run as commands), choosing the
 * Python that runs the article's programs, and reading child processes' CPU time and
 * memory from /proc.
 */
export * from './external.js';
export * from './packages.js';
export * from './processes.js';
export * from './python.js';
