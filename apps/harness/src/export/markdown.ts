import type { BenchResult, BenchRow } from '../benchmark/result.js';
import { workloadTitle } from '../output/describe-row.js';
import { failureLines } from '../output/failures.js';
import { type Column, resourceColumns, sections } from '../output/tables.js';
import { writeExport } from './write-file.js';

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

/** A job's failures under its table, as the terminal shows them. */
function failuresUnder(result: BenchResult, rows: readonly BenchRow[]): string {
  const lines = failureLines(result, rows);
  return lines.length > 0 ? `\n\n${lines.map((line) => `> ${line.trim()}`).join('\n>\n')}` : '';
}

/** `--export-markdown`: the same tables, as Markdown. */
export function renderMarkdown(result: BenchResult): string {
  const interrupted =
    result.interrupted || result.rows.some((row) => row.interrupted)
      ? '\n\n_Interrupted (Ctrl-C): rows marked (interrupted) show only the runs they finished._'
      : '';
  return `${sections(result)
    .map(
      ({ workload, rows, columns }) =>
        `### ${workloadTitle(result, workload, rows)}\n\n${markdownTable(columns, rows)}${failuresUnder(result, rows)}\n\n${markdownTable(resourceColumns(workload), rows)}`,
    )
    .join('\n\n')}${interrupted}\n`;
}

export async function exportMarkdown(result: BenchResult, file: string): Promise<void> {
  await writeExport(file, renderMarkdown(result));
}
