// Return to school (愈后复学): a plan from a referral's feedback or directly, weekly follow-ups,
// one active plan per student, closure; readable in scope only, managed by crisis.manage.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import { setupTestEnv, type Session, type TestEnv } from '../../test/fixture.js';

let env: TestEnv;
let counselor: Session;
let head: Session;
let otherCounselor: Session;
let clinician: Session;
let referralId: string;
let planId: string;

const plan = (over: Record<string, unknown> = {}) => ({
  studentId: env.ids.studentSelf,
  certificate: { number: 'JW-2026-118', date: '2026-11-24', text: '可返校，两周复诊' },
  assessment: { date: '2026-11-25', by: '心理教师 张老师', findings: '情绪平稳，睡眠恢复，愿意返校', ready: true },
  adjustments: { class: '原班', exams: '期中考试缓考', workload: '作业减半两周', careTeacher: '班主任每日关注', counseling: '每周一次' },
  returnDate: '2026-12-01',
  followUpWeeks: 4,
  clientId: randomUUID(),
  ...over,
});

beforeAll(async () => {
  env = await setupTestEnv();
  await env.addAccount('counselor.other', [{ role: 'counselor', orgUnitId: env.ids.schoolB }]);
  [counselor, head, otherCounselor, clinician] = await Promise.all([env.login('counselor'), env.login('head.teacher'), env.login('counselor.other'), env.login('clinician')]);
  const inst = ((await counselor.get('/api/v1/institutions')).json().items as { id: string; name: string }[]).find((i) => i.name === '临江市精神卫生中心')!.id;
  const sent = await counselor.post('/api/v1/referrals', { studentId: env.ids.studentSelf, institutionId: inst, severity: 'moderate', reason: '持续失眠、情绪低落', consent: { guardianName: '王芳', relation: '母亲', method: 'phone', at: '2026-11-24T08:00:00+08:00' }, clientId: randomUUID() });
  expect(sent.statusCode, sent.body).toBe(200);
  referralId = sent.json().id;
}, 120_000);
afterAll(async () => env?.close());

