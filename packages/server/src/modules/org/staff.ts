import type { contracts, Role, StaffPost } from '@xinyu/core';
import { and, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { rows, type Db } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { AppError, badRequest, conflict, notFound } from '../../http/errors.js';
import { inScope, scopeOf } from '../access/service.js';
import { roleAssignments } from '../access/tables.js';
import { appendAudit } from '../audit/service.js';
import { generateInitialPassword, hashPassword } from '../auth/passwords.js';
import { careEndsWithStaff } from '../care/choice.js';
import { accounts, sessions } from '../auth/tables.js';
import { auditActor, unitInScope } from './service.js';
import { orgUnits, staff, staffPosts } from './tables.js';

type Staff = z.infer<typeof contracts.Staff>;
type ListQuery = z.infer<typeof contracts.StaffListQuery>;

/** The role a post gives, and where: head teachers at their class, the others at the school. */
export function roleForPost(post: StaffPost): Role | null {
  switch (post) {
    case 'leader':
    case 'moral_education':
      return 'school_leader';
    case 'counselor_full':
    case 'counselor_part':
      return 'counselor';
    case 'head_teacher':
      return 'head_teacher';
    case 'subject_teacher':
      return null;
  }
}

interface StaffRow {
  id: string;
  school_id: number;
  school_name: string;
  staff_no: string | null;
  name: string;
  gender: 'male' | 'female' | null;
  phone: string;
  subject: string | null;
  active: boolean;
  username: string | null;
  posts: { post: StaffPost; classId: number | null; className: string | null }[] | null;
}

export async function staffFilter(db: Db, caller: Caller, q: Omit<ListQuery, 'page' | 'pageSize'>) {
  const scope = scopeOf(caller, 'staff.read');
  const conds = [inScope(scope, sql`t.org_path`), sql`t.active`];
  if (q.orgUnitId) {
    const unit = await unitInScope(db, caller, q.orgUnitId, 'org.read').catch(() => null);
    // staff hang at their school: a unit above matches by prefix, a grade or class by its school
    conds.push(unit ? sql`(t.org_path like ${`${unit.path}%`} or ${unit.path} like t.org_path || '%')` : sql`false`);
  }
  if (q.q) conds.push(sql`(t.name like ${`%${q.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`} or t.phone like ${`${q.q}%`})`);
  if (q.post) conds.push(sql`exists (select 1 from staff_posts p where p.staff_id = t.id and p.post = ${q.post})`);
  return sql.join(conds, sql` and `);
}

const SELECT = sql`select t.id, t.school_id, sch.name as school_name, t.staff_no, t.name, t.gender, t.phone, t.subject, t.active, a.username,
    (select json_agg(json_build_object('post', p.post, 'classId', p.class_id, 'className', case when c.id is null then null else g.name || c.name end) order by p.id)
       from staff_posts p left join org_units c on c.id = p.class_id left join org_units g on g.id = c.parent_id where p.staff_id = t.id) as posts
  from staff t join org_units sch on sch.id = t.school_id left join accounts a on a.id = t.account_id`;

const toStaff = (r: StaffRow): Staff => ({
  id: r.id,
  schoolId: r.school_id,
  schoolName: r.school_name,
  staffNo: r.staff_no,
  name: r.name,
  gender: r.gender,
  phone: r.phone,
  subject: r.subject,
  active: r.active,
  posts: r.posts ?? [],
  username: r.username,
});

export async function listStaff(db: Db, caller: Caller, q: ListQuery) {
  const where = await staffFilter(db, caller, q);
  const [items, total] = await Promise.all([
    rows<StaffRow>(db, sql`${SELECT} where ${where} order by sch.name, t.name, t.id limit ${q.pageSize} offset ${(q.page - 1) * q.pageSize}`),
    rows<{ n: number }>(db, sql`select count(*)::int as n from staff t where ${where}`),
  ]);
  return { items: items.map(toStaff), total: total[0]?.n ?? 0, page: q.page, pageSize: q.pageSize };
}

export interface NewStaff {
  staffNo?: string | undefined;
  name: string;
  gender?: 'male' | 'female' | null | undefined;
  phone: string;
  subject?: string | undefined;
  posts: { post: StaffPost; classId?: number | null | undefined }[];
}

/**
 * Creates (or, by phone, updates) staff of one school with their posts, an account (username = phone,
 * a one-time password to change at first sign-in) and the roles the posts give. Runs in `tx`.
 */
export async function upsertStaff(tx: Db, school: typeof orgUnits.$inferSelect, list: NewStaff[], actorId: string | null) {
  const classes = await tx.select().from(orgUnits).where(and(eq(orgUnits.kind, 'class'), sql`${orgUnits.path} like ${`${school.path}%`}`));
  const classById = new Map(classes.map((c) => [c.id, c]));
  const existing = list.length
    ? await tx.select().from(staff).where(and(eq(staff.regionId, school.regionId), sql`${staff.phone} = any(${sql.param(list.map((s) => s.phone))}::text[])`))
    : [];
  const byPhone = new Map(existing.map((s) => [s.phone, s]));
  const credentials: { name: string; username: string; password: string }[] = [];
  let created = 0;
  let updated = 0;
  for (const s of list) {
    for (const p of s.posts) if (p.classId != null && !classById.has(p.classId)) throw badRequest('班级不属于该学校', { posts: '请选择本校班级' });
    const prior = byPhone.get(s.phone);
    if (prior && prior.schoolId !== school.id) throw conflict(`手机号 ${s.phone} 已登记在其他学校`, { phone: '该手机号已登记在其他学校' });
    let staffId: string;
    let accountId = prior?.accountId ?? null;
    if (prior) {
      staffId = prior.id;
      await tx.update(staff).set({ name: s.name, gender: s.gender ?? null, staffNo: s.staffNo ?? prior.staffNo, subject: s.subject ?? prior.subject, active: true }).where(eq(staff.id, staffId));
      await tx.delete(staffPosts).where(eq(staffPosts.staffId, staffId));
      if (accountId) await tx.delete(roleAssignments).where(and(eq(roleAssignments.accountId, accountId), sql`${roleAssignments.role} in ('school_leader','counselor','head_teacher')`, sql`${roleAssignments.orgUnitId} in (select id from org_units where path like ${`${school.path}%`})`));
      updated += 1;
    } else {
      const [row] = await tx.insert(staff).values({ regionId: school.regionId, schoolId: school.id, orgPath: school.path, staffNo: s.staffNo ?? null, name: s.name, gender: s.gender ?? null, phone: s.phone, subject: s.subject ?? null }).returning({ id: staff.id });
      staffId = row!.id;
      created += 1;
    }
    if (!accountId) {
      const taken = await tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.phone, s.phone));
      if (taken.length) throw conflict(`手机号 ${s.phone} 已被其他账号使用`, { phone: '该手机号已被其他账号使用' });
      const password = generateInitialPassword();
      const [acct] = await tx.insert(accounts).values({ regionId: school.regionId, username: s.phone, phone: s.phone, displayName: s.name, passwordHash: await hashPassword(password), mustChangePassword: true, staffId }).returning({ id: accounts.id });
      accountId = acct!.id;
      await tx.update(staff).set({ accountId }).where(eq(staff.id, staffId));
      credentials.push({ name: s.name, username: s.phone, password });
    }
    if (s.posts.length) await tx.insert(staffPosts).values(s.posts.map((p) => ({ staffId, regionId: school.regionId, post: p.post, classId: p.classId ?? null })));
    const grants = new Map<string, { role: Role; orgUnitId: number }>();
    for (const p of s.posts) {
      const role = roleForPost(p.post);
      if (!role) continue;
      const orgUnitId = role === 'head_teacher' ? p.classId ?? null : school.id;
      if (orgUnitId == null) throw badRequest('班主任须指定班级', { posts: '班主任须指定所带班级' });
      grants.set(`${role}:${orgUnitId}`, { role, orgUnitId });
    }
    if (grants.size) await tx.insert(roleAssignments).values([...grants.values()].map((g) => ({ regionId: school.regionId, accountId: accountId!, role: g.role, orgUnitId: g.orgUnitId, grantedBy: actorId })));
  }
  return { created, updated, credentials };
}

