import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';

/**
 * README.md: "It runs in its own process ... If the parent dies, the server notices the
 * closed IPC channel and exits." The parent here is fixtures/parent-dies/parent.mjs, which
 * starts a site server and never closes it. SIGKILL ends it with no chance to clean up, so
 * only the server itself can notice and go.
 */

const parentProgram = fileURLToPath(new URL('./fixtures/parent-dies/parent.mjs', import.meta.url));

/** The fields of /proc/<pid>/stat after the command name, or nothing once `pid` is gone. */
function procStat(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/**
 * Whether `pid` has exited. An orphan is adopted by PID 1, and some containers' PID 1 never
 * reaps it: it stays a zombie, which `process.kill(pid, 0)` still finds but which runs
 * nothing and holds no sockets.
 */
function hasExited(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return true;
    throw error;
  }
  const state = procStat(pid)?.[0];
  return state === undefined || state === 'Z';
}

/** What the parent program printed: the server's pid and site A's URL. */
async function serverStartedBy(parent: ChildProcess): Promise<{ pid: number; site: string }> {
  if (!parent.stdout) throw new Error('the parent program has no stdout to read');
  for await (const line of createInterface({ input: parent.stdout })) return JSON.parse(line);
  throw new Error('the parent program exited before it printed the site server');
}

describe('a site server whose parent dies', () => {
  let parent: ChildProcess | undefined;
  let serverPid: number | undefined;
  afterEach(() => {
    parent?.kill('SIGKILL');
    if (serverPid !== undefined && !hasExited(serverPid)) process.kill(serverPid, 'SIGKILL');
    parent = undefined;
    serverPid = undefined;
  });

  it('exits by itself when its parent is killed', async () => {
    parent = spawn(process.execPath, [parentProgram], { stdio: ['ignore', 'pipe', 'inherit'] });
    const { pid, site } = await serverStartedBy(parent);
    serverPid = pid;
    expect(procStat(pid)?.[1], 'the site server is a child of the parent program').toBe(
      String(parent.pid),
    );
    const page = await request(site);
    await page.body.dump();
    expect(page.statusCode).toBe(200);

    parent.kill('SIGKILL');
    await once(parent, 'exit');

    await vi.waitFor(
      () => expect(hasExited(pid), `site server ${pid} outlived its parent`).toBe(true),
      { timeout: 10_000, interval: 50 },
    );
  });
});
