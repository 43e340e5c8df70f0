/**
 * Staff care (教职工关爱): the same sweep, register and care for teachers as for students, run by
 * school leaders for their ordinary staff and by bureau officials for school leaders and bureau
 * staff, and invisible to colleagues. Who may see a case is decided in the query, from the person's
 * role today: a school's leaders see its ordinary staff, the bureau everyone of its area, nobody
 * their own case. Every read and write is audited; reads about leaders are filed one level up, where
 * the school's own leaders do not see them in the audit log.
 */
import { randomUUID } from 'node:crypto';
import { closureProblem, extraCategoryProblems, scopeFor, scopeIncludes, STAFF_CARE_CADENCE, STAFF_FOLLOW_UP_BY, staffCareCategories, staffFollowUpsDue, staffSweepProblems, type CategoryItem, type contracts, type Permission, type StaffCareRecordKind } from '@xinyu/core';
import { and, desc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import { rows, type Db } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { AppError, badRequest, forbidden, notFound } from '../../http/errors.js';
import { hasPermission, homePath, requireRegionWide, scopeOf } from '../access/service.js';
import { appendAudit } from '../audit/service.js';
import { notify } from '../notify/service.js';
import { auditActor } from '../org/service.js';
import { orgUnits } from '../org/tables.js';
import { cstToday } from '../screening/campaigns.js';
import { isSealed, openOrPlain, sealerFor, type Sealer } from '../../lib/sealed.js';
import { staffCareEvents, staffCareRecords, staffCareCases, staffCareSettings, staffCarers, staffSweepReviews, staffSweeps } from './tables.js';

type Tier = 'staff' | 'leaders';
type SubjectKind = 'staff' | 'bureau';
type Level = 'yellow' | 'orange' | 'red';
type CaseRow = typeof staffCareCases.$inferSelect;
type SweepRow = typeof staffSweeps.$inferSelect;
type CaseOut = z.infer<typeof contracts.StaffCase>;

// --- who is who -----------------------------------------------------------------------------------

/** Paths of a permission's scope as a SQL test of `column` (no paths: false). */
function pathIn(paths: readonly string[], column: SQL): SQL {
  if (!paths.length) return sql`false`;
  return sql`${column} like any(${sql.param(paths.map((p) => `${p}%`))}::text[])`;
}

const paths = (caller: Caller, p: Permission) => (hasPermission(caller, p) ? scopeFor(caller.assignments, p).orgPaths : []);

/**
 * Every person the staff sweep and the register may be about, under a path: school staff (a leader
 * by post or by the school_leader role is in the 'leaders' tier), and bureau staff by their account
 * at the highest bureau unit where they hold a role.
 */
function peopleSql(regionId: number, prefix: string): SQL {
  return sql`(
    select 'staff'::text as kind, st.id, st.name, st.school_id as unit_id, st.org_path, st.account_id,
      case when exists (select 1 from staff_posts p where p.staff_id = st.id and p.post in ('leader', 'moral_education'))
        or (st.account_id is not null and exists (select 1 from role_assignments ra where ra.account_id = st.account_id and ra.role = 'school_leader'))
        then 'leaders' else 'staff' end as tier,
      coalesce((select array_agg(distinct p.post::text) from staff_posts p where p.staff_id = st.id), '{}'::text[]) as posts
    from staff st where st.region_id = ${regionId} and st.active and st.org_path like ${`${prefix}%`}
    union all
    select * from (
      select distinct on (a.id) 'bureau'::text as kind, a.id, a.display_name as name, u.id as unit_id, u.path as org_path, a.id as account_id, 'leaders'::text as tier, array[ra.role::text] as posts
      from accounts a join role_assignments ra on ra.account_id = a.id and ra.role in ('bureau_admin', 'bureau_staff') join org_units u on u.id = ra.org_unit_id
      where a.region_id = ${regionId} and not a.disabled and u.path like ${`${prefix}%`}
      order by a.id, length(u.path)
    ) b
  )`;
}

interface Person {
  kind: SubjectKind;
  id: string;
  name: string;
  unit_id: number;
  org_path: string;
  account_id: string | null;
  tier: Tier;
  posts: string[];
}

/** A case's tier and its person's account, from the person's role today. */
const caseTier = sql`(case when c.subject_kind = 'bureau' then 'leaders'
  when exists (select 1 from staff_posts p where p.staff_id = c.subject_id and p.post in ('leader', 'moral_education'))
    or exists (select 1 from staff s2 join role_assignments ra on ra.account_id = s2.account_id and ra.role = 'school_leader' where s2.id = c.subject_id)
  then 'leaders' else 'staff' end)`;
const caseAccount = sql`(case when c.subject_kind = 'bureau' then c.subject_id else (select s3.account_id from staff s3 where s3.id = c.subject_id) end)`;
const caseName = sql`(case when c.subject_kind = 'bureau' then (select a.display_name from accounts a where a.id = c.subject_id) else (select s4.name from staff s4 where s4.id = c.subject_id) end)`;

/** The cases (alias c) a caller may read: a school's leaders its ordinary staff, the bureau everyone of its area, never one's own. */
function readable(caller: Caller): SQL {
  const read = paths(caller, 'staffcare.read');
  const leaders = paths(caller, 'staffcare.leaders');
  return sql`(${pathIn(leaders, sql`c.org_path`)} or (${pathIn(read, sql`c.org_path`)} and ${caseTier} = 'staff')) and ${caseAccount} is distinct from ${caller.accountId}::uuid`;
}

/** May the caller manage (care for, close) a person of this tier at this path? */
function manages(caller: Caller, tier: Tier, orgPath: string): boolean {
  const has = (p: Permission) => hasPermission(caller, p) && scopeIncludes(scopeFor(caller.assignments, p), orgPath);
  return has('staffcare.manage') && (tier === 'staff' || has('staffcare.leaders'));
}

/** Where audit rows about a person are filed: their school for ordinary staff, one level up for leaders (the school's leaders do not see those). */
function auditPath(tier: Tier, orgPath: string): string {
  if (tier === 'staff') return orgPath;
  const parts = orgPath.split('/').filter(Boolean);
  return parts.length > 1 ? `/${parts.slice(0, -1).join('/')}/` : orgPath;
}

// --- categories -----------------------------------------------------------------------------------

async function extraCategories(db: Db, regionId: number): Promise<CategoryItem[]> {
  const found = await db.select({ c: staffCareSettings.categories }).from(staffCareSettings).where(eq(staffCareSettings.regionId, regionId));
  return (found[0]?.c as CategoryItem[] | undefined) ?? [];
}

export async function categoriesFor(db: Db, regionId: number) {
  const extra = await extraCategories(db, regionId);
  const builtIn = staffCareCategories([]).length;
  return staffCareCategories(extra).map((c, i) => ({ ...c, builtIn: i < builtIn }));
}

export async function putCategories(deps: Deps, caller: Caller, body: z.infer<typeof contracts.StaffCareCategoriesBody>) {
  requireRegionWide(caller);
  const problems = extraCategoryProblems(body.categories);
  if (Object.keys(problems).length) throw badRequest('类别有误，请检查标出的项', problems);
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    await tx.insert(staffCareSettings).values({ regionId: caller.regionId, categories: body.categories, updatedBy: caller.displayName, updatedAt: now })
      .onConflictDoUpdate({ target: staffCareSettings.regionId, set: { categories: body.categories, updatedBy: caller.displayName, updatedAt: now } });
    await appendAudit(tx, { ...auditActor(caller), action: 'staffcare.categories.update', objectType: 'region', objectId: String(caller.regionId), detail: { codes: body.categories.map((c) => c.code) } }, now);
  });
  return { categories: await categoriesFor(deps.db, caller.regionId) };
}

