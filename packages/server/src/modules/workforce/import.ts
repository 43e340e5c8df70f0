/**
 * Training import (.xlsx): one row per attendee (培训名称, 培训日期, 级别, 学时, 主办单位, 姓名, 手机号);
 * rows with the same training fields form one training. Every row is checked first — the format
 * (core readTrainingRow) and that the phone names an active staff member the caller manages
 * (workforce.manage) with that name — and nothing is imported when any row is wrong: the answer
 * lists each problem by row and column in Chinese. A retry with the same clientId imports nothing
 * twice (each training's clientId is derived from it and the training's fields).
 */
import { createHash } from 'node:crypto';
import { findHeader, formatRowError, readTrainingRow, TRAINING_IMPORT_COLUMNS, trainingKey, type Cell, type RowError, type TrainingImportRow } from '@xinyu/core';
import { and, eq, inArray } from 'drizzle-orm';
import type { Caller, Deps } from '../../http/context.js';
import { badRequest } from '../../http/errors.js';
import { readXlsxRows } from '../../lib/xlsx-rows.js';
import { inScope, scopeOf } from '../access/service.js';
import { appendAudit } from '../audit/service.js';
import { auditActor } from '../org/service.js';
import { staff } from '../org/tables.js';
import { cstToday } from '../screening/campaigns.js';
import { workforceTrainingAttendees, workforceTrainings } from './tables.js';

const MAX_ROWS = 5000;
const MAX_LISTED = 200;

/** A uuid derived from the import's clientId and one training's key (stable across retries). */
function derivedId(clientId: string, key: string): string {
  const h = createHash('sha256').update(`${clientId}\n${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

function refuse(errors: RowError[]): never {
  const fields: Record<string, string> = {};
  for (const e of errors.slice(0, MAX_LISTED)) fields[`第${e.row}行·${e.column}`] = formatRowError(e);
  const more = errors.length > MAX_LISTED ? `（仅列出前 ${MAX_LISTED} 处）` : '';
  throw badRequest(`文件中有 ${errors.length} 处错误，未导入任何数据${more}`, fields);
}

export async function importTrainings(deps: Deps, caller: Caller, filePath: string, clientId: string): Promise<{ trainings: number; attendees: number; rows: number }> {
  const scope = scopeOf(caller, 'workforce.manage');
  const today = cstToday(deps.clock());
  const raw: { rowNumber: number; cells: Cell[] }[] = [];
  try {
    for await (const r of readXlsxRows(filePath)) {
      raw.push(r);
      if (raw.length > MAX_ROWS + 20) break;
    }
  } catch {
    throw badRequest('无法读取文件，请上传 .xlsx 格式的表格', { file: '无法读取文件，请上传 .xlsx 格式的表格' });
  }
  const header = findHeader(raw.slice(0, 10).map((r) => r.cells), TRAINING_IMPORT_COLUMNS);
  if (!header.ok) throw badRequest(header.message, { file: header.message });
  const data = raw.slice(header.match.headerIndex + 1);
  if (data.length > MAX_ROWS) throw badRequest(`一次最多导入 ${MAX_ROWS} 行`, { file: `一次最多导入 ${MAX_ROWS} 行` });
  const errors: RowError[] = [];
  const rows: TrainingImportRow[] = [];
  for (const r of data) {
    const out = readTrainingRow(r.cells, header.match, r.rowNumber, today);
    errors.push(...out.errors);
    if (out.value) rows.push(out.value);
  }
  if (!rows.length && !errors.length) throw badRequest('文件中没有数据行', { file: '文件中没有数据行' });
  // the people: by phone, active, in the caller's manage scope, with the name given
  const phones = [...new Set(rows.map((r) => r.phone))];
  const people = phones.length ? await deps.db.select({ id: staff.id, name: staff.name, phone: staff.phone, schoolId: staff.schoolId, orgPath: staff.orgPath }).from(staff)
    .where(and(eq(staff.regionId, caller.regionId), eq(staff.active, true), inArray(staff.phone, phones), inScope(scope, staff.orgPath))) : [];
  const byPhone = new Map(people.map((p) => [p.phone, p]));
  const seen = new Map<string, number>();
  for (const r of rows) {
    const p = byPhone.get(r.phone);
    if (!p) errors.push({ row: r.row, column: '手机号', message: `找不到手机号为 ${r.phone} 的在职教职工，或不在您的管理范围内` });
    else if (p.name !== r.name) errors.push({ row: r.row, column: '姓名', message: `手机号 ${r.phone} 对应的教职工是「${p.name}」，与「${r.name}」不一致` });
    const dup = `${trainingKey(r)}|${r.phone}`;
    if (seen.has(dup)) errors.push({ row: r.row, column: '手机号', message: `与第 ${seen.get(dup)} 行重复（同一培训同一人）` });
    else seen.set(dup, r.row);
  }
  if (errors.length) refuse(errors.sort((a, b) => a.row - b.row));

  const groups = new Map<string, TrainingImportRow[]>();
  for (const r of rows) groups.set(trainingKey(r), [...(groups.get(trainingKey(r)) ?? []), r]);
  const now = deps.clock();
  let created = 0;
  let attendees = 0;
  await deps.db.transaction(async (tx) => {
    const list = [...groups].map(([key, rs]) => ({ key, rs, id: derivedId(clientId, key) }));
    const inserted = await tx.insert(workforceTrainings).values(list.map(({ rs, id }) => ({
      regionId: caller.regionId, title: rs[0]!.title, date: rs[0]!.date, level: rs[0]!.level, hours: rs[0]!.hours, provider: rs[0]!.provider,
      clientId: id, createdBy: caller.accountId, createdByName: caller.displayName, createdAt: now,
    }))).onConflictDoNothing().returning({ id: workforceTrainings.id, clientId: workforceTrainings.clientId });
    const idOf = new Map(inserted.map((t) => [t.clientId, t.id]));
    const values = list.filter((g) => idOf.has(g.id)).flatMap((g) => g.rs.map((r) => {
      const p = byPhone.get(r.phone)!;
      return { trainingId: idOf.get(g.id)!, staffId: p.id, regionId: caller.regionId, schoolId: p.schoolId, orgPath: p.orgPath };
    }));
    for (let i = 0; i < values.length; i += 1000) await tx.insert(workforceTrainingAttendees).values(values.slice(i, i + 1000)).onConflictDoNothing();
    created = inserted.length;
    attendees = values.length;
    if (created) {
      const bySchool = new Map<string, number>();
      for (const v of values) bySchool.set(v.orgPath, (bySchool.get(v.orgPath) ?? 0) + 1);
      await appendAudit(tx, [...bySchool].map(([orgPath, n]) => ({ ...auditActor(caller), action: 'workforce.training.import', objectType: 'workforce_training_import', objectId: clientId, orgPath, detail: { trainings: created, attendees: n } })), now);
    }
  });
  return { trainings: created, attendees, rows: rows.length };
}
