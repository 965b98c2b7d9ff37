/**
 * Passwords in URLs, kept out of everything a run prints or writes. A site given as
 * `http://alice:s3cr3t@host/` is downloaded with its credentials, and shown everywhere as
 * `http://alice:***@host/`: tables, reports and exports are what people attach to a CI run.
 */

const HIDDEN = '***';

/**
 * `scheme://user:` followed by a password up to the last `@` of the authority. Greedy up
 * to that `@`, so a password the user typed with an `@` in it (not yet percent-encoded) is
 * hidden whole.
 */
const CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/[^\s/?#:@]*:)[^\s/?#]*@/gi;

/** `text` with the password of every URL in it replaced by `***`. */
export function redactCredentials(text: string): string {
  return text.replace(CREDENTIALS, `$1${HIDDEN}@`);
}

/** A URL as it may be shown: its password, if it has one, replaced by `***`. */
export function redactUrl(url: string): string {
  return redactCredentials(url);
}
