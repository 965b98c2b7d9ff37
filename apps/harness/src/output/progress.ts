import { type BenchJobName, DEFAULT_HTTP_LIMITS } from '@speedup/shared-core';
import { redactUrl } from '@speedup/shared-core/harness';
import type { Progress, RunLabel } from '../benchmark/measure.js';
import type { BenchRow } from '../benchmark/result.js';
import type { BenchHooks } from '../benchmark/schedule.js';
import type { BenchOptions } from '../options.js';
import { duration } from './format.js';
import { type Paint, painter, wantsColour } from './paint.js';

/**
 * What `pnpm bench` shows while it works, on stderr.
 *
 * On a terminal: one status line, rewritten in place: which strategy, which run, tasks
 * done, how long the run has taken and about how long it has left.
 *
 * Otherwise (a pipe, a CI log), or when `CI` is set: plain lines, so logs stay readable:
 * one when each strategy starts, one when it is done, and while it runs one every
 * `LOG_EVERY_MS` at most, saying where it is: `io-sync (download): run 1 of 3, 57/160
 * pages, 12 s`. A log that goes quiet for minutes looks like a hang; this one never does.
 *
 * Either way, a download run in which nothing has finished for longer than the page
 * timeout can explain (every page ends by then, whatever its server does) is stuck on
 * something the limits do not bound, and the line says which pages it is waiting on.
 */

export const LOG_EVERY_MS = 10_000;
const REDRAW_EVERY_MS = 1_000;
/** Beyond the page timeout: the deadline's own timer and a busy machine. */
const STUCK_SLACK_MS = 5_000;

export type ProgressReporter = Required<Omit<BenchHooks, 'signal' | 'measurer' | 'saved'>> & {
  clear(): void;
};

/** The strategy being measured now, as far as the progress messages tell. */
interface Current {
  readonly strategy: string;
  readonly job: BenchJobName;
  readonly items: readonly (string | number)[];
  label?: RunLabel;
  runStarted: number;
  /** When the last task finished, or the run started. */
  lastFinished: number;
  /** When its last task finished: the run's time stops there. */
  ended?: number;
  progress?: Progress;
}

