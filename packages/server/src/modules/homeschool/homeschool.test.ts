// Home–school: 家长学校 micro-courses (publish, scope, parent learning and credits once), the credit
// standard, 家长课堂 sessions (class sheet, parent check-in, scope) and the four metrics on a
// hand-computed fixture. Each route is also tried by another school, another class and a wrong role.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import { setupTestEnv, type Session, type TestEnv } from '../../test/fixture.js';
import type { MetricContext } from '../supervision/metric-types.js';
import { homeschoolMetrics } from './metrics.js';

let env: TestEnv;
let counselor: Session;
let otherCounselor: Session;
let head: Session;
let otherHead: Session;
let city: Session;
let district: Session;
let parent: Session;
let otherParent: Session;
let student: Session;
let schoolCourse: string;
let cityCourse: string;
let schoolSession: { id: string; code: string };

const count = async (q: ReturnType<typeof sql>) => (await rows<{ n: number }>(env.deps.db, q))[0]!.n;
const course = (ownerUnitId: number, over: Record<string, unknown> = {}) => ({
  clientId: randomUUID(), ownerUnitId, title: '如何与青春期孩子沟通', summary: '倾听先于说教', kind: 'text', body: '第一段。\n\n第二段。', minutes: 15, credits: 2, targetGrades: [], year: 2026, published: true, ...over,
});

beforeAll(async () => {
  env = await setupTestEnv();
  for (const t of ['homeschool_attendance', 'homeschool_sessions', 'homeschool_completions', 'homeschool_courses', 'homeschool_credit_standards']) await env.deps.db.execute(sql.raw(`delete from ${t}`));
  await env.addAccount('hs.counselor.b', [{ role: 'counselor', orgUnitId: env.ids.schoolB }]);
  await env.addAccount('hs.head.a2', [{ role: 'head_teacher', orgUnitId: env.ids.classA2 }]);
  await env.addAccount('hs.parent.b', [{ role: 'parent', studentId: env.ids.schoolBStudent }]);
  [counselor, otherCounselor, head, otherHead, city, district, parent, otherParent, student] = await Promise.all([
    env.login('counselor'), env.login('hs.counselor.b'), env.login('head.teacher'), env.login('hs.head.a2'), env.login('city.admin'), env.login('district.admin'), env.login('parent'), env.login('hs.parent.b'), env.login('student'),
  ]);
}, 180_000);
afterAll(async () => env?.close());