export async function createStaff(deps: Deps, caller: Caller, body: z.infer<typeof contracts.CreateStaffBody>) {
  const school = await unitInScope(deps.db, caller, body.schoolId, 'staff.write');
  if (school.kind !== 'school') throw notFound();
  const exists = await deps.db.select({ id: staff.id }).from(staff).where(and(eq(staff.regionId, school.regionId), eq(staff.phone, body.phone)));
  if (exists.length) throw conflict('该手机号的教职工已存在', { phone: '已有使用该手机号的教职工' });
  return deps.db.transaction(async (tx) => {
    const result = await upsertStaff(tx, school, [body], caller.accountId);
    await appendAudit(tx, { ...auditActor(caller), action: 'staff.create', objectType: 'staff', objectId: body.phone, orgPath: school.path, detail: { posts: body.posts.map((p) => p.post) } }, deps.clock());
    const cred = result.credentials[0];
    return { username: cred?.username ?? body.phone, password: cred?.password ?? null };
  });
}

async function staffInScope(db: Db, caller: Caller, id: string) {
  const scope = scopeOf(caller, 'staff.write');
  const found = await db.select().from(staff).where(and(eq(staff.id, id), inScope(scope, staff.orgPath)));
  if (!found[0]) throw notFound();
  const school = (await db.select().from(orgUnits).where(eq(orgUnits.id, found[0].schoolId)))[0]!;
  return { row: found[0], school };
}

