/**
 * Parent volunteers (家长志愿者): guardians of a school's students, registered by the school or
 * volunteering from their own phone, each paired by the school with at most one key student (and
 * each key student with at most one volunteer; the database holds both). A parent volunteer sees
 * the paired student's name and class and whom to call at school: no levels, categories, alerts
 * or diaries.
 */
import type { contracts } from '@xinyu/core';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { rows, type Db } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { AppError, badRequest, forbidden, notFound } from '../../http/errors.js';
import { hasPermission, inScope, scopeOf } from '../access/service.js';
import { appendAudit } from '../audit/service.js';
import { notify } from '../notify/service.js';
import { auditActor, classNameOf } from '../org/service.js';
import { orgUnits } from '../org/tables.js';
import { endPairingsOf } from './choice.js';
import { abilities, findReadable } from './service.js';
import { keyStudentEvents, parentPairings, parentVolunteers } from './tables.js';

const CLASS_OF = (alias: string) => classNameOf(`${alias}.class_id`);

/** A school the caller manages care at (care.manage reaches it), or 404. */
async function managedSchool(db: Db, caller: Caller, schoolId: number) {
  const unit = (await db.select().from(orgUnits).where(and(eq(orgUnits.id, schoolId), eq(orgUnits.kind, 'school'), eq(orgUnits.regionId, caller.regionId), inScope(scopeOf(caller, 'care.manage'), orgUnits.path))))[0];
  if (!unit) throw notFound();
  return unit;
}

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

export async function listParentVolunteers(deps: Deps, caller: Caller, q: z.infer<typeof contracts.ParentVolunteerQuery>): Promise<z.infer<typeof contracts.ParentVolunteer>[]> {
  const school = await managedSchool(deps.db, caller, q.schoolId);
  const found = await rows<{ id: string; name: string; phone: string | null; note: string; source: 'school' | 'self'; status: 'active' | 'ended'; created_at: Date | string; ended_at: Date | string | null; end_reason: string | null; classes: string[] | null; pairing_id: string | null; key_student_id: string | null; student_name: string | null; class_name: string | null; since: Date | string | null }>(deps.db, sql`
    select v.id, v.name, g.phone, v.note, v.source, v.status, v.created_at, v.ended_at, v.end_reason,
      (select array_agg(distinct ${CLASS_OF('s')}) from student_guardians sg join students s on s.id = sg.student_id where sg.guardian_id = v.guardian_id and s.school_id = v.school_id and s.status = 'active') as classes,
      p.id as pairing_id, p.key_student_id, ps.name as student_name, ${CLASS_OF('ps')} as class_name, p.started_at as since
    from parent_volunteers v join guardians g on g.id = v.guardian_id
    left join parent_pairings p on p.volunteer_id = v.id and p.ended_at is null
    left join students ps on ps.id = p.student_id
    where v.school_id = ${q.schoolId} and v.status = ${q.status}
    order by v.created_at desc limit 500`);
  await appendAudit(deps.db, { ...auditActor(caller), action: 'care.parent_volunteers.read', objectType: 'org_unit', objectId: String(q.schoolId), orgPath: school.path, detail: { rows: found.length } }, deps.clock());
  return found.map((f) => ({
    id: f.id, schoolId: q.schoolId, name: f.name, phone: f.phone, childClasses: f.classes ?? [], note: f.note, source: f.source, status: f.status,
    createdAt: iso(f.created_at)!, endedAt: iso(f.ended_at), endReason: f.end_reason,
    pairing: f.pairing_id ? { id: f.pairing_id, keyStudentId: f.key_student_id!, name: f.student_name!, className: f.class_name ?? '', since: iso(f.since)! } : null,
  }));
}

