/**
 * Workforce (队伍建设): certificates and training of the counselors (staff with a counselor post) and
 * head teachers, and the per-school figures — staffing rule, certification rates, level shares,
 * training hours — computed for all schools at once (core workforce has the rules).
 *
 * Who: workforce.read (the bureau its area, school leaders and counselors their school) sees the
 * list and figures; certificate numbers and evidence only to callers with workforce.manage over the
 * person's school and to the person themself. workforce.manage (school leaders their school, the
 * bureau its area) records certificates and training. Outside scope → 404, in the query. Writes are audited.
 */
import {
  bestLevel, certifiedAs, certValidOn, classifyPosts, LEVEL_TARGETS, scopeFor, scopeIncludes, staffingStatus, trainingHours, emptyTrainingHours,
  certificateProblems, type CertKind, type CertLevel, type contracts, type TrainingLevel,
} from '@xinyu/core';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { rows, type Db } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { badRequest, notFound } from '../../http/errors.js';
import { hasPermission, inScope, scopeOf } from '../access/service.js';
import { appendAudit } from '../audit/service.js';
import { schoolInScope } from '../counseling/rooms.js';
import { auditActor } from '../org/service.js';
import { orgUnits, staff } from '../org/tables.js';
import { cstToday } from '../screening/campaigns.js';
import { workforceCertificates, workforceTrainingAttendees, workforceTrainings } from './tables.js';

type Figures = Omit<z.infer<typeof contracts.WorkforceSchoolRow>, 'schoolId' | 'schoolName' | 'districtId' | 'districtName' | 'problems'>;
type CertRow = typeof workforceCertificates.$inferSelect;

const LEVEL_SQL = sql`case c.level when 'A' then 3 when 'B' then 2 when 'C' then 1 else 0 end`;

export interface StaffCounts {
  fullTime: number;
  partTime: number;
  counselorsCertified: number;
  levelC: number;
  levelB: number;
  levelA: number;
  headTeachers: number;
  headTeachersCertified: number;
  expiredCertificates: number;
  trainingHours: number;
}

export const zeroCounts = (): StaffCounts => ({ fullTime: 0, partTime: 0, counselorsCertified: 0, levelC: 0, levelB: 0, levelA: 0, headTeachers: 0, headTeachersCertified: 0, expiredCertificates: 0, trainingHours: 0 });

/**
 * The counselor and head-teacher figures of many schools in one query: each active staff member with
 * a counselor or head-teacher post counts once per group (full-time wins over part-time), with the
 * certificates valid on `asOf` and the training hours of `year` up to `asOf` (a past date does not count
 * training held after it). Same rules as core summarizeSchool.
 */
