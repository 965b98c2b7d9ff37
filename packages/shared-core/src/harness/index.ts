/**
 * `@speedup/shared-core/harness`: what the harness, the conformance suite and each
 * package's `pnpm start` use and a strategy never does: finding and loading strategy
 * packages (Node modules, or programs in another language run as commands), choosing the
 * Python that runs the article's programs, reading child processes' CPU time and memory
 * from /proc, what this machine lets a run start, outcomes counted and said in words, and
 * passwords kept out of output.
 */
export * from '../redact.js';
export * from './capacity.js';
export * from './external.js';
export * from './floor.js';
export * from './outcomes.js';
export * from './packages.js';
export * from './processes.js';
export * from './python.js';
