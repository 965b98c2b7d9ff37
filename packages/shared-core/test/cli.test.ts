import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  downloadRanges,
  inRange,
  MAX_TIMER_MS,
  nonNegativeInteger,
  nonNegativeNumber,
  oneOf,
  positiveInteger,
  rangeText,
  siteUrls,
} from '../src/cli.js';
import { crashPage } from '../src/crash.js';
import { redactCredentials } from '../src/redact.js';

describe('argument checks', () => {
  it('accepts positive whole numbers only', () => {
    expect(positiveInteger('5')).toBe(5);
    for (const bad of ['0', '-1', '1.5', 'x', '', '1e3', '5 workers']) {
      expect(() => positiveInteger(bad), bad).toThrow(InvalidArgumentError);
    }
  });

  it('accepts 0 where 0 makes sense', () => {
    expect(nonNegativeInteger('0')).toBe(0);
    expect(() => nonNegativeInteger('-1')).toThrow(InvalidArgumentError);
    expect(nonNegativeNumber('2.5')).toBe(2.5);
    expect(() => nonNegativeNumber('-0.1')).toThrow(InvalidArgumentError);
    expect(() => nonNegativeNumber('')).toThrow(InvalidArgumentError);
  });

  it('accepts only http and https URLs as sites, never a local file', () => {
    expect(siteUrls('http://example.com, https://example.org/x')).toEqual([
      'http://example.com/',
      'https://example.org/x',
    ]);
    expect(() => siteUrls('file:///etc/passwd')).toThrow(/not an http or https URL/);
    expect(() => siteUrls('ftp://example.com/')).toThrow(/not an http or https URL/);
    // The conformance suite's crash pages kill the worker downloading them: never a site.
    expect(() => siteUrls(crashPage('kill'))).toThrow(/not an http or https URL/);
    expect(() => siteUrls('/etc/passwd')).toThrow(/not a valid URL/);
    expect(() => siteUrls('http//broken')).toThrow(/not a valid URL/);
    expect(() => siteUrls(' , ')).toThrow(/empty/);
  });

  it('names the unknown values of a choice', () => {
    const jobs = oneOf(['fib', 'download']);
    expect(jobs('fib,download')).toEqual(['fib', 'download']);
    expect(() => jobs('fib,nope')).toThrow("unknown 'nope' (choose from fib, download)");
  });
});

describe('ranges', () => {
  it('accepts what lies in a range and names the range otherwise', () => {
    const pages = inRange(downloadRanges.pages);
    expect(pages('1')).toBe(1);
    expect(pages('100000')).toBe(100_000);
    for (const bad of ['0', '100001', '99999999', '1.5', 'x', '']) {
      expect(() => pages(bad), bad).toThrow(`'${bad}' is not a whole number from 1 to 100,000.`);
    }
    const timeout = inRange(downloadRanges.timeout);
    expect(timeout('0.5')).toBe(0.5);
    expect(timeout(String(MAX_TIMER_MS))).toBe(MAX_TIMER_MS);
    expect(() => timeout('0')).toThrow("'0' is not a number above 0, up to 2,147,483,647.");
    expect(() => timeout(String(MAX_TIMER_MS + 1))).toThrow(InvalidArgumentError);
  });

  it('keeps the latency and its jitter within one timer together', () => {
    expect(downloadRanges.latency.max + downloadRanges.jitter.max).toBeLessThanOrEqual(
      MAX_TIMER_MS,
    );
    expect(rangeText(downloadRanges.latency)).toBe('0 to 1,073,741,823');
  });
});

describe('passwords in URLs', () => {
  it('are hidden wherever a URL appears in text, the user name kept', () => {
    expect(redactCredentials('http://alice:s3cr3t@host/x')).toBe('http://alice:***@host/x');
    expect(redactCredentials("'http://alice:s3@cr3t@host/ y' is not")).toBe(
      "'http://alice:***@host/ y' is not",
    );
    expect(redactCredentials('url=http://a:b@127.0.0.1:80/, https://c:d%40e@f/g')).toBe(
      'url=http://a:***@127.0.0.1:80/, https://c:***@f/g',
    );
    for (const plain of ['http://127.0.0.1:41234/', 'https://alice@host/', 'http://h:80/a@b']) {
      expect(redactCredentials(plain)).toBe(plain);
    }
  });

  it('are hidden in the errors of a bad site list', () => {
    expect(() => siteUrls('http://alice:s3cr3t@ho st/')).toThrow(
      "'http://alice:***@ho st/' is not a valid URL.",
    );
  });
});