// --- the register ---------------------------------------------------------------------------------

async function event(tx: Db, caseId: string, kind: string, actorName: string | null, detail: Record<string, unknown>, at: Date): Promise<void> {
  await tx.insert(staffCareEvents).values({ caseId, kind, actorName, detail, at });
}

/** Puts a person on the register, or adds categories and a source to their open case (one per person). */
async function registerCase(tx: Db, input: { regionId: number; person: Person; categories: string[]; level: Level; source: string; reason: string; actorName: string; now: Date }): Promise<{ id: string; created: boolean }> {
  const open = (await tx.select().from(staffCareCases).where(and(eq(staffCareCases.subjectId, input.person.id), sql`${staffCareCases.status} <> 'closed'`)).for('update'))[0];
  const rank = { yellow: 0, orange: 1, red: 2 } as const;
  if (open) {
    const status = open.status === 'closure_proposed' ? 'active' : open.status;
    await tx.update(staffCareCases).set({
      categories: [...new Set([...open.categories, ...input.categories])],
      sources: [...new Set([...open.sources, input.source])],
      level: rank[input.level] > rank[open.level] ? input.level : open.level,
      status,
      updatedAt: input.now,
    }).where(eq(staffCareCases.id, open.id));
    await event(tx, open.id, status !== open.status ? 'reopened' : 'updated', input.actorName, { source: input.source, categories: input.categories, level: input.level, reason: input.reason }, input.now);
    return { id: open.id, created: false };
  }
  const inserted = await tx.insert(staffCareCases).values({
    regionId: input.regionId, subjectKind: input.person.kind, subjectId: input.person.id, unitId: input.person.unit_id, orgPath: input.person.org_path,
    categories: input.categories, level: input.level, sources: [input.source], reason: input.reason, addedByName: input.actorName, addedAt: input.now, updatedAt: input.now,
  }).onConflictDoNothing().returning({ id: staffCareCases.id });
  if (!inserted[0]) throw new AppError(409, 'changed', '这位教职工刚被他人列入关爱名单，请刷新');
  await event(tx, inserted[0].id, 'added', input.actorName, { source: input.source, categories: input.categories, level: input.level, reason: input.reason }, input.now);
  return { id: inserted[0].id, created: true };
}

/** One person the caller may manage (put on the register, review), or null. */
async function manageablePerson(db: Db, caller: Caller, kind: SubjectKind, id: string): Promise<Person | null> {
  const found = (await rows<Person>(db, sql`select * from ${peopleSql(caller.regionId, '/')} p where p.kind = ${kind} and p.id = ${id}`))[0];
  if (!found || found.account_id === caller.accountId || !manages(caller, found.tier, found.org_path)) return null;
  return found;
}

