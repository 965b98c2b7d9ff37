import { cpuTasks, taskHandler } from '@speedup/shared-core';

// A piscina worker is a module whose default export piscina calls with each task.
export default taskHandler(cpuTasks);