export async function staffCounts(db: Db, schoolIds: number[], asOf: string, year: number): Promise<Map<number, StaffCounts>> {
  const out = new Map<number, StaffCounts>();
  if (!schoolIds.length) return out;
  const list = await rows<{ school_id: number } & Record<string, number>>(db, sql`
    with people as (
      select s.id, s.school_id,
        bool_or(p.post in ('counselor_full', 'counselor_part')) as counselor,
        bool_or(p.post = 'counselor_full') as full_time,
        bool_or(p.post = 'head_teacher') as head
      from unnest(${sql.param(schoolIds)}::int[]) as sc(id) join staff s on s.school_id = sc.id join staff_posts p on p.staff_id = s.id
      where s.active and p.post in ('counselor_full', 'counselor_part', 'head_teacher')
      group by s.id, s.school_id
    ), certs as (
      select c.staff_id,
        bool_or(v.valid and c.kind in ('mh_teacher', 'psych_counselor')) as counselor_cert,
        bool_or(v.valid and c.kind <> 'other') as head_cert,
        coalesce(max(${LEVEL_SQL}) filter (where v.valid and c.kind = 'mh_teacher'), 0) as best,
        count(*) filter (where c.expires_on < ${asOf}::date and not v.renewed) as expired
      from workforce_certificates c
        cross join lateral (select c.issued_on <= ${asOf}::date and (c.expires_on is null or c.expires_on >= ${asOf}::date) as valid,
          exists (select 1 from workforce_certificates r where r.staff_id = c.staff_id and r.kind = c.kind and r.withdrawn_at is null
            and r.issued_on <= ${asOf}::date and (r.expires_on is null or r.expires_on >= ${asOf}::date)) as renewed) v
      where c.withdrawn_at is null and c.staff_id in (select id from people)
      group by c.staff_id
    ), hours as (
      select a.staff_id, sum(t.hours) as hours
      from workforce_training_attendees a join workforce_trainings t on t.id = a.training_id
      where a.staff_id in (select id from people) and t.date between ${`${year}-01-01`}::date and least(${asOf}::date, ${`${year}-12-31`}::date)
      group by a.staff_id
    )
    select p.school_id,
      (count(*) filter (where p.full_time))::int as "fullTime",
      (count(*) filter (where p.counselor and not p.full_time))::int as "partTime",
      (count(*) filter (where p.counselor and c.counselor_cert))::int as "counselorsCertified",
      (count(*) filter (where p.counselor and c.best >= 1))::int as "levelC",
      (count(*) filter (where p.counselor and c.best >= 2))::int as "levelB",
      (count(*) filter (where p.counselor and c.best >= 3))::int as "levelA",
      (count(*) filter (where p.head))::int as "headTeachers",
      (count(*) filter (where p.head and c.head_cert))::int as "headTeachersCertified",
      coalesce(sum(c.expired), 0)::int as "expiredCertificates",
      coalesce(sum(h.hours), 0)::float8 as "trainingHours"
    from people p left join certs c on c.staff_id = p.id left join hours h on h.staff_id = p.id
    group by p.school_id`);
  for (const r of list) {
    const { school_id: id, ...rest } = r;
    out.set(Number(id), { ...zeroCounts(), ...Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, Number(v)])) } as StaffCounts);
  }
  return out;
}

/** Figures of a school from its counts and students (the staffing rule from core). */
export function figuresOf(students: number, c: StaffCounts): Figures & { problems: string[] } {
  const s = staffingStatus(students, c.fullTime, c.partTime);
  const problems = [...s.problems];
  if (c.expiredCertificates) problems.push(`${c.expiredCertificates} 张证书已过期`);
  return {
    students, fullTime: s.fullTime, partTime: s.partTime, requiredFullTime: s.requiredFullTime, hasCounselor: s.hasCounselor, meetsRatio: s.meetsRatio, compliant: s.compliant,
    counselors: c.fullTime + c.partTime, counselorsCertified: c.counselorsCertified, levelC: c.levelC, levelB: c.levelB, levelA: c.levelA,
    headTeachers: c.headTeachers, headTeachersCertified: c.headTeachersCertified, expiredCertificates: c.expiredCertificates,
    trainingHours: Math.round(c.trainingHours * 10) / 10, problems,
  };
}

function asOfDate(now: Date, asOf?: string): string {
  const today = cstToday(now);
  if (asOf && asOf > today) throw badRequest('统计日期不能晚于今天', { asOf: '统计日期不能晚于今天' });
  return asOf ?? today;
}

async function activeStudents(db: Db, schoolIds: number[]): Promise<Map<number, number>> {
  if (!schoolIds.length) return new Map();
  const list = await rows<{ id: number; n: number }>(db, sql`select st.school_id as id, count(*)::int as n from unnest(${sql.param(schoolIds)}::int[]) as sc(id) join students st on st.school_id = sc.id where st.status = 'active' group by st.school_id`);
  return new Map(list.map((r) => [Number(r.id), Number(r.n)]));
}

