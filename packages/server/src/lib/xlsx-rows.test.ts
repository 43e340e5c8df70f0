import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import ExcelJS from './exceljs.js';
import { readXlsxRows } from './xlsx-rows.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xlsx-rows-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function collect(file: string) {
  const out = [];
  for await (const r of readXlsxRows(file)) out.push(r);
  return out;
}

describe('readXlsxRows', () => {
  it('reads shared and inline strings, rich text, numbers, booleans, dates and gaps, from the first sheet in tab order', async () => {
    const wb = new ExcelJS.Workbook();
    const second = wb.addWorksheet('后面的表');
    second.addRow(['not me']);
    const first = wb.addWorksheet('名单');
    // tab order: make 名单 the first tab although it was created second
    for (const ws of wb.worksheets) (ws as unknown as { orderNo: number }).orderNo = ws.name === '名单' ? 0 : 1;
    first.getCell('A1').value = '学籍号';
    first.getCell('C1').value = { richText: [{ text: '出生' }, { text: '日期', font: { bold: true } }] };
    first.getCell('A2').value = 'G0001';
    first.getCell('B2').value = 42;
    first.getCell('C2').value = new Date(Date.UTC(2013, 2, 5));
    first.getCell('D2').value = true;
    first.getCell('A4').value = '张三丰 & <李四>';
    const file = path.join(dir, 'a.xlsx');
    await wb.xlsx.writeFile(file);
    const rows = await collect(file);
    expect(rows.map((r) => r.rowNumber)).toEqual([1, 2, 4]);
    expect(rows[0]!.cells).toEqual(['学籍号', null, '出生日期']);
    expect(rows[1]!.cells).toEqual(['G0001', 42, 41338, true]); // dates arrive as Excel serial days
    expect(rows[2]!.cells).toEqual(['张三丰 & <李四>']);
  });

  it('keeps multi-byte text intact across chunk boundaries in a long file', async () => {
    const file = path.join(dir, 'long.xlsx');
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false });
    const ws = wb.addWorksheet('s');
    const names = ['欧阳明月', '司马光', '诸葛亮亮', '是', '否', '七年级', '（3）班'];
    for (let i = 0; i < 20000; i++) ws.addRow([`${names[i % names.length]}${i}`, names[(i + 3) % names.length]]).commit();
    ws.commit();
    await wb.commit();
    const rows = await collect(file);
    expect(rows).toHaveLength(20000);
    rows.forEach((r, i) => expect(r.cells).toEqual([`${names[i % names.length]}${i}`, names[(i + 3) % names.length]]));
  });

  it('refuses a file that is not a workbook', async () => {
    const file = path.join(dir, 'bad.xlsx');
    fs.writeFileSync(file, 'hello');
    await expect(collect(file)).rejects.toThrow();
  });
});
