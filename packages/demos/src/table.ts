/** Printing for the demos' command lines: aligned columns and readable numbers. */

/** `rows` as lines of aligned columns: the first column left-aligned, the rest right-aligned. */
export function table(rows: readonly (readonly string[])[], indent = '  '): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, column) => {
      widths[column] = Math.max(widths[column] ?? 0, cell.length);
    });
  }
  return rows
    .map((row) =>
      row
        .map((cell, column) =>
          column === 0 ? cell.padEnd(widths[0] ?? 0) : cell.padStart(widths[column] ?? 0),
        )
        .join('  ')
        .trimEnd(),
    )
    .map((line) => indent + line)
    .join('\n');
}

/** 500000 → "500,000". */
export const count = (value: number): string => value.toLocaleString('en-US');

/** Milliseconds as seconds with three decimals, the way the strategies print times. */
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(3)} s`;

/** Middle value of `values`: a steadier "typical time" than the mean when a few runs stall. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}
