/**
 * Counselors' slots (预约时段) and the appointment register (预约登记表).
 *
 * - A counselor (appointment.manage) publishes their own bookable slots at their school: one, or a
 *   weekly pattern over a date range, in one batched insert; a slot overlapping one of theirs is
 *   skipped, one at the same start is not duplicated (unique counselor + start). Cancelling a slot
 *   cancels its live appointment and tells the booker, the student and the parents.
 * - Booking (appointment.book): a student for themselves, a parent for their child, a head teacher for
 *   a student of their class, a care teacher for a student they care for, the school's counselor or
 *   leader for any student of the school; always on a free slot of the student's own school. Whom the
 *   caller may book for is decided in the query (404 otherwise). The clientId makes a retry return the
 *   same appointment; a slot holds one live appointment (partial unique index: a second booker gets 409).
 * - requested → confirmed (counselor) → completed / no_show; moved to another slot or cancelled (with a
 *   reason) by the counselor; cancelled by the booker or the student's own side (student, parent).
 *   Walk-ins are recorded by the counselor as completed visits (channel walk_in; parents are not sent a
 *   notice for a visit the student made on their own, but see it in their list).
 * - Every change goes to appointment_events and the audit log; parents get a guardian notice (plain
 *   words, never the topic) when their child's appointment is booked, confirmed, moved or cancelled.
 * - Students and parents read their own or their child's appointments: time, place, counselor, status;
 *   the topic only when they wrote it (the student, or the parent who booked); never anyone else's.
 */
