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
import { and, desc, eq, gte, inArray, lte, or, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { rows, type Db } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { AppError, badRequest, notFound } from '../../http/errors.js';
import { inScope, requireRegionWide, scopeOf } from '../access/service.js';
import { appendAudit } from '../audit/service.js';
import { auditActor } from '../org/service.js';
import { hashPassword } from '../auth/passwords.js';
import { accounts } from '../auth/tables.js';
import { roleAssignments } from '../access/tables.js';
import { notify } from '../notify/service.js';
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

/**
 * The dormitories the caller is 宿舍心理委员 of: a `committee` role bound to a dormitory, while
 * their own student still lives there (moving out ends it without anyone having to remember).
 */
async function dormMemberships(db: Db, caller: Caller): Promise<{ dormitoryId: number; studentId: string; name: string }[]> {
  if (!caller.roles.includes('committee')) return [];
  const found = await rows<{ dormitory_id: number; student_id: string; name: string }>(db, sql`
    select ra.dormitory_id, ra.student_id, d.name from role_assignments ra
    join students s on s.id = ra.student_id and s.dormitory_id = ra.dormitory_id and s.status = 'active'
    join dormitories d on d.id = ra.dormitory_id
    where ra.account_id = ${caller.accountId} and ra.role = 'committee' and ra.dormitory_id is not null and d.region_id = ${caller.regionId}
    order by d.name`);
  return found.map((m) => ({ dormitoryId: m.dormitory_id, studentId: m.student_id, name: m.name }));
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
    dormitoryId: r.dormitoryId,
    date: r.date,
    status: r.status,
    concerns: concerns.filter((c) => c.reportId === r.id).map((c) => ({ studentId: c.studentId, name: c.name, category: c.category, observation: c.observation })),
    reporterName: r.reporterName,
    submittedAt: r.submittedAt.toISOString(),
  }));
}

/**
 * A committee member's page: their classes with classmates' names and, for a 宿舍心理委员, their
 * dormitories with dorm-mates' names; today's report of each; their recent ones.
 */
