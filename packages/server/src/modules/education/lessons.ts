/**
 * Mental-health lessons (心理健康课): one per class and day, recorded by the class's head teacher (their
 * scope is the class) or the school's counselors and leaders (education.record), one at a time, in
 * bulk from a timetable, or from an .xlsx (import.ts). Compliance per class for the current term
 * (core education: a lesson in every 10 school days, ≥ 10 a term) and the bureau's per-school
 * overview. Scope is checked in the queries: a class, lesson or school outside it answers 404.
 */
import { activityCompliance, lessonCompliance, scopeFor, scopeIncludes, termOf, termSchoolDays, timetableDates, topicForWeek, mondayOf, type ActivityKind, type contracts, type SchoolCalendar, type Term } from '@xinyu/core';
import { and, asc, count, desc, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { rows, type Db } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { badRequest, conflict, notFound } from '../../http/errors.js';
import { hasPermission, inScope, scopeOf } from '../access/service.js';
import { appendAudit } from '../audit/service.js';
import { calendarDays, schoolTerms } from '../committee/tables.js';
import { auditActor } from '../org/service.js';
import { orgUnits, staff } from '../org/tables.js';
import { cstToday } from '../screening/campaigns.js';
import { educationActivities, educationClubs, educationLessons } from './tables.js';

type LessonRow = typeof educationLessons.$inferSelect;
type LessonOut = z.infer<typeof contracts.Lesson>;
/** Entries a recorder may still change or delete: their own, recorded in the last 30 days. */
export const EDIT_WINDOW_MS = 30 * 86_400_000;

export interface TermContext {
  term: Term;
  asOf: string;
  fromCalendar: boolean;
  cal: SchoolCalendar;
  days: string[];
}

/** The current term (from the region's calendar, or the fixed rule) with its school days. */
export function currentTerm(db: Db, regionId: number, now: Date): Promise<TermContext> {
  return termAt(db, regionId, cstToday(now));
}

/** The term of a day (China time), evaluated up to that day. */
export async function termAt(db: Db, regionId: number, today: string): Promise<TermContext> {
  const [terms, days] = await Promise.all([
    db.select().from(schoolTerms).where(eq(schoolTerms.regionId, regionId)).orderBy(schoolTerms.startDate),
    db.select().from(calendarDays).where(eq(calendarDays.regionId, regionId)),
  ]);
  const list = terms.map((t) => ({ name: t.name, start: t.startDate, end: t.endDate }));
  const term = termOf(today, list);
  const cal: SchoolCalendar = { terms: [term], days: days.map((d) => ({ date: d.date, kind: d.kind })) };
  return { term, asOf: today < term.end ? today : term.end, fromCalendar: list.some((t) => t.name === term.name && t.start === term.start), cal, days: termSchoolDays(term, cal) };
}

export const termInfo = (t: TermContext) => ({ ...t.term, asOf: t.asOf, fromCalendar: t.fromCalendar });

export interface ClassUnit {
  id: number;
  name: string;
  path: string;
  schoolId: number;
  gradeLevel: number | null;
}

/** Classes of the region (active) the caller reaches with `permission`, by id; unknown or out of scope → 404. */
export async function classesInScope(db: Db, caller: Caller, ids: number[], permission: 'education.read' | 'education.record'): Promise<ClassUnit[]> {
  const scope = scopeOf(caller, permission);
  const uniq = [...new Set(ids)];
  const found = await rows<{ id: number; name: string; path: string; school_id: number; grade_level: number | null; grade_name: string }>(db, sql`
    select c.id, c.name, c.path, g.parent_id as school_id, g.grade_level, g.name as grade_name
    from org_units c join org_units g on g.id = c.parent_id
    where c.id = any(${sql.param(uniq)}::int[]) and c.kind = 'class' and c.active and c.region_id = ${caller.regionId} and ${inScope(scope, sql`c.path`)}`);
  if (found.length !== uniq.length) throw notFound();
  return found.map((c) => ({ id: c.id, name: `${c.grade_name}${c.name}`, path: c.path, schoolId: c.school_id, gradeLevel: c.grade_level }));
}

/** A school the caller reaches with `permission` — the whole school, or (a head teacher) one of its classes; else 404. */
export async function schoolVisible(db: Db, caller: Caller, schoolId: number, permission: 'education.read' | 'education.record') {
  const scope = scopeOf(caller, permission);
  const found = (await db.select({ id: orgUnits.id, name: orgUnits.name, path: orgUnits.path }).from(orgUnits)
    .where(and(eq(orgUnits.id, schoolId), eq(orgUnits.kind, 'school'), eq(orgUnits.regionId, caller.regionId))))[0];
  if (!found) throw notFound();
  const whole = scope.orgPaths.some((p) => found.path.startsWith(p));
  if (!whole && !scope.orgPaths.some((p) => p.startsWith(found.path))) throw notFound();
  return { ...found, whole };
}

/** The teacher of a lesson: the given staff member of the school, or the caller (their staff record when they have one). */
async function teacherFor(db: Db, caller: Caller, schoolId: number, staffId: string | undefined): Promise<{ staffId: string | null; name: string }> {
  if (staffId) {
    const s = (await db.select({ id: staff.id, name: staff.name }).from(staff).where(and(eq(staff.id, staffId), eq(staff.schoolId, schoolId), eq(staff.active, true))))[0];
    if (!s) throw badRequest('授课教师不是本校在职教职工', { teacherStaffId: '授课教师不是本校在职教职工' });
    return { staffId: s.id, name: s.name };
  }
  const me = (await db.select({ id: staff.id, name: staff.name }).from(staff).where(and(eq(staff.accountId, caller.accountId), eq(staff.schoolId, schoolId))).limit(1))[0];
  return me ? { staffId: me.id, name: me.name } : { staffId: null, name: caller.displayName };
}

function toLesson(caller: Caller, l: LessonRow, className: string, now: Date): LessonOut {
  return {
    id: l.id,
    schoolId: l.schoolId,
    classId: l.classId,
    className,
    date: l.date,
    topic: l.topic,
    teacherStaffId: l.teacherStaffId,
    teacherName: l.teacherName,
    minutes: l.minutes,
    note: l.note,
    source: l.source,
    createdByName: l.createdByName,
    createdAt: l.createdAt.toISOString(),
    canEdit: l.createdBy === caller.accountId && now.getTime() - l.createdAt.getTime() < EDIT_WINDOW_MS,
  };
}

async function classNames(db: Db, ids: number[]): Promise<Map<number, string>> {
  if (!ids.length) return new Map();
  const list = await rows<{ id: number; name: string }>(db, sql`select c.id, g.name || c.name as name from org_units c join org_units g on g.id = c.parent_id where c.id = any(${sql.param([...new Set(ids)])}::int[])`);
  return new Map(list.map((c) => [c.id, c.name]));
}

export async function listLessons(deps: Deps, caller: Caller, q: z.infer<typeof contracts.LessonListQuery>): Promise<z.infer<typeof contracts.LessonList>> {
  const scope = scopeOf(caller, 'education.read');
  if (q.schoolId) await schoolVisible(deps.db, caller, q.schoolId, 'education.read');
  if (q.classId) await classesInScope(deps.db, caller, [q.classId], 'education.read');
  const where = and(
    eq(educationLessons.regionId, caller.regionId),
    inScope(scope, educationLessons.orgPath),
    q.schoolId ? eq(educationLessons.schoolId, q.schoolId) : undefined,
    q.classId ? eq(educationLessons.classId, q.classId) : undefined,
    q.from ? gte(educationLessons.date, q.from) : undefined,
    q.to ? lte(educationLessons.date, q.to) : undefined,
  );
  const [list, total] = await Promise.all([
    deps.db.select().from(educationLessons).where(where).orderBy(desc(educationLessons.date), asc(educationLessons.classId)).limit(q.pageSize).offset((q.page - 1) * q.pageSize),
    deps.db.select({ n: count() }).from(educationLessons).where(where),
  ]);
  const names = await classNames(deps.db, list.map((l) => l.classId));
  const now = deps.clock();
  return { items: list.map((l) => toLesson(caller, l, names.get(l.classId) ?? '', now)), total: Number(total[0]?.n ?? 0), page: q.page, pageSize: q.pageSize };
}

export async function createLesson(deps: Deps, caller: Caller, body: z.infer<typeof contracts.CreateLessonBody>): Promise<LessonOut> {
  const prior = (await deps.db.select().from(educationLessons).where(and(eq(educationLessons.clientId, body.clientId), eq(educationLessons.createdBy, caller.accountId))))[0];
  const now = deps.clock();
  if (prior) return toLesson(caller, prior, (await classNames(deps.db, [prior.classId])).get(prior.classId) ?? '', now);
  const [cls] = await classesInScope(deps.db, caller, [body.classId], 'education.record');
  if (body.date > cstToday(now)) throw badRequest('不能登记未来日期的课', { date: '不能登记未来日期的课' });
  const teacher = await teacherFor(deps.db, caller, cls!.schoolId, body.teacherStaffId);
  const row = await deps.db.transaction(async (tx) => {
    const inserted = await tx.insert(educationLessons).values({
      regionId: caller.regionId, schoolId: cls!.schoolId, classId: cls!.id, orgPath: cls!.path, date: body.date, topic: body.topic,
      teacherStaffId: teacher.staffId, teacherName: teacher.name, minutes: body.minutes, note: body.note, source: 'manual',
      clientId: body.clientId, createdBy: caller.accountId, createdByName: caller.displayName, createdAt: now, updatedAt: now,
    }).onConflictDoNothing().returning();
    if (!inserted[0]) {
      const again = (await tx.select().from(educationLessons).where(eq(educationLessons.clientId, body.clientId)))[0];
      if (again && again.createdBy === caller.accountId) return again;
      throw conflict('该班当天已有心理健康课记录', { date: '该班当天已有心理健康课记录' });
    }
    await appendAudit(tx, { ...auditActor(caller), action: 'education.lesson.create', objectType: 'education_lesson', objectId: inserted[0].id, orgPath: cls!.path, detail: { classId: cls!.id, date: body.date } }, now);
    return inserted[0];
  });
  return toLesson(caller, row, cls!.name, now);
}

/** A lesson the caller recorded in the last 30 days, in their record scope (else 404). */
async function ownLesson(deps: Deps, caller: Caller, id: string): Promise<LessonRow> {
  const scope = scopeOf(caller, 'education.record');
  const since = new Date(deps.clock().getTime() - EDIT_WINDOW_MS);
  const found = (await deps.db.select().from(educationLessons).where(and(
    eq(educationLessons.id, id), eq(educationLessons.regionId, caller.regionId), inScope(scope, educationLessons.orgPath),
    eq(educationLessons.createdBy, caller.accountId), gte(educationLessons.createdAt, since),
  )))[0];
  if (!found) throw notFound();
  return found;
}

export async function updateLesson(deps: Deps, caller: Caller, id: string, body: z.infer<typeof contracts.UpdateLessonBody>): Promise<LessonOut> {
  const l = await ownLesson(deps, caller, id);
  const now = deps.clock();
  if (body.date && body.date > cstToday(now)) throw badRequest('不能登记未来日期的课', { date: '不能登记未来日期的课' });
  const teacher = body.teacherStaffId ? await teacherFor(deps.db, caller, l.schoolId, body.teacherStaffId) : null;
  const row = await deps.db.transaction(async (tx) => {
    const { teacherStaffId: _t, ...rest } = body;
    void _t;
    const set = { ...rest, ...(teacher ? { teacherStaffId: teacher.staffId, teacherName: teacher.name } : {}), updatedAt: now };
    let updated: LessonRow[];
    try {
      updated = await tx.update(educationLessons).set(set).where(eq(educationLessons.id, l.id)).returning();
    } catch (e) {
      if (String((e as { code?: string }).code ?? (e as { cause?: { code?: string } }).cause?.code) === '23505') throw conflict('该班当天已有心理健康课记录', { date: '该班当天已有心理健康课记录' });
      throw e;
    }
    await appendAudit(tx, { ...auditActor(caller), action: 'education.lesson.update', objectType: 'education_lesson', objectId: l.id, orgPath: l.orgPath, detail: { ...body } }, now);
    return updated[0]!;
  });
  return toLesson(caller, row, (await classNames(deps.db, [row.classId])).get(row.classId) ?? '', now);
}

export async function deleteLesson(deps: Deps, caller: Caller, id: string): Promise<void> {
  const l = await ownLesson(deps, caller, id);
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    await tx.delete(educationLessons).where(eq(educationLessons.id, l.id));
    await appendAudit(tx, { ...auditActor(caller), action: 'education.lesson.delete', objectType: 'education_lesson', objectId: l.id, orgPath: l.orgPath, detail: { classId: l.classId, date: l.date, topic: l.topic } }, now);
  });
}

