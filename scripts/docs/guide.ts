/**
 * The README's "Which strategy should I use?", from the results file: per workload and
 * language, what each strategy gained, from which size it pays counting its start-up,
 * and what it costs in memory and connections.
 */
import { type BenchResult, type BenchRow, crossovers, format } from '@speedup/harness';
import { benchResult, type Results } from './results.js';

/**
 * Against the reference of its own language: Node's rows carry their speed-up and its
 * interval; a Python row is set against Python's sync, as `pnpm bench` does side by side.
 */
function speedup(row: BenchRow, rows: readonly BenchRow[]): string {
  if ((row.language ?? 'node') === 'node') {
    return format.ratioWithInterval(row.speedup, row.speedupCi95);
  }
  const sync = rows.find((each) => each.job === row.job && each.model === 'sequential');
  const own = sync?.summary && row.summary ? sync.summary.median / row.summary.median : undefined;
  return format.ratio(own);
}

/**
 * Pages from which a strategy beats the reference counting its set-up: its set-up paid
 * back by what it saves per page (the default run's medians, so an estimate).
 */
function pagesToPayBack(row: BenchRow, reference: BenchRow, pages: number): string {
  const saved = ((reference.summary?.median ?? 0) - (row.summary?.median ?? 0)) / pages;
  if (saved <= 0) return 'never';
  return `about ${Math.max(1, Math.ceil((row.setupMs ?? 0) / saved)).toLocaleString('en-US')} pages`;
}

function ioTable(result: BenchResult, language: string): string {
  const rows = result.rows.filter(
    (row) => row.job === 'download' && (row.language ?? 'node') === language,
  );
  const reference = rows.find((row) => row.model === 'sequential' && row.ok);
  if (!reference) return '';
  const pages = Math.round(result.options.pages * result.options.size);
  const lines = rows.map(
    (row) =>
      `| ${row.strategy} | ${row.model} | ${speedup(row, rows)} | ${format.duration(row.setupMs)} | ${row === reference ? '–' : pagesToPayBack(row, reference, pages)} | ${format.megabytes(row.peakMemoryBytes)} | ${row.peakSockets ?? '–'} |`,
  );
  return [
    '| strategy | model | speed-up against its own sync | set-up | pays back its set-up from | memory | connections at once |',
    '|---|---|---|---|---|---|---|',
    ...lines,
  ].join('\n');
}

function cpuTable(result: BenchResult, size: BenchResult | undefined, language: string): string {
  const rows = result.rows.filter(
    (row) => row.workload === 'cpu' && (row.language ?? 'node') === language,
  );
  if (rows.length === 0) return '';
  const crossing = size ? crossovers(size) : [];
  const paysFrom = (row: BenchRow) => {
    if (row.reference) return '–';
    const found = crossing.find((each) => each.strategy === row.strategy && each.job === row.job);
    if (!found) return 'not swept';
    return found.withSetup === null ? 'never, in the sizes swept' : `size ${found.withSetup}`;
  };
  const lines = rows.map(
    (row) =>
      `| ${row.strategy} | ${row.job} | ${row.model} | ${speedup(row, rows)} | ${format.duration(row.setupMs)} | ${paysFrom(row)} | ${format.megabytes(row.peakMemoryBytes)} |`,
  );
  return [
    '| strategy | job | model | speed-up against its own sync | set-up | pays from, counting set-up and 1st run | memory |',
    '|---|---|---|---|---|---|---|',
    ...lines,
  ].join('\n');
}

export function guide(results: Results): string {
  const defaults = benchResult(results, 'default');
  const size = results.runs.size ? benchResult(results, 'size') : undefined;
  const parts = [
    '**I/O-bound work in Node** (the download job, `pnpm bench`). "Pays back its set-up from": the pages after which its start-up is paid back by what it saves per page, estimated from the medians.',
    ioTable(defaults, 'node'),
    '**CPU-bound work in Node** (`pnpm bench`; "pays from": the `--size` from which it beats cpu-sync counting its set-up and first run, in the size sweep of sum-of-squares).',
    cpuTable(defaults, size, 'node'),
  ];
  const pythonIo = results.runs['python-io'];
  if (pythonIo) {
    parts.push('**I/O-bound work in Python** (`pnpm bench --python --workload io`).');
    parts.push(ioTable(benchResult(results, 'python-io'), 'python'));
  }
  for (const name of ['python-sums', 'python-fib']) {
    if (!results.runs[name]) continue;
    parts.push(`**CPU-bound work in Python** (\`${results.runs[name]?.command}\`).`);
    parts.push(cpuTable(benchResult(results, name), undefined, 'python'));
  }
  if (!pythonIo) parts.push(`_Python: ${results.notes.join(' ') || 'not measured.'}_`);
  parts.push(
    `<sub>From the publish run: commit ${results.commit}, ${results.date.slice(0, 10)}, ${results.machine.cpu}, ${results.machine.cores} cores.</sub>`,
  );
  return parts.join('\n\n');
}
