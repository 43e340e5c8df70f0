/**
 * Counseling rooms (心理辅导室): a school's rooms, their weekly opening schedule, the hours actually
 * logged, compliance with the rule (core counseling/rooms.ts: 1 hour every school day, 10 hours a
 * week) against both, and the bureau's rating and per-school overview.
 *
 * Who: room.read (counselors, leaders, the bureau) sees rooms of units in scope; room.manage (the
 * school's counselors and leaders) edits them and logs hours; room.rate (the bureau) rates rooms of
 * its area. A room outside the caller's scope answers 404, in the query. Every write is audited.
 * School days for the logged check come from the region's school calendar (校历, committee/service).
 */
import { addDaysIso, checkLogged, checkSchedule, logProblems, mondayOf, scheduleProblems, scopeFor, scopeIncludes, isSchoolDay, type contracts, type OpeningPeriod, type Permission } from '@xinyu/core';
import { and, asc, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { rows, type Db } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { badRequest, notFound } from '../../http/errors.js';
import { hasPermission, inScope, scopeOf } from '../access/service.js';
import { appendAudit } from '../audit/service.js';
import { calendarFor } from '../committee/service.js';
import { auditActor } from '../org/service.js';
import { orgUnits } from '../org/tables.js';
import { cstToday } from '../screening/campaigns.js';
import { counselingRooms, roomHourLogs, roomHours } from './tables.js';

type RoomRow = typeof counselingRooms.$inferSelect;
type RoomOut = z.infer<typeof contracts.CounselingRoom>;

const may = (caller: Caller, p: Permission, orgPath: string) => hasPermission(caller, p) && scopeIncludes(scopeFor(caller.assignments, p), orgPath);

/** A school the caller reaches with `permission`, or 404. */
export async function schoolInScope(db: Db, caller: Caller, schoolId: number, permission: Permission) {
  const scope = scopeOf(caller, permission);
  const found = await db.select({ id: orgUnits.id, path: orgUnits.path, name: orgUnits.name, regionId: orgUnits.regionId }).from(orgUnits)
    .where(and(eq(orgUnits.id, schoolId), eq(orgUnits.kind, 'school'), eq(orgUnits.regionId, caller.regionId), inScope(scope, orgUnits.path)));
  if (!found[0]) throw notFound();
  return found[0];
}

/** A room the caller reaches with `permission` (checked in the query), or 404. */
export async function roomInScope(db: Db, caller: Caller, id: string, permission: Permission): Promise<RoomRow> {
  const scope = scopeOf(caller, permission);
  const found = await db.select().from(counselingRooms).where(and(eq(counselingRooms.id, id), eq(counselingRooms.regionId, caller.regionId), inScope(scope, counselingRooms.orgPath)));
  if (!found[0]) throw notFound();
  return found[0];
}

async function periodsOf(db: Db, roomIds: string[]): Promise<Map<string, OpeningPeriod[]>> {
  const out = new Map<string, OpeningPeriod[]>();
  if (!roomIds.length) return out;
  const list = await db.select().from(roomHours).where(inArray(roomHours.roomId, roomIds)).orderBy(asc(roomHours.weekday), asc(roomHours.startTime));
  for (const h of list) out.set(h.roomId, [...(out.get(h.roomId) ?? []), { weekday: h.weekday, start: h.startTime, end: h.endTime }]);
  return out;
}

async function schoolNames(db: Db, ids: number[]): Promise<Map<number, string>> {
  if (!ids.length) return new Map();
  const list = await db.select({ id: orgUnits.id, name: orgUnits.name }).from(orgUnits).where(inArray(orgUnits.id, [...new Set(ids)]));
  return new Map(list.map((u) => [u.id, u.name]));
}

function toRoom(caller: Caller, r: RoomRow, periods: OpeningPeriod[], schoolName: string): RoomOut {
  return {
    id: r.id,
    schoolId: r.schoolId,
    schoolName,
    name: r.name,
    location: r.location,
    rating: r.rating,
    ratedAt: r.ratedAt,
    active: r.active,
    periods,
    schedule: checkSchedule(periods),
    canManage: may(caller, 'room.manage', r.orgPath),
    canRate: may(caller, 'room.rate', r.orgPath),
  };
}

export async function listRooms(deps: Deps, caller: Caller, q: z.infer<typeof contracts.RoomListQuery>): Promise<RoomOut[]> {
  const scope = scopeOf(caller, 'room.read');
  if (q.schoolId) await schoolInScope(deps.db, caller, q.schoolId, 'room.read');
  const list = await deps.db.select().from(counselingRooms).where(and(
    eq(counselingRooms.regionId, caller.regionId),
    inScope(scope, counselingRooms.orgPath),
    q.schoolId ? eq(counselingRooms.schoolId, q.schoolId) : undefined,
    q.includeInactive === 'true' ? undefined : eq(counselingRooms.active, true),
  )).orderBy(asc(counselingRooms.schoolId), asc(counselingRooms.name)).limit(2000);
  const [periods, names] = await Promise.all([periodsOf(deps.db, list.map((r) => r.id)), schoolNames(deps.db, list.map((r) => r.schoolId))]);
  return list.map((r) => toRoom(caller, r, periods.get(r.id) ?? [], names.get(r.schoolId) ?? ''));
}

/** The default range of the logged check: the last four ISO weeks up to today. */
function range(now: Date, from?: string, to?: string): { from: string; to: string } {
  const today = cstToday(now);
  const t = to ?? today;
  const f = from ?? addDaysIso(mondayOf(t), -21);
  if (t < f) throw badRequest('结束日期不能早于开始日期', { to: '结束日期不能早于开始日期' });
  if (Date.parse(t) - Date.parse(f) > 370 * 86_400_000) throw badRequest('日期范围不能超过一年', { from: '日期范围不能超过一年' });
  return { from: f, to: t };
}

export async function getRoom(deps: Deps, caller: Caller, id: string, q: z.infer<typeof contracts.RoomRangeQuery>): Promise<z.infer<typeof contracts.RoomDetail>> {
  const r = await roomInScope(deps.db, caller, id, 'room.read');
  const { from, to } = range(deps.clock(), q.from, q.to);
  const [periods, names, logs, cal] = await Promise.all([
    periodsOf(deps.db, [r.id]),
    schoolNames(deps.db, [r.schoolId]),
    deps.db.select().from(roomHourLogs).where(and(eq(roomHourLogs.roomId, r.id), gte(roomHourLogs.date, from), lte(roomHourLogs.date, to))).orderBy(asc(roomHourLogs.date), asc(roomHourLogs.startTime)),
    calendarFor(deps.db, caller.regionId),
  ]);
  return {
    ...toRoom(caller, r, periods.get(r.id) ?? [], names.get(r.schoolId) ?? ''),
    logs: logs.map((l) => ({ id: l.id, date: l.date, start: l.startTime, end: l.endTime, loggedByName: l.loggedByName, note: l.note, createdAt: l.createdAt.toISOString() })),
    logged: checkLogged(logs.map((l) => ({ date: l.date, start: l.startTime, end: l.endTime })), from, to, (d) => isSchoolDay(d, cal)),
  };
}

function requireValidPeriods(periods: OpeningPeriod[]): void {
  const problems = scheduleProblems(periods);
  if (Object.keys(problems).length) throw badRequest('开放时间有误，请检查标出的项', problems);
}

export async function createRoom(deps: Deps, caller: Caller, body: z.infer<typeof contracts.CreateRoomBody>) {
  const school = await schoolInScope(deps.db, caller, body.schoolId, 'room.manage');
  requireValidPeriods(body.periods);
  const now = deps.clock();
  const id = await deps.db.transaction(async (tx) => {
    const [room] = await tx.insert(counselingRooms).values({ regionId: caller.regionId, schoolId: school.id, orgPath: school.path, name: body.name, location: body.location, createdAt: now, updatedAt: now }).returning({ id: counselingRooms.id });
    if (body.periods.length) await tx.insert(roomHours).values(body.periods.map((p) => ({ roomId: room!.id, weekday: p.weekday, startTime: p.start, endTime: p.end })));
    await appendAudit(tx, { ...auditActor(caller), action: 'room.create', objectType: 'counseling_room', objectId: room!.id, orgPath: school.path, detail: { name: body.name, periods: body.periods.length } }, now);
    return room!.id;
  });
  return getRoom(deps, caller, id, {});
}

export async function updateRoom(deps: Deps, caller: Caller, id: string, body: z.infer<typeof contracts.UpdateRoomBody>) {
  const r = await roomInScope(deps.db, caller, id, 'room.manage');
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    await tx.update(counselingRooms).set({ ...body, updatedAt: now }).where(eq(counselingRooms.id, r.id));
    await appendAudit(tx, { ...auditActor(caller), action: body.active === false ? 'room.deactivate' : 'room.update', objectType: 'counseling_room', objectId: r.id, orgPath: r.orgPath, detail: { ...body } }, now);
  });
  return getRoom(deps, caller, id, {});
}