import { randomUUID } from 'node:crypto';
import { addDaysIso, isoWeekday, minutesOf, scopeFor, scopeIncludes, timeProblems, type contracts } from '@xinyu/core';
import { and, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import { rows, type Db } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../http/errors.js';
import { hasPermission, homePath, inScope, scopeOf } from '../access/service.js';
import { appendAudit } from '../audit/service.js';
import { sendGuardianNotice } from '../crisis/guardian-notices.js';
import { notify } from '../notify/service.js';
import { auditActor, classNameOf } from '../org/service.js';
import { cstToday } from '../screening/campaigns.js';
import { openOrPlain, sealerFor, type Sealer } from '../../lib/sealed.js';
import { appointmentEvents, appointments, counselingRooms, counselorSlots } from './tables.js';
import { roomInScope, schoolInScope } from './rooms.js';

type SlotOut = z.infer<typeof contracts.CounselorSlot>;
type AppointmentOut = z.infer<typeof contracts.Appointment>;
type AppointmentRow = typeof appointments.$inferSelect;
type Status = AppointmentRow['status'];

const DAY = 86_400_000;
const LIVE: Status[] = ['requested', 'confirmed'];
const STATUS_ZH: Record<Status, string> = { requested: '待确认', confirmed: '已确认', cancelled: '已取消', completed: '已完成', no_show: '未到' };

/** A moment from a CST date and minutes after midnight. */
const cstAt = (date: string, minutes: number) => new Date(Date.parse(`${date}T00:00:00+08:00`) + minutes * 60_000);
const iso = (v: unknown) => (v instanceof Date ? v : new Date(String(v))).toISOString();
/** '2026-11-26 14:00' in China time. */
export function cstLabel(v: Date | string): string {
  const d = new Date(new Date(v).getTime() + 8 * 3_600_000).toISOString();
  return `${d.slice(0, 10)} ${d.slice(11, 16)}`;
}

function requireTimes(start: string, end: string): [number, number] {
  const problems = timeProblems(start, end);
  if (Object.keys(problems).length) throw badRequest('时间有误', problems);
  return [minutesOf(start)!, minutesOf(end)!];
}

// --- who may ----------------------------------------------------------------------------------------

const manageScope = (caller: Caller) => scopeOf(caller, 'appointment.manage');
const mayManage = (caller: Caller, orgPath: string) => hasPermission(caller, 'appointment.manage') && scopeIncludes(scopeFor(caller.assignments, 'appointment.manage'), orgPath);
/** Students the caller is the student or a parent of. */
const ownSide = (caller: Caller) => caller.assignments.filter((a) => (a.role === 'student' || a.role === 'parent') && a.studentId).map((a) => a.studentId!);

interface StudentRow {
  id: string;
  name: string;
  gender: 'male' | 'female';
  school_id: number;
  org_path: string;
  class_name: string;
  school_name: string;
}

/** A student the caller may act for with `permission` (scope in the query), or 404. */
async function studentFor(db: Db, caller: Caller, studentId: string, permission: 'appointment.book' | 'appointment.manage'): Promise<StudentRow> {
  const scope = scopeOf(caller, permission);
  const found = await rows<StudentRow>(db, sql`
    select s.id, s.name, s.gender, s.school_id, s.org_path, ${classNameOf('s.class_id')} as class_name, u.name as school_name
    from students s join org_units u on u.id = s.school_id
    where s.id = ${studentId} and s.region_id = ${caller.regionId} and s.status = 'active' and ${inScope(scope, sql`s.org_path`, sql`s.id`)}`);
  if (!found[0]) throw notFound();
  return found[0];
}

function bookerRole(caller: Caller, s: StudentRow): 'student' | 'parent' | 'teacher' | 'counselor' {
  if (caller.assignments.some((a) => a.role === 'student' && a.studentId === s.id)) return 'student';
  if (caller.assignments.some((a) => a.role === 'parent' && a.studentId === s.id)) return 'parent';
  if (mayManage(caller, s.org_path)) return 'counselor';
  return 'teacher';
}

/** The school the caller publishes slots at: the one given (in their appointment.manage scope), or their only one. */
async function counselorSchool(db: Db, caller: Caller, schoolId?: number): Promise<{ id: number; path: string }> {
  const scope = manageScope(caller);
  const found = await rows<{ id: number; path: string }>(db, sql`
    select id, path from org_units where region_id = ${caller.regionId} and kind = 'school' and active and ${inScope(scope, sql`path`)}
      ${schoolId ? sql`and id = ${schoolId}` : sql``} order by id limit 2`);
  if (schoolId && !found[0]) throw notFound();
  if (found.length !== 1) throw badRequest('请选择学校', { schoolId: '请选择在哪所学校发布时段' });
  return found[0]!;
}

// --- events, notices ---------------------------------------------------------------------------------

async function event(tx: Db, appointmentId: string, kind: string, actorName: string | null, detail: Record<string, unknown>, at: Date): Promise<void> {
  await tx.insert(appointmentEvents).values({ appointmentId, kind, actorName, detail, at });
}

async function placeOf(db: Db, roomId: string | null): Promise<string> {
  if (!roomId) return '心理辅导室';
  const r = (await db.select({ name: counselingRooms.name, location: counselingRooms.location }).from(counselingRooms).where(eq(counselingRooms.id, roomId)))[0];
  return r ? [r.name, r.location].filter(Boolean).join('，') : '心理辅导室';
}

const NOTICE_TITLE = { booked: '心理辅导预约已登记', confirmed: '心理辅导预约已确认', moved: '心理辅导预约时间已调整', cancelled: '心理辅导预约已取消' } as const;

/** Tells the parents, in plain words and without the topic. */
async function tellGuardians(tx: Db, deps: Deps, caller: Caller | null, a: AppointmentRow, studentName: string, kind: keyof typeof NOTICE_TITLE, reason?: string | null) {
  const place = await placeOf(tx, a.roomId);
  const when = cstLabel(a.startsAt);
  const body = {
    booked: `${studentName}预约了心理辅导：${when}，${place}，${a.counselorName}老师。老师确认后会再通知您。`,
    confirmed: `${studentName}的心理辅导预约已确认：${when}，${place}，${a.counselorName}老师。`,
    moved: `${studentName}的心理辅导预约改到了 ${when}，${place}，${a.counselorName}老师。`,
    cancelled: `${studentName}原定 ${when} 的心理辅导预约已取消。${reason ? `原因：${reason}。` : ''}如需要，可以重新预约。`,
  }[kind];
  await sendGuardianNotice(tx, deps, {
    regionId: a.regionId, studentId: a.studentId, orgPath: a.orgPath, kind: `appointment.${kind}`, title: NOTICE_TITLE[kind], body,
    objectType: 'appointment', objectId: a.id, sender: caller ? { accountId: caller.accountId, displayName: caller.displayName } : null,
  }, deps.clock());
}

/** Account ids of the student themselves (their student accounts). */
export async function studentAccounts(db: Db, studentId: string): Promise<string[]> {
  return (await rows<{ id: string }>(db, sql`select distinct a.id from role_assignments ra join accounts a on a.id = ra.account_id and not a.disabled where ra.role = 'student' and ra.student_id = ${studentId}`)).map((r) => r.id);
}

// --- slots ---------------------------------------------------------------------------------------------

const slotSelect = sql`
  select sl.id, sl.school_id, sl.counselor_account_id, sl.counselor_name, sl.room_id, r.name as room_name, r.location, sl.starts_at, sl.ends_at,
    sl.cancelled_at is not null as cancelled, ap.id as appointment_id, st.name as student_name
  from counselor_slots sl
  left join counseling_rooms r on r.id = sl.room_id
  left join appointments ap on ap.slot_id = sl.id and ap.status in ('requested', 'confirmed')
  left join students st on st.id = ap.student_id`;

interface SlotRow {
  id: string;
  school_id: number;
  counselor_account_id: string;
  counselor_name: string;
  room_id: string | null;
  room_name: string | null;
  location: string | null;
  starts_at: unknown;
  ends_at: unknown;
  cancelled: boolean;
  appointment_id: string | null;
  student_name: string | null;
}

const toSlot = (s: SlotRow): SlotOut => ({
  id: s.id, schoolId: s.school_id, counselorAccountId: s.counselor_account_id, counselorName: s.counselor_name, roomId: s.room_id, roomName: s.room_name,
  location: s.location, startsAt: iso(s.starts_at), endsAt: iso(s.ends_at), cancelled: s.cancelled, appointmentId: s.appointment_id, studentName: s.student_name,
});

function window(now: Date, from?: string, to?: string, defaultDays = 14): { start: Date; end: Date } {
  const f = from ?? cstToday(now);
  const t = to ?? addDaysIso(f, defaultDays);
  if (t < f) throw badRequest('结束日期不能早于开始日期', { to: '结束日期不能早于开始日期' });
  if (Date.parse(t) - Date.parse(f) > 370 * DAY) throw badRequest('日期范围不能超过一年', { from: '日期范围不能超过一年' });
  return { start: cstAt(f, 0), end: cstAt(t, 1440) };
}

export async function publishSlots(deps: Deps, caller: Caller, body: z.infer<typeof contracts.PublishSlotsBody>): Promise<z.infer<typeof contracts.PublishSlotsResult>> {
  const school = await counselorSchool(deps.db, caller, body.schoolId);
  const [s, e] = requireTimes(body.start, body.end);
  if (e - s < 10) throw badRequest('一个时段至少 10 分钟', { end: '一个时段至少 10 分钟' });
  const now = deps.clock();
  if (body.to < body.from) throw badRequest('结束日期不能早于开始日期', { to: '结束日期不能早于开始日期' });
  if (body.from < cstToday(now)) throw badRequest('不能发布今天之前的时段', { from: '不能发布今天之前的时段' });
  if (Date.parse(body.to) - Date.parse(body.from) > 120 * DAY) throw badRequest('一次最多发布 120 天内的时段', { to: '一次最多发布 120 天内的时段' });
  let roomId: string | null = null;
  if (body.roomId) {
    const room = await roomInScope(deps.db, caller, body.roomId, 'room.read');
    if (room.schoolId !== school.id || !room.active) throw badRequest('所选辅导室不属于这所学校或已停用', { roomId: '所选辅导室不属于这所学校或已停用' });
    roomId = room.id;
  }
  const weekdays = new Set(body.weekdays?.length ? body.weekdays : [1, 2, 3, 4, 5, 6, 7]);
  const wanted: { startsAt: Date; endsAt: Date }[] = [];
  for (let d = body.from; d <= body.to; d = addDaysIso(d, 1)) {
    if (!weekdays.has(isoWeekday(d))) continue;
    const startsAt = cstAt(d, s);
    if (startsAt <= now) continue;
    wanted.push({ startsAt, endsAt: cstAt(d, e) });
  }
  if (!wanted.length) throw badRequest('所选日期范围内没有符合的日期（或时间已过）', { weekdays: '所选日期范围内没有符合的日期' });
  const created = await deps.db.transaction(async (tx) => {
    // the caller's live slots that overlap the new ones (another start time): those new ones are skipped
    const existing = await rows<{ starts_at: unknown; ends_at: unknown }>(tx, sql`
      select starts_at, ends_at from counselor_slots where counselor_account_id = ${caller.accountId} and cancelled_at is null
        and starts_at < ${wanted[wanted.length - 1]!.endsAt.toISOString()}::timestamptz and ends_at > ${wanted[0]!.startsAt.toISOString()}::timestamptz`);
    const busy = existing.map((x) => [new Date(x.starts_at as string).getTime(), new Date(x.ends_at as string).getTime()] as const);
    const fresh = wanted.filter((w) => !busy.some(([bs, be]) => bs < w.endsAt.getTime() && be > w.startsAt.getTime()));
    if (!fresh.length) return [];
    const inserted = await tx.insert(counselorSlots).values(fresh.map((w) => ({
      regionId: caller.regionId, schoolId: school.id, orgPath: school.path, counselorAccountId: caller.accountId, counselorName: caller.displayName, roomId, startsAt: w.startsAt, endsAt: w.endsAt, createdAt: now,
    })))
      // a cancelled slot at the same start comes back instead of a duplicate
      .onConflictDoUpdate({ target: [counselorSlots.counselorAccountId, counselorSlots.startsAt], set: { cancelledAt: null, endsAt: sql`excluded.ends_at`, roomId: sql`excluded.room_id` }, setWhere: sql`${counselorSlots.cancelledAt} is not null` })
      .returning({ id: counselorSlots.id });
    if (inserted.length) await appendAudit(tx, { ...auditActor(caller), action: 'slot.publish', objectType: 'counselor_slot', orgPath: school.path, detail: { from: body.from, to: body.to, weekdays: [...weekdays], start: body.start, end: body.end, created: inserted.length } }, now);
    return inserted.map((i) => i.id);
  });
  const items = created.length ? (await rows<SlotRow>(deps.db, sql`${slotSelect} where sl.id = any(${sql.param(created)}::uuid[]) order by sl.starts_at`)).map(toSlot) : [];
  return { created: created.length, skipped: wanted.length - created.length, items };
}

export async function listSlots(deps: Deps, caller: Caller, q: z.infer<typeof contracts.SlotQuery>): Promise<SlotOut[]> {
  const scope = manageScope(caller);
  const { start, end } = window(deps.clock(), q.from, q.to, 28);
  const list = await rows<SlotRow>(deps.db, sql`${slotSelect}
    where sl.region_id = ${caller.regionId} and ${inScope(scope, sql`sl.org_path`)} and sl.starts_at >= ${start.toISOString()}::timestamptz and sl.starts_at < ${end.toISOString()}::timestamptz
      ${q.mine === 'true' ? sql`and sl.counselor_account_id = ${caller.accountId}` : sql``}
    order by sl.starts_at, sl.counselor_name limit 2000`);
  return list.map(toSlot);
}

/** Free slots of counselors of the student's school, for someone who may book for the student. */
export async function freeSlots(deps: Deps, caller: Caller, studentId: string, q: z.infer<typeof contracts.FreeSlotsQuery>): Promise<z.infer<typeof contracts.FreeSlots>> {
  const s = await studentFor(deps.db, caller, studentId, 'appointment.book');
  const now = deps.clock();
  const { start, end } = window(now, q.from, q.to, 14);
  const list = await rows<SlotRow>(deps.db, sql`${slotSelect}
    where sl.school_id = ${s.school_id} and sl.cancelled_at is null and ap.id is null
      and sl.starts_at > ${new Date(Math.max(now.getTime(), start.getTime())).toISOString()}::timestamptz and sl.starts_at < ${end.toISOString()}::timestamptz
    order by sl.starts_at, sl.counselor_name limit 500`);
  return {
    student: { id: s.id, name: s.name, className: s.class_name, schoolName: s.school_name },
    items: list.map((x) => {
      const { appointmentId: _a, studentName: _s, ...slot } = toSlot(x);
      return slot;
    }),
  };
}

export async function cancelSlot(deps: Deps, caller: Caller, id: string, reason: string): Promise<SlotOut> {
  const scope = manageScope(caller);
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    const slot = (await tx.select().from(counselorSlots).where(and(eq(counselorSlots.id, id), eq(counselorSlots.regionId, caller.regionId), inScope(scope, counselorSlots.orgPath))).for('update'))[0];
    if (!slot) throw notFound();
    if (slot.cancelledAt) return;
    await tx.update(counselorSlots).set({ cancelledAt: now }).where(eq(counselorSlots.id, slot.id));
    const live = await tx.select().from(appointments).where(and(eq(appointments.slotId, slot.id), sql`${appointments.status} in ('requested', 'confirmed')`)).for('update');
    for (const a of live) await cancelInside(tx, deps, caller, a, `预约时段已取消：${reason}`, 'slot_cancelled');
    await appendAudit(tx, { ...auditActor(caller), action: 'slot.cancel', objectType: 'counselor_slot', objectId: slot.id, orgPath: slot.orgPath, detail: { reason, appointments: live.length } }, now);
  });
  return toSlot((await rows<SlotRow>(deps.db, sql`${slotSelect} where sl.id = ${id}`))[0]!);
}

