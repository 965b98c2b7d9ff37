/**
 * `pnpm docs:update`: rewrites every marked section of the docs and every chart under
 * docs/charts/ from docs/results/results.json. `--check` writes nothing and exits 1
 * naming each file that differs from what it would write.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHARTS_FOLDER, chartPath, charts } from './charts.js';
import { rewrite } from './markers.js';
import { block, value } from './render.js';
import { RESULTS_FILE, type Results, readResults } from './results.js';

/** The docs, from the repository root: every Markdown file a reader is sent to. */
export function documents(root: string): string[] {
  const inFolders = (parent: string) =>
    existsSync(join(root, parent))
      ? readdirSync(join(root, parent))
          .map((folder) => `${parent}/${folder}/README.md`)
          .filter((file) => existsSync(join(root, file)))
      : [];
  const docs = existsSync(join(root, 'docs'))
    ? readdirSync(join(root, 'docs'))
        .filter((file) => file.endsWith('.md'))
        .map((file) => `docs/${file}`)
    : [];
  return ['README.md', 'CONTRIBUTING.md', ...docs, ...inFolders('packages'), ...inFolders('apps')];
}

/**
 * The document as `pnpm format` leaves it (biome aligns Markdown tables), so that
 * `docs:update` and `pnpm format` agree on every byte.
 */
function formatted(root: string, file: string, markdown: string): string {
  return execFileSync(
    join(root, 'node_modules/.bin/biome'),
    ['format', `--stdin-file-path=${file}`],
    {
      cwd: root,
      input: markdown,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
}

/** Every file `docs:update` writes, and what it writes in it, from the repository root. */
export function expectedFiles(
  root: string,
  results: Results = readResults(join(root, RESULTS_FILE)),
): Map<string, string> {
  const files = new Map<string, string>();
  for (const file of documents(root)) {
    const markdown = readFileSync(join(root, file), 'utf8');
    const inFile =
      <T>(render: (name: string) => T) =>
      (name: string): T => {
        try {
          return render(name);
        } catch (error) {
          throw new Error(`${file}: ${name}: ${(error as Error).message}`);
        }
      };
    const written = rewrite(markdown, {
      block: inFile((name) => block(results, name, file)),
      value: inFile((name) => value(results, name)),
    });
    files.set(file, formatted(root, file, written));
  }
  for (const chart of charts(results)) files.set(chartPath(chart.name), chart.svg);
  return files;
}

/** Files that differ from what `docs:update` would write, and charts it would no longer write. */
export function differences(root: string): string[] {
  const expected = expectedFiles(root);
  const differing = [...expected]
    .filter(
      ([file, text]) =>
        !existsSync(join(root, file)) || readFileSync(join(root, file), 'utf8') !== text,
    )
    .map(([file]) => file);
  const stale = existsSync(join(root, CHARTS_FOLDER))
    ? readdirSync(join(root, CHARTS_FOLDER))
        .map((file) => `${CHARTS_FOLDER}/${file}`)
        .filter((file) => !expected.has(file))
    : [];
  return [...differing, ...stale];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = join(import.meta.dirname, '../..');
  if (process.argv.includes('--check')) {
    const differing = differences(root);
    if (differing.length > 0) {
      process.stderr.write(
        `Not as pnpm docs:update writes them:\n${differing.map((file) => `  ${file}`).join('\n')}\n`,
      );
      process.exit(1);
    }
    process.stderr.write('The docs are as docs/results/results.json says.\n');
  } else {
    const expected = expectedFiles(root);
    mkdirSync(join(root, CHARTS_FOLDER), { recursive: true });
    for (const file of readdirSync(join(root, CHARTS_FOLDER))) {
      if (!expected.has(`${CHARTS_FOLDER}/${file}`)) {
        rmSync(join(root, CHARTS_FOLDER, file));
        process.stderr.write(`removed ${CHARTS_FOLDER}/${file}\n`);
      }
    }
    for (const [file, text] of expected) {
      if (!existsSync(join(root, file)) || readFileSync(join(root, file), 'utf8') !== text) {
        writeFileSync(join(root, file), text);
        process.stderr.write(`wrote ${file}\n`);
      }
    }
  }
}
