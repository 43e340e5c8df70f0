/**
 * Funding records (心理健康教育经费, 001 §13: at least 10 yuan per student a year). The bureau
 * (supervision.manage) enters them for the schools of its area, one by one or from an .xlsx; whoever
 * holds supervision.read sees the schools of its scope with their yuan per student. Amounts are kept
 * in fen. Every write is audited; an import validates every row first and imports nothing on error.
 */
import { FUNDING_YUAN_PER_STUDENT, metricValue, type contracts } from '@xinyu/core';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { rows } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { badRequest, notFound } from '../../http/errors.js';
import { hasPermission, inScope, scopeOf } from '../access/service.js';
import { appendAudit } from '../audit/service.js';
import { schoolInScope } from '../counseling/rooms.js';
import { auditActor } from '../org/service.js';
import { readSheet, type SheetFormat } from '../org/spreadsheet.js';
import { schoolsSeenBy } from './compute.js';
import { supervisionFunding } from './tables.js';

const cellText = (c: unknown) => (c === null || c === undefined ? '' : String(c).trim());

export async function listFunding(deps: Deps, caller: Caller, q: z.infer<typeof contracts.FundingQuery>): Promise<z.infer<typeof contracts.FundingOut>> {
  const scope = scopeOf(caller, 'supervision.read');
  const root = (await rows<{ path: string }>(deps.db, sql`select path from org_units where region_id = ${caller.regionId} and kind = 'city' order by id limit 1`))[0];
  if (!root) throw notFound();
  let schools = await schoolsSeenBy(deps, caller.regionId, scope, root.path);
  if (q.districtId) {
    schools = schools.filter((s) => s.districtId === q.districtId);
    if (!schools.length) throw notFound();
  }
  const ids = sql`${sql.param(schools.map((s) => s.id))}::int[]`;
  const [sums, records, districts] = await Promise.all([
    rows<{ school_id: number; fen: number }>(deps.db, sql`select school_id, sum(amount_fen)::float8 as fen from supervision_funding where region_id = ${caller.regionId} and year = ${q.year} and school_id = any(${ids}) group by school_id`),
    deps.db.select().from(supervisionFunding).where(and(eq(supervisionFunding.regionId, caller.regionId), eq(supervisionFunding.year, q.year), inScope(scope, supervisionFunding.orgPath), sql`${supervisionFunding.schoolId} = any(${ids})`)).orderBy(desc(supervisionFunding.createdAt)).limit(2000),
    rows<{ id: number; name: string }>(deps.db, sql`select id, name from org_units where region_id = ${caller.regionId} and kind = 'district'`),
  ]);
  const fen = new Map(sums.map((r) => [Number(r.school_id), Number(r.fen)]));
  const dn = new Map(districts.map((d) => [Number(d.id), d.name]));
  const names = new Map(schools.map((s) => [s.id, s.name]));
  return {
    year: q.year,
    standard: FUNDING_YUAN_PER_STUDENT,
    canManage: hasPermission(caller, 'supervision.manage'),
    schools: schools.map((s) => {
      const yuan = (fen.get(s.id) ?? 0) / 100;
      const perStudent = metricValue({ numerator: yuan, denominator: s.students }, 'yuan_per_student');
      return { schoolId: s.id, schoolName: s.name, districtName: s.districtId ? (dn.get(s.districtId) ?? '') : '市直', students: s.students, amountYuan: yuan, perStudent, met: perStudent !== null && perStudent >= FUNDING_YUAN_PER_STUDENT };
    }),
    records: records.map((r) => ({ id: r.id, schoolId: r.schoolId, schoolName: names.get(r.schoolId) ?? '', year: r.year, amountYuan: r.amountFen / 100, source: r.source, purpose: r.purpose, createdByName: r.createdByName, createdAt: r.createdAt.toISOString() })),
  };
}

export async function createFunding(deps: Deps, caller: Caller, body: z.infer<typeof contracts.CreateFundingBody>) {
  const school = await schoolInScope(deps.db, caller, body.schoolId, 'supervision.manage');
  const now = deps.clock();
  const fen = Math.round(body.amountYuan * 100);
  await deps.db.transaction(async (tx) => {
    const [row] = await tx.insert(supervisionFunding).values({ regionId: caller.regionId, schoolId: school.id, orgPath: school.path, year: body.year, amountFen: fen, source: body.source, purpose: body.purpose, createdByName: caller.displayName, clientId: body.clientId, createdAt: now })
      .onConflictDoNothing().returning({ id: supervisionFunding.id });
    if (row) await appendAudit(tx, { ...auditActor(caller), action: 'supervision.funding.create', objectType: 'supervision_funding', objectId: row.id, orgPath: school.path, detail: { year: body.year, amountYuan: fen / 100, source: body.source } }, now);
  });
  return listFunding(deps, caller, { year: body.year });
}