/** Every school in the caller's scope (or under one unit of it) with its figures; totals are sums. */
export async function workforceOverview(deps: Deps, caller: Caller, q: z.infer<typeof contracts.WorkforceOverviewQuery>): Promise<z.infer<typeof contracts.WorkforceOverview>> {
  const scope = scopeOf(caller, 'workforce.read');
  let under: string | null = null;
  if (q.unitId) {
    const unit = (await deps.db.select({ path: orgUnits.path }).from(orgUnits).where(and(eq(orgUnits.id, q.unitId), eq(orgUnits.regionId, caller.regionId), inScope(scope, orgUnits.path))))[0];
    if (!unit) throw notFound();
    under = unit.path;
  }
  const asOf = asOfDate(deps.clock(), q.asOf);
  const year = Number(asOf.slice(0, 4));
  const schools = await rows<{ id: number; name: string; district_id: number | null; district: string | null }>(deps.db, sql`
    select s.id, s.name, d.id as district_id, d.name as district from org_units s left join org_units d on d.id = s.parent_id and d.kind = 'district'
    where s.region_id = ${caller.regionId} and s.kind = 'school' and s.active and ${inScope(scope, sql`s.path`)}
      ${under ? sql`and s.path like ${`${under}%`}` : sql``}
    order by d.name nulls first, s.name`);
  const ids = schools.map((s) => Number(s.id));
  const [counts, students] = await Promise.all([staffCounts(deps.db, ids, asOf, year), activeStudents(deps.db, ids)]);
  const list = schools.map((s) => ({
    schoolId: Number(s.id), schoolName: s.name, districtId: s.district_id == null ? null : Number(s.district_id), districtName: s.district,
    ...figuresOf(students.get(Number(s.id)) ?? 0, counts.get(Number(s.id)) ?? zeroCounts()),
  }));
  const sum = (k: keyof Figures) => list.reduce((acc, r) => acc + Number(r[k]), 0);
  const totals = {
    schools: list.length,
    schoolsWithCounselor: list.filter((r) => r.hasCounselor).length,
    schoolsCompliant: list.filter((r) => r.compliant).length,
    students: sum('students'), fullTime: sum('fullTime'), partTime: sum('partTime'), requiredFullTime: sum('requiredFullTime'),
    hasCounselor: list.every((r) => r.hasCounselor), meetsRatio: list.every((r) => r.meetsRatio), compliant: list.every((r) => r.compliant),
    counselors: sum('counselors'), counselorsCertified: sum('counselorsCertified'), levelC: sum('levelC'), levelB: sum('levelB'), levelA: sum('levelA'),
    headTeachers: sum('headTeachers'), headTeachersCertified: sum('headTeachersCertified'), expiredCertificates: sum('expiredCertificates'),
    trainingHours: Math.round(sum('trainingHours') * 10) / 10,
  };
  return { asOf, year, targets: LEVEL_TARGETS, totals, schools: list };
}

const mayManage = (caller: Caller, orgPath: string) => hasPermission(caller, 'workforce.manage') && scopeIncludes(scopeFor(caller.assignments, 'workforce.manage'), orgPath);

function certOut(c: CertRow, staffName: string, asOf: string, personal: boolean): z.infer<typeof contracts.WorkforceCertificate> {
  return {
    id: c.id, staffId: c.staffId, staffName, kind: c.kind, level: c.level, title: c.title,
    number: personal ? c.number : null, issuer: c.issuer, issuedOn: c.issuedOn, expiresOn: c.expiresOn, evidence: personal ? c.evidence : null,
    status: certValidOn(c, asOf) ? 'valid' : c.issuedOn > asOf ? 'not_yet' : 'expired',
    createdByName: c.createdByName, createdAt: c.createdAt.toISOString(),
  };
}

