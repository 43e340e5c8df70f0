/**
 * Psych-committee daily reports (心理委员每日报告): a committee member tells in under a minute
 * whether their class is all well or names classmates they worry about; repeated or serious
 * mentions become signals to the warning network by the region's rule; head teachers and
 * counselors see which classes reported on which school days. A committee member sees only their
 * own class's names and their own reports.
 */
import {
  COMMITTEE_CATEGORIES,
  DEFAULT_COMMITTEE_RULE,
  committeeSignal,
  isSchoolDay,
  lastSchoolDays,
  schoolDaysBetween,
  type CommitteeCategory,
  type CommitteeRule,
  type SchoolCalendar,
  type contracts,
} from '@xinyu/core';
import { and, desc, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { rows, type Db } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { AppError, badRequest, notFound } from '../../http/errors.js';
import { inScope, requireRegionWide, scopeOf } from '../access/service.js';
import { appendAudit } from '../audit/service.js';
import { auditActor } from '../org/service.js';
import { orgUnits, students } from '../org/tables.js';
import { cstToday } from '../screening/campaigns.js';
import { raiseAlert } from '../warning/service.js';
import { calendarDays, committeeConcerns, committeeReports, committeeRules, committeeTrainings, schoolTerms } from './tables.js';

type Report = z.infer<typeof contracts.CommitteeReport>;

// --- calendar and rule ----------------------------------------------------------------------------

/** The region's calendar. Without any term configured, every weekday counts as a school day. */
export async function calendarFor(db: Db, regionId: number): Promise<SchoolCalendar> {
  const [terms, days] = await Promise.all([
    db.select().from(schoolTerms).where(eq(schoolTerms.regionId, regionId)).orderBy(schoolTerms.startDate),
    db.select().from(calendarDays).where(eq(calendarDays.regionId, regionId)),
  ]);
  return {
    terms: terms.length ? terms.map((t) => ({ name: t.name, start: t.startDate, end: t.endDate })) : [{ name: '全年', start: '2000-01-01', end: '2099-12-31' }],
    days: days.map((d) => ({ date: d.date, kind: d.kind, ...(d.label ? { label: d.label } : {}) })),
  };
}

export async function getCalendar(deps: Deps, caller: Caller): Promise<z.infer<typeof contracts.SchoolCalendarBody>> {
  const [terms, days] = await Promise.all([
    deps.db.select().from(schoolTerms).where(eq(schoolTerms.regionId, caller.regionId)).orderBy(schoolTerms.startDate),
    deps.db.select().from(calendarDays).where(eq(calendarDays.regionId, caller.regionId)).orderBy(calendarDays.date),
  ]);
  return { terms: terms.map((t) => ({ name: t.name, start: t.startDate, end: t.endDate })), days: days.map((d) => ({ date: d.date, kind: d.kind, ...(d.label ? { label: d.label } : {}) })) };
}

/** Replaces the region's terms and special days (one transaction; a term ending before it starts is refused). */
export async function putCalendar(deps: Deps, caller: Caller, body: z.infer<typeof contracts.SchoolCalendarBody>) {
  requireRegionWide(caller);
  const fields: Record<string, string> = {};
  body.terms.forEach((t, i) => {
    if (t.end < t.start) fields[`terms.${i}.end`] = '结束日期早于开始日期';
  });
  const seen = new Set<string>();
  body.days.forEach((d, i) => {
    if (seen.has(d.date)) fields[`days.${i}.date`] = '这一天重复了';
    seen.add(d.date);
  });
  if (Object.keys(fields).length) throw badRequest('校历有误，请检查标出的项', fields);
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    await tx.delete(schoolTerms).where(eq(schoolTerms.regionId, caller.regionId));
    await tx.delete(calendarDays).where(eq(calendarDays.regionId, caller.regionId));
    if (body.terms.length) await tx.insert(schoolTerms).values(body.terms.map((t) => ({ regionId: caller.regionId, name: t.name, startDate: t.start, endDate: t.end })));
    if (body.days.length) await tx.insert(calendarDays).values(body.days.map((d) => ({ regionId: caller.regionId, date: d.date, kind: d.kind, label: d.label ?? null })));
    await appendAudit(tx, { ...auditActor(caller), action: 'calendar.update', objectType: 'region', objectId: String(caller.regionId), detail: { terms: body.terms.length, days: body.days.length } }, now);
  });
  return getCalendar(deps, caller);
}

