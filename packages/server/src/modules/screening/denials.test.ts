// Every screening route that touches a student, called by someone from another school, another
// class or the wrong role: 403 or 404, none of the student's data, and nothing changes.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import ExcelJS from '../../lib/exceljs.js';
import { newTotpSecret } from '../auth/totp.js';
import { session, setupTestEnv, type Session, type TestEnv } from '../../test/fixture.js';

let env: TestEnv;
const as: Record<string, Session> = {};
let target: { id: string; name: string; studentNo: string };
let campaignId: string;
let responseId: string;
let followUpId: string;
let alertId: string;

const fingerprint = async () =>
  rows(env.deps.db, sql`select (select count(*) from screening_responses where status = 'submitted')::int as responses,
    (select count(*) from screening_consents)::int as consents, (select count(*) from campaign_releases)::int as releases,
    (select count(*) from screening_sign_offs)::int as signoffs, (select count(*) from notifications)::int as notices,
    (select observation from screening_follow_ups limit 1) as observation, (select decision from screening_follow_ups limit 1) as decision`);
let before: unknown;

beforeAll(async () => {
  env = await setupTestEnv();
  await env.addAccount('leader.other', [{ role: 'school_leader', orgUnitId: env.ids.schoolB }]);
  await env.addAccount('head.other', [{ role: 'head_teacher', orgUnitId: env.ids.classA2 }]);
  await env.addAccount('counselor.other', [{ role: 'counselor', orgUnitId: env.ids.schoolC }]);
  const districtOther = await env.addAccount('district.other', [{ role: 'bureau_staff', orgUnitId: env.ids.districtB }]);
  // bureau staff must have a second factor; enrol one so the account is fully signed in
  await env.deps.db.execute(sql`update accounts set totp_secret = ${newTotpSecret()} where id = ${districtOther}`);
  for (const u of ['leader.other', 'head.other', 'counselor.other', 'district.other', 'care.teacher', 'student', 'parent', 'committee', 'clinician']) as[u] = await env.login(u);
  const t = (await rows<{ id: string; name: string; student_no: string }>(env.deps.db, sql`select id, name, student_no from students where id = ${env.ids.classmate}`))[0]!;
  target = { id: t.id, name: t.name, studentNo: t.student_no };

  // the city runs a campaign for everyone (consent asked of all, recorded for the target on paper)
  const city = await env.login('city.admin');
  const leader = await env.login('school.leader');
  const counselor = await env.login('counselor');
  const c = await city.post('/api/v1/screening/campaigns', {
    ownerUnitId: env.ids.cityId,
    title: '隐私测试测评',
    purpose: '检查越权访问是否都被拒绝。',
    plan: [{ gradeLevels: [7, 8, 9], instruments: [{ key: 'phq-9', version: '1.0.0' }] }],
    window: { start: '2026-11-20', end: '2026-12-10' },
  });
  campaignId = c.json().id;
  await city.post(`/api/v1/screening/campaigns/${campaignId}/publish`);
  await leader.post(`/api/v1/screening/campaigns/${campaignId}/releases`, { classIds: [env.ids.classA] });
  await counselor.post(`/api/v1/screening/campaigns/${campaignId}/consents`, { studentId: target.id, decision: 'granted', guardianName: '家长', formDate: '2026-11-24' });
  // the target answers on a computer-room PC
  const code = (await leader.get(`/api/v1/screening/campaigns/${campaignId}/releases?schoolId=${env.ids.schoolA}`)).json().items.find((r: { classId: number }) => r.classId === env.ids.classA).classCode;
  const login = await env.app.inject({ method: 'POST', url: '/api/v1/auth/class-code', payload: { classCode: code, studentNo: target.studentNo, name: target.name } });
  const cookie = `xinyu_sid=${login.cookies.find((k) => k.name === 'xinyu_sid')!.value}`;
  const csrf = (await env.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } })).json().csrfToken;
  const me = session(env.app, cookie, csrf, '');
  const answers = Object.fromEntries([1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => [`phq9_${i}`, i === 9 ? '2' : '1']));
  const submitted = await me.post(`/api/v1/my/screenings/${campaignId}/phq-9/submit`, { clientId: randomUUID(), answers: { ...answers, phq9_10: 'somewhat' }, startedAt: new Date(env.clock.now().getTime() - 600000).toISOString() });
  expect(submitted.statusCode, submitted.body).toBe(200);
  responseId = (await rows<{ id: string }>(env.deps.db, sql`select id from screening_responses where student_id = ${target.id}`))[0]!.id;
  followUpId = (await rows<{ id: string }>(env.deps.db, sql`select id from screening_follow_ups where student_id = ${target.id}`))[0]!.id;
  alertId = (await rows<{ id: string }>(env.deps.db, sql`select id from alerts where student_id = ${target.id}`))[0]!.id;
  before = await fingerprint();
}, 120_000);
afterAll(async () => env?.close());

