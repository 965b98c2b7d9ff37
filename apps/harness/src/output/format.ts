/** Human-readable figures for tables and messages. */

export function duration(ms: number | undefined): string {
  if (ms === undefined || Number.isNaN(ms)) return '–';
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms >= 10_000 ? 1 : 2)} s`;
  if (ms >= 1) return `${ms.toFixed(ms >= 100 ? 0 : 1)} ms`;
  return `${(ms * 1000).toFixed(0)} µs`;
}

export function ratio(value: number | undefined): string {
  return value === undefined ? '–' : `${value.toFixed(value >= 10 ? 1 : 2)}x`;
}

export function fraction(value: number | undefined): string {
  return value === undefined ? '–' : value.toFixed(2);
}

export function microseconds(value: number | undefined): string {
  return value === undefined ? '–' : `${value.toFixed(0)} µs`;
}

/**
 * `66 µs (64–68)`: microseconds and their 95 % interval, or alone when there is none. Past
 * ten thousand, in milliseconds (`6.9 ms (1.2–19.0)`, not `6879 µs (1200–18964)`). An
 * interval that reaches both sides of zero reads `≈ 0` before it (`≈ 0 ms (-41.4 to 19.4)`,
 * not `-7.8 ms …`): the runs cannot tell that cost from none, and a negative figure would
 * claim a saving. An interval with a negative end reads `to`, since a dash beside a minus
 * sign reads as one.
 */
export function microsecondsWithInterval(
  value: number | undefined,
  interval: readonly [number, number] | undefined,
): string {
  if (value === undefined) return '–';
  const inMs = Math.max(Math.abs(value), ...(interval ?? []).map(Math.abs)) >= 10_000;
  const unit = inMs ? 'ms' : 'µs';
  const digits = (x: number) =>
    inMs ? (x / 1000).toFixed(1) : Math.abs(x) >= 10 ? x.toFixed(0) : x.toFixed(1);
  if (!interval) return inMs ? `${digits(value)} ms` : microseconds(value);
  const [low, high] = interval;
  const between = low < 0 || high < 0 ? ' to ' : '–';
  const figure = low <= 0 && high >= 0 ? '≈ 0' : digits(value);
  return `${figure} ${unit} (${digits(low)}${between}${digits(high)})`;
}

export function megabytes(bytes: number | undefined): string {
  return bytes === undefined ? '–' : `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

/** `1.81x (1.77–1.85)`: a ratio and its 95 % interval, or the ratio alone when it has none. */
export function ratioWithInterval(
  value: number | undefined,
  interval: readonly [number, number] | undefined,
): string {
  if (value === undefined) return '–';
  if (!interval) return ratio(value);
  const digits = (x: number) => x.toFixed(x >= 10 ? 1 : 2);
  return `${ratio(value)} (${digits(interval[0])}–${digits(interval[1])})`;
}

/**
 * `0.90 (0.88–0.92)`: a share (efficiency, of ceiling) and its 95 % interval. A share
 * above 1.0 whose interval reaches 1.0 reads `≈ 1` before it (`≈ 1 (0.89–1.20)`, not
 * `1.04 …`): more than all the cores give, or than the bound allows, is a share no run
 * reaches, and the runs cannot tell this one from all of it.
 */
export function fractionWithInterval(
  value: number | undefined,
  interval: readonly [number, number] | undefined,
): string {
  if (value === undefined) return '–';
  if (!interval) return fraction(value);
  const [low, high] = interval;
  const figure = value > 1 && low <= 1 ? '≈ 1' : fraction(value);
  return `${figure} (${fraction(low)}–${fraction(high)})`;
}
