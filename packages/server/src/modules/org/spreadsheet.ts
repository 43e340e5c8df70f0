import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { Cell } from '@xinyu/core';

export interface SheetRow {
  /** 1-based, as Excel shows it */
  rowNumber: number;
  cells: Cell[];
}

/** Flattens what exceljs gives for a cell (rich text, formulas, hyperlinks) to a plain value. */
export function plainCell(v: unknown): Cell {
  if (v == null) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return v;
  if (typeof v === 'object') {
    const o = v as { richText?: { text: string }[]; result?: unknown; text?: unknown; error?: unknown };
    if (o.richText) return o.richText.map((r) => r.text).join('');
    if ('result' in o) return plainCell(o.result);
    if (typeof o.text === 'string') return o.text;
    if (o.error) return null;
  }
  return String(v);
}

/** Rows of the first worksheet, streamed: memory stays flat however long the file. */
async function* xlsxRows(filePath: string): AsyncGenerator<SheetRow> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(filePath, { sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'cache', worksheets: 'emit', entries: 'ignore' });
  for await (const sheet of reader) {
    for await (const row of sheet) {
      const values = row.values as unknown[]; // 1-based
      const cells: Cell[] = [];
      for (let i = 1; i < values.length; i++) cells.push(plainCell(values[i]));
      yield { rowNumber: row.number, cells };
    }
    break; // the roster is the first sheet
  }
}

/** Excel in China saves CSV as GBK; anything that is not valid UTF-8 is read as GBK. */
export function decodeCsv(buf: Buffer): string {
  const bytes = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? buf.subarray(3) : buf;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gbk').decode(bytes);
  }
}

async function* csvRows(filePath: string): AsyncGenerator<SheetRow> {
  const text = decodeCsv(await fs.promises.readFile(filePath));
  const records = parse(text, { relax_column_count: true, skip_empty_lines: false, bom: true }) as string[][];
  let n = 0;
  for (const r of records) {
    n += 1;
    yield { rowNumber: n, cells: r };
  }
}

export type SheetFormat = 'xlsx' | 'csv';

export function formatOf(fileName: string): SheetFormat | null {
  const ext = fileName.toLowerCase().split('.').pop();
  return ext === 'xlsx' ? 'xlsx' : ext === 'csv' ? 'csv' : null;
}

export function readSheet(filePath: string, format: SheetFormat): AsyncGenerator<SheetRow> {
  return format === 'xlsx' ? xlsxRows(filePath) : csvRows(filePath);
}
