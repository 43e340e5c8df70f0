// A screening told as its users live it: the city publishes, a school releases, a parent consents,
// a student answers (drafts, a retry, a double submit), warnings reach the counselor, the head
// teacher sees completion and observes, the counselor re-checks, the district signs off.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import { setupTestEnv, type Session, type TestEnv } from '../../test/fixture.js';
import { auditSubmissions } from './answering.js';

let env: TestEnv;
let city: Session;
let leader: Session;
let counselor: Session;
let head: Session;
let student: Session;
let parent: Session;
let otherLeader: Session;
let otherCounselor: Session;
let campaignId: string;

const phq = (values: number[]) => Object.fromEntries(values.map((v, i) => [`phq9_${i + 1}`, String(v)]));
const gad = (values: number[]) => Object.fromEntries(values.map((v, i) => [`gad7_${i + 1}`, String(v)]));
const started = () => new Date(env.clock.now().getTime() - 5 * 60000).toISOString();
const count = async (q: ReturnType<typeof sql>) => (await rows<{ n: number }>(env.deps.db, q))[0]!.n;

const plan = [{ gradeLevels: [7, 8, 9], instruments: [{ key: 'phq-9', version: '1.0.0' }, { key: 'gad-7', version: '1.0.0' }] }];

beforeAll(async () => {
  env = await setupTestEnv();
  city = await env.login('city.admin');
  [leader, counselor, head, student, parent] = await Promise.all([env.login('school.leader'), env.login('counselor'), env.login('head.teacher'), env.login('student'), env.login('parent')]);
  await env.addAccount('leader.b', [{ role: 'school_leader', orgUnitId: env.ids.schoolB }]);
  await env.addAccount('counselor.c', [{ role: 'counselor', orgUnitId: env.ids.schoolC }]);
  otherLeader = await env.login('leader.b');
  otherCounselor = await env.login('counselor.c');
}, 120_000);
afterAll(async () => env?.close());

