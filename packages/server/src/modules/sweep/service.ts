/**
 * The semester sweep (摸底排查, "不漏一人"): a bureau or school opens it; each head teacher reviews
 * every student of the class (categories: the region's family circumstances plus behaviour
 * categories) and says what it means for the key-student register — add, keep, remove, each with
 * a reason; completion is counted up to the bureau.
 */
import { KEY_BEHAVIOURS, scopeFor, type contracts } from '@xinyu/core';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { rows, type Db } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { badRequest, notFound } from '../../http/errors.js';
import { inScope, scopeOf } from '../access/service.js';
import { appendAudit } from '../audit/service.js';
import { registerKeyStudent } from '../care/service.js';
import { keyStudentEvents, keyStudents } from '../care/tables.js';
import { auditActor, childGrouping, classWithGrade } from '../org/service.js';
import { circumstanceCategories, orgUnits, students } from '../org/tables.js';
import { cstToday } from '../screening/campaigns.js';
import { openOrPlain, sealerFor } from '../../lib/sealed.js';
import { sweepEntries, sweeps } from './tables.js';

type SweepRow = typeof sweeps.$inferSelect;

/**
 * A head teacher's note on a student is sealed at rest (lib/sealed.ts), bound to its entry (sweep,
 * student); an empty note stays empty, a note stored before sealing is read as it is.
 */
export const noteAad = (sweepId: string, studentId: string) => `sweep_entries.note:${sweepId}:${studentId}`;
const toSweep = (s: SweepRow): z.infer<typeof contracts.Sweep> => ({ id: s.id, ownerUnitId: s.ownerUnitId, name: s.name, term: s.term, start: s.startDate, end: s.endDate, createdByName: s.createdByName });

export async function createSweep(deps: Deps, caller: Caller, body: z.infer<typeof contracts.CreateSweepBody>) {
  const scope = scopeOf(caller, 'sweep.manage');
  if (body.end < body.start) throw badRequest('结束日期早于开始日期', { end: '早于开始日期' });
  const unit = (await deps.db.select().from(orgUnits).where(and(eq(orgUnits.id, body.ownerUnitId), eq(orgUnits.regionId, caller.regionId), inScope(scope, orgUnits.path))))[0];
  if (!unit || !['city', 'district', 'school'].includes(unit.kind)) throw notFound();
  const now = deps.clock();
  const created = await deps.db.transaction(async (tx) => {
    const [s] = await tx.insert(sweeps).values({ regionId: caller.regionId, ownerUnitId: unit.id, ownerPath: unit.path, name: body.name, term: body.term, startDate: body.start, endDate: body.end, createdByName: caller.displayName, createdAt: now }).returning();
    await appendAudit(tx, { ...auditActor(caller), action: 'sweep.create', objectType: 'sweep', objectId: s!.id, orgPath: unit.path, detail: { name: body.name } }, now);
    return s!;
  });
  return toSweep(created);
}

/** Sweeps that cover any unit the caller works in (opened above or at it, or below it for a bureau). */
export async function listSweeps(deps: Deps, caller: Caller): Promise<z.infer<typeof contracts.Sweep>[]> {
  const paths = [...new Set([...scopeFor(caller.assignments, 'sweep.progress').orgPaths, ...scopeFor(caller.assignments, 'sweep.review').orgPaths])];
  if (!paths.length) return [];
  // a sweep of one's own unit or above (a head teacher sees the school's sweep), or of a unit below it
  const found = await deps.db.select().from(sweeps)
    .where(and(eq(sweeps.regionId, caller.regionId),
      sql`exists (select 1 from unnest(${sql.param(paths)}::text[]) p where p like ${sweeps.ownerPath} || '%' or ${sweeps.ownerPath} like p || '%')`))
    .orderBy(desc(sweeps.startDate)).limit(100);
  return found.map(toSweep);
}

async function sweepFor(db: Db, caller: Caller, id: string): Promise<SweepRow> {
  const s = (await db.select().from(sweeps).where(and(eq(sweeps.id, id), eq(sweeps.regionId, caller.regionId))))[0];
  if (!s) throw notFound();
  return s;
}

/** A class the head teacher reviews in this sweep: inside their scope and under the sweep's unit. */
async function classFor(db: Db, caller: Caller, s: SweepRow, classId: number) {
  const unit = (await db.select({ id: orgUnits.id, path: orgUnits.path, name: classWithGrade }).from(orgUnits)
    .where(and(eq(orgUnits.id, classId), eq(orgUnits.kind, 'class'), inScope(scopeOf(caller, 'sweep.review'), orgUnits.path), sql`${orgUnits.path} like ${`${s.ownerPath}%`}`)))[0];
  if (!unit) throw notFound();
  return unit;
}

async function categoriesFor(db: Db, regionId: number) {
  const circumstances = await db.select({ code: circumstanceCategories.code, label: circumstanceCategories.label }).from(circumstanceCategories).where(eq(circumstanceCategories.regionId, regionId)).orderBy(circumstanceCategories.code);
  return [...circumstances, ...Object.entries(KEY_BEHAVIOURS).map(([code, label]) => ({ code, label }))];
}

