import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import { setupTestEnv, type Session, type TestEnv } from '../../test/fixture.js';

// 宿舍心理委员 of a boarding school (江城高级中学). The test clock starts on Wednesday 2026-11-25, 10:00 in China.
let env: TestEnv;
let school: number; // the boarding school
let dorm: number; // one of its dormitories, where the member lives
let dorm2: number; // another of its dormitories
let otherSchoolDorm: number; // a dormitory of another boarding school
let member: string; // the student appointed 宿舍心理委员
let mateA: string; // a dorm-mate of another class
let mateB: string; // a dorm-mate of the member's own class
let noAccount: string; // a dorm-mate who has never signed in
let elsewhere: string; // the member's classmate who lives in dormitory 2
let classOfA: number;
let counselor: Session; // the boarding school's counselor
let head: Session; // head teacher of mateA's class
let dm: Session; // the member
let classMember: Session; // a class committee member of mateA's class
const DAY = 86_400_000;
const period = 'from=2026-11-23&to=2026-11-27';

async function relogin(): Promise<void> {
  [counselor, head, dm, classMember] = await Promise.all([env.login('hs.counselor'), env.login('hs.head'), env.login('hs.dorm'), env.login('hs.class')]);
}
const dormReport = (body: Record<string, unknown>) => dm.post('/api/v1/my/committee/reports', { dormitoryId: dorm, clientId: randomUUID(), ...body });
const openAlert = async (studentId: string) =>
  (await rows<{ id: string; level: string; n: number }>(env.deps.db, sql`select id, level, (select count(*)::int from alert_signals s where s.alert_id = a.id and s.source = 'committee') as n
    from alerts a where student_id = ${studentId} and status in ('new', 'acknowledged', 'assessing')`))[0];

beforeAll(async () => {
  env = await setupTestEnv();
  const db = env.deps.db;
  school = (await rows<{ id: number }>(db, sql`select id from org_units where code = 'S0206'`))[0]!.id;
  // not the dormitory of the demo's 宿舍心理委员
  const dorms = await rows<{ id: number }>(db, sql`select id from dormitories where school_id = ${school}
    and id not in (select dormitory_id from role_assignments where dormitory_id is not null) order by name limit 2`);
  [dorm, dorm2] = [dorms[0]!.id, dorms[1]!.id];
  otherSchoolDorm = (await rows<{ id: number }>(db, sql`select d.id from dormitories d join org_units u on u.id = d.school_id where u.code = 'S0305' limit 1`))[0]!.id;
  // two classes of the school, three students of each: the dormitory is made of four of them
  const classes = await rows<{ id: number }>(db, sql`select c.id from org_units c where c.kind = 'class' and c.path like (select path || '%' from org_units where id = ${school}) order by c.path limit 2`);
  const [c1, c2] = [classes[0]!.id, classes[1]!.id];
  classOfA = c2;
  const of = async (classId: number) => (await rows<{ id: string }>(db, sql`select id from students where class_id = ${classId} and status = 'active'
    and id not in (select student_id from role_assignments where dormitory_id is not null) order by student_no limit 3`)).map((s) => s.id);
  const [s1, s2] = [await of(c1), await of(c2)];
  [member, mateB, elsewhere] = [s1[0]!, s1[1]!, s1[2]!];
  [mateA, noAccount] = [s2[0]!, s2[1]!];
  const classReporter = s2[2]!;
  await db.execute(sql`update students set dormitory_id = null where dormitory_id in (${dorm}, ${dorm2})`);
  await db.execute(sql`update students set boarding = true, dormitory_id = ${dorm} where id = any(${sql.param([member, mateA, mateB, noAccount])}::uuid[])`);
  await db.execute(sql`update students set boarding = true, dormitory_id = ${dorm2} where id = ${elsewhere}`);
  await env.addAccount('hs.counselor', [{ role: 'counselor', orgUnitId: school }]);
  await env.addAccount('hs.head', [{ role: 'head_teacher', orgUnitId: c2 }]);
  await env.addAccount('hs.dorm', [{ role: 'student', studentId: member }]);
  await env.addAccount('hs.class', [{ role: 'committee', orgUnitId: c2, studentId: classReporter }, { role: 'student', studentId: classReporter }]);
  // the member's own account is the student's: appointing finds it
  await db.execute(sql`update accounts set student_id = ${member} where username = 'hs.dorm'`);
  await relogin();
}, 120_000);
afterAll(async () => env?.close());

