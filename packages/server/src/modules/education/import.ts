/**
 * Importing mental-health lessons from an .xlsx (or .csv) of a school: columns 班级, 日期, 课题,
 * 授课教师, 时长（分钟）. Every row is checked first; any problem (named by row and column, in Chinese,
 * like the roster import) and nothing is imported. Rows for a class and day already recorded are
 * skipped, so importing the same file twice creates nothing new. Synchronous: a lessons file has a
 * few thousand rows.
 */
import { cellText, findHeader, parseClassNumber, parseDate, parseGradeLevel, scopeFor, scopeIncludes, type Cell, type ColumnSpec, type contracts, type RowError } from '@xinyu/core';
import { and, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { rows } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { appendAudit } from '../audit/service.js';
import { auditActor } from '../org/service.js';
import { readSheet, type SheetFormat } from '../org/spreadsheet.js';
import { staff } from '../org/tables.js';
import { cstToday } from '../screening/campaigns.js';
import { schoolVisible } from './lessons.js';
import { educationLessons } from './tables.js';

type Field = 'className' | 'date' | 'topic' | 'teacher' | 'minutes' | 'note';
export const LESSON_COLUMNS: ColumnSpec<Field>[] = [
  { field: 'className', label: '班级', aliases: ['班级', '班级名称', '授课班级'], required: true },
  { field: 'date', label: '日期', aliases: ['日期', '上课日期', '授课日期'], required: true },
  { field: 'topic', label: '课题', aliases: ['课题', '主题', '课程主题', '课题名称'], required: true },
  { field: 'teacher', label: '授课教师', aliases: ['授课教师', '教师', '任课教师', '授课人'], required: false },
  { field: 'minutes', label: '时长（分钟）', aliases: ['时长', '分钟', '课时'], required: false },
  { field: 'note', label: '备注', aliases: ['备注', '说明'], required: false },
];
const MAX_ROWS = 20000;

/** 七年级1班, 初一(1)班, 7年级（1）班 → grade level and class number. */
export function parseClassCell(raw: string): { level: number; no: number } | null {
  const s = raw.replace(/\s+/g, '');
  const m = /^(.+?)[(（]?(\d{1,2}|[一二三四五六七八九十]{1,3})[)）]?班$/.exec(s);
  if (!m) return null;
  const level = parseGradeLevel(m[1]!);
  const no = parseClassNumber(s);
  return level && no ? { level, no } : null;
}

/** Minutes from 时长: a number of minutes (10–240), or a number of periods (1–6, 40 minutes each). */
function parseMinutes(c: Cell): number | null {
  const t = cellText(c).replace(/(分钟|课时|节)$/, '');
  if (!/^\d+(\.0+)?$/.test(t)) return null;
  const n = Number(t);
  if (n >= 1 && n <= 6) return n * 40;
  return n >= 10 && n <= 240 ? n : null;
}

export async function importLessons(deps: Deps, caller: Caller, schoolId: number, filePath: string, format: SheetFormat, fileName: string): Promise<z.infer<typeof contracts.LessonImportResult>> {
  const school = await schoolVisible(deps.db, caller, schoolId, 'education.record');
  const record = scopeFor(caller.assignments, 'education.record');
  const fail = (errors: RowError[], message: string, n = 0) => ({ ok: false, rows: n, imported: 0, existing: 0, errors: errors.slice(0, 1000), message });

  const sheet: { rowNumber: number; cells: Cell[] }[] = [];
  try {
    for await (const r of readSheet(filePath, format)) {
      sheet.push(r);
      if (sheet.length > MAX_ROWS + 20) break;
    }
  } catch {
    return fail([], '无法读取文件，请确认是 .xlsx 或 .csv 格式');
  }
  const head = findHeader(sheet.slice(0, 20).map((r) => r.cells), LESSON_COLUMNS);
  if (!head.ok) return fail([], head.message);
  const { headerIndex, columns } = head.match;
  const data = sheet.slice(headerIndex + 1).filter((r) => r.cells.some((c) => cellText(c) !== ''));
  if (!data.length) return fail([], '文件中没有数据行');
  if (data.length > MAX_ROWS) return fail([], `一次最多导入 ${MAX_ROWS} 行，请分批导入`, data.length);

  const [classes, staffList] = await Promise.all([
    rows<{ id: number; path: string; grade_level: number; class_no: number }>(deps.db, sql`
      select c.id, c.path, g.grade_level, c.class_no from org_units c join org_units g on g.id = c.parent_id
      where g.parent_id = ${school.id} and c.kind = 'class' and c.active`),
    deps.db.select({ id: staff.id, name: staff.name, accountId: staff.accountId }).from(staff).where(and(eq(staff.schoolId, school.id), eq(staff.active, true))),
  ]);
  const classByKey = new Map(classes.map((c) => [`${c.grade_level}-${c.class_no}`, c]));
  const staffByName = new Map<string, { id: string; name: string }>();
  for (const s of staffList) if (!staffByName.has(s.name)) staffByName.set(s.name, s);
  const me = staffList.find((s) => s.accountId === caller.accountId);
  const today = cstToday(deps.clock());
  const cell = (r: { cells: Cell[] }, f: Field) => (columns[f] === undefined ? null : (r.cells[columns[f]!] ?? null));

  const errors: RowError[] = [];
  const seen = new Map<string, number>();
  const values: (typeof educationLessons.$inferInsert)[] = [];
  const now = deps.clock();
  for (const r of data) {
    const err = (column: string, message: string) => errors.push({ row: r.rowNumber, column, message });
    const classText = cellText(cell(r, 'className'));
    const parsed = classText ? parseClassCell(classText) : null;
    const cls = parsed ? classByKey.get(`${parsed.level}-${parsed.no}`) : undefined;
    if (!classText) err('班级', '不能为空');
    else if (!parsed) err('班级', `“${classText}”无法识别，可写作 七年级1班`);
    else if (!cls) err('班级', `本校没有“${classText}”这个班级`);
    else if (!scopeIncludes(record, cls.path)) err('班级', `您无权为“${classText}”录入心理健康课`);
    const dateCell = cell(r, 'date');
    const date = parseDate(dateCell);
    if (!cellText(dateCell)) err('日期', '不能为空');
    else if (!date) err('日期', `“${cellText(dateCell)}”不是有效日期，可写作 2026-10-12`);
    else if (date > today) err('日期', `${date} 是未来的日期`);
    const topic = cellText(cell(r, 'topic'));
    if (!topic) err('课题', '不能为空');
    else if (topic.length > 100) err('课题', '不能超过 100 个字');
    const teacherText = cellText(cell(r, 'teacher'));
    const teacher = teacherText ? staffByName.get(teacherText) : me;
    if (teacherText && !teacher) err('授课教师', `本校在职教职工中没有“${teacherText}”`);
    const minutesCell = cell(r, 'minutes');
    const minutes = cellText(minutesCell) ? parseMinutes(minutesCell) : 40;
    if (minutes === null) err('时长（分钟）', `“${cellText(minutesCell)}”应为 10–240 的分钟数，或 1–6 节课时`);
    const note = cellText(cell(r, 'note'));
    if (note.length > 500) err('备注', '不能超过 500 个字');
    if (cls && date) {
      const key = `${cls.id}|${date}`;
      const prior = seen.get(key);
      if (prior) err('日期', `与第 ${prior} 行是同一班级同一天`);
      else seen.set(key, r.rowNumber);
    }
    if (cls && date && topic && minutes !== null) {
      values.push({
        regionId: caller.regionId, schoolId: school.id, classId: cls.id, orgPath: cls.path, date, topic: topic.slice(0, 100),
        teacherStaffId: teacher?.id ?? null, teacherName: teacher?.name ?? caller.displayName, minutes, note: note.slice(0, 500), source: 'import',
        createdBy: caller.accountId, createdByName: caller.displayName, createdAt: now, updatedAt: now,
      });
    }
  }
  if (errors.length) return fail(errors, `共 ${errors.length} 处问题，未导入任何数据。请修改后重新导入。`, data.length);

  const imported = await deps.db.transaction(async (tx) => {
    let n = 0;
    for (let i = 0; i < values.length; i += 2000) {
      n += (await tx.insert(educationLessons).values(values.slice(i, i + 2000)).onConflictDoNothing().returning({ id: educationLessons.id })).length;
    }
    await appendAudit(tx, { ...auditActor(caller), action: 'education.lesson.import', objectType: 'org_unit', objectId: String(school.id), orgPath: school.path, detail: { fileName, rows: data.length, imported: n } }, now);
    return n;
  });
  const existing = data.length - imported;
  return { ok: true, rows: data.length, imported, existing, errors: [], message: existing ? `已导入 ${imported} 节，${existing} 节此前已登记，未重复导入` : `已导入 ${imported} 节` };
}