// --- appointments -------------------------------------------------------------------------------------

const appointmentSelect = (where: SQL) => sql`
  select a.*, s.name as student_name, s.gender, ${classNameOf('s.class_id')} as class_name, r.name as room_name, r.location,
    (select count(*)::int from appointments n where n.student_id = a.student_id and n.school_id = a.school_id and n.status = 'no_show') as no_shows
  from appointments a join students s on s.id = a.student_id left join counseling_rooms r on r.id = a.room_id
  where ${where}`;

interface AppointmentJoined {
  id: string;
  student_id: string;
  student_name: string;
  gender: 'male' | 'female';
  class_name: string;
  slot_id: string | null;
  counselor_account_id: string;
  counselor_name: string;
  room_name: string | null;
  location: string | null;
  starts_at: unknown;
  ends_at: unknown;
  channel: 'booked' | 'walk_in';
  booked_by_role: 'student' | 'parent' | 'teacher' | 'counselor';
  booked_by: string;
  booked_by_name: string;
  topic: string;
  status: Status;
  cancel_reason: string | null;
  no_shows: number;
  created_at: unknown;
}

/**
 * The topic (what the student wants to talk about, in their or their parent's words) is sealed at
 * rest (lib/sealed.ts), bound to the appointment; an empty one stays empty, one stored before
 * sealing is read as it is.
 */
