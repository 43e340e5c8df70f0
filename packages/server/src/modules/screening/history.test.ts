// A school's own campaign, and a student's screening history following them to another school.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import { sealerFor } from '../../lib/sealed.js';
import { setupTestEnv, type Session, type TestEnv } from '../../test/fixture.js';
import { openAnswers } from './sealing.js';

let env: TestEnv;
let counselor: Session;
let counselorB: Session;
let campaignId: string;

beforeAll(async () => {
  env = await setupTestEnv();
  await env.addAccount('counselor.b', [{ role: 'counselor', orgUnitId: env.ids.schoolB }]);
  counselor = await env.login('counselor');
  counselorB = await env.login('counselor.b');
}, 120_000);
afterAll(async () => env?.close());

describe('a school runs its own campaign', () => {
  it('the counselor creates one for their school only, and it stays inside the school', async () => {
    const body = {
      title: '七年级适应性测评',
      purpose: '了解七年级新生入学后的适应情况。',
      plan: [{ gradeLevels: [7], instruments: [{ key: 'gad-7', version: '1.0.0' }] }],
      window: { start: '2026-11-24', end: '2026-12-04' },
    };
    expect((await counselor.post('/api/v1/screening/campaigns', { ...body, ownerUnitId: env.ids.districtA })).statusCode).toBe(404);
    expect((await counselor.post('/api/v1/screening/campaigns', { ...body, ownerUnitId: env.ids.schoolA, targetUnitIds: [env.ids.schoolB] })).statusCode).toBe(400);
    const created = await counselor.post('/api/v1/screening/campaigns', { ...body, ownerUnitId: env.ids.schoolA, targetUnitIds: [env.ids.classA] });
    expect(created.statusCode, created.body).toBe(200);
    campaignId = created.json().id;
    expect((await counselor.post(`/api/v1/screening/campaigns/${campaignId}/publish`)).json().status).toBe('published');
    // another school, and the district admin of another district, do not see it
    expect((await counselorB.get('/api/v1/screening/campaigns')).json().items).toEqual([]);
    expect((await counselor.post(`/api/v1/screening/campaigns/${campaignId}/releases`, { classIds: [env.ids.classA2] })).statusCode).toBe(400);
    expect((await counselor.post(`/api/v1/screening/campaigns/${campaignId}/releases`, { classIds: [env.ids.classA] })).json()).toEqual({ released: 1 });
    // consent is only asked of students the campaign covers
    const outside = await counselor.post(`/api/v1/screening/campaigns/${campaignId}/consents`, { studentId: env.ids.otherClassStudent, decision: 'granted', guardianName: '家长', formDate: '2026-11-24' });
    expect(outside.statusCode).toBe(400);
    expect((await counselor.get(`/api/v1/screening/campaigns/${campaignId}/consents?classId=${env.ids.classA2}`)).json().items).toEqual([]);
    // sending no targets again is not a change (no version, no reason asked)
    const same = await counselor.patch(`/api/v1/screening/campaigns/${campaignId}`, { targetUnitIds: [env.ids.classA] });
    expect(same.json()).toMatchObject({ version: 1 });
  });
});

describe('a screening history follows the student', () => {
  it('after a transfer, the new school sees it and the old one no longer does', async () => {
    // the committee member (a student of class A, over 14? consent recorded on paper either way) answers
    await counselor.post(`/api/v1/screening/campaigns/${campaignId}/consents`, { studentId: env.ids.committeeStudent, decision: 'granted', guardianName: '家长', formDate: '2026-11-24' });
    const committee = await env.login('committee');
    const answers = Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((i) => [`gad7_${i}`, '2']));
    const res = await committee.post(`/api/v1/my/screenings/${campaignId}/gad-7/submit`, { clientId: randomUUID(), answers, startedAt: new Date(env.clock.now().getTime() - 300000).toISOString() });
    expect(res.statusCode, res.body).toBe(200);
    const history = async (s: Session) => s.get(`/api/v1/students/${env.ids.committeeStudent}/screening`);
    expect((await history(counselor)).json().items).toHaveLength(1);
    expect((await history(counselorB)).statusCode).toBe(404);

    const city = await env.login('city.admin');
    const moved = await city.post(`/api/v1/students/${env.ids.committeeStudent}/move`, { classId: env.ids.classB, reason: '转学' });
    expect(moved.statusCode, moved.body).toBe(200);
    expect((await history(counselor)).statusCode).toBe(404);
    const after = (await history(counselorB)).json().items;
    expect(after).toEqual([expect.objectContaining({ campaignTitle: '七年级适应性测评', warningLevel: 'yellow', instrument: expect.objectContaining({ key: 'gad-7' }) })]);
    // the school where it was answered is kept on the response
    expect((await rows<{ school_id: number }>(env.deps.db, sql`select school_id from screening_responses where student_id = ${env.ids.committeeStudent}`))[0]!.school_id).toBe(env.ids.schoolA);
  });
});

describe('answers to skipped items', () => {
  it('are not kept: item 10 of PHQ-9 is only asked when an item scored above 0', async () => {
    const created = await counselor.post('/api/v1/screening/campaigns', {
      ownerUnitId: env.ids.schoolA,
      title: '跳题测试',
      purpose: '检查被跳过的题目不会保存答案。',
      plan: [{ gradeLevels: [7], instruments: [{ key: 'phq-9', version: '1.0.0' }] }],
      targetUnitIds: [env.ids.classA],
      window: { start: '2026-11-24', end: '2026-12-04' },
    });
    const id = created.json().id as string;
    await counselor.post(`/api/v1/screening/campaigns/${id}/publish`);
    await counselor.post(`/api/v1/screening/campaigns/${id}/releases`, { classIds: [env.ids.classA] });
    await counselor.post(`/api/v1/screening/campaigns/${id}/consents`, { studentId: env.ids.studentSelf, decision: 'granted', guardianName: '家长', formDate: '2026-11-24' });
    const student = await env.login('student');
    const zeros = Object.fromEntries([1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => [`phq9_${i}`, '0']));
    const res = await student.post(`/api/v1/my/screenings/${id}/phq-9/submit`, { clientId: randomUUID(), answers: { ...zeros, phq9_10: 'very' }, startedAt: new Date(env.clock.now().getTime() - 120000).toISOString() });
    expect(res.statusCode, res.body).toBe(200);
    const stored = (await rows<{ answers: string }>(env.deps.db, sql`select answers from screening_responses where campaign_id = ${id}`))[0]!.answers;
    // sealed in the database (sealing.ts)
    expect(openAnswers(sealerFor(env.deps.config), { campaignId: id, studentId: env.ids.studentSelf, instrumentKey: 'phq-9' }, stored)).toEqual(zeros);
  });
});
