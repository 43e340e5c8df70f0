/**
 * 家长学校 micro-courses: the city, a district or a school publishes them (homeschool.manage over the
 * owning unit); staff see the courses that reach their schools with completion counts of their
 * students' parents; the region sets the yearly credit standard (city bureau only).
 *
 * Scope is checked in the queries: a course is visible to staff when its unit is inside their scope
 * or above it (a city course reaches every school); drafts only to those who may manage them.
 */
import { DEFAULT_CREDIT_STANDARD, scopeFor, type contracts, type Scope } from '@xinyu/core';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import { rows, type Db } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { badRequest, forbidden, notFound } from '../../http/errors.js';
import { inScope, isRegionWide, scopeOf } from '../access/service.js';
import { appendAudit } from '../audit/service.js';
import { auditActor } from '../org/service.js';
import { cstToday } from '../screening/campaigns.js';
import { homeschoolCourses, homeschoolCreditStandards } from './tables.js';

type CourseOut = z.infer<typeof contracts.HsCourse>;

/** Records whose unit is inside the scope, or above one of its units (a city course reaches a school). */
export function related(scope: Scope, col: SQL): SQL {
  if (!scope.orgPaths.length) return sql`false`;
  return sql`(${inScope(scope, col)} or exists (select 1 from unnest(${sql.param(scope.orgPaths)}::text[]) as sp(p) where sp.p like ${col} || '%'))`;
}

export const yearOf = (now: Date) => Number(cstToday(now).slice(0, 4));

export async function creditStandard(db: Db, regionId: number, year: number): Promise<{ credits: number; isDefault: boolean }> {
  const found = await db.select({ credits: homeschoolCreditStandards.credits }).from(homeschoolCreditStandards).where(and(eq(homeschoolCreditStandards.regionId, regionId), eq(homeschoolCreditStandards.year, year)));
  return found[0] ? { credits: found[0].credits, isDefault: false } : { credits: DEFAULT_CREDIT_STANDARD, isDefault: true };
}

interface CourseRow {
  id: string;
  owner_unit_id: number;
  owner_name: string;
  owner_kind: 'city' | 'district' | 'school';
  org_path: string;
  title: string;
  summary: string;
  kind: 'text' | 'video';
  video_url: string | null;
  body: string;
  minutes: number;
  credits: number;
  target_grades: number[];
  year: number;
  published: boolean;
  published_at: string | Date | null;
  completions: number;
  can_manage: boolean;
}

const iso = (d: string | Date | null) => (d == null ? null : new Date(d).toISOString());

function toCourse(r: CourseRow): CourseOut {
  return {
    id: r.id,
    ownerUnitId: r.owner_unit_id,
    ownerName: r.owner_name,
    ownerKind: r.owner_kind,
    title: r.title,
    summary: r.summary,
    kind: r.kind,
    videoUrl: r.video_url,
    body: r.body,
    minutes: r.minutes,
    credits: r.credits,
    targetGrades: (r.target_grades ?? []).map(Number),
    year: r.year,
    published: r.published,
    publishedAt: iso(r.published_at),
    completions: Number(r.completions),
    canManage: r.can_manage,
  };
}

/** The course query of staff: visible = related to the read scope, and published or manageable. */
function courseSelect(caller: Caller, where: SQL, extra: SQL = sql``): SQL {
  const read = scopeOf(caller, 'homeschool.read');
  const manage = scopeFor(caller.assignments, 'homeschool.manage');
  // the city's staff count every completion: no need to trace each parent to a student in scope
  const wide = isRegionWide(caller, 'homeschool.read');
  return sql`
    select c.id, c.owner_unit_id, u.name as owner_name, u.kind as owner_kind, c.org_path, c.title, c.summary, c.kind, c.video_url, c.body,
      c.minutes, c.credits, c.target_grades, c.year, c.published, c.published_at,
      (select count(*)::int from homeschool_completions hc where hc.course_id = c.id ${wide ? sql`` : sql`and exists (
        select 1 from role_assignments ra join students st on st.id = ra.student_id
        where ra.role = 'parent' and ra.account_id = hc.account_id and ${inScope(read, sql`st.org_path`)})`}) as completions,
      ${inScope(manage, sql`c.org_path`)} as can_manage
    from homeschool_courses c join org_units u on u.id = c.owner_unit_id
    where c.region_id = ${caller.regionId} and ${related(read, sql`c.org_path`)} and (c.published or ${inScope(manage, sql`c.org_path`)}) and ${where}
    ${extra}`;
}