describe('家长学校 micro-courses', () => {
  it('a counselor publishes a school course; the same clientId twice makes one course, audited once', async () => {
    const body = course(env.ids.schoolA, { title: '考试季的家庭支持', credits: 3 });
    const a = await counselor.post('/api/v1/homeschool/courses', body);
    expect(a.statusCode, a.body).toBe(200);
    const b = await counselor.post('/api/v1/homeschool/courses', body);
    expect(b.json().id).toBe(a.json().id);
    schoolCourse = a.json().id;
    expect(a.json()).toMatchObject({ ownerKind: 'school', published: true, canManage: true, credits: 3, completions: 0 });
    expect(await count(sql`select count(*)::int as n from homeschool_courses`)).toBe(1);
    expect(await count(sql`select count(*)::int as n from audit_log where action = 'homeschool.course.create' and object_id = ${schoolCourse}`)).toBe(1);
  });

  it('a video course needs its link; bad fields are named in Chinese and nothing is stored', async () => {
    const res = await counselor.post('/api/v1/homeschool/courses', course(env.ids.schoolA, { kind: 'video' }));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields.videoUrl).toContain('视频链接');
    const bad = await counselor.post('/api/v1/homeschool/courses', course(env.ids.schoolA, { title: '', minutes: 0 }));
    expect(bad.statusCode).toBe(400);
    expect(await count(sql`select count(*)::int as n from homeschool_courses`)).toBe(1);
  });

  it('the city publishes for the whole region (a draft stays its own); a school cannot publish for the city, another school, nor a head teacher for the school', async () => {
    const res = await city.post('/api/v1/homeschool/courses', course(env.ids.cityId, { title: '识别孩子情绪变化的信号', credits: 4 }));
    expect(res.statusCode, res.body).toBe(200);
    cityCourse = res.json().id;
    const draft = await city.post('/api/v1/homeschool/courses', course(env.ids.cityId, { title: '草稿', published: false }));
    expect(draft.statusCode).toBe(200);
    expect((await counselor.get(`/api/v1/homeschool/courses/${draft.json().id}`)).statusCode).toBe(404);
    expect((await counselor.post('/api/v1/homeschool/courses', course(env.ids.cityId))).statusCode).toBe(404);
    expect((await otherCounselor.post('/api/v1/homeschool/courses', course(env.ids.schoolA))).statusCode).toBe(404);
    expect((await head.post('/api/v1/homeschool/courses', course(env.ids.schoolA))).statusCode).toBe(404);
    expect((await student.post('/api/v1/homeschool/courses', course(env.ids.schoolA))).statusCode).toBe(403);
    expect((await student.get('/api/v1/homeschool/courses')).statusCode).toBe(403);
  });

  it('staff see their school’s and the city’s courses, not another school’s; only the owner edits', async () => {
    const mine = (await counselor.get('/api/v1/homeschool/courses?year=2026')).json();
    expect(mine.items.map((c: { id: string }) => c.id).sort()).toEqual([cityCourse, schoolCourse].sort());
    expect(mine.items.find((c: { id: string }) => c.id === cityCourse).canManage).toBe(false);
    const other = (await otherCounselor.get('/api/v1/homeschool/courses')).json();
    expect(other.items.map((c: { id: string }) => c.id)).toEqual([cityCourse]);
    expect((await otherCounselor.get(`/api/v1/homeschool/courses/${schoolCourse}`)).statusCode).toBe(404);
    expect((await otherCounselor.put(`/api/v1/homeschool/courses/${schoolCourse}`, { title: 'x' })).statusCode).toBe(404);
    expect((await counselor.put(`/api/v1/homeschool/courses/${cityCourse}`, { title: 'x' })).statusCode).toBe(404);
    const ok = await counselor.put(`/api/v1/homeschool/courses/${schoolCourse}`, { summary: '三个做法' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().summary).toBe('三个做法');
    // the head teacher reads (the course reaches their class) but cannot edit
    expect((await head.get(`/api/v1/homeschool/courses/${schoolCourse}`)).json().canManage).toBe(false);
    expect((await head.put(`/api/v1/homeschool/courses/${schoolCourse}`, { title: 'x' })).statusCode).toBe(404);
  });
});

