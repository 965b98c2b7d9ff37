/**
 * One of the processes the parallel ceiling is measured with; runs in the fork, never in
 * the harness. It warms the kernel up, says it is ready, then on each `go` computes
 * `fib(n)` `calls` times and answers when it started and ended, on a clock every process
 * shares.
 */
import { clock, fib } from '@speedup/shared-core';
import type { CeilingChildMessage, CeilingHarnessMessage } from './messages.js';

const send = (message: CeilingChildMessage) => process.send?.(message);

// The JIT optimises fib within its first calls; none of them should be timed.
for (let i = 0; i < 20; i++) fib(20);

process.on('message', ({ n, calls }: CeilingHarnessMessage) => {
  const start = clock();
  for (let i = 0; i < calls; i++) fib(n);
  send({ start, end: clock() });
});
process.on('disconnect', () => process.exit(0));
send({ start: 0, end: 0 });
