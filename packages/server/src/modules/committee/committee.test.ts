import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import { setupTestEnv, type Session, type TestEnv } from '../../test/fixture.js';

// the test clock starts on Wednesday 2026-11-25, 10:00 in China
let env: TestEnv;
let committee: Session;
let head: Session;
let counselor: Session;
let worried: string; // a classmate the committee member names
let other: string; // another classmate
const DAY = 86_400_000;

async function advance(ms: number): Promise<void> {
  env.clock.advance(ms);
  [committee, head, counselor] = await Promise.all([env.login('committee'), env.login('head.teacher'), env.login('counselor')]);
}
const report = (body: Record<string, unknown>) => committee.post('/api/v1/my/committee/reports', { classId: env.ids.classA, clientId: randomUUID(), ...body });
const openAlerts = async (studentId: string) =>
  (await rows<{ level: string; n: number }>(env.deps.db, sql`select level, (select count(*)::int from alert_signals s where s.alert_id = a.id and s.source = 'committee') as n
    from alerts a where student_id = ${studentId} and status in ('new', 'acknowledged', 'assessing')`));

beforeAll(async () => {
  env = await setupTestEnv();
  await advance(0);
  const mates = (await committee.get('/api/v1/my/committee')).json().classes[0].classmates as { id: string }[];
  worried = mates.find((m) => m.id !== env.ids.studentSelf && m.id !== env.ids.classmate)!.id;
  other = mates.filter((m) => m.id !== worried && m.id !== env.ids.studentSelf && m.id !== env.ids.classmate)[0]!.id;
}, 120_000);
afterAll(async () => env?.close());

describe('a committee member\'s daily report', () => {
  it('shows their own class\'s names only (not themselves), and today is a school day', async () => {
    const mine = (await committee.get('/api/v1/my/committee')).json();
    expect(mine).toMatchObject({ today: '2026-11-25', schoolDay: true, recent: [] });
    expect(mine.classes).toHaveLength(1);
    expect(mine.classes[0].classId).toBe(env.ids.classA);
    const ids = mine.classes[0].classmates.map((m: { id: string }) => m.id);
    expect(ids).toContain(env.ids.classmate);
    expect(ids).not.toContain(env.ids.committeeStudent);
    expect(ids).not.toContain(env.ids.otherClassStudent);
  });

  it('"all well" is stored once however often it is sent; a later report the same day replaces it', async () => {
    const clientId = randomUUID();
    const first = await report({ status: 'all_well', clientId });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ duplicate: false, replaced: false, report: { status: 'all_well', date: '2026-11-25', concerns: [] } });
    expect((await report({ status: 'all_well', clientId })).json()).toMatchObject({ duplicate: true });
    const second = await report({ status: 'concerns', concerns: [{ studentId: worried, category: 'mood', observation: '上课一直趴着，下课也不说话' }] });
    expect(second.json()).toMatchObject({ replaced: true, report: { status: 'concerns', concerns: [{ studentId: worried, category: 'mood' }] } });
    expect((await rows<{ n: number }>(env.deps.db, sql`select count(*)::int as n from committee_reports where class_id = ${env.ids.classA} and date = '2026-11-25'`))[0]!.n).toBe(1);
    // mentioned once: not yet a signal
    expect(await openAlerts(worried)).toEqual([]);
  });

  it('bad reports are refused with the field named and change nothing', async () => {
    const notMate = await report({ status: 'concerns', concerns: [{ studentId: env.ids.otherClassStudent, category: 'mood' }] });
    expect(notMate.statusCode).toBe(400);
    expect(notMate.json().error.fields).toHaveProperty('concerns.0.studentId', '不是本班同学');
    expect((await report({ status: 'all_well', concerns: [{ studentId: worried, category: 'mood' }] })).statusCode).toBe(400);
    expect((await report({ status: 'concerns', concerns: [] })).statusCode).toBe(400);
    expect((await report({ status: 'concerns', concerns: [{ studentId: worried, category: 'made-up' }] })).statusCode).toBe(400);
    expect((await committee.post('/api/v1/my/committee/reports', { classId: env.ids.classA2, status: 'all_well', clientId: randomUUID() })).statusCode).toBe(404);
    const today = (await committee.get('/api/v1/my/committee')).json().classes[0].today;
    expect(today.concerns.map((c: { studentId: string }) => c.studentId)).toEqual([worried]);
  });

  it('the same classmate named on 2 of 3 school days becomes a yellow alert that head teacher and counselor see', async () => {
    await advance(DAY); // Thursday
    const res = await report({ status: 'concerns', concerns: [{ studentId: worried, category: 'withdrawn', observation: '午饭一个人吃' }] });
    expect(res.statusCode, res.body).toBe(200);
    expect(await openAlerts(worried)).toEqual([{ level: 'yellow', n: 1 }]);
    const seen = (await head.get(`/api/v1/alerts?studentId=${worried}`)).json().items;
    expect(seen[0]).toMatchObject({ level: 'yellow', sources: ['committee'], status: 'new' });
    expect(seen[0].evidence.rule).toContain('2 天');
    const counselorSees = (await counselor.get(`/api/v1/alerts/${seen[0].id}`)).json();
    expect(counselorSees.signals[0]).toMatchObject({ source: 'committee', reporterName: expect.stringContaining('心理委员') });
    const told = await rows<{ username: string }>(env.deps.db, sql`select a.username from notifications n join accounts a on a.id = n.account_id where n.object_id = ${seen[0].id} and n.kind = 'alert.new' order by 1`);
    expect(told.map((t) => t.username)).toEqual(['counselor', 'head.teacher']);
    // the same report sent again changes nothing
    const again = await report({ status: 'concerns', concerns: [{ studentId: worried, category: 'withdrawn', observation: '午饭一个人吃' }] });
    expect(again.json().replaced).toBe(true);
    expect(await openAlerts(worried)).toEqual([{ level: 'yellow', n: 1 }]);
  });

  it('self-harm is reported at once, red, to the leaders too', async () => {
    const res = await report({ status: 'concerns', concerns: [{ studentId: worried, category: 'withdrawn' }, { studentId: other, category: 'self_harm', observation: '说不想活了' }] });
    expect(res.statusCode, res.body).toBe(200);
    expect(await openAlerts(other)).toEqual([{ level: 'red', n: 1 }]);
    const id = (await rows<{ id: string }>(env.deps.db, sql`select id from alerts where student_id = ${other} and status = 'new'`))[0]!.id;
    expect((await rows<{ n: number }>(env.deps.db, sql`select count(*)::int as n from notifications n join accounts a on a.id = n.account_id where n.object_id = ${id} and a.username = 'school.leader'`))[0]!.n).toBe(1);
  });
});