describe('a parent learns', () => {
  it('the parent sees the city’s and the child’s school’s courses; a parent of another school only the city’s', async () => {
    const my = (await parent.get('/api/v1/homeschool/my')).json();
    expect(my.courses.map((c: { id: string }) => c.id).sort()).toEqual([cityCourse, schoolCourse].sort());
    expect(my.credits).toEqual({ year: 2026, earned: 0, standard: 10, met: false, remaining: 10, courses: 0 });
    const other = (await otherParent.get('/api/v1/homeschool/my')).json();
    expect(other.courses.map((c: { id: string }) => c.id)).toEqual([cityCourse]);
    expect((await otherParent.get(`/api/v1/homeschool/my/courses/${schoolCourse}`)).statusCode).toBe(404);
    expect((await otherParent.post(`/api/v1/homeschool/my/courses/${schoolCourse}/learned`, {})).statusCode).toBe(404);
    expect((await counselor.get('/api/v1/homeschool/my')).statusCode).toBe(403);
    expect((await parent.get('/api/v1/homeschool/courses')).statusCode).toBe(403);
  });

  it('a course for other grades does not reach the parent', async () => {
    const res = await counselor.post('/api/v1/homeschool/courses', course(env.ids.schoolA, { title: '九年级家长：中考前的陪伴', targetGrades: [9] }));
    expect((await parent.get(`/api/v1/homeschool/my/courses/${res.json().id}`)).statusCode).toBe(404);
    await counselor.put(`/api/v1/homeschool/courses/${res.json().id}`, { published: false });
  });

  it('marking learned twice credits once', async () => {
    const a = await parent.post(`/api/v1/homeschool/my/courses/${schoolCourse}/learned`, {});
    expect(a.statusCode, a.body).toBe(200);
    const b = await parent.post(`/api/v1/homeschool/my/courses/${schoolCourse}/learned`, {});
    expect(b.json().credits).toMatchObject({ earned: 3, courses: 1, met: false });
    expect(b.json().course).toMatchObject({ learned: true, learnedOn: '2026-11-25' });
    expect(await count(sql`select count(*)::int as n from homeschool_completions`)).toBe(1);
    expect(await count(sql`select count(*)::int as n from audit_log where action = 'homeschool.course.learned'`)).toBe(1);
    // the city counts every completion; a school counts its own students' parents
    expect((await city.get(`/api/v1/homeschool/courses/${schoolCourse}`)).json().completions).toBe(1);
    expect((await counselor.get(`/api/v1/homeschool/courses/${schoolCourse}`)).json().completions).toBe(1);
    expect((await otherCounselor.get(`/api/v1/homeschool/courses/${cityCourse}`)).json().completions).toBe(0);
  });

  it('the yearly standard is the city’s to set', async () => {
    expect((await counselor.put('/api/v1/homeschool/standard', { year: 2026, credits: 3 })).statusCode).toBe(403);
    expect((await district.put('/api/v1/homeschool/standard', { year: 2026, credits: 3 })).statusCode).toBe(403);
    const res = await city.put('/api/v1/homeschool/standard', { year: 2026, credits: 3 });
    expect(res.json()).toEqual({ year: 2026, credits: 3, isDefault: false, canManage: true });
    expect((await parent.get('/api/v1/homeschool/standard')).json().credits).toBe(3);
    expect((await parent.get('/api/v1/homeschool/my')).json().credits).toMatchObject({ earned: 3, standard: 3, met: true, remaining: 0 });
  });
});

