import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import { setupTestEnv, type Session, type TestEnv } from '../../test/fixture.js';

let env: TestEnv;
const as: Record<string, Session> = {};
beforeAll(async () => {
  env = await setupTestEnv();
  const { ids } = env;
  // callers from elsewhere, to prove they see nothing of school A's people
  await env.addAccount('leader.b', [{ role: 'school_leader', orgUnitId: ids.schoolB }]);
  await env.addAccount('head.a2', [{ role: 'head_teacher', orgUnitId: ids.classA2 }]);
  for (const u of ['school.leader', 'counselor', 'head.teacher', 'care.teacher', 'committee', 'student', 'parent', 'clinician', 'district.admin', 'city.admin', 'leader.b', 'head.a2']) as[u] = await env.login(u);
});
afterAll(async () => env?.close());

const ids = () => env.ids;
async function auditCount(): Promise<number> {
  return (await rows<{ n: number }>(env.deps.db, sql`select count(*)::int as n from audit_log`))[0]!.n;
}

describe('who sees which students', () => {
  it.each([
    ['school.leader', 'schoolA', true],
    ['counselor', 'schoolA', true],
    ['head.teacher', 'classA', true],
    ['district.admin', 'districtA', true],
    ['city.admin', 'city', true],
  ] as const)('%s lists only students inside %s', async (who, _where, _ok) => {
    const res = await as[who]!.get('/api/v1/students?pageSize=200');
    expect(res.statusCode).toBe(200);
    const list = res.json<{ items: { schoolId: number; classId: number }[]; total: number }>();
    expect(list.total).toBeGreaterThan(0);
    for (const s of list.items) {
      if (who === 'school.leader' || who === 'counselor') expect(s.schoolId).toBe(ids().schoolA);
      if (who === 'head.teacher') expect(s.classId).toBe(ids().classA);
    }
    if (who === 'district.admin') {
      const all = await rows<{ n: number }>(env.deps.db, sql`select count(*)::int as n from students s join org_units u on u.id = s.school_id where u.path like ${`%/${ids().districtA}/%`}`);
      expect(list.total).toBe(all[0]!.n);
    }
  });

  it('the care teacher lists exactly the students in their care', async () => {
    const res = await as['care.teacher']!.get('/api/v1/students?pageSize=200');
    expect(res.json<{ items: { id: string }[] }>().items.map((s) => s.id).sort()).toEqual([...ids().caredStudents].sort());
  });

  it.each(['student', 'parent', 'committee', 'clinician'])('%s cannot list students at all', async (who) => {
    const res = await as[who]!.get('/api/v1/students');
    expect(res.statusCode).toBe(403);
    expect(res.body).not.toContain('studentNo');
  });

  it('filters by unit, name and gender, and paginates', async () => {
    const res = await as['school.leader']!.get(`/api/v1/students?orgUnitId=${ids().classA}&pageSize=2&page=2`);
    const body = res.json<{ items: { classId: number }[]; total: number; page: number }>();
    expect(body.page).toBe(2);
    expect(body.items.length).toBeLessThanOrEqual(2);
    expect(body.items.every((s) => s.classId === ids().classA)).toBe(true);
    // a unit outside the caller's scope yields nothing, not an error that confirms it exists
    const other = await as['school.leader']!.get(`/api/v1/students?orgUnitId=${ids().schoolC}`);
    expect(other.json().total).toBe(0);
  });
});

