import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Isolation, Model, Workload } from '@speedup/shared-core';

/**
 * What `pnpm new-strategy` writes: a copy of one of the packages in templates/, each a
 * strategy of the house shape that already meets the contract, with its names filled in,
 * so a new strategy starts green and changes one thing at a time. The templates are real
 * files, typechecked and linted with the rest of the repository.
 */

const templates = fileURLToPath(new URL('../templates/', import.meta.url));

export interface NewStrategy {
  /** Folder under packages/, and the strategy's name in `pnpm bench`. */
  readonly name: string;
  readonly workload: Workload;
  readonly model: Model;
}

/** kebab-case, as every package folder is: `io-hybrid`, `cpu-piscina`. */
export const STRATEGY_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** A model is a word or words joined by `-` or `+`: `threads`, `threads+async`. */
export const MODEL_NAME = /^[a-z][a-z0-9]*(?:[-+][a-z0-9]+)*$/;

/** Why `name` cannot be a new strategy in the workspace at `root`; undefined when it can. */
export function problemWithName(root: string, name: string): string | undefined {
  if (!STRATEGY_NAME.test(name)) {
    return `'${name}' is not a kebab-case name (lower-case letters and digits, words joined by '-', e.g. io-hybrid).`;
  }
  for (const parent of ['packages', 'apps']) {
    if (existsSync(join(root, parent, name))) {
      return `'${name}' is taken: ${parent}/${name} already exists.`;
    }
  }
  return undefined;
}

/**
 * The template a new strategy starts from, and where its tasks run. A threads or processes
 * strategy starts as a pool, because the contract asks more of it (a task that kills its
 * worker loses only itself), and code on the main thread could not pass that test; every
 * other model starts one task after another, as the sequential reference does.
 */
function startingPointOf({ workload, model }: NewStrategy): {
  template: string;
  isolation: Isolation;
} {
  if (model === 'threads') return { template: `${workload}-pool`, isolation: 'thread' };
  if (model === 'processes') return { template: `${workload}-pool`, isolation: 'process' };
  return { template: `${workload}-sequential`, isolation: 'none' };
}

/** The seed's table, answered for Node; a new model keeps the template's blanks to fill in. */
const modelRows: Record<string, [switches: string, processors: string]> = {
  sequential: ['nobody: there is nothing to switch between', '1'],
  threads: ['the operating system', 'many: Node has no GIL'],
  async: ['the task itself, at `await`', '1'],
  processes: ['nobody: processes really run at once', 'many'],
  distributed: ['nobody: each worker takes one job at a time', 'many machines'],
};

/** The templates' placeholders and what they become: the names, the README's table row, the kind of pool. */
function namesFor(
  strategy: NewStrategy,
  isolation: Isolation,
): [placeholder: string, name: string][] {
  const names: [string, string][] = [
    ['template-name', strategy.name],
    ['template-model', strategy.model],
  ];
  const row = modelRows[strategy.model];
  if (row) {
    names.push(
      ['<!-- who decides when to switch tasks -->', row[0]],
      ['<!-- how many processors it uses -->', row[1]],
    );
  }
  if (isolation === 'process') {
    names.push(
      ['"isolation": "thread"', '"isolation": "process"'],
      ["type: 'thread'", "type: 'process'"],
      ['worker threads', 'child processes'],
    );
  }
  return names;
}

/** Pads every column of each Markdown table to its widest cell, as the house READMEs have them. */
function padTables(markdown: string): string {
  return markdown.replace(/(?:^\|.*\|\n)+/gm, (table) => {
    const rows = table
      .trimEnd()
      .split('\n')
      .map((line) =>
        line
          .slice(1, -1)
          .split('|')
          .map((cell) => cell.trim()),
      );
    const isRule = (cell: string) => /^-+$/.test(cell);
    const widths = (rows[0] ?? []).map((_, column) =>
      Math.max(
        3,
        ...rows.map((row) => (isRule(row[column] ?? '') ? 0 : (row[column] ?? '').length)),
      ),
    );
    const line = (row: string[]) =>
      `| ${row.map((cell, column) => (isRule(cell) ? '-'.repeat(widths[column] ?? 3) : cell.padEnd(widths[column] ?? 3))).join(' | ')} |\n`;
    return rows.map(line).join('');
  });
}

/** Lines up the `#` comments of each shell block, which a longer or shorter name pushed out of line. */
function lineUpComments(markdown: string): string {
  return markdown.replace(/^```sh\n([\s\S]*?)^```$/gm, (_, body: string) => {
    const lines = body
      .trimEnd()
      .split('\n')
      .map((line) => line.split(/\s+# /) as [command: string, comment?: string]);
    const width = Math.max(...lines.map(([command]) => command.length));
    const aligned = lines.map(([command, comment]) =>
      comment === undefined ? command : `${command.padEnd(width)}   # ${comment}`,
    );
    return `\`\`\`sh\n${aligned.join('\n')}\n\`\`\``;
  });
}

/** Every file of the new package, by path inside it: its template's files, with the names filled in. */
export function strategyFiles(strategy: NewStrategy): Record<string, string> {
  const { template, isolation } = startingPointOf(strategy);
  const dir = join(templates, template);
  const names = namesFor(strategy, isolation);
  const unused = new Set(names.map(([placeholder]) => placeholder));
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    let text = readFileSync(file, 'utf8');
    for (const [placeholder, name] of names) {
      if (text.includes(placeholder)) unused.delete(placeholder);
      text = text.replaceAll(placeholder, name);
    }
    files[relative(dir, file)] = file.endsWith('.md') ? lineUpComments(padTables(text)) : text;
  }
  // A template edited so that a placeholder is gone would write a package that lies about itself.
  if (unused.size > 0) {
    throw new Error(`templates/${template} has lost its placeholders: ${[...unused].join(', ')}`);
  }
  return files;
}

/** Writes the package into `root/packages/<name>` and returns its folder. */
export function writeStrategyPackage(root: string, strategy: NewStrategy): string {
  const problem = problemWithName(root, strategy.name);
  if (problem) throw new Error(problem);
  const dir = join(root, 'packages', strategy.name);
  for (const [path, content] of Object.entries(strategyFiles(strategy))) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}
