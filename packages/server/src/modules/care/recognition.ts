/**
 * Recognition of care work. Each quarter a school leader nominates growth-diary entries of the
 * quarter as excellent diaries (优秀成长日记); the bureau reviews a de-identified copy taken at
 * nomination (student's name, class, 学籍号 and family phones masked; the student's id never
 * leaves the server) and selects. Each year the school nominates care teachers for the 爱心教师
 * list with a summary and figures computed from the records; the bureau approves; the approved
 * list and the selected diaries are published to the region's staff.
 */
import { deidentify, quarterBounds, quarterOf, type contracts, type HonourFigures, type Permission, type Scope } from '@xinyu/core';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import { rows, type Db } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { AppError, badRequest, notFound } from '../../http/errors.js';
import { hasPermission, inScope, scopeOf } from '../access/service.js';
import { openOrPlain, sealerFor } from '../../lib/sealed.js';
import { openJson } from '../../lib/sealed-fields.js';
import { appendAudit } from '../audit/service.js';
import { notify } from '../notify/service.js';
import { auditActor, classNameOf } from '../org/service.js';
import { orgUnits } from '../org/tables.js';
import { cstToday } from '../screening/campaigns.js';
import { diaryAad } from './service.js';
import { careHonours, diaryNominations } from './tables.js';

type Nomination = z.infer<typeof contracts.DiaryNomination>;
type HonourOut = z.infer<typeof contracts.Honour>;

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

/** A school the caller nominates for (care.nominate reaches it), or 404. */
async function nominatingSchool(db: Db, caller: Caller, schoolId: number) {
  const unit = (await db.select().from(orgUnits).where(and(eq(orgUnits.id, schoolId), eq(orgUnits.kind, 'school'), eq(orgUnits.regionId, caller.regionId), inScope(scopeOf(caller, 'care.nominate'), orgUnits.path))))[0];
  if (!unit) throw notFound();
  return unit;
}

/** Nominations the caller may read: the bureau's (care.select) and the school's own (care.nominate). */
function readableNominations(caller: Caller, column: SQL): SQL {
  const paths = (['care.select', 'care.nominate'] as Permission[]).filter((p) => hasPermission(caller, p)).flatMap((p) => scopeOf(caller, p).orgPaths);
  const scope: Scope = { orgPaths: [...new Set(paths)], studentIds: [] };
  return inScope(scope, column);
}

// --- excellent diaries ----------------------------------------------------------------------------

/** The school's diary entries of the current quarter, with the student's name (the leader reads the school's care records). */
export async function nominableEntries(deps: Deps, caller: Caller, schoolId: number): Promise<z.infer<typeof contracts.NominableEntry>[]> {
  const school = await nominatingSchool(deps.db, caller, schoolId);
  const { from, until } = quarterBounds(quarterOf(cstToday(deps.clock())));
  const found = await rows<{ id: string; key_student_id: string; student_name: string; author_name: string; kind: Nomination['kind']; date: string; note: string; nominated: boolean; student_id: string }>(deps.db, sql`
    select d.id, d.key_student_id, s.name as student_name, d.author_name, d.kind, d.date::text as date, d.note, d.student_id,
      exists (select 1 from diary_nominations n where n.diary_entry_id = d.id) as nominated
    from diary_entries d join key_students k on k.id = d.key_student_id join students s on s.id = d.student_id
    where k.school_id = ${schoolId} and d.date >= ${from} and d.date < ${until}
    order by d.date desc, d.created_at desc limit 300`);
  await appendAudit(deps.db, { ...auditActor(caller), action: 'care.diary.nominable.read', objectType: 'org_unit', objectId: String(schoolId), orgPath: school.path, detail: { rows: found.length, studentIds: [...new Set(found.map((f) => f.student_id))] } }, deps.clock());
  const sealer = sealerFor(deps.config);
  return found.map((f) => ({ id: f.id, keyStudentId: f.key_student_id, studentName: f.student_name, authorName: f.author_name, kind: f.kind, date: f.date, note: openOrPlain(sealer, f.note, diaryAad(f.id, 'note')), nominated: f.nominated }));
}