describe('reading one student', () => {
  const read = (who: string, id: string) => as[who]!.get(`/api/v1/students/${id}`);

  it.each([
    ['leader.b', 'classmate'],
    ['head.a2', 'classmate'],
    ['head.teacher', 'otherClassStudent'],
    ['care.teacher', 'classmate'],
    ['student', 'classmate'],
    ['parent', 'classmate'],
    ['committee', 'classmate'],
    ['clinician', 'classmate'],
    ['district.admin', 'schoolCStudent'],
    ['school.leader', 'schoolBStudent'],
  ] as const)('%s gets 404 for %s, exactly like a missing record', async (who, target) => {
    const res = await read(who, ids()[target]);
    expect(res.statusCode).toBe(404);
    const missing = await read(who, '00000000-0000-4000-8000-000000000000');
    expect(res.json()).toEqual(missing.json());
  });

  it('a student reads their own record without guardians or circumstances; a parent their child with guardians', async () => {
    const own = (await read('student', ids().studentSelf)).json();
    expect(own.id).toBe(ids().studentSelf);
    expect(own).not.toHaveProperty('circumstances');
    expect(own).not.toHaveProperty('guardians');
    const child = (await read('parent', ids().studentSelf)).json();
    expect(child.guardians.length).toBeGreaterThan(0);
    expect(child).not.toHaveProperty('circumstances');
  });

  it('circumstances are returned to the counselor and the head teacher, and every such read is audited', async () => {
    const before = await auditCount();
    const r = await read('counselor', ids().classmate);
    expect(r.json()).toHaveProperty('circumstances');
    expect((await read('head.teacher', ids().classmate)).json()).toHaveProperty('circumstances');
    expect(await auditCount()).toBe(before + 2);
    const last = await rows<{ action: string; object_id: string }>(env.deps.db, sql`select action, object_id from audit_log order by seq desc limit 1`);
    expect(last[0]).toEqual({ action: 'student.sensitive.read', object_id: ids().classmate });
  });

  it('the bureau and care teachers see no circumstances', async () => {
    expect((await read('district.admin', ids().classmate)).json()).not.toHaveProperty('circumstances');
    expect((await read('care.teacher', ids().caredStudents[0]!)).json()).not.toHaveProperty('circumstances');
  });

  it('a committee member gets only classmates’ names', async () => {
    const res = await as.committee!.get('/api/v1/me/class-names');
    const items = res.json<{ items: { id: string; name: string }[] }>().items;
    expect(items.length).toBeGreaterThan(1);
    expect(Object.keys(items[0]!).sort()).toEqual(['id', 'name']);
    const inClass = await rows<{ n: number }>(env.deps.db, sql`select count(*)::int as n from students where class_id = ${ids().classA}`);
    expect(items.length).toBe(inClass[0]!.n);
  });
});

