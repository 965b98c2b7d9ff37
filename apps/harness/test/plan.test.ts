import type { StrategyPackage } from '@speedup/shared-core/harness';
import { describe, expect, it } from 'vitest';
import { PlanError, planBench } from '../src/benchmark/plan.js';
import type { BenchOptions } from '../src/options.js';

const pkg = (
  name: string,
  workload: 'io' | 'cpu',
  reference = false,
  variants: Record<string, string> = {},
): StrategyPackage => ({
  name,
  packageName: `@speedup/${name}`,
  description: '',
  dir: `/x/${name}`,
  entry: `/x/${name}/dist/index.js`,
  workload,
  model: reference ? 'sequential' : 'threads',
  isolation: reference ? 'none' : 'thread',
  delivery: 'at-most-once',
  reference,
  variants,
});

const found = [
  pkg('cpu-asyncio', 'cpu', false, { 'await-per-call': 'fib awaits each call' }),
  pkg('cpu-sync', 'cpu', true),
  pkg('cpu-threading', 'cpu'),
  pkg('io-sync', 'io', true),
  pkg('io-threading', 'io'),
];
const options = (overrides: Partial<BenchOptions> = {}): BenchOptions => ({
  runs: 3,
  minTime: 0,
  interleave: false,
  warmup: 1,
  precision: 0.03,
  budgetMs: 3000,
  tieMargin: 0.03,
  seed: 1,
  latency: 25,
  pages: 160,
  size: 1,
  jitter: 0,
  limits: {},
  root: '/x',
  ...overrides,
});

