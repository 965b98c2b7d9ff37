export * from './bare.js';
export * from './piscina.js';
export * from './pool.js';
export * from './tinypool.js';
export * from './worker.js';
export * from './workerpool.js';