describe('家长课堂 sessions and attendance', () => {
  it('a counselor holds a school session (once for one clientId) with a check-in code', async () => {
    const body = { clientId: randomUUID(), targetUnitId: env.ids.schoolA, date: '2026-11-25', topic: '心理健康家长会：青春期情绪', speaker: '王老师' };
    const a = await counselor.post('/api/v1/homeschool/sessions', body);
    expect(a.statusCode, a.body).toBe(200);
    expect((await counselor.post('/api/v1/homeschool/sessions', body)).json().id).toBe(a.json().id);
    expect(a.json()).toMatchObject({ target: 'school', mentalHealth: true, attended: 0 });
    expect(a.json().code).toMatch(/^[A-Z2-9]{6}$/);
    schoolSession = { id: a.json().id, code: a.json().code };
    expect(await count(sql`select count(*)::int as n from homeschool_sessions`)).toBe(1);
    expect((await otherCounselor.post('/api/v1/homeschool/sessions', { ...body, clientId: randomUUID() })).statusCode).toBe(404);
    expect((await student.post('/api/v1/homeschool/sessions', { ...body, clientId: randomUUID() })).statusCode).toBe(403);
    const bad = await counselor.post('/api/v1/homeschool/sessions', { ...body, clientId: randomUUID(), topic: ' ', date: '2026/11/25' });
    expect(bad.statusCode).toBe(400);
  });

  it('a head teacher holds one for their class only, sees the school session, not another school’s', async () => {
    const mine = await head.post('/api/v1/homeschool/sessions', { clientId: randomUUID(), targetUnitId: env.ids.classA, date: '2026-12-01', topic: '班级家长课堂', mentalHealth: false });
    expect(mine.statusCode, mine.body).toBe(200);
    expect((await head.post('/api/v1/homeschool/sessions', { clientId: randomUUID(), targetUnitId: env.ids.classA2, date: '2026-12-01', topic: 'x' })).statusCode).toBe(404);
    expect((await head.post('/api/v1/homeschool/sessions', { clientId: randomUUID(), targetUnitId: env.ids.schoolA, date: '2026-12-01', topic: 'x' })).statusCode).toBe(404);
    const list = (await head.get('/api/v1/homeschool/sessions')).json();
    expect(list.items.map((s: { id: string }) => s.id)).toContain(schoolSession.id);
    expect(list.total).toBe(2);
    expect((await otherHead.get(`/api/v1/homeschool/sessions/${mine.json().id}`)).statusCode).toBe(404);
    expect((await otherCounselor.get(`/api/v1/homeschool/sessions/${schoolSession.id}`)).statusCode).toBe(404);
    expect((await otherCounselor.get('/api/v1/homeschool/sessions')).json().total).toBe(0);
  });

  it('the head teacher saves the class sheet; saving again changes nothing; another class’s teacher cannot', async () => {
    const url = `/api/v1/homeschool/sessions/${schoolSession.id}/sheet`;
    const sheet = (await head.get(`${url}?classId=${env.ids.classA}`)).json();
    expect(sheet.canRecord).toBe(true);
    // without a class: the head teacher's own (the first class of the session they reach)
    expect((await head.get(url)).json().classId).toBe(env.ids.classA);
    expect((await otherHead.get(url)).json().classId).toBe(env.ids.classA2);
    expect(sheet.rows.length).toBeGreaterThan(2);
    expect(sheet.rows.every((r: { attended: boolean }) => !r.attended)).toBe(true);
    for (let i = 0; i < 2; i++) {
      const res = await head.put(url, { classId: env.ids.classA, attended: [env.ids.classmate] });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().rows.filter((r: { attended: boolean }) => r.attended).map((r: { studentId: string }) => r.studentId)).toEqual([env.ids.classmate]);
    }
    expect(await count(sql`select count(*)::int as n from homeschool_attendance where attended`)).toBe(1);
    const audits = await rows<{ detail: { changed: number } }>(env.deps.db, sql`select detail from audit_log where action = 'homeschool.attendance.sheet' order by seq`);
    expect(audits.map((a) => a.detail.changed)).toEqual([sheet.rows.length, 0]);
    const stranger = await head.put(url, { classId: env.ids.classA, attended: [env.ids.otherClassStudent] });
    expect(stranger.statusCode).toBe(400);
    expect(stranger.json().error.fields['attended.0']).toBe('该学生不在本班名单中');
    expect((await otherHead.get(`${url}?classId=${env.ids.classA}`)).statusCode).toBe(404);
    expect((await otherHead.put(url, { classId: env.ids.classA, attended: [] })).statusCode).toBe(404);
    expect((await head.put(url, { classId: env.ids.classA2, attended: [] })).statusCode).toBe(404);
    expect((await otherCounselor.put(url, { classId: env.ids.classA, attended: [] })).statusCode).toBe(404);
    expect((await student.get(`${url}?classId=${env.ids.classA}`)).statusCode).toBe(403);
  });

  it('the parent checks in with the code (twice = once); another school’s parent cannot; a wrong code is 404', async () => {
    const a = await parent.post('/api/v1/homeschool/my/checkin', { code: ` ${schoolSession.code.toLowerCase()} ` });
    expect(a.statusCode, a.body).toBe(200);
    expect(a.json().session).toMatchObject({ id: schoolSession.id, attended: true });
    await parent.post('/api/v1/homeschool/my/checkin', { code: schoolSession.code });
    expect(await count(sql`select count(*)::int as n from audit_log where action = 'homeschool.attendance.checkin'`)).toBe(1);
    expect(await count(sql`select count(*)::int as n from homeschool_attendance where attended and source = 'checkin'`)).toBe(1);
    expect((await otherParent.post('/api/v1/homeschool/my/checkin', { code: schoolSession.code })).statusCode).toBe(404);
    expect((await parent.post('/api/v1/homeschool/my/checkin', { code: 'ZZZZZZ' })).statusCode).toBe(404);
    expect((await counselor.post('/api/v1/homeschool/my/checkin', { code: schoolSession.code })).statusCode).toBe(403);
    const my = (await parent.get('/api/v1/homeschool/my')).json();
    expect(my.sessions.find((s: { id: string }) => s.id === schoolSession.id)).toMatchObject({ attended: true });
    expect(my.sessions.find((s: { id: string }) => s.id !== schoolSession.id)).toMatchObject({ attended: false });
    const sheet = (await head.get(`/api/v1/homeschool/sessions/${schoolSession.id}/sheet?classId=${env.ids.classA}`)).json();
    expect(sheet.rows.filter((r: { attended: boolean }) => r.attended)).toHaveLength(2);
    expect(sheet.rows.find((r: { studentId: string }) => r.studentId === env.ids.studentSelf)).toMatchObject({ attended: true, source: 'checkin' });
  });
});