export async function searchPeople(deps: Deps, caller: Caller, q: z.infer<typeof contracts.StaffCarePeopleQuery>): Promise<z.infer<typeof contracts.StaffCarePerson>[]> {
  scopeOf(caller, 'staffcare.manage');
  const manage = paths(caller, 'staffcare.manage');
  const leaders = paths(caller, 'staffcare.leaders');
  let unitPath = '/';
  if (q.unitId) {
    const unit = (await deps.db.select({ path: orgUnits.path }).from(orgUnits).where(and(eq(orgUnits.id, q.unitId), eq(orgUnits.regionId, caller.regionId))))[0];
    if (!unit) throw notFound();
    unitPath = unit.path;
  }
  const found = await rows<Person & { unit_name: string; open_case: string | null }>(deps.db, sql`
    select p.*, u.name as unit_name,
      (select c.id from staff_care_cases c where c.subject_id = p.id and c.status <> 'closed') as open_case
    from ${peopleSql(caller.regionId, unitPath)} p join org_units u on u.id = p.unit_id
    where p.name like ${`%${q.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`} and p.account_id is distinct from ${caller.accountId}::uuid
      and ((p.tier = 'staff' and ${pathIn(manage, sql`p.org_path`)}) or (${pathIn(leaders, sql`p.org_path`)} and ${pathIn(manage, sql`p.org_path`)}))
    order by p.name limit 50`);
  await appendAudit(deps.db, { ...auditActor(caller), action: 'staffcare.people.read', objectType: 'staff', orgPath: homePath(caller.assignments), detail: { q: q.q, rows: found.length } }, deps.clock());
  return found.map((p) => ({ subjectKind: p.kind, subjectId: p.id, name: p.name, unitId: p.unit_id, unitName: p.unit_name, tier: p.tier, posts: p.posts, openCaseId: p.open_case }));
}

export async function addCase(deps: Deps, caller: Caller, body: z.infer<typeof contracts.AddStaffCaseBody>) {
  scopeOf(caller, 'staffcare.manage');
  const person = await manageablePerson(deps.db, caller, body.subjectKind, body.subjectId);
  if (!person) throw notFound();
  const valid = new Set((await categoriesFor(deps.db, caller.regionId)).map((c) => c.code));
  const unknown = body.categories.filter((c) => !valid.has(c));
  if (unknown.length) throw badRequest('有不认识的类别', { categories: `不认识：${unknown.join('、')}` });
  const now = deps.clock();
  const r = await deps.db.transaction(async (tx) => {
    const out = await registerCase(tx, { regionId: caller.regionId, person, categories: body.categories, level: body.level, source: 'staff', reason: body.reason, actorName: caller.displayName, now });
    await appendAudit(tx, { ...auditActor(caller), action: 'staffcare.register', objectType: 'staff', objectId: person.id, orgPath: auditPath(person.tier, person.org_path), detail: { caseId: out.id, created: out.created, level: body.level } }, now);
    return out;
  });
  return getCase(deps, caller, r.id);
}

interface Listed {
  c: CaseRow;
  name: string;
  unitName: string;
  tier: Tier;
}

const SELECT = sql`select c.*, ${caseName} as subject_name, u.name as unit_name, ${caseTier} as tier from staff_care_cases c join org_units u on u.id = c.unit_id`;

interface RawCase {
  id: string; region_id: number; subject_kind: SubjectKind; subject_id: string; unit_id: number; org_path: string; categories: string[]; level: Level; sources: string[];
  status: CaseRow['status']; reason: string; added_by_name: string | null; added_at: Date | string; closure_summary: string | null; proposed_by: string | null;
  proposed_by_name: string | null; proposed_at: Date | string | null; approved_by_name: string | null; closed_at: Date | string | null; updated_at: Date | string;
  subject_name: string | null; unit_name: string; tier: Tier;
}

const date = (v: Date | string) => new Date(v);
const toListed = (r: RawCase): Listed => ({
  c: {
    id: r.id, regionId: r.region_id, subjectKind: r.subject_kind, subjectId: r.subject_id, unitId: r.unit_id, orgPath: r.org_path, categories: r.categories, level: r.level, sources: r.sources,
    status: r.status, reason: r.reason, addedByName: r.added_by_name, addedAt: date(r.added_at), closureSummary: r.closure_summary, proposedBy: r.proposed_by, proposedByName: r.proposed_by_name,
    proposedAt: r.proposed_at ? date(r.proposed_at) : null, approvedByName: r.approved_by_name, closedAt: r.closed_at ? date(r.closed_at) : null, updatedAt: date(r.updated_at),
  },
  name: r.subject_name ?? '',
  unitName: r.unit_name,
  tier: r.tier,
});

async function currentCarers(db: Db, ids: string[]) {
  if (!ids.length) return [];
  return db.select().from(staffCarers).where(and(sql`${staffCarers.caseId} = any(${sql.param(ids)}::uuid[])`, isNull(staffCarers.endedAt)));
}

/** The latest record of each kind per case. */
async function lastRecords(db: Db, ids: string[]) {
  if (!ids.length) return [];
  return rows<{ case_id: string; kind: StaffCareRecordKind; last: string }>(db, sql`select case_id, kind, max(date)::text as last from staff_care_records where case_id = any(${sql.param(ids)}::uuid[]) group by 1, 2`);
}

/**
 * The cases (alias c) with a follow-up overdue today: the same rule as staffFollowUpsDue, in SQL so
 * the register can be filtered and ordered by it before it is paged.
 */
function overdueSql(today: string): SQL {
  const parts: SQL[] = [];
  for (const [level, cadence] of Object.entries(STAFF_CARE_CADENCE)) {
    for (const [kind, every] of Object.entries(cadence)) {
      if (every === null) continue;
      const kinds = STAFF_FOLLOW_UP_BY[kind as keyof typeof STAFF_FOLLOW_UP_BY];
      parts.push(sql`(c.level = ${level} and greatest(sc.start_date, (select max(r.date) from staff_care_records r where r.case_id = c.id and r.kind = any(${sql.param([...kinds])}::text[]))) + ${every}::int < ${today}::date)`);
    }
  }
  return sql`(c.status <> 'closed' and exists (select 1 from staff_carers sc where sc.case_id = c.id and sc.ended_at is null and (${sql.join(parts, sql` or `)})))`;
}

function toOut(r: Listed, carer: typeof staffCarers.$inferSelect | undefined, last: { kind: StaffCareRecordKind; last: string }[], today: string): CaseOut {
  const lastByKind = Object.fromEntries(last.map((l) => [l.kind, l.last])) as Partial<Record<StaffCareRecordKind, string>>;
  const followUps = carer && r.c.status !== 'closed' ? staffFollowUpsDue(lastByKind, carer.startDate, today, r.c.level) : [];
  return {
    followUps,
    overdue: followUps.some((f) => f.overdue),
    id: r.c.id, subjectKind: r.c.subjectKind, subjectId: r.c.subjectId, name: r.name, unitId: r.c.unitId, unitName: r.unitName, tier: r.tier,
    categories: r.c.categories, level: r.c.level, sources: r.c.sources, status: r.c.status, reason: r.c.reason,
    carer: carer ? { accountId: carer.accountId, name: carer.accountName, since: carer.startDate } : null,
    lastRecord: last.map((l) => l.last).sort().at(-1) ?? null, addedAt: r.c.addedAt.toISOString(), closedAt: r.c.closedAt?.toISOString() ?? null,
  };
}

export async function listCases(deps: Deps, caller: Caller, q: z.infer<typeof contracts.StaffCaseQuery>) {
  scopeOf(caller, 'staffcare.read');
  const conds: SQL[] = [sql`c.region_id = ${caller.regionId}`, readable(caller)];
  conds.push(q.status === 'open' ? sql`c.status <> 'closed'` : sql`c.status = ${q.status}`);
  if (q.tier) conds.push(sql`${caseTier} = ${q.tier}`);
  const today = cstToday(deps.clock());
  if (q.overdue) conds.push(overdueSql(today));
  if (q.unitId) {
    const unit = (await deps.db.select({ path: orgUnits.path }).from(orgUnits).where(and(eq(orgUnits.id, q.unitId), eq(orgUnits.regionId, caller.regionId))))[0];
    if (!unit) throw notFound();
    conds.push(sql`c.org_path like ${`${unit.path}%`}`);
  }
  const where = sql.join(conds, sql` and `);
  // the carer's own overdue cases first
  const mineOverdue = sql`(exists (select 1 from staff_carers m where m.case_id = c.id and m.ended_at is null and m.account_id = ${caller.accountId}) and ${overdueSql(today)})`;
  const [list, total] = await Promise.all([
    rows<RawCase>(deps.db, sql`${SELECT} where ${where} order by ${mineOverdue} desc, case c.level when 'red' then 0 when 'orange' then 1 else 2 end, c.added_at desc, c.id limit ${q.pageSize} offset ${(q.page - 1) * q.pageSize}`),
    rows<{ n: number }>(deps.db, sql`select count(*)::int as n from staff_care_cases c where ${where}`),
  ]);
  const listed = list.map(toListed);
  const ids = listed.map((r) => r.c.id);
  const [carers, last] = await Promise.all([currentCarers(deps.db, ids), lastRecords(deps.db, ids)]);
  await appendAudit(deps.db, { ...auditActor(caller), action: 'staffcare.list.read', objectType: 'staff', orgPath: homePath(caller.assignments), detail: { rows: listed.length, subjectIds: listed.map((r) => r.c.subjectId) } }, deps.clock());
  return {
    items: listed.map((r) => toOut(r, carers.find((c) => c.caseId === r.c.id), last.filter((l) => l.case_id === r.c.id), today)),
    total: total[0]?.n ?? 0,
    page: q.page,
    pageSize: q.pageSize,
  };
}

async function findReadable(db: Db, caller: Caller, id: string): Promise<Listed | null> {
  const found = await rows<RawCase>(db, sql`${SELECT} where c.id = ${id} and c.region_id = ${caller.regionId} and ${readable(caller)}`);
  return found[0] ? toListed(found[0]) : null;
}

function abilities(caller: Caller, r: Listed) {
  const manage = manages(caller, r.tier, r.c.orgPath);
  const open = r.c.status !== 'closed';
  return {
    assign: manage && open,
    record: manage && open,
    propose: manage && closureProblem(r.c, 'propose', caller.accountId) === null,
    approve: manage && closureProblem(r.c, 'approve', caller.accountId) === null,
  };
}

export async function getCase(deps: Deps, caller: Caller, id: string): Promise<z.infer<typeof contracts.StaffCaseDetail>> {
  scopeOf(caller, 'staffcare.read');
  const r = await findReadable(deps.db, caller, id);
  if (!r) throw notFound();
  const [carers, events, records] = await Promise.all([
    deps.db.select().from(staffCarers).where(eq(staffCarers.caseId, id)).orderBy(staffCarers.startDate, sql`${staffCarers.endedAt} asc nulls last`, staffCarers.id),
    deps.db.select().from(staffCareEvents).where(eq(staffCareEvents.caseId, id)).orderBy(staffCareEvents.at, staffCareEvents.id),
    deps.db.select().from(staffCareRecords).where(eq(staffCareRecords.caseId, id)).orderBy(desc(staffCareRecords.date), desc(staffCareRecords.createdAt)),
  ]);
  const current = carers.find((c) => c.endedAt === null);
  const sealer = sealerFor(deps.config);
  await appendAudit(deps.db, { ...auditActor(caller), action: 'staffcare.read', objectType: 'staff', objectId: r.c.subjectId, orgPath: auditPath(r.tier, r.c.orgPath), detail: { caseId: id } }, deps.clock());
  return {
    ...toOut(r, current, (['talk', 'visit', 'phone', 'support'] as const).flatMap((kind) => {
      const latest = records.filter((x) => x.kind === kind).map((x) => x.date).sort().at(-1);
      return latest ? [{ kind, last: latest }] : [];
    }), cstToday(deps.clock())),
    events: events.map((e) => ({ kind: e.kind, actorName: e.actorName, at: e.at.toISOString(), detail: (e.detail ?? {}) as Record<string, unknown> })),
    carers: carers.map((c) => ({ accountId: c.accountId, name: c.accountName, startDate: c.startDate, endedAt: c.endedAt?.toISOString() ?? null, endReason: c.endReason })),
    records: records.map((x) => ({ id: x.id, kind: x.kind, date: x.date, mood: x.mood, fields: openFields(sealer, x.id, x.fields), note: openNote(sealer, x.note, recordAad(x.id, 'note')), authorName: x.authorName, createdAt: x.createdAt.toISOString() })),
    closure: { summary: r.c.closureSummary, proposedByName: r.c.proposedByName, proposedAt: r.c.proposedAt?.toISOString() ?? null, approvedByName: r.c.approvedByName },
    can: abilities(caller, r),
  };
}

// --- carers ---------------------------------------------------------------------------------------

/** Who may care for this person: the school's leaders for ordinary staff, the bureau's officials above them for leaders; never the person. */
export async function carerCandidates(deps: Deps, caller: Caller, id: string): Promise<z.infer<typeof contracts.StaffCarerCandidate>[]> {
  scopeOf(caller, 'staffcare.manage');
  const r = await findReadable(deps.db, caller, id);
  if (!r) throw notFound();
  if (!abilities(caller, r).assign) throw forbidden();
  const role = r.tier === 'staff' ? sql`ra.role = 'school_leader' and ra.org_unit_id = ${r.c.unitId}` : sql`ra.role = 'bureau_admin' and ${r.c.orgPath} like u.path || '%'`;
  const subjectAccount = (await rows<{ a: string | null }>(deps.db, sql`select ${caseAccount} as a from staff_care_cases c where c.id = ${id}`))[0]?.a ?? null;
  const found = await rows<{ account_id: string; name: string; unit_name: string; load: number }>(deps.db, sql`
    select distinct on (a.id) a.id as account_id, a.display_name as name, u.name as unit_name,
      (select count(*)::int from staff_carers sc where sc.account_id = a.id and sc.ended_at is null) as load
    from accounts a join role_assignments ra on ra.account_id = a.id join org_units u on u.id = ra.org_unit_id
    where a.region_id = ${caller.regionId} and not a.disabled and ${role} and a.id is distinct from ${subjectAccount}::uuid
    order by a.id, length(u.path) desc limit 200`);
  return found.sort((a, b) => a.load - b.load || a.name.localeCompare(b.name, 'zh-CN')).map((f) => ({ accountId: f.account_id, name: f.name, unitName: f.unit_name, load: f.load }));
}

export async function assignCarer(deps: Deps, caller: Caller, id: string, body: z.infer<typeof contracts.AssignStaffCarerBody>) {
  const candidates = await carerCandidates(deps, caller, id);
  const who = candidates.find((c) => c.accountId === body.accountId);
  if (!who) throw badRequest('只能指派本校领导（教职工）或上级教育局人员（学校领导）', { accountId: '不能担任这位教职工的关爱人' });
  const r = (await findReadable(deps.db, caller, id))!;
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    const current = (await tx.select().from(staffCarers).where(and(eq(staffCarers.caseId, id), isNull(staffCarers.endedAt))).for('update'))[0];
    if (current?.accountId === body.accountId) return;
    if (current) await tx.update(staffCarers).set({ endedAt: now, endReason: body.reason ?? '更换关爱人' }).where(eq(staffCarers.id, current.id));
    await tx.insert(staffCarers).values({ caseId: id, accountId: who.accountId, accountName: who.name, startDate: cstToday(now), assignedByName: caller.displayName });
    await event(tx, id, 'assigned', caller.displayName, { accountId: who.accountId, name: who.name, replaced: current?.accountName ?? null }, now);
    await notify(tx, deps, { regionId: caller.regionId, accountIds: [who.accountId].filter((a) => a !== caller.accountId), kind: 'staffcare.assigned', title: '您有一位需要关爱的教职工', body: '请尽快谈心了解情况，并记录关爱情况。', link: `/staffcare/${id}`, objectType: 'staff_care_case', objectId: id }, now);
    await appendAudit(tx, { ...auditActor(caller), action: 'staffcare.assign', objectType: 'staff', objectId: r.c.subjectId, orgPath: auditPath(r.tier, r.c.orgPath), detail: { caseId: id, accountId: who.accountId } }, now);
  });
  return getCase(deps, caller, id);
}

