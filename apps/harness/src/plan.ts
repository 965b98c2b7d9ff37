import { type JobName, jobs, type StrategyPackage } from '@speedup/shared-core';
import type { BenchOptions } from './options.js';

/** One job and the strategies that run it, reference first. */
export interface PlannedJob {
  readonly job: JobName;
  /** The sequential strategy whose results every other strategy must reproduce. */
  readonly reference: StrategyPackage;
  /** Whether the reference is benchmarked too, or only run once for its results. */
  readonly referenceSelected: boolean;
  readonly strategies: readonly StrategyPackage[];
}

export class PlanError extends Error {}

/**
 * Which strategies run which jobs. Every strategy runs every job of its workload
 * unless `--only`, `--workload` or `--job` narrow it. Throws a `PlanError` naming the
 * problem when the selection is empty or names something that does not exist.
 */
export function planBench(found: readonly StrategyPackage[], options: BenchOptions): PlannedJob[] {
  const unknown = (options.only ?? []).filter((name) => !found.some((pkg) => pkg.name === name));
  if (unknown.length > 0) {
    throw new PlanError(
      `unknown strategy '${unknown.join("', '")}' (found: ${found.map((pkg) => pkg.name).join(', ')})`,
    );
  }
  const selected = found.filter(
    (pkg) =>
      (!options.only || options.only.includes(pkg.name)) &&
      (!options.workload || pkg.workload === options.workload),
  );

  const planned: PlannedJob[] = [];
  for (const { name: job, workload } of jobs) {
    if (options.jobs && !options.jobs.includes(job)) continue;
    if (options.workload && options.workload !== workload) continue;
    const strategies = selected.filter((pkg) => pkg.workload === workload);
    if (strategies.length === 0) continue;
    const reference = found.find((pkg) => pkg.workload === workload && pkg.reference);
    if (!reference) {
      throw new PlanError(
        `no reference strategy for ${workload} jobs (a package with "speedup.reference": true)`,
      );
    }
    const referenceSelected = strategies.includes(reference);
    const others = strategies.filter((pkg) => pkg !== reference);
    planned.push({
      job,
      reference,
      referenceSelected,
      strategies: referenceSelected ? [reference, ...others] : others,
    });
  }
  if (planned.length === 0)
    throw new PlanError('nothing to run: no selected strategy runs the selected jobs');
  return planned;
}
