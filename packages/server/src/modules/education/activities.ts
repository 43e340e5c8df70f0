/**
 * Activities (学科渗透研究, 心理教研活动 of a school or a district, 主题活动) and student psych clubs
 * (学生心理社团). Recorded by those with education.record over the unit (school counselors and
 * leaders); read with education.read. Out of scope → 404, in the query; writes audited.
 */
import { scopeFor, scopeIncludes, type contracts } from '@xinyu/core';
import { and, asc, count, desc, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { rows, type Db } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { badRequest, notFound } from '../../http/errors.js';
import { hasPermission, inScope, scopeOf } from '../access/service.js';
import { appendAudit } from '../audit/service.js';
import { auditActor } from '../org/service.js';
import { orgUnits, staff } from '../org/tables.js';
import { cstToday } from '../screening/campaigns.js';
import { EDIT_WINDOW_MS } from './lessons.js';
import { educationActivities, educationClubs } from './tables.js';

type ActivityRow = typeof educationActivities.$inferSelect;
type ClubRow = typeof educationClubs.$inferSelect;

async function unitIn(db: Db, caller: Caller, unitId: number, permission: 'education.read' | 'education.record' | 'education.research', kinds: ('school' | 'district')[]) {
  const scope = scopeOf(caller, permission);
  const u = (await db.select({ id: orgUnits.id, kind: orgUnits.kind, name: orgUnits.name, path: orgUnits.path }).from(orgUnits)
    .where(and(eq(orgUnits.id, unitId), eq(orgUnits.regionId, caller.regionId), inArray(orgUnits.kind, kinds), inScope(scope, orgUnits.path))))[0];
  if (!u) throw notFound();
  return u;
}

async function unitNames(db: Db, ids: number[]): Promise<Map<number, string>> {
  if (!ids.length) return new Map();
  const list = await db.select({ id: orgUnits.id, name: orgUnits.name }).from(orgUnits).where(inArray(orgUnits.id, [...new Set(ids)]));
  return new Map(list.map((u) => [u.id, u.name]));
}

function toActivity(caller: Caller, a: ActivityRow, unitName: string, now: Date): z.infer<typeof contracts.Activity> {
  return {
    id: a.id, unitId: a.unitId, unitName, kind: a.kind, theme: a.theme, title: a.title, date: a.date, participants: a.participants, summary: a.summary,
    evidenceUrl: a.evidenceUrl, createdByName: a.createdByName, canEdit: a.createdBy === caller.accountId && now.getTime() - a.createdAt.getTime() < EDIT_WINDOW_MS,
  };
}

/** Activities of units in scope; for a school, also its district's teaching-research activities. */
export async function listActivities(deps: Deps, caller: Caller, q: z.infer<typeof contracts.ActivityListQuery>): Promise<z.infer<typeof contracts.ActivityList>> {
  const scope = scopeOf(caller, 'education.read');
  let unitFilter: ReturnType<typeof sql> | undefined;
  if (q.unitId) {
    const u = await unitIn(deps.db, caller, q.unitId, 'education.read', ['school', 'district']);
    // a school's list includes the research activities its district held for it
    unitFilter = u.kind === 'school'
      ? sql`(${educationActivities.unitId} = ${u.id} or (${educationActivities.kind} = 'research' and ${educationActivities.unitId} = (select parent_id from org_units where id = ${u.id})))`
      : sql`${educationActivities.orgPath} like ${`${u.path}%`}`;
  }
  const where = and(
    eq(educationActivities.regionId, caller.regionId),
    q.unitId ? unitFilter : inScope(scope, educationActivities.orgPath),
    q.kind ? eq(educationActivities.kind, q.kind) : undefined,
    q.from ? gte(educationActivities.date, q.from) : undefined,
    q.to ? lte(educationActivities.date, q.to) : undefined,
  );
  const [list, total] = await Promise.all([
    deps.db.select().from(educationActivities).where(where).orderBy(desc(educationActivities.date)).limit(q.pageSize).offset((q.page - 1) * q.pageSize),
    deps.db.select({ n: count() }).from(educationActivities).where(where),
  ]);
  const names = await unitNames(deps.db, list.map((a) => a.unitId));
  const now = deps.clock();
  return { items: list.map((a) => toActivity(caller, a, names.get(a.unitId) ?? '', now)), total: Number(total[0]?.n ?? 0), page: q.page, pageSize: q.pageSize };
}

export async function createActivity(deps: Deps, caller: Caller, body: z.infer<typeof contracts.CreateActivityBody>): Promise<z.infer<typeof contracts.Activity>> {
  const now = deps.clock();
  const prior = (await deps.db.select().from(educationActivities).where(and(eq(educationActivities.clientId, body.clientId), eq(educationActivities.createdBy, caller.accountId))))[0];
  if (prior) return toActivity(caller, prior, (await unitNames(deps.db, [prior.unitId])).get(prior.unitId) ?? '', now);
  // schools record their own; a bureau (education.research) only the teaching research its district holds
  const u = hasPermission(caller, 'education.record')
    ? await unitIn(deps.db, caller, body.unitId, 'education.record', ['school', 'district'])
    : await unitIn(deps.db, caller, body.unitId, 'education.research', ['district']);
  if (u.kind === 'district' && body.kind !== 'research') throw badRequest('区县只能登记面向本区学校的教研活动', { kind: '区县只能登记面向本区学校的教研活动' });
  if (body.kind === 'themed' && !body.theme) throw badRequest('请选择活动主题', { theme: '请选择活动主题' });
  if (body.date > cstToday(now)) throw badRequest('不能登记未来日期的活动', { date: '不能登记未来日期的活动' });
  const row = await deps.db.transaction(async (tx) => {
    const [a] = await tx.insert(educationActivities).values({
      regionId: caller.regionId, unitId: u.id, orgPath: u.path, kind: body.kind, theme: body.kind === 'themed' ? (body.theme ?? 'other') : null, title: body.title, date: body.date,
      participants: body.participants, summary: body.summary, evidenceUrl: body.evidenceUrl ?? null, clientId: body.clientId, createdBy: caller.accountId, createdByName: caller.displayName,
      createdAt: now, updatedAt: now,
    }).onConflictDoNothing().returning();
    if (!a) throw notFound();
    await appendAudit(tx, { ...auditActor(caller), action: 'education.activity.create', objectType: 'education_activity', objectId: a.id, orgPath: u.path, detail: { kind: body.kind, date: body.date } }, now);
    return a;
  });
  return toActivity(caller, row, u.name, now);
}

export async function deleteActivity(deps: Deps, caller: Caller, id: string): Promise<void> {
  const scope = scopeOf(caller, hasPermission(caller, 'education.record') ? 'education.record' : 'education.research');
  const now = deps.clock();
  const a = (await deps.db.select().from(educationActivities).where(and(
    eq(educationActivities.id, id), eq(educationActivities.regionId, caller.regionId), inScope(scope, educationActivities.orgPath),
    eq(educationActivities.createdBy, caller.accountId), gte(educationActivities.createdAt, new Date(now.getTime() - EDIT_WINDOW_MS)),
  )))[0];
  if (!a) throw notFound();
  await deps.db.transaction(async (tx) => {
    await tx.delete(educationActivities).where(eq(educationActivities.id, a.id));
    await appendAudit(tx, { ...auditActor(caller), action: 'education.activity.delete', objectType: 'education_activity', objectId: a.id, orgPath: a.orgPath, detail: { kind: a.kind, date: a.date, title: a.title } }, now);
  });
}

// --- clubs ---------------------------------------------------------------------------------------

function toClub(caller: Caller, c: ClubRow, schoolName: string): z.infer<typeof contracts.Club> {
  const canEdit = hasPermission(caller, 'education.record') && scopeIncludes(scopeFor(caller.assignments, 'education.record'), c.orgPath);
  return { id: c.id, schoolId: c.schoolId, schoolName, name: c.name, advisorStaffId: c.advisorStaffId, advisorName: c.advisorName, members: c.members, foundedOn: c.foundedOn, active: c.active, canEdit };
}

async function advisor(db: Db, schoolId: number, staffId: string | undefined, caller: Caller): Promise<{ id: string | null; name: string }> {
  if (!staffId) return { id: null, name: caller.displayName };
  const s = (await db.select({ id: staff.id, name: staff.name }).from(staff).where(and(eq(staff.id, staffId), eq(staff.schoolId, schoolId), eq(staff.active, true))))[0];
  if (!s) throw badRequest('指导教师不是本校在职教职工', { advisorStaffId: '指导教师不是本校在职教职工' });
  return s;
}

export async function listClubs(deps: Deps, caller: Caller, q: z.infer<typeof contracts.ClubListQuery>): Promise<z.infer<typeof contracts.ClubList>> {
  const scope = scopeOf(caller, 'education.read');
  if (q.schoolId) await unitIn(deps.db, caller, q.schoolId, 'education.read', ['school']);
  const list = await deps.db.select().from(educationClubs).where(and(
    eq(educationClubs.regionId, caller.regionId), inScope(scope, educationClubs.orgPath),
    q.schoolId ? eq(educationClubs.schoolId, q.schoolId) : undefined,
    q.includeInactive === 'true' ? undefined : eq(educationClubs.active, true),
  )).orderBy(asc(educationClubs.schoolId), asc(educationClubs.name)).limit(2000);
  const bySchool = await rows<{ school_id: number; name: string; n: number }>(deps.db, sql`
    select c.school_id, s.name, count(*)::int as n from education_clubs c join org_units s on s.id = c.school_id
    where c.region_id = ${caller.regionId} and c.active and ${inScope(scope, sql`c.org_path`)} ${q.schoolId ? sql`and c.school_id = ${q.schoolId}` : sql``}
    group by c.school_id, s.name order by s.name`);
  const names = new Map(bySchool.map((b) => [b.school_id, b.name]));
  const missing = list.filter((c) => !names.has(c.schoolId)).map((c) => c.schoolId);
  for (const [id, n] of await unitNames(deps.db, missing)) names.set(id, n);
  return { items: list.map((c) => toClub(caller, c, names.get(c.schoolId) ?? '')), bySchool: bySchool.map((b) => ({ schoolId: b.school_id, schoolName: b.name, active: Number(b.n) })) };
}

export async function createClub(deps: Deps, caller: Caller, body: z.infer<typeof contracts.CreateClubBody>): Promise<z.infer<typeof contracts.Club>> {
  const prior = (await deps.db.select().from(educationClubs).where(and(eq(educationClubs.clientId, body.clientId), eq(educationClubs.createdBy, caller.accountId))))[0];
  if (prior) return toClub(caller, prior, (await unitNames(deps.db, [prior.schoolId])).get(prior.schoolId) ?? '');
  const s = await unitIn(deps.db, caller, body.schoolId, 'education.record', ['school']);
  const adv = await advisor(deps.db, s.id, body.advisorStaffId, caller);
  const now = deps.clock();
  const row = await deps.db.transaction(async (tx) => {
    const [c] = await tx.insert(educationClubs).values({
      regionId: caller.regionId, schoolId: s.id, orgPath: s.path, name: body.name, advisorStaffId: adv.id, advisorName: adv.name, members: body.members,
      foundedOn: body.foundedOn ?? null, clientId: body.clientId, createdBy: caller.accountId, createdAt: now, updatedAt: now,
    }).onConflictDoNothing().returning();
    if (!c) throw notFound();
    await appendAudit(tx, { ...auditActor(caller), action: 'education.club.create', objectType: 'education_club', objectId: c.id, orgPath: s.path, detail: { name: body.name } }, now);
    return c;
  });
  return toClub(caller, row, s.name);
}

export async function updateClub(deps: Deps, caller: Caller, id: string, body: z.infer<typeof contracts.UpdateClubBody>): Promise<z.infer<typeof contracts.Club>> {
  const scope = scopeOf(caller, 'education.record');
  const c = (await deps.db.select().from(educationClubs).where(and(eq(educationClubs.id, id), eq(educationClubs.regionId, caller.regionId), inScope(scope, educationClubs.orgPath))))[0];
  if (!c) throw notFound();
  const adv = body.advisorStaffId ? await advisor(deps.db, c.schoolId, body.advisorStaffId, caller) : null;
  const now = deps.clock();
  const { advisorStaffId: _a, ...rest } = body;
  void _a;
  const row = await deps.db.transaction(async (tx) => {
    const [u] = await tx.update(educationClubs).set({ ...rest, ...(adv ? { advisorStaffId: adv.id, advisorName: adv.name } : {}), updatedAt: now }).where(eq(educationClubs.id, c.id)).returning();
    await appendAudit(tx, { ...auditActor(caller), action: body.active === false ? 'education.club.deactivate' : 'education.club.update', objectType: 'education_club', objectId: c.id, orgPath: c.orgPath, detail: { ...body } }, now);
    return u!;
  });
  return toClub(caller, row, (await unitNames(deps.db, [row.schoolId])).get(row.schoolId) ?? '');
}
