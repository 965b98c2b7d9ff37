/**
 * One `abort` listener per signal, however many tasks wait on it. A run hands every
 * download the run's one signal; had each added its own listener, each add and remove
 * would walk the signal's list of listeners (EventTarget checks every add for a
 * duplicate), and with 160 pages in flight that came to several microseconds a page,
 * a tenth of what a page costs io-asyncio. Here a page joins a set instead.
 */

const waiting = new WeakMap<AbortSignal, Set<() => void>>();

/** Calls `listener` once if `signal` aborts; the returned function stops listening. */
export function onAbort(signal: AbortSignal, listener: () => void): () => void {
  let listeners = waiting.get(signal);
  if (!listeners) {
    const these = new Set<() => void>();
    listeners = these;
    waiting.set(signal, these);
    signal.addEventListener(
      'abort',
      () => {
        waiting.delete(signal);
        for (const each of these) each();
      },
      { once: true },
    );
  }
  listeners.add(listener);
  const joined = listeners;
  return () => {
    joined.delete(listener);
  };
}
