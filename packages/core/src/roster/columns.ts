import { normaliseHeader, type Cell } from './cells.js';

export interface ColumnSpec<F extends string> {
  field: F;
  /** The canonical header, shown in templates and in error messages when the file's is missing. */
  label: string;
  /** Header variants schools use, compared after normaliseHeader. */
  aliases: readonly string[];
  required: boolean;
}

export interface HeaderMatch<F extends string> {
  /** 0-based index of the header row among the rows scanned. */
  headerIndex: number;
  /** field → column index */
  columns: Partial<Record<F, number>>;
  /** column index → header text as written in the file */
  headers: string[];
}

export type HeaderResult<F extends string> =
  | { ok: true; match: HeaderMatch<F> }
  | { ok: false; message: string };

/**
 * Finds the header row among the first rows of a sheet (titles and notes often come first): the
 * row that names the most known columns, at least two of them required.
 */
export function findHeader<F extends string>(rows: readonly Cell[][], specs: readonly ColumnSpec<F>[]): HeaderResult<F> {
  let best: { index: number; columns: Partial<Record<F, number>>; score: number } | null = null;
  rows.forEach((row, index) => {
    const columns: Partial<Record<F, number>> = {};
    let score = 0;
    row.forEach((cell, col) => {
      const h = normaliseHeader(cell);
      if (!h) return;
      const spec = specs.find((s) => s.aliases.some((a) => normaliseHeader(a) === h));
      if (spec && columns[spec.field] === undefined) {
        columns[spec.field] = col;
        score += spec.required ? 2 : 1;
      }
    });
    if (score >= 4 && (!best || score > best.score)) best = { index, columns, score };
  });
  if (!best) {
    const names = specs.filter((s) => s.required).map((s) => s.label).join('、');
    return { ok: false, message: `未找到表头行：前 ${rows.length} 行中没有一行包含 ${names} 等列名` };
  }
  const found: { index: number; columns: Partial<Record<F, number>> } = best;
  const missing = specs.filter((s) => s.required && found.columns[s.field] === undefined);
  if (missing.length) {
    return {
      ok: false,
      message: `第 ${found.index + 1} 行表头缺少必填列：${missing.map((s) => s.label).join('、')}`,
    };
  }
  const headers = (rows[found.index] ?? []).map((c) => (c == null ? '' : String(c).trim()));
  return { ok: true, match: { headerIndex: found.index, columns: found.columns, headers } };
}

/** One problem in an import file, by spreadsheet row number (1-based, as Excel shows it) and column. */
export interface RowError {
  row: number;
  column: string;
  message: string;
}

export function formatRowError(e: RowError): string {
  return `第 ${e.row} 行「${e.column}」：${e.message}`;
}
