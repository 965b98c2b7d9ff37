import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  nonNegativeInteger,
  nonNegativeNumber,
  oneOf,
  positiveInteger,
  siteUrls,
} from '../src/cli.js';
import { crashPage } from '../src/crash.js';

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