describe('appointing a 宿舍心理委员', () => {
  it('the counselor appoints a student who lives in the dormitory; others are refused with the field named', async () => {
    const notHere = await counselor.post(`/api/v1/committee/dormitories/${dorm}/members`, { studentId: elsewhere });
    expect(notHere.statusCode).toBe(400);
    expect(notHere.json().error.fields).toHaveProperty('studentId');
    expect((await counselor.post(`/api/v1/committee/dormitories/${dorm}/members`, { studentId: env.ids.classmate })).statusCode).toBe(400);
    expect((await counselor.post(`/api/v1/committee/dormitories/${dorm}/members`, { studentId: 'nope' })).statusCode).toBe(400);
    const ok = await counselor.post(`/api/v1/committee/dormitories/${dorm}/members`, { studentId: member });
    expect(ok.statusCode, ok.body).toBe(200);
    const residents = ok.json().residents as { studentId: string; member: boolean }[];
    expect(residents.map((r) => r.studentId).sort()).toEqual([member, mateA, mateB, noAccount].sort());
    expect(residents.filter((r) => r.member).map((r) => r.studentId)).toEqual([member]);
    // once, however often it is sent; the student is told and the appointment audited
    expect((await counselor.post(`/api/v1/committee/dormitories/${dorm}/members`, { studentId: member })).statusCode).toBe(200);
    expect((await rows<{ n: number }>(env.deps.db, sql`select count(*)::int as n from role_assignments where dormitory_id = ${dorm} and student_id = ${member} and role = 'committee' and org_unit_id is null`))[0]!.n).toBe(1);
    expect((await rows<{ n: number }>(env.deps.db, sql`select count(*)::int as n from notifications n join accounts a on a.id = n.account_id where a.username = 'hs.dorm' and n.kind = 'role.grant'`))[0]!.n).toBe(1);
    expect((await rows<{ n: number }>(env.deps.db, sql`select count(*)::int as n from audit_log where action = 'committee.dorm.appoint' and object_id = ${String(dorm)}`))[0]!.n).toBe(2);
  });

  it('a student who never signed in gets their own student account with the role', async () => {
    const ok = await counselor.post(`/api/v1/committee/dormitories/${dorm}/members`, { studentId: noAccount });
    expect(ok.statusCode, ok.body).toBe(200);
    const roles = await rows<{ role: string; dormitory_id: number | null }>(env.deps.db, sql`select ra.role, ra.dormitory_id from role_assignments ra join accounts a on a.id = ra.account_id
      where a.student_id = ${noAccount} order by ra.role`);
    expect(roles).toEqual([{ role: 'committee', dormitory_id: dorm }, { role: 'student', dormitory_id: null }]);
    const removed = await counselor.del(`/api/v1/committee/dormitories/${dorm}/members/${noAccount}`);
    expect(removed.statusCode, removed.body).toBe(200);
    expect((await counselor.del(`/api/v1/committee/dormitories/${dorm}/members/${noAccount}`)).statusCode).toBe(404);
  });

  it('a head teacher cannot appoint; another school\'s counselor, or another school\'s dormitory, is not found', async () => {
    expect((await head.post(`/api/v1/committee/dormitories/${dorm}/members`, { studentId: mateA })).statusCode).toBe(403);
    expect((await head.get(`/api/v1/committee/dormitories/${dorm}/residents`)).statusCode).toBe(403);
    const elsewhereCounselor = await env.login('counselor'); // 江城区实验中学
    expect((await elsewhereCounselor.get(`/api/v1/committee/dormitories/${dorm}/residents`)).statusCode).toBe(404);
    expect((await elsewhereCounselor.post(`/api/v1/committee/dormitories/${dorm}/members`, { studentId: mateA })).statusCode).toBe(404);
    expect((await elsewhereCounselor.del(`/api/v1/committee/dormitories/${dorm}/members/${member}`)).statusCode).toBe(404);
    expect((await counselor.get(`/api/v1/committee/dormitories/${otherSchoolDorm}/residents`)).statusCode).toBe(404);
    expect((await counselor.get('/api/v1/committee/dormitories/999999/residents')).statusCode).toBe(404);
    expect((await dm.get(`/api/v1/committee/dormitories/${dorm}/residents`)).statusCode).toBe(403);
  });
});

