// Counseling rooms: a school's counselor manages its rooms, schedule and logged hours; compliance
// against the rule; the bureau rates rooms of its area and sees every school; nobody else reaches them.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import { setupTestEnv, type Session, type TestEnv } from '../../test/fixture.js';
import { newTotpSecret } from '../auth/totp.js';

let env: TestEnv;
let counselor: Session;
let leader: Session;
let district: Session;
let otherCounselor: Session;
let otherDistrict: Session;
let head: Session;
let roomId: string;

const weekdays = (start: string, end: string, days = [1, 2, 3, 4, 5]) => days.map((weekday) => ({ weekday, start, end }));
const count = async (q: ReturnType<typeof sql>) => (await rows<{ n: number }>(env.deps.db, q))[0]!.n;

beforeAll(async () => {
  env = await setupTestEnv();
  // these tests build their own rooms from nothing: the demo's (seed/demo-counseling.ts) go first
  await env.deps.db.execute(sql`delete from room_hour_logs`);
  await env.deps.db.execute(sql`delete from room_hours`);
  await env.deps.db.execute(sql`delete from counseling_rooms`);
  await env.addAccount('counselor.other', [{ role: 'counselor', orgUnitId: env.ids.schoolB }]);
  const id = await env.addAccount('districtb.admin', [{ role: 'bureau_admin', orgUnitId: env.ids.districtB }]);
  await env.deps.db.execute(sql`update accounts set totp_secret = ${newTotpSecret()} where id = ${id}`);
  [counselor, leader, district, otherCounselor, otherDistrict, head] = await Promise.all([
    env.login('counselor'), env.login('school.leader'), env.login('district.admin'), env.login('counselor.other'), env.login('districtb.admin'), env.login('head.teacher'),
  ]);
}, 120_000);
afterAll(async () => env?.close());

describe('rooms of a school', () => {
  it('the counselor adds a room with a compliant schedule', async () => {
    const res = await counselor.post('/api/v1/counseling/rooms', { schoolId: env.ids.schoolA, name: '心理辅导室一', location: '综合楼 302', periods: weekdays('14:00', '16:00') });
    expect(res.statusCode, res.body).toBe(200);
    const room = res.json();
    roomId = room.id;
    expect(room.schedule).toMatchObject({ compliant: true, weeklyMinutes: 600, shortDays: [] });
    expect(room.canManage).toBe(true);
    expect(room.canRate).toBe(false);
    expect(room.rating).toBe('none');
    expect(await count(sql`select count(*)::int as n from audit_log where action = 'room.create' and object_id = ${roomId}`)).toBe(1);
  });

  it('a schedule one minute short each weekday is not compliant, with the reason; overlapping periods count once', async () => {
    const res = await counselor.put(`/api/v1/counseling/rooms/${roomId}/hours`, { periods: [...weekdays('14:00', '15:59'), ...weekdays('15:00', '15:30')] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().schedule).toMatchObject({ compliant: false, weeklyMinutes: 595 });
    expect(res.json().schedule.reasons).toEqual(['每周共开放 9 小时 55 分钟，不足 10 小时']);
    const back = await counselor.put(`/api/v1/counseling/rooms/${roomId}/hours`, { periods: [...weekdays('14:00', '16:00'), { weekday: 6, start: '09:00', end: '11:00' }] });
    expect(back.json().schedule).toMatchObject({ compliant: true, weeklyMinutes: 720 });
  });

  it('bad times are refused with the field named, and nothing changes', async () => {
    const res = await counselor.put(`/api/v1/counseling/rooms/${roomId}/hours`, { periods: [{ weekday: 1, start: '10:00', end: '09:00' }] });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields['periods.0.end']).toBe('结束时间 09:00 必须晚于开始时间 10:00');
    const bad = await counselor.put(`/api/v1/counseling/rooms/${roomId}/hours`, { periods: [{ weekday: 1, start: '9点', end: '10:00' }] });
    expect(bad.statusCode).toBe(400);
    expect(await count(sql`select count(*)::int as n from room_hours where room_id = ${roomId}`)).toBe(6);
  });

  it('logged hours: a retry with the same clientId stores one; compliance over the logs week by week', async () => {
    const clientId = randomUUID();
    for (let i = 0; i < 2; i++) {
      const r = await counselor.post(`/api/v1/counseling/rooms/${roomId}/logs`, { date: '2026-11-23', start: '14:00', end: '16:00', clientId });
      expect(r.statusCode, r.body).toBe(200);
    }
    expect(await count(sql`select count(*)::int as n from room_hour_logs where room_id = ${roomId}`)).toBe(1);
    for (const date of ['2026-11-24', '2026-11-25']) await counselor.post(`/api/v1/counseling/rooms/${roomId}/logs`, { date, start: '14:00', end: '16:00', clientId: randomUUID() });
    // Monday…Wednesday logged, range to Wednesday: 3 school days, 360 needed, 360 logged
    const ok = (await counselor.get(`/api/v1/counseling/rooms/${roomId}?from=2026-11-23&to=2026-11-25`)).json();
    expect(ok.logs).toHaveLength(3);
    expect(ok.logged).toMatchObject({ compliant: true, totalMinutes: 360 });
    // the whole week: Thursday and Friday missing
    const week = (await counselor.get(`/api/v1/counseling/rooms/${roomId}?from=2026-11-23&to=2026-11-27`)).json();
    expect(week.logged.compliant).toBe(false);
    expect(week.logged.weeks[0].shortDates).toEqual(['2026-11-26', '2026-11-27']);
    // a log in the future or with bad times is refused
    expect((await counselor.post(`/api/v1/counseling/rooms/${roomId}/logs`, { date: '2026-11-30', start: '14:00', end: '15:00', clientId: randomUUID() })).statusCode).toBe(400);
    expect((await counselor.post(`/api/v1/counseling/rooms/${roomId}/logs`, { date: '2026-11-24', start: '15:00', end: '15:00', clientId: randomUUID() })).statusCode).toBe(400);
    expect(await count(sql`select count(*)::int as n from room_hour_logs where room_id = ${roomId}`)).toBe(3);
  });

  it('edits and deactivation; the school leader reads and manages it too', async () => {
    const r = await leader.put(`/api/v1/counseling/rooms/${roomId}`, { location: '综合楼 305' });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().location).toBe('综合楼 305');
    const list = (await leader.get(`/api/v1/counseling/rooms?schoolId=${env.ids.schoolA}`)).json();
    expect(list.items.map((x: { id: string }) => x.id)).toContain(roomId);
  });
});