/** A school's counselors and head teachers with their certificates and this year's training hours. */
export async function schoolWorkforce(deps: Deps, caller: Caller, schoolId: number, q: z.infer<typeof contracts.SchoolWorkforceQuery>): Promise<z.infer<typeof contracts.SchoolWorkforce>> {
  const school = await schoolInScope(deps.db, caller, schoolId, 'workforce.read');
  const asOf = asOfDate(deps.clock(), q.asOf);
  const year = Number(asOf.slice(0, 4));
  const canManage = mayManage(caller, school.path);
  const people = await rows<{ id: string; name: string; subject: string | null; account_id: string | null; posts: string[]; classes: string[] }>(deps.db, sql`
    select s.id, s.name, s.subject, s.account_id, array_agg(distinct p.post) as posts,
      coalesce(array_agg(distinct coalesce(g.name, '') || c.name) filter (where p.post = 'head_teacher' and c.name is not null), '{}') as classes
    from staff s join staff_posts p on p.staff_id = s.id left join org_units c on c.id = p.class_id left join org_units g on g.id = c.parent_id and g.kind = 'grade'
    where s.school_id = ${school.id} and s.active and s.region_id = ${caller.regionId}
      and exists (select 1 from staff_posts q where q.staff_id = s.id and q.post in ('counselor_full', 'counselor_part', 'head_teacher'))
    group by s.id order by s.name limit 2000`);
  const ids = people.map((p) => p.id);
  const [certs, hours, counts, students, district] = await Promise.all([
    ids.length ? deps.db.select().from(workforceCertificates).where(and(inArray(workforceCertificates.staffId, ids), sql`${workforceCertificates.withdrawnAt} is null`)).orderBy(workforceCertificates.issuedOn) : Promise.resolve([]),
    ids.length ? rows<{ staff_id: string; date: string; level: TrainingLevel; hours: number }>(deps.db, sql`
      select a.staff_id, t.date::text as date, t.level, t.hours from workforce_training_attendees a join workforce_trainings t on t.id = a.training_id
      where a.staff_id = any(${sql.param(ids)}::uuid[]) and t.date between ${`${year}-01-01`}::date and ${asOf}::date`) : Promise.resolve([]),
    staffCounts(deps.db, [school.id], asOf, year),
    activeStudents(deps.db, [school.id]),
    rows<{ id: number; name: string }>(deps.db, sql`select d.id, d.name from org_units s join org_units d on d.id = s.parent_id and d.kind = 'district' where s.id = ${school.id}`),
  ]);
  const byStaff = new Map<string, CertRow[]>();
  for (const c of certs) byStaff.set(c.staffId, [...(byStaff.get(c.staffId) ?? []), c]);
  const hoursBy = trainingHours(hours.map((h) => ({ staffId: h.staff_id, date: h.date, level: h.level, hours: Number(h.hours) })), year);
  const revealed = people.filter((p) => (canManage || p.account_id === caller.accountId) && byStaff.get(p.id)?.length);
  if (revealed.length) {
    await appendAudit(deps.db, { ...auditActor(caller), action: 'workforce.read_certificates', objectType: 'school', objectId: String(school.id), orgPath: school.path, detail: { people: revealed.length } }, deps.clock());
  }
  return {
    schoolId: school.id, schoolName: school.name, asOf, year, canManage,
    summary: { schoolId: school.id, schoolName: school.name, districtId: district[0] ? Number(district[0].id) : null, districtName: district[0]?.name ?? null, ...figuresOf(students.get(school.id) ?? 0, counts.get(school.id) ?? zeroCounts()) },
    people: people.map((p) => {
      const cls = classifyPosts(p.posts);
      const mine = byStaff.get(p.id) ?? [];
      const personal = canManage || p.account_id === caller.accountId;
      const facts = mine.map((c) => ({ kind: c.kind as CertKind, level: c.level as CertLevel | null, issuedOn: c.issuedOn, expiresOn: c.expiresOn }));
      return {
        staffId: p.id, name: p.name, subject: p.subject, counselor: cls.counselor, headTeacher: cls.headTeacher, classNames: p.classes,
        bestLevel: bestLevel(facts, asOf), certified: certifiedAs(cls.counselor ? 'counselor' : 'head_teacher', facts, asOf),
        certificates: mine.map((c) => certOut(c, p.name, asOf, personal)),
        hours: hoursBy.get(p.id) ?? emptyTrainingHours(),
      };
    }).sort((a, b) => Number(b.counselor != null) - Number(a.counselor != null) || a.name.localeCompare(b.name, 'zh-CN')),
  };
}

/** Staff members the caller manages (workforce.manage, in the query), or 404 when any is outside. */
async function managedStaff(db: Db, caller: Caller, ids: string[]) {
  const scope = scopeOf(caller, 'workforce.manage');
  const found = await db.select({ id: staff.id, name: staff.name, schoolId: staff.schoolId, orgPath: staff.orgPath }).from(staff)
    .where(and(inArray(staff.id, ids), eq(staff.regionId, caller.regionId), eq(staff.active, true), inScope(scope, staff.orgPath)));
  if (found.length !== new Set(ids).size) throw notFound();
  return found;
}

