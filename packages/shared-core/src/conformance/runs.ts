import { type LatencyOptions, type SiteServer, startSiteServer } from '@speedup/site-server';
import { afterAll, beforeAll } from 'vitest';
import { runOptions } from '../strategy.js';
import type { Runner, RunOptions, SetupOptions, TaskEvent } from '../types.js';

/** How the tests reach the strategy under test: loaded once, on first use. */
export type Load<S> = () => Promise<S>;

/** Runs `input` on a fresh runner, collecting task events, and closes it. */
export async function runCollecting<Input, Result>(
  strategy: { setup(options: SetupOptions): Promise<Runner<Input, Result>> },
  setup: SetupOptions,
  input: Input,
  options: Partial<RunOptions> = {},
): Promise<{ results: Result[]; events: TaskEvent[] }> {
  const events: TaskEvent[] = [];
  const runner = await strategy.setup(setup);
  try {
    const results = await runner.run(
      input,
      runOptions({
        signal: options.signal,
        onTask: (event) => {
          events.push(event);
          options.onTask?.(event);
        },
      }),
    );
    return { results, events };
  } finally {
    await runner.close();
  }
}

/** A local site server for the tests of the enclosing `describe`: started before them, closed after. */
export function siteServerDuringTests(latency: LatencyOptions): () => SiteServer {
  let server: SiteServer | undefined;
  beforeAll(async () => {
    server = await startSiteServer(latency);
  });
  afterAll(async () => {
    await server?.close();
  });
  return () => {
    if (!server) throw new Error('the site server is reached before its tests start');
    return server;
  };
}