async function nominationRows(db: Db, where: SQL): Promise<Nomination[]> {
  const found = await rows<{ id: string; quarter: string; school_id: number; school_name: string; author_name: string; kind: Nomination['kind']; entry_date: string; fields: Record<string, string>; note: string; recommendation: string; nominated_by_name: string | null; nominated_at: Date | string; status: Nomination['status']; reviewed_by_name: string | null; review_note: string | null }>(db, sql`
    select n.id, n.quarter, n.school_id, u.name as school_name, n.author_name, n.kind, n.entry_date::text as entry_date, n.fields, n.note, n.recommendation,
      n.nominated_by_name, n.nominated_at, n.status, n.reviewed_by_name, n.review_note
    from diary_nominations n join org_units u on u.id = n.school_id where ${where}
    order by n.quarter desc, u.name, n.nominated_at limit 500`);
  return found.map((f) => ({
    id: f.id, quarter: f.quarter, schoolId: f.school_id, schoolName: f.school_name, authorName: f.author_name, kind: f.kind, entryDate: f.entry_date, fields: f.fields, note: f.note,
    recommendation: f.recommendation, nominatedByName: f.nominated_by_name, nominatedAt: iso(f.nominated_at)!, status: f.status, reviewedByName: f.reviewed_by_name, reviewNote: f.review_note,
  }));
}

/**
 * Nominates an entry of the current quarter; the copy the bureau will read is de-identified now.
 * Nominating the same entry again changes nothing.
 */
export async function nominateDiary(deps: Deps, caller: Caller, body: z.infer<typeof contracts.NominateDiaryBody>): Promise<Nomination> {
  const e = (await rows<{ id: string; school_id: number; date: string; kind: string; fields: unknown; note: string; author_account_id: string; author_name: string; student_id: string; student_name: string; student_no: string; class_full: string | null; class_short: string | null; phones: string[] | null }>(deps.db, sql`
    select d.id, k.school_id, d.date::text as date, d.kind, d.fields, d.note, d.author_account_id, d.author_name, s.id as student_id, s.name as student_name, s.student_no,
      ${classNameOf('s.class_id')} as class_full,
      (select c.name from org_units c where c.id = s.class_id) as class_short,
      (select array_agg(g.phone) from student_guardians sg join guardians g on g.id = sg.guardian_id where sg.student_id = s.id and g.phone is not null) as phones
    from diary_entries d join key_students k on k.id = d.key_student_id join students s on s.id = d.student_id
    where d.id = ${body.diaryEntryId} and d.region_id = ${caller.regionId}`))[0];
  if (!e) throw notFound();
  const school = await nominatingSchool(deps.db, caller, e.school_id);
  const now = deps.clock();
  const quarter = quarterOf(cstToday(now));
  if (quarterOf(e.date) !== quarter) throw badRequest('只能推荐本季度的成长日记', { diaryEntryId: '不是本季度的日记' });
  const ids = { name: e.student_name, classNames: [e.class_full ?? '', e.class_short ?? ''], numbers: [e.student_no, ...(e.phones ?? [])] };
  // the entry's text is sealed (care/service.ts); the nomination holds the de-identified copy the bureau reviews and publishes
  const sealer = sealerFor(deps.config);
  const entryFields = openJson<Record<string, string>>(sealer, e.fields, diaryAad(e.id, 'fields')) ?? {};
  const entryNote = openOrPlain(sealer, e.note, diaryAad(e.id, 'note'));
  const fields = Object.fromEntries(Object.entries(entryFields).map(([k, v]) => [k, deidentify(v, ids)]));
  const id = await deps.db.transaction(async (tx) => {
    const inserted = await tx.insert(diaryNominations).values({
      regionId: caller.regionId, schoolId: e.school_id, schoolPath: school.path, diaryEntryId: e.id, quarter, authorAccountId: e.author_account_id, authorName: e.author_name,
      kind: e.kind, entryDate: e.date, fields, note: deidentify(entryNote, ids), recommendation: deidentify(body.recommendation, ids), nominatedByName: caller.displayName, nominatedAt: now,
    }).onConflictDoNothing().returning({ id: diaryNominations.id });
    if (!inserted[0]) return (await tx.select({ id: diaryNominations.id }).from(diaryNominations).where(eq(diaryNominations.diaryEntryId, e.id)))[0]!.id;
    await appendAudit(tx, { ...auditActor(caller), action: 'care.diary.nominate', objectType: 'student', objectId: e.student_id, orgPath: school.path, detail: { entryId: e.id, nominationId: inserted[0].id, quarter } }, now);
    return inserted[0].id;
  });
  return (await nominationRows(deps.db, sql`n.id = ${id}`))[0]!;
}