export async function ruleFor(db: Db, regionId: number): Promise<CommitteeRule> {
  const found = await db.select({ rule: committeeRules.rule }).from(committeeRules).where(eq(committeeRules.regionId, regionId));
  return (found[0]?.rule as CommitteeRule | undefined) ?? DEFAULT_COMMITTEE_RULE;
}

export async function putRule(deps: Deps, caller: Caller, rule: CommitteeRule, problems: string[]): Promise<CommitteeRule> {
  requireRegionWide(caller);
  if (problems.length) throw badRequest(problems[0]!, Object.fromEntries(problems.map((p, i) => [`rule.${i}`, p])));
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    await tx.insert(committeeRules).values({ regionId: caller.regionId, rule, updatedBy: caller.displayName, updatedAt: now })
      .onConflictDoUpdate({ target: committeeRules.regionId, set: { rule, updatedBy: caller.displayName, updatedAt: now } });
    await appendAudit(tx, { ...auditActor(caller), action: 'committee.rule.update', objectType: 'region', objectId: String(caller.regionId), detail: { rule } }, now);
  });
  return rule;
}

// --- the committee member -------------------------------------------------------------------------

/** The classes the caller is a committee member of (with themselves as the reporter). */
function memberships(caller: Caller): { classId: number; studentId: string }[] {
  return caller.assignments.filter((a) => a.role === 'committee' && a.orgUnitId != null && a.studentId).map((a) => ({ classId: a.orgUnitId!, studentId: a.studentId! }));
}

async function reportsWithConcerns(db: Db, where: ReturnType<typeof and>, limit: number): Promise<Report[]> {
  const list = await db.select().from(committeeReports).where(where).orderBy(desc(committeeReports.date), desc(committeeReports.submittedAt)).limit(limit);
  if (!list.length) return [];
  const concerns = await db
    .select({ reportId: committeeConcerns.reportId, studentId: committeeConcerns.studentId, name: students.name, category: committeeConcerns.category, observation: committeeConcerns.observation })
    .from(committeeConcerns)
    .innerJoin(students, eq(students.id, committeeConcerns.studentId))
    .where(inArray(committeeConcerns.reportId, list.map((r) => r.id)))
    .orderBy(committeeConcerns.id);
  return list.map((r) => ({
    id: r.id,
    classId: r.classId,
    date: r.date,
    status: r.status,
    concerns: concerns.filter((c) => c.reportId === r.id).map((c) => ({ studentId: c.studentId, name: c.name, category: c.category, observation: c.observation })),
    reporterName: r.reporterName,
    submittedAt: r.submittedAt.toISOString(),
  }));
}

/** A committee member's page: their classes with classmates' names, today's report, their recent ones. */
export async function myCommittee(deps: Deps, caller: Caller): Promise<z.infer<typeof contracts.MyCommittee>> {
  scopeOf(caller, 'committee.report');
  const mine = memberships(caller);
  const today = cstToday(deps.clock());
  const cal = await calendarFor(deps.db, caller.regionId);
  const classIds = mine.map((m) => m.classId);
  const [units, mates, recent] = await Promise.all([
    classIds.length ? deps.db.select({ id: orgUnits.id, name: orgUnits.name }).from(orgUnits).where(inArray(orgUnits.id, classIds)) : Promise.resolve([]),
    classIds.length
      ? deps.db.select({ id: students.id, name: students.name, classId: students.classId }).from(students)
          .where(and(inArray(students.classId, classIds), eq(students.status, 'active'))).orderBy(students.studentNo)
      : Promise.resolve([]),
    mine.length ? reportsWithConcerns(deps.db, and(inArray(committeeReports.reporterStudentId, mine.map((m) => m.studentId)), inArray(committeeReports.classId, classIds)), 20) : Promise.resolve([]),
  ]);
  return {
    today,
    schoolDay: isSchoolDay(today, cal),
    classes: mine.map((m) => ({
      classId: m.classId,
      className: units.find((u) => u.id === m.classId)?.name ?? '',
      // their classmates, not themselves
      classmates: mates.filter((s) => s.classId === m.classId && s.id !== m.studentId).map((s) => ({ id: s.id, name: s.name })),
      today: recent.find((r) => r.classId === m.classId && r.date === today) ?? null,
    })),
    recent,
  };
}

/**
 * Today's report. The client's id makes it idempotent; a second report the same day (another id)
 * replaces the first. Each named classmate is checked against the region's rule with every
 * mention of them in the class over the rule's window; a rule that fires sends one signal per
 * classmate per day to the warning network (source 心理委员报告).
 */