/** Guardians of the school's students, found by name or phone, to register as volunteers. */
export async function guardianChoices(deps: Deps, caller: Caller, q: z.infer<typeof contracts.GuardianChoiceQuery>): Promise<z.infer<typeof contracts.GuardianChoice>[]> {
  const school = await managedSchool(deps.db, caller, q.schoolId);
  if (!scopeOf(caller, 'guardian.read').orgPaths.some((p) => school.path.startsWith(p))) throw forbidden();
  const like = `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const found = await rows<{ id: string; name: string; phone: string | null; children: string[] }>(deps.db, sql`
    select g.id, g.name, g.phone, array_agg(s.name || '（' || ${CLASS_OF('s')} || '）' order by s.name) as children
    from guardians g join student_guardians sg on sg.guardian_id = g.id join students s on s.id = sg.student_id
    where s.school_id = ${q.schoolId} and s.status = 'active' and g.region_id = ${caller.regionId} and (g.name like ${like} or g.phone like ${like})
    group by g.id, g.name, g.phone order by g.name limit 20`);
  await appendAudit(deps.db, { ...auditActor(caller), action: 'guardian.search', objectType: 'org_unit', objectId: String(q.schoolId), orgPath: school.path, detail: { rows: found.length, purpose: 'parent_volunteer' } }, deps.clock());
  return found.map((f) => ({ guardianId: f.id, name: f.name, phone: f.phone, children: f.children }));
}

async function leadersOf(db: Db, schoolId: number) {
  return (await rows<{ account_id: string }>(db, sql`select distinct account_id from role_assignments where role in ('school_leader', 'counselor') and org_unit_id = ${schoolId}`)).map((r) => r.account_id);
}

/** Adds a volunteer; registering the same guardian again while active changes nothing. */
async function addVolunteer(deps: Deps, caller: Caller, a: { schoolId: number; schoolPath: string; guardianId: string; note: string; source: 'school' | 'self' }): Promise<string> {
  const g = (await rows<{ name: string }>(deps.db, sql`
    select g.name from guardians g where g.id = ${a.guardianId} and g.region_id = ${caller.regionId}
      and exists (select 1 from student_guardians sg join students s on s.id = sg.student_id where sg.guardian_id = g.id and s.school_id = ${a.schoolId} and s.status = 'active')`))[0];
  if (!g) throw a.source === 'self' ? notFound() : badRequest('只能登记本校学生的家长', { guardianId: '不是本校学生的家长' });
  const now = deps.clock();
  return deps.db.transaction(async (tx) => {
    const inserted = await tx.insert(parentVolunteers).values({ regionId: caller.regionId, schoolId: a.schoolId, guardianId: a.guardianId, name: g.name, note: a.note, source: a.source, createdByName: caller.displayName, createdAt: now })
      .onConflictDoNothing().returning({ id: parentVolunteers.id });
    if (!inserted[0]) return (await tx.select({ id: parentVolunteers.id }).from(parentVolunteers).where(and(eq(parentVolunteers.schoolId, a.schoolId), eq(parentVolunteers.guardianId, a.guardianId), eq(parentVolunteers.status, 'active'))))[0]!.id;
    if (a.source === 'self') {
      await notify(tx, deps, { regionId: caller.regionId, accountIds: await leadersOf(tx, a.schoolId), kind: 'care.parent_volunteered', title: '有家长报名做家长志愿者', body: `${g.name}${a.note ? `：${a.note}` : ''}`, link: '/care/parents', objectType: 'parent_volunteer', objectId: inserted[0].id }, now);
    }
    await appendAudit(tx, { ...auditActor(caller), action: a.source === 'self' ? 'care.parent_volunteer.self' : 'care.parent_volunteer.register', objectType: 'guardian', objectId: a.guardianId, orgPath: a.schoolPath, detail: { volunteerId: inserted[0].id } }, now);
    return inserted[0].id;
  });
}

export async function registerParentVolunteer(deps: Deps, caller: Caller, body: z.infer<typeof contracts.RegisterParentVolunteerBody>) {
  const school = await managedSchool(deps.db, caller, body.schoolId);
  const id = await addVolunteer(deps, caller, { schoolId: school.id, schoolPath: school.path, guardianId: body.guardianId, note: body.note, source: 'school' });
  return (await listParentVolunteers(deps, caller, { schoolId: school.id, status: 'active' })).find((v) => v.id === id)!;
}

/** The school ends a volunteer's service (and their pairing), or the parent withdraws. The record stays. */
export async function endParentVolunteer(deps: Deps, caller: Caller, id: string, reason: string): Promise<void> {
  const v = (await deps.db.select().from(parentVolunteers).where(and(eq(parentVolunteers.id, id), eq(parentVolunteers.regionId, caller.regionId))))[0];
  if (!v) throw notFound();
  const own = (await rows<{ n: number }>(deps.db, sql`select count(*)::int as n from accounts where id = ${caller.accountId} and guardian_id = ${v.guardianId}`))[0]!.n > 0;
  if (!own && !hasPermission(caller, 'care.manage')) throw notFound();
  const school = own ? (await deps.db.select().from(orgUnits).where(eq(orgUnits.id, v.schoolId)))[0]! : await managedSchool(deps.db, caller, v.schoolId);
  if (v.status !== 'active') throw new AppError(409, 'invalid_transition', '这位家长志愿者已结束服务');
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    await tx.update(parentVolunteers).set({ status: 'ended', endedAt: now, endReason: reason }).where(eq(parentVolunteers.id, id));
    await endPairingsOf(tx, { volunteerId: id, reason, actorName: caller.displayName, now });
    if (own) await notify(tx, deps, { regionId: caller.regionId, accountIds: await leadersOf(tx, v.schoolId), kind: 'care.parent_volunteer_withdrew', title: '一位家长志愿者退出了', body: `${v.name}：${reason}`, link: '/care/parents', objectType: 'parent_volunteer', objectId: id }, now);
    await appendAudit(tx, { ...auditActor(caller), action: 'care.parent_volunteer.end', objectType: 'guardian', objectId: v.guardianId, orgPath: school.path, detail: { volunteerId: id, reason, byParent: own } }, now);
  });
}

async function pairingRows(db: Db, where: ReturnType<typeof sql>): Promise<z.infer<typeof contracts.Pairing>[]> {
  const found = await rows<{ id: string; volunteer_id: string; volunteer_name: string; key_student_id: string; name: string; class_name: string; contact_name: string; contact_phone: string | null; started_by_name: string | null; started_at: Date | string; ended_at: Date | string | null; end_reason: string | null }>(db, sql`
    select p.id, p.volunteer_id, v.name as volunteer_name, p.key_student_id, s.name, ${CLASS_OF('s')} as class_name, p.contact_name, p.contact_phone, p.started_by_name, p.started_at, p.ended_at, p.end_reason
    from parent_pairings p join parent_volunteers v on v.id = p.volunteer_id join students s on s.id = p.student_id
    where ${where} order by p.ended_at is not null, p.started_at desc limit 500`);
  return found.map((f) => ({ id: f.id, volunteerId: f.volunteer_id, volunteerName: f.volunteer_name, keyStudentId: f.key_student_id, name: f.name, className: f.class_name, contactName: f.contact_name, contactPhone: f.contact_phone, startedByName: f.started_by_name, startedAt: iso(f.started_at)!, endedAt: iso(f.ended_at), endReason: f.end_reason }));
}

/** Every pairing of the school, current first, ended ones kept as history. */
export async function listPairings(deps: Deps, caller: Caller, schoolId: number) {
  await managedSchool(deps.db, caller, schoolId);
  return pairingRows(deps.db, sql`p.school_id = ${schoolId}`);
}

/**
 * Pairs a volunteer with a key student of the same school, one-to-one while it lasts (a second
 * pairing of either side is refused; the database enforces it under concurrency too). Not the
 * volunteer's own child. The parent is told.
 */
export async function pair(deps: Deps, caller: Caller, body: z.infer<typeof contracts.PairBody>): Promise<z.infer<typeof contracts.Pairing>> {
  const r = await findReadable(deps.db, caller, body.keyStudentId);
  if (!r) throw notFound();
  if (!abilities(caller, r, undefined).assign) throw forbidden();
  const v = (await deps.db.select().from(parentVolunteers).where(and(eq(parentVolunteers.id, body.volunteerId), eq(parentVolunteers.schoolId, r.k.schoolId))))[0];
  if (!v) throw badRequest('只能结对本校的家长志愿者', { volunteerId: '不是本校的家长志愿者' });
  if (v.status !== 'active') throw badRequest('这位家长志愿者已结束服务', { volunteerId: '已结束服务' });
  const ownChild = (await rows<{ n: number }>(deps.db, sql`select count(*)::int as n from student_guardians where guardian_id = ${v.guardianId} and student_id = ${r.k.studentId}`))[0]!.n > 0;
  if (ownChild) throw badRequest('家长志愿者不能与自己的孩子结对', { keyStudentId: '是这位家长自己的孩子' });
  const me = (await rows<{ name: string; phone: string }>(deps.db, sql`select st.name, st.phone from accounts a join staff st on st.id = a.staff_id where a.id = ${caller.accountId}`))[0];
  const contactName = body.contactName ?? me?.name ?? caller.displayName;
  const contactPhone = body.contactPhone ?? (body.contactName ? null : me?.phone ?? null);
  const now = deps.clock();
  const id = await deps.db.transaction(async (tx) => {
    const busy = await rows<{ volunteer_id: string }>(tx, sql`select volunteer_id from parent_pairings where ended_at is null and (volunteer_id = ${v.id} or key_student_id = ${body.keyStudentId})`);
    if (busy.some((b) => b.volunteer_id === v.id)) throw new AppError(409, 'already_paired', '这位家长志愿者已有结对学生，请先结束原结对', { volunteerId: '已有结对' });
    if (busy.length) throw new AppError(409, 'already_paired', '这名学生已有结对的家长志愿者，请先结束原结对', { keyStudentId: '已有结对' });
    const inserted = await tx.insert(parentPairings).values({ regionId: caller.regionId, schoolId: r.k.schoolId, volunteerId: v.id, keyStudentId: body.keyStudentId, studentId: r.k.studentId, contactName, contactPhone, startedByName: caller.displayName, startedAt: now })
      .onConflictDoNothing().returning({ id: parentPairings.id });
    // the other side was paired at the same moment
    if (!inserted[0]) throw new AppError(409, 'already_paired', '刚有人为其中一方结对，请刷新');
    const parentAccounts = (await rows<{ id: string }>(tx, sql`select id from accounts where guardian_id = ${v.guardianId} and not disabled`)).map((a) => a.id);
    await notify(tx, deps, { regionId: caller.regionId, accountIds: parentAccounts, kind: 'care.parent_paired', title: '学校为您安排了结对帮扶的学生', body: `学校联系人：${contactName}`, link: '/m', objectType: 'parent_pairing', objectId: inserted[0].id }, now);
    await tx.insert(keyStudentEvents).values({ keyStudentId: body.keyStudentId, kind: 'parent_paired', actorName: caller.displayName, detail: { volunteer: v.name }, at: now });
    await appendAudit(tx, { ...auditActor(caller), action: 'care.parent_pair', objectType: 'student', objectId: r.k.studentId, orgPath: r.orgPath, detail: { keyStudentId: body.keyStudentId, volunteerId: v.id, pairingId: inserted[0].id } }, now);
    return inserted[0].id;
  });
  return (await pairingRows(deps.db, sql`p.id = ${id}`))[0]!;
}

export async function endPairing(deps: Deps, caller: Caller, id: string, reason: string): Promise<z.infer<typeof contracts.Pairing>> {
  const p = (await deps.db.select().from(parentPairings).where(and(eq(parentPairings.id, id), eq(parentPairings.regionId, caller.regionId))))[0];
  if (!p) throw notFound();
  const school = await managedSchool(deps.db, caller, p.schoolId);
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    const ended = await tx.update(parentPairings).set({ endedAt: now, endReason: reason, endedByName: caller.displayName }).where(and(eq(parentPairings.id, id), isNull(parentPairings.endedAt))).returning({ id: parentPairings.id });
    if (!ended[0]) throw new AppError(409, 'invalid_transition', '这一结对已结束');
    await appendAudit(tx, { ...auditActor(caller), action: 'care.parent_pair.end', objectType: 'student', objectId: p.studentId, orgPath: school.path, detail: { pairingId: id, reason } }, now);
  });
  return (await pairingRows(deps.db, sql`p.id = ${id}`))[0]!;
}

// --- the parent's own view ------------------------------------------------------------------------

async function guardianOf(db: Db, caller: Caller): Promise<string> {
  const g = (await rows<{ guardian_id: string | null }>(db, sql`select guardian_id from accounts where id = ${caller.accountId}`))[0]?.guardian_id;
  if (!g) throw forbidden();
  return g;
}

/** What a parent sees: their volunteering, the paired student's name and class, the school's contact. */
export async function myParentVolunteering(deps: Deps, caller: Caller): Promise<z.infer<typeof contracts.MyPairing>> {
  const guardianId = await guardianOf(deps.db, caller);
  const [volunteering, pairings, schools] = await Promise.all([
    rows<{ id: string; school_name: string; status: 'active' | 'ended'; created_at: Date | string }>(deps.db, sql`
      select v.id, u.name as school_name, v.status, v.created_at from parent_volunteers v join org_units u on u.id = v.school_id where v.guardian_id = ${guardianId} order by v.created_at desc limit 20`),
    rows<{ id: string; student_name: string; class_name: string; school_name: string; contact_name: string; contact_phone: string | null; started_at: Date | string; student_id: string }>(deps.db, sql`
      select p.id, s.name as student_name, ${CLASS_OF('s')} as class_name, u.name as school_name, p.contact_name, p.contact_phone, p.started_at, s.id as student_id
      from parent_pairings p join parent_volunteers v on v.id = p.volunteer_id join students s on s.id = p.student_id join org_units u on u.id = p.school_id
      where v.guardian_id = ${guardianId} and p.ended_at is null and v.status = 'active'`),
    rows<{ id: number; name: string }>(deps.db, sql`
      select distinct u.id, u.name from student_guardians sg join students s on s.id = sg.student_id join org_units u on u.id = s.school_id
      where sg.guardian_id = ${guardianId} and s.status = 'active' order by u.name`),
  ]);
  if (pairings.length) await appendAudit(deps.db, { ...auditActor(caller), action: 'care.parent_pair.read', objectType: 'student', detail: { studentIds: pairings.map((p) => p.student_id) } }, deps.clock());
  return {
    volunteering: volunteering.map((v) => ({ id: v.id, schoolName: v.school_name, status: v.status, createdAt: iso(v.created_at)! })),
    pairings: pairings.map((p) => ({ id: p.id, studentName: p.student_name, className: p.class_name, schoolName: p.school_name, contactName: p.contact_name, contactPhone: p.contact_phone, since: iso(p.started_at)! })),
    schools,
  };
}

/** A parent volunteers at a school one of their children attends; the school's leaders are told. */
export async function selfVolunteer(deps: Deps, caller: Caller, body: z.infer<typeof contracts.SelfVolunteerBody>) {
  const guardianId = await guardianOf(deps.db, caller);
  const school = (await deps.db.select().from(orgUnits).where(and(eq(orgUnits.id, body.schoolId), eq(orgUnits.kind, 'school'), eq(orgUnits.regionId, caller.regionId))))[0];
  if (!school) throw notFound();
  await addVolunteer(deps, caller, { schoolId: school.id, schoolPath: school.path, guardianId, note: body.note, source: 'self' });
  return myParentVolunteering(deps, caller);
}
