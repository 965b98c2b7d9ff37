import { spawnSync } from 'node:child_process';
import { accessSync, constants, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Which Python runs the article's programs, chosen in one place for the harness's
 * `--python` check, its header and every measuring process. Machines often have more
 * than one `python3`, a version manager's shim ahead of the system's on PATH, and the
 * shim's may lack the modules the programs import.
 */

export interface Python {
  /** The interpreter's path, as found on PATH or as `SPEEDUP_PYTHON` names it. */
  readonly interpreter: string;
  /** `3.11.2`. */
  readonly version: string;
}

/** Names the interpreter to use, overriding the search. */
export const PYTHON_VARIABLE = 'SPEEDUP_PYTHON';

/** The system's interpreter, where Debian's python3-requests and python3-aiohttp install to. */
const SYSTEM_PYTHON = '/usr/bin/python3';
const MODULES = ['requests', 'aiohttp'];
/** `asyncio.timeout`, which the programs' shared module uses, came in 3.11. */
const OLDEST: readonly [number, number] = [3, 11];

/** The folder of `speedup.py`, the module every Python program imports. */
export const pythonModules = fileURLToPath(new URL('../../python/', import.meta.url));

/** Says what is missing, in one line, and how to install it. */
export class PythonMissing extends Error {}

interface Probe {
  readonly version?: string;
  readonly problem?: string;
}

const PROBE = `import importlib.util, json, sys
print(json.dumps({"version": "%d.%d.%d" % sys.version_info[:3],
  "missing": [m for m in ${JSON.stringify(MODULES)} if importlib.util.find_spec(m) is None]}))`;

/** What `interpreter` lacks, if anything; `label` names it in the answer. */
function probe(interpreter: string, label = interpreter): Probe {
  const run = spawnSync(interpreter, ['-c', PROBE], { encoding: 'utf8', timeout: 30_000 });
  if (run.error || run.status !== 0) {
    return { problem: `${label} does not run (${run.error?.message ?? run.stderr.trim()})` };
  }
  const { version, missing } = JSON.parse(run.stdout) as { version: string; missing: string[] };
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major < OLDEST[0] || (major === OLDEST[0] && minor < OLDEST[1])) {
    return { version, problem: `${label} is Python ${version}` };
  }
  if (missing.length > 0) {
    return {
      version,
      problem: `${label} (Python ${version}) has no ${missing.join(' and ')}`,
    };
  }
  return { version };
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** Every `python3` on PATH, in order, then the system's, each file once. */
function candidatesOnPath(path: string): string[] {
  const onPath = path
    .split(delimiter)
    .filter((dir) => dir !== '')
    .map((dir) => join(dir, 'python3'))
    .filter(executable);
  const byFile = new Map<string, string>();
  for (const candidate of [...onPath, SYSTEM_PYTHON]) {
    const file = realPath(candidate);
    if (!byFile.has(file)) byFile.set(file, candidate);
  }
  return [...byFile.values()];
}

const found = new Map<string, Python | PythonMissing>();

/**
 * The interpreter that `SPEEDUP_PYTHON` names, else the first `python3` on PATH that has
 * requests and aiohttp, else `/usr/bin/python3`, with its version. Throws a
 * `PythonMissing` whose message names what is missing and the command that installs it.
 * Asks each interpreter once per process.
 */
export function findPython(env: NodeJS.ProcessEnv = process.env): Python {
  const key = `${env[PYTHON_VARIABLE] ?? ''}\n${env.PATH ?? ''}`;
  let answer = found.get(key);
  if (!answer) {
    answer = search(env);
    found.set(key, answer);
  }
  if (answer instanceof PythonMissing) throw answer;
  return answer;
}

function search(env: NodeJS.ProcessEnv): Python | PythonMissing {
  const named = env[PYTHON_VARIABLE];
  const candidates = named ? [named] : candidatesOnPath(env.PATH ?? '');
  const problems: string[] = [];
  for (const interpreter of candidates) {
    const { version, problem } = probe(
      interpreter,
      named ? `${PYTHON_VARIABLE}=${named}` : interpreter,
    );
    if (version && !problem) return { interpreter, version };
    if (problem) problems.push(problem);
  }
  return new PythonMissing(
    `the Python strategies need python3 ${OLDEST.join('.')} or later with ${MODULES.join(' and ')}, but ${problems.join(', and ')}; install them with \`pnpm setup:tools\` (Debian's python3, python3-requests, python3-aiohttp), or set ${PYTHON_VARIABLE} to an interpreter that has them`,
  );
}