export async function replaceHours(deps: Deps, caller: Caller, id: string, body: z.infer<typeof contracts.RoomHoursBody>) {
  const r = await roomInScope(deps.db, caller, id, 'room.manage');
  requireValidPeriods(body.periods);
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    await tx.select({ id: counselingRooms.id }).from(counselingRooms).where(eq(counselingRooms.id, r.id)).for('update');
    await tx.delete(roomHours).where(eq(roomHours.roomId, r.id));
    if (body.periods.length) await tx.insert(roomHours).values(body.periods.map((p) => ({ roomId: r.id, weekday: p.weekday, startTime: p.start, endTime: p.end })));
    await tx.update(counselingRooms).set({ updatedAt: now }).where(eq(counselingRooms.id, r.id));
    const c = checkSchedule(body.periods);
    await appendAudit(tx, { ...auditActor(caller), action: 'room.schedule', objectType: 'counseling_room', objectId: r.id, orgPath: r.orgPath, detail: { periods: body.periods.length, weeklyMinutes: c.weeklyMinutes, compliant: c.compliant } }, now);
  });
  return getRoom(deps, caller, id, {});
}

export async function logHours(deps: Deps, caller: Caller, id: string, body: z.infer<typeof contracts.RoomLogBody>) {
  const r = await roomInScope(deps.db, caller, id, 'room.manage');
  const problems = logProblems([body]);
  if (Object.keys(problems).length) throw badRequest('开放记录有误', Object.fromEntries(Object.entries(problems).map(([k, v]) => [k.replace('logs.0.', ''), v])));
  const now = deps.clock();
  if (body.date > cstToday(now)) throw badRequest('不能登记未来日期的开放时间', { date: '不能登记未来日期的开放时间' });
  await deps.db.transaction(async (tx) => {
    const inserted = await tx.insert(roomHourLogs).values({ roomId: r.id, date: body.date, startTime: body.start, endTime: body.end, loggedBy: caller.accountId, loggedByName: caller.displayName, note: body.note, clientId: body.clientId, createdAt: now })
      .onConflictDoNothing().returning({ id: roomHourLogs.id });
    if (inserted[0]) await appendAudit(tx, { ...auditActor(caller), action: 'room.log', objectType: 'counseling_room', objectId: r.id, orgPath: r.orgPath, detail: { date: body.date, start: body.start, end: body.end } }, now);
  });
  return getRoom(deps, caller, id, {});
}