describe('a campaign from draft to release', () => {
  it('refuses an instrument that does not suit a grade, and names the band', async () => {
    const res = await city.post('/api/v1/screening/campaigns', {
      ownerUnitId: env.ids.cityId,
      title: '2026 年秋季心理健康测评',
      purpose: '了解全市中小学生心理健康状况，及早发现需要帮助的学生。',
      plan: [{ gradeLevels: [5, 7], instruments: [{ key: 'phq-9', version: '1.0.0' }] }],
      window: { start: '2026-11-20', end: '2026-12-10' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields['plan.0.instruments.0']).toContain('5');
  });

  it('the city creates a draft that schools do not see, then publishes it', async () => {
    const res = await city.post('/api/v1/screening/campaigns', {
      ownerUnitId: env.ids.cityId,
      title: '2026 年秋季心理健康测评',
      purpose: '了解全市中小学生心理健康状况，及早发现需要帮助的学生。',
      plan,
      window: { start: '2026-11-20', end: '2026-12-10' },
    });
    expect(res.statusCode, res.body).toBe(200);
    campaignId = res.json().id;
    expect(res.json()).toMatchObject({ status: 'draft', version: 1, can: { edit: true, publish: true, release: false } });
    expect((await leader.get(`/api/v1/screening/campaigns/${campaignId}`)).statusCode).toBe(404);
    expect((await leader.post(`/api/v1/screening/campaigns/${campaignId}/publish`)).statusCode).toBe(404);

    const published = await city.post(`/api/v1/screening/campaigns/${campaignId}/publish`);
    expect(published.json()).toMatchObject({ status: 'published' });
    expect((await city.post(`/api/v1/screening/campaigns/${campaignId}/publish`)).statusCode).toBe(409);
    const seen = await leader.get(`/api/v1/screening/campaigns/${campaignId}`);
    expect(seen.json()).toMatchObject({ status: 'published', can: { edit: false, release: true } });
  });

  it('an edit after publication needs a reason and keeps the old version', async () => {
    const noReason = await city.patch(`/api/v1/screening/campaigns/${campaignId}`, { window: { start: '2026-11-20', end: '2026-12-15' } });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.fields.reason).toBeTruthy();
    const edited = await city.patch(`/api/v1/screening/campaigns/${campaignId}`, { window: { start: '2026-11-20', end: '2026-12-15' }, reason: '部分学校期中考试，延长一周' });
    expect(edited.json()).toMatchObject({ version: 2, window: { end: '2026-12-15' } });
    const versions = (await leader.get(`/api/v1/screening/campaigns/${campaignId}/versions`)).json().items;
    expect(versions).toEqual([expect.objectContaining({ version: 1, reason: '部分学校期中考试，延长一周', changed: ['window'] })]);
    expect((await leader.patch(`/api/v1/screening/campaigns/${campaignId}`, { title: '改名', reason: 'x' })).statusCode).toBe(404);
    // no targets means the owner unit, as at creation: not a change, no new version
    expect((await city.patch(`/api/v1/screening/campaigns/${campaignId}`, { targetUnitIds: [] })).json()).toMatchObject({ version: 2 });
  });

  it('the school releases it to a class once; the head teacher and other schools cannot', async () => {
    expect((await head.post(`/api/v1/screening/campaigns/${campaignId}/releases`, { classIds: [env.ids.classA] })).statusCode).toBe(403);
    expect((await otherLeader.post(`/api/v1/screening/campaigns/${campaignId}/releases`, { classIds: [env.ids.classA] })).statusCode).toBe(404);
    const first = await leader.post(`/api/v1/screening/campaigns/${campaignId}/releases`, { classIds: [env.ids.classA] });
    expect(first.json()).toEqual({ released: 1 });
    expect((await leader.post(`/api/v1/screening/campaigns/${campaignId}/releases`, { classIds: [env.ids.classA] })).json()).toEqual({ released: 0 });
    const list = (await leader.get(`/api/v1/screening/campaigns/${campaignId}/releases?schoolId=${env.ids.schoolA}`)).json().items;
    const a = list.find((r: { classId: number }) => r.classId === env.ids.classA);
    expect(a).toMatchObject({ released: true, inPlan: true, releasedBy: expect.any(String) });
    expect(a.classCode).toMatch(/^[A-Z2-9]{6}$/);
    expect((await otherLeader.get(`/api/v1/screening/campaigns/${campaignId}/releases?schoolId=${env.ids.schoolA}`)).statusCode).toBe(404);
  });
});

describe('a student under 14 answers once a guardian consents', () => {
  it('waits for consent: the task says so and a draft is refused', async () => {
    const tasks = (await student.get('/api/v1/my/screenings')).json().items;
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ campaignId, consent: 'waiting', instruments: [{ key: 'phq-9', status: 'not_started' }, { key: 'gad-7', status: 'not_started' }] });
    const draft = await student.put(`/api/v1/my/screenings/${campaignId}/phq-9/draft`, { answers: phq([1]), startedAt: started() });
    expect(draft.statusCode).toBe(409);
    expect(draft.json().error.code).toBe('consent_required');
  });

  it('the parent consents in their account for their own child only', async () => {
    const requests = (await parent.get('/api/v1/my/consents')).json().items;
    expect(requests).toEqual([expect.objectContaining({ campaignId, studentId: env.ids.studentSelf, decision: null })]);
    expect((await parent.post(`/api/v1/my/consents/${campaignId}`, { studentId: env.ids.classmate, decision: 'granted' })).statusCode).toBe(404);
    expect((await parent.post(`/api/v1/my/consents/${campaignId}`, { studentId: env.ids.studentSelf, decision: 'granted' })).statusCode).toBe(200);
    const consents = (await head.get(`/api/v1/screening/campaigns/${campaignId}/consents?classId=${env.ids.classA}`)).json().items;
    expect(consents.find((c: { studentId: string }) => c.studentId === env.ids.studentSelf)).toMatchObject({ needsConsent: true, decision: 'granted', method: 'parent_account' });
  });

  it('the sheet carries text and options, never a score; drafts resume', async () => {
    const sheet = (await student.get(`/api/v1/my/screenings/${campaignId}/phq-9`)).json();
    expect(sheet.items[0].options[0]).toEqual({ value: '0', label: '完全不会' });
    expect(JSON.stringify(sheet)).not.toMatch(/"score"|"bands"|"critical"/);
    // item 10 is asked when any of items 1–9 scores above 0: the page gets the option values that do
    const item10 = sheet.items.find((i: { id: string }) => i.id === 'phq9_10');
    expect(item10.enableWhen[0]).toEqual({ item: 'phq9_1', operator: 'in', values: ['1', '2', '3'] });
    const bad = await student.put(`/api/v1/my/screenings/${campaignId}/phq-9/draft`, { answers: { phq9_1: '7' }, startedAt: started() });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields['answers.phq9_1']).toBeTruthy();
    expect((await student.put(`/api/v1/my/screenings/${campaignId}/phq-9/draft`, { answers: phq([1, 2, 0]), startedAt: started() })).statusCode).toBe(200);
    const resumed = (await student.get(`/api/v1/my/screenings/${campaignId}/phq-9`)).json();
    expect(resumed).toMatchObject({ status: 'in_progress', answers: phq([1, 2, 0]) });
  });

  it('an incomplete submit names the missing items and stores nothing', async () => {
    const res = await student.post(`/api/v1/my/screenings/${campaignId}/phq-9/submit`, { clientId: randomUUID(), answers: phq([1, 2, 0]), startedAt: started() });
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json().error.fields)).toContain('answers.phq9_9');
    expect(await count(sql`select count(*)::int as n from screening_responses where status = 'submitted'`)).toBe(0);
  });

  it('a double submit stores one response; a critical item raises a red warning and tells the counselor and leader', async () => {
    const clientId = randomUUID();
    const body = { clientId, answers: { ...phq([1, 1, 0, 1, 0, 0, 0, 0, 1]), phq9_10: 'somewhat' }, startedAt: started() };
    const [a, b] = await Promise.all([student.post(`/api/v1/my/screenings/${campaignId}/phq-9/submit`, body), student.post(`/api/v1/my/screenings/${campaignId}/phq-9/submit`, body)]);
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    expect([a.json().duplicate, b.json().duplicate].sort()).toEqual([false, true]);
    expect(JSON.stringify(a.json())).not.toMatch(/red|score|level/);
    const retry = await student.post(`/api/v1/my/screenings/${campaignId}/phq-9/submit`, body);
    expect(retry.json()).toMatchObject({ duplicate: true });
    const other = await student.post(`/api/v1/my/screenings/${campaignId}/phq-9/submit`, { ...body, clientId: randomUUID() });
    expect(other.statusCode).toBe(409);
    expect(await count(sql`select count(*)::int as n from screening_responses where status = 'submitted'`)).toBe(1);
    expect(await count(sql`select count(*)::int as n from alerts where level = 'red' and critical = 1`)).toBe(1);
    // raised with the response, not queued for the job (warning-queue.test.ts)
    expect(await count(sql`select count(*)::int as n from screening_warning_queue`)).toBe(0);

    const inbox = async (s: Session) => (await s.get('/api/v1/notifications')).json().items.filter((n: { kind: string }) => n.kind === 'screening.critical');
    expect(await inbox(counselor)).toHaveLength(1);
    expect(await inbox(leader)).toHaveLength(1);
    expect(await inbox(head)).toHaveLength(0);
    expect(await inbox(otherCounselor)).toHaveLength(0);
  });

  it('the second instrument completes the student (time taken rounds to whole seconds); the sheet no longer shows answers', async () => {
    const phqClientId = (await rows<{ client_id: string }>(env.deps.db, sql`select client_id from screening_responses where instrument_key = 'phq-9'`))[0]!.client_id;
    const reused = await student.post(`/api/v1/my/screenings/${campaignId}/gad-7/submit`, { clientId: phqClientId, answers: gad([0, 0, 1, 0, 0, 0, 0]), startedAt: started() });
    expect(reused.statusCode).toBe(409);
    expect(reused.json().error.code).toBe('client_id_reused');
    const fractional = new Date(env.clock.now().getTime() - 245_678).toISOString();
    const res = await student.post(`/api/v1/my/screenings/${campaignId}/gad-7/submit`, { clientId: randomUUID(), answers: gad([0, 0, 1, 0, 0, 0, 0]), startedAt: fractional });
    expect(res.statusCode, res.body).toBe(200);
    const tasks = (await student.get('/api/v1/my/screenings')).json().items;
    expect(tasks[0].instruments.map((i: { status: string }) => i.status)).toEqual(['submitted', 'submitted']);
    expect((await student.get(`/api/v1/my/screenings/${campaignId}/phq-9`)).json()).toMatchObject({ status: 'submitted', answers: {} });
    expect((await rows<{ d: number }>(env.deps.db, sql`select duration_seconds as d from screening_responses where instrument_key = 'gad-7'`))[0]!.d).toBe(246);
  });

  it('every submission is audited exactly once, off the hot path', async () => {
    expect(await count(sql`select count(*)::int as n from audit_log where action = 'screening.submit'`)).toBe(0);
    expect(await count(sql`select count(*)::int as n from screening_audit_queue`)).toBe(2);
    expect(await env.deps.db.transaction((tx) => auditSubmissions(env.deps, tx))).toBe(2);
    expect(await env.deps.db.transaction((tx) => auditSubmissions(env.deps, tx))).toBe(0);
    expect(await count(sql`select count(*)::int as n from screening_audit_queue`)).toBe(0);
    expect(await count(sql`select count(*)::int as n from audit_log a join screening_responses r on r.id::text = a.detail->>'responseId'
      join accounts acc on acc.student_id = r.student_id
      where a.action = 'screening.submit' and a.object_id = r.student_id::text and a.actor_id = acc.id::text and r.status = 'submitted'`)).toBe(2);
  });
});