describe('figures', () => {
  it('the four metrics against the hand-computed fixture', async () => {
    const students = await rows<{ id: number; n: number }>(env.deps.db, sql`select school_id as id, count(*)::int as n from students where status = 'active' and school_id in (${env.ids.schoolA}, ${env.ids.schoolB}) group by school_id`);
    const n = (id: number) => students.find((s) => s.id === id)!.n;
    const ctx: MetricContext = {
      deps: env.deps, regionId: env.ids.cityId, year: 2026, from: '2026-01-01', to: '2026-11-25',
      schools: [env.ids.schoolA, env.ids.schoolB].map((id) => ({ id, name: '', path: '', districtId: env.ids.districtA, schoolKind: null, students: n(id) })),
    };
    const fig = async (key: string) => homeschoolMetrics.find((m) => m.key === key)!.perSchool(ctx);
    // session reach: school A — the classmate (sheet) and the demo student (check-in); the class session is not a mental-health one
    expect(await fig('parent_session_reach')).toEqual([{ schoolId: env.ids.schoolA, numerator: 2, denominator: n(env.ids.schoolA) }, { schoolId: env.ids.schoolB, numerator: 0, denominator: n(env.ids.schoolB) }]);
    // one parent learned one course (3 credits): their child reached; the standard is 3 → met
    expect(await fig('parent_course_reach')).toEqual([{ schoolId: env.ids.schoolA, numerator: 1, denominator: n(env.ids.schoolA) }, { schoolId: env.ids.schoolB, numerator: 0, denominator: n(env.ids.schoolB) }]);
    expect((await fig('parent_credit_standard'))[0]).toEqual({ schoolId: env.ids.schoolA, numerator: 1, denominator: n(env.ids.schoolA) });
    // published 2026 courses: A has the city's and its own (the grade-9 one was withdrawn), B the city's
    expect(await fig('parent_micro_courses')).toEqual([{ schoolId: env.ids.schoolA, numerator: 2, denominator: 1 }, { schoolId: env.ids.schoolB, numerator: 1, denominator: 1 }]);
    const rec = await homeschoolMetrics.find((m) => m.key === 'parent_session_reach')!.records(ctx, env.ids.schoolA);
    expect(rec.rows).toEqual([expect.objectContaining({ topic: '心理健康家长会：青春期情绪', attended: 2 })]);
    const list = await homeschoolMetrics.find((m) => m.key === 'parent_micro_courses')!.records(ctx, env.ids.schoolA);
    expect(list.rows.map((r) => r.title).sort()).toEqual(['考试季的家庭支持', '识别孩子情绪变化的信号']);
    const credits = await homeschoolMetrics.find((m) => m.key === 'parent_course_reach')!.records(ctx, env.ids.schoolA);
    expect(credits.rows).toEqual([{ title: '考试季的家庭支持', owner: expect.any(String), credits: 3, families: 1 }]);
  });

  it('the overview: per class for the school, per school for the district (no names)', async () => {
    const mine = (await counselor.get('/api/v1/homeschool/overview?year=2026')).json();
    expect(mine.level).toBe('class');
    expect(mine.rows.find((r: { unitId: number }) => r.unitId === env.ids.classA)).toMatchObject({ sessionReached: 2, courseReached: 1, standardMet: 1, sessions: 1 });
    const byHead = (await head.get('/api/v1/homeschool/overview')).json();
    expect(byHead.rows.map((r: { unitId: number }) => r.unitId)).toEqual([env.ids.classA]);
    const dist = (await district.get('/api/v1/homeschool/overview?year=2026')).json();
    expect(dist.level).toBe('school');
    expect(dist.rows.find((r: { unitId: number }) => r.unitId === env.ids.schoolA)).toMatchObject({ sessionReached: 2, courseReached: 1, standardMet: 1, sessions: 1 });
    expect(JSON.stringify(dist)).not.toContain('name":"' + 'student');
    expect((await otherCounselor.get(`/api/v1/homeschool/overview?schoolId=${env.ids.schoolA}`)).statusCode).toBe(404);
    expect((await student.get('/api/v1/homeschool/overview')).statusCode).toBe(403);
  });
});