// --- care records ---------------------------------------------------------------------------------

/**
 * What a carer writes about a member of staff (the record's note and its fields: situation, needs,
 * support, plan) and a sweep review's note are sealed at rest (lib/sealed.ts), each bound to its
 * row and field; an empty note stays empty, values stored before sealing are read as they are.
 */
export const recordAad = (recordId: string, field: 'note' | 'fields') => `staff_care_records.${field}:${recordId}`;
export const reviewAad = (sweepId: string, subjectId: string) => `staff_sweep_reviews.note:${sweepId}:${subjectId}`;
const sealNote = (sealer: Sealer, note: string, aad: string) => (note ? sealer.seal(note, aad) : '');
const openNote = (sealer: Sealer, note: string, aad: string) => (note ? openOrPlain(sealer, note, aad) : '');

function openFields(sealer: Sealer, recordId: string, stored: unknown): Record<string, string> {
  if (typeof stored === 'string' && isSealed(stored)) return JSON.parse(sealer.open(stored, recordAad(recordId, 'fields'))) as Record<string, string>;
  return stored as Record<string, string>;
}

export async function addRecord(deps: Deps, caller: Caller, id: string, body: z.infer<typeof contracts.StaffCareRecordBody>) {
  scopeOf(caller, 'staffcare.manage');
  const r = await findReadable(deps.db, caller, id);
  if (!r) throw notFound();
  if (!abilities(caller, r).record) throw r.c.status === 'closed' ? new AppError(409, 'invalid_transition', '已销号的记录不能再添加关爱记录') : forbidden();
  const now = deps.clock();
  if (body.date > cstToday(now)) throw badRequest('日期不能晚于今天', { date: '晚于今天' });
  const fields = Object.fromEntries((['situation', 'needs', 'support', 'plan'] as const).filter((k) => body[k]).map((k) => [k, body[k]!]));
  // the row's id is chosen here: the sealed values are bound to it
  const recordId = randomUUID();
  const sealer = sealerFor(deps.config);
  await deps.db.transaction(async (tx) => {
    const inserted = await tx.insert(staffCareRecords).values({
      id: recordId, regionId: caller.regionId, caseId: id, authorAccountId: caller.accountId, authorName: caller.displayName,
      kind: body.kind, date: body.date, mood: body.mood ?? null, fields: sealer.seal(JSON.stringify(fields), recordAad(recordId, 'fields')),
      note: sealNote(sealer, body.note, recordAad(recordId, 'note')), clientId: body.clientId, createdAt: now,
    }).onConflictDoNothing().returning({ id: staffCareRecords.id, caseId: staffCareRecords.caseId });
    // a retry of the same record stores nothing more
    if (!inserted[0]) {
      const prior = (await tx.select({ caseId: staffCareRecords.caseId }).from(staffCareRecords).where(eq(staffCareRecords.clientId, body.clientId)))[0];
      if (prior?.caseId !== id) throw new AppError(409, 'conflict', '这条记录的编号已被使用');
      return;
    }
    await appendAudit(tx, { ...auditActor(caller), action: 'staffcare.record.add', objectType: 'staff', objectId: r.c.subjectId, orgPath: auditPath(r.tier, r.c.orgPath), detail: { caseId: id, recordId: inserted[0].id, kind: body.kind } }, now);
  });
  return getCase(deps, caller, id);
}