export async function submitReport(deps: Deps, caller: Caller, body: z.infer<typeof contracts.CommitteeReportBody>): Promise<z.infer<typeof contracts.CommitteeSubmitResult>> {
  scopeOf(caller, 'committee.report');
  const member = memberships(caller).find((m) => m.classId === body.classId);
  if (!member) throw notFound();
  const earlier = (await deps.db.select().from(committeeReports).where(eq(committeeReports.clientId, body.clientId)))[0];
  if (earlier) {
    if (earlier.reporterAccountId !== caller.accountId) throw new AppError(409, 'client_id_reused', '提交编号重复，请刷新页面后重新提交');
    const [report] = await reportsWithConcerns(deps.db, eq(committeeReports.id, earlier.id), 1);
    return { report: report!, duplicate: true, replaced: false };
  }
  if (body.status === 'all_well' && body.concerns.length) throw badRequest('选择了「一切正常」就不要再填同学', { concerns: '一切正常时不填写' });
  if (body.status === 'concerns' && !body.concerns.length) throw badRequest('请至少选择一名同学，或选择「一切正常」', { concerns: '请选择同学' });
  const classmates = await deps.db.select({ id: students.id, schoolId: students.schoolId, orgPath: students.orgPath })
    .from(students).where(and(eq(students.classId, body.classId), eq(students.status, 'active')));
  const byId = new Map(classmates.map((s) => [s.id, s]));
  const fields: Record<string, string> = {};
  const named = new Set<string>();
  body.concerns.forEach((c, i) => {
    if (!byId.has(c.studentId) || c.studentId === member.studentId) fields[`concerns.${i}.studentId`] = '不是本班同学';
    else if (named.has(c.studentId)) fields[`concerns.${i}.studentId`] = '这位同学已经填过了';
    named.add(c.studentId);
  });
  if (Object.keys(fields).length) throw badRequest('有同学填写有误', fields);
  const reporter = byId.get(member.studentId) ?? (await deps.db.select({ id: students.id, schoolId: students.schoolId, orgPath: students.orgPath }).from(students).where(eq(students.id, member.studentId)))[0];
  if (!reporter) throw notFound();
  const now = deps.clock();
  const today = cstToday(now);
  const [cal, rule] = await Promise.all([calendarFor(deps.db, caller.regionId), ruleFor(deps.db, caller.regionId)]);
  let replaced = false;
  const reportId = await deps.db.transaction(async (tx) => {
    // one report per member, class and day: a later one replaces the earlier (the row is locked meanwhile)
    const existing = (await tx.select().from(committeeReports)
      .where(and(eq(committeeReports.reporterStudentId, member.studentId), eq(committeeReports.classId, body.classId), eq(committeeReports.date, today))).for('update'))[0];
    let id: string;
    if (existing) {
      replaced = true;
      id = existing.id;
      await tx.update(committeeReports).set({ status: body.status, clientId: body.clientId, submittedAt: now }).where(eq(committeeReports.id, id));
      await tx.delete(committeeConcerns).where(eq(committeeConcerns.reportId, id));
    } else {
      const inserted = await rows<{ id: string }>(tx, sql`
        insert into committee_reports (region_id, school_id, class_id, reporter_student_id, reporter_account_id, reporter_name, date, status, client_id, submitted_at)
        values (${caller.regionId}, ${reporter.schoolId}, ${body.classId}, ${member.studentId}, ${caller.accountId}, ${caller.displayName}, ${today}, ${body.status}, ${body.clientId}, ${now})
        on conflict do nothing returning id`);
      // a concurrent double submit: the other one stored it
      if (!inserted[0]) throw new AppError(409, 'changed', '刚刚已经提交过了，请刷新后查看');
      id = inserted[0].id;
    }
    if (body.concerns.length) {
      await tx.insert(committeeConcerns).values(body.concerns.map((c) => ({ reportId: id, regionId: caller.regionId, classId: body.classId, studentId: c.studentId, date: today, category: c.category, observation: c.observation })));
    }
    await fireRules(tx, deps, caller, body.classId, today, [...named], cal, rule, now);
    await appendAudit(tx, { ...auditActor(caller), action: 'committee.report', objectType: 'org_unit', objectId: String(body.classId), orgPath: reporter.orgPath, detail: { reportId: id, status: body.status, named: named.size, replaced } }, now);
    return id;
  });
  const [report] = await reportsWithConcerns(deps.db, eq(committeeReports.id, reportId), 1);
  return { report: report!, duplicate: false, replaced };
}

