import { workersOf } from '@speedup/shared-core';
import type { BenchResult } from '../benchmark/result.js';
import { rowWhere } from './describe-row.js';

/** The model of strategies whose tasks run on a job queue's workers. */
const DISTRIBUTED = 'distributed';

/**
 * A few lines under the tables, when distributed strategies ran: which Redis held their
 * queues (its password hidden) and how many workers took part in each row's median run,
 * of how many attached. A worker that dies is replaced, so more may take part than
 * attached at set-up.
 */
export function distributedNotes(result: BenchResult): string {
  const rows = result.rows.filter((row) => row.model === DISTRIBUTED && row.summary);
  if (rows.length === 0) return '';
  const { redis, remoteWorkers } = result.options;
  const where = redis
    ? `on ${redis}, ${remoteWorkers ? 'taken by the workers waiting there' : 'taken by worker processes started here'}`
    : 'on a redis-server each set-up started on 127.0.0.1, taken by worker processes started here';
  const lines = rows.map((row) => {
    const workers = workersOf(row.events);
    const attached = row.concurrency === undefined ? '' : ` of ${row.concurrency}`;
    return `  ${rowWhere(row, result.sweep)}: ${workers.length}${attached} workers took part (${workers.join(', ')})`;
  });
  return [`Distributed: jobs queued ${where}.`, ...lines].join('\n');
}
