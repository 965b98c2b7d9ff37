import { compute, timed } from '@speedup/shared-core';
import workerpool from 'workerpool';

// One worker: it computes whatever item the pool hands it, with the same `compute` every
// CPU strategy uses, and times itself so the harness can draw where each item ran.
workerpool.worker({
  'sum-of-squares': (n: number) => timed(() => compute('sum-of-squares', n)),
  fib: (n: number) => timed(() => compute('fib', n)),
});