/** Every student of the class with their circumstances, their key-student record and this sweep's review. Audited. */
export async function sweepClass(deps: Deps, caller: Caller, id: string, classId: number): Promise<z.infer<typeof contracts.SweepClass>> {
  const s = await sweepFor(deps.db, caller, id);
  const unit = await classFor(deps.db, caller, s, classId);
  const [list, categories] = await Promise.all([
    rows<{ id: string; name: string; circumstances: string[] | null; key_id: string | null; key_categories: string[] | null; key_level: string | null; key_status: string | null;
      e_categories: string[] | null; e_note: string | null; e_action: 'none' | 'add' | 'keep' | 'remove' | null; e_reason: string | null; e_by: string | null; e_at: Date | string | null }>(deps.db, sql`
      select s.id, s.name,
        (select array_agg(c.code order by c.code) from student_circumstances c where c.student_id = s.id) as circumstances,
        k.id as key_id, k.categories as key_categories, k.level as key_level, k.status as key_status,
        e.categories as e_categories, e.note as e_note, e.action as e_action, e.reason as e_reason, e.reviewed_by_name as e_by, e.reviewed_at as e_at
      from students s
      left join key_students k on k.student_id = s.id and k.status <> 'closed'
      left join sweep_entries e on e.sweep_id = ${id} and e.student_id = s.id
      where s.class_id = ${classId} and s.status = 'active' order by s.student_no`),
    categoriesFor(deps.db, caller.regionId),
  ]);
  const sealer = sealerFor(deps.config);
  await appendAudit(deps.db, { ...auditActor(caller), action: 'sweep.class.read', objectType: 'org_unit', objectId: String(classId), orgPath: unit.path, detail: { sweepId: id } }, deps.clock());
  return {
    sweep: toSweep(s),
    classId,
    className: unit.name ?? '',
    categories,
    students: list.map((r) => ({
      studentId: r.id,
      name: r.name,
      circumstances: r.circumstances ?? [],
      key: r.key_id ? { id: r.key_id, categories: r.key_categories ?? [], level: r.key_level!, status: r.key_status! } : null,
      entry: r.e_action ? { categories: r.e_categories ?? [], note: r.e_note ? openOrPlain(sealer, r.e_note, noteAad(id, r.id)) : '', action: r.e_action, reason: r.e_reason, reviewedByName: r.e_by, reviewedAt: new Date(r.e_at!).toISOString() } : null,
    })),
  };
}

/**
 * The head teacher's review of the whole class, in one go ("不漏一人": every active student of the
 * class, each once). Each review says what happens on the register: add (with categories and a
 * reason), keep, remove (a closure proposal with the reason, for a leader to approve) or nothing.
 * Every problem is named by student; nothing is stored if there is one.
 */