export const topicAad = (appointmentId: string) => `appointments.topic:${appointmentId}`;
const sealTopic = (sealer: Sealer, id: string, topic: string) => (topic ? sealer.seal(topic, topicAad(id)) : '');
const openTopic = (sealer: Sealer, a: { id: string; topic: string }) => (a.topic ? openOrPlain(sealer, a.topic, topicAad(a.id)) : '');

const toAppointment = (sealer: Sealer, a: AppointmentJoined): AppointmentOut => ({
  id: a.id, studentId: a.student_id, studentName: a.student_name, gender: a.gender, className: a.class_name, slotId: a.slot_id, counselorAccountId: a.counselor_account_id,
  counselorName: a.counselor_name, roomName: a.room_name, location: a.location, startsAt: iso(a.starts_at), endsAt: iso(a.ends_at), channel: a.channel, bookedByRole: a.booked_by_role,
  bookedByName: a.booked_by_name, topic: openTopic(sealer, a), status: a.status, cancelReason: a.cancel_reason, noShows: Number(a.no_shows), createdAt: iso(a.created_at),
});

/** One appointment of the register, with its events (appointment.manage in scope), or 404. */
export async function getAppointment(deps: Deps, caller: Caller, id: string): Promise<z.infer<typeof contracts.AppointmentDetail>> {
  const scope = manageScope(caller);
  const found = (await rows<AppointmentJoined>(deps.db, appointmentSelect(sql`a.id = ${id} and a.region_id = ${caller.regionId} and ${inScope(scope, sql`a.org_path`)}`)))[0];
  if (!found) throw notFound();
  const events = await deps.db.select().from(appointmentEvents).where(eq(appointmentEvents.appointmentId, id)).orderBy(appointmentEvents.at, appointmentEvents.id);
  return { ...toAppointment(sealerFor(deps.config), found), events: events.map((e) => ({ kind: e.kind, actorName: e.actorName, detail: e.detail, at: e.at.toISOString() })) };
}