export async function listNominations(deps: Deps, caller: Caller, q: z.infer<typeof contracts.NominationQuery>): Promise<Nomination[]> {
  const conds: SQL[] = [sql`n.region_id = ${caller.regionId}`, readableNominations(caller, sql`n.school_path`)];
  if (q.quarter) conds.push(sql`n.quarter = ${q.quarter}`);
  if (q.status !== 'all') conds.push(sql`n.status = ${q.status}`);
  return nominationRows(deps.db, sql.join(conds, sql` and `));
}

export async function reviewNomination(deps: Deps, caller: Caller, id: string, body: z.infer<typeof contracts.ReviewNominationBody>): Promise<Nomination> {
  const n = (await deps.db.select().from(diaryNominations).where(and(eq(diaryNominations.id, id), eq(diaryNominations.regionId, caller.regionId), inScope(scopeOf(caller, 'care.select'), diaryNominations.schoolPath))))[0];
  if (!n) throw notFound();
  if (n.status !== 'nominated') throw new AppError(409, 'invalid_transition', '这篇日记已评审');
  const now = deps.clock();
  const status = body.decision === 'select' ? 'selected' : 'not_selected';
  await deps.db.transaction(async (tx) => {
    const updated = await tx.update(diaryNominations).set({ status, reviewedByName: caller.displayName, reviewedAt: now, reviewNote: body.note || null })
      .where(and(eq(diaryNominations.id, id), eq(diaryNominations.status, 'nominated'))).returning({ id: diaryNominations.id });
    if (!updated[0]) throw new AppError(409, 'changed', '这篇日记刚被他人评审过，请刷新');
    if (status === 'selected') await notify(tx, deps, { regionId: caller.regionId, accountIds: [n.authorAccountId], kind: 'care.diary_selected', title: `您的成长日记获评 ${n.quarter} 优秀成长日记`, link: '/care/honours', objectType: 'diary_nomination', objectId: id }, now);
    await appendAudit(tx, { ...auditActor(caller), action: `care.diary.${body.decision}`, objectType: 'diary_nomination', objectId: id, orgPath: n.schoolPath, detail: { quarter: n.quarter } }, now);
  });
  return (await nominationRows(deps.db, sql`n.id = ${id}`))[0]!;
}

// --- 爱心教师 -------------------------------------------------------------------------------------

function yearBounds(year: number): { from: Date; until: Date } {
  return { from: new Date(`${year}-01-01T00:00:00+08:00`), until: new Date(`${year + 1}-01-01T00:00:00+08:00`) };
}

/**
 * A teacher's year at a school, from the records: students cared for (any part of the year),
 * diary entries written, and students closed (销号) while in their care.
 */
async function figuresOf(db: Db, schoolId: number, year: number, accountIds: string[]): Promise<Map<string, HonourFigures>> {
  const out = new Map<string, HonourFigures>();
  if (!accountIds.length) return out;
  const { from, until } = yearBounds(year);
  const found = await rows<{ account_id: string; students: number; entries: number; closures: number }>(db, sql`
    select a.id as account_id,
      (select count(distinct c.student_id)::int from care_assignments c join key_students k on k.id = c.key_student_id
        where c.account_id = a.id and k.school_id = ${schoolId} and c.start_date < ${cstDate(until)} and (c.ended_at is null or c.ended_at >= ${from})) as students,
      (select count(*)::int from diary_entries d join key_students k on k.id = d.key_student_id
        where d.author_account_id = a.id and k.school_id = ${schoolId} and d.date >= ${cstDate(from)} and d.date < ${cstDate(until)}) as entries,
      (select count(*)::int from care_assignments c join key_students k on k.id = c.key_student_id
        where c.account_id = a.id and k.school_id = ${schoolId} and c.end_reason = '销号' and c.ended_at >= ${from} and c.ended_at < ${until}) as closures
    from accounts a where a.id = any(${sql.param(accountIds)}::uuid[])`);
  for (const f of found) out.set(f.account_id, { studentsCared: f.students, diaryEntries: f.entries, closures: f.closures });
  return out;
}