/** Applies the rule to each named classmate, with every mention of them in the class over the rule's window. */
async function fireRules(tx: Db, deps: Deps, caller: Caller, classId: number, today: string, named: string[], cal: SchoolCalendar, rule: CommitteeRule, now: Date): Promise<void> {
  if (!named.length) return;
  const window = lastSchoolDays(today, rule.windowDays, cal);
  const from = window[0] ?? today;
  const mentions = await tx
    .select({ studentId: committeeConcerns.studentId, date: committeeConcerns.date, category: committeeConcerns.category, observation: committeeConcerns.observation })
    .from(committeeConcerns)
    .where(and(eq(committeeConcerns.classId, classId), inArray(committeeConcerns.studentId, named), gte(committeeConcerns.date, from), lte(committeeConcerns.date, today)));
  const people = await tx.select({ id: students.id, schoolId: students.schoolId, orgPath: students.orgPath }).from(students).where(inArray(students.id, named));
  for (const student of people) {
    const own = mentions.filter((m) => m.studentId === student.id);
    const todays = own.filter((m) => m.date === today);
    const signal = committeeSignal(own.map((m) => m.date), todays.map((m) => m.category as CommitteeCategory), today, cal, rule);
    if (!signal) continue;
    await raiseAlert(tx, deps, {
      regionId: caller.regionId,
      studentId: student.id,
      schoolId: student.schoolId,
      classId,
      orgPath: student.orgPath,
      source: 'committee',
      // one signal per classmate per day, however many members name them
      sourceRef: `${student.id}:${today}`,
      level: signal.level,
      critical: signal.reason === 'immediate' && signal.level === 'red',
      evidence: {
        description: todays.map((m) => `${COMMITTEE_CATEGORIES[m.category as CommitteeCategory] ?? m.category}${m.observation ? `：${m.observation}` : ''}`).join('；'),
        category: [...new Set(todays.map((m) => COMMITTEE_CATEGORIES[m.category as CommitteeCategory] ?? m.category))].join('、'),
        days: signal.days,
        rule: signal.reason === 'immediate' ? '严重情况，立即上报' : `近 ${rule.windowDays} 个上学日中有 ${signal.days} 天被提到`,
      },
      reportedBy: caller.accountId,
      reporterName: `心理委员 ${caller.displayName}`,
      now,
    });
  }
}

// --- head teachers, counselors, leaders -----------------------------------------------------------

/** Classes in scope under a unit: who their committee members are, and on which school days they reported. */
export async function committeeStatus(deps: Deps, caller: Caller, q: z.infer<typeof contracts.CommitteeStatusQuery>): Promise<z.infer<typeof contracts.CommitteeStatus>> {
  const scope = scopeOf(caller, 'committee.read');
  if (q.to < q.from) throw badRequest('结束日期早于开始日期', { to: '早于开始日期' });
  if (Date.parse(q.to) - Date.parse(q.from) > 120 * 86_400_000) throw badRequest('一次最多查看 120 天', { to: '范围过大' });
  const unit = (await deps.db.select().from(orgUnits).where(and(eq(orgUnits.id, q.unitId), eq(orgUnits.regionId, caller.regionId), inScope(scope, orgUnits.path))))[0];
  if (!unit) throw notFound();
  const cal = await calendarFor(deps.db, caller.regionId);
  const today = cstToday(deps.clock());
  // days still to come are not missing
  const days = schoolDaysBetween(q.from, q.to < today ? q.to : today, cal);
  const classes = await rows<{ id: number; name: string }>(deps.db, sql`
    select id, name from org_units where kind = 'class' and active and path like ${`${unit.path}%`} and ${inScope(scope, sql`path`)} order by path limit 500`);
  if (!classes.length) return { from: q.from, to: q.to, schoolDays: days, classes: [] };
  const ids = classes.map((c) => c.id);
  const [members, reported, concerns] = await Promise.all([
    rows<{ class_id: number; student_id: string; name: string }>(deps.db, sql`
      select ra.org_unit_id as class_id, s.id as student_id, s.name from role_assignments ra join students s on s.id = ra.student_id
      where ra.role = 'committee' and ra.org_unit_id = any(${sql.param(ids)}::int[]) order by s.student_no`),
    rows<{ class_id: number; date: string }>(deps.db, sql`
      select distinct class_id, date::text as date from committee_reports where class_id = any(${sql.param(ids)}::int[]) and date between ${q.from} and ${q.to}`),
    rows<{ class_id: number; n: number }>(deps.db, sql`
      select class_id, count(*)::int as n from committee_concerns where class_id = any(${sql.param(ids)}::int[]) and date between ${q.from} and ${q.to} group by class_id`),
  ]);
  await appendAudit(deps.db, { ...auditActor(caller), action: 'committee.status.read', objectType: 'org_unit', objectId: String(unit.id), orgPath: unit.path, detail: { from: q.from, to: q.to } }, deps.clock());
  return {
    from: q.from,
    to: q.to,
    schoolDays: days,
    classes: classes.map((c) => {
      const done = new Set(reported.filter((r) => r.class_id === c.id).map((r) => r.date));
      return {
        classId: c.id,
        className: c.name,
        members: members.filter((m) => m.class_id === c.id).map((m) => ({ studentId: m.student_id, name: m.name })),
        schoolDays: days.length,
        reported: days.filter((d) => done.has(d)).length,
        missing: days.filter((d) => !done.has(d)),
        concerns: concerns.find((x) => x.class_id === c.id)?.n ?? 0,
      };
    }),
  };
}

