// Case conferences: 专家会诊 on a case, 跨校会商 on a case or standing alone for a school; who may
// record and read them (the case's readers; a standalone one: the school's crisis staff).
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import { setupTestEnv, type Session, type TestEnv } from '../../test/fixture.js';

let env: TestEnv;
let counselor: Session;
let head: Session;
let counselorB: Session;
let headOther: Session;
let parent: Session;
let caseId: string;
const one = async <T>(q: ReturnType<typeof sql>) => (await rows<T>(env.deps.db, q))[0]!;
const participants = [{ name: '李医生', organisation: '临江市精神卫生中心', role: '精神科医师' }, { name: '张老师', organisation: '江城区实验中学', role: '心理教师' }];

beforeAll(async () => {
  env = await setupTestEnv();
  await env.addAccount('counselor.other', [{ role: 'counselor', orgUnitId: env.ids.schoolB }]);
  const otherClass = await one<{ class_id: number }>(sql`select class_id from students where id = ${env.ids.otherClassStudent}`);
  await env.addAccount('head.other', [{ role: 'head_teacher', orgUnitId: otherClass.class_id }]);
  const signedIn = await Promise.all(['counselor', 'head.teacher', 'counselor.other', 'head.other', 'parent'].map((u) => env.login(u)));
  counselor = signedIn[0]!; head = signedIn[1]!; counselorB = signedIn[2]!; headOther = signedIn[3]!; parent = signedIn[4]!;
  const res = await counselor.post('/api/v1/crisis/cases', { studentId: env.ids.studentSelf, riskLevel: 'high', summary: '自述近两周失眠、不想上学', clientId: randomUUID() });
  expect(res.statusCode, res.body).toBe(200);
  caseId = res.json().id;
}, 120_000);
afterAll(async () => env?.close());

describe('case conferences', () => {
  it('an expert consultation on a case: recorded once, listed on the case and on the timeline', async () => {
    const clientId = randomUUID();
    const body = { kind: 'expert', caseId, heldAt: env.clock.now().toISOString(), participants, minutes: '介绍个案情况，医生询问睡眠与饮食', decisions: '建议一周内到医院门诊评估', clientId };
    const res = await counselor.post('/api/v1/crisis/conferences', body);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ kind: 'expert', caseId, participants, studentName: expect.any(String) });
    expect((await counselor.post('/api/v1/crisis/conferences', body)).json().id).toBe(res.json().id);
    expect((await one<{ n: number }>(sql`select count(*)::int as n from case_conferences where case_id = ${caseId}`)).n).toBe(1);
    const d = (await head.get(`/api/v1/crisis/cases/${caseId}`)).json();
    expect(d.conferences.map((c: { id: string }) => c.id)).toEqual([res.json().id]);
    expect(d.events[0]).toMatchObject({ kind: 'conference', detail: { kind: 'expert' } });
    expect((await head.get(`/api/v1/crisis/conferences?caseId=${caseId}`)).json().items).toHaveLength(1);
    expect((await head.get(`/api/v1/crisis/conferences/${res.json().id}`)).statusCode).toBe(200);
    expect((await one<{ n: number }>(sql`select count(*)::int as n from audit_log where action = 'crisis.conference.record'`)).n).toBe(1);
    // minutes and decisions sealed at rest, answered in plain by the case, the list and the conference
    const stored = await one<{ minutes: string; decisions: string }>(sql`select minutes, decisions from case_conferences where id = ${res.json().id}`);
    expect(stored.minutes).toMatch(/^v1\./);
    expect(stored.decisions).toMatch(/^v1\./);
    expect(`${stored.minutes} ${stored.decisions}`).not.toContain('睡眠');
    expect(d.conferences[0]).toMatchObject({ minutes: body.minutes, decisions: body.decisions });
    expect((await head.get(`/api/v1/crisis/conferences/${res.json().id}`)).json()).toMatchObject({ minutes: body.minutes, decisions: body.decisions });
  });

  it('bad input is refused with clear messages and nothing stored', async () => {
    const none = await counselor.post('/api/v1/crisis/conferences', { kind: 'expert', heldAt: env.clock.now().toISOString(), participants, minutes: 'x', decisions: 'y', clientId: randomUUID() });
    expect(none.statusCode).toBe(400);
    expect(none.json().error.fields.caseId).toContain('专家会诊须关联个案');
    const empty = await counselor.post('/api/v1/crisis/conferences', { kind: 'expert', caseId, heldAt: env.clock.now().toISOString(), participants: [], minutes: '', decisions: '', clientId: randomUUID() });
    expect(empty.statusCode).toBe(400);
    expect((await one<{ n: number }>(sql`select count(*)::int as n from case_conferences`)).n).toBe(1);
  });

  it('a cross-school conference may stand alone for the school: the school reads it, another school and a head teacher do not', async () => {
    const res = await counselor.post('/api/v1/crisis/conferences', { kind: 'cross_school', schoolId: env.ids.schoolA, heldAt: env.clock.now().toISOString(), participants, minutes: '两校交流寄宿生心理危机干预经验', decisions: '每学期会商一次', clientId: randomUUID() });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ caseId: null, studentName: null, schoolId: env.ids.schoolA });
    expect((await counselor.get('/api/v1/crisis/conferences')).json().items.map((c: { id: string }) => c.id)).toContain(res.json().id);
    expect((await counselorB.get('/api/v1/crisis/conferences')).json().items).toHaveLength(0);
    expect((await counselorB.get(`/api/v1/crisis/conferences/${res.json().id}`)).statusCode).toBe(404);
    expect((await head.get(`/api/v1/crisis/conferences/${res.json().id}`)).statusCode).toBe(404);
    // another school's counselor cannot record one for this school, nor on this school's case
    expect((await counselorB.post('/api/v1/crisis/conferences', { kind: 'cross_school', schoolId: env.ids.schoolA, heldAt: env.clock.now().toISOString(), participants, minutes: 'x', decisions: 'y', clientId: randomUUID() })).statusCode).toBe(404);
    expect((await counselorB.post('/api/v1/crisis/conferences', { kind: 'expert', caseId, heldAt: env.clock.now().toISOString(), participants, minutes: 'x', decisions: 'y', clientId: randomUUID() })).statusCode).toBe(404);
  });

  it('a head teacher of another class, a head teacher writing, and a parent are refused', async () => {
    const list = (await counselor.get(`/api/v1/crisis/conferences?caseId=${caseId}`)).json().items;
    expect((await headOther.get(`/api/v1/crisis/conferences/${list[0].id}`)).statusCode).toBe(404);
    expect((await headOther.get(`/api/v1/crisis/conferences?caseId=${caseId}`)).json().items).toHaveLength(0);
    expect((await head.post('/api/v1/crisis/conferences', { kind: 'expert', caseId, heldAt: env.clock.now().toISOString(), participants, minutes: 'x', decisions: 'y', clientId: randomUUID() })).statusCode).toBe(403);
    expect((await parent.get('/api/v1/crisis/conferences')).statusCode).toBe(403);
  });
});