const cstDate = (d: Date) => cstToday(d);

/** The school's care teachers of a year (anyone who cared for one of its key students), with their figures. */
export async function honourCandidates(deps: Deps, caller: Caller, q: z.infer<typeof contracts.HonourCandidateQuery>): Promise<z.infer<typeof contracts.HonourCandidate>[]> {
  await nominatingSchool(deps.db, caller, q.schoolId);
  const { from, until } = yearBounds(q.year);
  const teachers = await rows<{ account_id: string; name: string; nominated: boolean }>(deps.db, sql`
    select a.id as account_id, a.display_name as name,
      exists (select 1 from care_honours h where h.account_id = a.id and h.year = ${q.year} and h.status <> 'declined') as nominated
    from accounts a where a.id in (
      select c.account_id from care_assignments c join key_students k on k.id = c.key_student_id
      where k.school_id = ${q.schoolId} and c.start_date < ${cstDate(until)} and (c.ended_at is null or c.ended_at >= ${from}))
    order by a.display_name`);
  const figures = await figuresOf(deps.db, q.schoolId, q.year, teachers.map((t) => t.account_id));
  return teachers
    .map((t) => ({ accountId: t.account_id, name: t.name, nominated: t.nominated, figures: figures.get(t.account_id)! }))
    .sort((a, b) => b.figures.studentsCared + b.figures.diaryEntries - (a.figures.studentsCared + a.figures.diaryEntries));
}

async function honourRows(db: Db, where: SQL): Promise<HonourOut[]> {
  const found = await db.select({ h: careHonours, schoolName: orgUnits.name }).from(careHonours).innerJoin(orgUnits, eq(orgUnits.id, careHonours.schoolId)).where(where).orderBy(sql`${careHonours.year} desc`, orgUnits.name, careHonours.teacherName);
  const live = new Map<string, HonourFigures>();
  for (const h of found.filter((f) => !f.h.figures)) {
    const m = await figuresOf(db, h.h.schoolId, h.h.year, [h.h.accountId]);
    live.set(h.h.id, m.get(h.h.accountId) ?? { studentsCared: 0, diaryEntries: 0, closures: 0 });
  }
  return found.map(({ h, schoolName }) => ({
    id: h.id, year: h.year, schoolId: h.schoolId, schoolName, accountId: h.accountId, teacherName: h.teacherName, summary: h.summary,
    figures: (h.figures as HonourFigures | null) ?? live.get(h.id)!, nominatedByName: h.nominatedByName, nominatedAt: h.nominatedAt.toISOString(), status: h.status,
    reviewedByName: h.reviewedByName, reviewNote: h.reviewNote,
  }));
}

/** The school nominates one of its care teachers of the year (once a year per teacher, unless declined). */
export async function nominateHonour(deps: Deps, caller: Caller, body: z.infer<typeof contracts.NominateHonourBody>): Promise<HonourOut> {
  const school = await nominatingSchool(deps.db, caller, body.schoolId);
  const year = Number(cstToday(deps.clock()).slice(0, 4));
  if (body.year > year || body.year < year - 1) throw badRequest('只能推荐今年或去年的爱心教师', { year: `应为 ${year - 1} 或 ${year}` });
  const candidate = (await honourCandidates(deps, caller, { schoolId: body.schoolId, year: body.year })).find((c) => c.accountId === body.accountId);
  if (!candidate) throw badRequest('只能推荐这一年在本校包保过学生的教师', { accountId: '这一年没有在本校包保学生' });
  const now = deps.clock();
  const id = await deps.db.transaction(async (tx) => {
    const inserted = await tx.insert(careHonours).values({ regionId: caller.regionId, schoolId: body.schoolId, schoolPath: school.path, year: body.year, accountId: body.accountId, teacherName: candidate.name, summary: body.summary, nominatedByName: caller.displayName, nominatedAt: now })
      .onConflictDoNothing().returning({ id: careHonours.id });
    if (!inserted[0]) throw new AppError(409, 'already_nominated', `${candidate.name}已被推荐为 ${body.year} 年爱心教师`, { accountId: '已推荐' });
    await appendAudit(tx, { ...auditActor(caller), action: 'care.honour.nominate', objectType: 'account', objectId: body.accountId, orgPath: school.path, detail: { year: body.year, honourId: inserted[0].id } }, now);
    return inserted[0].id;
  });
  return (await honourRows(deps.db, eq(careHonours.id, id)))[0]!;
}

