/**
 * How long a download may take and how big it may get. Every session of a process uses
 * the same limits: the defaults below, overridden by the `SPEEDUP_HTTP_LIMITS`
 * environment variable (JSON). Worker threads and child processes inherit the
 * environment, so a limit set once, before a strategy is set up, reaches every worker
 * without any strategy having to pass it along.
 */
export interface HttpLimits {
  /** Milliseconds to open a TCP connection. */
  readonly connectTimeout: number;
  /** Milliseconds from sending a request to receiving the whole response head. */
  readonly headersTimeout: number;
  /** Milliseconds allowed between two chunks of the body. */
  readonly bodyTimeout: number;
  /** Largest body accepted, in bytes, counted as it arrives. */
  readonly maxBytes: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  connectTimeout: 10_000,
  headersTimeout: 30_000,
  bodyTimeout: 30_000,
  maxBytes: 10 * 1024 * 1024,
};

export const HTTP_LIMITS_VARIABLE = 'SPEEDUP_HTTP_LIMITS';

// Every download asks for the limits: parse the variable once per value, not per page.
let parsed: { readonly text: string; readonly limits: HttpLimits } | undefined;

/** The limits in force in this process. */
export function httpLimits(): HttpLimits {
  const text = process.env[HTTP_LIMITS_VARIABLE];
  if (!text) return DEFAULT_HTTP_LIMITS;
  if (parsed?.text !== text) {
    const overrides = JSON.parse(text) as Partial<HttpLimits>;
    parsed = { text, limits: { ...DEFAULT_HTTP_LIMITS, ...overrides } };
  }
  return parsed.limits;
}

/** Sets the limits for this process and every worker it starts from now on. */
export function setHttpLimits(limits: Partial<HttpLimits>): void {
  process.env[HTTP_LIMITS_VARIABLE] = JSON.stringify({ ...httpLimits(), ...limits });
}