// --- closure (销号) -------------------------------------------------------------------------------

export async function closure(deps: Deps, caller: Caller, id: string, body: z.infer<typeof contracts.StaffClosureBody>) {
  scopeOf(caller, 'staffcare.manage');
  const r = await findReadable(deps.db, caller, id);
  if (!r) throw notFound();
  if (!manages(caller, r.tier, r.c.orgPath)) throw forbidden();
  const problem = closureProblem(r.c, body.action, caller.accountId);
  if (problem === 'not_active') throw new AppError(409, 'invalid_transition', '只有在册的记录才能申请销号');
  if (problem === 'not_proposed') throw new AppError(409, 'invalid_transition', '这条记录没有待审批的销号申请');
  if (problem === 'own_proposal') throw new AppError(403, 'own_proposal', '销号须由申请人以外的领导审批');
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    const expected = body.action === 'propose' ? 'active' : 'closure_proposed';
    const set: Partial<typeof staffCareCases.$inferInsert> =
      body.action === 'propose'
        ? { status: 'closure_proposed', closureSummary: body.summary, proposedBy: caller.accountId, proposedByName: caller.displayName, proposedAt: now, updatedAt: now }
        : body.action === 'approve'
          ? { status: 'closed', approvedByName: caller.displayName, closedAt: now, updatedAt: now }
          : { status: 'active', proposedBy: null, proposedByName: null, proposedAt: null, updatedAt: now };
    const updated = await tx.update(staffCareCases).set(set).where(and(eq(staffCareCases.id, id), eq(staffCareCases.status, expected))).returning({ id: staffCareCases.id });
    if (!updated[0]) throw new AppError(409, 'changed', '这条记录刚被他人处理过，请刷新');
    if (body.action === 'approve') await tx.update(staffCarers).set({ endedAt: now, endReason: '销号' }).where(and(eq(staffCarers.caseId, id), isNull(staffCarers.endedAt)));
    const kind = body.action === 'propose' ? 'closure_proposed' : body.action === 'approve' ? 'closed' : 'closure_rejected';
    await event(tx, id, kind, caller.displayName, body.action === 'propose' ? { summary: body.summary } : body.action === 'reject' ? { reason: body.reason } : {}, now);
    if (body.action === 'propose') {
      // the others who may approve: the school's leaders for ordinary staff, the bureau above for leaders; never the person
      const role = r.tier === 'staff' ? sql`ra.role = 'school_leader' and ra.org_unit_id = ${r.c.unitId}` : sql`ra.role = 'bureau_admin' and ${r.c.orgPath} like u.path || '%'`;
      const approvers = await rows<{ account_id: string }>(tx, sql`select distinct ra.account_id from role_assignments ra join org_units u on u.id = ra.org_unit_id
        where ${role} and ra.account_id is distinct from (select ${caseAccount} from staff_care_cases c where c.id = ${id})`);
      await notify(tx, deps, { regionId: caller.regionId, accountIds: approvers.map((a) => a.account_id).filter((a) => a !== caller.accountId), kind: 'staffcare.closure_proposed', title: '有一份教职工关爱销号申请待审批', body: '请查看关爱记录后审批。', link: `/staffcare/${id}`, objectType: 'staff_care_case', objectId: id }, now);
    }
    await appendAudit(tx, { ...auditActor(caller), action: `staffcare.closure.${body.action}`, objectType: 'staff', objectId: r.c.subjectId, orgPath: auditPath(r.tier, r.c.orgPath), detail: { caseId: id } }, now);
  });
  return getCase(deps, caller, id);
}

