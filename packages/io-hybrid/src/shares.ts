import {
  clock,
  crashedPage,
  LOST_WORKER,
  type PageResult,
  type RunOptions,
  type TaskEvent,
  type Workerpool,
} from '@speedup/shared-core';
import workerpool from 'workerpool';

/** A page as its worker sends it back, the moment it is downloaded: the record, and where and when. */
export interface FinishedPage extends TaskEvent {
  readonly page: PageResult;
}

/**
 * The plumbing of a pool whose workers each run many tasks at once: both ends of it. The
 * URLs are cut into one share per worker, in input order (thread 1 the first pages,
 * thread 2 the next …), and each worker gets its whole share in one call. Workers send
 * each page back as it finishes (`reportToMainThread`), so `onTask` hears of pages, not of
 * shares, and a page a thread finished before it died is kept. The pages a lost worker
 * never sent become crashed records, each with a `lost worker` event; an abort cancels
 * every share, which ends its worker, and rejects with the abort reason. Pages come back
 * in input order.
 */
export async function downloadInShares(
  pool: Workerpool,
  urls: readonly string[],
  inFlight: number,
  { signal, onTask }: RunOptions,
): Promise<PageResult[]> {
  signal.throwIfAborted();
  const size = Math.ceil(urls.length / (pool.maxWorkers ?? 1));
  const pages: (PageResult | undefined)[] = new Array(urls.length);
  const receive = ({ page, ...event }: FinishedPage) => {
    // A message that arrives after its worker was given up for lost is too late to count.
    if (pages[event.index] !== undefined) return;
    pages[event.index] = page;
    onTask(event);
  };
  const started = clock();

  const shares: { task: ReturnType<Workerpool['exec']>; done: Promise<void> }[] = [];
  for (let first = 0; first < urls.length; first += size) {
    const share = urls.slice(first, first + size);
    const task = pool.exec('downloadShare', [first, share, inFlight], {
      on: (finished: FinishedPage[]) => finished.forEach(receive),
    });
    const lost = (error: unknown) => {
      signal.throwIfAborted();
      for (const [offset, url] of share.entries()) {
        const index = first + offset;
        if (pages[index] !== undefined) continue;
        pages[index] = crashedPage(url, error);
        onTask({ index, worker: LOST_WORKER, start: started, end: clock() });
      }
    };
    shares.push({ task, done: Promise.resolve(task as PromiseLike<void>).then(() => {}, lost) });
  }

  const cancelAll = () => {
    for (const { task } of shares) task.cancel();
  };
  signal.addEventListener('abort', cancelAll, { once: true });
  try {
    await Promise.all(shares.map(({ done }) => done));
    return pages as PageResult[];
  } finally {
    signal.removeEventListener('abort', cancelAll);
  }
}

/**
 * The worker's end: sends finished pages to the main thread. One message per page would
 * cost more than the page itself when the server answers at once (tens of microseconds
 * each), so the pages that finish in one turn of this thread's event loop travel together.
 * `flush` sends the last ones before the share ends, which must not overtake them.
 */
export function reportToMainThread(): { report(finished: FinishedPage): void; flush(): void } {
  let waiting: FinishedPage[] = [];
  const flush = () => {
    if (waiting.length > 0) workerpool.workerEmit(waiting);
    waiting = [];
  };
  return {
    report(finished) {
      if (waiting.length === 0) setImmediate(flush);
      waiting.push(finished);
    },
    flush,
  };
}