describe('planBench', () => {
  it('runs every strategy on every job of its workload, reference first', () => {
    const plan = planBench(found, options());
    expect(plan.map((job) => [job.job, job.contenders.map((c) => c.label)])).toEqual([
      ['download', ['io-sync', 'io-threading']],
      ['sum-of-squares', ['cpu-sync', 'cpu-asyncio', 'cpu-threading']],
      ['fib', ['cpu-sync', 'cpu-asyncio', 'cpu-threading']],
    ]);
  });

  it('measures the reference alongside when --only leaves it out: the diff and every speed-up need it', () => {
    const [download] = planBench(found, options({ only: ['io-threading'] }));
    expect(download?.contenders.map((c) => c.label)).toEqual(['io-sync', 'io-threading']);
    expect(download?.reference.name).toBe('io-sync');
  });

  it('narrows by workload and job', () => {
    expect(planBench(found, options({ workload: 'cpu' })).map((job) => job.job)).toEqual([
      'sum-of-squares',
      'fib',
    ]);
    expect(planBench(found, options({ jobs: ['fib'] })).map((job) => job.job)).toEqual(['fib']);
  });

  it('names unknown strategies and lists the ones it found', () => {
    expect(() => planBench(found, options({ only: ['io-sync', 'io-magic'] }))).toThrow(
      new PlanError(
        "unknown strategy 'io-magic' (found: cpu-asyncio, cpu-sync, cpu-threading, io-sync, io-threading)",
      ),
    );
  });

  it('runs a variant only when --only names it, as name:variant, beside the plain strategy if named too', () => {
    const [fib] = planBench(
      found,
      options({ only: ['cpu-asyncio', 'cpu-asyncio:await-per-call'], jobs: ['fib'] }),
    );
    expect(fib?.contenders.map((c) => [c.label, c.variant])).toEqual([
      ['cpu-sync', undefined],
      ['cpu-asyncio', undefined],
      ['cpu-asyncio:await-per-call', 'await-per-call'],
    ]);
  });

  it('adds every variant of the selected strategies with --variants, after the plain ones', () => {
    const labelsOf = (overrides: Partial<BenchOptions>) =>
      planBench(found, options({ jobs: ['fib'], variants: true, ...overrides }))[0]?.contenders.map(
        (c) => c.label,
      );
    expect(labelsOf({})).toEqual([
      'cpu-sync',
      'cpu-asyncio',
      'cpu-threading',
      'cpu-asyncio:await-per-call',
    ]);
    expect(labelsOf({ only: ['cpu-threading'] })).toEqual(['cpu-sync', 'cpu-threading']);
    expect(labelsOf({ only: ['cpu-asyncio:await-per-call'] })).toEqual([
      'cpu-sync',
      'cpu-asyncio:await-per-call',
    ]);
  });

  it('runs many-small only when --job names it', () => {
    expect(planBench(found, options()).map((job) => job.job)).not.toContain('many-small');
    expect(
      planBench(found, options({ jobs: ['many-small'] })).map((job) => [
        job.job,
        job.contenders.map((c) => c.label),
      ]),
    ).toEqual([['many-small', ['cpu-sync', 'cpu-asyncio', 'cpu-threading']]]);
  });

  it('measures the floor beside io-asyncio with --floor, adding io-asyncio when it is not selected', () => {
    const withAsyncio = [...found, pkg('io-asyncio', 'io')];
    const [download, ...cpu] = planBench(withAsyncio, options({ floor: true }));
    expect(download?.contenders.map((c) => [c.label, c.withFloor])).toEqual([
      ['io-sync', undefined],
      ['io-threading', undefined],
      ['io-asyncio', true],
    ]);
    expect(cpu.flatMap((job) => job.contenders.filter((c) => c.withFloor))).toEqual([]);
    const [alone] = planBench(withAsyncio, options({ floor: true, only: ['io-threading'] }));
    expect(alone?.contenders.map((c) => c.label)).toEqual([
      'io-sync',
      'io-threading',
      'io-asyncio',
    ]);
    expect(() => planBench(found, options({ floor: true }))).toThrow(
      '--floor is measured beside io-asyncio, which was not found',
    );
  });

  it('names an unknown variant and lists the ones the strategy has', () => {
    expect(() => planBench(found, options({ only: ['cpu-asyncio:await-more'] }))).toThrow(
      "unknown variant 'await-more' of cpu-asyncio (its variants: await-per-call)",
    );
    expect(() => planBench(found, options({ only: ['cpu-sync:fast'] }))).toThrow(
      "unknown variant 'fast' of cpu-sync (it has none)",
    );
  });

  it('refuses a selection that runs nothing', () => {
    expect(() => planBench(found, options({ only: ['io-sync'], workload: 'cpu' }))).toThrow(
      /nothing to run/,
    );
    expect(() => planBench(found, options({ only: ['cpu-sync'], jobs: ['download'] }))).toThrow(
      /nothing to run/,
    );
  });

  it('needs a reference for every workload it runs', () => {
    expect(() => planBench([pkg('cpu-threading', 'cpu')], options())).toThrow(
      /no reference strategy for cpu jobs/,
    );
  });
});

describe('opt-in lanes', () => {
  const laned = [
    ...found,
    { ...pkg('py-cpu-sync', 'cpu'), optIn: 'python' },
    { ...pkg('cpu-distributed', 'cpu'), optIn: 'distributed' },
  ];
  const labels = (plan: ReturnType<typeof planBench>) =>
    plan.find((job) => job.job === 'fib')?.contenders.map((c) => c.label);

  it('leaves a lane out unless its flag or --only asks for it', () => {
    expect(labels(planBench(laned, options()))).toEqual([
      'cpu-sync',
      'cpu-asyncio',
      'cpu-threading',
    ]);
    expect(labels(planBench(laned, options({ only: ['py-cpu-sync'] })))).toEqual([
      'cpu-sync',
      'py-cpu-sync',
    ]);
  });

  it("adds a lane's strategies to whatever else is selected", () => {
    expect(labels(planBench(laned, options({ lanes: ['python'] })))).toEqual([
      'cpu-sync',
      'cpu-asyncio',
      'cpu-threading',
      'py-cpu-sync',
    ]);
    expect(
      labels(planBench(laned, options({ only: ['cpu-threading'], lanes: ['distributed'] }))),
    ).toEqual(['cpu-sync', 'cpu-threading', 'cpu-distributed']);
  });
});
