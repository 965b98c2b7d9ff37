import { type BenchJobName, jobs } from '@speedup/shared-core';
import type { StrategyPackage } from '@speedup/shared-core/harness';
import type { BenchOptions } from '../options.js';

/** A strategy package, run plainly or as one of the variants it declares. */
export interface Contender {
  readonly pkg: StrategyPackage;
  readonly variant?: string;
  /** `cpu-asyncio`, or `cpu-asyncio:await-per-call` for a variant. */
  readonly label: string;
  /**
   * `--floor`: measure the floor of the download job (a bare client) in this strategy's
   * measuring process, in each of its runs, beside it.
   */
  readonly withFloor?: true;
}

/** The strategy the floor is measured beside: the one that comes closest to it. */
export const FLOOR_BESIDE = 'io-asyncio';

/**
 * One job and the strategies that run it, reference first. The reference is always
 * measured with the others, selected or not: its results are what they must reproduce,
 * and its times are what their speed-ups are measured against.
 */
export interface PlannedJob {
  readonly job: BenchJobName;
  /** The sequential strategy whose results every other strategy must reproduce. */
  readonly reference: StrategyPackage;
  readonly contenders: readonly Contender[];
}

export class PlanError extends Error {}

const plain = (pkg: StrategyPackage): Contender => ({ pkg, label: pkg.name });

/**
 * What `--only` names: `name` for a strategy, `name:variant` for one of its variants.
 * Without `--only`, every strategy runs plainly but those of an opt-in lane; variants run
 * only when named, or all of them, for every selected strategy, with `--variants`. A
 * lane's flag adds its strategies to either.
 */
function selectContenders(
  found: readonly StrategyPackage[],
  only: readonly string[] | undefined,
  lanes: readonly string[] = [],
  allVariants = false,
): Contender[] {
  const named = only ? namedContenders(found, only) : found.filter((pkg) => !pkg.optIn).map(plain);
  const laned = found
    .filter((pkg) => pkg.optIn !== undefined && lanes.includes(pkg.optIn))
    .map(plain)
    .filter((contender) => !named.some((each) => each.label === contender.label));
  const selected = [...named, ...laned];
  if (!allVariants) return selected;
  const packages = [...new Set(selected.map(({ pkg }) => pkg))];
  const variants = packages.flatMap((pkg) =>
    Object.keys(pkg.variants).map((variant) => ({
      pkg,
      variant,
      label: `${pkg.name}:${variant}`,
    })),
  );
  return [
    ...selected,
    ...variants.filter((variant) => !selected.some((each) => each.label === variant.label)),
  ];
}

function namedContenders(found: readonly StrategyPackage[], only: readonly string[]): Contender[] {
  return [...new Set(only)].map((selection) => {
    const [name, variant] = selection.split(':', 2) as [string, string | undefined];
    const pkg = found.find((candidate) => candidate.name === name);
    if (!pkg) {
      throw new PlanError(
        `unknown strategy '${name}' (found: ${found.map((each) => each.name).join(', ')})`,
      );
    }
    if (variant === undefined) return plain(pkg);
    if (!(variant in pkg.variants)) {
      const offered = Object.keys(pkg.variants);
      throw new PlanError(
        `unknown variant '${variant}' of ${name} (${offered.length > 0 ? `its variants: ${offered.join(', ')}` : 'it has none'})`,
      );
    }
    return { pkg, variant, label: selection };
  });
}

/** `--floor`: io-asyncio, selected or not, carries the floor in its measuring process. */
function withFloor(found: readonly StrategyPackage[], contenders: Contender[]): Contender[] {
  const beside = found.find((pkg) => pkg.name === FLOOR_BESIDE);
  if (!beside) {
    throw new PlanError(`--floor is measured beside ${FLOOR_BESIDE}, which was not found`);
  }
  const at = contenders.findIndex((contender) => contender.label === FLOOR_BESIDE);
  const carrier: Contender = { ...plain(beside), withFloor: true };
  return at < 0 ? [...contenders, carrier] : contenders.with(at, carrier);
}

/**
 * Which strategies run which jobs. Every strategy runs every job of its workload
 * unless `--only`, `--workload` or `--job` narrow it. Throws a `PlanError` naming the
 * problem when the selection is empty or names something that does not exist.
 */
export function planBench(found: readonly StrategyPackage[], options: BenchOptions): PlannedJob[] {
  const selected = selectContenders(found, options.only, options.lanes, options.variants).filter(
    ({ pkg }) => !options.workload || pkg.workload === options.workload,
  );

  const planned: PlannedJob[] = [];
  for (const { name: job, workload, onlyWhenNamed } of jobs) {
    if (options.jobs ? !options.jobs.includes(job) : onlyWhenNamed) continue;
    if (options.workload && options.workload !== workload) continue;
    const contenders = selected.filter(({ pkg }) => pkg.workload === workload);
    if (contenders.length === 0) continue;
    const reference = found.find((pkg) => pkg.workload === workload && pkg.reference);
    if (!reference) {
      throw new PlanError(
        `no reference strategy for ${workload} jobs (a package with "speedup.reference": true)`,
      );
    }
    const isReference = (contender: Contender) =>
      contender.pkg === reference && contender.variant === undefined;
    const others = contenders.filter((contender) => !isReference(contender));
    planned.push({
      job,
      reference,
      contenders: [
        plain(reference),
        ...(job === 'download' && options.floor ? withFloor(found, others) : others),
      ],
    });
  }
  if (planned.length === 0)
    throw new PlanError('nothing to run: no selected strategy runs the selected jobs');
  return planned;
}
