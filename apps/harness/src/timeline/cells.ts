import type { Activity, PlacedTask } from './lanes.js';

/**
 * Drawing many tasks at a coarse resolution: the time axis is cut into equal cells and
 * each cell shows the activity that filled most of it, or nothing when no task ran in
 * it at all. Used when tasks are too many or too short to draw one by one: the
 * terminal's columns, and timelines of thousands of tasks.
 */

export type Cell = Activity | undefined;

const ACTIVITIES: readonly Activity[] = [
  'queued',
  'waiting',
  'receiving',
  'running',
  'failed',
  'lost',
];

/** Which activity filled most of each of `cellCount` cells spanning `[0, spanMs]`. */
export function cellsOf(tasks: readonly PlacedTask[], spanMs: number, cellCount: number): Cell[] {
  const filled = ACTIVITIES.map(() => new Float64Array(cellCount));
  const cellMs = spanMs / cellCount;
  const cellAt = (time: number) =>
    cellMs > 0 ? Math.min(cellCount - 1, Math.max(0, Math.floor(time / cellMs))) : 0;
  for (const task of tasks) {
    for (const part of task.parts) {
      const amounts = filled[ACTIVITIES.indexOf(part.activity)] as Float64Array;
      const first = cellAt(part.start);
      const last = cellAt(part.end);
      for (let cell = first; cell <= last; cell++) {
        const overlap =
          Math.min(part.end, (cell + 1) * cellMs) - Math.max(part.start, cell * cellMs);
        // A task recorded with no length at all still shows that something ran there.
        const amount = part.end > part.start ? overlap : Number.MIN_VALUE;
        if (amount > 0) amounts[cell] = (amounts[cell] as number) + amount;
      }
    }
  }
  return Array.from({ length: cellCount }, (_, cell) => {
    let best: Cell;
    let most = 0;
    for (const [i, activity] of ACTIVITIES.entries()) {
      const amount = (filled[i] as Float64Array)[cell] as number;
      if (amount > most) {
        most = amount;
        best = activity;
      }
    }
    return best;
  });
}

/** Consecutive equal cells as one run: `from` inclusive, `to` exclusive. */
export interface CellRun {
  readonly activity: Activity;
  readonly from: number;
  readonly to: number;
}

export function runsOf(cells: readonly Cell[]): CellRun[] {
  const runs: CellRun[] = [];
  let from = 0;
  for (let cell = 1; cell <= cells.length; cell++) {
    if (cell < cells.length && cells[cell] === cells[from]) continue;
    const activity = cells[from];
    if (activity) runs.push({ activity, from, to: cell });
    from = cell;
  }
  return runs;
}