describe('who reported, for head teachers and counselors', () => {
  it('school days without a report are listed per class; days still to come are not', async () => {
    const res = await head.get(`/api/v1/committee/status?unitId=${env.ids.classA}&from=2026-11-23&to=2026-11-27`);
    expect(res.statusCode, res.body).toBe(200);
    const s = res.json();
    expect(s.schoolDays).toEqual(['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26']);
    expect(s.classes).toHaveLength(1);
    expect(s.classes[0]).toMatchObject({ classId: env.ids.classA, reported: 2, missing: ['2026-11-23', '2026-11-24'], members: [{ studentId: env.ids.committeeStudent }] });
    const school = (await counselor.get(`/api/v1/committee/status?unitId=${env.ids.schoolA}&from=2026-11-23&to=2026-11-27`)).json();
    expect(school.classes.length).toBeGreaterThan(1);
    const reports = (await head.get(`/api/v1/committee/reports?classId=${env.ids.classA}&from=2026-11-23&to=2026-11-27`)).json().items;
    expect(reports.map((r: { date: string }) => r.date)).toEqual(['2026-11-26', '2026-11-25']);
  });

  it('a holiday in the region\'s calendar is not a missing day', async () => {
    const city = await env.login('city.admin');
    const bad = await city.put('/api/v1/calendar', { terms: [{ name: '2026 秋季学期', start: '2027-01-20', end: '2026-09-01' }], days: [] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields).toHaveProperty('terms.0.end');
    const ok = await city.put('/api/v1/calendar', { terms: [{ name: '2026 秋季学期', start: '2026-09-01', end: '2027-01-20' }], days: [{ date: '2026-11-24', kind: 'holiday', label: '校运会补休' }] });
    expect(ok.statusCode, ok.body).toBe(200);
    const s = (await head.get(`/api/v1/committee/status?unitId=${env.ids.classA}&from=2026-11-23&to=2026-11-27`)).json();
    expect(s.classes[0].missing).toEqual(['2026-11-23']);
    expect((await counselor.put('/api/v1/calendar', ok.json())).statusCode).toBe(403);
  });

  it('the committee member sees nothing beyond their own reports; outsiders get 404', async () => {
    expect((await committee.get(`/api/v1/committee/status?unitId=${env.ids.classA}&from=2026-11-23&to=2026-11-27`)).statusCode).toBe(403);
    expect((await committee.get(`/api/v1/committee/reports?classId=${env.ids.classA}&from=2026-11-23&to=2026-11-27`)).statusCode).toBe(403);
    expect((await committee.get('/api/v1/alerts')).statusCode).toBe(403);
    expect((await head.get(`/api/v1/committee/status?unitId=${env.ids.classA2}&from=2026-11-23&to=2026-11-27`)).statusCode).toBe(404);
    expect((await head.get(`/api/v1/committee/reports?classId=${env.ids.classA2}&from=2026-11-23&to=2026-11-27`)).statusCode).toBe(404);
    await env.addAccount('schoolc.counselor2', [{ role: 'counselor', orgUnitId: env.ids.schoolC }]);
    const outsider = await env.login('schoolc.counselor2');
    expect((await outsider.get(`/api/v1/committee/status?unitId=${env.ids.classA}&from=2026-11-23&to=2026-11-27`)).statusCode).toBe(404);
    const res = await outsider.get(`/api/v1/committee/reports?classId=${env.ids.classA}&from=2026-11-23&to=2026-11-27`);
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain(worried);
    for (const username of ['student', 'parent', 'care.teacher', 'clinician']) {
      const s = await env.login(username);
      expect([403, 404]).toContain((await s.post('/api/v1/my/committee/reports', { classId: env.ids.classA, status: 'all_well', clientId: randomUUID() })).statusCode);
      expect([403, 404]).toContain((await s.get(`/api/v1/committee/reports?classId=${env.ids.classA}&from=2026-11-23&to=2026-11-27`)).statusCode);
    }
  });
});

describe('training records', () => {
  it('the counselor records a term\'s training for committee members of the school only', async () => {
    const ok = await counselor.post('/api/v1/committee/trainings', { studentIds: [env.ids.committeeStudent], term: '2026 秋季学期', date: '2026-09-20', topic: '如何识别同学的情绪变化', hours: 2 });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().items[0]).toMatchObject({ studentId: env.ids.committeeStudent, topic: '如何识别同学的情绪变化', hours: 2 });
    const notMember = await counselor.post('/api/v1/committee/trainings', { studentIds: [env.ids.classmate], term: '2026 秋季学期', date: '2026-09-20', topic: '培训', hours: 2 });
    expect(notMember.statusCode).toBe(400);
    expect((await head.get('/api/v1/committee/trainings')).statusCode).toBe(403);
  });
});

describe('the committee rule', () => {
  it('reads as the default until the city sets it; only some categories are immediate; a rule that cannot fire is refused; a district cannot set it', async () => {
    expect((await head.get('/api/v1/committee/rule')).json()).toEqual({ windowDays: 3, minDays: 2, level: 'yellow', immediate: { self_harm: 'red' } });
    const city = await env.login('city.admin');
    const bad = await city.put('/api/v1/committee/rule', { windowDays: 3, minDays: 5, level: 'yellow', immediate: {} });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('不能多于');
    const rule = { windowDays: 5, minDays: 3, level: 'orange', immediate: { self_harm: 'red', family: 'orange' } };
    const ok = await city.put('/api/v1/committee/rule', rule);
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await counselor.get('/api/v1/committee/rule')).json()).toEqual(rule);
    expect((await counselor.put('/api/v1/committee/rule', rule)).statusCode).toBe(403);
    expect((await (await env.login('district.admin')).put('/api/v1/committee/rule', rule)).statusCode).toBe(403);
    expect((await committee.get('/api/v1/committee/rule')).statusCode).toBe(403);
  });
});