describe('return plans', () => {
  it('cannot be built from a referral before its feedback', async () => {
    expect((await counselor.post('/api/v1/returns', plan({ referralId }))).statusCode).toBe(409);
  });

  it('is built from the feedback with weekly follow-ups, once for a retry, and tells the guardians', async () => {
    await clinician.post(`/api/v1/clinic/referrals/${referralId}/accept`);
    await clinician.post(`/api/v1/clinic/referrals/${referralId}/seen`, {});
    expect((await clinician.post(`/api/v1/clinic/referrals/${referralId}/feedback`, { advice: '门诊随访', mayReturn: true, returnFrom: '2026-12-01', followUpDays: 14 })).statusCode).toBe(200);
    const body = plan({ referralId });
    const [a, b] = await Promise.all([counselor.post('/api/v1/returns', body), counselor.post('/api/v1/returns', body)]);
    expect(a.statusCode, a.body).toBe(200);
    expect(b.statusCode, b.body).toBe(200);
    expect(b.json().id).toBe(a.json().id);
    const p = a.json();
    planId = p.id;
    expect(p).toMatchObject({ status: 'active', referralId, returnDate: '2026-12-01', followUpWeeks: 4, done: 0, nextDue: '2026-12-08', can: { manage: true } });
    expect(p.followUps.map((f: { seq: number; dueDate: string }) => [f.seq, f.dueDate])).toEqual([[1, '2026-12-08'], [2, '2026-12-15'], [3, '2026-12-22'], [4, '2026-12-29']]);
    expect((await rows<{ n: number }>(env.deps.db, sql`select count(*)::int as n from return_plans where student_id = ${env.ids.studentSelf}`))[0]!.n).toBe(1);
    const notice = await rows<{ body: string }>(env.deps.db, sql`select body from guardian_notices where object_id = ${planId}`);
    expect(notice).toHaveLength(1);
    expect(notice[0]!.body).not.toMatch(/失眠|情绪/);
    const ref = (await counselor.get(`/api/v1/referrals/${referralId}`)).json();
    expect(ref.returnPlanId).toBe(planId);
    expect(ref.can.returnPlan).toBe(false);
  });

  it('one active plan per student; bad input changes nothing', async () => {
    const dup = await counselor.post('/api/v1/returns', plan());
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.message).toContain('进行中的复学计划');
    expect((await counselor.post('/api/v1/returns', plan({ studentId: env.ids.classmate, followUpWeeks: 0 }))).statusCode).toBe(400);
    expect((await counselor.post('/api/v1/returns', plan({ studentId: env.ids.classmate, assessment: { date: '2026-12-30', by: 'x', findings: 'y', ready: true } }))).statusCode).toBe(400);
    expect((await rows<{ n: number }>(env.deps.db, sql`select count(*)::int as n from return_plans where student_id = ${env.ids.classmate}`))[0]!.n).toBe(0);
  });

  it('is read in scope only: the head teacher reads, another school and the clinician do not', async () => {
    const h = await head.get(`/api/v1/returns/${planId}`);
    expect(h.statusCode).toBe(200);
    expect(h.json().can.manage).toBe(false);
    expect((await head.post(`/api/v1/returns/${planId}/follow-ups/1`, { note: '状态良好' })).statusCode).toBe(403);
    expect((await otherCounselor.get(`/api/v1/returns/${planId}`)).statusCode).toBe(404);
    expect((await otherCounselor.get('/api/v1/returns')).json().items).toEqual([]);
    expect((await otherCounselor.post(`/api/v1/returns/${planId}/follow-ups/1`, { note: 'x' })).statusCode).toBe(404);
    expect((await otherCounselor.post('/api/v1/returns', plan({ studentId: env.ids.classmate }))).statusCode).toBe(404);
    expect((await clinician.get(`/api/v1/returns/${planId}`)).statusCode).toBe(403);
    expect((await counselor.get(`/api/v1/returns?studentId=${env.ids.studentSelf}`)).json().items.map((p: { id: string }) => p.id)).toEqual([planId]);
  });

  it('follow-ups are done with a note (a retry changes nothing), then the plan is closed', async () => {
    expect((await counselor.post(`/api/v1/returns/${planId}/follow-ups/1`, { note: '' })).statusCode).toBe(400);
    const done = await counselor.post(`/api/v1/returns/${planId}/follow-ups/1`, { note: '上课专注，与同学相处正常' });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ done: 1, nextDue: '2026-12-15' });
    const again = await counselor.post(`/api/v1/returns/${planId}/follow-ups/1`, { note: '另一条' });
    expect(again.json().followUps[0]).toMatchObject({ note: '上课专注，与同学相处正常', doneByName: expect.any(String) });
    expect((await counselor.post(`/api/v1/returns/${planId}/follow-ups/9`, { note: 'x' })).statusCode).toBe(404);
    const closed = await counselor.post(`/api/v1/returns/${planId}/close`, { note: '四周跟踪结束，适应良好' });
    expect(closed.json()).toMatchObject({ status: 'closed', closureNote: '四周跟踪结束，适应良好', nextDue: null, can: { manage: false } });
    expect((await counselor.post(`/api/v1/returns/${planId}/follow-ups/2`, { note: 'x' })).statusCode).toBe(409);
    expect((await counselor.post(`/api/v1/returns/${planId}/close`, { note: 'x' })).statusCode).toBe(409);
    const audit = await rows<{ action: string }>(env.deps.db, sql`select action from audit_log where action like 'return.%' and detail->>'planId' = ${planId} order by seq`);
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['return.create', 'return.follow_up', 'return.close', 'return.read']));
    // after closure a new plan may be made directly (a student back from treatment elsewhere)
    const direct = await counselor.post('/api/v1/returns', plan({ certificate: null }));
    expect(direct.statusCode, direct.body).toBe(200);
    expect(direct.json().referralId).toBeNull();
  });
});