export async function createCertificate(deps: Deps, caller: Caller, body: z.infer<typeof contracts.CreateCertificateBody>): Promise<z.infer<typeof contracts.WorkforceCertificate>> {
  const [person] = await managedStaff(deps.db, caller, [body.staffId]);
  const now = deps.clock();
  const today = cstToday(now);
  const problems = certificateProblems({ kind: body.kind, level: body.level ?? null, issuedOn: body.issuedOn, expiresOn: body.expiresOn ?? null }, today);
  if (body.kind === 'other' && !body.title) problems.title = '请填写证书名称';
  if (Object.keys(problems).length) throw badRequest('证书信息有误，请检查标出的项', problems);
  const row = await deps.db.transaction(async (tx) => {
    const inserted = await tx.insert(workforceCertificates).values({
      regionId: caller.regionId, staffId: person!.id, schoolId: person!.schoolId, orgPath: person!.orgPath, kind: body.kind, level: body.level ?? null,
      title: body.title, number: body.number, issuer: body.issuer, issuedOn: body.issuedOn, expiresOn: body.expiresOn ?? null, evidence: body.evidence,
      clientId: body.clientId, createdBy: caller.accountId, createdByName: caller.displayName, createdAt: now,
    }).onConflictDoNothing().returning();
    if (inserted[0]) {
      await appendAudit(tx, { ...auditActor(caller), action: 'workforce.certificate.create', objectType: 'workforce_certificate', objectId: inserted[0].id, orgPath: person!.orgPath, detail: { staffId: person!.id, kind: body.kind, level: body.level ?? null, issuedOn: body.issuedOn, expiresOn: body.expiresOn ?? null } }, now);
      return inserted[0];
    }
    const existing = (await tx.select().from(workforceCertificates).where(and(eq(workforceCertificates.clientId, body.clientId), eq(workforceCertificates.staffId, person!.id))))[0];
    if (!existing) throw badRequest('提交编号已被使用', { clientId: '提交编号已被使用' });
    return existing;
  });
  return certOut(row, person!.name, today, true);
}

/** Withdraw a certificate entered by mistake (kept, never counted). */
export async function withdrawCertificate(deps: Deps, caller: Caller, id: string): Promise<z.infer<typeof contracts.WorkforceCertificate>> {
  const scope = scopeOf(caller, 'workforce.manage');
  const found = (await deps.db.select({ c: workforceCertificates, name: staff.name }).from(workforceCertificates).innerJoin(staff, eq(staff.id, workforceCertificates.staffId))
    .where(and(eq(workforceCertificates.id, id), eq(workforceCertificates.regionId, caller.regionId), sql`${workforceCertificates.withdrawnAt} is null`, inScope(scope, workforceCertificates.orgPath))))[0];
  if (!found) throw notFound();
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    await tx.update(workforceCertificates).set({ withdrawnAt: now }).where(eq(workforceCertificates.id, id));
    await appendAudit(tx, { ...auditActor(caller), action: 'workforce.certificate.withdraw', objectType: 'workforce_certificate', objectId: id, orgPath: found.c.orgPath, detail: { staffId: found.c.staffId, kind: found.c.kind } }, now);
  });
  return certOut(found.c, found.name, cstToday(now), true);
}

