import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { delimiter } from 'node:path';
import { createInterface } from 'node:readline';
import { HTTP_LIMITS_VARIABLE, httpLimits } from '../limits.js';
import { defineStrategy, type Strategy } from '../strategy.js';
import type {
  CpuInput,
  CpuResult,
  IoInput,
  PageResult,
  Result,
  Runner,
  RunOptions,
  SetupOptions,
  TaskEvent,
} from '../types.js';
import { findPython, pythonModules } from './python.js';
import type { StrategyPackage } from './strategy-package.js';

/**
 * A strategy that is not a Node module: a program, in any language, that the harness
 * runs as a command and talks to in JSON lines. Set-up starts the program and waits for
 * it to say it is ready; each run writes the input to its stdin and reads task events
 * and results from its stdout; closing ends its stdin and waits for it to exit. The
 * protocol is in CONTRIBUTING.md, "A strategy in another language".
 *
 *   harness                                   program
 *     spawn (SPEEDUP_SETUP, SPEEDUP_HTTP_LIMITS) ──▶ starts its pools
 *                                          ◀── {"type":"ready","concurrency":5}
 *     {"job":"download","items":[…]} ──────▶
 *                                          ◀── {"type":"task","index":3,…}   × items
 *                                          ◀── {"type":"results","results":[…]}
 *     end of stdin ──────────────────────▶ closes its pools, exits
 *
 * The program leads a process group of its own, so an abort (or a program that does not
 * exit) ends it and every process it started with one kill.
 */

/** How long a program gets to exit after its stdin closes before it is killed. */
const CLOSE_GRACE_MS = 5_000;
/** Lines of the program's stderr quoted when it dies. */
const STDERR_LINES_KEPT = 3;

/** Set-up options, as JSON, in the program's environment. */
export const SETUP_VARIABLE = 'SPEEDUP_SETUP';

type Message =
  | { readonly type: 'ready'; readonly concurrency: number }
  | ({ readonly type: 'task' } & TaskEvent)
  | { readonly type: 'results'; readonly results: Result[] };

function isMessage(value: unknown): value is Message {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as Record<string, unknown>;
  switch (message.type) {
    case 'ready':
      return typeof message.concurrency === 'number';
    case 'task':
      return (
        typeof message.index === 'number' &&
        typeof message.worker === 'string' &&
        typeof message.start === 'number' &&
        typeof message.end === 'number'
      );
    case 'results':
      return Array.isArray(message.results);
    default:
      return false;
  }
}

interface Waiting {
  readonly type: 'ready' | 'results';
  readonly resolve: (message: Message) => void;
  readonly reject: (reason: unknown) => void;
  readonly onTask?: (event: TaskEvent) => void;
}

interface Command {
  readonly program: string;
  readonly args: readonly string[];
  /** What the program's language needs in its environment. */
  readonly env: Readonly<Record<string, string>>;
}

/** The command to run: a first word `python3` runs on the interpreter `findPython` picks. */
function commandOf(command: readonly string[]): Command {
  const [program = '', ...args] = command;
  if (program !== 'python3') return { program, args, env: {} };
  const pythonPath = [pythonModules, process.env.PYTHONPATH].filter(Boolean).join(delimiter);
  return {
    program: findPython().interpreter,
    args,
    // No __pycache__ folders in the packages: the programs are run, never installed.
    env: { PYTHONPATH: pythonPath, PYTHONDONTWRITEBYTECODE: '1' },
  };
}

