/**
 * `@speedup/shared-core/queue`: what the distributed strategies share, on BullMQ and
 * Redis. Set-up opens a queue with its workers (`openQueue`) and maps items over it
 * (`mapOnQueue`); a worker script serves it (`serveQueue`). What the harness needs
 * without loading BullMQ (where Redis is, whether it answers) is `@speedup/shared-core/redis`.
 */
export * from './address.js';
export { checkRedis } from './client.js';
export * from './queue.js';
export { JOB_ATTEMPTS, WORKER_SETTINGS } from './settings.js';
export * from './worker.js';