describe('who sees what afterwards', () => {
  it('the head teacher sees completion and names, never a score', async () => {
    const done = (await head.get(`/api/v1/screening/campaigns/${campaignId}/completion?unitId=${env.ids.classA}`)).json();
    expect(done.unit).toMatchObject({ unitId: env.ids.classA, completed: 1, released: done.unit.students });
    const pending = (await head.get(`/api/v1/screening/campaigns/${campaignId}/pending?unitId=${env.ids.classA}`)).json().items;
    expect(pending.length).toBe(done.unit.students - 1);
    expect(pending.map((p: { studentId: string }) => p.studentId)).not.toContain(env.ids.studentSelf);
    expect(new Set(pending.map((p: { state: string }) => p.state))).toEqual(new Set(['waiting_consent']));
    expect((await head.get(`/api/v1/screening/campaigns/${campaignId}/results`)).statusCode).toBe(403);
    // the warning reaches the class's head teacher, without the screening's scores or bands
    const seen = (await head.get(`/api/v1/alerts?source=screening`)).json().items;
    expect(seen.length).toBeGreaterThan(0);
    for (const a of seen) {
      expect(a.evidence).toEqual({ summary: expect.stringContaining('心理测评') });
      const detail = (await head.get(`/api/v1/alerts/${a.id}`)).json();
      expect(JSON.stringify(detail.signals)).not.toMatch(/"raw"|"band"|"scales"|"criticalItems"/);
    }
    const followUps = (await head.get(`/api/v1/screening/campaigns/${campaignId}/follow-ups?classId=${env.ids.classA}`)).json().items;
    expect(followUps).toEqual([expect.objectContaining({ studentId: env.ids.studentSelf, initialLevel: null, status: 'awaiting_observation' })]);
    // the head teacher of another class sees no names of this one
    expect((await head.get(`/api/v1/screening/campaigns/${campaignId}/pending?unitId=${env.ids.classA2}`)).statusCode).toBe(404);
  });

  it('the counselor sees the result and the red warning; another school sees nothing', async () => {
    const results = (await counselor.get(`/api/v1/screening/campaigns/${campaignId}/results?level=red`)).json();
    expect(results.total).toBe(1);
    expect(results.items[0]).toMatchObject({ studentId: env.ids.studentSelf, warningLevel: 'red', valid: true, critical: [{ itemId: 'phq9_9', level: 'red' }] });
    const detail = await counselor.get(`/api/v1/screening/responses/${results.items[0].responseId}`);
    expect(detail.json().answers[8]).toMatchObject({ itemId: 'phq9_9', answer: '好几天' });
    expect(await count(sql`select count(*)::int as n from audit_log where action = 'screening.response.read'`)).toBe(1);
    const alerts = (await counselor.get('/api/v1/alerts')).json();
    expect(alerts.items).toEqual([expect.objectContaining({ studentId: env.ids.studentSelf, level: 'red', critical: true, source: 'screening' })]);

    expect((await otherCounselor.get(`/api/v1/screening/responses/${results.items[0].responseId}`)).statusCode).toBe(404);
    expect((await otherCounselor.get(`/api/v1/alerts/${alerts.items[0].id}`)).statusCode).toBe(404);
    expect((await otherCounselor.get('/api/v1/alerts')).json().total).toBe(0);
    expect((await otherLeader.get(`/api/v1/screening/campaigns/${campaignId}/results?unitId=${env.ids.schoolA}`)).statusCode).toBe(404);
    expect((await otherLeader.get(`/api/v1/students/${env.ids.studentSelf}/screening`)).statusCode).toBe(404);
    expect((await student.get(`/api/v1/screening/responses/${results.items[0].responseId}`)).statusCode).toBe(403);
    expect((await parent.get(`/api/v1/alerts`)).statusCode).toBe(403);
  });

  it('re-check: observation, interview and decision; the district signs off only when all are decided', async () => {
    const [f] = (await counselor.get(`/api/v1/screening/campaigns/${campaignId}/follow-ups?schoolId=${env.ids.schoolA}`)).json().items;
    expect(f).toMatchObject({ initialLevel: 'red', status: 'awaiting_observation' });
    const district = await env.login('district.admin');
    expect((await district.post(`/api/v1/screening/campaigns/${campaignId}/sign-offs`, { schoolId: env.ids.schoolA })).statusCode).toBe(409);

    expect((await head.post(`/api/v1/screening/follow-ups/${f.id}/observation`, { observation: '近两周上课走神，午饭常一个人吃。' })).statusCode).toBe(200);
    const mismatch = await counselor.post(`/api/v1/screening/follow-ups/${f.id}/interview`, { interview: '个别访谈四十分钟，学生谈到考试压力和睡眠问题。', interviewDate: '2026-11-25', decision: 'lower', finalLevel: 'red', reason: '无' });
    expect(mismatch.statusCode).toBe(400);
    expect((await head.post(`/api/v1/screening/follow-ups/${f.id}/interview`, { interview: '个别访谈四十分钟，学生谈到考试压力和睡眠问题。', interviewDate: '2026-11-25', decision: 'confirm', finalLevel: 'red', reason: '有' })).statusCode).toBe(403);
    const ok = await counselor.post(`/api/v1/screening/follow-ups/${f.id}/interview`, { interview: '个别访谈四十分钟，学生谈到考试压力和睡眠问题，否认近期有具体计划。', interviewDate: '2026-11-25', decision: 'lower', finalLevel: 'orange', reason: '无具体计划，有支持资源' });
    expect(ok.statusCode, ok.body).toBe(200);
    const after = (await counselor.get(`/api/v1/screening/campaigns/${campaignId}/follow-ups?schoolId=${env.ids.schoolA}`)).json().items[0];
    expect(after).toMatchObject({ status: 'decided', finalLevel: 'orange', decision: 'lower', observation: '近两周上课走神，午饭常一个人吃。' });

    const schools = (await district.get(`/api/v1/screening/campaigns/${campaignId}/sign-offs`)).json().items;
    expect(schools.find((s: { schoolId: number }) => s.schoolId === env.ids.schoolA)).toMatchObject({ flagged: 1, decided: 1, signedAt: null });
    expect((await district.post(`/api/v1/screening/campaigns/${campaignId}/sign-offs`, { schoolId: env.ids.schoolA, note: '复检规范' })).statusCode).toBe(200);
    expect((await district.post(`/api/v1/screening/campaigns/${campaignId}/sign-offs`, { schoolId: env.ids.schoolA })).statusCode).toBe(200);
    expect(await count(sql`select count(*)::int as n from audit_log where action = 'screening.signoff'`)).toBe(1);
    expect((await counselor.post(`/api/v1/screening/follow-ups/${f.id}/interview`, { interview: '再次访谈，情况稳定，继续关注。', interviewDate: '2026-11-25', decision: 'lower', finalLevel: 'yellow', reason: '好转' })).statusCode).toBe(409);
    expect((await district.post(`/api/v1/screening/campaigns/${campaignId}/sign-offs`, { schoolId: env.ids.schoolC })).statusCode).toBe(404);
  });

  it('a campaign for one class lists its school for sign-off', async () => {
    const made = await leader.post('/api/v1/screening/campaigns', {
      ownerUnitId: env.ids.schoolA,
      targetUnitIds: [env.ids.classA],
      title: '七年级1班 情绪测评',
      purpose: '了解七年级1班学生近期的情绪状况，及早发现需要帮助的学生。',
      plan,
      window: { start: '2026-11-20', end: '2026-12-10' },
    });
    expect(made.statusCode, made.body).toBe(200);
    const district = await env.login('district.admin');
    const schools = (await district.get(`/api/v1/screening/campaigns/${made.json().id}/sign-offs`)).json().items;
    expect(schools.map((s: { schoolId: number }) => s.schoolId)).toEqual([env.ids.schoolA]);
  });

  it('reports: the school sees its own small counts, the district sees them suppressed', async () => {
    const own = (await leader.get(`/api/v1/screening/campaigns/${campaignId}/report?unitId=${env.ids.schoolA}`)).json();
    expect(own).toMatchObject({ suppressed: false, participation: { completed: 1 }, levels: { orange: 1, red: 0 } });
    const district = await env.login('district.admin');
    const outside = (await district.get(`/api/v1/screening/campaigns/${campaignId}/report?unitId=${env.ids.schoolA}`)).json();
    expect(outside).toMatchObject({ suppressed: true, participation: { completed: 1 }, levels: { orange: null } });
    expect(outside.byGender.every((g: { total: number | null }) => g.total === null || g.total >= 5 || g.total === 0)).toBe(true);
    expect((await district.get(`/api/v1/screening/campaigns/${campaignId}/report?unitId=${env.ids.schoolC}`)).statusCode).toBe(404);
  });

  it('the report exports to .xlsx with the same suppression', async () => {
    const ExcelJS = (await import('../../lib/exceljs.js')).default;
    const cellsOf = async (s: Session) => {
      const res = await s.get(`/api/v1/screening/campaigns/${campaignId}/report.xlsx?unitId=${env.ids.schoolA}`);
      expect(res.statusCode).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
      const rows: unknown[][] = [];
      wb.getWorksheet('概况')!.eachRow((r) => rows.push((r.values as unknown[]).slice(1)));
      return rows;
    };
    expect(await cellsOf(leader)).toContainEqual(['橙色（中度）', 1]);
    const outside = await cellsOf(await env.login('district.admin'));
    expect(outside).toContainEqual(['橙色（中度）', '*']);
    expect(outside.flat().join(' ')).toContain('少于 5');
  });
});

