import { cpuTasks, serveOnParentPort } from '@speedup/shared-core';

// The whole worker: each message from the pool is a batch to compute; the answer goes
// back the same way, with `postMessage`.
serveOnParentPort(cpuTasks);
