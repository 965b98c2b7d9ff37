import { createRandom } from './random.js';

export interface LatencyOptions {
  /** Milliseconds every response waits before it is sent. Default 0. */
  latency?: number;
  /** Up to this many milliseconds more, drawn from a seeded generator. Default 0. */
  jitter?: number;
  /** Seed for the jitter, so a run can be repeated exactly. Default 1. */
  seed?: number;
}

/** Hands out the delay of each response, in arrival order. */
export class Latency {
  #fixed = 0;
  #jitter = 0;
  #random = createRandom(1);

  constructor(options: LatencyOptions = {}) {
    this.configure(options);
  }

  configure({ latency, jitter, seed }: LatencyOptions): void {
    if (latency !== undefined) this.#fixed = latency;
    if (jitter !== undefined) this.#jitter = jitter;
    if (seed !== undefined) this.#random = createRandom(seed);
  }

  next(): number {
    return this.#jitter === 0 ? this.#fixed : this.#fixed + this.#jitter * this.#random();
  }
}