describe('the member\'s phone page and report', () => {
  it('the demo\'s 宿舍心理委员 has a dormitory of the boarding school with dorm-mates', async () => {
    const demo = (await (await env.login('dorm.committee')).get('/api/v1/my/committee')).json();
    expect(demo.classes).toEqual([]);
    expect(demo.dormitories).toHaveLength(1);
    expect(demo.dormitories[0].dormMates.length).toBeGreaterThan(0);
    expect((await rows<{ school_id: number }>(env.deps.db, sql`select school_id from dormitories where id = ${demo.dormitories[0].dormitoryId}`))[0]!.school_id).toBe(school);
  });


  it('offers the dormitory with the dorm-mates\' names only (not themselves), and no class', async () => {
    await relogin(); // the new role is read at sign-in
    const mine = (await dm.get('/api/v1/my/committee')).json();
    expect(mine.classes).toEqual([]);
    expect(mine.dormitories).toHaveLength(1);
    expect(mine.dormitories[0]).toMatchObject({ dormitoryId: dorm, today: null });
    const mates = mine.dormitories[0].dormMates as Record<string, unknown>[];
    expect(mates.map((m) => m.id).sort()).toEqual([mateA, mateB, noAccount].sort());
    expect(Object.keys(mates[0]!).sort()).toEqual(['id', 'name']);
    // the role reaches no class and no school
    expect((await dm.get('/api/v1/me/class-names')).json().items ?? []).toEqual([]);
    expect((await dm.get(`/api/v1/committee/status?unitId=${school}&${period}`)).statusCode).toBe(403);
    expect((await dm.get(`/api/v1/committee/dorm-reports?dormitoryId=${dorm}&${period}`)).statusCode).toBe(403);
    expect((await dm.get(`/api/v1/students/${mateA}`)).statusCode).not.toBe(200);
  });

  it('"all well" is stored once however often it is sent; a later report the same day replaces it', async () => {
    const clientId = randomUUID();
    const first = await dormReport({ status: 'all_well', clientId });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ duplicate: false, replaced: false, report: { dormitoryId: dorm, classId: null, status: 'all_well', date: '2026-11-25' } });
    expect((await dormReport({ status: 'all_well', clientId })).json()).toMatchObject({ duplicate: true });
    const second = await dormReport({ status: 'concerns', concerns: [{ studentId: mateB, category: 'body', observation: '晚上总睡不着' }] });
    expect(second.json()).toMatchObject({ replaced: true, report: { status: 'concerns', concerns: [{ studentId: mateB, category: 'body' }] } });
    expect((await rows<{ n: number }>(env.deps.db, sql`select count(*)::int as n from committee_reports where dormitory_id = ${dorm}`))[0]!.n).toBe(1);
    expect(await openAlert(mateB)).toBeUndefined();
  });

  it('only dorm-mates may be named; another dormitory is not found; class or dormitory, exactly one', async () => {
    const notMate = await dormReport({ status: 'concerns', concerns: [{ studentId: elsewhere, category: 'mood' }] });
    expect(notMate.statusCode).toBe(400);
    expect(notMate.json().error.fields).toHaveProperty('concerns.0.studentId', '不是本宿舍同学');
    expect((await dormReport({ status: 'concerns', concerns: [{ studentId: member, category: 'mood' }] })).statusCode).toBe(400);
    expect((await dormReport({ status: 'concerns', concerns: [{ studentId: env.ids.classmate, category: 'mood' }] })).statusCode).toBe(400);
    expect((await dm.post('/api/v1/my/committee/reports', { dormitoryId: dorm2, status: 'all_well', clientId: randomUUID() })).statusCode).toBe(404);
    expect((await dm.post('/api/v1/my/committee/reports', { dormitoryId: otherSchoolDorm, status: 'all_well', clientId: randomUUID() })).statusCode).toBe(404);
    expect((await dm.post('/api/v1/my/committee/reports', { status: 'all_well', clientId: randomUUID() })).statusCode).toBe(400);
    expect((await dm.post('/api/v1/my/committee/reports', { dormitoryId: dorm, classId: classOfA, status: 'all_well', clientId: randomUUID() })).statusCode).toBe(400);
    // a class member cannot report on a dormitory they are not member of
    expect((await classMember.post('/api/v1/my/committee/reports', { dormitoryId: dorm, status: 'all_well', clientId: randomUUID() })).statusCode).toBe(404);
    const today = (await dm.get('/api/v1/my/committee')).json().dormitories[0].today;
    expect(today.concerns.map((c: { studentId: string }) => c.studentId)).toEqual([mateB]);
  });
});

