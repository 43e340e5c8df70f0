// Every route that touches a person, called by someone from another school, another class or the
// wrong role: the answer is 403 or 404, and it carries none of the target's data.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../db/client.js';
import ExcelJS from '../lib/exceljs.js';
import { setupTestEnv, type Session, type TestEnv } from '../test/fixture.js';

let env: TestEnv;
const as: Record<string, Session> = {};
let target: { id: string; name: string; studentNo: string };
let headAccountId: string;
let headAssignmentId: string;
let headStaffId: string;

beforeAll(async () => {
  env = await setupTestEnv();
  await env.addAccount('leader.other', [{ role: 'school_leader', orgUnitId: env.ids.schoolB }]);
  await env.addAccount('head.other', [{ role: 'head_teacher', orgUnitId: env.ids.classA2 }]);
  for (const u of ['leader.other', 'head.other', 'counselor', 'care.teacher', 'student', 'parent', 'committee', 'clinician']) as[u] = await env.login(u);
  const t = await rows<{ id: string; name: string; student_no: string }>(env.deps.db, sql`select id, name, student_no from students where id = ${env.ids.classmate}`);
  target = { id: t[0]!.id, name: t[0]!.name, studentNo: t[0]!.student_no };
  const h = await rows<{ account_id: string; id: string }>(env.deps.db, sql`select ra.account_id, ra.id from role_assignments ra join accounts a on a.id = ra.account_id where a.username = 'head.teacher'`);
  headAccountId = h[0]!.account_id;
  headAssignmentId = h[0]!.id;
  headStaffId = (await rows<{ id: string }>(env.deps.db, sql`select id from staff where account_id = ${headAccountId}`))[0]!.id;
});
afterAll(async () => env?.close());

type Call = [method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: () => string, body?: () => unknown];

const calls: Record<string, Call> = {
  'read a student': ['GET', () => `/api/v1/students/${target.id}`],
  'edit a student': ['PATCH', () => `/api/v1/students/${target.id}`, () => ({ name: '改名' })],
  'move a student': ['POST', () => `/api/v1/students/${target.id}/move`, () => ({ classId: env.ids.classA2 })],
  'graduate a student': ['POST', () => '/api/v1/students/graduate', () => ({ studentIds: [target.id] })],
  'set circumstances': ['PUT', () => `/api/v1/students/${target.id}/circumstances`, () => ({ items: [{ code: 'left_behind' }] })],
  'add a guardian': ['POST', () => `/api/v1/students/${target.id}/guardians`, () => ({ name: '某某', relation: '父亲' })],
  'list students of class A': ['GET', () => `/api/v1/students?orgUnitId=${env.ids.classA}&q=${encodeURIComponent(target.name)}`],
  'export students of class A': ['GET', () => `/api/v1/students/export?orgUnitId=${env.ids.classA}`],
  'list staff of school A': ['GET', () => `/api/v1/staff?orgUnitId=${env.ids.schoolA}`],
  'export staff of school A': ['GET', () => `/api/v1/staff/export?orgUnitId=${env.ids.schoolA}`],
  'add staff to school A': ['POST', () => '/api/v1/staff', () => ({ schoolId: env.ids.schoolA, name: '某某', phone: '13300000000', posts: [] })],
  'import into school A': ['GET', () => `/api/v1/imports?schoolId=${env.ids.schoolA}`],
  'change the head teacher’s posts': ['PATCH', () => `/api/v1/staff/${headStaffId}`, () => ({ posts: [] })],
  'deactivate the head teacher': ['POST', () => `/api/v1/staff/${headStaffId}/deactivate`],
  'reset the head teacher’s password': ['POST', () => `/api/v1/accounts/${headAccountId}/reset-password`],
  'disable the head teacher': ['POST', () => `/api/v1/accounts/${headAccountId}/disable`],
  'enable the head teacher': ['POST', () => `/api/v1/accounts/${headAccountId}/enable`],
  'grant the head teacher a role': ['POST', () => `/api/v1/accounts/${headAccountId}/roles`, () => ({ role: 'counselor', orgUnitId: env.ids.schoolA })],
  'revoke the head teacher’s role': ['DELETE', () => `/api/v1/accounts/${headAccountId}/roles/${headAssignmentId}`],
  'search accounts of school A': ['GET', () => '/api/v1/accounts?q=head.teacher'],
  'read the audit of school A': ['GET', () => `/api/v1/audit?objectId=${target.id}`],
};

// who may not touch class A's student (or school A's people) through each call
const outsiders = ['leader.other', 'head.other', 'care.teacher', 'student', 'parent', 'committee', 'clinician'];
const counselorMayNot = ['change the head teacher’s posts', 'deactivate the head teacher', 'edit a student', 'move a student', 'graduate a student', 'add a guardian', 'add staff to school A', 'import into school A', 'reset the head teacher’s password', 'disable the head teacher', 'enable the head teacher', 'grant the head teacher a role', 'revoke the head teacher’s role', 'search accounts of school A', 'read the audit of school A'];

const cases: [string, string][] = [];
for (const who of outsiders) for (const what of Object.keys(calls)) cases.push([who, what]);
for (const what of counselorMayNot) cases.push(['counselor', what]);

describe('refusals', () => {
  it.each(cases)('%s cannot %s', async (who, what) => {
    const [method, url, body] = calls[what]!;
    const s = as[who]!;
    const u = url();
    const res = method === 'GET' ? await s.get(u) : method === 'DELETE' ? await s.del(u) : await s[method === 'POST' ? 'post' : method === 'PATCH' ? 'patch' : 'put'](u, body?.());
    if (res.statusCode === 200 && String(res.headers['content-type']).includes('spreadsheetml')) {
      // an export may answer, with the header row only
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
      expect(wb.worksheets[0]!.rowCount, `${who} ${what}`).toBe(1);
      return;
    }
    expect(res.body).not.toContain(target.studentNo);
    expect(res.body).not.toContain(target.name);
    if (res.statusCode === 200) {
      // a list may answer, but empty
      const json = res.json<{ items?: unknown[]; total?: number }>();
      expect(json.items ?? [], `${who} ${what}`).toEqual([]);
    } else {
      expect([403, 404], `${who} ${what}: ${res.statusCode} ${res.body}`).toContain(res.statusCode);
    }
  });

  it('nothing changed', async () => {
    const t = await rows<{ name: string; class_id: number; status: string }>(env.deps.db, sql`select name, class_id, status from students where id = ${target.id}`);
    expect(t[0]).toEqual({ name: target.name, class_id: env.ids.classA, status: 'active' });
    const head = await rows<{ n: number }>(env.deps.db, sql`select count(*)::int as n from role_assignments where id = ${headAssignmentId}`);
    expect(head[0]!.n).toBe(1);
    const headStaff = await rows<{ active: boolean; posts: number }>(env.deps.db, sql`select active, (select count(*)::int from staff_posts where staff_id = ${headStaffId}) as posts from staff where id = ${headStaffId}`);
    expect(headStaff[0]).toEqual({ active: true, posts: 2 });
    expect((await env.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: 'head.teacher', password: 'Xinyu@demo1' } })).statusCode).toBe(200);
  });
});