describe('the bureau', () => {
  it('rates rooms of its area and sees every school, schools with no room flagged', async () => {
    const r = await district.put(`/api/v1/counseling/rooms/${roomId}/rating`, { rating: 'qualified' });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ rating: 'qualified', ratedAt: '2026-11-25', canRate: true, canManage: false });
    const o = (await district.get('/api/v1/counseling/rooms/overview?from=2026-11-23&to=2026-11-25')).json();
    const a = o.schools.find((s: { schoolId: number }) => s.schoolId === env.ids.schoolA);
    const b = o.schools.find((s: { schoolId: number }) => s.schoolId === env.ids.schoolB);
    expect(a).toMatchObject({ rooms: 1, bestRating: 'qualified', scheduleCompliant: true, loggedCompliant: true, loggedMinutes: 360, noRoom: false });
    expect(b).toMatchObject({ rooms: 0, noRoom: true, scheduleCompliant: null });
    expect(o.schools.some((s: { schoolId: number }) => s.schoolId === env.ids.schoolC)).toBe(false);
    expect(await count(sql`select count(*)::int as n from audit_log where action = 'room.rate' and object_id = ${roomId}`)).toBe(1);
  });

  it('the bureau reads but does not manage; another district cannot rate or read; a counselor cannot rate', async () => {
    expect((await district.put(`/api/v1/counseling/rooms/${roomId}/hours`, { periods: [] })).statusCode).toBe(403);
    expect((await otherDistrict.put(`/api/v1/counseling/rooms/${roomId}/rating`, { rating: 'model' })).statusCode).toBe(404);
    expect((await otherDistrict.get(`/api/v1/counseling/rooms/${roomId}`)).statusCode).toBe(404);
    expect((await otherDistrict.get(`/api/v1/counseling/rooms/overview?unitId=${env.ids.districtA}`)).statusCode).toBe(404);
    expect((await counselor.put(`/api/v1/counseling/rooms/${roomId}/rating`, { rating: 'model' })).statusCode).toBe(403);
    expect((await rows<{ rating: string }>(env.deps.db, sql`select rating from counseling_rooms where id = ${roomId}`))[0]!.rating).toBe('qualified');
  });
});

describe('who cannot reach a room', () => {
  it('another school\'s counselor gets 404 for reading, editing, logging and adding at the school', async () => {
    expect((await otherCounselor.get(`/api/v1/counseling/rooms/${roomId}`)).statusCode).toBe(404);
    expect((await otherCounselor.put(`/api/v1/counseling/rooms/${roomId}`, { name: '改名' })).statusCode).toBe(404);
    expect((await otherCounselor.put(`/api/v1/counseling/rooms/${roomId}/hours`, { periods: [] })).statusCode).toBe(404);
    expect((await otherCounselor.post(`/api/v1/counseling/rooms/${roomId}/logs`, { date: '2026-11-25', start: '08:00', end: '09:00', clientId: randomUUID() })).statusCode).toBe(404);
    expect((await otherCounselor.post('/api/v1/counseling/rooms', { schoolId: env.ids.schoolA, name: '冒名', periods: [] })).statusCode).toBe(404);
    expect((await otherCounselor.get(`/api/v1/counseling/rooms?schoolId=${env.ids.schoolA}`)).statusCode).toBe(404);
    expect((await otherCounselor.get('/api/v1/counseling/rooms')).json().items).toEqual([]);
    expect((await rows<{ name: string }>(env.deps.db, sql`select name from counseling_rooms where id = ${roomId}`))[0]!.name).toBe('心理辅导室一');
  });

  it('roles without room permissions get 403', async () => {
    expect((await head.get('/api/v1/counseling/rooms')).statusCode).toBe(403);
    expect((await head.post('/api/v1/counseling/rooms', { schoolId: env.ids.schoolA, name: 'x' })).statusCode).toBe(403);
    const student = await env.login('student');
    expect((await student.get(`/api/v1/counseling/rooms/${roomId}`)).statusCode).toBe(403);
  });

  it('deactivating hides the room from the list and the overview', async () => {
    expect((await counselor.put(`/api/v1/counseling/rooms/${roomId}`, { active: false })).statusCode).toBe(200);
    expect((await counselor.get('/api/v1/counseling/rooms')).json().items).toEqual([]);
    expect((await counselor.get('/api/v1/counseling/rooms?includeInactive=true')).json().items).toHaveLength(1);
    const o = (await district.get('/api/v1/counseling/rooms/overview')).json();
    expect(o.schools.find((s: { schoolId: number }) => s.schoolId === env.ids.schoolA).noRoom).toBe(true);
    expect(await count(sql`select count(*)::int as n from audit_log where action = 'room.deactivate' and object_id = ${roomId}`)).toBe(1);
  });
});
