import { describeDifference, jobs, type Workload } from '@speedup/shared-core';
import Table from 'cli-table3';
import type { BenchResult, BenchRow } from './bench.js';
import { duration, fraction, megabytes, microseconds, ratio } from './format.js';
import { type Paint, painter } from './paint.js';
import { STOPPED } from './protocol.js';
import { warningsFor } from './warnings.js';

const MAX_DIFFERENCES_SHOWN = 5;

interface Column {
  readonly header: string;
  readonly cell: (row: BenchRow) => string;
}

const range = (row: BenchRow) =>
  row.summary ? `${duration(row.summary.min)} … ${duration(row.summary.max)}` : '–';

const mean = (row: BenchRow) =>
  row.summary ? `${duration(row.summary.mean)} ± ${duration(row.summary.stddev)}` : '–';

function resultOf(row: BenchRow): string {
  if (row.error === STOPPED) return 'STOPPED';
  if (row.error) return 'FAILED';
  if (row.differences.length > 0) return `DIFF (${row.differences.length})`;
  return 'ok';
}

const common = {
  strategy: { header: 'strategy', cell: (row) => row.strategy },
  model: { header: 'model', cell: (row) => row.model },
  median: { header: 'median', cell: (row) => duration(row.summary?.median) },
  mean: { header: 'mean ± σ', cell: mean },
  range: { header: 'min … max', cell: range },
  setup: { header: 'set-up', cell: (row) => duration(row.setupMs) },
  cold: { header: '1st run', cell: (row) => duration(row.coldMs) },
  speedup: { header: 'speed-up', cell: (row) => ratio(row.speedup) },
  efficiency: { header: 'efficiency', cell: (row) => fraction(row.efficiency) },
  loop: { header: 'loop p99', cell: (row) => duration(row.loopDelayP99Ms) },
  memory: { header: 'memory', cell: (row) => megabytes(row.peakMemoryBytes) },
  result: { header: 'results', cell: resultOf },
} satisfies Record<string, Column>;

const ioColumns: Column[] = [
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
  { header: 'per page', cell: (row) => microseconds(row.overheadPerPageUs) },
  common.result,
];

const cpuColumns: Column[] = [
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
  common.loop,
  common.result,
];

/** The second table of each workload: the spread of the runs and what they cost the machine. */
const resourceColumns = (workload: Workload): Column[] => [
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

/** The fastest row of each job that computed the right thing: the one a reader is looking for. */
function fastestOfEachJob(rows: readonly BenchRow[]): Set<BenchRow> {
  const fastest = new Map<string, BenchRow>();
  for (const row of rows) {
    if (!row.ok || !row.summary) continue;
    const key = `${row.job}|${JSON.stringify(row.parameters)}`;
    const best = fastest.get(key);
    if (!best?.summary || row.summary.median < best.summary.median) fastest.set(key, row);
  }
  return new Set(fastest.values());
}

function terminalTable(
  columns: readonly Column[],
  rows: readonly BenchRow[],
  paint: Paint,
): string {
  const fastest = fastestOfEachJob(rows);
  const table = new Table({
    head: columns.map((column) => paint('bold', column.header)),
    style: { head: [], border: [] },
  });
  for (const row of rows) {
    table.push(
      columns.map((column) => {
        const text = column.cell(row);
        if (column === common.result) return paint(row.ok ? 'green' : ['red', 'bold'], text);
        if (column === common.median && fastest.has(row)) return paint(['green', 'bold'], text);
        return text;
      }),
    );
  }
  return table.toString();
}

function markdownTable(columns: readonly Column[], rows: readonly BenchRow[]): string {
  const escapePipes = (text: string) => text.replaceAll('|', '\\|');
  const lines = [
    `| ${columns.map((column) => column.header).join(' | ')} |`,
    `|${columns.map(() => '---').join('|')}|`,
    ...rows.map(
      (row) => `| ${columns.map((column) => escapePipes(column.cell(row))).join(' | ')} |`,
    ),
  ];
  return lines.join('\n');
}

function describeJobs(rows: readonly BenchRow[]): string {
  return [...new Set(rows.map((row) => row.job))]
    .map((name) => jobs.find((job) => job.name === name)?.description ?? name)
    .join('; ');
}

function titleOf(result: BenchResult, workload: Workload, rows: readonly BenchRow[]): string {
  const { options } = result;
  const warmup =
    options.warmup === 0
      ? 'no warm-up, so the first run is cold'
      : `after ${options.warmup} warm-up run${options.warmup === 1 ? '' : 's'}`;
  const runs = `${options.minTime > 0 ? 'at least ' : ''}${options.runs} run${options.runs === 1 ? '' : 's'}${options.minTime > 0 ? ` and ${options.minTime / 1000} s` : ''}, ${warmup}`;
  if (workload === 'io') {
    const pages = rows[0]?.parameters.pages ?? String(options.pages);
    const source =
      result.latencyMs === undefined
        ? (options.sites ?? []).join(', ')
        : `local server, ${result.latencyMs} ms latency${options.jitter > 0 ? ` + up to ${options.jitter} ms jitter` : ''}`;
    return `I/O-bound: download ${pages} pages (${source}); ${runs}`;
  }
  const size = options.size === 1 ? '' : `, work × ${options.size}`;
  return `CPU-bound: ${describeJobs(rows)}${size}; ${result.cores} cores; ${runs}`;
}

function problemsOf(rows: readonly BenchRow[], where: (row: BenchRow) => string): string[] {
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

const sections = (result: BenchResult) =>
  (['io', 'cpu'] as const)
    .map((workload) => ({
      workload,
      rows: result.rows.filter((row) => row.workload === workload),
      columns: workload === 'io' ? ioColumns : cpuColumns,
    }))
    .filter((section) => section.rows.length > 0);

/** The tables `pnpm bench` prints: one for I/O, one for CPU, then warnings, failures and differences. */
export function renderTables(result: BenchResult, colour = false): string {
  const paint = painter(colour);
  const parts: string[] = [];
  // With a sweep the sweep tables are the summary: these would repeat every strategy per value.
  if (!result.sweep) {
    for (const { workload, rows, columns } of sections(result)) {
      parts.push(
        `${paint('bold', titleOf(result, workload, rows))}\n${terminalTable(columns, rows, paint)}`,
        `Runs and resources\n${terminalTable(resourceColumns(workload), rows, paint)}`,
      );
    }
  }
  const where = (row: BenchRow) => {
    const value =
      result.sweep && `, ${result.sweep.parameter} ${row.parameters[result.sweep.parameter]}`;
    return `${row.strategy} (${row.job}${value ?? ''})`;
  };
  const warnings = result.rows.flatMap((row) =>
    warningsFor(row).map((warning) => `${paint('yellow', 'Warning:')} ${where(row)}: ${warning}`),
  );
  if (warnings.length > 0) parts.push(warnings.join('\n'));
  const problems = problemsOf(result.rows, where);
  if (problems.length > 0) parts.push(paint('red', problems.join('\n')));
  return parts.join('\n\n');
}

/** `--export-markdown`: the same tables, as Markdown. */
export function renderMarkdown(result: BenchResult): string {
  return `${sections(result)
    .map(
      ({ workload, rows, columns }) =>
        `### ${titleOf(result, workload, rows)}\n\n${markdownTable(columns, rows)}\n\n${markdownTable(resourceColumns(workload), rows)}`,
    )
    .join('\n\n')}\n`;
}
