/**
 * Two-way choice (双向选择): a teacher of the school offers to care for a key student who has no
 * care teacher; a leader approves (the assignment, under the region's policy) or declines with a
 * reason; the teacher is told either way and may withdraw while the offer waits. What a teacher
 * sees of the students open for care is their name, class and level colour, nothing more.
 *
 * Also what happens to care when a member of staff leaves: their care ends with the reason, the
 * history stays, and the students show as needing a new care teacher.
 */
import { assignmentProblems, scopeFor, scopeIncludes, type contracts } from '@xinyu/core';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { rows, type Db } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { AppError, forbidden, notFound } from '../../http/errors.js';
import { appendAudit } from '../audit/service.js';
import { notify } from '../notify/service.js';
import { auditActor, classNameOf } from '../org/service.js';
import { abilities, assignCare, carePolicyFor, endCare, findReadable } from './service.js';
import { careAssignments, careVolunteers, keyStudentEvents, parentPairings } from './tables.js';

const CLASS_NAME = classNameOf('s.class_id');

type Staff = { schoolId: number; schoolPath: string; isLeader: boolean };

/** The caller's place as a member of staff: an active staff record with its school, or null. */
export async function staffSchoolOf(db: Db, caller: Caller): Promise<Staff | null> {
  const found = await rows<{ school_id: number; path: string; is_leader: boolean }>(db, sql`
    select st.school_id, u.path,
      exists (select 1 from role_assignments ra where ra.account_id = a.id and ra.role = 'school_leader' and ra.org_unit_id = st.school_id) as is_leader
    from accounts a join staff st on st.id = a.staff_id join org_units u on u.id = st.school_id
    where a.id = ${caller.accountId} and st.active and not a.disabled and a.region_id = ${caller.regionId}`);
  const f = found[0];
  return f ? { schoolId: f.school_id, schoolPath: f.path, isLeader: f.is_leader } : null;
}

async function requireStaff(db: Db, caller: Caller) {
  const staff = await staffSchoolOf(db, caller);
  // only members of a school's staff volunteer; the route is open to any signed-in account
  if (!staff) throw forbidden();
  return staff;
}

async function loadOf(db: Db, accountId: string): Promise<number> {
  return (await rows<{ n: number }>(db, sql`select count(*)::int as n from care_assignments where account_id = ${accountId} and ended_at is null`))[0]!.n;
}

/**
 * The school's key students a teacher may offer to care for: on the register, without a care
 * teacher, and of a level the policy lets this teacher take (the hardest cases only for leaders).
 * With `keyStudentId`, only that one (if it is open to the caller).
 */
async function openings(deps: Deps, caller: Caller, staff: Staff, keyStudentId?: string) {
  const [policy, load] = await Promise.all([carePolicyFor(deps.db, caller.regionId), loadOf(deps.db, caller.accountId)]);
  const hidden = staff.isLeader ? [] : policy.leaderLevels;
  const found = await rows<{ id: string; student_id: string; name: string; class_name: string; level: 'yellow' | 'orange' | 'red'; offer_id: string | null; offer_at: string | Date | null }>(deps.db, sql`
    select k.id, k.student_id, s.name, ${CLASS_NAME} as class_name, k.level, o.id as offer_id, o.created_at as offer_at
    from key_students k join students s on s.id = k.student_id
    left join care_volunteers o on o.key_student_id = k.id and o.account_id = ${caller.accountId} and o.status = 'pending'
    where k.school_id = ${staff.schoolId} and k.region_id = ${caller.regionId} and k.status = 'active' ${keyStudentId ? sql`and k.id = ${keyStudentId}` : sql``}
      and not exists (select 1 from care_assignments c where c.key_student_id = k.id and c.ended_at is null)
      and k.level <> all(${sql.param(hidden)}::text[])
    order by case k.level when 'red' then 0 when 'orange' then 1 else 2 end, k.added_at
    limit 200`);
  return {
    load,
    maxPerTeacher: policy.maxPerTeacher,
    studentIds: found.map((f) => f.student_id),
    items: found.map((f) => ({
      keyStudentId: f.id,
      name: f.name,
      className: f.class_name,
      level: f.level,
      problems: assignmentProblems({ level: f.level, assigneeIsLeader: staff.isLeader, currentLoad: load }, policy),
      myOffer: f.offer_id ? { id: f.offer_id, createdAt: new Date(f.offer_at!).toISOString() } : null,
    })),
  };
}