export async function listAppointments(deps: Deps, caller: Caller, q: z.infer<typeof contracts.AppointmentQuery>) {
  const scope = manageScope(caller);
  const conds: SQL[] = [sql`a.region_id = ${caller.regionId}`, inScope(scope, sql`a.org_path`)];
  if (q.from) conds.push(sql`a.starts_at >= ${cstAt(q.from, 0).toISOString()}::timestamptz`);
  if (q.to) conds.push(sql`a.starts_at < ${cstAt(q.to, 1440).toISOString()}::timestamptz`);
  if (q.status) conds.push(sql`a.status = ${q.status}`);
  if (q.studentId) conds.push(sql`a.student_id = ${q.studentId}`);
  if (q.mine === 'true') conds.push(sql`a.counselor_account_id = ${caller.accountId}`);
  if (q.schoolId) conds.push(sql`a.school_id = ${(await schoolInScope(deps.db, caller, q.schoolId, 'appointment.manage')).id}`);
  const where = sql.join(conds, sql` and `);
  const [items, total] = await Promise.all([
    rows<AppointmentJoined>(deps.db, sql`${appointmentSelect(where)} order by a.starts_at desc, a.id limit ${q.pageSize} offset ${(q.page - 1) * q.pageSize}`),
    rows<{ n: number }>(deps.db, sql`select count(*)::int as n from appointments a where ${where}`),
  ]);
  await appendAudit(deps.db, { ...auditActor(caller), action: 'appointment.register.read', objectType: 'appointment', orgPath: homePath(caller.assignments), detail: { from: q.from, to: q.to, status: q.status, studentId: q.studentId, rows: items.length } }, deps.clock());
  const sealer = sealerFor(deps.config);
  return { items: items.map((a) => toAppointment(sealer, a)), total: Number(total[0]?.n ?? 0), page: q.page, pageSize: q.pageSize };
}

/** An appointment booked with this clientId, if it is the caller's (a retry); someone else's clientId is a conflict. */
async function byClientId(db: Db, caller: Caller, clientId: string): Promise<AppointmentRow | null> {
  const found = (await db.select().from(appointments).where(eq(appointments.clientId, clientId)))[0];
  if (!found) return null;
  if (found.bookedBy !== caller.accountId) throw conflict('这次提交的编号已被使用，请刷新页面后重试');
  return found;
}

export async function book(deps: Deps, caller: Caller, body: z.infer<typeof contracts.BookAppointmentBody>): Promise<{ id: string }> {
  const s = await studentFor(deps.db, caller, body.studentId, 'appointment.book');
  const again = await byClientId(deps.db, caller, body.clientId);
  if (again) return { id: again.id };
  const now = deps.clock();
  const role = bookerRole(caller, s);
  // the row's id is chosen here: the sealed topic is bound to it
  const id = randomUUID();
  const topic = sealTopic(sealerFor(deps.config), id, body.topic);
  return deps.db.transaction(async (tx) => {
    const slot = (await tx.select().from(counselorSlots).where(and(eq(counselorSlots.id, body.slotId), eq(counselorSlots.schoolId, s.school_id))))[0];
    if (!slot) throw notFound();
    if (slot.cancelledAt) throw conflict('这个时段已取消，请选择其他时段', { slotId: '这个时段已取消' });
    if (slot.startsAt <= now) throw conflict('这个时段已经开始或已过，请选择其他时段', { slotId: '这个时段已过' });
    const inserted = await tx.insert(appointments).values({
      id, regionId: caller.regionId, schoolId: s.school_id, orgPath: s.org_path, studentId: s.id, slotId: slot.id, counselorAccountId: slot.counselorAccountId, counselorName: slot.counselorName,
      roomId: slot.roomId, startsAt: slot.startsAt, endsAt: slot.endsAt, channel: 'booked', bookedByRole: role, bookedBy: caller.accountId, bookedByName: caller.displayName,
      topic, status: role === 'counselor' ? 'confirmed' : 'requested', clientId: body.clientId, createdAt: now, updatedAt: now,
    }).onConflictDoNothing().returning();
    const a = inserted[0];
    if (!a) {
      const same = await byClientId(tx, caller, body.clientId);
      if (same) return { id: same.id };
      throw conflict('这个时段刚被别人预约了，请选择其他时段', { slotId: '这个时段已被预约' });
    }
    await event(tx, a.id, 'booked', caller.displayName, { role, slotId: slot.id, status: a.status }, now);
    await appendAudit(tx, { ...auditActor(caller), action: 'appointment.book', objectType: 'appointment', objectId: a.id, orgPath: a.orgPath, detail: { studentId: s.id, role, slotId: slot.id } }, now);
    await tellGuardians(tx, deps, caller, a, s.name, a.status === 'confirmed' ? 'confirmed' : 'booked');
    if (slot.counselorAccountId !== caller.accountId) {
      await notify(tx, deps, { regionId: caller.regionId, accountIds: [slot.counselorAccountId], kind: 'appointment.requested', title: '新的心理辅导预约', body: `${s.name}（${s.class_name}）预约了 ${cstLabel(a.startsAt)}，请确认。`, link: '/counseling/register', objectType: 'appointment', objectId: a.id }, now);
    }
    return { id: a.id };
  });
}

