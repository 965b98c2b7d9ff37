import { type CpuJobName, computeOrThrow } from '@speedup/shared-core';
import { serveQueue } from '@speedup/shared-core/queue';

// One worker process, on this machine or another. It takes one job at a time. A
// computation that throws is not caught here: the queue tries the job again, on any
// worker, and only after the last attempt reports the item as failed.
serveQueue((job, n: number) => computeOrThrow(job as CpuJobName, n));
