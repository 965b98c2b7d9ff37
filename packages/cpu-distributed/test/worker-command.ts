import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/**
 * Workers started the way someone would on another machine, with the `worker` command,
 * for the tests that need them (workers.test.ts, ctrl-c.test.ts).
 */

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** fib(n) by iteration: an answer that owes nothing to the code under test. */
export function fib(n: number): string {
  let [a, b] = [0n, 1n];
  for (let i = 0; i < n; i++) [a, b] = [b, a + b];
  return String(a);
}

/** `pnpm --filter @speedup/cpu-distributed worker --redis <url>`, as someone would type it. */
export function startWorkerCommand(url: string): ChildProcess {
  // In its own process group, as a terminal gives it, so Ctrl-C reaches it as from one.
  return spawn(
    'pnpm',
    ['--silent', '--filter', '@speedup/cpu-distributed', 'worker', '--redis', url],
    {
      cwd: repositoryRoot,
      detached: true,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
}

/** Everything `worker` prints from now until it and every process it started are gone. */
export async function everythingSaid(worker: ChildProcess): Promise<string> {
  let said = '';
  worker.stdout?.on('data', (chunk: Buffer) => {
    said += chunk.toString();
  });
  await once(worker, 'close');
  return said;
}

/** The worker's label, from the one line it prints once it has attached. */
export async function attachedLabel(worker: ChildProcess): Promise<string> {
  let said = '';
  const stdout = worker.stdout as NodeJS.ReadableStream;
  return new Promise((resolve, reject) => {
    const listen = (chunk: Buffer) => {
      said += chunk.toString();
      const label = / worker (\S+\/pid \d+) attached to /.exec(said)?.[1];
      if (label) {
        stdout.off('data', listen);
        resolve(label);
      }
    };
    stdout.on('data', listen);
    worker.once('exit', () => reject(new Error(`the worker exited without attaching: ${said}`)));
  });
}
