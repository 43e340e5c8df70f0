import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import { setupTestEnv, type Session, type TestEnv } from '../../test/fixture.js';

let env: TestEnv;
let city: Session;
let district: Session;
let leader: Session;
let head: Session;
beforeAll(async () => {
  env = await setupTestEnv();
  city = await env.login('city.admin');
  district = await env.login('district.admin');
  leader = await env.login('school.leader');
  head = await env.login('head.teacher');
});
afterAll(async () => env?.close());

type Unit = { id: number; kind: string; path: string; name: string; parentId: number | null; studentCount: number };
const tree = async (s: Session) => (await s.get('/api/v1/org/tree')).json<{ items: Unit[] }>().items;

describe('organisation tree', () => {
  it('the city sees districts, municipal schools under the city, and every school', async () => {
    const units = await tree(city);
    const c = units.find((u) => u.kind === 'city')!;
    expect(units.filter((u) => u.kind === 'district').map((u) => u.name)).toEqual(expect.arrayContaining(['江城区', '南湖区', '青山县']));
    const municipal = units.filter((u) => u.kind === 'school' && u.parentId === c.id);
    expect(municipal.length).toBe(3);
    expect(units.filter((u) => u.kind === 'school').length).toBe(20);
    const total = (await rows<{ n: number }>(env.deps.db, sql`select count(*)::int as n from students where status = 'active'`))[0]!.n;
    expect(c.studentCount).toBe(total);
  });

  it('a district sees its own schools (and its ancestors for context), a head teacher their class', async () => {
    const units = await tree(district);
    expect(units.filter((u) => u.kind === 'school').every((u) => u.path.startsWith(`/${env.ids.cityId}/${env.ids.districtA}/`))).toBe(true);
    expect(units.some((u) => u.id === env.ids.schoolC)).toBe(false);
    const mine = await tree(head);
    expect(mine.filter((u) => u.kind === 'class').map((u) => u.id)).toEqual([env.ids.classA]);
    expect((await head.get(`/api/v1/org/units/${env.ids.classA2}`)).statusCode).toBe(404);
    expect((await (await env.login('student')).get('/api/v1/org/tree')).statusCode).toBe(403);
  });
});

describe('unit list export', () => {
  it('exports the schools the caller sees, with their student counts', async () => {
    const res = await district.get('/api/v1/org/export?kind=school');
    expect(res.statusCode).toBe(200);
    const ExcelJS = (await import('../../lib/exceljs.js')).default;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0]!;
    const schools = (await tree(district)).filter((u) => u.kind === 'school');
    expect(sheet.rowCount - 1).toBe(schools.length);
    expect(sheet.getRow(2).getCell(4).value).toBe('临江市 / 江城区');
  });
});

describe('creating, moving and deactivating units', () => {
  it('a leader adds a class to a grade of their school, not a school anywhere', async () => {
    const grade = (await tree(leader)).find((u) => u.kind === 'grade' && u.name === '八年级')!;
    const res = await leader.post('/api/v1/org/units', { parentId: grade.id, kind: 'class', name: '9班' });
    expect(res.statusCode).toBe(200);
    expect(res.json().path).toBe(`${grade.path}${res.json().id}/`);
    expect((await leader.post('/api/v1/org/units', { parentId: env.ids.districtA, kind: 'school', name: '新学校', schoolKind: 'primary' })).statusCode).toBe(404);
    const wrongKind = await leader.post('/api/v1/org/units', { parentId: env.ids.schoolA, kind: 'class', name: '10班' });
    expect(wrongKind.statusCode).toBe(400);
    expect(wrongKind.json().error.fields).toHaveProperty('kind');
    expect((await head.post('/api/v1/org/units', { parentId: grade.id, kind: 'class', name: '11班' })).statusCode).toBe(403);
  });

  it('the city opens a school with a kind and a boarding flag, then a dormitory', async () => {
    const noKind = await city.post('/api/v1/org/units', { parentId: env.ids.districtB, kind: 'school', name: '南湖区新城小学' });
    expect(noKind.json().error.fields).toHaveProperty('schoolKind');
    const res = await city.post('/api/v1/org/units', { parentId: env.ids.districtB, kind: 'school', name: '南湖区新城小学', code: 'S0399', schoolKind: 'primary', boarding: true });
    expect(res.statusCode).toBe(200);
    const dup = await city.post('/api/v1/org/units', { parentId: env.ids.districtB, kind: 'school', name: '重复代码', code: 'S0399', schoolKind: 'primary' });
    expect(dup.statusCode).toBe(409);
    // an empty change is refused, not a 500 (found by the OpenAPI fuzzing)
    const empty = await city.patch(`/api/v1/org/units/${res.json().id}`, {});
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.message).toBe('没有要修改的内容');
    const dorm = await city.post(`/api/v1/org/units/${res.json().id}/dormitories`, { name: '1号楼101' });
    expect(dorm.statusCode).toBe(200);
    expect((await city.get(`/api/v1/org/units/${res.json().id}/dormitories`)).json().items).toHaveLength(1);
  });

  it('moving a school between districts rewrites the paths of its units and people', async () => {
    const res = await city.post(`/api/v1/org/units/${env.ids.schoolB}/move`, { parentId: env.ids.districtB });
    expect(res.statusCode).toBe(200);
    const newPrefix = `/${env.ids.cityId}/${env.ids.districtB}/${env.ids.schoolB}/`;
    const stale = await rows<{ n: number }>(env.deps.db, sql`select (select count(*)::int from students where school_id = ${env.ids.schoolB} and org_path not like ${`${newPrefix}%`})
      + (select count(*)::int from org_units where path like ${`%/${env.ids.schoolB}/%`} and path not like ${`${newPrefix}%`}) as n`);
    expect(stale[0]!.n).toBe(0);
    // the district it left no longer reaches its students; the one it joined does not either unless it is theirs
    expect((await district.get(`/api/v1/students/${env.ids.schoolBStudent}`)).statusCode).toBe(404);
    expect((await district.post(`/api/v1/org/units/${env.ids.schoolB}/move`, { parentId: env.ids.districtA })).statusCode).toBe(404);
    expect((await city.post(`/api/v1/org/units/${env.ids.schoolB}/move`, { parentId: env.ids.districtA })).statusCode).toBe(200);
  });

  it('a class cannot move to another school, nor a unit under itself', async () => {
    const gradeOfB = (await tree(city)).find((u) => u.kind === 'grade' && u.parentId === env.ids.schoolB)!;
    const res = await city.post(`/api/v1/org/units/${env.ids.classA2}/move`, { parentId: gradeOfB.id });
    expect(res.statusCode).toBe(400);
    const loop = await city.post(`/api/v1/org/units/${env.ids.districtA}/move`, { parentId: env.ids.schoolA });
    expect(loop.statusCode).toBe(400);
  });

  it('a unit with people is never removed: it cannot even be deactivated until empty', async () => {
    const res = await leader.patch(`/api/v1/org/units/${env.ids.classA}`, { active: false });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toContain('在读学生');
    const empty = (await tree(leader)).find((u) => u.name === '9班')!;
    expect((await leader.patch(`/api/v1/org/units/${empty.id}`, { active: false })).json().active).toBe(false);
    expect((await leader.patch(`/api/v1/org/units/${empty.id}`, { name: '', region: 1 })).json().error.fields).toMatchObject({ name: expect.any(String), region: '不允许的字段' });
  });
});

