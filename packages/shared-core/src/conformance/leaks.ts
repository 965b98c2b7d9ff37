import { expect } from 'vitest';
import { childPids } from '../harness/processes.js';

/** Resources that mean "something the strategy started is still alive". */
const LIVE_RESOURCES = new Set([
  'MessagePort',
  'ProcessWrap',
  'TCPSocketWrap',
  'TCPWrap',
  'PipeWrap',
  'Worker',
]);

function liveResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) {
    if (LIVE_RESOURCES.has(type)) counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  return counts;
}

/** What this process is running now: take one before a strategy starts, to compare with after. */
export interface Snapshot {
  readonly resources: Map<string, number>;
  readonly children: number[];
}

export const snapshot = (): Snapshot => ({ resources: liveResources(), children: childPids() });

/**
 * Waits up to `withinMs` for this process to be back to `baseline`: no more worker
 * threads, child processes, sockets or pipes than before the strategy started.
 */
export async function expectNothingLeftRunning(
  baseline: Snapshot,
  withinMs = 3_000,
): Promise<void> {
  const deadline = performance.now() + withinMs;
  const leftovers = () => {
    const extra: string[] = [];
    for (const [type, count] of liveResources()) {
      const before = baseline.resources.get(type) ?? 0;
      if (count > before) extra.push(`${count - before} × ${type}`);
    }
    const children = childPids().filter((pid) => !baseline.children.includes(pid));
    if (children.length > 0) extra.push(`child processes ${children.join(', ')}`);
    return extra;
  };
  let extra = leftovers();
  while (extra.length > 0 && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    extra = leftovers();
  }
  expect(extra, 'still running after close()').toEqual([]);
}
