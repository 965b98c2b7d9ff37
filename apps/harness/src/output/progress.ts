import type { Progress } from '../benchmark/measure.js';
import type { BenchRow } from '../benchmark/result.js';
import type { BenchHooks } from '../benchmark/schedule.js';
import { duration } from './format.js';
import { type Paint, painter, wantsColour } from './paint.js';

/**
 * What `pnpm bench` shows while it works, on stderr. On a terminal: one status line,
 * rewritten in place (which strategy, which run, tasks done). Otherwise, or when `CI`
 * is set: one plain line when each strategy starts and one when it is done, so logs stay
 * readable.
 */
export function progressReporter(stream: NodeJS.WriteStream = process.stderr): Required<
  Omit<BenchHooks, 'signal' | 'measurer'>
> & {
  clear(): void;
} {
  const live = stream.isTTY === true && !process.env.CI;
  const paint: Paint = painter(wantsColour(stream));
  let status = '';
  const clear = () => {
    if (live && status) stream.write('\r\x1b[K');
    status = '';
  };
  const show = (text: string) => {
    if (!live) return;
    status =
      text.length > (stream.columns ?? 80) - 1
        ? `${text.slice(0, (stream.columns ?? 80) - 2)}…`
        : text;
    stream.write(`\r\x1b[K${status}`);
  };
  const runLabel = ({ run, warmup }: Progress) =>
    warmup ? `warm-up ${run + 1}` : `run ${run + 1}`;

  return {
    onStart(strategy, job) {
      if (live) show(`${paint('cyan', '▸')} ${strategy} · ${job} · setting up`);
      else stream.write(`▸ ${strategy} (${job}) …\n`);
    },
    onCeiling(cores) {
      const text = `measuring what ${cores} cores give ${cores} processes side by side`;
      if (live) show(`${paint('cyan', '▸')} ${text}`);
      else stream.write(`▸ ${text} …\n`);
    },
    onProgress(strategy, job, progress) {
      show(
        `${paint('cyan', '▸')} ${strategy} · ${job} · ${runLabel(progress)} · ${progress.done}/${progress.total} tasks`,
      );
    },
    onRow(row: BenchRow) {
      clear();
      const outcome = row.error
        ? paint('red', `failed: ${row.error}`)
        : `${duration(row.summary?.median)} median${row.ok ? '' : paint('red', ', results DIFFER')}`;
      stream.write(
        `${live ? `${paint('green', '✓')} ` : '  '}${row.strategy} (${row.job}): ${outcome}\n`,
      );
    },
    clear,
  };
}