/** Edits a staff member; new posts replace the old ones and the roles they give follow. */
export async function updateStaff(deps: Deps, caller: Caller, id: string, body: z.infer<typeof contracts.UpdateStaffBody>) {
  const { row, school } = await staffInScope(deps.db, caller, id);
  if (!row.active) throw conflict('该教职工已停用', { id: '已停用的教职工不能修改' });
  // nobody changes the roles they hold themselves
  if (body.posts && row.accountId === caller.accountId) throw new AppError(403, 'forbidden', '不能修改自己的岗位');
  const currentPosts = body.posts ?? (await deps.db.select({ post: staffPosts.post, classId: staffPosts.classId }).from(staffPosts).where(eq(staffPosts.staffId, id)));
  await deps.db.transaction(async (tx) => {
    await upsertStaff(tx, school, [{
      name: body.name ?? row.name,
      gender: body.gender === undefined ? row.gender : body.gender,
      phone: row.phone,
      staffNo: body.staffNo ?? row.staffNo ?? undefined,
      subject: body.subject ?? row.subject ?? undefined,
      posts: currentPosts,
    }], caller.accountId);
    await appendAudit(tx, { ...auditActor(caller), action: 'staff.update', objectType: 'staff', objectId: id, orgPath: school.path, detail: { fields: Object.keys(body) } }, deps.clock());
  });
  const list = await listStaff(deps.db, caller, { q: row.phone, orgUnitId: school.id, page: 1, pageSize: 1 });
  return list.items[0]!;
}

/** A member who leaves: inactive, posts and the roles they gave removed, account disabled; the record stays. */
export async function deactivateStaff(deps: Deps, caller: Caller, id: string): Promise<void> {
  const { row, school } = await staffInScope(deps.db, caller, id);
  if (row.accountId === caller.accountId) throw new AppError(403, 'forbidden', '不能停用自己');
  await deps.db.transaction(async (tx) => {
    await tx.update(staff).set({ active: false }).where(eq(staff.id, id));
    await tx.delete(staffPosts).where(eq(staffPosts.staffId, id));
    if (row.accountId) {
      await tx.delete(roleAssignments).where(and(eq(roleAssignments.accountId, row.accountId), sql`${roleAssignments.orgUnitId} in (select id from org_units where path like ${`${school.path}%`})`));
      await tx.update(accounts).set({ disabled: true }).where(eq(accounts.id, row.accountId));
      await tx.delete(sessions).where(eq(sessions.accountId, row.accountId));
      // their key students keep the history and show as needing a new care teacher
      await careEndsWithStaff(tx, deps, { accountId: row.accountId, regionId: caller.regionId, schoolId: school.id, actorName: caller.displayName, now: deps.clock() });
    }
    await appendAudit(tx, { ...auditActor(caller), action: 'staff.deactivate', objectType: 'staff', objectId: id, orgPath: school.path }, deps.clock());
  });
}