export async function walkIn(deps: Deps, caller: Caller, body: z.infer<typeof contracts.WalkInBody>): Promise<z.infer<typeof contracts.AppointmentDetail>> {
  const s = await studentFor(deps.db, caller, body.studentId, 'appointment.manage');
  const [st, en] = requireTimes(body.start, body.end);
  const now = deps.clock();
  const startsAt = cstAt(body.date, st);
  if (startsAt > now) throw badRequest('现场来访只能登记已经发生的', { date: '现场来访只能登记已经发生的' });
  let roomId: string | null = null;
  if (body.roomId) {
    const room = await roomInScope(deps.db, caller, body.roomId, 'room.read');
    if (room.schoolId !== s.school_id) throw badRequest('所选辅导室不属于学生所在学校', { roomId: '所选辅导室不属于学生所在学校' });
    roomId = room.id;
  }
  const again = await byClientId(deps.db, caller, body.clientId);
  if (again) return getAppointment(deps, caller, again.id);
  const newId = randomUUID();
  const topic = sealTopic(sealerFor(deps.config), newId, body.topic);
  const id = await deps.db.transaction(async (tx) => {
    const inserted = await tx.insert(appointments).values({
      id: newId, regionId: caller.regionId, schoolId: s.school_id, orgPath: s.org_path, studentId: s.id, slotId: null, counselorAccountId: caller.accountId, counselorName: caller.displayName,
      roomId, startsAt, endsAt: cstAt(body.date, en), channel: 'walk_in', bookedByRole: 'counselor', bookedBy: caller.accountId, bookedByName: caller.displayName,
      topic, status: 'completed', clientId: body.clientId, createdAt: now, updatedAt: now,
    }).onConflictDoNothing().returning({ id: appointments.id });
    if (!inserted[0]) return (await byClientId(tx, caller, body.clientId))!.id;
    await event(tx, inserted[0].id, 'walk_in', caller.displayName, {}, now);
    await appendAudit(tx, { ...auditActor(caller), action: 'appointment.walk_in', objectType: 'appointment', objectId: inserted[0].id, orgPath: s.org_path, detail: { studentId: s.id, date: body.date } }, now);
    return inserted[0].id;
  });
  return getAppointment(deps, caller, id);
}

/** Cancels a live appointment inside a transaction: event, audit, the booker and the student told, the parents' notice. */
async function cancelInside(tx: Db, deps: Deps, caller: Caller, a: AppointmentRow, reason: string, kind: 'cancelled' | 'slot_cancelled') {
  const now = deps.clock();
  await tx.update(appointments).set({ status: 'cancelled', cancelReason: reason, updatedAt: now }).where(eq(appointments.id, a.id));
  await event(tx, a.id, kind, caller.displayName, { reason, from: a.status }, now);
  await appendAudit(tx, { ...auditActor(caller), action: 'appointment.cancel', objectType: 'appointment', objectId: a.id, orgPath: a.orgPath, detail: { reason, by: kind } }, now);
  const name = (await rows<{ name: string }>(tx, sql`select name from students where id = ${a.studentId}`))[0]?.name ?? '';
  await tellGuardians(tx, deps, caller, { ...a, status: 'cancelled' }, name, 'cancelled', reason);
  const others = [a.bookedBy, a.counselorAccountId, ...(await studentAccounts(tx, a.studentId))].filter((x) => x !== caller.accountId);
  await notify(tx, deps, { regionId: a.regionId, accountIds: others, kind: 'appointment.cancelled', title: '心理辅导预约已取消', body: `${cstLabel(a.startsAt)} 的心理辅导预约已取消。原因：${reason}`, link: null, objectType: 'appointment', objectId: a.id }, now);
}

