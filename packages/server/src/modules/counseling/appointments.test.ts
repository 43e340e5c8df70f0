// Counselors' slots and the appointment register (预约登记): who may book for whom, one booking per
// slot and per clientId, the counselor's confirm / move / cancel / no-show, walk-ins, the parents'
// notices, reminders sent once, the phone view of one's own appointments, and the .xlsx export.
// The test clock starts on Wednesday 2026-11-25 at 10:00 China time.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import ExcelJS from '../../lib/exceljs.js';
import { setupTestEnv, type Session, type TestEnv } from '../../test/fixture.js';
import { sealLegacyRecordText } from '../../jobs/seal-legacy-text.js';
import { sendAppointmentReminders } from './reminders.js';

let env: TestEnv;
const s: Record<string, Session> = {};
type SlotOut = { id: string; startsAt: string; appointmentId: string | null; cancelled: boolean };
let pattern: SlotOut[];
let today: SlotOut;
const ids = { own: '', parentBooked: '', teacherBooked: '', walkIn: '' };

const count = async (q: ReturnType<typeof sql>) => (await rows<{ n: number }>(env.deps.db, q))[0]!.n;
const book = (who: string, studentId: string, slotId: string, clientId = randomUUID(), topic = '') => s[who]!.post('/api/v1/counseling/appointments', { studentId, slotId, clientId, topic });
const act = (who: string, id: string, body: object) => s[who]!.post(`/api/v1/counseling/appointments/${id}/action`, body);
const notices = (studentId: string, kind: string) => count(sql`select count(*)::int as n from guardian_notices where student_id = ${studentId} and kind = ${kind}`);
const relogin = async () => {
  for (const u of Object.keys(s)) s[u] = await env.login(u);
};

beforeAll(async () => {
  env = await setupTestEnv();
  // these tests publish their own slots from nothing: the demo's (seed/demo-counseling.ts) go first
  await env.deps.db.execute(sql`delete from appointment_events`);
  await env.deps.db.execute(sql`delete from appointments`);
  await env.deps.db.execute(sql`delete from counselor_slots`);
  await env.addAccount('counselor.other', [{ role: 'counselor', orgUnitId: env.ids.schoolB }]);
  await env.addAccount('leader.other', [{ role: 'school_leader', orgUnitId: env.ids.schoolB }]);
  for (const u of ['counselor', 'school.leader', 'counselor.other', 'leader.other', 'head.teacher', 'care.teacher', 'student', 'parent', 'committee', 'clinician']) s[u] = await env.login(u);
}, 120_000);
afterAll(async () => env?.close());

