import { PassThrough } from 'node:stream';
import ExcelJS from './exceljs.js';
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Db } from '../db/client.js';

export interface SheetColumn<R> {
  header: string;
  width: number;
  value: (r: R) => string | number | Date | null;
}

/**
 * Streams rows of a query into an .xlsx, a page at a time (keyset by `id`), so an export of a
 * whole city stays within bounded memory.
 */
export function streamXlsx<R extends { id: string | number }>(db: Db, sheetName: string, columns: SheetColumn<R>[], query: (afterId: R['id'] | null, limit: number) => SQL): PassThrough {
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: true });
  const sheet = workbook.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((c) => ({ header: c.header, width: c.width }));
  sheet.getRow(1).font = { bold: true };
  void (async () => {
    let after: R['id'] | null = null;
    for (;;) {
      const page: R[] = await rows<R>(db, query(after, 2000));
      for (const r of page) sheet.addRow(columns.map((c) => c.value(r))).commit();
      if (page.length < 2000) break;
      after = page[page.length - 1]!.id;
    }
    sheet.commit();
    await workbook.commit();
  })().catch((e: unknown) => out.destroy(e instanceof Error ? e : new Error(String(e))));
  return out;
}

export const afterId = (column: string, id: string | number | null): SQL => (id !== null ? sql`and ${sql.raw(column)} > ${id}` : sql``);

export function contentDisposition(fileName: string): string {
  return `attachment; filename="export.xlsx"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/** A small list (hundreds or a few thousand rows, already in memory) as an .xlsx buffer. */
export function xlsxBuffer<R>(sheetName: string, columns: SheetColumn<R>[], items: R[]): Promise<Buffer> {
  return xlsxWorkbook([sheet({ name: sheetName, columns, items })]);
}

export interface SheetSpec<R> {
  name: string;
  /** lines above the header, e.g. a title and notes */
  preamble?: string[];
  columns: SheetColumn<R>[];
  items: R[];
}

/** A sheet with its cells computed, so sheets of different row types fit in one workbook. */
export interface SheetCells {
  name: string;
  preamble: string[];
  columns: { header: string; width: number }[];
  rows: (string | number | Date | null)[][];
}

export function sheet<R>(spec: SheetSpec<R>): SheetCells {
  return { name: spec.name, preamble: spec.preamble ?? [], columns: spec.columns, rows: spec.items.map((r) => spec.columns.map((c) => c.value(r))) };
}

/** Several small sheets in one workbook. */
export async function xlsxWorkbook(sheets: SheetCells[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  for (const spec of sheets) {
    const ws = workbook.addWorksheet(spec.name, { views: [{ state: 'frozen', ySplit: spec.preamble.length + 1 }] });
    for (const line of spec.preamble) ws.addRow([line]);
    ws.addRow(spec.columns.map((c) => c.header)).font = { bold: true };
    spec.columns.forEach((c, i) => (ws.getColumn(i + 1).width = c.width));
    for (const r of spec.rows) ws.addRow(r);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
