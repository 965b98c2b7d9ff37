import { readFileSync } from 'node:fs';
import { type Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_LATENCY_MS, DEFAULT_PAGES } from './jobs.js';
import { DEFAULT_HTTP_LIMITS, type HttpLimits } from './limits.js';
import { RedisAddress } from './queue/address.js';

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

/** One http or https URL; a path or `file:` URL would make the download read local files. */
function siteUrl(item: string): string {
  let url: URL;
  try {
    url = new URL(item);
  } catch {
    throw new InvalidArgumentError(`'${item}' is not a valid URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError(`'${item}' is not an http or https URL.`);
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
  readonly maxBytes?: number;
}

/** The options of the download job, the same for `pnpm bench` and every I/O strategy's `start`. */
export function addDownloadOptions(program: Command): Command {
  return program
    .option(
      '--latency <ms>',
      'delay of every response from the local server',
      nonNegativeNumber,
      DEFAULT_LATENCY_MS,
    )
    .option(
      '--jitter <ms>',
      'up to this much more delay per response, drawn from a fixed seed',
      nonNegativeNumber,
      0,
    )
    .option(
      '--pages <n>',
      'pages in the download job, alternating the sites',
      positiveInteger,
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
      `time to connect (default ${DEFAULT_HTTP_LIMITS.connectTimeout})`,
      positiveNumber,
    )
    .option(
      '--headers-timeout <ms>',
      `time to the response head (default ${DEFAULT_HTTP_LIMITS.headersTimeout})`,
      positiveNumber,
    )
    .option(
      '--body-timeout <ms>',
      `time between two body chunks (default ${DEFAULT_HTTP_LIMITS.bodyTimeout})`,
      positiveNumber,
    )
    .option(
      '--max-bytes <n>',
      `largest body accepted (default ${DEFAULT_HTTP_LIMITS.maxBytes})`,
      positiveInteger,
    );
}

/** The download limits the flags set; the rest keep their defaults. */
export function limitsFrom(flags: DownloadFlags): Partial<HttpLimits> {
  const { connectTimeout, headersTimeout, bodyTimeout, maxBytes } = flags;
  return Object.fromEntries(
    Object.entries({ connectTimeout, headersTimeout, bodyTimeout, maxBytes }).filter(
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
    outputError: (message, write) => write(message.split('\n')[0]?.concat('\n') ?? message),
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
  process.stderr.write(`error: ${message}\n`);
  process.exit(USAGE_ERROR_EXIT_CODE);
}
