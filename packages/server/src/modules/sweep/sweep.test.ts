import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import { setupTestEnv, type Session, type TestEnv } from '../../test/fixture.js';
import { sealLegacyRecordText } from '../../jobs/seal-legacy-text.js';

let env: TestEnv;
let head: Session;
let sweepId: string;
type Row = { studentId: string; name: string; key: { id: string } | null };

beforeAll(async () => {
  env = await setupTestEnv();
  head = await env.login('head.teacher');
  const district = await env.login('district.admin');
  const res = await district.post('/api/v1/sweeps', { ownerUnitId: env.ids.districtA, name: '2026 秋季学期开学摸底排查', term: '2026 秋季学期', start: '2026-11-20', end: '2026-12-10' });
  expect(res.statusCode, res.body).toBe(200);
  sweepId = res.json().id;
}, 120_000);
afterAll(async () => env?.close());

describe('the semester sweep (不漏一人)', () => {
  it('the head teacher sees every student of the class with circumstances and register status', async () => {
    expect((await head.get('/api/v1/sweeps')).json().items.map((s: { id: string }) => s.id)).toContain(sweepId);
    const c = (await head.get(`/api/v1/sweeps/${sweepId}/classes/${env.ids.classA}`)).json();
    expect(c.students.length).toBeGreaterThanOrEqual(3);
    expect(c.className).toBe('七年级1班');
    expect(c.categories.map((x: { code: string }) => x.code)).toEqual(expect.arrayContaining(['left_behind', 'single_parent', 'academic_pressure', 'violent']));
    // the demo care teacher's student of class A is on the register
    expect(c.students.filter((s: Row) => s.key).length).toBe(1);
    expect((await head.get(`/api/v1/sweeps/${sweepId}/classes/${env.ids.classA2}`)).statusCode).toBe(404);
  });

  it('a review that leaves out a student is refused, naming who is missing, and stores nothing', async () => {
    const c = (await head.get(`/api/v1/sweeps/${sweepId}/classes/${env.ids.classA}`)).json();
    const partial = c.students.slice(1).map((s: Row) => ({ studentId: s.studentId, categories: [], action: s.key ? 'keep' : 'none' }));
    const res = await head.put(`/api/v1/sweeps/${sweepId}/classes/${env.ids.classA}`, { entries: partial });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields.entries).toContain(c.students[0].name);
    expect((await rows<{ n: number }>(env.deps.db, sql`select count(*)::int as n from sweep_entries where sweep_id = ${sweepId}`))[0]!.n).toBe(0);
  });

  it('the whole class reviewed: one added to the register, one kept, one proposed for removal; completion counts it', async () => {
    const c = (await head.get(`/api/v1/sweeps/${sweepId}/classes/${env.ids.classA}`)).json();
    const kept = c.students.find((s: Row) => s.key)!;
    const added = c.students.find((s: Row) => !s.key && s.studentId !== env.ids.studentSelf)!;
    const entries = c.students.map((s: Row) =>
      s.studentId === kept.studentId ? { studentId: s.studentId, categories: ['left_behind'], action: 'keep', reason: '父母仍在外务工' }
      : s.studentId === added.studentId ? { studentId: s.studentId, categories: ['academic_pressure', 'withdrawn'], action: 'add', reason: '期中后成绩下滑明显，常独处', note: '已与家长沟通' }
      : { studentId: s.studentId, categories: [], action: 'none' });
    const bad = await head.put(`/api/v1/sweeps/${sweepId}/classes/${env.ids.classA}`, { entries: entries.map((e: { studentId: string }) => (e.studentId === added.studentId ? { ...e, reason: undefined } : e)) });
    expect(bad.statusCode).toBe(400);
    const res = await head.put(`/api/v1/sweeps/${sweepId}/classes/${env.ids.classA}`, { entries });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().students.find((s: Row) => s.studentId === added.studentId).key).toMatchObject({ categories: ['academic_pressure', 'withdrawn'], status: 'active' });
    const counselor = await env.login('counselor');
    const register = (await counselor.get('/api/v1/care/students')).json().items;
    expect(register.find((k: { studentId: string }) => k.studentId === added.studentId)).toMatchObject({ sources: ['sweep'] });
    // a second submission updates the same reviews, it does not add rows
    await head.put(`/api/v1/sweeps/${sweepId}/classes/${env.ids.classA}`, { entries: entries.map((e: { studentId: string; action: string }) => (e.studentId === kept.studentId ? { ...e, action: 'remove', reason: '父母已返乡，情绪稳定' } : e.studentId === added.studentId ? { ...e, action: 'keep' } : e)) });
    expect((await rows<{ n: number }>(env.deps.db, sql`select count(*)::int as n from sweep_entries where sweep_id = ${sweepId}`))[0]!.n).toBe(c.students.length);
    // the note is sealed at rest (bound to sweep and student), an empty one stays empty; the class view answers it plain
    const stored = await rows<{ student_id: string; note: string }>(env.deps.db, sql`select student_id, note from sweep_entries where sweep_id = ${sweepId}`);
    expect(stored.find((r) => r.student_id === added.studentId)!.note).toMatch(/^v1\./);
    expect(stored.filter((r) => r.note.includes('已与家长沟通'))).toEqual([]);
    expect(stored.filter((r) => r.student_id !== added.studentId).map((r) => r.note)).toEqual(stored.filter((r) => r.student_id !== added.studentId).map(() => ''));
    const view = (await head.get(`/api/v1/sweeps/${sweepId}/classes/${env.ids.classA}`)).json();
    expect(view.students.find((s: Row) => s.studentId === added.studentId).entry).toMatchObject({ note: '已与家长沟通', action: 'keep' });
    await env.deps.db.execute(sql`update sweep_entries set note = '早先的明文记录' where sweep_id = ${sweepId} and student_id = ${kept.studentId}`);
    expect((await head.get(`/api/v1/sweeps/${sweepId}/classes/${env.ids.classA}`)).json().students.find((s: Row) => s.studentId === kept.studentId).entry.note).toBe('早先的明文记录');
    // the background pass after start seals it, once
    expect(await sealLegacyRecordText(env.deps.db, env.deps.config)).toBeGreaterThanOrEqual(1);
    expect((await rows<{ note: string }>(env.deps.db, sql`select note from sweep_entries where sweep_id = ${sweepId} and student_id = ${kept.studentId}`))[0]!.note).toMatch(/^v1\./);
    expect((await head.get(`/api/v1/sweeps/${sweepId}/classes/${env.ids.classA}`)).json().students.find((s: Row) => s.studentId === kept.studentId).entry.note).toBe('早先的明文记录');
    expect(await sealLegacyRecordText(env.deps.db, env.deps.config)).toBe(0);
    expect((await counselor.get(`/api/v1/care/students/${kept.key.id}`)).json()).toMatchObject({ status: 'closure_proposed', closure: { summary: expect.stringContaining('父母已返乡') } });

    const leader = await env.login('school.leader');
    const school = (await leader.get(`/api/v1/sweeps/${sweepId}/completion?unitId=${env.ids.schoolA}`)).json();
    const row = school.rows.find((r: { unitId: number }) => r.unitId === env.ids.classA);
    expect(row).toMatchObject({ name: '七年级1班', students: c.students.length, reviewed: c.students.length, classes: 1, classesDone: 1 });
    const district = await env.login('district.admin');
    const byDistrict = (await district.get(`/api/v1/sweeps/${sweepId}/completion?unitId=${env.ids.districtA}`)).json();
    expect(byDistrict.reviewed).toBe(c.students.length);
    expect(byDistrict.rows.find((r: { unitId: number }) => r.unitId === env.ids.schoolA)).toMatchObject({ reviewed: c.students.length, classesDone: 1 });
  });

  it('outsiders cannot read or review a class', async () => {
    await env.addAccount('schoolb.head', [{ role: 'head_teacher', orgUnitId: env.ids.classB }]);
    const other = await env.login('schoolb.head');
    expect((await other.get(`/api/v1/sweeps/${sweepId}/classes/${env.ids.classA}`)).statusCode).toBe(404);
    expect((await other.put(`/api/v1/sweeps/${sweepId}/classes/${env.ids.classA}`, { entries: [] })).statusCode).toBe(404);
    for (const username of ['committee', 'student', 'parent', 'care.teacher', 'clinician']) {
      const s = await env.login(username);
      expect([403, 404]).toContain((await s.get(`/api/v1/sweeps/${sweepId}/classes/${env.ids.classA}`)).statusCode);
    }
    // a school leader opens a sweep for their own school only
    const leader = await env.login('school.leader');
    expect((await leader.post('/api/v1/sweeps', { ownerUnitId: env.ids.districtA, name: 'x', term: 'x', start: '2026-11-20', end: '2026-12-10' })).statusCode).toBe(404);
    expect((await leader.post('/api/v1/sweeps', { ownerUnitId: env.ids.schoolA, name: '本校补充排查', term: '2026 秋季学期', start: '2026-11-20', end: '2026-12-10' })).statusCode).toBe(200);
    expect((await (await env.login('counselor')).post('/api/v1/sweeps', { ownerUnitId: env.ids.districtA, name: 'x', term: 'x', start: '2026-11-20', end: '2026-12-10' })).statusCode).toBe(403);
  });
});
