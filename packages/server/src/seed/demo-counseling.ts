/**
 * Demo counseling data: at 江城区实验中学 (S0201) a qualified (达标) counseling room whose weekly
 * schedule meets the rule (Mon–Fri 12:30–13:30 and 15:00–17:00: 3 hours a school day, 15 a week), its
 * opening logged on the school days of the last two weeks, slots of the demo `counselor` on the
 * school days of the next 14 days (15:00–15:40 and 16:00–16:40, China time), and one confirmed
 * appointment for the demo `student` on the first slot at least two days ahead.
 *
 * Call it inside seedDemo's transaction after the accounts exist: `await seedDemoCounseling(tx, { now })`.
 * Does nothing when the school, the counselor or the student is missing (e.g. a trimmed seed).
 */
import { addDaysIso, isoWeekday } from '@xinyu/core';
import { sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { rows, type Db } from '../db/client.js';
import { cstToday } from '../modules/screening/campaigns.js';
import { appointmentEvents, appointments, counselingRooms, counselorSlots, roomHourLogs, roomHours } from '../modules/counseling/tables.js';

const cstAt = (date: string, hhmm: string) => new Date(`${date}T${hhmm}:00+08:00`);

export async function seedDemoCounseling(tx: Db, opts: { now: Date }): Promise<{ rooms: number; slots: number; appointments: number }> {
  const { now } = opts;
  const school = (await rows<{ id: number; path: string; region_id: number }>(tx, sql`select id, path, region_id from org_units where code = 'S0201' and kind = 'school'`))[0];
  const counselor = (await rows<{ id: string; name: string }>(tx, sql`select id, display_name as name from accounts where username = 'counselor'`))[0];
  const student = (await rows<{ id: string; org_path: string; account: string; name: string }>(tx, sql`
    select s.id, s.org_path, a.id as account, a.display_name as name from accounts a join role_assignments ra on ra.account_id = a.id and ra.role = 'student' join students s on s.id = ra.student_id
    where a.username = 'student' limit 1`))[0];
  if (!school || !counselor || !student) return { rooms: 0, slots: 0, appointments: 0 };
  const regionId = school.region_id;
  const today = cstToday(now);

  const [room] = await tx.insert(counselingRooms).values({
    regionId, schoolId: school.id, orgPath: school.path, name: '心理辅导室', location: '综合楼三楼 302', rating: 'qualified', ratedAt: addDaysIso(today, -30), createdAt: now, updatedAt: now,
  }).returning({ id: counselingRooms.id });
  const roomId = room!.id;
  await tx.insert(roomHours).values([1, 2, 3, 4, 5].flatMap((weekday) => [
    { roomId, weekday, startTime: '12:30', endTime: '13:30' },
    { roomId, weekday, startTime: '15:00', endTime: '17:00' },
  ]));
  const past = Array.from({ length: 14 }, (_, i) => addDaysIso(today, -14 + i)).filter((d) => isoWeekday(d) <= 5);
  await tx.insert(roomHourLogs).values(past.flatMap((date) => [
    { roomId, date, startTime: '12:30', endTime: '13:30', loggedBy: counselor.id, loggedByName: counselor.name, note: '', clientId: randomUUID(), createdAt: now },
    { roomId, date, startTime: '15:00', endTime: '17:00', loggedBy: counselor.id, loggedByName: counselor.name, note: '', clientId: randomUUID(), createdAt: now },
  ]));

  const ahead = Array.from({ length: 14 }, (_, i) => addDaysIso(today, i + 1)).filter((d) => isoWeekday(d) <= 5);
  const slots = await tx.insert(counselorSlots).values(ahead.flatMap((d) => [['15:00', '15:40'], ['16:00', '16:40']].map(([s, e]) => ({
    regionId, schoolId: school.id, orgPath: school.path, counselorAccountId: counselor.id, counselorName: counselor.name, roomId, startsAt: cstAt(d, s!), endsAt: cstAt(d, e!), createdAt: now,
  })))).onConflictDoNothing().returning();

  const first = slots.filter((s) => s.startsAt.getTime() >= now.getTime() + 2 * 86_400_000).sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime())[0];
  if (!first) return { rooms: 1, slots: slots.length, appointments: 0 };
  const [a] = await tx.insert(appointments).values({
    regionId, schoolId: school.id, orgPath: student.org_path, studentId: student.id, slotId: first.id, counselorAccountId: counselor.id, counselorName: counselor.name, roomId,
    startsAt: first.startsAt, endsAt: first.endsAt, channel: 'booked', bookedByRole: 'student', bookedBy: student.account, bookedByName: student.name,
    topic: '最近考试压力有点大，想聊聊', status: 'confirmed', clientId: randomUUID(), createdAt: now, updatedAt: now,
  }).returning({ id: appointments.id });
  await tx.insert(appointmentEvents).values([
    { appointmentId: a!.id, kind: 'booked', actorName: student.name, detail: { role: 'student', slotId: first.id, status: 'requested' }, at: now },
    { appointmentId: a!.id, kind: 'confirmed', actorName: counselor.name, detail: {}, at: now },
  ]);
  return { rooms: 1, slots: slots.length, appointments: 1 };
}
