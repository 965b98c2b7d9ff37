import { createSession, type HttpSession } from '@speedup/shared-core';
import { AsyncMutex } from './async-mutex.js';

/**
 * A race with no threads at all. Many tasks on one event loop share one lazily created
 * session, written the obvious way:
 *
 *   if (session === undefined) session = await createSession();
 *
 * The check and the act are two steps with an `await` between them. Nothing pre-empts
 * anybody: each task gives way exactly where it says `await`, as cooperative
 * multitasking promises. But while the first task waits for its session, every other
 * task runs its check, still sees `undefined`, and creates a session of its own.
 *
 * Here the tasks all start in the same tick, so the race is lost every time. In a real
 * program they start whenever requests arrive, so it is lost only sometimes: the kind
 * of bug that passes every test.
 */

/** How the tasks get the session they share. Each call of a factory below starts from no session. */
export type SharedSession = () => Promise<HttpSession>;

/** The race: check, await, then act on what the check saw. */
export function checkThenCreate(): SharedSession {
  let session: HttpSession | undefined;
  return async () => {
    if (session === undefined) {
      // Every task that checked before this line finished is here too, creating its own.
      session = await createSession();
    }
    return session;
  };
}

/** Fix 1: the same check and act, but one task at a time from check to act. */
export function checkThenCreateUnderLock(): SharedSession {
  let session: HttpSession | undefined;
  const mutex = new AsyncMutex();
  return () =>
    mutex.runExclusive(async () => {
      if (session === undefined) session = await createSession();
      return session;
    });
}

/**
 * Fix 2: keep the promise of the session, not the session. Checking and storing the
 * promise happen in one synchronous step, with no `await` between them, so no other
 * task can come in between; later tasks get the same promise, pending or not. This is
 * exactly what `sessionForThisWorker` in shared-core's session.ts does.
 */
export function holdThePromise(): SharedSession {
  let session: Promise<HttpSession> | undefined;
  return () => {
    session ??= createSession();
    return session;
  };
}

/**
 * Starts `tasks` tasks at once, each asking for the shared session, and counts the
 * different sessions they were given: 1 if nothing raced. Closes them all.
 */
export async function sessionsGivenOut(sharedSession: SharedSession, tasks = 10): Promise<number> {
  const sessions = new Set(await Promise.all(Array.from({ length: tasks }, () => sharedSession())));
  await Promise.all([...sessions].map((session) => session.close()));
  return sessions.size;
}
