import { fileURLToPath } from 'node:url';
import { parentPort, Worker } from 'node:worker_threads';
import { type TaskPool, untilReady, WORKER_RESOURCE_LIMITS } from './pool.js';
import { type PoolCall, type PoolTasks, taskHandler } from './worker.js';

/**
 * The bare adapter: a pool with no library, `workers` threads of `node:worker_threads`,
 * each sent one call at a time with `postMessage`. It is all a pool must do to meet the
 * `TaskPool` contract: hand a call to a free worker or queue it, answer it, replace a
 * worker that dies and reject what it held, keep a death that came between calls for the
 * next call, stop a call on abort, and end every worker on close. What the libraries add
 * on top (task queues with limits, cancellation of queued tasks, idle timeouts, worker
 * recycling, histograms, `Atomics.wait` between tasks) is in their READMEs and in
 * cpu-threading's.
 */

interface Call {
  readonly message: PoolCall;
  readonly resolve: (answer: readonly unknown[]) => void;
  readonly reject: (error: unknown) => void;
}

/** Starts `workers` threads running `script` (whose last line is `serveOnParentPort(tasks)`), and resolves once all have loaded it. */
export function startBarePool(script: URL, { workers }: { workers: number }): Promise<TaskPool> {
  const file = fileURLToPath(script);
  const everyWorker = new Set<Worker>();
  const idle: Worker[] = [];
  const waiting: Call[] = [];
  const holding = new Map<Worker, Call>();
  /** Workers ended on purpose (an abort, `close`): their exit is no crash. */
  const retired = new WeakSet<Worker>();
  const unreported: Error[] = [];
  let closing = false;

  const send = (worker: Worker, call: Call) => {
    holding.set(worker, call);
    worker.postMessage(call.message);
  };
  const free = (worker: Worker) => {
    const call = waiting.shift();
    if (call) send(worker, call);
    else idle.push(worker);
  };
  const hire = () => {
    const worker = new Worker(file, { resourceLimits: WORKER_RESOURCE_LIMITS });
    everyWorker.add(worker);
    let gone = false;
    // A worker that dies emits `error` (an uncaught exception, out of memory) and then
    // `exit`, or `exit` alone (`process.exit`): the first of them counts.
    const lost = (error: Error) => {
      if (gone) return;
      gone = true;
      everyWorker.delete(worker);
      const call = holding.get(worker);
      holding.delete(worker);
      const at = idle.indexOf(worker);
      if (at >= 0) idle.splice(at, 1);
      if (closing) return;
      if (call) call.reject(error);
      else if (!retired.has(worker)) unreported.push(error);
      hire();
    };
    worker.on('message', (answer: readonly unknown[]) => {
      if (retired.has(worker)) return;
      const call = holding.get(worker);
      holding.delete(worker);
      call?.resolve(answer);
      free(worker);
    });
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`worker thread exited with code ${code}`)));
    // Messages wait in the worker's port until its script listens: it can take calls at once.
    free(worker);
  };
  for (let i = 0; i < workers; i++) hire();

  return untilReady({
    size: workers,
    run: (task, items, signal) =>
      new Promise((resolve, reject) => {
        const earlier = unreported.shift();
        if (earlier) return reject(earlier);
        if (closing) return reject(new Error('the pool is closed'));
        const stop = () => {
          const queued = waiting.indexOf(call);
          if (queued >= 0) waiting.splice(queued, 1);
          for (const [worker, held] of holding) {
            if (held !== call) continue;
            // A thread cannot be interrupted mid-task, only ended; a new one takes its place.
            holding.delete(worker);
            retired.add(worker);
            void worker.terminate();
          }
          reject(signal.reason);
        };
        const settle = () => signal.removeEventListener('abort', stop);
        const call: Call = {
          message: { task, items },
          resolve: (answer) => {
            settle();
            resolve(answer);
          },
          reject: (error) => {
            settle();
            reject(error);
          },
        };
        signal.addEventListener('abort', stop, { once: true });
        const worker = idle.pop();
        if (worker) send(worker, call);
        else waiting.push(call);
      }),
    async close() {
      closing = true;
      for (const call of waiting.splice(0)) call.reject(new Error('the pool is closed'));
      await Promise.all([...everyWorker].map((worker) => worker.terminate()));
    },
  });
}

/** The worker's end: answers each message with its tasks' answer. The whole of a bare worker file is `serveOnParentPort(tasks)`. */
export function serveOnParentPort(tasks: PoolTasks): void {
  const port = parentPort;
  if (!port) throw new Error('serveOnParentPort runs in a worker thread, not on the main thread');
  const handle = taskHandler(tasks);
  port.on('message', async (call: PoolCall) => port.postMessage(await handle(call)));
}