describe('slots', () => {
  it('a weekly pattern (Tue/Thu 19:10–19:50 for four weeks) in one request, no duplicates on a repeat', async () => {
    const res = await s.counselor!.post('/api/v1/counseling/slots', { from: '2026-11-26', to: '2026-12-23', weekdays: [2, 4], start: '19:10', end: '19:50' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().created).toBe(8);
    pattern = res.json().items;
    expect(pattern[0]!.startsAt).toBe('2026-11-26T11:10:00.000Z');
    expect(pattern.map((x) => x.startsAt.slice(0, 10))).toEqual(['2026-11-26', '2026-12-01', '2026-12-03', '2026-12-08', '2026-12-10', '2026-12-15', '2026-12-17', '2026-12-22']);
    const again = (await s.counselor!.post('/api/v1/counseling/slots', { from: '2026-11-26', to: '2026-12-23', weekdays: [2, 4], start: '19:10', end: '19:50' })).json();
    expect(again).toMatchObject({ created: 0, skipped: 8 });
    // an overlapping slot of one's own is skipped too
    expect((await s.counselor!.post('/api/v1/counseling/slots', { from: '2026-11-26', to: '2026-11-26', start: '19:30', end: '20:10' })).json()).toMatchObject({ created: 0, skipped: 1 });
    const single = await s.counselor!.post('/api/v1/counseling/slots', { from: '2026-11-25', to: '2026-11-25', start: '10:30', end: '11:00' });
    expect(single.json().created).toBe(1);
    today = single.json().items[0];
    expect(await count(sql`select count(*)::int as n from counselor_slots`)).toBe(9);
  });

  it('bad input is refused with a clear message and nothing stored', async () => {
    const past = await s.counselor!.post('/api/v1/counseling/slots', { from: '2026-11-20', to: '2026-11-21', start: '10:00', end: '10:40' });
    expect(past.statusCode).toBe(400);
    expect(past.json().error.fields.from).toBe('不能发布今天之前的时段');
    const back = await s.counselor!.post('/api/v1/counseling/slots', { from: '2026-11-27', to: '2026-11-27', start: '10:00', end: '09:40' });
    expect(back.statusCode).toBe(400);
    expect(back.json().error.fields.end).toContain('必须晚于');
    expect(await count(sql`select count(*)::int as n from counselor_slots`)).toBe(9);
  });

  it('listing: the school\'s counselors and leaders; another school sees none; others 403', async () => {
    expect((await s['school.leader']!.get('/api/v1/counseling/slots?from=2026-11-25&to=2026-12-31')).json().items).toHaveLength(9);
    expect((await s['counselor.other']!.get('/api/v1/counseling/slots?from=2026-11-25&to=2026-12-31')).json().items).toEqual([]);
    expect((await s['head.teacher']!.get('/api/v1/counseling/slots')).statusCode).toBe(403);
    expect((await s.student!.post('/api/v1/counseling/slots', { from: '2026-11-27', to: '2026-11-27', start: '10:00', end: '10:40' })).statusCode).toBe(403);
  });

  it('free slots for a student: the student and parent for the student, not for anyone else', async () => {
    const mine = await s.student!.get(`/api/v1/counseling/students/${env.ids.studentSelf}/slots?from=2026-11-25&to=2026-12-31`);
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json().items).toHaveLength(9);
    expect(mine.json().student.name).toBeTruthy();
    expect((await s.parent!.get(`/api/v1/counseling/students/${env.ids.studentSelf}/slots`)).statusCode).toBe(200);
    expect((await s.student!.get(`/api/v1/counseling/students/${env.ids.classmate}/slots`)).statusCode).toBe(404);
    expect((await s.parent!.get(`/api/v1/counseling/students/${env.ids.classmate}/slots`)).statusCode).toBe(404);
    expect((await s['head.teacher']!.get(`/api/v1/counseling/students/${env.ids.otherClassStudent}/slots`)).statusCode).toBe(404);
    expect((await s['counselor.other']!.get(`/api/v1/counseling/students/${env.ids.studentSelf}/slots`)).statusCode).toBe(404);
    // the committee member is a student too: for another student, nothing
    expect((await s.committee!.get(`/api/v1/counseling/students/${env.ids.studentSelf}/slots`)).statusCode).toBe(404);
    expect((await s.clinician!.get(`/api/v1/counseling/students/${env.ids.studentSelf}/slots`)).statusCode).toBe(403);
  });
});