export async function listCourses(deps: Deps, caller: Caller, q: z.infer<typeof contracts.HsCourseListQuery>): Promise<z.infer<typeof contracts.HsCourseList>> {
  const filter = sql`${q.year ? sql`and c.year = ${q.year}` : sql``} ${q.published ? sql`and c.published = ${q.published === 'true'}` : sql``}`;
  const [list, total] = await Promise.all([
    rows<CourseRow>(deps.db, courseSelect(caller, sql`true ${filter}`, sql`order by c.year desc, c.created_at desc, c.id limit ${q.pageSize} offset ${(q.page - 1) * q.pageSize}`)),
    rows<{ n: number }>(deps.db, sql`select count(*)::int as n from (${courseSelect(caller, sql`true ${filter}`)}) x`),
  ]);
  return { items: list.map(toCourse), total: total[0]?.n ?? 0, page: q.page, pageSize: q.pageSize };
}

export async function getCourse(deps: Deps, caller: Caller, id: string): Promise<CourseOut> {
  const found = await rows<CourseRow>(deps.db, courseSelect(caller, sql`c.id = ${id}`));
  if (!found[0]) throw notFound();
  return toCourse(found[0]);
}

function requireVideo(kind: 'text' | 'video', videoUrl: string | null | undefined): void {
  if (kind === 'video' && !videoUrl) throw badRequest('视频微课需填写视频链接', { videoUrl: '视频微课需填写视频链接（本平台不存放视频）' });
}

/** A unit (city, district or school) where the caller may publish courses, or 404. */
async function ownerInScope(db: Db, caller: Caller, unitId: number) {
  const manage = scopeOf(caller, 'homeschool.manage');
  const found = await rows<{ id: number; path: string }>(db, sql`select id, path from org_units where id = ${unitId} and region_id = ${caller.regionId} and kind in ('city', 'district', 'school') and ${inScope(manage, sql`path`)}`);
  if (!found[0]) throw notFound();
  return found[0];
}

async function courseToManage(db: Db, caller: Caller, id: string) {
  const manage = scopeOf(caller, 'homeschool.manage');
  const found = await db.select().from(homeschoolCourses).where(and(eq(homeschoolCourses.id, id), eq(homeschoolCourses.regionId, caller.regionId), inScope(manage, homeschoolCourses.orgPath)));
  if (!found[0]) throw notFound();
  return found[0];
}

export async function createCourse(deps: Deps, caller: Caller, body: z.infer<typeof contracts.CreateHsCourseBody>): Promise<CourseOut> {
  const owner = await ownerInScope(deps.db, caller, body.ownerUnitId);
  requireVideo(body.kind, body.videoUrl);
  const now = deps.clock();
  const existing = await deps.db.select({ id: homeschoolCourses.id }).from(homeschoolCourses).where(and(eq(homeschoolCourses.clientId, body.clientId), eq(homeschoolCourses.regionId, caller.regionId)));
  if (existing[0]) return getCourse(deps, caller, existing[0].id);
  const id = await deps.db.transaction(async (tx) => {
    const inserted = await tx.insert(homeschoolCourses).values({
      regionId: caller.regionId, ownerUnitId: owner.id, orgPath: owner.path, title: body.title, summary: body.summary, kind: body.kind,
      videoUrl: body.kind === 'video' ? (body.videoUrl ?? null) : null, body: body.body, minutes: body.minutes, credits: body.credits,
      targetGrades: [...new Set(body.targetGrades)].sort((a, b) => a - b), year: body.year, published: body.published, publishedAt: body.published ? now : null,
      clientId: body.clientId, createdBy: caller.accountId, createdAt: now, updatedAt: now,
    }).onConflictDoNothing().returning({ id: homeschoolCourses.id });
    if (!inserted[0]) return null;
    await appendAudit(tx, { ...auditActor(caller), action: 'homeschool.course.create', objectType: 'homeschool_course', objectId: inserted[0].id, orgPath: owner.path, detail: { title: body.title, published: body.published, year: body.year } }, now);
    return inserted[0].id;
  });
  if (id) return getCourse(deps, caller, id);
  const again = await deps.db.select({ id: homeschoolCourses.id }).from(homeschoolCourses).where(eq(homeschoolCourses.clientId, body.clientId));
  if (!again[0]) throw notFound();
  return getCourse(deps, caller, again[0].id);
}

