/**
 * What each marked block and value renders, from the results file alone, with the
 * harness's own tables, verdict and formats: the docs print what `pnpm bench` prints.
 */
import {
  type BenchResult,
  type BenchRow,
  crossovers,
  format,
  renderMarkdown,
  renderSweep,
  STEADY_RUNS,
  STEADY_SPREAD,
  sideBySide,
  textTimelines,
  verdict,
  WARMUP_BUDGET_MS,
} from '@speedup/harness';
import { WORKER_MEMORY_MB } from '@speedup/shared-core';
import { chartLink } from './charts.js';
import { guide } from './guide.js';
import { benchResult, type Results } from './results.js';

/** `abc1234, 2026-11-25, Intel Xeon …, 2 cores, 8 GB, Linux 6.1, Node v20.20.0`. */
export function machineLine(results: Results): string {
  const { machine } = results;
  return [
    `commit ${results.commit}`,
    results.date.slice(0, 10),
    machine.cpu,
    `${machine.cores} cores`,
    `${machine.memory_gb} GB`,
    machine.os,
    `Node ${machine.node}`,
    ...(machine.python ? [`Python ${machine.python}`] : []),
    ...(results.quick ? ['quick run (one run each)'] : []),
  ].join(', ');
}

/** The line under every generated figure: which command of which publish run made it. */
function source(results: Results, runName: string): string {
  const run = results.runs[runName] ?? results.outputs[runName];
  const command = run ? `\`${run.command}\`` : runName;
  return `<sub>From ${command} in the publish run (${machineLine(results)}).</sub>`;
}

const fenced = (text: string) => `\`\`\`\n${text.trimEnd()}\n\`\`\``;

function row(result: BenchResult, strategy: string, job: string): BenchRow {
  const found = [...result.rows, ...(result.floors ?? [])].find(
    (each) => each.strategy === strategy && each.job === job,
  );
  if (!found) throw new Error(`no row ${strategy} (${job}) in this run`);
  return found;
}

/** Figures of one row, by name: `<run>/<strategy>.<job>.<field>`. */
const rowFields: Record<string, (row: BenchRow) => string> = {
  median: (each) => format.duration(each.summary?.median),
  setup: (each) => format.duration(each.setupMs),
  cold: (each) => format.duration(each.coldMs),
  speedup: (each) => format.ratio(each.speedup),
  'speedup-ci': (each) => format.ratioWithInterval(each.speedup, each.speedupCi95),
  efficiency: (each) => format.fraction(each.efficiency),
  'loop-p99': (each) => format.duration(each.loopDelayP99Ms),
  memory: (each) => format.megabytes(each.peakMemoryBytes),
  connections: (each) => String(each.connections ?? '–'),
  'per-page': (each) =>
    format.microsecondsWithInterval(each.overheadPerPageUs, each.overheadPerPageCi95),
  'per-task': (each) =>
    format.microsecondsWithInterval(each.overheadPerTaskUs, each.overheadPerTaskCi95),
  workers: (each) => String(each.concurrency ?? '–'),
};

/** `size/cpu-threading.sum-of-squares.warm` or `.with-setup`: where a strategy starts to pay. */
function crossoverValue(result: BenchResult, strategy: string, job: string, which: string): string {
  const found = crossovers(result).find((each) => each.strategy === strategy && each.job === job);
  if (!found) throw new Error(`no crossover for ${strategy} (${job})`);
  const value = which === 'warm' ? found.warm : found.withSetup;
  return value === null ? 'never, in the sizes measured' : `${found.parameter} ${value}`;
}

/**
 * Figures that are the code's own settings, not measurements: written from the constants
 * themselves, so the docs cannot drift from them.
 */
const settings: Record<string, () => string> = {
  warmup: () =>
    `until ${STEADY_RUNS} runs in a row agree within ${STEADY_SPREAD * 100} %, at most ${format.duration(WARMUP_BUDGET_MS)} of warm-up`,
  'worker-memory': () => `${WORKER_MEMORY_MB.toLocaleString('en-US')} MB`,
};