/** `12 s`, `1 min 5 s`: elapsed time in a log, to the second. */
function elapsed(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

export function progressReporter(
  stream: NodeJS.WriteStream = process.stderr,
  options?: Pick<BenchOptions, 'runs' | 'minTime' | 'precision' | 'limits'>,
  now: () => number = () => performance.now(),
): ProgressReporter {
  const live = stream.isTTY === true && !process.env.CI;
  const paint: Paint = painter(wantsColour(stream));
  const pageTimeout = options?.limits.pageTimeout ?? DEFAULT_HTTP_LIMITS.pageTimeout;
  // Measured runs are exactly --runs only when neither time nor precision can ask for more.
  const fixedRuns = options !== undefined && options.minTime === 0 && options.precision === 0;
  let current: Current | undefined;
  const itemsOf = new Map<BenchJobName, readonly (string | number)[]>();
  let lastLine = now();
  let status = '';
  let ticker: NodeJS.Timeout | undefined;

  const write = (text: string) => stream.write(redactUrl(text));
  const clear = () => {
    if (live && status) stream.write('\r\x1b[K');
    status = '';
  };
  const show = (text: string) => {
    if (!live) return;
    const width = (stream.columns ?? 80) - 1;
    status = text.length > width ? `${text.slice(0, width - 1)}…` : text;
    write(`\r\x1b[K${status}`);
  };
  const line = (text: string) => {
    clear();
    lastLine = now();
    write(`${text}\n`);
  };

  const runText = ({ warmup, ordinal }: RunLabel) => {
    if (warmup) return `warm-up ${ordinal}${ordinal === 1 ? ' (cold)' : ''}`;
    if (!options) return `run ${ordinal}`;
    return `run ${ordinal} of ${fixedRuns ? '' : 'at least '}${options.runs}`;
  };

  /** The pages a stuck download run waits on, or nothing when it is not stuck. */
  const stuck = (state: Current, at: number): string | undefined => {
    const quiet = at - state.lastFinished;
    const unfinished = state.progress?.unfinished;
    if (state.job !== 'download' || quiet <= pageTimeout + STUCK_SLACK_MS) return undefined;
    const left = state.progress ? state.progress.total - state.progress.done : state.items.length;
    const first = unfinished ?? [...state.items.keys()].slice(0, 5);
    const named = first.map((index) => `${index} (${String(state.items[index])})`).join(', ');
    const more = left > first.length ? ` and ${left - first.length} more` : '';
    return `nothing has finished for ${elapsed(quiet)}, longer than the ${Number((pageTimeout / 1000).toFixed(1))} s page timeout explains: waiting on page ${named}${more}`;
  };

  const where = (state: Current, at: number) => {
    const parts: string[] = [];
    if (state.label) parts.push(runText(state.label));
    const noun = state.job === 'download' ? 'pages' : 'tasks';
    const { done = 0, total = state.items.length } = state.progress ?? {};
    parts.push(`${done}/${total} ${noun}`);
    const ran = (state.ended ?? at) - state.runStarted;
    parts.push(elapsed(ran));
    return { parts, ran, done, total };
  };

  const tick = () => {
    const state = current;
    if (!state?.label) return;
    const at = now();
    const { parts, ran, done, total } = where(state, at);
    const waiting = stuck(state, at);
    if (live) {
      if (done > 0 && done < total) {
        parts[parts.length - 1] += `, about ${elapsed((ran / done) * (total - done))} left`;
      }
      const head = `${paint('cyan', '▸')} ${state.strategy} · ${state.job} · ${parts.join(' · ')}`;
      show(waiting ? `${head} · ${paint('yellow', waiting)}` : head);
    } else if (at - lastLine >= LOG_EVERY_MS) {
      line(`${state.strategy} (${state.job}): ${parts.join(', ')}${waiting ? `; ${waiting}` : ''}`);
    }
  };

  const startTicking = () => {
    // Off a terminal, ticks only check whether a line is due.
    ticker ??= setInterval(tick, REDRAW_EVERY_MS).unref();
  };

  return {
    onStart(strategy, job, items = []) {
      const at = now();
      itemsOf.set(job, items);
      current = { strategy, job, items, runStarted: at, lastFinished: at };
      startTicking();
      if (live) show(`${paint('cyan', '▸')} ${strategy} · ${job} · setting up`);
      else line(`▸ ${strategy} (${job}) …`);
    },
    onCeiling(cores) {
      current = undefined;
      const text = `measuring what ${cores} cores give ${cores} processes side by side`;
      if (live) show(`${paint('cyan', '▸')} ${text}`);
      else line(`▸ ${text} …`);
    },
    onRun(strategy, job, label) {
      // Strategies of a job take turns: each run says whose turn it is.
      const at = now();
      const items = itemsOf.get(job) ?? [];
      current = { strategy, job, items, label, runStarted: at, lastFinished: at };
      tick();
    },
    onProgress(strategy, job, progress) {
      if (current?.strategy !== strategy || current.job !== job) return;
      if (progress.done !== current.progress?.done) current.lastFinished = now();
      if (progress.done === progress.total) current.ended ??= current.lastFinished;
      current.progress = progress;
      if (live) tick();
    },
    onRow(row: BenchRow) {
      const outcome = row.error
        ? paint('red', `failed: ${row.error}`)
        : `${duration(row.summary?.median)} median${row.ok ? '' : paint('red', ', results DIFFER')}${row.interrupted ? paint('yellow', ', interrupted') : ''}`;
      line(`${live ? `${paint('green', '✓')} ` : '  '}${row.strategy} (${row.job}): ${outcome}`);
    },
    clear() {
      clear();
      clearInterval(ticker);
      ticker = undefined;
      current = undefined;
    },
  };
}