/** One training for several people at once; a retry with the same clientId returns the same training. */
export async function createTraining(deps: Deps, caller: Caller, body: z.infer<typeof contracts.CreateTrainingBody>): Promise<z.infer<typeof contracts.WorkforceTraining>> {
  const ids = [...new Set(body.staffIds)];
  const people = await managedStaff(deps.db, caller, ids);
  const now = deps.clock();
  if (body.date > cstToday(now)) throw badRequest('培训日期不能晚于今天', { date: '培训日期不能晚于今天' });
  const trainingId = await deps.db.transaction(async (tx) => {
    const [t] = await tx.insert(workforceTrainings).values({
      regionId: caller.regionId, title: body.title, date: body.date, level: body.level, hours: body.hours, provider: body.provider,
      clientId: body.clientId, createdBy: caller.accountId, createdByName: caller.displayName, createdAt: now,
    }).onConflictDoNothing().returning({ id: workforceTrainings.id });
    if (!t) {
      const existing = (await tx.select({ id: workforceTrainings.id }).from(workforceTrainings).where(and(eq(workforceTrainings.clientId, body.clientId), eq(workforceTrainings.regionId, caller.regionId))))[0];
      if (!existing) throw badRequest('提交编号已被使用', { clientId: '提交编号已被使用' });
      return existing.id;
    }
    await tx.insert(workforceTrainingAttendees).values(people.map((p) => ({ trainingId: t.id, staffId: p.id, regionId: caller.regionId, schoolId: p.schoolId, orgPath: p.orgPath })));
    const bySchool = new Map<string, number>();
    for (const p of people) bySchool.set(p.orgPath, (bySchool.get(p.orgPath) ?? 0) + 1);
    await appendAudit(tx, [...bySchool].map(([orgPath, n]) => ({ ...auditActor(caller), action: 'workforce.training.create', objectType: 'workforce_training', objectId: t.id, orgPath, detail: { title: body.title, date: body.date, level: body.level, hours: body.hours, attendees: n } })), now);
    return t.id;
  });
  const list = await trainingsByIds(deps.db, caller, [trainingId], 'workforce.manage');
  if (!list[0]) throw notFound();
  return list[0];
}

async function trainingsByIds(db: Db, caller: Caller, ids: string[], permission: 'workforce.read' | 'workforce.manage', schoolId?: number): Promise<z.infer<typeof contracts.WorkforceTraining>[]> {
  if (!ids.length) return [];
  const scope = scopeOf(caller, permission);
  const [ts, as] = await Promise.all([
    db.select().from(workforceTrainings).where(inArray(workforceTrainings.id, ids)),
    rows<{ training_id: string; staff_id: string; name: string; school_id: number; school_name: string }>(db, sql`
      select a.training_id, a.staff_id, s.name, a.school_id, u.name as school_name
      from workforce_training_attendees a join staff s on s.id = a.staff_id join org_units u on u.id = a.school_id
      where a.training_id = any(${sql.param(ids)}::uuid[]) and ${inScope(scope, sql`a.org_path`)} ${schoolId ? sql`and a.school_id = ${schoolId}` : sql``}
      order by u.name, s.name`),
  ]);
  const byT = new Map<string, z.infer<typeof contracts.WorkforceTraining>['attendees']>();
  for (const a of as) byT.set(a.training_id, [...(byT.get(a.training_id) ?? []), { staffId: a.staff_id, name: a.name, schoolId: Number(a.school_id), schoolName: a.school_name }]);
  const order = new Map(ids.map((id, i) => [id, i]));
  return ts.filter((t) => byT.has(t.id)).sort((a, b) => order.get(a.id)! - order.get(b.id)!).map((t) => ({
    id: t.id, title: t.title, date: t.date, level: t.level, hours: t.hours, provider: t.provider, attendees: byT.get(t.id)!, createdByName: t.createdByName, createdAt: t.createdAt.toISOString(),
  }));
}

/** Trainings with at least one attendee in the caller's scope (or at one school), newest first, paginated. */
export async function listTrainings(deps: Deps, caller: Caller, q: z.infer<typeof contracts.TrainingListQuery>): Promise<z.infer<typeof contracts.TrainingList>> {
  const scope = scopeOf(caller, 'workforce.read');
  if (q.schoolId) await schoolInScope(deps.db, caller, q.schoolId, 'workforce.read');
  const found = await rows<{ id: string; total: number }>(deps.db, sql`
    select t.id, count(*) over ()::int as total from workforce_trainings t
    where t.region_id = ${caller.regionId}
      ${q.year ? sql`and t.date between ${`${q.year}-01-01`}::date and ${`${q.year}-12-31`}::date` : sql``}
      and exists (select 1 from workforce_training_attendees a where a.training_id = t.id and ${inScope(scope, sql`a.org_path`)} ${q.schoolId ? sql`and a.school_id = ${q.schoolId}` : sql``})
    order by t.date desc, t.created_at desc limit ${q.pageSize} offset ${(q.page - 1) * q.pageSize}`);
  const items = await trainingsByIds(deps.db, caller, found.map((r) => r.id), 'workforce.read', q.schoolId);
  return { items, total: found[0] ? Number(found[0].total) : 0, page: q.page, pageSize: q.pageSize };
}