export function value(results: Results, name: string): string {
  const [scope, ...path] = name.split('.');
  if (scope === 'setting') {
    const setting = settings[path.join('.')];
    if (!setting)
      throw new Error(`unknown value ${name} (settings: ${Object.keys(settings).join(', ')})`);
    return setting();
  }
  if (scope === 'machine') {
    const field = path.join('.');
    if (field === 'line') return machineLine(results);
    if (field === 'ceiling') return format.ratio(results.machine.parallel_ceiling ?? undefined);
    if (field === 'cores') return String(results.machine.cores);
    throw new Error(`unknown value ${name}`);
  }
  const [runName, strategy] = scope?.includes('/') ? scope.split('/') : ['default', scope];
  if (!results.runs[runName as string]) return 'not measured in this publish run';
  const result = benchResult(results, runName as string);
  const [job, field, extra] = path;
  if (!strategy || !job || !field)
    throw new Error(`value ${name}: write <run>/<strategy>.<job>.<field>`);
  if (field === 'crossover') return crossoverValue(result, strategy, job, extra ?? 'warm');
  const formatter = rowFields[field];
  if (!formatter)
    throw new Error(`value ${name}: no field ${field} (${Object.keys(rowFields).join(', ')})`);
  return formatter(row(result, strategy, job));
}

/** Blocks by kind; the part of the name after the first colon is the kind's argument. */
export function block(results: Results, name: string, file: string): string {
  const runName = name.split(':')[1]?.split('.')[0] ?? '';
  const notMeasured = (what: string) =>
    `_Not measured in the publish run (${machineLine(results)}): ${results.notes.join(' ') || `it has no ${what}.`}_`;
  if (/^(tables|verdict|sweep|side-by-side|crossovers|chart|timeline-text):/.test(name)) {
    if (!results.runs[runName]) return notMeasured(`run named ${runName}`);
  }
  const outputName = name.slice(name.indexOf(':') + 1).split('#')[0] as string;
  if (/^output(-short|-section)?:/.test(name) && !results.outputs[outputName]) {
    return notMeasured(`output named ${outputName}`);
  }
  const colon = name.indexOf(':');
  const kind = colon < 0 ? name : name.slice(0, colon);
  const argument = colon < 0 ? '' : name.slice(colon + 1);
  switch (kind) {
    case 'source':
      return `<sub>Figures on this page: ${machineLine(results)}; \`pnpm bench:publish\` measured them, \`pnpm docs:update\` wrote them.</sub>`;
    case 'crossovers': {
      const result = benchResult(results, argument);
      const rows = crossovers(result).map(
        (each) =>
          `| ${each.strategy} | ${each.job} | ${each.warm ?? (each.warmAt.length > 0 ? `at ${each.warmAt.join(', ')} only` : 'never')} | ${each.withSetup ?? 'never'} |`,
      );
      const parameter = result.sweep?.parameter ?? '';
      return `| strategy | job | pays from ${parameter} (warm) | pays from ${parameter} (counting set-up and 1st run) |\n|---|---|---|---|\n${rows.join('\n')}\n\n${source(results, argument)}`;
    }
    case 'tables':
      return `${renderMarkdown(benchResult(results, argument)).replace(/^### /gm, '#### ')}\n${source(results, argument)}`;
    case 'verdict':
      return `${fenced(verdict(benchResult(results, argument)).join('\n'))}\n${source(results, argument)}`;
    case 'sweep':
      return `${fenced(renderSweep(benchResult(results, argument)))}\n${source(results, argument)}`;
    case 'side-by-side':
      return `${fenced(sideBySide(benchResult(results, argument)).join('\n'))}\n${source(results, argument)}`;
    case 'output': {
      const capture = results.outputs[argument];
      if (!capture) throw new Error(`no output '${argument}' in the results file`);
      return `${fenced(capture.stdout)}\n${source(results, argument)}`;
    }
    case 'timeline-text': {
      const [runName, strategy] = argument.split('.') as [string, string];
      return `${fenced(textTimelines(benchResult(results, runName), strategy, 100))}\n${source(results, runName)}`;
    }
    case 'output-section': {
      // `demo:race#2`: the part of the output under its heading `2. …`.
      const [captureName, number] = argument.split('#');
      const capture = results.outputs[captureName as string];
      if (!capture) throw new Error(`no output '${captureName}' in the results file`);
      const parts = capture.stdout.split(/^(?=\d+\. )/m);
      const part = parts.find((each) => each.startsWith(`${number}. `));
      if (!part) throw new Error(`output '${captureName}' has no part ${number}`);
      return `${fenced(part)}\n${source(results, captureName as string)}`;
    }
    case 'output-short': {
      const capture = results.outputs[argument];
      if (!capture) throw new Error(`no output '${argument}' in the results file`);
      const lines = capture.stdout.trimEnd().split('\n');
      const shown = lines.length > 12 ? [...lines.slice(0, 3), '...', ...lines.slice(-5)] : lines;
      return `${fenced(shown.join('\n'))}\n${source(results, argument)}`;
    }
    case 'chart':
      return `${chartLink(results, argument, file)}\n\n${source(results, argument.split('.')[0] as string)}`;
    case 'guide':
      return guide(results);
    default:
      throw new Error(`unknown block ${name}`);
  }
}