describe('the check-in window', () => {
  it('a code is taken from the session’s day to 7 days after: earlier or later is refused in Chinese and records nothing', async () => {
    const hold = async (date: string) => (await counselor.post('/api/v1/homeschool/sessions', { clientId: randomUUID(), targetUnitId: env.ids.schoolA, date, topic: '家长课堂：亲子沟通', mentalHealth: false })).json() as { id: string; code: string };
    const old = await hold('2026-11-17');
    const soon = await hold('2026-11-26');
    const lastDay = await hold('2026-11-18');
    const late = await parent.post('/api/v1/homeschool/my/checkin', { code: old.code });
    expect(late.statusCode).toBe(400);
    expect(late.body).toContain('签到已截止');
    const early = await parent.post('/api/v1/homeschool/my/checkin', { code: soon.code });
    expect(early.statusCode).toBe(400);
    expect(early.body).toContain('尚未开始');
    expect(await count(sql`select count(*)::int as n from homeschool_attendance where session_id in (${old.id}, ${soon.id})`)).toBe(0);
    expect((await parent.post('/api/v1/homeschool/my/checkin', { code: lastDay.code })).statusCode).toBe(200);
  });
});

describe('the pickers', () => {
  it('units: the counselor gets their school (not the city or another school), the head teacher only their class, students and parents nothing', async () => {
    const mine = (await counselor.get('/api/v1/homeschool/units')).json() as { courseOwners: { id: number }[]; sessionTargets: { id: number }[] };
    expect(mine.courseOwners.map((u) => u.id)).toEqual([env.ids.schoolA]);
    expect(mine.sessionTargets.map((u) => u.id)).toContain(env.ids.classA2);
    expect(mine.sessionTargets.map((u) => u.id)).not.toContain(env.ids.schoolB);
    const byHead = (await head.get('/api/v1/homeschool/units')).json() as { courseOwners: { id: number }[]; sessionTargets: { id: number }[] };
    expect(byHead).toMatchObject({ courseOwners: [], sessionTargets: [{ id: env.ids.classA }] });
    expect((await otherCounselor.get('/api/v1/homeschool/units')).json().sessionTargets.map((u: { id: number }) => u.id)).not.toContain(env.ids.classA);
    expect((await student.get('/api/v1/homeschool/units')).statusCode).toBe(403);
    expect((await parent.get('/api/v1/homeschool/units')).statusCode).toBe(403);
  });

  it('a session dated outside 2020–2100 or a standard for year 1999 is refused in Chinese', async () => {
    const bad = await counselor.post('/api/v1/homeschool/sessions', { clientId: randomUUID(), targetUnitId: env.ids.schoolA, date: '0202-11-25', topic: 'x' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('2020–2100');
    expect((await city.put('/api/v1/homeschool/standard', { year: 1999, credits: 3 })).body).toContain('年份应在');
  });
});
