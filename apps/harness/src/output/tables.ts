import { describeDifference, type Workload } from '@speedup/shared-core';
import Table from 'cli-table3';
import { fastestRows, judge } from '../benchmark/judge.js';
import type { BenchResult, BenchRow } from '../benchmark/result.js';
import { resultLabel, rowWhere, workloadTitle } from './describe-row.js';
import { failedCell, failureLines } from './failures.js';
import {
  duration,
  fractionWithInterval,
  megabytes,
  microsecondsWithInterval,
  ratioWithInterval,
} from './format.js';
import { type Paint, painter } from './paint.js';
import { resultWarnings, warningsFor } from './warnings.js';

const MAX_DIFFERENCES_SHOWN = 5;

export interface Column {
  readonly header: string;
  readonly cell: (row: BenchRow) => string;
}

const range = (row: BenchRow) =>
  row.summary ? `${duration(row.summary.min)} … ${duration(row.summary.max)}` : '–';

const mean = (row: BenchRow) =>
  row.summary ? `${duration(row.summary.mean)} ± ${duration(row.summary.stddev)}` : '–';

export const common = {
  strategy: { header: 'strategy', cell: (row) => row.strategy },
  language: { header: 'language', cell: (row) => row.language ?? 'node' },
  model: { header: 'model', cell: (row) => row.model },
  median: { header: 'median', cell: (row) => duration(row.summary?.median) },
  mean: { header: 'mean ± σ', cell: mean },
  range: { header: 'min … max', cell: range },
  setup: { header: 'set-up', cell: (row) => duration(row.setupMs) },
  cold: { header: '1st run', cell: (row) => duration(row.coldMs) },
  speedup: {
    header: 'speed-up',
    cell: (row) => ratioWithInterval(row.speedup, row.speedupCi95),
  },
  efficiency: {
    header: 'efficiency',
    cell: (row) => fractionWithInterval(row.efficiency, row.efficiencyCi95),
  },
  loop: { header: 'loop p99', cell: (row) => duration(row.loopDelayP99Ms) },
  memory: { header: 'memory', cell: (row) => megabytes(row.peakMemoryBytes) },
  result: { header: 'results', cell: resultLabel },
} satisfies Record<string, Column>;

export const ioColumns: Column[] = [
  common.strategy,
  common.model,
  {
    header: 'in flight',
    cell: (row) =>
      row.concurrency === undefined
        ? '–'
        : String(Math.min(row.concurrency, Number(row.parameters.pages))),
  },
  common.median,
  common.range,
  common.setup,
  common.cold,
  common.speedup,
  { header: 'bound', cell: (row) => duration(row.boundMs) },
  common.efficiency,
  {
    header: 'per page',
    cell: (row) => microsecondsWithInterval(row.overheadPerPageUs, row.overheadPerPageCi95),
  },
  { header: 'failed', cell: failedCell },
  common.result,
];

export const cpuColumns: Column[] = [
  common.strategy,
  { header: 'job', cell: (row) => row.job },
  common.model,
  {
    header: 'workers',
    cell: (row) => (row.concurrency === undefined ? '–' : String(row.concurrency)),
  },
  common.median,
  common.range,
  common.setup,
  common.cold,
  common.speedup,
  common.efficiency,
  {
    header: 'of ceiling',
    cell: (row) => fractionWithInterval(row.ofCeiling, row.ofCeilingCi95),
  },
  {
    header: 'per task',
    cell: (row) => microsecondsWithInterval(row.overheadPerTaskUs, row.overheadPerTaskCi95),
  },
  common.loop,
  common.result,
];

/** The second table of each workload: the spread of the runs and what they cost the machine. */
export const resourceColumns = (workload: Workload): Column[] => [
  common.strategy,
  { header: 'job', cell: (row) => row.job },
  { header: 'runs', cell: (row) => String(row.timesMs.length) },
  common.mean,
  { header: 'user', cell: (row) => duration(row.userMs) },
  { header: 'system', cell: (row) => duration(row.systemMs) },
  common.loop,
  common.memory,
  ...(workload === 'io'
    ? [
        {
          header: 'connections',
          cell: (row: BenchRow) => (row.connections === undefined ? '–' : String(row.connections)),
        },
        {
          header: 'peak sockets',
          cell: (row: BenchRow) => (row.peakSockets === undefined ? '–' : String(row.peakSockets)),
        },
      ]
    : []),
];