/** The openings of the caller's school (see openings); the read is audited with the students listed. */
export async function careOpenings(deps: Deps, caller: Caller): Promise<z.infer<typeof contracts.CareOpenings>> {
  const staff = await requireStaff(deps.db, caller);
  const { studentIds, ...result } = await openings(deps, caller, staff);
  await appendAudit(deps.db, { ...auditActor(caller), action: 'care.openings.read', objectType: 'student', orgPath: staff.schoolPath, detail: { rows: studentIds.length, studentIds } }, deps.clock());
  return result;
}

async function myOffers(db: Db, caller: Caller, id?: string): Promise<z.infer<typeof contracts.MyVolunteering>[]> {
  const found = await rows<{ id: string; key_student_id: string; name: string; class_name: string; note: string; status: 'pending' | 'approved' | 'declined' | 'withdrawn'; decline_reason: string | null; decided_by_name: string | null; created_at: string | Date; decided_at: string | Date | null }>(db, sql`
    select o.id, o.key_student_id, s.name, ${CLASS_NAME} as class_name, o.note, o.status, o.decline_reason, o.decided_by_name, o.created_at, o.decided_at
    from care_volunteers o join students s on s.id = o.student_id
    where o.account_id = ${caller.accountId} ${id ? sql`and o.id = ${id}` : sql``}
    order by o.created_at desc limit 100`);
  return found.map((f) => ({
    id: f.id, keyStudentId: f.key_student_id, name: f.name, className: f.class_name, note: f.note, status: f.status, declineReason: f.decline_reason,
    decidedByName: f.decided_by_name, createdAt: new Date(f.created_at).toISOString(), decidedAt: f.decided_at ? new Date(f.decided_at).toISOString() : null,
  }));
}

/** The caller's own offers, newest first. */
export async function listMyOffers(deps: Deps, caller: Caller): Promise<z.infer<typeof contracts.MyVolunteering>[]> {
  await requireStaff(deps.db, caller);
  return myOffers(deps.db, caller);
}

/** A teacher offers to care for a key student; a second click or a retry stores nothing more. The school's leaders are told. */
export async function volunteer(deps: Deps, caller: Caller, keyStudentId: string, note: string): Promise<z.infer<typeof contracts.MyVolunteering>> {
  const staff = await requireStaff(deps.db, caller);
  const opening = (await openings(deps, caller, staff, keyStudentId)).items[0];
  // not of the caller's school, closed, already cared for, or a case for a leader: as if absent
  if (!opening) throw notFound();
  if (opening.myOffer) return (await myOffers(deps.db, caller, opening.myOffer.id))[0]!;
  const now = deps.clock();
  const id = await deps.db.transaction(async (tx) => {
    const k = (await rows<{ student_id: string; org_path: string }>(tx, sql`select k.student_id, s.org_path from key_students k join students s on s.id = k.student_id where k.id = ${keyStudentId}`))[0]!;
    const inserted = await tx.insert(careVolunteers).values({ regionId: caller.regionId, schoolId: staff.schoolId, keyStudentId, studentId: k.student_id, accountId: caller.accountId, accountName: caller.displayName, note, createdAt: now })
      .onConflictDoNothing().returning({ id: careVolunteers.id });
    if (!inserted[0]) {
      // the same offer, sent twice at once
      return (await tx.select({ id: careVolunteers.id }).from(careVolunteers).where(and(eq(careVolunteers.keyStudentId, keyStudentId), eq(careVolunteers.accountId, caller.accountId), eq(careVolunteers.status, 'pending'))))[0]!.id;
    }
    await tx.insert(keyStudentEvents).values({ keyStudentId, kind: 'volunteered', actorName: caller.displayName, detail: { note }, at: now });
    const managers = await rows<{ account_id: string }>(tx, sql`select distinct account_id from role_assignments where role in ('school_leader', 'counselor') and org_unit_id = ${staff.schoolId}`);
    await notify(tx, deps, { regionId: caller.regionId, accountIds: managers.map((m) => m.account_id).filter((a) => a !== caller.accountId), kind: 'care.volunteered', title: '有教师报名包保一名重点学生', body: `${caller.displayName}：${note}`, link: `/care/${keyStudentId}`, objectType: 'key_student', objectId: keyStudentId }, now);
    await appendAudit(tx, { ...auditActor(caller), action: 'care.volunteer', objectType: 'student', objectId: k.student_id, orgPath: k.org_path, detail: { keyStudentId, offerId: inserted[0].id } }, now);
    return inserted[0].id;
  });
  return (await myOffers(deps.db, caller, id))[0]!;
}