type Call = [method: 'GET' | 'POST' | 'PUT', url: () => string, body?: () => unknown];
const c = (path: string) => `/api/v1/screening/campaigns/${campaignId}${path}`;

const calls: Record<string, Call> = {
  'list results of class A': ['GET', () => c(`/results?unitId=${env.ids.classA}`)],
  'read the response': ['GET', () => `/api/v1/screening/responses/${responseId}`],
  'send the response to re-test': ['POST', () => `/api/v1/screening/responses/${responseId}/retest`],
  'read the student’s screening history': ['GET', () => `/api/v1/students/${target.id}/screening`],
  'list follow-ups of class A': ['GET', () => c(`/follow-ups?classId=${env.ids.classA}`)],
  'add an observation': ['POST', () => `/api/v1/screening/follow-ups/${followUpId}/observation`, () => ({ observation: '越权写入的观察记录' })],
  'record an interview': ['POST', () => `/api/v1/screening/follow-ups/${followUpId}/interview`, () => ({ interview: '越权写入的访谈记录内容', interviewDate: '2026-11-25', decision: 'clear', finalLevel: 'none', reason: '越权' })],
  'list pending of class A': ['GET', () => c(`/pending?unitId=${env.ids.classA}`)],
  'export pending of class A': ['GET', () => c(`/pending.xlsx?unitId=${env.ids.classA}`)],
  'remind class A': ['POST', () => c('/reminders'), () => ({ classId: env.ids.classA })],
  'list consents of class A': ['GET', () => c(`/consents?classId=${env.ids.classA}`)],
  'record a consent': ['POST', () => c('/consents'), () => ({ studentId: target.id, decision: 'refused', guardianName: '某某', formDate: '2026-11-24' })],
  'give a parent’s consent': ['POST', () => `/api/v1/my/consents/${campaignId}`, () => ({ studentId: target.id, decision: 'refused' })],
  'see class codes of school A': ['GET', () => c(`/releases?schoolId=${env.ids.schoolA}`)],
  'release to class A': ['POST', () => c('/releases'), () => ({ classIds: [env.ids.classA2] })],
  'completion of class A': ['GET', () => c(`/completion?unitId=${env.ids.classA}`)],
  'report of class A': ['GET', () => c(`/report?unitId=${env.ids.classA}`)],
  'sign off school A': ['POST', () => c('/sign-offs'), () => ({ schoolId: env.ids.schoolA })],
  'list alerts': ['GET', () => '/api/v1/alerts'],
  'read the alert': ['GET', () => `/api/v1/alerts/${alertId}`],
};

const outsiders = ['leader.other', 'head.other', 'counselor.other', 'district.other', 'care.teacher', 'student', 'parent', 'committee', 'clinician'];
const cases: [string, string][] = [];
for (const who of outsiders) for (const what of Object.keys(calls)) cases.push([who, what]);

describe('screening refusals', () => {
  it.each(cases)('%s cannot %s', async (who, what) => {
    const s = as[who]!;
    const [method, url, body] = calls[what]!;
    const res = method === 'GET' ? await s.get(url()) : method === 'PUT' ? await s.put(url(), body?.()) : await s.post(url(), body?.());
    if (res.statusCode === 200 && String(res.headers['content-type']).includes('spreadsheetml')) {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
      expect(wb.worksheets[0]!.rowCount, `${who} ${what}`).toBe(1);
      return;
    }
    expect(res.body).not.toContain(target.studentNo);
    expect(res.body).not.toContain(target.name);
    expect(res.body).not.toContain(responseId);
    if (res.statusCode === 200) {
      const json = res.json<{ items?: unknown[] }>();
      expect(json.items ?? [], `${who} ${what}: ${res.body}`).toEqual([]);
    } else {
      expect([403, 404], `${who} ${what}: ${res.statusCode} ${res.body}`).toContain(res.statusCode);
    }
  });

  it('the district staff account is fully signed in (not held at a second-factor prompt)', async () => {
    expect((await as['district.other']!.get('/api/v1/auth/me')).json().mfaEnrolmentPending ?? false).toBe(false);
    expect((await as['district.other']!.get(c(`/completion?unitId=${env.ids.districtB}`))).statusCode).toBe(200);
  });

  it('nothing changed', async () => {
    expect(await fingerprint()).toEqual(before);
  });
});