/** A class's reports over a period, with the classmates named. Audited (names and worries of minors). */
export async function classReports(deps: Deps, caller: Caller, q: z.infer<typeof contracts.CommitteeReportsQuery>): Promise<Report[]> {
  const scope = scopeOf(caller, 'committee.read');
  const unit = (await deps.db.select().from(orgUnits).where(and(eq(orgUnits.id, q.classId), eq(orgUnits.kind, 'class'), eq(orgUnits.regionId, caller.regionId), inScope(scope, orgUnits.path))))[0];
  if (!unit) throw notFound();
  const list = await reportsWithConcerns(deps.db, and(eq(committeeReports.classId, q.classId), gte(committeeReports.date, q.from), lte(committeeReports.date, q.to)), 500);
  await appendAudit(deps.db, { ...auditActor(caller), action: 'committee.reports.read', objectType: 'org_unit', objectId: String(unit.id), orgPath: unit.path, detail: { from: q.from, to: q.to, rows: list.length } }, deps.clock());
  return list;
}

// --- training -------------------------------------------------------------------------------------

/** Records a training for committee members of classes in the caller's scope. */
export async function addTraining(deps: Deps, caller: Caller, body: z.infer<typeof contracts.CommitteeTrainingBody>) {
  const scope = scopeOf(caller, 'committee.manage');
  const members = await rows<{ student_id: string }>(deps.db, sql`
    select distinct ra.student_id from role_assignments ra join org_units u on u.id = ra.org_unit_id
    where ra.role = 'committee' and ra.student_id = any(${sql.param(body.studentIds)}::uuid[]) and ${inScope(scope, sql`u.path`)}`);
  const ok = new Set(members.map((m) => m.student_id));
  const fields = Object.fromEntries(body.studentIds.map((id, i) => [`studentIds.${i}`, id] as const).filter(([, id]) => !ok.has(id)).map(([k]) => [k, '不是本校的心理委员']));
  if (Object.keys(fields).length) throw badRequest('有学生不是本校的心理委员', fields);
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    await tx.insert(committeeTrainings).values(body.studentIds.map((studentId) => ({ regionId: caller.regionId, studentId, term: body.term, date: body.date, topic: body.topic, hours: body.hours, recordedByName: caller.displayName })));
    await appendAudit(tx, { ...auditActor(caller), action: 'committee.training.add', objectType: 'student', detail: { students: body.studentIds.length, term: body.term, topic: body.topic } }, now);
  });
  return listTrainings(deps, caller);
}

export async function listTrainings(deps: Deps, caller: Caller): Promise<z.infer<typeof contracts.CommitteeTraining>[]> {
  const scope = scopeOf(caller, 'committee.manage');
  const found = await rows<{ id: string; student_id: string; name: string; class_name: string | null; term: string; date: string; topic: string; hours: number | string }>(deps.db, sql`
    select t.id, t.student_id, s.name, c.name as class_name, t.term, t.date::text as date, t.topic, t.hours
    from committee_trainings t join students s on s.id = t.student_id left join org_units c on c.id = s.class_id
    where t.region_id = ${caller.regionId} and ${inScope(scope, sql`s.org_path`)} order by t.date desc, s.student_no limit 1000`);
  return found.map((t) => ({ id: t.id, studentId: t.student_id, name: t.name, className: t.class_name ?? '', term: t.term, date: t.date, topic: t.topic, hours: Number(t.hours) }));
}
