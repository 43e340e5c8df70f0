import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { readXlsxRows } from '../../lib/xlsx-rows.js';
import type { Cell } from '@xinyu/core';

export interface SheetRow {
  /** 1-based, as Excel shows it */
  rowNumber: number;
  cells: Cell[];
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
  return format === 'xlsx' ? readXlsxRows(filePath) : csvRows(filePath);
}
