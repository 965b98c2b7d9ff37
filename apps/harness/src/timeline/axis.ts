/**
 * Scales and tick marks shared by the charts: a round step (1, 2 or 5 × a power of ten)
 * that gives about `target` ticks from zero.
 */

export function niceStep(max: number, target = 5): number {
  if (!(max > 0)) return 1;
  const rough = max / target;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].find((factor) => factor * power >= rough) ?? 10;
  return step * power;
}

/** Ticks 0, step, 2·step … up to and including `max` when it falls on one. */
export function ticksUpTo(max: number, step: number): number[] {
  const ticks: number[] = [];
  for (let tick = 0; tick <= max + step * 1e-9; tick += step) ticks.push(roundToStep(tick, step));
  return ticks;
}

/** The first tick at or above `max`, so bars and lines end inside the axis. */
export function niceCeiling(max: number, target = 5): { top: number; ticks: number[] } {
  const step = niceStep(max, target);
  const top = Math.max(step, Math.ceil(max / step - 1e-9) * step);
  return { top: roundToStep(top, step), ticks: ticksUpTo(top, step) };
}

/** Removes floating-point dust such as 0.30000000000000004. */
function roundToStep(value: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return Number(value.toFixed(decimals));
}

/** A tick label for a duration: `0`, `50 ms`, `1.5 s`. */
export function durationLabel(ms: number): string {
  if (ms === 0) return '0';
  if (ms >= 1000) return `${Number((ms / 1000).toFixed(3))} s`;
  return `${Number(ms.toFixed(3))} ms`;
}

/** A tick label in milliseconds: `1,500`, `2.5`, `0.25`. */
export function millisecondsLabel(ms: number): string {
  return ms.toLocaleString('en-US', { maximumFractionDigits: ms >= 10 ? 0 : 2 });
}

export type Scale = (value: number) => number;

export function linearScale(domain: [number, number], range: [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const width = d1 - d0;
  return (value) => (width === 0 ? r0 : r0 + ((value - d0) / width) * (r1 - r0));
}

export function logScale(domain: [number, number], range: [number, number]): Scale {
  const linear = linearScale([Math.log(domain[0]), Math.log(domain[1])], range);
  return (value) => linear(Math.log(value));
}