describe('booking', () => {
  it('the student books for themselves; a double submit with the same clientId stores one', async () => {
    const clientId = randomUUID();
    const [a, b] = await Promise.all([book('student', env.ids.studentSelf, pattern[0]!.id, clientId, '最近睡不好'), book('student', env.ids.studentSelf, pattern[0]!.id, clientId, '最近睡不好')]);
    expect(a.statusCode, a.body).toBe(200);
    expect(b.statusCode, b.body).toBe(200);
    expect(a.json().id).toBe(b.json().id);
    ids.own = a.json().id;
    expect(await count(sql`select count(*)::int as n from appointments where client_id = ${clientId}`)).toBe(1);
    const row = (await rows<{ status: string; booked_by_role: string }>(env.deps.db, sql`select status, booked_by_role from appointments where id = ${ids.own}`))[0]!;
    expect(row).toEqual({ status: 'requested', booked_by_role: 'student' });
    expect(await notices(env.ids.studentSelf, 'appointment.booked')).toBe(1);
    // the parent's notice says when and where, never the topic
    const body = (await rows<{ body: string }>(env.deps.db, sql`select body from guardian_notices where student_id = ${env.ids.studentSelf} and kind = 'appointment.booked'`))[0]!.body;
    expect(body).toContain('2026-11-26 19:10');
    expect(body).not.toContain('睡不好');
    expect(await count(sql`select count(*)::int as n from appointment_events where appointment_id = ${ids.own} and kind = 'booked'`)).toBe(1);
    expect(await count(sql`select count(*)::int as n from audit_log where action = 'appointment.book' and object_id = ${ids.own}`)).toBe(1);
  });

  it('a slot cannot be double-booked: another clientId on the same slot gets 409', async () => {
    const res = await book('parent', env.ids.studentSelf, pattern[0]!.id);
    expect(res.statusCode).toBe(409);
    expect(await count(sql`select count(*)::int as n from appointments where slot_id = ${pattern[0]!.id}`)).toBe(1);
  });

  it('two different bookers racing for one slot: exactly one wins', async () => {
    const [x, y] = await Promise.all([book('parent', env.ids.studentSelf, pattern[7]!.id), book('head.teacher', env.ids.classmate, pattern[7]!.id)]);
    expect([x.statusCode, y.statusCode].sort()).toEqual([200, 409]);
    const won = x.statusCode === 200 ? x : y;
    await act('counselor', won.json().id, { action: 'cancel', reason: '测试并发' });
  });

  it('a parent books for their own child only', async () => {
    const res = await book('parent', env.ids.studentSelf, pattern[1]!.id);
    expect(res.statusCode, res.body).toBe(200);
    ids.parentBooked = res.json().id;
    expect((await book('parent', env.ids.classmate, pattern[2]!.id)).statusCode).toBe(404);
  });

  it('a student cannot book for another student', async () => {
    expect((await book('student', env.ids.classmate, pattern[2]!.id)).statusCode).toBe(404);
    expect(await count(sql`select count(*)::int as n from appointments where slot_id = ${pattern[2]!.id}`)).toBe(0);
  });

  it('a head teacher books for a student of their class, not another class; a care teacher for a cared student', async () => {
    const res = await book('head.teacher', env.ids.classmate, pattern[2]!.id);
    expect(res.statusCode, res.body).toBe(200);
    ids.teacherBooked = res.json().id;
    expect((await rows<{ r: string }>(env.deps.db, sql`select booked_by_role as r from appointments where id = ${ids.teacherBooked}`))[0]!.r).toBe('teacher');
    expect((await book('head.teacher', env.ids.otherClassStudent, pattern[3]!.id)).statusCode).toBe(404);
    const cared = await book('care.teacher', env.ids.caredStudents[0]!, pattern[3]!.id);
    expect(cared.statusCode, cared.body).toBe(200);
    expect((await book('care.teacher', env.ids.otherClassStudent, pattern[4]!.id)).statusCode).toBe(404);
  });

  it('another school\'s counselor cannot book a school A student or on school A\'s slots; wrong roles 403', async () => {
    expect((await book('counselor.other', env.ids.studentSelf, pattern[4]!.id)).statusCode).toBe(404);
    expect((await book('counselor.other', env.ids.schoolBStudent, pattern[4]!.id)).statusCode).toBe(404);
    expect((await book('committee', env.ids.studentSelf, pattern[4]!.id)).statusCode).toBe(404);
    expect((await book('clinician', env.ids.studentSelf, pattern[4]!.id)).statusCode).toBe(403);
  });

  it('the counselor books for a student: confirmed at once', async () => {
    const res = await book('counselor', env.ids.otherClassStudent, pattern[4]!.id);
    expect(res.statusCode, res.body).toBe(200);
    expect((await rows<{ status: string }>(env.deps.db, sql`select status from appointments where id = ${res.json().id}`))[0]!.status).toBe('confirmed');
  });
});