export async function act(deps: Deps, caller: Caller, id: string, body: z.infer<typeof contracts.AppointmentActionBody>): Promise<{ id: string; status: Status }> {
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    // in the query: the school's counselors and leaders, the booker, the student and their parents; 404 otherwise
    const side = ownSide(caller);
    const a = (await tx.select().from(appointments).where(and(eq(appointments.id, id), eq(appointments.regionId, caller.regionId),
      or(hasPermission(caller, 'appointment.manage') ? inScope(manageScope(caller), appointments.orgPath) : undefined, eq(appointments.bookedBy, caller.accountId), side.length ? inArray(appointments.studentId, side) : undefined))).for('update'))[0];
    if (!a) throw notFound();
    const manages = mayManage(caller, a.orgPath);
    if (!manages && body.action !== 'cancel') throw forbidden();
    const refuse = (what: string) => new AppError(409, 'invalid_state', `这条预约现在是“${STATUS_ZH[a.status]}”，不能${what}`);
    const studentName = async () => (await rows<{ name: string }>(tx, sql`select name from students where id = ${a.studentId}`))[0]?.name ?? '';
    switch (body.action) {
      case 'confirm': {
        if (a.status !== 'requested') throw refuse('确认');
        await tx.update(appointments).set({ status: 'confirmed', updatedAt: now }).where(eq(appointments.id, a.id));
        await event(tx, a.id, 'confirmed', caller.displayName, {}, now);
        await tellGuardians(tx, deps, caller, a, await studentName(), 'confirmed');
        const tell = [a.bookedBy, ...(await studentAccounts(tx, a.studentId))].filter((x) => x !== caller.accountId);
        await notify(tx, deps, { regionId: a.regionId, accountIds: tell, kind: 'appointment.confirmed', title: '心理辅导预约已确认', body: `${cstLabel(a.startsAt)}，${await placeOf(tx, a.roomId)}，${a.counselorName}老师。`, link: null, objectType: 'appointment', objectId: a.id }, now);
        break;
      }
      case 'complete':
      case 'no_show': {
        if (!LIVE.includes(a.status)) throw refuse(body.action === 'complete' ? '记为已完成' : '记为未到');
        if (body.action === 'no_show' && a.startsAt > now) throw new AppError(409, 'too_early', '还没到预约时间，不能记为未到');
        const status = body.action === 'complete' ? 'completed' : 'no_show';
        await tx.update(appointments).set({ status, updatedAt: now }).where(eq(appointments.id, a.id));
        await event(tx, a.id, status, caller.displayName, {}, now);
        break;
      }
      case 'cancel': {
        if (!LIVE.includes(a.status)) throw refuse('取消');
        await cancelInside(tx, deps, caller, a, body.reason, 'cancelled');
        return;
      }
      case 'move': {
        if (!LIVE.includes(a.status)) throw refuse('改期');
        const slot = (await tx.select().from(counselorSlots).where(and(eq(counselorSlots.id, body.slotId), eq(counselorSlots.schoolId, a.schoolId))))[0];
        if (!slot) throw notFound();
        if (slot.id === a.slotId) throw conflict('已经是这个时段了', { slotId: '已经是这个时段了' });
        if (slot.cancelledAt || slot.startsAt <= now) throw conflict('这个时段已取消或已过，请选择其他时段', { slotId: '这个时段不可用' });
        const taken = await tx.select({ id: appointments.id }).from(appointments).where(and(eq(appointments.slotId, slot.id), sql`${appointments.status} in ('requested', 'confirmed')`));
        if (taken.length) throw conflict('这个时段已被预约，请选择其他时段', { slotId: '这个时段已被预约' });
        const moved = { slotId: slot.id, counselorAccountId: slot.counselorAccountId, counselorName: slot.counselorName, roomId: slot.roomId, startsAt: slot.startsAt, endsAt: slot.endsAt, updatedAt: now };
        await tx.update(appointments).set(moved).where(eq(appointments.id, a.id));
        await event(tx, a.id, 'moved', caller.displayName, { from: a.startsAt.toISOString(), to: slot.startsAt.toISOString(), reason: body.reason }, now);
        await tellGuardians(tx, deps, caller, { ...a, ...moved }, await studentName(), 'moved');
        const tell = [a.bookedBy, a.counselorAccountId, slot.counselorAccountId, ...(await studentAccounts(tx, a.studentId))].filter((x) => x !== caller.accountId);
        await notify(tx, deps, { regionId: a.regionId, accountIds: tell, kind: 'appointment.moved', title: '心理辅导预约时间已调整', body: `改到 ${cstLabel(slot.startsAt)}，${await placeOf(tx, slot.roomId)}，${slot.counselorName}老师。`, link: null, objectType: 'appointment', objectId: a.id }, now);
        break;
      }
    }
    await appendAudit(tx, { ...auditActor(caller), action: `appointment.${body.action}`, objectType: 'appointment', objectId: a.id, orgPath: a.orgPath, detail: body.action === 'move' ? { slotId: body.slotId } : {} }, now);
  }).catch((e: unknown) => {
    // two moves onto one free slot at once: the partial unique index lets one through
    if (e && typeof e === 'object' && ('code' in e ? e.code : (e as { cause?: { code?: string } }).cause?.code) === '23505') throw conflict('这个时段刚被别人预约了，请选择其他时段', { slotId: '这个时段已被预约' });
    throw e;
  });
  const after = (await deps.db.select({ status: appointments.status }).from(appointments).where(eq(appointments.id, id)))[0]!;
  return { id, status: after.status };
}

