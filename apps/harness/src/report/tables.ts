import { fastestRows, judge } from '../benchmark/judge.js';
import type { BenchResult, BenchRow } from '../benchmark/result.js';
import { rowWhere, workloadTitle } from '../output/describe-row.js';
import { failureLines } from '../output/failures.js';
import { type Column, common, problemsOf, resourceColumns, sections } from '../output/tables.js';
import { resultWarnings, warningsFor } from '../output/warnings.js';
import { escapeText } from './svg.js';

/**
 * The terminal's tables, warnings and problems as HTML: the same columns and the same
 * words (output/tables.ts), so the page says everything `pnpm bench` printed.
 */

function htmlTable(
  columns: readonly Column[],
  rows: readonly BenchRow[],
  fastest: ReadonlySet<BenchRow>,
): string {
  const head = columns.map((column) => `<th scope="col">${escapeText(column.header)}</th>`);
  const body = rows.map((row) => {
    const cells = columns.map((column) => {
      const content = escapeText(column.cell(row));
      if (column === common.strategy) return `<th scope="row">${content}</th>`;
      if (column === common.result) {
        return `<td class="${row.ok ? 'ok' : 'differs'}">${content}</td>`;
      }
      if (column === common.median && fastest.has(row)) {
        return `<td class="fastest" title="fastest, by the verdict">${content}</td>`;
      }
      return `<td>${content}</td>`;
    });
    return `<tr data-strategy="${escapeText(row.strategy)}">${cells.join('')}</tr>`;
  });
  return `<div class="table"><table><thead><tr>${head.join('')}</tr></thead><tbody>${body.join('')}</tbody></table></div>`;
}

/** The result tables, one pair per workload, with each workload's failures under it. */
export function tablesSection(result: BenchResult): string {
  if (result.sweep) return '';
  const fastest = fastestRows(judge(result));
  const parts = sections(result).map(({ workload, rows, columns }) => {
    const under = failureLines(result, rows);
    return `<h3>${escapeText(workloadTitle(result, workload, rows))}</h3>
${htmlTable(columns, rows, fastest)}
${under.length > 0 ? `<ul class="failures">${under.map((line) => `<li>${escapeText(line.trim())}</li>`).join('')}</ul>` : ''}
<h4>Runs and resources</h4>
${htmlTable(resourceColumns(workload), rows, fastest)}`;
  });
  return `<section id="tables">
<h2>Results</h2>
<p>The tables <code>pnpm bench</code> prints. A median in green is what the verdict calls fastest.</p>
${parts.join('\n')}
</section>`;
}

/** Every warning and problem the terminal prints after its tables, as a list; none, nothing. */
export function warningsList(result: BenchResult): string {
  const where = (row: BenchRow) => rowWhere(row, result.sweep);
  const everyRow = [...result.rows, ...(result.floors ?? [])];
  const warnings = [
    ...everyRow.flatMap((row) => warningsFor(row).map((warning) => `${where(row)}: ${warning}`)),
    ...resultWarnings(result).map(({ row, text }) => `${where(row)}: ${text}`),
  ];
  const problems = problemsOf(everyRow, where);
  if (warnings.length === 0 && problems.length === 0) return '';
  return `<div class="warnings" data-warnings><p><b>Warnings</b></p><ul>${[
    ...problems.map((line) => `<li class="problem">${escapeText(line)}</li>`),
    ...warnings.map((line) => `<li>${escapeText(line)}</li>`),
  ].join('')}</ul></div>`;
}