/** Bulk entry from a timetable: one lesson per class per matching school day; existing (class, day) pairs are kept. */
export async function bulkLessons(deps: Deps, caller: Caller, body: z.infer<typeof contracts.BulkLessonBody>): Promise<z.infer<typeof contracts.BulkLessonResult>> {
  if (body.to < body.from) throw badRequest('结束日期不能早于开始日期', { to: '结束日期不能早于开始日期' });
  if (Date.parse(body.to) - Date.parse(body.from) > 200 * 86_400_000) throw badRequest('日期范围不能超过 200 天', { to: '日期范围不能超过 200 天' });
  const now = deps.clock();
  // a lesson is recorded once given (as one at a time and the import do): lessons entered ahead would count by themselves as the days pass
  if (body.to > cstToday(now)) throw badRequest('不能登记未来日期的课，结束日期最晚为今天', { to: '不能登记未来日期的课，结束日期最晚为今天' });
  const classes = await classesInScope(deps.db, caller, body.classIds, 'education.record');
  const schools = new Set(classes.map((c) => c.schoolId));
  if (schools.size > 1) throw badRequest('一次只能为一所学校的班级批量录入', { classIds: '一次只能为一所学校的班级批量录入' });
  const schoolId = classes[0]!.schoolId;
  const [terms, days] = await Promise.all([
    deps.db.select().from(schoolTerms).where(eq(schoolTerms.regionId, caller.regionId)),
    deps.db.select().from(calendarDays).where(and(eq(calendarDays.regionId, caller.regionId), gte(calendarDays.date, body.from), lte(calendarDays.date, body.to))),
  ]);
  // school days: inside a calendar term when the calendar has terms, else any weekday of the range
  const cal: SchoolCalendar = {
    terms: terms.length ? terms.map((t) => ({ name: t.name, start: t.startDate, end: t.endDate })) : [{ name: '', start: body.from, end: body.to }],
    days: days.map((d) => ({ date: d.date, kind: d.kind })),
  };
  const dates = timetableDates(body.from, body.to, body.weekdays, cal);
  const firstMonday = mondayOf(body.from);
  const topicOf = (d: string) => topicForWeek(body.topics, Math.floor((Date.parse(mondayOf(d)) - Date.parse(firstMonday)) / (7 * 86_400_000)));
  const existing = dates.length
    ? Number((await deps.db.select({ n: count() }).from(educationLessons).where(and(inArray(educationLessons.classId, classes.map((c) => c.id)), inArray(educationLessons.date, dates))))[0]?.n ?? 0)
    : 0;
  const planned = classes.length * dates.length;
  if (body.preview || !planned) return { classes: classes.length, dates, planned, existing, created: 0 };
  const teacher = await teacherFor(deps.db, caller, schoolId, body.teacherStaffId);
  const created = await deps.db.transaction(async (tx) => {
    const values = classes.flatMap((c) => dates.map((d) => ({
      regionId: caller.regionId, schoolId, classId: c.id, orgPath: c.path, date: d, topic: topicOf(d), teacherStaffId: teacher.staffId, teacherName: teacher.name,
      minutes: body.minutes, source: 'bulk' as const, createdBy: caller.accountId, createdByName: caller.displayName, createdAt: now, updatedAt: now,
    })));
    let n = 0;
    for (let i = 0; i < values.length; i += 2000) {
      const ins = await tx.insert(educationLessons).values(values.slice(i, i + 2000)).onConflictDoNothing().returning({ id: educationLessons.id });
      n += ins.length;
    }
    const schoolPath = classes[0]!.path.split('/').slice(0, -3).join('/') + '/';
    await appendAudit(tx, { ...auditActor(caller), action: 'education.lesson.bulk', objectType: 'org_unit', objectId: String(schoolId), orgPath: schoolPath, detail: { classes: classes.length, dates: dates.length, from: body.from, to: body.to, weekdays: body.weekdays, created: n } }, now);
    return n;
  });
  return { classes: classes.length, dates, planned, existing: planned - created, created };
}