describe('shared computer-room PCs', () => {
  it('a student signs in with the class code, 学籍号 and name; a wrong name is refused', async () => {
    const list = (await leader.get(`/api/v1/screening/campaigns/${campaignId}/releases?schoolId=${env.ids.schoolA}`)).json().items;
    const code = list.find((r: { classId: number }) => r.classId === env.ids.classA).classCode as string;
    const s = (await rows<{ student_no: string; name: string }>(env.deps.db, sql`select student_no, name from students where id = ${env.ids.classmate}`))[0]!;
    const wrong = await env.app.inject({ method: 'POST', url: '/api/v1/auth/class-code', payload: { classCode: code, studentNo: s.student_no, name: '不是我' } });
    expect(wrong.statusCode).toBe(401);
    const otherClass = await env.app.inject({ method: 'POST', url: '/api/v1/auth/class-code', payload: { classCode: code, studentNo: (await rows<{ student_no: string }>(env.deps.db, sql`select student_no from students where id = ${env.ids.otherClassStudent}`))[0]!.student_no, name: 'x' } });
    expect(otherClass.statusCode).toBe(401);
    const res = await env.app.inject({ method: 'POST', url: '/api/v1/auth/class-code', payload: { classCode: code.toLowerCase(), studentNo: s.student_no, name: s.name } });
    expect(res.statusCode, res.body).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'xinyu_sid')!;
    const me = await env.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: `xinyu_sid=${cookie.value}` } });
    expect(me.json().account.roles ?? me.json().roles).toBeTruthy();
    const tasks = await env.app.inject({ method: 'GET', url: '/api/v1/my/screenings', headers: { cookie: `xinyu_sid=${cookie.value}` } });
    expect(tasks.json().items[0]).toMatchObject({ campaignId });
    // a second sign-in reuses the account
    await env.app.inject({ method: 'POST', url: '/api/v1/auth/class-code', payload: { classCode: code, studentNo: s.student_no, name: s.name } });
    expect(await count(sql`select count(*)::int as n from accounts where student_id = ${env.ids.classmate}`)).toBe(1);
  });
});
