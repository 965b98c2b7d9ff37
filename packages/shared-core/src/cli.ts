import { type Command, CommanderError, InvalidArgumentError } from 'commander';

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

/**
 * URLs of sites to download from instead of the local server. Only absolute http and
 * https URLs: a path or `file:` URL would make the download read local files.
 */
export function siteUrls(value: string): string[] {
  return commaList(value).map((item) => {
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
  });
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
