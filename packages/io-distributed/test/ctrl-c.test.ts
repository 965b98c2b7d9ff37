import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import ioDistributed from '@speedup/io-distributed';
import {
  diffResults,
  downloadInput,
  type PageResult,
  runOptions,
  type TaskEvent,
} from '@speedup/shared-core';
import {
  type InterruptedRun,
  itemOf,
  redisOfItsOwn,
  watchRun,
} from '@speedup/shared-core/conformance/queue';
import { REMOTE_WORKERS_VARIABLE } from '@speedup/shared-core/redis';
import { pageBodies, type SiteServer, startSiteServer } from '@speedup/site-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

/**
 * Ctrl-C on a worker started with the `worker` command while a page is in its hands, as
 * the README promises: it "leaves on Ctrl-C once the jobs in its hands are done (a second
 * Ctrl-C leaves at once; its jobs then go to other workers)". Each test starts two
 * workers, downloads pages slow enough to catch one in a worker's hands, and presses
 * Ctrl-C on that worker; the other one finishes the run.
 *
 * A download waits on the network, not on the worker's thread, so unlike a cpu-distributed
 * worker this one hears Ctrl-C at once, while the page is still on its way.
 */

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Each page answers this long after it is asked for: long enough to press Ctrl-C meanwhile. */
const LATENCY_MS = 2_000;

/** What the worker prints on the first Ctrl-C. */
const LEAVING = 'leaving once the jobs in hand are done (Ctrl-C again to leave now)';

