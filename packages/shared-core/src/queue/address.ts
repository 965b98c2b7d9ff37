import { isIP } from 'node:net';
import { inspect } from 'node:util';

/**
 * Where the job queue's Redis is, and how a process learns it. The harness and the
 * `worker` command put the settings in the environment; a strategy's set-up and every
 * worker process it starts read them there, as they read the HTTP limits.
 */

/** A Redis the strategy uses instead of starting its own: `redis://` or `rediss://`. */
export const REDIS_URL_VARIABLE = 'SPEEDUP_REDIS_URL';
/** The Redis password, when the URL does not carry one. */
export const REDIS_PASSWORD_VARIABLE = 'SPEEDUP_REDIS_PASSWORD';
/** `1`: use the workers already attached to that Redis instead of starting any. */
export const REMOTE_WORKERS_VARIABLE = 'SPEEDUP_REMOTE_WORKERS';

const HIDDEN = '***';

/** A Redis that cannot be used: its message is one line, and shows no password. */
export class RedisUnreachable extends Error {}

export const REDIS_URL_FORMAT = 'redis://[user:password@]host[:port][/db] or rediss://…';

/**
 * A Redis address whose password never shows: in a template string, in JSON and in
 * `console.log` it reads `redis://:***@host:6379`. Only `connection()` hands the password
 * on, to the client that needs it.
 */
export class RedisAddress {
  readonly #url: URL;
  readonly #password: string | undefined;

  private constructor(url: URL, password: string | undefined) {
    this.#url = url;
    this.#password = password;
  }

  /**
   * Checks `text` is a `redis://` or `rediss://` URL with a host and at most a database
   * number for a path. Throws a `RangeError` whose message never repeats a password.
   * `password` is used when the URL has none.
   */
  static parse(text: string, password = process.env[REDIS_PASSWORD_VARIABLE]): RedisAddress {
    let url: URL;
    try {
      url = new URL(text.trim());
    } catch {
      // The text could not be read as a URL, so its password could not be found and
      // hidden: describe it without repeating it.
      throw new RangeError(`the Redis address is not a URL (write ${REDIS_URL_FORMAT})`);
    }
    const shown = redact(url);
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
      throw new RangeError(`'${shown}' is not a redis:// or rediss:// URL`);
    }
    if (url.hostname === '') throw new RangeError(`'${shown}' names no host`);
    if (!/^\/?(\d+)?$/.test(url.pathname) || url.search !== '' || url.hash !== '') {
      throw new RangeError(
        `'${shown}' may have a database number for a path and nothing else (write ${REDIS_URL_FORMAT})`,
      );
    }
    const fromUrl = url.password === '' ? undefined : decodeURIComponent(url.password);
    return new RedisAddress(url, fromUrl ?? (password || undefined));
  }

  /** The Redis named by `SPEEDUP_REDIS_URL`, if any. */
  static fromEnvironment(): RedisAddress | undefined {
    const text = process.env[REDIS_URL_VARIABLE];
    return text ? RedisAddress.parse(text) : undefined;
  }

  /** A Redis on this machine: one that set-up (or a test) started. */
  static local(port: number, password?: string): RedisAddress {
    return new RedisAddress(new URL(`redis://127.0.0.1:${port}`), password);
  }

  get host(): string {
    return this.#url.hostname.replace(/^\[(.*)\]$/, '$1');
  }

  get port(): number {
    return this.#url.port === '' ? 6379 : Number(this.#url.port);
  }

  get tls(): boolean {
    return this.#url.protocol === 'rediss:';
  }

  /** Options for an ioredis client (and so for BullMQ), password included. */
  connection(): {
    host: string;
    port: number;
    db: number;
    username?: string;
    password?: string;
    tls?: { servername?: string };
  } {
    const db = this.#url.pathname.replace('/', '');
    return {
      host: this.host,
      port: this.port,
      db: db === '' ? 0 : Number(db),
      ...(this.#url.username ? { username: decodeURIComponent(this.#url.username) } : {}),
      ...(this.#password === undefined ? {} : { password: this.#password }),
      // TLS names the server it expects by host name; an IP address is checked against
      // the certificate without one.
      ...(this.tls ? { tls: isIP(this.host) ? {} : { servername: this.host } } : {}),
    };
  }

  /**
   * The environment a process needs to reach this Redis: for a worker process this one
   * starts. The password travels in the environment, never on a command line, where
   * any user of the machine could read it.
   */
  environment(): Record<string, string> {
    const url = new URL(this.#url.href);
    url.password = '';
    return {
      [REDIS_URL_VARIABLE]: url.href,
      ...(this.#password === undefined ? {} : { [REDIS_PASSWORD_VARIABLE]: this.#password }),
    };
  }

  toString(): string {
    if (this.#password === undefined || this.#url.password !== '') return redact(this.#url);
    // A password from the environment shows as one in the URL would: hidden, but there.
    const shown = new URL(this.#url.href);
    shown.password = 'x';
    return redact(shown);
  }

  toJSON(): string {
    return this.toString();
  }

  [inspect.custom](): string {
    return `RedisAddress(${this.toString()})`;
  }
}

function redact(url: URL): string {
  if (url.password === '') return url.href;
  const shown = new URL(url.href);
  shown.password = HIDDEN;
  return shown.href.replace(encodeURIComponent(HIDDEN), HIDDEN);
}
