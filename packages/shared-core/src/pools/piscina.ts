import { type EmittingPool, fromEmittingPool } from './emitting.js';
import { type TaskPool, untilReady } from './pool.js';

/** The piscina adapter. */

/** What speedup uses of a `new Piscina(…)`. */
export interface PiscinaPool extends EmittingPool {
  readonly maxThreads: number;
}

/** A piscina pool as a `TaskPool`, once every one of its `maxThreads` threads has loaded its file. */
export function fromPiscina(piscina: PiscinaPool): Promise<TaskPool> {
  return untilReady(fromEmittingPool(piscina.maxThreads, piscina));
}
