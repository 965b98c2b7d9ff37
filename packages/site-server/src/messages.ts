import type { ServerStats } from './http.js';
import type { LatencyOptions } from './latency.js';

/** Parent to server process. */
export type Command =
  | { type: 'configure'; id: number; latency: LatencyOptions }
  | { type: 'stats'; id: number }
  | { type: 'reset-stats'; id: number };

/** Server process to parent, unprompted. */
export type ServerMessage = { type: 'listening'; ports: number[] };

/** Server process to parent, answering a command. */
export type Reply = { type: 'reply'; id: number; value: ServerStats | null };
