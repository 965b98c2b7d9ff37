import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bench, benchHyperfine, runsOnly } from './run-cli.js';

const hasHyperfine = !spawnSync('hyperfine', ['--version']).error;
const skip = process.env.SPEEDUP_SKIP_HYPERFINE === '1';
const dir = mkdtempSync(join(tmpdir(), 'speedup-hyperfine-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Results = { results: Record<string, unknown>[] };
const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Results;

function requireHyperfine(): void {
  if (!hasHyperfine) {
    throw new Error(
      'hyperfine is not installed: run `pnpm setup:tools` (Debian), or set SPEEDUP_SKIP_HYPERFINE=1 to skip these tests knowingly',
    );
  }
}

describe.skipIf(skip)('hyperfine', () => {
  it('times a strategy’s standalone start as a whole process', () => {
    requireHyperfine();
    const file = join(dir, 'start.json');
    const run = benchHyperfine([
      '--only',
      'cpu-sync',
      '--job',
      'sum-of-squares',
      '--runs',
      '2',
      '--warmup',
      '0',
      '--export-json',
      file,
    ]);
    expect(run.status, run.stderr).toBe(0);
    const [record] = read(file).results;
    expect(record?.command).toBe('cpu-sync sum-of-squares');
    expect(record?.times).toHaveLength(2);
  });

  it('reads pnpm bench’s --export-json as its own: every field of its records, with the same types', () => {
    requireHyperfine();
    const theirs = join(dir, 'theirs.json');
    const ours = join(dir, 'ours.json');
    expect(spawnSync('hyperfine', ['--runs', '2', '--export-json', theirs, 'true']).status).toBe(0);
    const exported = bench([
      '--only',
      'cpu-sync',
      '--job',
      'sum-of-squares',
      ...runsOnly(2),
      '--export-json',
      ours,
    ]);
    expect(exported.status, exported.stderr).toBe(0);
    const [reference] = read(theirs).results;
    const [record] = read(ours).results;
    const typeOf = (value: unknown) =>
      Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
    for (const [field, value] of Object.entries(reference ?? {})) {
      expect(record, field).toHaveProperty(field);
      expect(typeOf(record?.[field]), field).toBe(typeOf(value));
    }
  });
});

describe('hyperfine missing', () => {
  it('says how to install it, and exits non-zero', () => {
    const run = benchHyperfine(['--only', 'cpu-sync'], { env: { ...process.env, PATH: dir } });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /^error: hyperfine is not installed: on Debian or Ubuntu run `sudo apt-get install hyperfine`/,
    );
  });
});