// --- the staff sweep ------------------------------------------------------------------------------

type SweepOut = z.infer<typeof contracts.StaffSweep>;

async function toSweeps(db: Db, list: SweepRow[]): Promise<SweepOut[]> {
  if (!list.length) return [];
  const units = await db.select({ id: orgUnits.id, name: orgUnits.name }).from(orgUnits).where(sql`${orgUnits.id} = any(${sql.param(list.map((s) => s.ownerUnitId))}::int[])`);
  return list.map((s) => ({ id: s.id, ownerUnitId: s.ownerUnitId, ownerName: units.find((u) => u.id === s.ownerUnitId)?.name ?? '', name: s.name, term: s.term, start: s.startDate, end: s.endDate, createdByName: s.createdByName }));
}

export async function createSweep(deps: Deps, caller: Caller, body: z.infer<typeof contracts.CreateStaffSweepBody>): Promise<SweepOut> {
  const scope = scopeOf(caller, 'staffcare.manage');
  if (body.end < body.start) throw badRequest('结束日期早于开始日期', { end: '早于开始日期' });
  const unit = (await deps.db.select().from(orgUnits).where(and(eq(orgUnits.id, body.ownerUnitId), eq(orgUnits.regionId, caller.regionId))))[0];
  if (!unit || !['city', 'district', 'school'].includes(unit.kind) || !scopeIncludes(scope, unit.path)) throw notFound();
  const now = deps.clock();
  const created = await deps.db.transaction(async (tx) => {
    const [s] = await tx.insert(staffSweeps).values({ regionId: caller.regionId, ownerUnitId: unit.id, ownerPath: unit.path, name: body.name, term: body.term, startDate: body.start, endDate: body.end, createdByName: caller.displayName, createdAt: now }).returning();
    await appendAudit(tx, { ...auditActor(caller), action: 'staffcare.sweep.create', objectType: 'staff_sweep', objectId: s!.id, orgPath: unit.path, detail: { name: body.name } }, now);
    return s!;
  });
  return (await toSweeps(deps.db, [created]))[0]!;
}