/** The volunteer takes back an offer still waiting for a decision. */
export async function withdrawOffer(deps: Deps, caller: Caller, offerId: string): Promise<z.infer<typeof contracts.MyVolunteering>> {
  const offer = (await deps.db.select().from(careVolunteers).where(and(eq(careVolunteers.id, offerId), eq(careVolunteers.accountId, caller.accountId))))[0];
  if (!offer) throw notFound();
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    const updated = await tx.update(careVolunteers).set({ status: 'withdrawn', decidedAt: now }).where(and(eq(careVolunteers.id, offerId), eq(careVolunteers.status, 'pending'))).returning({ id: careVolunteers.id });
    if (!updated[0]) throw new AppError(409, 'invalid_transition', '这份报名已处理，不能撤回');
    await tx.insert(keyStudentEvents).values({ keyStudentId: offer.keyStudentId, kind: 'volunteer_withdrawn', actorName: caller.displayName, detail: {}, at: now });
    await appendAudit(tx, { ...auditActor(caller), action: 'care.volunteer.withdraw', objectType: 'student', objectId: offer.studentId, detail: { keyStudentId: offer.keyStudentId, offerId } }, now);
  });
  return (await myOffers(deps.db, caller, offerId))[0]!;
}

/** A pending offer the caller may decide on (care.manage over the student), or 404. */
async function decidable(deps: Deps, caller: Caller, offerId: string) {
  const offer = (await deps.db.select().from(careVolunteers).where(eq(careVolunteers.id, offerId)))[0];
  if (!offer) throw notFound();
  const r = await findReadable(deps.db, caller, offer.keyStudentId);
  if (!r) throw notFound();
  const current = (await deps.db.select().from(careAssignments).where(and(eq(careAssignments.keyStudentId, offer.keyStudentId), isNull(careAssignments.endedAt))))[0];
  if (!abilities(caller, r, current).assign) throw forbidden();
  if (offer.status !== 'pending') throw new AppError(409, 'invalid_transition', '这份报名已处理');
  return { offer, r };
}

/** Every offer on one key student, for whoever assigns its care. */
export async function offersFor(deps: Deps, caller: Caller, keyStudentId: string): Promise<z.infer<typeof contracts.CareOffer>[]> {
  const r = await findReadable(deps.db, caller, keyStudentId);
  if (!r) throw notFound();
  // whoever manages care of the student (closed records too, as history)
  if (!scopeIncludes(scopeFor(caller.assignments, 'care.manage'), r.orgPath, r.k.studentId)) throw forbidden();
  const policy = await carePolicyFor(deps.db, caller.regionId);
  const found = await rows<{ id: string; account_id: string; account_name: string; note: string; status: 'pending' | 'approved' | 'declined' | 'withdrawn'; decline_reason: string | null; decided_by_name: string | null; created_at: string | Date; is_leader: boolean; load: number }>(deps.db, sql`
    select o.id, o.account_id, o.account_name, o.note, o.status, o.decline_reason, o.decided_by_name, o.created_at,
      exists (select 1 from role_assignments ra where ra.account_id = o.account_id and ra.role = 'school_leader' and ra.org_unit_id = o.school_id) as is_leader,
      (select count(*)::int from care_assignments c where c.account_id = o.account_id and c.ended_at is null) as load
    from care_volunteers o where o.key_student_id = ${keyStudentId} order by (o.status = 'pending') desc, o.created_at desc`);
  return found.map((f) => ({
    id: f.id, accountId: f.account_id, name: f.account_name, note: f.note, status: f.status, declineReason: f.decline_reason, decidedByName: f.decided_by_name,
    createdAt: new Date(f.created_at).toISOString(),
    problems: f.status === 'pending' ? assignmentProblems({ level: r.k.level, assigneeIsLeader: f.is_leader, currentLoad: f.load }, policy) : [],
  }));
}

/** Approving an offer is assigning the volunteer (the policy applies as to any assignment). */
export async function approveOffer(deps: Deps, caller: Caller, offerId: string) {
  const { offer } = await decidable(deps, caller, offerId);
  return assignCare(deps, caller, offer.keyStudentId, { accountId: offer.accountId });
}

export async function declineOffer(deps: Deps, caller: Caller, offerId: string, reason: string): Promise<z.infer<typeof contracts.CareOffer>[]> {
  const { offer, r } = await decidable(deps, caller, offerId);
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    const updated = await tx.update(careVolunteers).set({ status: 'declined', declineReason: reason, decidedByName: caller.displayName, decidedAt: now })
      .where(and(eq(careVolunteers.id, offerId), eq(careVolunteers.status, 'pending'))).returning({ id: careVolunteers.id });
    if (!updated[0]) throw new AppError(409, 'changed', '这份报名刚被他人处理过，请刷新');
    await tx.insert(keyStudentEvents).values({ keyStudentId: offer.keyStudentId, kind: 'volunteer_declined', actorName: caller.displayName, detail: { name: offer.accountName, reason }, at: now });
    await notify(tx, deps, { regionId: caller.regionId, accountIds: [offer.accountId], kind: 'care.volunteer_declined', title: '您的包保报名未获安排', body: reason, link: '/care/volunteer', objectType: 'care_offer', objectId: offerId }, now);
    await appendAudit(tx, { ...auditActor(caller), action: 'care.volunteer.decline', objectType: 'student', objectId: r.k.studentId, orgPath: r.orgPath, detail: { keyStudentId: offer.keyStudentId, offerId, reason } }, now);
  });
  return offersFor(deps, caller, offer.keyStudentId);
}