describe('dorm concerns count toward the same rule as class reports', () => {
  it('named in class on one day and in the dormitory the next: a yellow alert the head teacher sees', async () => {
    const inClass = await classMember.post('/api/v1/my/committee/reports', { classId: classOfA, status: 'concerns', concerns: [{ studentId: mateA, category: 'mood' }], clientId: randomUUID() });
    expect(inClass.statusCode, inClass.body).toBe(200);
    expect(await openAlert(mateA)).toBeUndefined();
    env.clock.advance(DAY); // Thursday
    await relogin();
    const res = await dormReport({ status: 'concerns', concerns: [{ studentId: mateA, category: 'withdrawn', observation: '不和舍友说话' }] });
    expect(res.statusCode, res.body).toBe(200);
    expect(await openAlert(mateA)).toMatchObject({ level: 'yellow', n: 1 });
    const seen = (await head.get(`/api/v1/alerts?studentId=${mateA}`)).json().items;
    expect(seen[0]).toMatchObject({ level: 'yellow', sources: ['committee'] });
    expect(seen[0].evidence.rule).toContain('2 天');
    const detail = (await counselor.get(`/api/v1/alerts/${seen[0].id}`)).json();
    expect(detail.signals[0].reporterName).toContain('宿舍心理委员');
  });

  it('self-harm from the dormitory is raised at once, red, also over an alert opened the same day', async () => {
    const res = await dormReport({ status: 'concerns', concerns: [{ studentId: mateA, category: 'self_harm', observation: '夜里说不想活了' }, { studentId: noAccount, category: 'self_harm' }] });
    expect(res.statusCode, res.body).toBe(200);
    expect(await openAlert(noAccount)).toMatchObject({ level: 'red', n: 1 });
    expect(await openAlert(mateA)).toMatchObject({ level: 'red', n: 2 });
  });
});

describe('missing dorm reports, for counselors and leaders', () => {
  it('the school\'s status lists each dormitory with its member, reported and missing school days', async () => {
    const res = await counselor.get(`/api/v1/committee/status?unitId=${school}&${period}`);
    expect(res.statusCode, res.body).toBe(200);
    const d = (res.json().dormitories as { dormitoryId: number }[]).find((x) => x.dormitoryId === dorm);
    expect(d).toMatchObject({ residents: 4, members: [{ studentId: member }], schoolDays: 4, reported: 2, missing: ['2026-11-23', '2026-11-24'], concerns: 3 });
    const other = (res.json().dormitories as { dormitoryId: number; members: unknown[] }[]).find((x) => x.dormitoryId === dorm2);
    expect(other).toMatchObject({ members: [], reported: 0 });
    const reports = await counselor.get(`/api/v1/committee/dorm-reports?dormitoryId=${dorm}&${period}`);
    expect(reports.statusCode).toBe(200);
    expect(reports.json().items.map((r: { date: string }) => r.date)).toEqual(['2026-11-26', '2026-11-25']);
    expect((await rows<{ n: number }>(env.deps.db, sql`select count(*)::int as n from audit_log where action = 'committee.reports.read' and object_type = 'dormitory'`))[0]!.n).toBe(1);
  });

  it('a head teacher sees their class as before, but no dormitory reports; another school sees nothing', async () => {
    const mine = await head.get(`/api/v1/committee/status?unitId=${classOfA}&${period}`);
    expect(mine.statusCode).toBe(200);
    expect(mine.json().dormitories).toEqual([]);
    expect((await head.get(`/api/v1/committee/status?unitId=${school}&${period}`)).statusCode).toBe(404);
    expect((await head.get(`/api/v1/committee/dorm-reports?dormitoryId=${dorm}&${period}`)).statusCode).toBe(404);
    const outsider = await env.login('counselor');
    const res = await outsider.get(`/api/v1/committee/dorm-reports?dormitoryId=${dorm}&${period}`);
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain(mateA);
    expect((await counselor.get(`/api/v1/committee/dorm-reports?dormitoryId=${otherSchoolDorm}&${period}`)).statusCode).toBe(404);
    // each refusal is audited
    const denied = await rows<{ actor: string }>(env.deps.db, sql`select actor_name as actor from audit_log
      where action = 'access.denied' and detail->>'route' = 'GET /api/v1/committee/dorm-reports' order by seq`);
    // the member earlier (403), the head teacher, the other school's counselor, another school's dormitory
    expect(denied).toHaveLength(4);
    expect([denied[0]!.actor, denied[1]!.actor, denied[3]!.actor]).toEqual(['hs.dorm', 'hs.head', 'hs.counselor']);
  });

  it('the counselor records the member\'s training', async () => {
    const ok = await counselor.post('/api/v1/committee/trainings', { studentIds: [member], term: '2026 秋季学期', date: '2026-09-20', topic: '宿舍里的情绪观察', hours: 2 });
    expect(ok.statusCode, ok.body).toBe(200);
    const outsider = await env.login('counselor');
    expect((await outsider.post('/api/v1/committee/trainings', { studentIds: [member], term: '2026 秋季学期', date: '2026-09-20', topic: '培训', hours: 2 })).statusCode).toBe(400);
  });
});