/** Lesson dates per class, in one grouped query. */
async function lessonDatesByClass(db: Db, where: ReturnType<typeof sql>, term: Term, asOf: string): Promise<Map<number, string[]>> {
  const list = await rows<{ class_id: number; dates: string[] }>(db, sql`
    select class_id, array_agg(to_char(date, 'YYYY-MM-DD') order by date) as dates from education_lessons
    where ${where} and date >= ${term.start} and date <= ${asOf} group by class_id`);
  return new Map(list.map((r) => [r.class_id, r.dates]));
}

/** The classes of a school (those in the caller's scope) with their lesson compliance this term. */
export async function schoolClasses(deps: Deps, caller: Caller, q: z.infer<typeof contracts.ClassesQuery>): Promise<z.infer<typeof contracts.SchoolClasses>> {
  const schoolId = q.schoolId ?? (await classesInScope(deps.db, caller, [q.classId!], 'education.read'))[0]!.schoolId;
  const school = await schoolVisible(deps.db, caller, schoolId, 'education.read');
  const scope = scopeOf(caller, 'education.read');
  const tc = await currentTerm(deps.db, caller.regionId, deps.clock());
  const classes = await rows<{ id: number; name: string; path: string; grade_level: number | null }>(deps.db, sql`
    select c.id, g.name || c.name as name, c.path, g.grade_level from org_units c join org_units g on g.id = c.parent_id
    where g.parent_id = ${school.id} and c.kind = 'class' and c.active and ${inScope(scope, sql`c.path`)}
    order by g.grade_level, c.class_no`);
  const byClass = await lessonDatesByClass(deps.db, sql`school_id = ${school.id}`, tc.term, tc.asOf);
  const record = hasPermission(caller, 'education.record') ? scopeFor(caller.assignments, 'education.record') : null;
  return {
    term: termInfo(tc),
    schoolId: school.id,
    schoolName: school.name,
    classes: classes.map((c) => {
      const dates = byClass.get(c.id) ?? [];
      const r = lessonCompliance(dates, tc.term, tc.cal, tc.asOf, tc.days);
      return {
        classId: c.id, className: c.name, gradeLevel: c.grade_level, lessons: r.lessons, requiredSoFar: r.requiredSoFar, longestGap: r.longestGap,
        lastLesson: dates.length ? dates[dates.length - 1]! : null, countOk: r.countOk, windowOk: r.windowOk, compliant: r.compliant,
        canRecord: record ? scopeIncludes(record, c.path) : false,
      };
    }),
  };
}

