import { cpuTasks, taskHandler } from '@speedup/shared-core';

// A tinypool worker, as a piscina one, is a module whose default export is called with each task.
export default taskHandler(cpuTasks);