export async function rateRoom(deps: Deps, caller: Caller, id: string, body: z.infer<typeof contracts.RoomRatingBody>) {
  const r = await roomInScope(deps.db, caller, id, 'room.rate');
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    await tx.update(counselingRooms).set({ rating: body.rating, ratedAt: body.rating === 'none' ? null : cstToday(now), updatedAt: now }).where(eq(counselingRooms.id, r.id));
    await appendAudit(tx, { ...auditActor(caller), action: 'room.rate', objectType: 'counseling_room', objectId: r.id, orgPath: r.orgPath, detail: { from: r.rating, to: body.rating } }, now);
  });
  return getRoom(deps, caller, id, {});
}

const RATING_RANK = { none: 0, qualified: 1, model: 2 } as const;

/** Every school in the caller's scope (or under one unit of it): its rooms, best rating, compliance; schools with no room flagged. */
export async function roomOverview(deps: Deps, caller: Caller, q: z.infer<typeof contracts.RoomOverviewQuery>): Promise<z.infer<typeof contracts.RoomOverview>> {
  const scope = scopeOf(caller, 'room.read');
  let under: string | null = null;
  if (q.unitId) {
    const unit = (await deps.db.select({ path: orgUnits.path }).from(orgUnits).where(and(eq(orgUnits.id, q.unitId), eq(orgUnits.regionId, caller.regionId), inScope(scope, orgUnits.path))))[0];
    if (!unit) throw notFound();
    under = unit.path;
  }
  const { from, to } = range(deps.clock(), q.from, q.to);
  const schools = await rows<{ id: number; name: string; path: string; district: string | null }>(deps.db, sql`
    select s.id, s.name, s.path, d.name as district from org_units s left join org_units d on d.id = s.parent_id and d.kind = 'district'
    where s.region_id = ${caller.regionId} and s.kind = 'school' and s.active and ${inScope(scope, sql`s.path`)}
      ${under ? sql`and s.path like ${`${under}%`}` : sql``}
    order by d.name nulls first, s.name`);
  const schoolIds = schools.map((s) => s.id);
  const rooms = schoolIds.length ? await deps.db.select().from(counselingRooms).where(and(inArray(counselingRooms.schoolId, schoolIds), eq(counselingRooms.active, true))) : [];
  const roomIds = rooms.map((r) => r.id);
  const [periods, logs, cal] = await Promise.all([
    periodsOf(deps.db, roomIds),
    roomIds.length ? deps.db.select().from(roomHourLogs).where(and(inArray(roomHourLogs.roomId, roomIds), gte(roomHourLogs.date, from), lte(roomHourLogs.date, to))) : Promise.resolve([]),
    calendarFor(deps.db, caller.regionId),
  ]);
  const school = (d: string) => isSchoolDay(d, cal);
  const out = schools.map((s) => {
    const mine = rooms.filter((r) => r.schoolId === s.id);
    const schedule = mine.map((r) => checkSchedule(periods.get(r.id) ?? []).compliant);
    const logged = mine.map((r) => checkLogged(logs.filter((l) => l.roomId === r.id).map((l) => ({ date: l.date, start: l.startTime, end: l.endTime })), from, to, school));
    return {
      schoolId: s.id,
      schoolName: s.name,
      districtName: s.district ?? '',
      rooms: mine.length,
      bestRating: mine.reduce<'none' | 'qualified' | 'model'>((best, r) => (RATING_RANK[r.rating] > RATING_RANK[best] ? r.rating : best), 'none'),
      // a school complies when at least one of its rooms does
      scheduleCompliant: mine.length ? schedule.some(Boolean) : null,
      loggedCompliant: mine.length ? logged.some((l) => l.compliant) : null,
      loggedMinutes: logged.reduce((a, l) => a + l.totalMinutes, 0),
      noRoom: mine.length === 0,
    };
  });
  return { from, to, schools: out };
}
