import { setMaxListeners } from 'node:events';
import type {
  CpuInput,
  CpuResult,
  IoInput,
  Model,
  PageResult,
  Runner,
  RunOptions,
  SetupOptions,
} from './types.js';

/**
 * The contract every strategy package meets. A package that default-exports a value
 * made by `defineStrategy` and declares `"speedup": { "workload", "model", "isolation" }`
 * in its package.json (see `StrategyManifest`) is found and run by the harness; nothing
 * else needs editing.
 */

interface Definition<W extends 'io' | 'cpu', Input, Result> {
  /** The package's folder name, e.g. `io-threading`. */
  readonly name: string;
  readonly workload: W;
  readonly model: Model;
  /** Starts what the strategy needs before any work: the harness times this apart from the work. */
  setup(options: SetupOptions): Promise<Runner<Input, Result>>;
}

interface Runnable<Input, Result> {
  /** Sets up, runs `input` once and closes: the whole strategy in one call. */
  run(input: Input, options?: SetupOptions & Partial<RunOptions>): Promise<Result[]>;
}

export type IoStrategyDefinition = Definition<'io', IoInput, PageResult>;
export type CpuStrategyDefinition = Definition<'cpu', CpuInput, CpuResult>;
export type IoStrategy = IoStrategyDefinition & Runnable<IoInput, PageResult>;
export type CpuStrategy = CpuStrategyDefinition & Runnable<CpuInput, CpuResult>;
export type Strategy = IoStrategy | CpuStrategy;

/**
 * Run options for a caller that has none of its own: a signal nobody aborts, whose
 * listener limit is lifted as the contract promises, and `onTask` if given.
 */
export function runOptions({ signal, onTask }: Partial<RunOptions> = {}): RunOptions {
  const never = signal ?? new AbortController().signal;
  setMaxListeners(0, never);
  return { signal: never, onTask: onTask ?? (() => {}) };
}

export function defineStrategy(definition: IoStrategyDefinition): IoStrategy;
export function defineStrategy(definition: CpuStrategyDefinition): CpuStrategy;
export function defineStrategy(
  definition: IoStrategyDefinition | CpuStrategyDefinition,
): IoStrategy | CpuStrategy {
  const setup = definition.setup as (options: SetupOptions) => Promise<Runner<unknown, unknown>>;
  return {
    ...definition,
    async run(input: unknown, options: SetupOptions & Partial<RunOptions> = {}) {
      const runner = await setup(options);
      try {
        return await runner.run(input, runOptions(options));
      } finally {
        await runner.close();
      }
    },
  } as IoStrategy | CpuStrategy;
}