export async function deleteFunding(deps: Deps, caller: Caller, id: string) {
  const scope = scopeOf(caller, 'supervision.manage');
  const r = (await deps.db.select().from(supervisionFunding).where(and(eq(supervisionFunding.id, id), eq(supervisionFunding.regionId, caller.regionId), inScope(scope, supervisionFunding.orgPath))))[0];
  if (!r) throw notFound();
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    await tx.delete(supervisionFunding).where(eq(supervisionFunding.id, r.id));
    await appendAudit(tx, { ...auditActor(caller), action: 'supervision.funding.delete', objectType: 'supervision_funding', objectId: r.id, orgPath: r.orgPath, detail: { year: r.year, amountYuan: r.amountFen / 100, schoolId: r.schoolId } }, now);
  });
  return listFunding(deps, caller, { year: r.year });
}

export const FUNDING_COLUMNS = ['学校名称', '年度', '金额（元）', '来源', '用途'] as const;

/**
 * An .xlsx (or .csv) of funding rows: 学校名称 (or 学校代码) | 年度 | 金额（元） | 来源 | 用途, the first
 * row the header. Every row is checked (a school of the caller's area, a year, a positive amount);
 * any problem → 400 listing each by row and column, nothing imported.
 */
export async function importFunding(deps: Deps, caller: Caller, filePath: string, format: SheetFormat, importId: string): Promise<{ imported: number }> {
  const scope = scopeOf(caller, 'supervision.manage');
  const schools = await rows<{ id: number; name: string; code: string | null; path: string }>(deps.db, sql`
    select id, name, code, path from org_units where region_id = ${caller.regionId} and kind = 'school' and active and ${inScope(scope, sql`path`)}`);
  const byName = new Map<string, (typeof schools)[number]>();
  // a name two schools of the area share names neither: the row must give the school's code
  const shared = new Set<string>();
  for (const s of schools) {
    if (byName.has(s.name)) shared.add(s.name);
    byName.set(s.name, s);
  }
  for (const n of shared) byName.delete(n);
  for (const s of schools) if (s.code) byName.set(s.code, s);
  const problems: Record<string, string> = {};
  const good: { school: (typeof schools)[number]; year: number; fen: number; source: string; purpose: string; row: number }[] = [];
  let header = true;
  for await (const r of readSheet(filePath, format)) {
    const cells = r.cells.map(cellText);
    if (header) {
      header = false;
      if (cells[0] !== FUNDING_COLUMNS[0] || cells[2] !== FUNDING_COLUMNS[2]) problems['第 1 行'] = `表头应为：${FUNDING_COLUMNS.join('、')}（请使用导入模板）`;
      continue;
    }
    if (cells.every((c) => c === '')) continue;
    const at = (col: number) => `第 ${r.rowNumber} 行「${FUNDING_COLUMNS[col]}」`;
    const school = byName.get(cells[0] ?? '');
    if (!cells[0]) problems[at(0)] = '请填写学校名称';
    else if (shared.has(cells[0] ?? '')) problems[at(0)] = `辖区内有多所学校名为“${cells[0]}”，请改填学校代码`;
    else if (!school) problems[at(0)] = `“${cells[0]}”不是您辖区内的学校`;
    const year = Number(cells[1]);
    if (!Number.isInteger(year) || year < 2020 || year > 2100) problems[at(1)] = '年度应为 2020–2100 之间的整数';
    const amount = Number((cells[2] ?? '').replace(/[,，元\s]/g, ''));
    if (!cells[2] || !Number.isFinite(amount) || amount <= 0) problems[at(2)] = '金额应为大于 0 的数字（单位：元）';
    else if (amount > 100_000_000) problems[at(2)] = '金额过大';
    if ((cells[3] ?? '').length > 200) problems[at(3)] = '来源不能超过 200 个字';
    if ((cells[4] ?? '').length > 500) problems[at(4)] = '用途不能超过 500 个字';
    if (school) good.push({ school, year, fen: Math.round(amount * 100), source: cells[3] ?? '', purpose: cells[4] ?? '', row: r.rowNumber });
    if (Object.keys(problems).length > 200) break;
  }
  if (!Object.keys(problems).length && !good.length) problems.file = '文件中没有经费记录';
  if (Object.keys(problems).length) throw badRequest(`导入文件有 ${Object.keys(problems).length} 处问题，未导入任何记录`, problems);
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    // a row's client id derives from the upload's id and its row number: a retried upload imports nothing twice
    await tx.insert(supervisionFunding).values(good.map((g) => ({
      regionId: caller.regionId, schoolId: g.school.id, orgPath: g.school.path, year: g.year, amountFen: g.fen, source: g.source, purpose: g.purpose, createdByName: caller.displayName,
      clientId: sql`md5(${`${importId}:${g.row}`})::uuid`, createdAt: now,
    }))).onConflictDoNothing();
    await appendAudit(tx, { ...auditActor(caller), action: 'supervision.funding.import', objectType: 'supervision_funding', objectId: importId, orgPath: scope.orgPaths[0] ?? null, detail: { rows: good.length, amountYuan: good.reduce((a, g) => a + g.fen, 0) / 100 } }, now);
  });
  return { imported: good.length };
}
