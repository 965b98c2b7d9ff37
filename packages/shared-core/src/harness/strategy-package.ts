import type { Delivery, Isolation, StrategyManifest } from '../types.js';

/** A strategy package as the harness finds it: its manifest, and where it lives. */
export interface StrategyPackage extends StrategyManifest {
  /** Folder name: the strategy's name on the command line and in tables. */
  readonly name: string;
  /** npm name, e.g. `@speedup/io-threading`. */
  readonly packageName: string;
  readonly description: string;
  readonly dir: string;
  /** Absolute path of the built entry point, for a Node strategy. */
  readonly entry: string;
  readonly isolation: Isolation;
  readonly delivery: Delivery;
  readonly reference: boolean;
  readonly variants: Readonly<Record<string, string>>;
}