function terminalTable(
  columns: readonly Column[],
  rows: readonly BenchRow[],
  paint: Paint,
  fastest: ReadonlySet<BenchRow>,
): string {
  const table = new Table({
    head: columns.map((column) => paint('bold', column.header)),
    style: { head: [], border: [] },
  });
  for (const row of rows) {
    table.push(
      columns.map((column) => {
        const text = column.cell(row);
        if (column === common.result) {
          if (!row.ok) return paint(['red', 'bold'], text);
          return paint(row.interrupted ? 'yellow' : 'green', text);
        }
        if (column === common.median && fastest.has(row)) return paint(['green', 'bold'], text);
        return text;
      }),
    );
  }
  return table.toString();
}

/** What went wrong with the rows: failures and differences from the reference, a line each. */
export function problemsOf(rows: readonly BenchRow[], where: (row: BenchRow) => string): string[] {
  const lines: string[] = [];
  for (const row of rows) {
    if (row.error) lines.push(`${where(row)} failed: ${row.error}`);
    for (const difference of row.differences.slice(0, MAX_DIFFERENCES_SHOWN)) {
      lines.push(`${where(row)} differs from the reference at ${describeDifference(difference)}`);
    }
    if (row.differences.length > MAX_DIFFERENCES_SHOWN) {
      lines.push(
        `${where(row)}: ${row.differences.length - MAX_DIFFERENCES_SHOWN} more differing items`,
      );
    }
  }
  return lines;
}

/** The columns, with the language next to the strategy when not every row is Node's. */
function withLanguage(columns: readonly Column[], rows: readonly BenchRow[]): Column[] {
  if (rows.every((row) => (row.language ?? 'node') === 'node')) return [...columns];
  const [strategy, ...rest] = columns;
  return strategy ? [strategy, common.language, ...rest] : [...columns];
}

/** One section per workload that ran: its rows and its columns, the floor last among the I/O rows. */
export const sections = (result: BenchResult) =>
  (['io', 'cpu'] as const)
    .map((workload) => {
      const rows = [...result.rows, ...(result.floors ?? [])].filter(
        (row) => row.workload === workload,
      );
      return {
        workload,
        rows,
        columns: withLanguage(workload === 'io' ? ioColumns : cpuColumns, rows),
      };
    })
    .filter((section) => section.rows.length > 0);

/** The tables `pnpm bench` prints: one for I/O, one for CPU, then warnings, failures and differences. */
export function renderTables(result: BenchResult, colour = false): string {
  const paint = painter(colour);
  const fastest = fastestRows(judge(result));
  const parts: string[] = [];
  // With a sweep the sweep tables are the summary: these would repeat every strategy per value.
  const failures = failureLines(result);
  if (!result.sweep) {
    for (const { workload, rows, columns } of sections(result)) {
      // Each job's failures right under the table with its `failed` column.
      const under = failureLines(result, rows);
      const failed = under.length > 0 ? `\n${paint('yellow', under.join('\n'))}` : '';
      parts.push(
        `${paint('bold', workloadTitle(result, workload, rows))}\n${terminalTable(columns, rows, paint, fastest)}${failed}`,
        `Runs and resources\n${terminalTable(resourceColumns(workload), rows, paint, fastest)}`,
      );
    }
  } else if (failures.length > 0) {
    parts.push(paint('yellow', failures.join('\n')));
  }
  if (result.interrupted || result.rows.some((row) => row.interrupted)) {
    parts.push(
      paint(
        'yellow',
        'Interrupted (Ctrl-C): rows marked (interrupted) show only the runs they finished before it; their figures may be too few to go by.',
      ),
    );
  }
  const where = (row: BenchRow) => rowWhere(row, result.sweep);
  const everyRow = [...result.rows, ...(result.floors ?? [])];
  const warnings = [
    ...everyRow.flatMap((row) =>
      warningsFor(row).map((warning) => `${paint('yellow', 'Warning:')} ${where(row)}: ${warning}`),
    ),
    ...resultWarnings(result).map(
      ({ row, text }) => `${paint('yellow', 'Warning:')} ${where(row)}: ${text}`,
    ),
  ];
  if (warnings.length > 0) parts.push(warnings.join('\n'));
  const problems = problemsOf(everyRow, where);
  if (problems.length > 0) parts.push(paint('red', problems.join('\n')));
  return parts.join('\n\n');
}