/** Sweeps covering any unit the caller works in (opened at or above it, or below it for a bureau). */
export async function listSweeps(deps: Deps, caller: Caller): Promise<SweepOut[]> {
  const mine = paths(caller, 'staffcare.read');
  if (!mine.length) throw forbidden();
  const found = await deps.db.select().from(staffSweeps).where(and(eq(staffSweeps.regionId, caller.regionId),
    sql`exists (select 1 from unnest(${sql.param(mine)}::text[]) p where p like ${staffSweeps.ownerPath} || '%' or ${staffSweeps.ownerPath} like p || '%')`))
    .orderBy(desc(staffSweeps.startDate), desc(staffSweeps.createdAt)).limit(100);
  return toSweeps(deps.db, found);
}

async function sweepFor(db: Db, caller: Caller, id: string): Promise<SweepRow> {
  const s = (await db.select().from(staffSweeps).where(and(eq(staffSweeps.id, id), eq(staffSweeps.regionId, caller.regionId))))[0];
  if (!s) throw notFound();
  return s;
}

/**
 * A group of a sweep the caller reviews: a school's ordinary staff (its leaders: staffcare.review),
 * or a school's leaders or a bureau unit's staff (the bureau: staffcare.leaders). Else 404.
 */
async function groupFor(db: Db, caller: Caller, s: SweepRow, unitId: number, tier: Tier) {
  const permission = tier === 'staff' ? 'staffcare.review' : 'staffcare.leaders';
  const unit = (await db.select().from(orgUnits).where(and(eq(orgUnits.id, unitId), eq(orgUnits.regionId, caller.regionId))))[0];
  const kinds = tier === 'staff' ? ['school'] : ['school', 'district', 'city'];
  if (!unit || !kinds.includes(unit.kind) || !unit.path.startsWith(s.ownerPath) || !scopeIncludes(scopeFor(caller.assignments, permission), unit.path)) throw notFound();
  return unit;
}

async function groupPeople(db: Db, caller: Caller, unit: { id: number; path: string }, tier: Tier) {
  return rows<Person & { case_id: string | null; case_categories: string[] | null; case_level: Level | null; case_status: string | null }>(db, sql`
    select p.*, c.id as case_id, c.categories as case_categories, c.level as case_level, c.status as case_status
    from ${peopleSql(caller.regionId, unit.path)} p
    left join staff_care_cases c on c.subject_id = p.id and c.status <> 'closed'
    where p.unit_id = ${unit.id} and p.tier = ${tier} and p.account_id is distinct from ${caller.accountId}::uuid
    order by p.name, p.id`);
}

/** Everyone of one group with their open case and this sweep's review. Audited. */
export async function sweepGroup(deps: Deps, caller: Caller, id: string, unitId: number, tier: Tier): Promise<z.infer<typeof contracts.StaffSweepGroup>> {
  const s = await sweepFor(deps.db, caller, id);
  const unit = await groupFor(deps.db, caller, s, unitId, tier);
  const [people, categories, reviews] = await Promise.all([
    groupPeople(deps.db, caller, unit, tier),
    categoriesFor(deps.db, caller.regionId),
    deps.db.select().from(staffSweepReviews).where(and(eq(staffSweepReviews.sweepId, id), eq(staffSweepReviews.unitId, unitId), eq(staffSweepReviews.tier, tier))),
  ]);
  const sealer = sealerFor(deps.config);
  await appendAudit(deps.db, { ...auditActor(caller), action: 'staffcare.sweep.group.read', objectType: 'org_unit', objectId: String(unitId), orgPath: auditPath(tier, unit.path), detail: { sweepId: id, tier } }, deps.clock());
  return {
    sweep: (await toSweeps(deps.db, [s]))[0]!,
    unit: { id: unit.id, name: unit.name, kind: unit.kind },
    tier,
    categories: categories.map((c) => ({ code: c.code, label: c.label })),
    people: people.map((p) => {
      const e = reviews.find((x) => x.subjectId === p.id);
      return {
        subjectId: p.id, kind: p.kind, name: p.name, posts: p.posts,
        case: p.case_id ? { id: p.case_id, categories: p.case_categories ?? [], level: p.case_level!, status: p.case_status! } : null,
        review: e ? { categories: e.categories, note: openNote(sealer, e.note, reviewAad(id, e.subjectId)), action: e.action, reason: e.reason, reviewedByName: e.reviewedByName, reviewedAt: e.reviewedAt.toISOString() } : null,
      };
    }),
  };
}

/**
 * The review of a whole group at once ("不漏一人"): everyone of the group, each once, with what it
 * means for the register (add, keep, remove as a closure proposal, or nothing). Nothing is stored
 * if there is a problem; every problem is named.
 */