export async function myCommittee(deps: Deps, caller: Caller): Promise<z.infer<typeof contracts.MyCommittee>> {
  scopeOf(caller, 'committee.report');
  const mine = memberships(caller);
  const dorms = await dormMemberships(deps.db, caller);
  const today = cstToday(deps.clock());
  const cal = await calendarFor(deps.db, caller.regionId);
  const classIds = mine.map((m) => m.classId);
  const dormIds = dorms.map((d) => d.dormitoryId);
  const own = [
    ...(mine.length ? [and(inArray(committeeReports.reporterStudentId, mine.map((m) => m.studentId)), inArray(committeeReports.classId, classIds))] : []),
    ...(dorms.length ? [and(inArray(committeeReports.reporterStudentId, dorms.map((m) => m.studentId)), inArray(committeeReports.dormitoryId, dormIds))] : []),
  ];
  const [units, mates, dormMates, recent] = await Promise.all([
    classIds.length ? deps.db.select({ id: orgUnits.id, name: orgUnits.name }).from(orgUnits).where(inArray(orgUnits.id, classIds)) : Promise.resolve([]),
    classIds.length
      ? deps.db.select({ id: students.id, name: students.name, classId: students.classId }).from(students)
          .where(and(inArray(students.classId, classIds), eq(students.status, 'active'))).orderBy(students.studentNo)
      : Promise.resolve([]),
    dormIds.length
      ? deps.db.select({ id: students.id, name: students.name, dormitoryId: students.dormitoryId }).from(students)
          .where(and(inArray(students.dormitoryId, dormIds), eq(students.status, 'active'))).orderBy(students.studentNo)
      : Promise.resolve([]),
    own.length ? reportsWithConcerns(deps.db, or(...own), 20) : Promise.resolve([]),
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
    dormitories: dorms.map((d) => ({
      dormitoryId: d.dormitoryId,
      name: d.name,
      // names only, and not themselves
      dormMates: dormMates.filter((s) => s.dormitoryId === d.dormitoryId && s.id !== d.studentId).map((s) => ({ id: s.id, name: s.name })),
      today: recent.find((r) => r.dormitoryId === d.dormitoryId && r.date === today) ?? null,
    })),
    recent,
  };
}

/**
 * Today's report, about a class (班级心理委员) or a dormitory (宿舍心理委员). The client's id makes it
 * idempotent; a second report the same day (another id) replaces the first. Each named student is
 * checked against the region's rule with every mention of them over the rule's window, from class
 * and dormitory reports alike; a rule that fires sends one signal per student, day and level to
 * the warning network (source 心理委员报告).
 */
export async function submitReport(deps: Deps, caller: Caller, body: z.infer<typeof contracts.CommitteeReportBody>): Promise<z.infer<typeof contracts.CommitteeSubmitResult>> {
  scopeOf(caller, 'committee.report');
  const dormitoryId = body.dormitoryId ?? null;
  const classId = dormitoryId == null ? (body.classId ?? null) : null;
  const member = classId != null
    ? memberships(caller).find((m) => m.classId === classId)
    : (await dormMemberships(deps.db, caller)).find((m) => m.dormitoryId === dormitoryId);
  if (!member) throw notFound();
  const earlier = (await deps.db.select().from(committeeReports).where(eq(committeeReports.clientId, body.clientId)))[0];
  if (earlier) {
    if (earlier.reporterAccountId !== caller.accountId) throw new AppError(409, 'client_id_reused', '提交编号重复，请刷新页面后重新提交');
    const [report] = await reportsWithConcerns(deps.db, eq(committeeReports.id, earlier.id), 1);
    return { report: report!, duplicate: true, replaced: false };
  }
  if (body.status === 'all_well' && body.concerns.length) throw badRequest('选择了「一切正常」就不要再填同学', { concerns: '一切正常时不填写' });
  if (body.status === 'concerns' && !body.concerns.length) throw badRequest('请至少选择一名同学，或选择「一切正常」', { concerns: '请选择同学' });
  // the class's students, or those living in the dormitory: nobody else may be named
  const mates = await deps.db.select({ id: students.id, schoolId: students.schoolId, orgPath: students.orgPath })
    .from(students).where(and(classId != null ? eq(students.classId, classId) : eq(students.dormitoryId, dormitoryId!), eq(students.status, 'active')));
  const byId = new Map(mates.map((s) => [s.id, s]));
  const fields: Record<string, string> = {};
  const named = new Set<string>();
  body.concerns.forEach((c, i) => {
    if (!byId.has(c.studentId) || c.studentId === member.studentId) fields[`concerns.${i}.studentId`] = classId != null ? '不是本班同学' : '不是本宿舍同学';
    else if (named.has(c.studentId)) fields[`concerns.${i}.studentId`] = '这位同学已经填过了';
    named.add(c.studentId);
  });
  if (Object.keys(fields).length) throw badRequest('有同学填写有误', fields);
  const reporter = byId.get(member.studentId) ?? (await deps.db.select({ id: students.id, schoolId: students.schoolId, orgPath: students.orgPath }).from(students).where(eq(students.id, member.studentId)))[0];
  if (!reporter) throw notFound();
  const now = deps.clock();
  const today = cstToday(now);
  const [cal, rule] = await Promise.all([calendarFor(deps.db, caller.regionId), ruleFor(deps.db, caller.regionId)]);
  const unitOf = classId != null ? eq(committeeReports.classId, classId) : eq(committeeReports.dormitoryId, dormitoryId!);
  let replaced = false;
  const reportId = await deps.db.transaction(async (tx) => {
    // one report per member, unit and day: a later one replaces the earlier (the row is locked meanwhile)
    const existing = (await tx.select().from(committeeReports)
      .where(and(eq(committeeReports.reporterStudentId, member.studentId), unitOf, eq(committeeReports.date, today))).for('update'))[0];
    let id: string;
    if (existing) {
      replaced = true;
      id = existing.id;
      await tx.update(committeeReports).set({ status: body.status, clientId: body.clientId, submittedAt: now }).where(eq(committeeReports.id, id));
      await tx.delete(committeeConcerns).where(eq(committeeConcerns.reportId, id));
    } else {
      const inserted = await rows<{ id: string }>(tx, sql`
        insert into committee_reports (region_id, school_id, class_id, dormitory_id, reporter_student_id, reporter_account_id, reporter_name, date, status, client_id, submitted_at)
        values (${caller.regionId}, ${reporter.schoolId}, ${classId}, ${dormitoryId}, ${member.studentId}, ${caller.accountId}, ${caller.displayName}, ${today}, ${body.status}, ${body.clientId}, ${now})
        on conflict do nothing returning id`);
      // a concurrent double submit: the other one stored it
      if (!inserted[0]) throw new AppError(409, 'changed', '刚刚已经提交过了，请刷新后查看');
      id = inserted[0].id;
    }
    if (body.concerns.length) {
      await tx.insert(committeeConcerns).values(body.concerns.map((c) => ({ reportId: id, regionId: caller.regionId, classId, dormitoryId, studentId: c.studentId, date: today, category: c.category, observation: c.observation })));
    }
    await fireRules(tx, deps, caller, classId != null ? '心理委员' : '宿舍心理委员', today, [...named], cal, rule, now);
    await appendAudit(tx, {
      ...auditActor(caller),
      action: 'committee.report',
      objectType: classId != null ? 'org_unit' : 'dormitory',
      objectId: String(classId ?? dormitoryId),
      orgPath: reporter.orgPath,
      detail: { reportId: id, status: body.status, named: named.size, replaced },
    }, now);
    return id;
  });
  const [report] = await reportsWithConcerns(deps.db, eq(committeeReports.id, reportId), 1);
  return { report: report!, duplicate: false, replaced };
}

/**
 * Applies the rule to each named student, with every mention of them over the rule's window in
 * class and dormitory reports alike (a worry seen in class on Monday and in the dorm on Tuesday is
 * two days). The alert is filed under the student's own class.
 */
async function fireRules(tx: Db, deps: Deps, caller: Caller, reporterTitle: string, today: string, named: string[], cal: SchoolCalendar, rule: CommitteeRule, now: Date): Promise<void> {
  if (!named.length) return;
  const window = lastSchoolDays(today, rule.windowDays, cal);
  const from = window[0] ?? today;
  const mentions = await tx
    .select({ studentId: committeeConcerns.studentId, date: committeeConcerns.date, category: committeeConcerns.category, observation: committeeConcerns.observation, dorm: committeeConcerns.dormitoryId })
    .from(committeeConcerns)
    .where(and(inArray(committeeConcerns.studentId, named), gte(committeeConcerns.date, from), lte(committeeConcerns.date, today)));
  const people = await tx.select({ id: students.id, schoolId: students.schoolId, classId: students.classId, orgPath: students.orgPath }).from(students).where(inArray(students.id, named));
  for (const student of people) {
    const own = mentions.filter((m) => m.studentId === student.id);
    const todays = own.filter((m) => m.date === today);
    const signal = committeeSignal(own.map((m) => m.date), todays.map((m) => m.category as CommitteeCategory), today, cal, rule);
    if (!signal) continue;
    await raiseAlert(tx, deps, {
      regionId: caller.regionId,
      studentId: student.id,
      schoolId: student.schoolId,
      classId: student.classId,
      orgPath: student.orgPath,
      source: 'committee',
      // one signal per student, day and level, however many members name them (a graver one still gets through)
      sourceRef: `${student.id}:${today}:${signal.level}`,
      level: signal.level,
      critical: signal.reason === 'immediate' && signal.level === 'red',
      evidence: {
        description: todays.map((m) => `${m.dorm != null ? '（宿舍）' : ''}${COMMITTEE_CATEGORIES[m.category as CommitteeCategory] ?? m.category}${m.observation ? `：${m.observation}` : ''}`).join('；'),
        category: [...new Set(todays.map((m) => COMMITTEE_CATEGORIES[m.category as CommitteeCategory] ?? m.category))].join('、'),
        days: signal.days,
        rule: signal.reason === 'immediate' ? '严重情况，立即上报' : `近 ${rule.windowDays} 个上学日中有 ${signal.days} 天被提到`,
      },
      reportedBy: caller.accountId,
      reporterName: `${reporterTitle} ${caller.displayName}`,
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
  // a school's dormitories, for those who read the whole school (a head teacher's scope is a class)
  const dorms = unit.kind === 'school' ? await dormStatus(deps.db, unit.id, q.from, q.to, days) : [];
  if (!classes.length) return { from: q.from, to: q.to, schoolDays: days, classes: [], dormitories: dorms };
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
    dormitories: dorms,
  };
}

/** A school's dormitories with residents: their 宿舍心理委员, the school days they reported on, the concerns. */
async function dormStatus(db: Db, schoolId: number, from: string, to: string, days: string[]): Promise<z.infer<typeof contracts.CommitteeDormStatus>[]> {
  const dorms = await rows<{ id: number; name: string; residents: number }>(db, sql`
    select d.id, d.name, count(s.id)::int as residents from dormitories d join students s on s.dormitory_id = d.id and s.status = 'active'
    where d.school_id = ${schoolId} group by d.id, d.name order by d.name limit 2000`);
  if (!dorms.length) return [];
  const ids = dorms.map((d) => d.id);
  const [members, reported, concerns] = await Promise.all([
    rows<{ dormitory_id: number; student_id: string; name: string; class_name: string | null }>(db, sql`
      select ra.dormitory_id, s.id as student_id, s.name, c.name as class_name from role_assignments ra
      join students s on s.id = ra.student_id and s.dormitory_id = ra.dormitory_id and s.status = 'active' left join org_units c on c.id = s.class_id
      where ra.role = 'committee' and ra.dormitory_id = any(${sql.param(ids)}::int[]) order by s.student_no`),
    rows<{ dormitory_id: number; date: string }>(db, sql`
      select distinct dormitory_id, date::text as date from committee_reports where dormitory_id = any(${sql.param(ids)}::int[]) and date between ${from} and ${to}`),
    rows<{ dormitory_id: number; n: number }>(db, sql`
      select dormitory_id, count(*)::int as n from committee_concerns where dormitory_id = any(${sql.param(ids)}::int[]) and date between ${from} and ${to} group by dormitory_id`),
  ]);
  return dorms.map((d) => {
    const done = new Set(reported.filter((r) => r.dormitory_id === d.id).map((r) => r.date));
    return {
      dormitoryId: d.id,
      name: d.name,
      residents: d.residents,
      members: members.filter((m) => m.dormitory_id === d.id).map((m) => ({ studentId: m.student_id, name: m.name, className: m.class_name ?? '' })),
      schoolDays: days.length,
      reported: days.filter((x) => done.has(x)).length,
      missing: days.filter((x) => !done.has(x)),
      concerns: concerns.find((x) => x.dormitory_id === d.id)?.n ?? 0,
    };
  });
}

/** A dormitory whose school lies inside the caller's scope for a permission (a class-bound scope never reaches it), or 404. */
async function dormInScope(db: Db, caller: Caller, dormitoryId: number, permission: 'committee.read' | 'committee.manage') {
  const scope = scopeOf(caller, permission);
  const found = await rows<{ id: number; name: string; school_id: number; school_path: string }>(db, sql`
    select d.id, d.name, d.school_id, u.path as school_path from dormitories d join org_units u on u.id = d.school_id
    where d.id = ${dormitoryId} and d.region_id = ${caller.regionId} and ${inScope(scope, sql`u.path`)}`);
  if (!found[0]) throw notFound();
  return found[0];
}

/** A dormitory's reports over a period, with the dorm-mates named (counselors and leaders). Audited. */
export async function dormReports(deps: Deps, caller: Caller, q: z.infer<typeof contracts.CommitteeDormReportsQuery>): Promise<Report[]> {
  const dorm = await dormInScope(deps.db, caller, q.dormitoryId, 'committee.read');
  const list = await reportsWithConcerns(deps.db, and(eq(committeeReports.dormitoryId, dorm.id), gte(committeeReports.date, q.from), lte(committeeReports.date, q.to)), 500);
  await appendAudit(deps.db, { ...auditActor(caller), action: 'committee.reports.read', objectType: 'dormitory', objectId: String(dorm.id), orgPath: dorm.school_path, detail: { from: q.from, to: q.to, rows: list.length } }, deps.clock());
  return list;
}

// --- appointing 宿舍心理委员 ----------------------------------------------------------------------

/** The boarding students of a dormitory, and which of them are its committee members. */
export async function dormResidents(deps: Deps, caller: Caller, dormitoryId: number): Promise<z.infer<typeof contracts.DormResidents>> {
  const dorm = await dormInScope(deps.db, caller, dormitoryId, 'committee.manage');
  const list = await rows<{ id: string; name: string; class_name: string | null; member: boolean }>(deps.db, sql`
    select s.id, s.name, c.name as class_name,
      exists (select 1 from role_assignments ra where ra.role = 'committee' and ra.dormitory_id = ${dorm.id} and ra.student_id = s.id) as member
    from students s left join org_units c on c.id = s.class_id
    where s.dormitory_id = ${dorm.id} and s.status = 'active' order by s.student_no limit 200`);
  return { dormitoryId: dorm.id, name: dorm.name, residents: list.map((r) => ({ studentId: r.id, name: r.name, className: r.class_name ?? '', member: r.member })) };
}

/**
 * Appoints a student living in the dormitory as its 宿舍心理委员: a `committee` role bound to the
 * student and the dormitory on the student's own account. A student who has never signed in gets
 * the same account the class code would create (no password anyone knows).
 */
export async function appointDormMember(deps: Deps, caller: Caller, dormitoryId: number, body: z.infer<typeof contracts.DormMemberBody>) {
  const dorm = await dormInScope(deps.db, caller, dormitoryId, 'committee.manage');
  const student = (await deps.db.select().from(students).where(and(eq(students.id, body.studentId), eq(students.dormitoryId, dorm.id), eq(students.status, 'active'))))[0];
  if (!student) throw badRequest('这名学生不住在这个宿舍', { studentId: '请选择住在本宿舍的学生' });
  const now = deps.clock();
  const password = await hashPassword(crypto.randomUUID() + crypto.randomUUID());
  await deps.db.transaction(async (tx) => {
    let account = (await tx.select({ id: accounts.id, disabled: accounts.disabled }).from(accounts).where(eq(accounts.studentId, student.id)))[0];
    if (account?.disabled) throw badRequest('这名学生的账号已停用', { studentId: '账号已停用' });
    if (!account) {
      const [created] = await tx.insert(accounts)
        .values({ regionId: student.regionId, username: `stu-${student.studentNo.toLowerCase()}`, studentNo: student.studentNo, displayName: student.name, passwordHash: password, studentId: student.id, createdAt: now })
        .onConflictDoNothing().returning({ id: accounts.id, disabled: accounts.disabled });
      if (!created) throw new AppError(409, 'conflict', '账号冲突，请联系管理员');
      await tx.insert(roleAssignments).values({ regionId: student.regionId, accountId: created.id, role: 'student', studentId: student.id, grantedBy: caller.accountId, createdAt: now });
      account = created;
    }
    const dup = await tx.select({ id: roleAssignments.id }).from(roleAssignments)
      .where(and(eq(roleAssignments.accountId, account.id), eq(roleAssignments.role, 'committee'), eq(roleAssignments.dormitoryId, dorm.id), eq(roleAssignments.studentId, student.id)));
    if (!dup.length) {
      await tx.insert(roleAssignments).values({ regionId: student.regionId, accountId: account.id, role: 'committee', studentId: student.id, dormitoryId: dorm.id, grantedBy: caller.accountId, createdAt: now });
      await notify(tx, deps, { regionId: student.regionId, accountIds: [account.id], kind: 'role.grant', title: `您成为了${dorm.name}宿舍的心理委员`, body: `任命人：${caller.displayName}`, link: '/m/committee' }, now);
    }
    await appendAudit(tx, { ...auditActor(caller), action: 'committee.dorm.appoint', objectType: 'dormitory', objectId: String(dorm.id), orgPath: student.orgPath, detail: { studentId: student.id, already: dup.length > 0 } }, now);
  });
  return dormResidents(deps, caller, dorm.id);
}

/** Ends a 宿舍心理委员's appointment (their reports stay). */
export async function removeDormMember(deps: Deps, caller: Caller, dormitoryId: number, studentId: string) {
  const dorm = await dormInScope(deps.db, caller, dormitoryId, 'committee.manage');
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    const gone = await tx.delete(roleAssignments)
      .where(and(eq(roleAssignments.role, 'committee'), eq(roleAssignments.dormitoryId, dorm.id), eq(roleAssignments.studentId, studentId)))
      .returning({ id: roleAssignments.id });
    if (!gone.length) throw notFound();
    await appendAudit(tx, { ...auditActor(caller), action: 'committee.dorm.remove', objectType: 'dormitory', objectId: String(dorm.id), orgPath: dorm.school_path, detail: { studentId } }, now);
  });
  return dormResidents(deps, caller, dorm.id);
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
  // class members by their class, 宿舍心理委员 by their dormitory's school
  const members = await rows<{ student_id: string }>(deps.db, sql`
    select distinct ra.student_id from role_assignments ra left join org_units u on u.id = ra.org_unit_id
      left join dormitories d on d.id = ra.dormitory_id left join org_units ds on ds.id = d.school_id
    where ra.role = 'committee' and ra.student_id = any(${sql.param(body.studentIds)}::uuid[]) and ${inScope(scope, sql`coalesce(u.path, ds.path)`)}`);
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
