import { writeFile } from 'node:fs/promises';
import type { BenchResult, BenchRow } from '../benchmark/result.js';
import { workloadTitle } from '../output/describe-row.js';
import { type Column, resourceColumns, sections } from '../output/tables.js';

function markdownTable(columns: readonly Column[], rows: readonly BenchRow[]): string {
  const escapePipes = (text: string) => text.replaceAll('|', '\\|');
  const lines = [
    `| ${columns.map((column) => column.header).join(' | ')} |`,
    `|${columns.map(() => '---').join('|')}|`,
    ...rows.map(
      (row) => `| ${columns.map((column) => escapePipes(column.cell(row))).join(' | ')} |`,
    ),
  ];
  return lines.join('\n');
}

/** `--export-markdown`: the same tables, as Markdown. */
export function renderMarkdown(result: BenchResult): string {
  return `${sections(result)
    .map(
      ({ workload, rows, columns }) =>
        `### ${workloadTitle(result, workload, rows)}\n\n${markdownTable(columns, rows)}\n\n${markdownTable(resourceColumns(workload), rows)}`,
    )
    .join('\n\n')}\n`;
}

export async function exportMarkdown(result: BenchResult, file: string): Promise<void> {
  await writeFile(file, renderMarkdown(result));
}
