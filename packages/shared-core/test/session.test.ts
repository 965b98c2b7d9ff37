import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { createSession } from '../src/index.js';

describe('a session and threads', () => {
  // Settles what io-threading's and shared-core's READMEs say: a dispatcher cannot be
  // handed to another thread. postMessage does not refuse it (no DataCloneError): the
  // structured clone copies its own plain fields and drops everything that makes it a
  // session, its methods and its connections.
  it('arrives in a worker as a plain copy of its fields, with no methods and no connections', async () => {
    const session = await createSession();
    const worker = new Worker(
      `const { parentPort } = require('node:worker_threads');
       parentPort.once('message', (copy) => parentPort.postMessage({
         prototype: Object.getPrototypeOf(copy) === Object.prototype ? 'Object' : 'other',
         fields: Object.keys(copy).length,
         request: typeof copy.request,
         dispatch: typeof copy.dispatch,
         close: typeof copy.close,
       }));`,
      { eval: true },
    );
    try {
      const answered = once(worker, 'message');
      expect(() => worker.postMessage(session)).not.toThrow();
      const [arrived] = (await answered) as [Record<string, unknown>];
      expect(arrived).toMatchObject({
        prototype: 'Object',
        request: 'undefined',
        dispatch: 'undefined',
        close: 'undefined',
      });
      expect(typeof session.dispatch).toBe('function');
    } finally {
      await worker.terminate();
      await session.close();
    }
  });
});