export async function listHonours(deps: Deps, caller: Caller, q: z.infer<typeof contracts.HonourQuery>): Promise<HonourOut[]> {
  const conds: SQL[] = [eq(careHonours.regionId, caller.regionId), readableNominations(caller, sql`${careHonours.schoolPath}`)];
  if (q.year) conds.push(eq(careHonours.year, q.year));
  if (q.status !== 'all') conds.push(eq(careHonours.status, q.status));
  return honourRows(deps.db, and(...conds)!);
}

/** The bureau approves or declines; the figures are frozen as they stand at the decision. */
export async function reviewHonour(deps: Deps, caller: Caller, id: string, body: z.infer<typeof contracts.ReviewHonourBody>): Promise<HonourOut> {
  const h = (await deps.db.select().from(careHonours).where(and(eq(careHonours.id, id), eq(careHonours.regionId, caller.regionId), inScope(scopeOf(caller, 'care.select'), careHonours.schoolPath))))[0];
  if (!h) throw notFound();
  if (h.status !== 'nominated') throw new AppError(409, 'invalid_transition', '这项推荐已审核');
  const figures = (await figuresOf(deps.db, h.schoolId, h.year, [h.accountId])).get(h.accountId)!;
  const now = deps.clock();
  const status = body.decision === 'approve' ? 'approved' : 'declined';
  await deps.db.transaction(async (tx) => {
    const updated = await tx.update(careHonours).set({ status, figures, reviewedByName: caller.displayName, reviewedAt: now, reviewNote: body.note || null })
      .where(and(eq(careHonours.id, id), eq(careHonours.status, 'nominated'))).returning({ id: careHonours.id });
    if (!updated[0]) throw new AppError(409, 'changed', '这项推荐刚被他人审核过，请刷新');
    if (status === 'approved') await notify(tx, deps, { regionId: caller.regionId, accountIds: [h.accountId], kind: 'care.honour_approved', title: `您被评为 ${h.year} 年爱心教师`, link: '/care/honours', objectType: 'care_honour', objectId: id }, now);
    await appendAudit(tx, { ...auditActor(caller), action: `care.honour.${body.decision}`, objectType: 'account', objectId: h.accountId, orgPath: h.schoolPath, detail: { year: h.year, honourId: id, figures } }, now);
  });
  return (await honourRows(deps.db, eq(careHonours.id, id)))[0]!;
}

/** The published lists of the region for a year: approved 爱心教师 and the diaries selected in its quarters. */
export async function honourRoll(deps: Deps, caller: Caller, year: number): Promise<z.infer<typeof contracts.HonourRoll>> {
  scopeOf(caller, 'care.honours');
  const [teachers, diaries] = await Promise.all([
    honourRows(deps.db, and(eq(careHonours.regionId, caller.regionId), eq(careHonours.year, year), eq(careHonours.status, 'approved'))!),
    nominationRows(deps.db, sql`n.region_id = ${caller.regionId} and n.status = 'selected' and n.quarter like ${`${year}Q%`}`),
  ]);
  return {
    year,
    teachers: teachers.map((t) => ({ schoolName: t.schoolName, teacherName: t.teacherName, summary: t.summary, figures: t.figures })),
    diaries: diaries.map((d) => ({ id: d.id, quarter: d.quarter, schoolName: d.schoolName, authorName: d.authorName, kind: d.kind, entryDate: d.entryDate, fields: d.fields, note: d.note, recommendation: d.recommendation })),
  };
}