export async function reviewClass(deps: Deps, caller: Caller, id: string, classId: number, body: z.infer<typeof contracts.SweepReviewBody>) {
  const s = await sweepFor(deps.db, caller, id);
  const unit = await classFor(deps.db, caller, s, classId);
  const now = deps.clock();
  const today = cstToday(now);
  if (today < s.startDate || today > s.endDate) throw badRequest(`本次摸底排查的时间是 ${s.startDate} 至 ${s.endDate}`, { sweep: '不在排查时间内' });
  const roster = await deps.db.select({ id: students.id, name: students.name, schoolId: students.schoolId }).from(students).where(and(eq(students.classId, classId), eq(students.status, 'active')));
  const open = await deps.db.select().from(keyStudents).where(and(sql`${keyStudents.studentId} = any(${sql.param(roster.map((r) => r.id))}::uuid[])`, sql`${keyStudents.status} <> 'closed'`));
  const valid = new Set((await categoriesFor(deps.db, caller.regionId)).map((c) => c.code));
  const byId = new Map(roster.map((r) => [r.id, r]));
  const fields: Record<string, string> = {};
  const seen = new Set<string>();
  body.entries.forEach((e, i) => {
    const onRegister = open.some((k) => k.studentId === e.studentId);
    if (!byId.has(e.studentId)) fields[`entries.${i}.studentId`] = '不是本班学生';
    else if (seen.has(e.studentId)) fields[`entries.${i}.studentId`] = '重复';
    else if (e.categories.some((c) => !valid.has(c))) fields[`entries.${i}.categories`] = '有不认识的类别';
    else if (e.action === 'add' && (onRegister || !e.categories.length || !e.reason)) fields[`entries.${i}.action`] = onRegister ? '已在重点学生名单中，请选择「保留」' : '列入名单需要类别和理由';
    else if ((e.action === 'keep' || e.action === 'remove') && !onRegister) fields[`entries.${i}.action`] = '不在重点学生名单中';
    else if (e.action === 'remove' && !e.reason) fields[`entries.${i}.reason`] = '移出名单需要理由';
    seen.add(e.studentId);
  });
  const missing = roster.filter((r) => !seen.has(r.id));
  if (missing.length) fields.entries = `还有 ${missing.length} 名学生没有排查：${missing.slice(0, 10).map((m) => m.name).join('、')}${missing.length > 10 ? ' …' : ''}`;
  if (Object.keys(fields).length) throw badRequest(missing.length ? '不漏一人：请排查全班每一名学生' : '排查有误，请检查标出的学生', fields);
  const sealer = sealerFor(deps.config);
  await deps.db.transaction(async (tx) => {
    for (const e of body.entries) {
      const note = e.note ? sealer.seal(e.note, noteAad(id, e.studentId)) : '';
      await tx.insert(sweepEntries).values({ sweepId: id, studentId: e.studentId, classId, schoolId: byId.get(e.studentId)!.schoolId, categories: e.categories, note, action: e.action, reason: e.reason ?? null, reviewedByName: caller.displayName, reviewedAt: now })
        .onConflictDoUpdate({ target: [sweepEntries.sweepId, sweepEntries.studentId], set: { categories: e.categories, note, action: e.action, reason: e.reason ?? null, reviewedByName: caller.displayName, reviewedAt: now } });
      const key = open.find((k) => k.studentId === e.studentId);
      if (e.action === 'add') {
        await registerKeyStudent(tx, { regionId: caller.regionId, schoolId: byId.get(e.studentId)!.schoolId, studentId: e.studentId, categories: e.categories, level: 'yellow', source: 'sweep', reason: e.reason!, actorName: caller.displayName, now, sealer: sealerFor(deps.config) });
      } else if (e.action === 'keep' && key) {
        await tx.insert(keyStudentEvents).values({ keyStudentId: key.id, kind: 'kept_by_sweep', actorName: caller.displayName, detail: { sweepId: id, categories: e.categories, reason: e.reason ?? null }, at: now });
      } else if (e.action === 'remove' && key && key.status === 'active') {
        // removal goes through closure (销号): a leader approves it
        await tx.update(keyStudents).set({ status: 'closure_proposed', closureSummary: `摸底排查建议移出：${e.reason}`, proposedBy: caller.accountId, proposedByName: caller.displayName, proposedAt: now, updatedAt: now }).where(eq(keyStudents.id, key.id));
        await tx.insert(keyStudentEvents).values({ keyStudentId: key.id, kind: 'closure_proposed', actorName: caller.displayName, detail: { sweepId: id, summary: e.reason }, at: now });
      }
    }
    await appendAudit(tx, { ...auditActor(caller), action: 'sweep.review', objectType: 'org_unit', objectId: String(classId), orgPath: unit.path, detail: { sweepId: id, students: body.entries.length, added: body.entries.filter((e) => e.action === 'add').length, removed: body.entries.filter((e) => e.action === 'remove').length } }, now);
  });
  return sweepClass(deps, caller, id, classId);
}

/** How far a sweep has come under a unit: students reviewed per child unit, and classes finished. Counts only. */
export async function sweepCompletion(deps: Deps, caller: Caller, id: string, unitId: number): Promise<z.infer<typeof contracts.SweepCompletion>> {
  const s = await sweepFor(deps.db, caller, id);
  const scope = scopeOf(caller, 'sweep.progress');
  const unit = (await deps.db.select().from(orgUnits).where(and(eq(orgUnits.id, unitId), eq(orgUnits.regionId, caller.regionId), inScope(scope, orgUnits.path))))[0];
  if (!unit || !(unit.path.startsWith(s.ownerPath) || s.ownerPath.startsWith(unit.path))) throw notFound();
  const { kind: childKind, idSql: childSql } = childGrouping(unit, 'st');
  const prefix = `${unit.path}%`;
  const grouped = await rows<{ child_id: number | null; class_id: number; students: number; reviewed: number }>(deps.db, sql`
    select ${childSql} as child_id, st.class_id, count(*)::int as students, count(e.id)::int as reviewed
    from students st left join sweep_entries e on e.sweep_id = ${id} and e.student_id = st.id
    where st.region_id = ${caller.regionId} and st.status = 'active' and st.org_path like ${prefix} and st.org_path like ${`${s.ownerPath}%`}
    group by 1, 2`);
  const children = await deps.db.select({ id: orgUnits.id, name: childKind === 'class' ? sql<string>`${classWithGrade}` : orgUnits.name }).from(orgUnits)
    .where(and(eq(orgUnits.kind, childKind), sql`${orgUnits.path} like ${prefix}`, eq(orgUnits.active, true))).orderBy(orgUnits.path);
  const rowsOut = children.map((c) => {
    const mine = grouped.filter((g) => g.child_id === c.id);
    return { unitId: c.id, name: c.name, students: mine.reduce((n, g) => n + g.students, 0), reviewed: mine.reduce((n, g) => n + g.reviewed, 0), classes: mine.length, classesDone: mine.filter((g) => g.reviewed === g.students).length };
  });
  await appendAudit(deps.db, { ...auditActor(caller), action: 'sweep.completion.read', objectType: 'org_unit', objectId: String(unit.id), orgPath: unit.path, detail: { sweepId: id } }, deps.clock());
  return { unit: { id: unit.id, name: unit.name, kind: unit.kind }, students: grouped.reduce((n, g) => n + g.students, 0), reviewed: grouped.reduce((n, g) => n + g.reviewed, 0), rows: rowsOut };
}