/** Per school of the caller's area (or under one unit): classes, compliant classes, activities and clubs this term. */
export async function overview(deps: Deps, caller: Caller, q: z.infer<typeof contracts.OverviewQuery>): Promise<z.infer<typeof contracts.EducationOverview>> {
  const scope = scopeOf(caller, 'education.read');
  let under: string | null = null;
  if (q.unitId) {
    const unit = (await deps.db.select({ path: orgUnits.path }).from(orgUnits).where(and(eq(orgUnits.id, q.unitId), eq(orgUnits.regionId, caller.regionId), inScope(scope, orgUnits.path))))[0];
    if (!unit) throw notFound();
    under = unit.path;
  }
  const tc = await currentTerm(deps.db, caller.regionId, deps.clock());
  const schools = await rows<{ id: number; name: string; path: string; parent_id: number | null; district: string | null }>(deps.db, sql`
    select s.id, s.name, s.path, s.parent_id, d.name as district from org_units s left join org_units d on d.id = s.parent_id and d.kind = 'district'
    where s.region_id = ${caller.regionId} and s.kind = 'school' and s.active and ${inScope(scope, sql`s.path`)}
      ${under ? sql`and s.path like ${`${under}%`}` : sql``}
    order by d.name nulls first, s.name limit 5000`);
  const figures = await schoolFigures(deps.db, caller.regionId, schools.map((s) => ({ id: s.id, path: s.path, parentId: s.parent_id })), tc);
  return {
    term: termInfo(tc),
    schools: schools.map((s) => {
      const f = figures.get(s.id)!;
      return { schoolId: s.id, schoolName: s.name, districtName: s.district ?? '', ...f };
    }),
  };
}