export async function reviewGroup(deps: Deps, caller: Caller, id: string, unitId: number, tier: Tier, body: z.infer<typeof contracts.StaffSweepReviewBody>) {
  const s = await sweepFor(deps.db, caller, id);
  const unit = await groupFor(deps.db, caller, s, unitId, tier);
  const now = deps.clock();
  const today = cstToday(now);
  if (today < s.startDate || today > s.endDate) throw badRequest(`本次排查的时间是 ${s.startDate} 至 ${s.endDate}`, { sweep: '不在排查时间内' });
  const people = await groupPeople(deps.db, caller, unit, tier);
  const valid = new Set((await categoriesFor(deps.db, caller.regionId)).map((c) => c.code));
  const { fields, missing } = staffSweepProblems(body.entries, people.map((p) => ({ id: p.id, name: p.name, onRegister: p.case_id !== null })), valid);
  if (missing.length) fields.entries = `还有 ${missing.length} 人没有排查：${missing.slice(0, 10).join('、')}${missing.length > 10 ? ' …' : ''}`;
  if (Object.keys(fields).length) throw badRequest(missing.length ? '不漏一人：请排查名单上的每一个人' : '排查有误，请检查标出的人员', fields);
  const byId = new Map(people.map((p) => [p.id, p]));
  const sealer = sealerFor(deps.config);
  await deps.db.transaction(async (tx) => {
    for (const e of body.entries) {
      const p = byId.get(e.subjectId)!;
      const values = { categories: e.categories, note: sealNote(sealer, e.note, reviewAad(id, p.id)), action: e.action, reason: e.reason ?? null, reviewedBy: caller.accountId, reviewedByName: caller.displayName, reviewedAt: now };
      await tx.insert(staffSweepReviews).values({ sweepId: id, subjectKind: p.kind, subjectId: p.id, unitId, orgPath: p.org_path, tier, ...values })
        .onConflictDoUpdate({ target: [staffSweepReviews.sweepId, staffSweepReviews.subjectId], set: values });
      if (e.action === 'add') {
        await registerCase(tx, { regionId: caller.regionId, person: p, categories: e.categories, level: e.level ?? 'yellow', source: 'sweep', reason: e.reason!, actorName: caller.displayName, now });
      } else if (e.action === 'keep' && p.case_id) {
        await event(tx, p.case_id, 'kept_by_sweep', caller.displayName, { sweepId: id, categories: e.categories, reason: e.reason ?? null }, now);
      } else if (e.action === 'remove' && p.case_id && p.case_status === 'active') {
        // removal goes through closure (销号): another leader approves it
        await tx.update(staffCareCases).set({ status: 'closure_proposed', closureSummary: `排查建议移出：${e.reason}`, proposedBy: caller.accountId, proposedByName: caller.displayName, proposedAt: now, updatedAt: now }).where(eq(staffCareCases.id, p.case_id));
        await event(tx, p.case_id, 'closure_proposed', caller.displayName, { sweepId: id, summary: e.reason }, now);
      }
    }
    await appendAudit(tx, { ...auditActor(caller), action: 'staffcare.sweep.review', objectType: 'org_unit', objectId: String(unitId), orgPath: auditPath(tier, unit.path), detail: { sweepId: id, tier, people: body.entries.length, added: body.entries.filter((e) => e.action === 'add').length, removed: body.entries.filter((e) => e.action === 'remove').length } }, now);
  });
  return sweepGroup(deps, caller, id, unitId, tier);
}

/** How far a sweep has come under a unit, per unit one level down: counts only, leaders' counts only for the bureau. */
export async function sweepCompletion(deps: Deps, caller: Caller, id: string, unitId: number): Promise<z.infer<typeof contracts.StaffSweepCompletion>> {
  const s = await sweepFor(deps.db, caller, id);
  const scope = scopeOf(caller, 'staffcare.read');
  const unit = (await deps.db.select().from(orgUnits).where(and(eq(orgUnits.id, unitId), eq(orgUnits.regionId, caller.regionId))))[0];
  if (!unit || !scopeIncludes(scope, unit.path) || !(unit.path.startsWith(s.ownerPath) || s.ownerPath.startsWith(unit.path))) throw notFound();
  const seesLeaders = scopeIncludes(scopeFor(caller.assignments, 'staffcare.leaders'), unit.path);
  const prefix = unit.path.length >= s.ownerPath.length ? unit.path : s.ownerPath;
  const depth = unit.path.split('/').filter(Boolean).length;
  const grouped = await rows<{ child_id: number; tier: Tier; people: number; reviewed: number }>(deps.db, sql`
    select coalesce(nullif(split_part(p.org_path, '/', ${depth + 2}), '')::int, ${unit.id}) as child_id, p.tier, count(*)::int as people, count(r.id)::int as reviewed
    from ${peopleSql(caller.regionId, prefix)} p left join staff_sweep_reviews r on r.sweep_id = ${id} and r.subject_id = p.id
    group by 1, 2`);
  const childIds = [...new Set(grouped.map((g) => g.child_id))];
  const children = childIds.length ? await deps.db.select({ id: orgUnits.id, name: orgUnits.name, kind: orgUnits.kind, path: orgUnits.path }).from(orgUnits).where(sql`${orgUnits.id} = any(${sql.param(childIds)}::int[])`).orderBy(orgUnits.path) : [];
  const count = (list: typeof grouped, tier: Tier) => {
    const mine = list.filter((g) => g.tier === tier);
    return { people: mine.reduce((n, g) => n + g.people, 0), reviewed: mine.reduce((n, g) => n + g.reviewed, 0) };
  };
  await appendAudit(deps.db, { ...auditActor(caller), action: 'staffcare.sweep.completion.read', objectType: 'org_unit', objectId: String(unit.id), orgPath: unit.path, detail: { sweepId: id } }, deps.clock());
  return {
    unit: { id: unit.id, name: unit.name, kind: unit.kind },
    staff: count(grouped, 'staff'),
    leaders: seesLeaders ? count(grouped, 'leaders') : null,
    rows: children.map((c) => {
      const mine = grouped.filter((g) => g.child_id === c.id);
      return { unitId: c.id, name: c.name, kind: c.kind, staff: count(mine, 'staff'), leaders: seesLeaders ? count(mine, 'leaders') : null };
    }),
  };
}
