import { cpuTasks } from '@speedup/shared-core';
import workerpool from 'workerpool';

// One worker: it computes whatever item the pool hands it, for any CPU job, with the
// same `compute` every CPU strategy uses, and times each task where it runs.
workerpool.worker(cpuTasks);