describe('changing students', () => {
  const body = () => ({ studentNo: 'G20130101999001', name: '测试学生', gender: 'female', birthDate: '2013-01-01', classId: ids().classA, enrolmentYear: 2026 });

  it('rejects bad input field by field and writes nothing', async () => {
    const before = await rows<{ n: number }>(env.deps.db, sql`select count(*)::int as n from students`);
    const res = await as['school.leader']!.post('/api/v1/students', { ...body(), gender: 'x', birthDate: '2013-02-30', studentNo: '!', schoolId: 99 });
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json().error.fields).sort()).toEqual(['birthDate', 'gender', 'schoolId', 'studentNo']);
    expect((await rows<{ n: number }>(env.deps.db, sql`select count(*)::int as n from students`))[0]!.n).toBe(before[0]!.n);
  });

  it('a leader creates a student; the same 学籍号 twice is a conflict, not a duplicate', async () => {
    const first = await as['school.leader']!.post('/api/v1/students', body());
    expect(first.statusCode).toBe(200);
    expect(first.json().history[0].kind).toBe('enrol');
    const again = await as['school.leader']!.post('/api/v1/students', body());
    expect(again.statusCode).toBe(409);
    expect(again.json().error.fields).toHaveProperty('studentNo');
  });

  it('nobody creates a student in a class outside their school', async () => {
    const res = await as['leader.b']!.post('/api/v1/students', { ...body(), studentNo: 'G20130101999002' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields).toHaveProperty('classId');
    for (const who of ['head.teacher', 'counselor', 'student', 'parent']) {
      expect((await as[who]!.post('/api/v1/students', { ...body(), studentNo: 'G20130101999003' })).statusCode).toBe(403);
    }
  });

  it('class change keeps the history; others cannot move the student', async () => {
    const id = ids().classmate;
    expect((await as['leader.b']!.post(`/api/v1/students/${id}/move`, { classId: ids().classB })).statusCode).toBe(404);
    expect((await as['head.teacher']!.post(`/api/v1/students/${id}/move`, { classId: ids().classA2 })).statusCode).toBe(403);
    const moved = await as['school.leader']!.post(`/api/v1/students/${id}/move`, { classId: ids().classA2, reason: '分班调整' });
    expect(moved.statusCode).toBe(200);
    expect(moved.json().classId).toBe(ids().classA2);
    expect(moved.json().history.map((h: { kind: string }) => h.kind)).toEqual(['enrol', 'class_change']);
    // the head teacher of class A no longer reaches the student; the one of class A2 does
    expect((await as['head.teacher']!.get(`/api/v1/students/${id}`)).statusCode).toBe(404);
    expect((await as['head.a2']!.get(`/api/v1/students/${id}`)).statusCode).toBe(200);
    // a transfer to another school needs someone who manages both: the district
    const transfer = await as['district.admin']!.post(`/api/v1/students/${id}/move`, { classId: ids().classB, reason: '转学' });
    expect(transfer.json().history.at(-1).kind).toBe('transfer');
    expect((await as['school.leader']!.get(`/api/v1/students/${id}`)).statusCode).toBe(404);
  });

  it('circumstances: only within scope, only known categories, and read back', async () => {
    const id = ids().otherClassStudent;
    expect((await as['head.teacher']!.put(`/api/v1/students/${id}/circumstances`, { items: [{ code: 'left_behind' }] })).statusCode).toBe(404);
    const bad = await as.counselor!.put(`/api/v1/students/${id}/circumstances`, { items: [{ code: 'martian' }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields).toHaveProperty(['items.0.code']);
    const ok = await as.counselor!.put(`/api/v1/students/${id}/circumstances`, { items: [{ code: 'single_parent', note: '父亲外出' }, { code: 'left_behind' }] });
    expect(ok.json().circumstances.map((c: { label: string }) => c.label).sort()).toEqual(['单亲', '留守'].sort());
    // the note is sealed at rest (bound to the student and category) and answered in plain; none stays none
    expect(ok.json().circumstances.find((c: { code: string }) => c.code === 'single_parent').note).toBe('父亲外出');
    expect(ok.json().circumstances.find((c: { code: string }) => c.code === 'left_behind').note).toBeNull();
    const stored = await rows<{ code: string; note: string | null }>(env.deps.db, sql`select code, note from student_circumstances where student_id = ${id} order by code`);
    expect(stored.find((c) => c.code === 'single_parent')!.note).toMatch(/^v1\./);
    expect(stored.find((c) => c.code === 'single_parent')!.note).not.toContain('父亲外出');
    expect(stored.find((c) => c.code === 'left_behind')!.note).toBeNull();
    expect((await as['care.teacher']!.put(`/api/v1/students/${ids().caredStudents[0]}/circumstances`, { items: [] })).statusCode).toBe(403);
  });

  it('the category list: readable by those who record circumstances and by the bureau that extends it', async () => {
    const list = await as['city.admin']!.get('/api/v1/circumstance-categories');
    expect(list.json().items.filter((c: { builtIn: boolean }) => c.builtIn).map((c: { label: string }) => c.label)).toEqual(['留守', '单亲', '离异', '重组', '特困', '残疾', '精神障碍']);
    const added = await as['city.admin']!.post('/api/v1/circumstance-categories', { code: 'bereaved', label: '丧亲' });
    expect(added.statusCode).toBe(200);
    expect((await as['city.admin']!.post('/api/v1/circumstance-categories', { code: 'bereaved', label: '丧亲' })).statusCode).toBe(409);
    expect((await as['head.teacher']!.get('/api/v1/circumstance-categories')).json().items.some((c: { code: string }) => c.code === 'bereaved')).toBe(true);
    expect((await as['school.leader']!.post('/api/v1/circumstance-categories', { code: 'other', label: '其他' })).statusCode).toBe(403);
    expect((await as.student!.get('/api/v1/circumstance-categories')).statusCode).toBe(403);
  });

  it('graduation keeps the record and disables the student account', async () => {
    const id = ids().committeeStudent;
    expect((await as['leader.b']!.post('/api/v1/students/graduate', { studentIds: [id] })).statusCode).toBe(404);
    const res = await as['school.leader']!.post('/api/v1/students/graduate', { studentIds: [id] });
    expect(res.json()).toEqual({ graduated: 1 });
    expect((await as.committee!.get('/api/v1/auth/me')).statusCode).toBe(401);
    const detail = await as['school.leader']!.get(`/api/v1/students/${id}`);
    expect(detail.json().status).toBe('graduated');
  });

  it('guardians can be added by the head teacher of the class only', async () => {
    const g = { name: '王秀英', relation: '祖母', phone: '13912345678' };
    expect((await as['head.a2']!.post(`/api/v1/students/${ids().studentSelf}/guardians`, g)).statusCode).toBe(404);
    expect((await as['head.teacher']!.post(`/api/v1/students/${ids().studentSelf}/guardians`, { ...g, phone: '12' })).statusCode).toBe(400);
    const ok = await as['head.teacher']!.post(`/api/v1/students/${ids().studentSelf}/guardians`, g);
    expect(ok.json().guardians.some((x: { name: string }) => x.name === '王秀英')).toBe(true);
  });
});

describe('staff', () => {
  it('a leader lists their school’s staff only; teachers cannot', async () => {
    const res = await as['school.leader']!.get('/api/v1/staff?pageSize=200');
    expect(res.json().items.every((t: { schoolId: number }) => t.schoolId === ids().schoolA)).toBe(true);
    expect((await as['head.teacher']!.get('/api/v1/staff')).statusCode).toBe(403);
  });

  it('creating a head teacher opens an account that must change its password and reaches the class', async () => {
    const res = await as['school.leader']!.post('/api/v1/staff', { schoolId: ids().schoolA, name: '新老师', phone: '13700001111', posts: [{ post: 'head_teacher', classId: ids().classA2 }] });
    expect(res.statusCode).toBe(200);
    const { username, password } = res.json<{ username: string; password: string }>();
    const login = await env.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: username, password } });
    expect(login.json().account.mustChangePassword).toBe(true);
    expect(login.json().roles[0]).toMatchObject({ role: 'head_teacher', orgUnitId: ids().classA2 });
    expect((await as['leader.b']!.post('/api/v1/staff', { schoolId: ids().schoolA, name: '外校', phone: '13700001112', posts: [] })).statusCode).toBe(404);
  });
});

