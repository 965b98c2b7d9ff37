import { readFileSync } from 'node:fs';
import { type Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_LATENCY_MS, DEFAULT_PAGES } from './jobs.js';
import { DEFAULT_HTTP_LIMITS, type HttpLimits } from './limits.js';
import { RedisAddress } from './queue/address.js';
import { redactCredentials } from './redact.js';

/**
 * Argument parsing shared by `pnpm bench` and every package's `start`: one parser
 * (commander), one set of checks, one kind of error. Bad input is one line on stderr
 * naming the problem, exit code 2, and nothing started.
 */

export const USAGE_ERROR_EXIT_CODE = 2;

export function positiveInteger(value: string): number {
  const number = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(number) || number < 1) {
    throw new InvalidArgumentError(`'${value}' is not a positive whole number.`);
  }
  return number;
}

export function nonNegativeInteger(value: string): number {
  const number = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(number)) {
    throw new InvalidArgumentError(`'${value}' is not a whole number of 0 or more.`);
  }
  return number;
}

export function nonNegativeNumber(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < 0) {
    throw new InvalidArgumentError(`'${value}' is not a number of 0 or more.`);
  }
  return number;
}

export function positiveNumber(value: string): number {
  const number = nonNegativeNumber(value);
  if (number === 0) throw new InvalidArgumentError(`'${value}' is not a number above 0.`);
  return number;
}

/**
 * How far a numeric option goes: from `min` to `max`, `min` itself excluded when
 * `aboveMin`, whole numbers only when `integer`. Every numeric option has one, stated in
 * its `--help` and checked before anything starts.
 */
export interface Range {
  readonly min: number;
  readonly max: number;
  readonly integer?: boolean;
  readonly aboveMin?: boolean;
}

/**
 * The longest a Node timer can wait, in milliseconds (2³¹ − 1, about 24.8 days): a longer
 * delay fires at once, with a warning. Every timeout and delay option stops here.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** `1 to 100,000`, `above 0, up to 100`: a range as `--help` and error messages state it. */
export function rangeText({ min, max, aboveMin }: Range): string {
  const number = (value: number) => value.toLocaleString('en-US', { maximumFractionDigits: 6 });
  return aboveMin
    ? `above ${number(min)}, up to ${number(max)}`
    : `${number(min)} to ${number(max)}`;
}

/** A parser for a number in `range`, whose error names the range. */
export function inRange(range: Range): (value: string) => number {
  const what = range.integer ? 'a whole number' : 'a number';
  return (value) => {
    const number = Number(value);
    const wellFormed = range.integer
      ? /^\s*\d+\s*$/.test(value) && Number.isSafeInteger(number)
      : value.trim() !== '' && Number.isFinite(number);
    const inside =
      wellFormed &&
      (range.aboveMin ? number > range.min : number >= range.min) &&
      number <= range.max;
    if (!inside) {
      const from = range.aboveMin ? '' : 'from ';
      throw new InvalidArgumentError(`'${value}' is not ${what} ${from}${rangeText(range)}.`);
    }
    return number;
  };
}

/** `description; 1 to 100,000`: what `--help` says of a ranged option. */
export function withRange(description: string, range: Range): string {
  return `${description}; ${rangeText(range)}`;
}

/**
 * The download job's ranges, from what Node and the harness can do:
 * - pages: every page's result record (about 200 bytes) and task events (about 60 bytes
 *   for each of the few runs kept) stay in the harness until the job is done, for every
 *   strategy of the job at once; at 100,000 pages that is about half a gigabyte.
 * - latency and jitter: the local server waits them out with one timer, so together they
 *   stay under the longest timer delay.
 * - timeouts: each is one timer (`MAX_TIMER_MS`).
 * - max-bytes: bytes are counted in a JavaScript number, exact up to 2⁵³ − 1; the body is
 *   hashed as it streams, never held, so no memory limit applies.
 */
export const downloadRanges = {
  pages: { min: 1, max: 100_000, integer: true },
  latency: { min: 0, max: Math.floor(MAX_TIMER_MS / 2) },
  jitter: { min: 0, max: Math.floor(MAX_TIMER_MS / 2) },
  timeout: { min: 0, max: MAX_TIMER_MS, aboveMin: true },
  maxBytes: { min: 1, max: Number.MAX_SAFE_INTEGER, integer: true },
} as const satisfies Record<string, Range>;

/** Comma-separated values, each one of `allowed`. */
export function oneOf<T extends string>(allowed: readonly T[]): (value: string) => T[] {
  return (value) => {
    const items = commaList(value);
    const unknown = items.filter((item) => !allowed.includes(item as T));
    if (unknown.length > 0) {
      throw new InvalidArgumentError(
        `unknown '${unknown.join("', '")}' (choose from ${allowed.join(', ')}).`,
      );
    }
    return items as T[];
  };
}

export function commaList(value: string): string[] {
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (items.length === 0) throw new InvalidArgumentError('the list is empty.');
  return items;
}

/**
 * One http or https URL; a path or `file:` URL would make the download read local files.
 * Errors show the URL with its password hidden, like every other output.
 */
