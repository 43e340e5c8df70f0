// Guardian notices (point 8): staff with guardian.notify send a notice to a student's guardians
// (recorded, sent once however often it is posted); staff with crisis.read see those sent for a
// student; a parent sees only the notices about their own child; students never see them.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import { setupTestEnv, type Session, type TestEnv } from '../../test/fixture.js';

let env: TestEnv;
let counselor: Session;
let head: Session;
let headOther: Session;
let counselorB: Session;
let parent: Session;
let otherParent: Session;
let student: Session;
let clinician: Session;
const one = async <T>(q: ReturnType<typeof sql>) => (await rows<T>(env.deps.db, q))[0]!;

beforeAll(async () => {
  env = await setupTestEnv();
  await env.addAccount('counselor.other', [{ role: 'counselor', orgUnitId: env.ids.schoolB }]);
  const otherClass = await one<{ class_id: number }>(sql`select class_id from students where id = ${env.ids.otherClassStudent}`);
  await env.addAccount('head.other', [{ role: 'head_teacher', orgUnitId: otherClass.class_id }]);
  await env.addAccount('parent.other', [{ role: 'parent', studentId: env.ids.otherClassStudent }]);
  const signedIn = await Promise.all(
    ['counselor', 'head.teacher', 'head.other', 'counselor.other', 'parent', 'parent.other', 'student', 'clinician'].map((u) => env.login(u)),
  );
  counselor = signedIn[0]!; head = signedIn[1]!; headOther = signedIn[2]!; counselorB = signedIn[3]!; parent = signedIn[4]!; otherParent = signedIn[5]!; student = signedIn[6]!; clinician = signedIn[7]!;
}, 120_000);
afterAll(async () => env?.close());

describe('guardian notices', () => {
  it('a head teacher sends a notice to the guardians of a student in their class: recorded once, with how many accounts it reached', async () => {
    const clientId = randomUUID();
    const body = { title: '请家长来校面谈', body: '您好，想和您聊聊孩子最近在校的情况，请于本周五下午到校。', clientId };
    const res = await head.post(`/api/v1/crisis/students/${env.ids.studentSelf}/guardian-notices`, body);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ title: '请家长来校面谈', recipients: 1, studentId: env.ids.studentSelf });
    const again = await head.post(`/api/v1/crisis/students/${env.ids.studentSelf}/guardian-notices`, body);
    expect(again.json().id).toBe(res.json().id);
    expect((await one<{ n: number }>(sql`select count(*)::int as n from guardian_notices where student_id = ${env.ids.studentSelf}`)).n).toBe(1);
    const parentId = (await one<{ id: string }>(sql`select id from accounts where username = 'parent'`)).id;
    expect((await one<{ n: number }>(sql`select count(*)::int as n from notifications where account_id = ${parentId} and object_id = ${res.json().id}`)).n).toBe(1);
    expect((await one<{ n: number }>(sql`select count(*)::int as n from audit_log where action = 'crisis.guardian_notice.send'`)).n).toBe(1);
  });

  it('bad input is refused with clear messages; another class, another school and roles without guardian.notify are refused', async () => {
    const bad = await head.post(`/api/v1/crisis/students/${env.ids.studentSelf}/guardian-notices`, { title: '', body: '', clientId: randomUUID() });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields.title).toBe('请填写标题');
    const body = { title: '通知', body: '内容', clientId: randomUUID() };
    expect((await headOther.post(`/api/v1/crisis/students/${env.ids.studentSelf}/guardian-notices`, body)).statusCode).toBe(404);
    expect((await counselorB.post(`/api/v1/crisis/students/${env.ids.studentSelf}/guardian-notices`, body)).statusCode).toBe(404);
    expect((await parent.post(`/api/v1/crisis/students/${env.ids.studentSelf}/guardian-notices`, body)).statusCode).toBe(403);
    expect((await clinician.post(`/api/v1/crisis/students/${env.ids.studentSelf}/guardian-notices`, body)).statusCode).toBe(403);
    expect((await one<{ n: number }>(sql`select count(*)::int as n from guardian_notices`)).n).toBe(1);
  });

  it('staff with crisis.read see the notices sent for a student of their scope', async () => {
    const list = await counselor.get(`/api/v1/crisis/students/${env.ids.studentSelf}/guardian-notices`);
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((n: { title: string }) => n.title)).toEqual(['请家长来校面谈']);
    expect((await headOther.get(`/api/v1/crisis/students/${env.ids.studentSelf}/guardian-notices`)).statusCode).toBe(404);
    expect((await counselorB.get(`/api/v1/crisis/students/${env.ids.studentSelf}/guardian-notices`)).statusCode).toBe(404);
    expect((await parent.get(`/api/v1/crisis/students/${env.ids.studentSelf}/guardian-notices`)).statusCode).toBe(403);
  });

  it('a parent sees only the notices about their own child; another parent not theirs; a student none', async () => {
    await counselor.post(`/api/v1/crisis/students/${env.ids.otherClassStudent}/guardian-notices`, { title: '心理健康讲座', body: '本周六上午有家长讲座，欢迎参加。', clientId: randomUUID() });
    const mine = await parent.get('/api/v1/me/guardian-notices');
    expect(mine.statusCode).toBe(200);
    expect(mine.json().items.map((n: { title: string }) => n.title)).toEqual(['请家长来校面谈']);
    expect(mine.json().items[0]).not.toHaveProperty('recipients');
    const theirs = (await otherParent.get('/api/v1/me/guardian-notices')).json().items;
    expect(theirs.map((n: { title: string }) => n.title)).toEqual(['心理健康讲座']);
    expect((await student.get('/api/v1/me/guardian-notices')).statusCode).toBe(403);
    expect((await clinician.get('/api/v1/me/guardian-notices')).statusCode).toBe(403);
  });

  it('a notice about a case is put on the case timeline', async () => {
    const opened = await counselor.post('/api/v1/crisis/cases', { studentId: env.ids.studentSelf, riskLevel: 'moderate', summary: '情绪低落', clientId: randomUUID() });
    const caseId = opened.json().id;
    const res = await counselor.post(`/api/v1/crisis/students/${env.ids.studentSelf}/guardian-notices`, { title: '关于孩子近况', body: '请您这几天多陪陪孩子，有情况随时联系班主任。', caseId, clientId: randomUUID() });
    expect(res.statusCode, res.body).toBe(200);
    const d = (await counselor.get(`/api/v1/crisis/cases/${caseId}`)).json();
    expect(d.events[0]).toMatchObject({ kind: 'guardian.notice', detail: { title: '关于孩子近况', recipients: 1 } });
    // a case of another student is not this notice's
    expect((await counselor.post(`/api/v1/crisis/students/${env.ids.otherClassStudent}/guardian-notices`, { title: 'x', body: 'y', caseId, clientId: randomUUID() })).statusCode).toBe(404);
  });
});