describe('editing and deactivating staff', () => {
  it('a leader changes a teacher’s posts and the roles follow; outsiders and self-edits are refused; leaving disables the account', async () => {
    const created = await as['school.leader']!.post('/api/v1/staff', { schoolId: ids().schoolA, name: '调岗老师', phone: '13700002222', posts: [{ post: 'subject_teacher' }] });
    const { username, password } = created.json<{ username: string; password: string }>();
    const id = (await as['school.leader']!.get('/api/v1/staff?q=13700002222')).json().items[0].id as string;
    expect((await as['leader.b']!.patch(`/api/v1/staff/${id}`, { name: '外校改名' })).statusCode).toBe(404);
    expect((await as['school.leader']!.patch(`/api/v1/staff/${id}`, { posts: [{ post: 'head_teacher', classId: ids().classB }] })).statusCode).toBe(400);
    const res = await as['school.leader']!.patch(`/api/v1/staff/${id}`, { subject: '心理', posts: [{ post: 'head_teacher', classId: ids().classA2 }, { post: 'counselor_part' }] });
    expect(res.statusCode).toBe(200);
    expect(res.json().posts.map((p: { post: string }) => p.post).sort()).toEqual(['counselor_part', 'head_teacher']);
    const login = await env.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: username, password } });
    expect(login.json().roles.map((r: { role: string }) => r.role).sort()).toEqual(['counselor', 'head_teacher']);
    const leaderStaff = (await as['school.leader']!.get('/api/v1/staff?post=leader')).json().items.find((t: { username: string | null }) => t.username === 'school.leader');
    expect((await as['school.leader']!.patch(`/api/v1/staff/${leaderStaff.id}`, { posts: [] })).statusCode).toBe(403);
    expect((await as['school.leader']!.post(`/api/v1/staff/${id}/deactivate`)).statusCode).toBe(200);
    const after = await env.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: username, password } });
    expect(after.statusCode).toBe(401);
    expect((await as['school.leader']!.get('/api/v1/staff?q=13700002222')).json().total).toBe(0);
    expect((await as['school.leader']!.patch(`/api/v1/staff/${id}`, { name: '再改' })).statusCode).toBe(409);
  });
});

describe('exports', () => {
  it('exports what the caller may see as xlsx, and audits it', async () => {
    const before = await auditCount();
    const res = await as['head.teacher']!.get('/api/v1/students/export');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const ExcelJS = (await import('../../lib/exceljs.js')).default;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0]!;
    const inClass = await rows<{ n: number }>(env.deps.db, sql`select count(*)::int as n from students where class_id = ${ids().classA} and status = 'active'`);
    expect(sheet.rowCount - 1).toBe(inClass[0]!.n);
    expect(await auditCount()).toBe(before + 1);
    expect((await as.student!.get('/api/v1/students/export')).statusCode).toBe(403);
  });
});