function siteUrl(item: string): string {
  const shown = redactCredentials(item);
  let url: URL;
  try {
    url = new URL(item);
  } catch {
    throw new InvalidArgumentError(`'${shown}' is not a valid URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError(`'${shown}' is not an http or https URL.`);
  }
  return url.href;
}

/** Comma-separated URLs of sites to download from instead of the local server. */
export function siteUrls(value: string): string[] {
  return commaList(value).map(siteUrl);
}

/** The sites listed in a file, one URL per line; blank lines and `#` comments are skipped. */
export function sitesFromFile(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new InvalidArgumentError(`cannot read '${path}' (${reason}).`);
  }
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  if (lines.length === 0) throw new InvalidArgumentError(`'${path}' lists no sites.`);
  return lines.map(siteUrl);
}

/**
 * `--redis <url>`, checked. A bad one is reported here, not by commander, whose message
 * would repeat the argument as given, password and all.
 */
export function redisAddress(value: string): RedisAddress {
  try {
    return RedisAddress.parse(value);
  } catch (error) {
    failUsage(`option '--redis <url>': ${(error as Error).message}`);
  }
}

/** What the download options below parse into. */
export interface DownloadFlags {
  readonly latency: number;
  readonly jitter: number;
  readonly pages: number;
  readonly sites?: string[];
  readonly sitesFile?: string[];
  readonly connectTimeout?: number;
  readonly headersTimeout?: number;
  readonly bodyTimeout?: number;
  readonly pageTimeout?: number;
  readonly maxBytes?: number;
}

const seconds = (ms: number) => `${ms / 1000} s`;

/** The options of the download job, the same for `pnpm bench` and every I/O strategy's `start`. */
export function addDownloadOptions(program: Command): Command {
  const ranges = downloadRanges;
  const timeout = (description: string, fallback: number) =>
    withRange(`${description}, in ms (default ${seconds(fallback)})`, ranges.timeout);
  return program
    .option(
      '--latency <ms>',
      withRange('delay of every response from the local server', ranges.latency),
      inRange(ranges.latency),
      DEFAULT_LATENCY_MS,
    )
    .option(
      '--jitter <ms>',
      withRange('up to this much more delay per response, drawn from a fixed seed', ranges.jitter),
      inRange(ranges.jitter),
      0,
    )
    .option(
      '--pages <n>',
      withRange('pages in the download job, alternating the sites', ranges.pages),
      inRange(ranges.pages),
      DEFAULT_PAGES,
    )
    .option(
      '--sites <urls>',
      'comma-separated http(s) URLs to download instead of the local server',
      siteUrls,
    )
    .addOption(
      new Option('--sites-file <file>', 'a file of http(s) URLs, one per line, to download instead')
        .argParser(sitesFromFile)
        .conflicts('sites'),
    )
    .option(
      '--connect-timeout <ms>',
      timeout('time to connect', DEFAULT_HTTP_LIMITS.connectTimeout),
      inRange(ranges.timeout),
    )
    .option(
      '--headers-timeout <ms>',
      timeout('time to the response head', DEFAULT_HTTP_LIMITS.headersTimeout),
      inRange(ranges.timeout),
    )
    .option(
      '--body-timeout <ms>',
      timeout('time between two body chunks', DEFAULT_HTTP_LIMITS.bodyTimeout),
      inRange(ranges.timeout),
    )
    .option(
      '--page-timeout <ms>',
      timeout(
        'time for a whole page, first connect to last byte, redirects included',
        DEFAULT_HTTP_LIMITS.pageTimeout,
      ),
      inRange(ranges.timeout),
    )
    .option(
      '--max-bytes <n>',
      withRange(
        `largest body accepted, in bytes (default ${DEFAULT_HTTP_LIMITS.maxBytes / 2 ** 20} MiB)`,
        ranges.maxBytes,
      ),
      inRange(ranges.maxBytes),
    );
}

/** The download limits the flags set; the rest keep their defaults. */
export function limitsFrom(flags: DownloadFlags): Partial<HttpLimits> {
  const { connectTimeout, headersTimeout, bodyTimeout, pageTimeout, maxBytes } = flags;
  return Object.fromEntries(
    Object.entries({ connectTimeout, headersTimeout, bodyTimeout, pageTimeout, maxBytes }).filter(
      ([, value]) => value !== undefined,
    ),
  );
}

/**
 * Parses `argv` with `program`. Usage errors print one line and exit with code 2;
 * `--help` prints and exits 0.
 */
export function parseCommandLine(program: Command, argv: readonly string[]): void {
  program.exitOverride().configureOutput({
    outputError: (message, write) =>
      write(redactCredentials(message.split('\n')[0]?.concat('\n') ?? message)),
  });
  // `pnpm start -- --flag` passes the `--` along; it is not meant as "end of options".
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  try {
    program.parse(args, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exit(error.exitCode === 0 ? 0 : USAGE_ERROR_EXIT_CODE);
    }
    throw error;
  }
}

/** Prints a usage error the way commander does and exits with code 2. */
export function failUsage(message: string): never {
  process.stderr.write(`error: ${redactCredentials(message)}\n`);
  process.exit(USAGE_ERROR_EXIT_CODE);
}