describe('the appointment ends', () => {
  it('when the member moves out of the dormitory, and when the school removes them', async () => {
    await env.deps.db.execute(sql`update students set dormitory_id = ${dorm2} where id = ${member}`);
    expect((await dm.get('/api/v1/my/committee')).json().dormitories).toEqual([]);
    expect((await dormReport({ status: 'all_well' })).statusCode).toBe(404);
    await env.deps.db.execute(sql`update students set dormitory_id = ${dorm} where id = ${member}`);
    expect((await dm.get('/api/v1/my/committee')).json().dormitories).toHaveLength(1);
    const removed = await counselor.del(`/api/v1/committee/dormitories/${dorm}/members/${member}`);
    expect(removed.statusCode, removed.body).toBe(200);
    expect(removed.json().residents.filter((r: { member: boolean }) => r.member)).toEqual([]);
    await relogin();
    const mine = await dm.get('/api/v1/my/committee');
    // the student keeps no committee role: the page is no longer theirs
    expect(mine.statusCode).toBe(403);
    expect((await dormReport({ status: 'all_well' })).statusCode).toBe(403);
    // their reports stay
    expect((await rows<{ n: number }>(env.deps.db, sql`select count(*)::int as n from committee_reports where dormitory_id = ${dorm}`))[0]!.n).toBe(2);
  });
});

describe('a class member may also be a dormitory member', () => {
  it('the page offers both; a report on each the same day is stored separately', async () => {
    const reporter = (await rows<{ sid: string }>(env.deps.db, sql`select ra.student_id as sid from role_assignments ra join accounts a on a.id = ra.account_id
      where a.username = 'hs.class' and ra.role = 'committee'`))[0]!.sid;
    await env.deps.db.execute(sql`update accounts set student_id = ${reporter} where username = 'hs.class'`);
    await env.deps.db.execute(sql`update students set boarding = true, dormitory_id = ${dorm2} where id = ${reporter}`);
    expect((await counselor.post(`/api/v1/committee/dormitories/${dorm2}/members`, { studentId: reporter })).statusCode).toBe(200);
    await relogin();
    const mine = (await classMember.get('/api/v1/my/committee')).json();
    expect(mine.classes.map((c: { classId: number }) => c.classId)).toEqual([classOfA]);
    expect(mine.dormitories.map((d: { dormitoryId: number; dormMates: { id: string }[] }) => [d.dormitoryId, d.dormMates.map((m) => m.id)])).toEqual([[dorm2, [elsewhere]]]);
    const inClass = await classMember.post('/api/v1/my/committee/reports', { classId: classOfA, status: 'all_well', clientId: randomUUID() });
    const inDorm = await classMember.post('/api/v1/my/committee/reports', { dormitoryId: dorm2, status: 'concerns', concerns: [{ studentId: elsewhere, category: 'study' }], clientId: randomUUID() });
    expect([inClass.statusCode, inDorm.statusCode]).toEqual([200, 200]);
    expect(inDorm.json()).toMatchObject({ replaced: false, report: { dormitoryId: dorm2, classId: null } });
    const today = (await classMember.get('/api/v1/my/committee')).json();
    expect([today.classes[0].today.status, today.dormitories[0].today.status]).toEqual(['all_well', 'concerns']);
  });
});