describe('the counselor runs the register', () => {
  it('the register lists the school\'s appointments; another school\'s counselor and leader get 404 for them', async () => {
    const list = (await s.counselor!.get('/api/v1/counseling/appointments?from=2026-11-25&to=2026-12-31')).json();
    expect(list.items.map((a: { id: string }) => a.id)).toEqual(expect.arrayContaining([ids.own, ids.parentBooked, ids.teacherBooked]));
    expect(list.items.find((a: { id: string }) => a.id === ids.own)).toMatchObject({ bookedByRole: 'student', status: 'requested', topic: '最近睡不好', noShows: 0 });
    for (const u of ['counselor.other', 'leader.other']) {
      expect((await s[u]!.get(`/api/v1/counseling/appointments/${ids.own}`)).statusCode).toBe(404);
      expect((await act(u, ids.own, { action: 'confirm' })).statusCode).toBe(404);
      expect((await s[u]!.get('/api/v1/counseling/appointments')).json().items).toEqual([]);
      expect((await s[u]!.get(`/api/v1/counseling/appointments?schoolId=${env.ids.schoolA}`)).statusCode).toBe(404);
      expect((await s[u]!.post(`/api/v1/counseling/slots/${pattern[5]!.id}/cancel`, { reason: 'x' })).statusCode).toBe(404);
    }
    expect((await s['head.teacher']!.get('/api/v1/counseling/appointments')).statusCode).toBe(403);
    expect((await s.parent!.get(`/api/v1/counseling/appointments/${ids.own}`)).statusCode).toBe(403);
  });

  it('confirm: the parents are told; a student cannot confirm (403), and cannot touch someone else\'s (404)', async () => {
    expect((await act('student', ids.own, { action: 'confirm' })).statusCode).toBe(403);
    expect((await act('student', ids.teacherBooked, { action: 'cancel', reason: '不想去' })).statusCode).toBe(404);
    const res = await act('counselor', ids.own, { action: 'confirm' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().status).toBe('confirmed');
    expect(await notices(env.ids.studentSelf, 'appointment.confirmed')).toBe(1);
    expect((await act('counselor', ids.own, { action: 'confirm' })).statusCode).toBe(409);
    expect(await count(sql`select count(*)::int as n from audit_log where action = 'appointment.confirm' and object_id = ${ids.own}`)).toBe(1);
  });

  it('move to another slot; onto a taken slot 409; the parents told', async () => {
    expect((await act('counselor', ids.parentBooked, { action: 'move', slotId: pattern[2]!.id })).statusCode).toBe(409);
    const res = await act('counselor', ids.parentBooked, { action: 'move', slotId: pattern[5]!.id, reason: '教研活动' });
    expect(res.statusCode, res.body).toBe(200);
    const row = (await rows<{ slot_id: string }>(env.deps.db, sql`select slot_id from appointments where id = ${ids.parentBooked}`))[0]!;
    expect(row.slot_id).toBe(pattern[5]!.id);
    expect(await notices(env.ids.studentSelf, 'appointment.moved')).toBe(1);
    // the old slot is free again
    const free = (await s.student!.get(`/api/v1/counseling/students/${env.ids.studentSelf}/slots?from=2026-11-25&to=2026-12-31`)).json().items.map((x: { id: string }) => x.id);
    expect(free).toContain(pattern[1]!.id);
    expect(free).not.toContain(pattern[5]!.id);
    const detail = (await s.counselor!.get(`/api/v1/counseling/appointments/${ids.parentBooked}`)).json();
    expect(detail.events.map((e: { kind: string }) => e.kind)).toEqual(['booked', 'moved']);
  });

  it('the booker cancels their own; a cancelled one cannot be confirmed', async () => {
    const before = await notices(env.ids.studentSelf, 'appointment.cancelled');
    const res = await act('parent', ids.parentBooked, { action: 'cancel', reason: '孩子那天有比赛' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().status).toBe('cancelled');
    expect(await notices(env.ids.studentSelf, 'appointment.cancelled')).toBe(before + 1);
    expect((await act('counselor', ids.parentBooked, { action: 'confirm' })).statusCode).toBe(409);
    expect((await act('parent', ids.parentBooked, { action: 'cancel', reason: '' })).statusCode).toBe(400);
  });

  it('cancelling a slot cancels its appointment and tells the booker, the student and the parents', async () => {
    const before = await count(sql`select count(*)::int as n from notifications where account_id = ${s['head.teacher']!.accountId} and kind = 'appointment.cancelled'`);
    const noticed = await notices(env.ids.classmate, 'appointment.cancelled');
    const res = await s.counselor!.post(`/api/v1/counseling/slots/${pattern[2]!.id}/cancel`, { reason: '外出培训' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().cancelled).toBe(true);
    const row = (await rows<{ status: string; cancel_reason: string }>(env.deps.db, sql`select status, cancel_reason from appointments where id = ${ids.teacherBooked}`))[0]!;
    expect(row).toEqual({ status: 'cancelled', cancel_reason: '预约时段已取消：外出培训' });
    expect(await count(sql`select count(*)::int as n from notifications where account_id = ${s['head.teacher']!.accountId} and kind = 'appointment.cancelled'`)).toBe(before + 1);
    expect(await notices(env.ids.classmate, 'appointment.cancelled')).toBe(noticed + 1);
    expect((await book('student', env.ids.studentSelf, pattern[2]!.id)).statusCode).toBe(409);
  });

  it('no-show only once the time has come; counted per student in the register', async () => {
    const res = await book('counselor', env.ids.studentSelf, today.id);
    expect(res.statusCode, res.body).toBe(200);
    const id = res.json().id;
    expect((await act('counselor', id, { action: 'no_show' })).statusCode).toBe(409);
    env.clock.advance(45 * 60_000);
    await relogin();
    expect((await act('counselor', id, { action: 'no_show' })).json().status).toBe('no_show');
    const list = (await s.counselor!.get(`/api/v1/counseling/appointments?studentId=${env.ids.studentSelf}`)).json();
    expect(list.items.every((a: { noShows: number }) => a.noShows === 1)).toBe(true);
    expect((await act('counselor', id, { action: 'complete' })).statusCode).toBe(409);
  });

  it('walk-ins: recorded as completed, once per clientId; only for students of the school', async () => {
    const clientId = randomUUID();
    const body = { studentId: env.ids.classmate, date: '2026-11-25', start: '10:00', end: '10:30', topic: '课间来访', clientId };
    const a = await s.counselor!.post('/api/v1/counseling/walk-ins', body);
    expect(a.statusCode, a.body).toBe(200);
    expect(a.json()).toMatchObject({ channel: 'walk_in', status: 'completed' });
    ids.walkIn = a.json().id;
    expect((await s.counselor!.post('/api/v1/counseling/walk-ins', body)).json().id).toBe(ids.walkIn);
    expect(await count(sql`select count(*)::int as n from appointments where client_id = ${clientId}`)).toBe(1);
    expect((await s['counselor.other']!.post('/api/v1/counseling/walk-ins', { ...body, clientId: randomUUID() })).statusCode).toBe(404);
    expect((await s['head.teacher']!.post('/api/v1/counseling/walk-ins', { ...body, clientId: randomUUID() })).statusCode).toBe(403);
    expect((await s.counselor!.post('/api/v1/counseling/walk-ins', { ...body, date: '2026-11-30', clientId: randomUUID() })).statusCode).toBe(400);
  });
});

describe('students and parents see their own', () => {
  it('the student sees theirs with the topic; the parent sees the child\'s without the topic the student wrote; nobody else\'s', async () => {
    const mine = (await s.student!.get('/api/v1/counseling/my-appointments')).json();
    expect(mine.students.map((x: { id: string }) => x.id)).toEqual([env.ids.studentSelf]);
    expect(mine.items.every((a: { studentId: string }) => a.studentId === env.ids.studentSelf)).toBe(true);
    expect(mine.items.find((a: { id: string }) => a.id === ids.own)).toMatchObject({ topic: '最近睡不好', status: 'confirmed', canCancel: true, bookedByMe: true });
    const child = (await s.parent!.get('/api/v1/counseling/my-appointments')).json();
    expect(child.items.map((a: { id: string }) => a.id)).toEqual(mine.items.map((a: { id: string }) => a.id));
    expect(child.items.find((a: { id: string }) => a.id === ids.own).topic).toBe('');
    expect(JSON.stringify(child)).not.toContain(ids.teacherBooked);
    expect(JSON.stringify(child)).not.toContain(ids.walkIn);
    expect((await s['head.teacher']!.get('/api/v1/counseling/my-appointments')).json()).toEqual({ students: [], items: [] });
  });

  it('the topic is sealed at rest, bound to its appointment; the student and the register read it plain, older plain topics too', async () => {
    const stored = await rows<{ id: string; topic: string }>(env.deps.db, sql`select id, topic from appointments where id in (${ids.own}, ${ids.walkIn})`);
    expect(stored).toHaveLength(2);
    for (const r of stored) expect(r.topic).toMatch(/^v1\./);
    expect(await count(sql`select count(*)::int as n from appointments a where a::text like '%最近睡不好%' or a::text like '%课间来访%'`)).toBe(0);
    expect((await s.counselor!.get(`/api/v1/counseling/appointments/${ids.walkIn}`)).json().topic).toBe('课间来访');
    expect((await s.counselor!.get(`/api/v1/counseling/appointments/${ids.own}`)).json().topic).toBe('最近睡不好');
    // a topic stored before sealing
    await env.deps.db.execute(sql`update appointments set topic = '早先的明文主题' where id = ${ids.walkIn}`);
    expect((await s.counselor!.get(`/api/v1/counseling/appointments/${ids.walkIn}`)).json().topic).toBe('早先的明文主题');
    expect((await s.counselor!.get('/api/v1/counseling/appointments?from=2026-11-25&to=2026-12-31')).json().items.find((a: { id: string }) => a.id === ids.walkIn).topic).toBe('早先的明文主题');
    // the background pass after start seals it (and the demo seed's plain topic), once
    expect(await sealLegacyRecordText(env.deps.db, env.deps.config)).toBeGreaterThanOrEqual(1);
    expect(await count(sql`select count(*)::int as n from appointments where topic <> '' and topic !~ '^v1\.'`)).toBe(0);
    expect((await s.counselor!.get(`/api/v1/counseling/appointments/${ids.walkIn}`)).json().topic).toBe('早先的明文主题');
    expect(await sealLegacyRecordText(env.deps.db, env.deps.config)).toBe(0);
  });
});

describe('reminders', () => {
  it('the day before, once: the student, the counselor, the parents (recorded)', async () => {
    // now Wednesday 10:45; the confirmed appointment is Thursday 19:10
    const first = await sendAppointmentReminders(env.deps);
    expect(first.reminded).toBe(1);
    expect((await sendAppointmentReminders(env.deps)).reminded).toBe(0);
    expect(await count(sql`select count(*)::int as n from notifications where account_id = ${s.student!.accountId} and kind = 'appointment.reminder'`)).toBe(1);
    expect(await count(sql`select count(*)::int as n from notifications where account_id = ${s.counselor!.accountId} and kind = 'appointment.reminder'`)).toBe(1);
    expect(await notices(env.ids.studentSelf, 'appointment.reminder')).toBe(1);
    expect(await count(sql`select count(*)::int as n from appointments where id = ${ids.own} and reminded_at is not null`)).toBe(1);
  });
});

describe('export', () => {
  it('the register as 预约登记表 .xlsx, parsed back; another school\'s leader gets 404 for school A, nothing of it otherwise', async () => {
    const res = await s['school.leader']!.get(`/api/v1/counseling/appointments/export?from=2026-11-25&to=2026-12-31&schoolId=${env.ids.schoolA}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('预约登记表')!;
    expect(String(ws.getRow(1).getCell(1).value)).toContain('心理辅导预约登记表');
    expect((ws.getRow(2).values as unknown[]).slice(1)).toEqual(['序号', '日期', '时间', '学生姓名', '性别', '班级', '预约方式', '预约人', '咨询教师', '地点', '状态', '备注']);
    const data: unknown[][] = [];
    ws.eachRow((row, n) => {
      if (n > 2) data.push((row.values as unknown[]).slice(1));
    });
    const total = await count(sql`select count(*)::int as n from appointments where school_id = ${env.ids.schoolA}`);
    expect(data).toHaveLength(total);
    expect(data.map((r) => r[0])).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(data.some((r) => r[6] === '现场' && r[10] === '已完成')).toBe(true);
    expect(data.some((r) => r[6] === '本人' && r[1] === '2026-11-26' && r[2] === '19:10-19:50' && r[10] === '已确认')).toBe(true);
    expect(data.some((r) => r[6] === '教师代约' && r[10] === '已取消' && String(r[11]).includes('外出培训'))).toBe(true);
    expect(await count(sql`select count(*)::int as n from audit_log where action = 'appointment.export' and actor_id = ${s['school.leader']!.accountId}`)).toBe(1);

    expect((await s['leader.other']!.get(`/api/v1/counseling/appointments/export?from=2026-11-25&to=2026-12-31&schoolId=${env.ids.schoolA}`)).statusCode).toBe(404);
    const theirs = await s['leader.other']!.get('/api/v1/counseling/appointments/export?from=2026-11-25&to=2026-12-31');
    const wb2 = new ExcelJS.Workbook();
    await wb2.xlsx.load(theirs.rawPayload as unknown as ArrayBuffer);
    expect(wb2.getWorksheet('预约登记表')!.rowCount).toBe(2);
    expect((await s['head.teacher']!.get('/api/v1/counseling/appointments/export?from=2026-11-25&to=2026-12-31')).statusCode).toBe(403);
    expect((await s.counselor!.get('/api/v1/counseling/appointments/export?from=2026-12-31&to=2026-11-25')).statusCode).toBe(400);
  });
});