describe('an io-distributed worker given Ctrl-C while a page is in its hands', () => {
  const own = redisOfItsOwn();
  let server: SiteServer;
  beforeAll(async () => {
    server = await startSiteServer({ latency: LATENCY_MS });
  });
  afterAll(async () => {
    await server?.close();
  });

  /** Two pages per worker: when the first pages are done, two more are still waiting. */
  const input = () => downloadInput(server.sites, 4);

  /** What a correct download of each page gives, from the bytes the server serves. */
  const expectedPages = (urls: readonly string[]): PageResult[] =>
    urls.map((url) => {
      const body = url === server.sites[0] ? pageBodies.A : pageBodies.B;
      const sha256 = createHash('sha256').update(body).digest('hex');
      return { url, status: 200, bytes: body.length, sha256 };
    });

  /** What happened when one of two workers got `presses` Ctrl-Cs during its first page. */
  interface Interrupted extends InterruptedRun<PageResult> {
    readonly urls: readonly string[];
  }

  async function pressCtrlCDuringADownload(presses: 1 | 2): Promise<Interrupted> {
    const url = `redis://127.0.0.1:${own.redis.address.port}`;
    const workers = [startWorker(url), startWorker(url)];
    try {
      const labels = await Promise.all(workers.map((worker) => worker.label));
      Object.assign(process.env, own.redis.address.environment(), {
        [REMOTE_WORKERS_VARIABLE]: '1',
      });
      const { items: urls, job: name } = input();
      const events: TaskEvent[] = [];
      const runner = await ioDistributed.setup({});
      let interrupted: Omit<Interrupted, 'urls' | 'results' | 'events' | 'other'>;
      let results: PageResult[];
      try {
        expect(runner.concurrency).toBe(2);
        const downloading = runner.run(
          { job: name, items: urls },
          runOptions({ onTask: (event) => events.push(event) }),
        );
        const watched = await watchRun(own.client, own.redis.address);
        try {
          // The first page seen being downloaded, and the worker downloading it.
          const job = await watched.firstActive();
          const victim = workers[labels.indexOf(job.processedBy as string)] as Worker;
          const eventsWhenGone = victim.said.then(() => events.length);
          process.kill(-(victim.process.pid as number), 'SIGINT');
          if (presses === 2) {
            // A terminal's second Ctrl-C comes once the first has been heard: the worker
            // says so at once, its page still on the way.
            await vi.waitFor(() => expect(victim.saidSoFar()).toContain(LEAVING), {
              timeout: 5_000,
              interval: 5,
            });
            process.kill(-(victim.process.pid as number), 'SIGINT');
          }
          // The Ctrl-C reached it while that page was still in its hands.
          expect(await watched.queue.getJobState(job.id as string)).toBe('active');

          results = await downloading;
          interrupted = {
            victim: job.processedBy as string,
            inHand: itemOf(job.id as string),
            said: await victim.said,
            handedOn: watched.handedOn,
            eventsWhenGone: await eventsWhenGone,
          };
        } finally {
          await watched.close();
        }
      } finally {
        await runner.close();
      }
      expect(await own.client.keys('*')).toEqual([]);

      // The other worker is still waiting for runs; Ctrl-C sends it away too.
      const other = labels.find((label) => label !== interrupted.victim) as string;
      const otherWorker = workers[labels.indexOf(other)] as Worker;
      const running = workers.filter((worker) => !worker.gone());
      expect(running.map((worker) => labels[workers.indexOf(worker)])).toEqual([other]);
      process.kill(-(otherWorker.process.pid as number), 'SIGINT');
      expect(await otherWorker.said).toContain(LEAVING);
      const clients = (await own.client.client('LIST')) as string;
      expect(clients.trim().split('\n')).toHaveLength(1);
      return { urls, results, events, other, ...interrupted };
    } finally {
      for (const worker of workers) {
        if (!worker.gone()) {
          process.kill(-(worker.process.pid as number), 'SIGKILL');
        }
      }
    }
  }

  /** The items a worker completed, in the order their results arrived. */
  const doneBy = (events: readonly TaskEvent[], worker: string) =>
    events.filter((event) => event.worker === worker).map((event) => event.index);

  it('first Ctrl-C: it finishes the page in its hands, takes no other, hands none on, and goes', async () => {
    const run = await pressCtrlCDuringADownload(1);

    expect(diffResults(expectedPages(run.urls), run.results)).toEqual([]);
    // The page in its hands when Ctrl-C came was finished, by it, and it took no page
    // after that: the other worker did every other one.
    expect(doneBy(run.events, run.victim)).toEqual([run.inHand]);
    expect(doneBy(run.events, run.other)).toHaveLength(run.urls.length - 1);
    expect(run.handedOn).toEqual([]);
    // It went as soon as that page was done, while the other worker still had pages to do.
    expect(run.eventsWhenGone).toBeLessThan(run.urls.length);
    // It said it was attached, then that it was leaving, and nothing more.
    expect(run.said.trim().split('\n')).toEqual([
      expect.stringMatching(/^io-distributed worker \S+\/pid \d+ attached to /),
      LEAVING,
    ]);
  }, 60_000);

  it('second Ctrl-C: it goes at once, page unfinished, and the other worker downloads that page', async () => {
    const run = await pressCtrlCDuringADownload(2);

    expect(diffResults(expectedPages(run.urls), run.results)).toEqual([]);
    // It was gone before any page of the first round, its own among them, came back...
    expect(run.eventsWhenGone).toBe(0);
    // ...and completed nothing: its claim on the page ran out, the queue handed that page
    // on, and the other worker downloaded it, as it did every other page.
    expect(doneBy(run.events, run.victim)).toEqual([]);
    expect(run.handedOn).toEqual([run.inHand]);
    expect(doneBy(run.events, run.other)).toHaveLength(run.urls.length);
    // The first Ctrl-C had said it was leaving; the second cut that short.
    expect(run.said).toContain(LEAVING);
  }, 60_000);
});

/** A worker started with the `worker` command, and what it has printed. */
interface Worker {
  readonly process: ChildProcess;
  /** Its label, from the one line it prints once it has attached. */
  readonly label: Promise<string>;
  /** Everything it printed, once it and every process it started are gone. */
  readonly said: Promise<string>;
  saidSoFar(): string;
  /** Whether it and every process it started have exited (its output has closed). */
  gone(): boolean;
}

/**
 * `pnpm --filter @speedup/io-distributed worker --redis <url>`, as someone would type it,
 * in its own process group as a terminal gives it, so Ctrl-C reaches it as from one.
 */
function startWorker(url: string): Worker {
  const child = spawn(
    'pnpm',
    ['--silent', '--filter', '@speedup/io-distributed', 'worker', '--redis', url],
    { cwd: repositoryRoot, detached: true, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  const label = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const found = / worker (\S+\/pid \d+) attached to /.exec(output)?.[1];
      if (found) resolve(found);
    });
    child.once('exit', () => reject(new Error(`the worker exited without attaching: ${output}`)));
  });
  let gone = false;
  const said = once(child, 'close').then(() => {
    gone = true;
    return output;
  });
  return { process: child, label, said, saidSoFar: () => output, gone: () => gone };
}