// --- students and parents ---------------------------------------------------------------------------

export async function myAppointments(deps: Deps, caller: Caller): Promise<z.infer<typeof contracts.MyAppointments>> {
  const ids = [...new Set(ownSide(caller))];
  if (!ids.length) return { students: [], items: [] };
  const students = await rows<{ id: string; name: string }>(deps.db, sql`select id, name from students where id = any(${sql.param(ids)}::uuid[]) and status = 'active' order by name`);
  const list = await rows<AppointmentJoined>(deps.db, sql`${appointmentSelect(sql`a.student_id = any(${sql.param(ids)}::uuid[])`)} order by a.starts_at desc limit 100`);
  const now = deps.clock().getTime();
  const selfIds = new Set(caller.assignments.filter((a) => a.role === 'student' && a.studentId).map((a) => a.studentId!));
  const sealer = sealerFor(deps.config);
  return {
    students,
    items: list.map((a) => {
      const mine = a.booked_by === caller.accountId;
      return {
        id: a.id, studentId: a.student_id, studentName: a.student_name, counselorName: a.counselor_name, roomName: a.room_name, location: a.location,
        startsAt: iso(a.starts_at), endsAt: iso(a.ends_at), status: a.status, channel: a.channel,
        // the student's own words: for the student, or the parent who wrote them
        topic: selfIds.has(a.student_id) || mine ? openTopic(sealer, a) : '',
        bookedByMe: mine,
        canCancel: LIVE.includes(a.status) && new Date(iso(a.starts_at)).getTime() > now,
        cancelReason: a.cancel_reason,
      };
    }),
  };
}

// --- export -------------------------------------------------------------------------------------------

const CHANNEL_ZH: Record<string, string> = { student: '本人', parent: '家长', teacher: '教师代约', counselor: '心理教师登记', walk_in: '现场' };

/** The register as the paper 预约登记表, for a date range; counselors and leaders of the school; audited. */
export async function exportRegister(deps: Deps, caller: Caller, q: z.infer<typeof contracts.AppointmentExportQuery>): Promise<{ rows: AppointmentOut[]; title: string }> {
  const scope = manageScope(caller);
  const { start, end } = window(deps.clock(), q.from, q.to);
  const school = q.schoolId ? await schoolInScope(deps.db, caller, q.schoolId, 'appointment.manage') : null;
  const list = await rows<AppointmentJoined>(deps.db, sql`${appointmentSelect(sql`a.region_id = ${caller.regionId} and ${inScope(scope, sql`a.org_path`)}
    and a.starts_at >= ${start.toISOString()}::timestamptz and a.starts_at < ${end.toISOString()}::timestamptz
    ${school ? sql`and a.school_id = ${school.id}` : sql``}`)} order by a.starts_at, a.id limit 20000`);
  await appendAudit(deps.db, { ...auditActor(caller), action: 'appointment.export', objectType: 'appointment', orgPath: homePath(caller.assignments), detail: { from: q.from, to: q.to, schoolId: q.schoolId, rows: list.length } }, deps.clock());
  const sealer = sealerFor(deps.config);
  return { rows: list.map((a) => toAppointment(sealer, a)), title: `${school ? `${school.name} ` : ''}心理辅导预约登记表（${q.from} 至 ${q.to}）` };
}

type Numbered = AppointmentOut & { seq: number };

export const registerColumns = [
  { header: '序号', width: 6, value: (r: Numbered) => r.seq },
  { header: '日期', width: 12, value: (r: Numbered) => cstLabel(r.startsAt).slice(0, 10) },
  { header: '时间', width: 13, value: (r: Numbered) => `${cstLabel(r.startsAt).slice(11)}-${cstLabel(r.endsAt).slice(11)}` },
  { header: '学生姓名', width: 10, value: (r: Numbered) => r.studentName },
  { header: '性别', width: 6, value: (r: Numbered) => (r.gender === 'male' ? '男' : '女') },
  { header: '班级', width: 14, value: (r: Numbered) => r.className },
  { header: '预约方式', width: 12, value: (r: Numbered) => (r.channel === 'walk_in' ? CHANNEL_ZH.walk_in! : CHANNEL_ZH[r.bookedByRole]!) },
  { header: '预约人', width: 10, value: (r: Numbered) => r.bookedByName },
  { header: '咨询教师', width: 10, value: (r: Numbered) => r.counselorName },
  { header: '地点', width: 16, value: (r: Numbered) => [r.roomName, r.location].filter(Boolean).join('，') },
  { header: '状态', width: 8, value: (r: Numbered) => STATUS_ZH[r.status] },
  { header: '备注', width: 24, value: (r: Numbered) => [r.cancelReason ? `取消原因：${r.cancelReason}` : '', r.noShows ? `累计未到 ${r.noShows} 次` : ''].filter(Boolean).join('；') },
];