describe('accounts and roles', () => {
  it('a leader grants a head-teacher role in their school, never above their own, never to themselves', async () => {
    const id = await env.addAccount('teacher.x', []);
    await env.deps.db.execute(sql`insert into staff (region_id, school_id, org_path, name, phone, account_id) select region_id, id, path, '新教师', '13511112222', ${id} from org_units where id = ${env.ids.schoolA}`);
    expect((await leader.post(`/api/v1/accounts/${id}/roles`, { role: 'head_teacher', orgUnitId: env.ids.classA2 })).statusCode).toBe(200);
    const me = (await env.login('teacher.x')).get('/api/v1/auth/me');
    expect((await me).json().roles.map((r: { role: string }) => r.role)).toEqual(['head_teacher']);
    const above = await leader.post(`/api/v1/accounts/${id}/roles`, { role: 'bureau_admin', orgUnitId: env.ids.schoolA });
    expect(above.statusCode).toBe(403);
    const elsewhere = await leader.post(`/api/v1/accounts/${id}/roles`, { role: 'counselor', orgUnitId: env.ids.schoolC });
    expect(elsewhere.statusCode).toBe(404);
    const self = (await leader.get('/api/v1/auth/me')).json().account.id;
    expect((await leader.post(`/api/v1/accounts/${self}/roles`, { role: 'counselor', orgUnitId: env.ids.schoolA })).statusCode).toBe(403);
    expect((await leader.post(`/api/v1/accounts/${id}/roles`, { role: 'head_teacher' })).json().error.fields).toHaveProperty('orgUnitId');
  });

  it('resetting a password gives a one-time password that must be changed; nobody resets an equal or higher account', async () => {
    const list = (await leader.get('/api/v1/accounts?q=head.teacher')).json<{ items: { id: string }[] }>().items;
    expect(list).toHaveLength(1);
    const res = await leader.post(`/api/v1/accounts/${list[0]!.id}/reset-password`);
    const { username, password } = res.json<{ username: string; password: string }>();
    const login = await env.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: username, password } });
    expect(login.json().account.mustChangePassword).toBe(true);
    const cityId = (await city.get('/api/v1/auth/me')).json().account.id;
    expect((await leader.post(`/api/v1/accounts/${cityId}/reset-password`)).statusCode).toBe(404);
    const leaderId = (await leader.get('/api/v1/auth/me')).json().account.id;
    expect((await district.post(`/api/v1/accounts/${leaderId}/reset-password`)).statusCode).toBe(200);
    const other = await env.addAccount('leader.two', [{ role: 'school_leader', orgUnitId: env.ids.schoolA }]);
    expect((await (await env.login('counselor')).post(`/api/v1/accounts/${other}/disable`)).statusCode).toBe(403);
  });
});