export interface SchoolFigures {
  classes: number;
  compliantClasses: number;
  lessons: number;
  offersLessons: boolean;
  infusion: number;
  infusionOk: boolean;
  researchMissing: string[];
  researchOk: boolean;
  themed: number;
  clubs: number;
}

/** The term's figures of many schools at once: a handful of grouped queries, no per-school query. */
export async function schoolFigures(db: Db, regionId: number, schools: { id: number; path: string; parentId: number | null }[], tc: TermContext): Promise<Map<number, SchoolFigures>> {
  const out = new Map<number, SchoolFigures>();
  if (!schools.length) return out;
  const ids = schools.map((s) => s.id);
  const unitIds = [...new Set([...ids, ...schools.flatMap((s) => (s.parentId ? [s.parentId] : []))])];
  const [classes, byClass, acts, clubs] = await Promise.all([
    rows<{ id: number; school_id: number }>(db, sql`
      select c.id, g.parent_id as school_id from org_units c join org_units g on g.id = c.parent_id
      where c.region_id = ${regionId} and c.kind = 'class' and c.active and g.parent_id = any(${sql.param(ids)}::int[])`),
    rows<{ class_id: number; school_id: number; dates: string[] }>(db, sql`
      select class_id, min(school_id) as school_id, array_agg(to_char(date, 'YYYY-MM-DD') order by date) as dates from education_lessons
      where region_id = ${regionId} and school_id = any(${sql.param(ids)}::int[]) and date >= ${tc.term.start} and date <= ${tc.asOf} group by class_id`),
    // the schools' own activities and their districts' (teaching research held for their schools)
    db.select({ unitId: educationActivities.unitId, kind: educationActivities.kind, date: educationActivities.date }).from(educationActivities)
      .where(and(eq(educationActivities.regionId, regionId), inArray(educationActivities.unitId, unitIds), gte(educationActivities.date, tc.term.start), lte(educationActivities.date, tc.asOf))),
    db.select({ schoolId: educationClubs.schoolId, n: count() }).from(educationClubs)
      .where(and(eq(educationClubs.regionId, regionId), eq(educationClubs.active, true), inArray(educationClubs.schoolId, ids))).groupBy(educationClubs.schoolId),
  ]);
  const dates = new Map(byClass.map((r) => [r.class_id, r.dates]));
  const lessonsBySchool = new Map<number, number>();
  for (const r of byClass) lessonsBySchool.set(r.school_id, (lessonsBySchool.get(r.school_id) ?? 0) + r.dates.length);
  const classesBySchool = new Map<number, number[]>();
  for (const c of classes) {
    const list = classesBySchool.get(c.school_id);
    if (list) list.push(c.id);
    else classesBySchool.set(c.school_id, [c.id]);
  }
  const actsByUnit = new Map<number, { kind: ActivityKind; date: string }[]>();
  for (const a of acts) {
    const list = actsByUnit.get(a.unitId);
    if (list) list.push({ kind: a.kind, date: a.date });
    else actsByUnit.set(a.unitId, [{ kind: a.kind, date: a.date }]);
  }
  const clubsBySchool = new Map(clubs.map((c) => [c.schoolId, Number(c.n)]));
  for (const s of schools) {
    const mine = classesBySchool.get(s.id) ?? [];
    const compliant = mine.filter((id) => lessonCompliance(dates.get(id) ?? [], tc.term, tc.cal, tc.asOf, tc.days).compliant).length;
    // the district's teaching-research activities count for each of its schools
    const own = actsByUnit.get(s.id) ?? [];
    const district = s.parentId ? (actsByUnit.get(s.parentId) ?? []).filter((a) => a.kind === 'research') : [];
    const a = activityCompliance([...own, ...district], tc.term, tc.cal, tc.asOf);
    const lessons = lessonsBySchool.get(s.id) ?? 0;
    out.set(s.id, {
      classes: mine.length, compliantClasses: compliant, lessons, offersLessons: lessons > 0,
      infusion: a.infusion, infusionOk: a.infusionOk, researchMissing: a.researchMissing, researchOk: a.researchOk, themed: a.themed, clubs: clubsBySchool.get(s.id) ?? 0,
    });
  }
  return out;
}

/** Active staff of a school, for choosing a teacher (the caller's own record flagged). */
export async function teachers(deps: Deps, caller: Caller, schoolId: number): Promise<z.infer<typeof contracts.TeacherList>> {
  const school = await schoolVisible(deps.db, caller, schoolId, 'education.record');
  const list = await deps.db.select({ id: staff.id, name: staff.name, subject: staff.subject, accountId: staff.accountId }).from(staff)
    .where(and(eq(staff.schoolId, school.id), eq(staff.active, true))).orderBy(asc(staff.name)).limit(1000);
  return { items: list.map((s) => ({ id: s.id, name: s.name, subject: s.subject, isMe: s.accountId === caller.accountId })) };
}
