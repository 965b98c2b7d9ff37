import {
  clock,
  crashedPage,
  type PageResult,
  type Pool,
  type RunOptions,
  type TaskEvent,
} from '@speedup/shared-core';
import workerpool from 'workerpool';

/**
 * The plumbing of a pool whose workers each run many tasks at once: both ends of it. The
 * URLs are cut into one share per worker, in input order (thread 1 the first pages,
 * thread 2 the next …), and each worker gets its whole share in one call. Workers report
 * their pages as they finish (`reportToMainThread`), so `onTask` hears of pages, not of
 * shares. Pages come back in input order. The pages of a share whose worker is lost become failed records, with an event
 * each for those not yet reported; an abort cancels every share, which ends its worker,
 * and rejects with the abort reason.
 */
export async function downloadInShares(
  pool: Pool,
  urls: readonly string[],
  inFlight: number,
  { signal, onTask }: RunOptions,
): Promise<PageResult[]> {
  signal.throwIfAborted();
  const size = Math.ceil(urls.length / (pool.maxWorkers ?? 1));
  const reported = new Set<number>();
  const report = (event: TaskEvent) => {
    reported.add(event.index);
    onTask(event);
  };
  const started = clock();

  const shares: { task: ReturnType<Pool['exec']>; pages: Promise<PageResult[]> }[] = [];
  for (let first = 0; first < urls.length; first += size) {
    const share = urls.slice(first, first + size);
    const task = pool.exec('downloadShare', [first, share, inFlight], {
      on: (events: TaskEvent[]) => events.forEach(report),
    });
    const lost = (error: unknown) => {
      signal.throwIfAborted();
      return share.map((url, offset) => {
        const index = first + offset;
        if (!reported.has(index)) {
          report({ index, worker: 'lost worker', start: started, end: clock() });
        }
        return crashedPage(url, error);
      });
    };
    shares.push({ task, pages: Promise.resolve(task as PromiseLike<PageResult[]>).catch(lost) });
  }

  const cancelAll = () => {
    for (const { task } of shares) task.cancel();
  };
  signal.addEventListener('abort', cancelAll, { once: true });
  try {
    return (await Promise.all(shares.map(({ pages }) => pages))).flat();
  } finally {
    signal.removeEventListener('abort', cancelAll);
  }
}

/**
 * The worker's end: reports finished tasks to the main thread. One message per page would
 * cost more than the page itself when the server answers at once (tens of microseconds
 * each), so the tasks that finish in one turn of this thread's event loop travel together.
 * `flush` sends the last ones before the share's result, which must not overtake them.
 */
export function reportToMainThread(): { report(event: TaskEvent): void; flush(): void } {
  let waiting: TaskEvent[] = [];
  const flush = () => {
    if (waiting.length > 0) workerpool.workerEmit(waiting);
    waiting = [];
  };
  return {
    report(event) {
      if (waiting.length === 0) setImmediate(flush);
      waiting.push(event);
    },
    flush,
  };
}
