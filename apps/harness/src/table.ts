import { describeDifference, jobs } from '@speedup/shared-core';
import Table from 'cli-table3';
import type { BenchResult, BenchRow } from './bench.js';
import { duration, fraction, megabytes, microseconds, ratio } from './format.js';

const MAX_DIFFERENCES_SHOWN = 5;

function resultCell(row: BenchRow): string {
  if (row.error) return 'FAILED';
  if (row.differences.length > 0) return `DIFF (${row.differences.length})`;
  return 'ok';
}

function range(row: BenchRow): string {
  return row.summary ? `${duration(row.summary.min)} … ${duration(row.summary.max)}` : '–';
}

function ioTable(rows: readonly BenchRow[]): string {
  const table = new Table({
    head: [
      'strategy',
      'model',
      'in flight',
      'median',
      'min … max',
      'set-up',
      '1st run',
      'speed-up',
      'bound',
      'efficiency',
      'per page',
      'loop p99',
      'memory',
      'results',
    ],
    style: { head: [], border: [] },
  });
  for (const row of rows) {
    const pages = Number(row.parameters.pages);
    table.push([
      row.strategy,
      row.model,
      row.concurrency === undefined ? '–' : Math.min(row.concurrency, pages),
      duration(row.summary?.median),
      range(row),
      duration(row.setupMs),
      duration(row.coldMs),
      ratio(row.speedup),
      duration(row.boundMs),
      fraction(row.efficiency),
      microseconds(row.overheadPerPageUs),
      duration(row.loopDelayP99Ms),
      megabytes(row.peakMemoryBytes),
      resultCell(row),
    ]);
  }
  return table.toString();
}

function cpuTable(rows: readonly BenchRow[]): string {
  const table = new Table({
    head: [
      'strategy',
      'job',
      'model',
      'workers',
      'median',
      'min … max',
      'set-up',
      '1st run',
      'speed-up',
      'efficiency',
      'loop p99',
      'memory',
      'results',
    ],
    style: { head: [], border: [] },
  });
  for (const row of rows) {
    table.push([
      row.strategy,
      row.job,
      row.model,
      row.concurrency ?? '–',
      duration(row.summary?.median),
      range(row),
      duration(row.setupMs),
      duration(row.coldMs),
      ratio(row.speedup),
      fraction(row.efficiency),
      duration(row.loopDelayP99Ms),
      megabytes(row.peakMemoryBytes),
      resultCell(row),
    ]);
  }
  return table.toString();
}

function problems(rows: readonly BenchRow[]): string[] {
  const lines: string[] = [];
  for (const row of rows) {
    if (row.error) lines.push(`${row.strategy} (${row.job}) failed: ${row.error}`);
    for (const difference of row.differences.slice(0, MAX_DIFFERENCES_SHOWN)) {
      lines.push(
        `${row.strategy} (${row.job}) differs from the reference at ${describeDifference(difference)}`,
      );
    }
    if (row.differences.length > MAX_DIFFERENCES_SHOWN) {
      lines.push(
        `${row.strategy} (${row.job}): ${row.differences.length - MAX_DIFFERENCES_SHOWN} more differing items`,
      );
    }
  }
  return lines;
}

/** The tables `pnpm bench` prints: one for I/O, one for CPU, then any failures and differences. */
export function renderTables(result: BenchResult): string {
  const { rows, options } = result;
  const sections: string[] = [];
  const runs = `${options.runs} run${options.runs === 1 ? '' : 's'} after ${options.warmup} warm-up`;
  const io = rows.filter((row) => row.workload === 'io');
  if (io.length > 0) {
    const pages = io[0]?.parameters.pages ?? String(options.pages);
    const source =
      result.latencyMs === undefined
        ? (options.sites ?? []).join(', ')
        : `local server, ${result.latencyMs} ms latency`;
    sections.push(`I/O-bound: download ${pages} pages (${source}); ${runs}\n${ioTable(io)}`);
  }
  const cpu = rows.filter((row) => row.workload === 'cpu');
  if (cpu.length > 0) {
    const described = [...new Set(cpu.map((row) => row.job))]
      .map((name) => jobs.find((job) => job.name === name)?.description ?? name)
      .join('; ');
    sections.push(`CPU-bound: ${described}; ${result.cores} cores; ${runs}\n${cpuTable(cpu)}`);
  }
  const trouble = problems(rows);
  if (trouble.length > 0) sections.push(trouble.join('\n'));
  return sections.join('\n\n');
}