export async function updateCourse(deps: Deps, caller: Caller, id: string, body: z.infer<typeof contracts.UpdateHsCourseBody>): Promise<CourseOut> {
  const c = await courseToManage(deps.db, caller, id);
  const kind = body.kind ?? c.kind;
  const videoUrl = body.videoUrl !== undefined ? body.videoUrl : c.videoUrl;
  requireVideo(kind, videoUrl);
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    await tx.update(homeschoolCourses).set({
      ...body,
      videoUrl: kind === 'video' ? videoUrl : null,
      ...(body.targetGrades ? { targetGrades: [...new Set(body.targetGrades)].sort((a, b) => a - b) } : {}),
      ...(body.published === true && !c.published ? { publishedAt: now } : {}),
      updatedAt: now,
    }).where(eq(homeschoolCourses.id, c.id));
    const action = body.published === true && !c.published ? 'homeschool.course.publish' : body.published === false && c.published ? 'homeschool.course.unpublish' : 'homeschool.course.update';
    await appendAudit(tx, { ...auditActor(caller), action, objectType: 'homeschool_course', objectId: c.id, orgPath: c.orgPath, detail: { fields: Object.keys(body) } }, now);
  });
  return getCourse(deps, caller, c.id);
}

export async function getStandard(deps: Deps, caller: Caller, q: z.infer<typeof contracts.HsStandardQuery>): Promise<z.infer<typeof contracts.HsStandard>> {
  const year = q.year ?? yearOf(deps.clock());
  const s = await creditStandard(deps.db, caller.regionId, year);
  return { year, credits: s.credits, isDefault: s.isDefault, canManage: isRegionWide(caller, 'homeschool.manage') };
}

/** The yearly credit standard is the city bureau's. */
export async function setStandard(deps: Deps, caller: Caller, body: z.infer<typeof contracts.HsStandardBody>) {
  if (!isRegionWide(caller, 'homeschool.manage')) throw forbidden();
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    await tx.insert(homeschoolCreditStandards).values({ regionId: caller.regionId, year: body.year, credits: body.credits, updatedBy: caller.accountId, updatedAt: now })
      .onConflictDoUpdate({ target: [homeschoolCreditStandards.regionId, homeschoolCreditStandards.year], set: { credits: body.credits, updatedBy: caller.accountId, updatedAt: now } });
    await appendAudit(tx, { ...auditActor(caller), action: 'homeschool.standard.set', objectType: 'region', objectId: String(caller.regionId), detail: { year: body.year, credits: body.credits } }, now);
  });
  return getStandard(deps, caller, { year: body.year });
}

/** Units for the pickers: where the caller may publish courses, and hold sessions. */
export async function units(deps: Deps, caller: Caller): Promise<z.infer<typeof contracts.HsUnits>> {
  const manage = scopeFor(caller.assignments, 'homeschool.manage');
  const list = await rows<{ id: number; name: string; kind: 'city' | 'district' | 'school' | 'grade' | 'class'; school_id: number | null; path: string }>(deps.db, sql`
    select u.id, u.name, u.kind, u.path, case u.kind when 'school' then u.id when 'grade' then u.parent_id when 'class' then g.parent_id end as school_id
    from org_units u left join org_units g on g.id = u.parent_id
    where u.region_id = ${caller.regionId} and u.active and ${inScope(manage, sql`u.path`)}
      and (u.kind in ('city', 'district', 'school') or (u.kind in ('grade', 'class') and (select count(*) from org_units x where x.region_id = ${caller.regionId} and x.kind = 'school' and ${inScope(manage, sql`x.path`)}) <= 1))
    order by u.path limit 500`);
  const opt = (u: (typeof list)[number]) => ({ id: u.id, name: u.name, kind: u.kind, schoolId: u.school_id, path: u.path });
  return {
    courseOwners: list.filter((u) => u.kind === 'city' || u.kind === 'district' || u.kind === 'school').map(opt),
    sessionTargets: list.filter((u) => u.kind === 'school' || u.kind === 'grade' || u.kind === 'class').map(opt),
  };
}