/**
 * When a key student gets a care teacher (or is closed), the assignee's pending offer is approved
 * and every other pending offer declined with a reason, each volunteer told. Returns whether the
 * assignee had offered.
 */
export async function settleOffers(tx: Db, deps: Pick<Deps, 'config'>, a: { keyStudentId: string; regionId: number; assigneeId: string | null; deciderName: string; now: Date; reason?: string }): Promise<boolean> {
  const pending = await tx.select().from(careVolunteers).where(and(eq(careVolunteers.keyStudentId, a.keyStudentId), eq(careVolunteers.status, 'pending'))).for('update');
  let offered = false;
  for (const o of pending) {
    if (o.accountId === a.assigneeId) {
      offered = true;
      await tx.update(careVolunteers).set({ status: 'approved', decidedByName: a.deciderName, decidedAt: a.now }).where(eq(careVolunteers.id, o.id));
      continue;
    }
    const reason = a.reason ?? '已安排其他教师包保';
    await tx.update(careVolunteers).set({ status: 'declined', declineReason: reason, decidedByName: a.deciderName, decidedAt: a.now }).where(eq(careVolunteers.id, o.id));
    await notify(tx, deps, { regionId: a.regionId, accountIds: [o.accountId], kind: 'care.volunteer_declined', title: '您的包保报名未获安排', body: reason, link: '/care/volunteer', objectType: 'care_offer', objectId: o.id }, a.now);
  }
  return offered;
}

/** Ends the parent-volunteer pairing of a key student (closure, or the school ends it), keeping it as history. */
export async function endPairingsOf(tx: Db, a: { keyStudentId?: string; volunteerId?: string; reason: string; actorName: string; now: Date }): Promise<number> {
  const where = and(isNull(parentPairings.endedAt), a.keyStudentId ? eq(parentPairings.keyStudentId, a.keyStudentId) : undefined, a.volunteerId ? eq(parentPairings.volunteerId, a.volunteerId) : undefined);
  const ended = await tx.update(parentPairings).set({ endedAt: a.now, endReason: a.reason, endedByName: a.actorName }).where(where).returning({ id: parentPairings.id });
  return ended.length;
}

/**
 * A member of staff leaves the school: each of their current cares ends with the reason (the
 * history stays, the care_teacher role goes), their waiting offers are withdrawn, and the school's
 * leaders and counselors are told which students need a new care teacher. Called in the
 * transaction that deactivates the staff record.
 */
export async function careEndsWithStaff(tx: Db, deps: Pick<Deps, 'config'>, a: { accountId: string; regionId: number; schoolId: number; actorName: string; now: Date }): Promise<number> {
  const current = await tx.select().from(careAssignments).where(and(eq(careAssignments.accountId, a.accountId), isNull(careAssignments.endedAt))).for('update');
  for (const c of current) {
    await endCare(tx, c, '包保教师已离校', a.now);
    await tx.insert(keyStudentEvents).values({ keyStudentId: c.keyStudentId, kind: 'carer_left', actorName: a.actorName, detail: { name: c.accountName }, at: a.now });
  }
  await tx.update(careVolunteers).set({ status: 'withdrawn', declineReason: '教师已离校', decidedAt: a.now }).where(and(eq(careVolunteers.accountId, a.accountId), eq(careVolunteers.status, 'pending')));
  if (current.length) {
    const managers = await rows<{ account_id: string }>(tx, sql`select distinct account_id from role_assignments where role in ('school_leader', 'counselor') and org_unit_id = ${a.schoolId} and account_id <> ${a.accountId}`);
    await notify(tx, deps, { regionId: a.regionId, accountIds: managers.map((m) => m.account_id), kind: 'care.carer_left', title: `${current.length} 名重点学生需要重新指派包保教师`, body: `${current[0]!.accountName} 已离校，原包保记录已保留。`, link: '/care', objectType: 'account', objectId: a.accountId }, a.now);
  }
  return current.length;
}