class ExternalProgram<Input extends IoInput | CpuInput, R extends Result>
  implements Runner<Input, R>
{
  readonly #name: string;
  readonly #child: ChildProcessWithoutNullStreams;
  /** Resolves once the program has exited and its output is read to the end. */
  readonly #closed: Promise<void>;
  readonly #stderr: string[] = [];
  #waiting: Waiting | undefined;
  #ended: string | undefined;
  concurrency = 1;

  private constructor(name: string, dir: string, command: Command, setup: SetupOptions) {
    this.#name = name;
    const { program, args, env } = command;
    this.#child = spawn(program, args, {
      cwd: dir,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: {
        ...process.env,
        ...env,
        [SETUP_VARIABLE]: JSON.stringify(setup),
        [HTTP_LIMITS_VARIABLE]: JSON.stringify(httpLimits()),
      },
    });
    // A program that died cannot read: its exit says why, not the broken pipe.
    this.#child.stdin.on('error', () => {});
    createInterface({ input: this.#child.stdout }).on('line', (line) => this.#receive(line));
    createInterface({ input: this.#child.stderr }).on('line', (line) => {
      process.stderr.write(`${line}\n`);
      this.#stderr.push(line);
      if (this.#stderr.length > STDERR_LINES_KEPT) this.#stderr.shift();
    });
    this.#child.on('error', (error) => this.#end(`could not start ${program} (${error.message})`));
    this.#child.on('exit', (code, signal) => {
      this.#end(signal ? `was killed by ${signal}` : `exited with code ${code}`);
      // Its pool's processes, if it left any, are of no use without it.
      this.#killGroup();
    });
    this.#closed = new Promise((resolve) => this.#child.on('close', () => resolve()));
    void this.#closed.then(() => this.#reject(this.#failure()));
  }

  /** Starts the program and resolves once it says it is ready. */
  static async start<Input extends IoInput | CpuInput, R extends Result>(
    pkg: StrategyPackage,
    command: Command,
    setup: SetupOptions,
  ): Promise<ExternalProgram<Input, R>> {
    const program = new ExternalProgram<Input, R>(pkg.name, pkg.dir, command, setup);
    try {
      const ready = await program.#ask('ready');
      if (ready.type === 'ready') program.concurrency = ready.concurrency;
      return program;
    } catch (error) {
      await program.close();
      throw error;
    }
  }

  async run(input: Input, { signal, onTask }: RunOptions): Promise<R[]> {
    signal.throwIfAborted();
    const stop = () => {
      this.#killGroup();
      this.#reject(signal.reason);
    };
    signal.addEventListener('abort', stop, { once: true });
    try {
      const answer = await this.#ask('results', onTask, JSON.stringify(input));
      return answer.type === 'results' ? (answer.results as R[]) : [];
    } finally {
      signal.removeEventListener('abort', stop);
    }
  }

  async close(): Promise<void> {
    this.#child.stdin.end();
    const timer = setTimeout(() => this.#killGroup(), CLOSE_GRACE_MS);
    await this.#closed;
    clearTimeout(timer);
    // Anything the program started and left behind.
    this.#killGroup();
  }

  #ask(type: Waiting['type'], onTask?: Waiting['onTask'], line?: string): Promise<Message> {
    if (this.#ended !== undefined) return Promise.reject(this.#failure());
    if (this.#waiting) {
      return Promise.reject(new Error(`${this.#name}: runs one input at a time`));
    }
    return new Promise((resolve, reject) => {
      this.#waiting = { type, resolve, reject, onTask };
      if (line !== undefined) this.#child.stdin.write(`${line}\n`);
    });
  }

  #receive(line: string): void {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      message = undefined;
    }
    // A stray print is shown, not taken for the protocol.
    if (!isMessage(message)) {
      process.stderr.write(`${line}\n`);
      return;
    }
    const waiting = this.#waiting;
    if (message.type === 'task') {
      const { index, worker, start, end } = message;
      waiting?.onTask?.({ index, worker, start, end });
    } else if (waiting?.type === message.type) {
      this.#waiting = undefined;
      waiting.resolve(message);
    }
  }

  #reject(reason: unknown): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.reject(reason);
  }

  #end(why: string): void {
    this.#ended ??= why;
  }

  #failure(): Error {
    const said = this.#stderr.length > 0 ? `: ${this.#stderr.join(' / ')}` : '';
    return new Error(`${this.#name}: its program ${this.#ended ?? 'ended'}${said}`);
  }

  #killGroup(): void {
    const { pid } = this.#child;
    if (pid === undefined) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Nothing left in the group.
    }
  }
}

/**
 * The strategy of a package that declares a `command`: see `ExternalProgram`. The
 * command's interpreter is found now, so that set-up times only the program's start.
 */
export function externalStrategy(
  pkg: StrategyPackage & { readonly command: readonly string[] },
): Strategy {
  const { name, model } = pkg;
  const command = commandOf(pkg.command);
  return pkg.workload === 'io'
    ? defineStrategy({
        name,
        workload: 'io',
        model,
        setup: (options) => ExternalProgram.start<IoInput, PageResult>(pkg, command, options),
      })
    : defineStrategy({
        name,
        workload: 'cpu',
        model,
        setup: (options) => ExternalProgram.start<CpuInput, CpuResult>(pkg, command, options),
      });
}
