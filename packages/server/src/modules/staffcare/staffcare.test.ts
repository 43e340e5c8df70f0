// Staff care (教职工关爱): the staff sweep, the register, carers, records and closure, and above all
// who sees what: a school's leaders see its ordinary staff, the bureau everyone of its area
// (leaders only the bureau), nobody their own case, and every other role nothing.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import { setupTestEnv, type Session, type TestEnv } from '../../test/fixture.js';
import { sealLegacyRecordText } from '../../jobs/seal-legacy-text.js';
import { newTotpSecret } from '../auth/totp.js';
import { cstToday } from '../screening/campaigns.js';

let env: TestEnv;
let leader: Session;
let leader2: Session;
let district: Session;
let city: Session;
let sweepId: string;
let teacherCase: string;
let leaderCase: string;
const ids = { teacher: '', head: '', leaderStaff: '', moral: '', districtAdmin: '', leader2: '' };
type Person = { subjectId: string; name: string; case: { id: string } | null };

const count = async (q: ReturnType<typeof sql>) => (await rows<{ n: number }>(env.deps.db, q))[0]!.n;
const addDays = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const one = async <T>(q: ReturnType<typeof sql>) => (await rows<T>(env.deps.db, q))[0]!;
const bureau = async (username: string, unit: number, role: 'bureau_admin' | 'bureau_staff') => {
  const id = await env.addAccount(username, [{ role, orgUnitId: unit }]);
  await env.deps.db.execute(sql`update accounts set totp_secret = ${newTotpSecret()}, display_name = ${username} where id = ${id}`);
  return id;
};

beforeAll(async () => {
  env = await setupTestEnv();
  ids.leader2 = await env.addAccount('leader.two', [{ role: 'school_leader', orgUnitId: env.ids.schoolA }]);
  await env.addAccount('schoolb.leader', [{ role: 'school_leader', orgUnitId: env.ids.schoolB }]);
  await bureau('districtb.admin', env.ids.districtB, 'bureau_admin');
  await bureau('jiangcheng.staff', env.ids.districtA, 'bureau_staff');
  ids.teacher = (await one<{ id: string }>(sql`select staff_id as id from accounts where username = 'care.teacher'`)).id;
  ids.head = (await one<{ id: string }>(sql`select staff_id as id from accounts where username = 'head.teacher'`)).id;
  ids.leaderStaff = (await one<{ id: string }>(sql`select staff_id as id from accounts where username = 'school.leader'`)).id;
  ids.moral = (await one<{ id: string }>(sql`select s.id from staff s join staff_posts p on p.staff_id = s.id and p.post = 'moral_education' where s.school_id = ${env.ids.schoolA}`)).id;
  ids.districtAdmin = (await one<{ id: string }>(sql`select id from accounts where username = 'district.admin'`)).id;
  [leader, leader2, district, city] = await Promise.all([env.login('school.leader'), env.login('leader.two'), env.login('district.admin'), env.login('city.admin')]);
  const res = await district.post('/api/v1/staffcare/sweeps', { ownerUnitId: env.ids.districtA, name: '2026 秋季学期教职工排查', term: '2026 秋季学期', start: '2026-11-20', end: '2026-12-10' });
  expect(res.statusCode, res.body).toBe(200);
  sweepId = res.json().id;
}, 120_000);
afterAll(async () => env?.close());

describe('the staff sweep (不漏一人)', () => {
  it('a school leader reviews every ordinary staff member of the school, not the leaders', async () => {
    expect((await leader.get('/api/v1/staffcare/sweeps')).json().items.map((s: { id: string }) => s.id)).toContain(sweepId);
    const g = (await leader.get(`/api/v1/staffcare/sweeps/${sweepId}/groups/${env.ids.schoolA}/staff`)).json();
    const people = g.people.map((p: Person) => p.subjectId);
    expect(people).toEqual(expect.arrayContaining([ids.teacher, ids.head]));
    expect(people).not.toContain(ids.leaderStaff);
    expect(people).not.toContain(ids.moral);
    expect(g.categories.map((c: { code: string }) => c.code)).toEqual(expect.arrayContaining(['family_hardship', 'emotional_distress', 'bereavement']));
    // the leaders of the school are the bureau's to review; another school is not theirs
    expect((await leader.get(`/api/v1/staffcare/sweeps/${sweepId}/groups/${env.ids.schoolA}/leaders`)).statusCode).toBe(404);
    expect((await leader.get(`/api/v1/staffcare/sweeps/${sweepId}/groups/${env.ids.schoolB}/staff`)).statusCode).toBe(404);
    // the bureau sees counts, not the review of named teachers
    expect((await district.get(`/api/v1/staffcare/sweeps/${sweepId}/groups/${env.ids.schoolA}/staff`)).statusCode).toBe(404);
  });

  it('a review that leaves someone out is refused, naming who, and stores nothing', async () => {
    const g = (await leader.get(`/api/v1/staffcare/sweeps/${sweepId}/groups/${env.ids.schoolA}/staff`)).json();
    const res = await leader.put(`/api/v1/staffcare/sweeps/${sweepId}/groups/${env.ids.schoolA}/staff`, { entries: g.people.slice(1).map((p: Person) => ({ subjectId: p.subjectId, categories: [], action: 'none' })) });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields.entries).toContain(g.people[0].name);
    expect(await count(sql`select count(*)::int as n from staff_sweep_reviews where sweep_id = ${sweepId}`)).toBe(0);
  });

  it('the whole school reviewed puts one teacher on the register; the bureau reviews the leaders; completion is counts', async () => {
    const g = (await leader.get(`/api/v1/staffcare/sweeps/${sweepId}/groups/${env.ids.schoolA}/staff`)).json();
    const entries = g.people.map((p: Person) => (p.subjectId === ids.teacher
      ? { subjectId: p.subjectId, categories: ['bereavement', 'emotional_distress'], action: 'add', level: 'orange', reason: '母亲上月病故，近来课堂上常走神', note: '已请假一周' }
      : { subjectId: p.subjectId, categories: [], action: 'none' }));
    const bad = await leader.put(`/api/v1/staffcare/sweeps/${sweepId}/groups/${env.ids.schoolA}/staff`, { entries: entries.map((e: { subjectId: string }) => (e.subjectId === ids.teacher ? { ...e, categories: ['unknown'] } : e)) });
    expect(bad.statusCode).toBe(400);
    const res = await leader.put(`/api/v1/staffcare/sweeps/${sweepId}/groups/${env.ids.schoolA}/staff`, { entries });
    expect(res.statusCode, res.body).toBe(200);
    const teacher = res.json().people.find((p: Person) => p.subjectId === ids.teacher);
    expect(teacher.case).toMatchObject({ categories: ['bereavement', 'emotional_distress'], level: 'orange', status: 'active' });
    teacherCase = teacher.case.id;
    // submitted again: the same reviews, no new rows, the case kept
    const again = await leader.put(`/api/v1/staffcare/sweeps/${sweepId}/groups/${env.ids.schoolA}/staff`, { entries: entries.map((e: { subjectId: string }) => (e.subjectId === ids.teacher ? { ...e, action: 'keep' } : e)) });
    expect(again.statusCode, again.body).toBe(200);
    expect(await count(sql`select count(*)::int as n from staff_sweep_reviews where sweep_id = ${sweepId}`)).toBe(g.people.length);
    // the review's note is sealed at rest (bound to sweep and person), an empty one stays empty; the group view answers it plain
    expect(await count(sql`select count(*)::int as n from staff_sweep_reviews where sweep_id = ${sweepId} and subject_id = ${ids.teacher} and note ~ '^v1\.'`)).toBe(1);
    expect(await count(sql`select count(*)::int as n from staff_sweep_reviews where note like '%已请假一周%'`)).toBe(0);
    expect(await count(sql`select count(*)::int as n from staff_sweep_reviews where sweep_id = ${sweepId} and subject_id <> ${ids.teacher} and note <> ''`)).toBe(0);
    expect(again.json().people.find((p: Person) => p.subjectId === ids.teacher).review).toMatchObject({ note: '已请假一周', action: 'keep' });

    const leaders = (await district.get(`/api/v1/staffcare/sweeps/${sweepId}/groups/${env.ids.schoolA}/leaders`)).json();
    expect(leaders.people.map((p: Person) => p.subjectId).sort()).toEqual([ids.leaderStaff, ids.moral].sort());
    const reviewed = await district.put(`/api/v1/staffcare/sweeps/${sweepId}/groups/${env.ids.schoolA}/leaders`, { entries: [
      { subjectId: ids.leaderStaff, categories: ['work_pressure'], action: 'add', reason: '学校迎检任务重，长期失眠' },
      { subjectId: ids.moral, categories: [], action: 'none' },
    ] });
    expect(reviewed.statusCode, reviewed.body).toBe(200);
    leaderCase = reviewed.json().people.find((p: Person) => p.subjectId === ids.leaderStaff).case.id;

    const byDistrict = (await district.get(`/api/v1/staffcare/sweeps/${sweepId}/completion?unitId=${env.ids.districtA}`)).json();
    const schoolRow = byDistrict.rows.find((r: { unitId: number }) => r.unitId === env.ids.schoolA);
    expect(schoolRow).toMatchObject({ staff: { people: g.people.length, reviewed: g.people.length }, leaders: { people: 2, reviewed: 2 } });
    expect(byDistrict.rows.find((r: { unitId: number }) => r.unitId === env.ids.schoolB)).toMatchObject({ staff: { reviewed: 0 } });
    expect(JSON.stringify(byDistrict)).not.toContain(teacher.name);
    const bySchool = (await leader.get(`/api/v1/staffcare/sweeps/${sweepId}/completion?unitId=${env.ids.schoolA}`)).json();
    expect(bySchool).toMatchObject({ staff: { reviewed: g.people.length }, leaders: null });
    expect((await leader.get(`/api/v1/staffcare/sweeps/${sweepId}/completion?unitId=${env.ids.districtA}`)).statusCode).toBe(404);
  });

  it('only the bureau or the school opens a sweep for its own unit, within a term', async () => {
    expect((await leader.post('/api/v1/staffcare/sweeps', { ownerUnitId: env.ids.districtA, name: 'x', term: 'x', start: '2026-11-20', end: '2026-12-10' })).statusCode).toBe(404);
    expect((await leader.post('/api/v1/staffcare/sweeps', { ownerUnitId: env.ids.schoolA, name: '本校补充排查', term: '2026 秋季学期', start: '2026-12-10', end: '2026-11-20' })).statusCode).toBe(400);
    const counselor = await env.login('counselor');
    expect((await counselor.post('/api/v1/staffcare/sweeps', { ownerUnitId: env.ids.schoolA, name: 'x', term: 'x', start: '2026-11-20', end: '2026-12-10' })).statusCode).toBe(403);
  });
});

describe('invisible to colleagues', () => {
  it('school leaders see their ordinary staff; a case about a leader is the bureau\'s only', async () => {
    for (const s of [leader, leader2]) {
      const list = (await s.get('/api/v1/staffcare/cases')).json().items.map((c: { id: string }) => c.id);
      expect(list).toContain(teacherCase);
      expect(list).not.toContain(leaderCase);
      expect((await s.get(`/api/v1/staffcare/cases/${leaderCase}`)).statusCode).toBe(404);
    }
    expect((await leader.get(`/api/v1/staffcare/cases/${teacherCase}`)).json()).toMatchObject({ id: teacherCase, tier: 'staff', sources: ['sweep'], can: { assign: true, record: true } });
    for (const s of [district, city]) {
      const list = (await s.get('/api/v1/staffcare/cases')).json().items.map((c: { id: string }) => c.id);
      expect(list).toEqual(expect.arrayContaining([teacherCase, leaderCase]));
      expect((await s.get(`/api/v1/staffcare/cases/${leaderCase}`)).json()).toMatchObject({ tier: 'leaders', name: expect.any(String) });
    }
  });

  it('another school\'s leader and another district\'s bureau see nothing', async () => {
    const schoolB = await env.login('schoolb.leader');
    expect((await schoolB.get(`/api/v1/staffcare/cases/${teacherCase}`)).statusCode).toBe(404);
    expect((await schoolB.get('/api/v1/staffcare/cases')).json().total).toBe(0);
    expect((await schoolB.post(`/api/v1/staffcare/cases/${teacherCase}/records`, { kind: 'talk', date: '2026-11-25', note: 'x', clientId: randomUUID() })).statusCode).toBe(404);
    expect((await schoolB.post('/api/v1/staffcare/cases', { subjectKind: 'staff', subjectId: ids.head, categories: ['conflict'], level: 'yellow', reason: 'x' })).statusCode).toBe(404);
    const otherDistrict = await env.login('districtb.admin');
    for (const id of [teacherCase, leaderCase]) expect((await otherDistrict.get(`/api/v1/staffcare/cases/${id}`)).statusCode).toBe(404);
    expect((await otherDistrict.get('/api/v1/staffcare/cases')).json().total).toBe(0);
    expect((await otherDistrict.get(`/api/v1/staffcare/sweeps/${sweepId}/completion?unitId=${env.ids.districtA}`)).statusCode).toBe(404);
  });

  it('counselors, head teachers, the person themselves and every other role are refused, and the refusal is audited', async () => {
    for (const username of ['counselor', 'head.teacher', 'care.teacher', 'committee', 'student', 'parent', 'clinician', 'jiangcheng.staff']) {
      const s = await env.login(username);
      const before = await count(sql`select count(*)::int as n from audit_log where action = 'access.denied' and actor_id = ${s.accountId}`);
      expect([403, 404], username).toContain((await s.get(`/api/v1/staffcare/cases/${teacherCase}`)).statusCode);
      expect([403, 404], username).toContain((await s.get('/api/v1/staffcare/cases')).statusCode);
      expect([403, 404], username).toContain((await s.get(`/api/v1/staffcare/sweeps/${sweepId}/groups/${env.ids.schoolA}/staff`)).statusCode);
      expect(await count(sql`select count(*)::int as n from audit_log where action = 'access.denied' and actor_id = ${s.accountId}`), username).toBe(before + 3);
    }
  });

  it('a leader never sees a case about themselves, even when they are also a bureau official', async () => {
    // the city puts a district official on the register: the district official does not see it, the city does
    const found = (await city.get('/api/v1/staffcare/people?q=江城区')).json().items;
    const person = found.find((p: { subjectId: string }) => p.subjectId === ids.districtAdmin);
    expect(person).toMatchObject({ subjectKind: 'bureau', tier: 'leaders', openCaseId: null });
    const res = await city.post('/api/v1/staffcare/cases', { subjectKind: 'bureau', subjectId: ids.districtAdmin, categories: ['family_hardship'], level: 'yellow', reason: '家人重病住院' });
    expect(res.statusCode, res.body).toBe(200);
    const own = res.json().id;
    expect((await district.get(`/api/v1/staffcare/cases/${own}`)).statusCode).toBe(404);
    expect((await district.get('/api/v1/staffcare/cases')).json().items.map((c: { id: string }) => c.id)).not.toContain(own);
    expect((await district.get('/api/v1/staffcare/people?q=江城区')).json().items.map((p: { subjectId: string }) => p.subjectId)).not.toContain(ids.districtAdmin);
    // nor does a school leader see the bureau's case about them, nor find themselves to add
    expect((await leader.get('/api/v1/staffcare/people?q=' + encodeURIComponent((await leader.get('/api/v1/auth/me')).json().account.displayName))).json().items).toEqual([]);
    expect((await leader.post('/api/v1/staffcare/cases', { subjectKind: 'staff', subjectId: ids.moral, categories: ['conflict'], level: 'yellow', reason: 'x' })).statusCode).toBe(404);
  });

  it('every read of a case is audited; reads about leaders are filed where the school cannot see them', async () => {
    const before = await count(sql`select count(*)::int as n from audit_log where action = 'staffcare.read' and object_id = ${ids.teacher}`);
    await leader.get(`/api/v1/staffcare/cases/${teacherCase}`);
    expect(await count(sql`select count(*)::int as n from audit_log where action = 'staffcare.read' and object_id = ${ids.teacher}`)).toBe(before + 1);
    const paths = await rows<{ p: string }>(env.deps.db, sql`select distinct org_path as p from audit_log where object_id = ${ids.leaderStaff} and action like 'staffcare.%'`);
    const schoolPath = (await one<{ path: string }>(sql`select path from org_units where id = ${env.ids.schoolA}`)).path;
    expect(paths.length).toBeGreaterThan(0);
    for (const p of paths) expect(p.p.startsWith(schoolPath)).toBe(false);
    // in the audit viewer a school leader finds the reads of their staff's case, not those about themselves
    const audit = async (objectId: string) => (await leader.get(`/api/v1/audit?objectId=${objectId}&pageSize=200`)).json().items.filter((e: { action: string }) => e.action.startsWith('staffcare.')).length;
    expect(await audit(ids.teacher)).toBeGreaterThan(0);
    expect(await audit(ids.leaderStaff)).toBe(0);
  });
});

describe('care and closure', () => {
  it('a leader of the school is named carer (never the person), is told, and records care; a retry stores one record', async () => {
    const candidates = (await leader.get(`/api/v1/staffcare/cases/${teacherCase}/carers`)).json().items.map((c: { accountId: string }) => c.accountId);
    expect(candidates).toEqual(expect.arrayContaining([leader.accountId, ids.leader2]));
    const head = await one<{ id: string }>(sql`select id from accounts where username = 'head.teacher'`);
    expect(candidates).not.toContain(head.id);
    expect((await leader.post(`/api/v1/staffcare/cases/${teacherCase}/carer`, { accountId: head.id })).statusCode).toBe(400);
    const res = await leader.post(`/api/v1/staffcare/cases/${teacherCase}/carer`, { accountId: ids.leader2 });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().carer).toMatchObject({ accountId: ids.leader2 });
    expect(await count(sql`select count(*)::int as n from notifications where account_id = ${ids.leader2} and kind = 'staffcare.assigned'`)).toBe(1);

    const clientId = randomUUID();
    const record = { kind: 'visit', date: '2026-11-24', mood: 2, situation: '母亲去世后独自照顾父亲', needs: '希望调整晚自习值班', support: '工会送去慰问金，教务处调整了值班', plan: '两周后再谈一次', note: '在家中走访，谈了一个小时。', clientId };
    expect((await leader2.post(`/api/v1/staffcare/cases/${teacherCase}/records`, record)).statusCode).toBe(200);
    const again = await leader2.post(`/api/v1/staffcare/cases/${teacherCase}/records`, record);
    expect(again.json().records).toHaveLength(1);
    expect(again.json().records[0]).toMatchObject({ kind: 'visit', mood: 2, fields: { support: expect.stringContaining('慰问金') } });
    // the note and the fields are sealed at rest, bound to the record; the case answers them plain
    const stored = await rows<{ id: string; note: string; fields: unknown }>(env.deps.db, sql`select id, note, fields from staff_care_records where client_id = ${clientId}`);
    expect(stored[0]!.note).toMatch(/^v1\./);
    expect(stored[0]!.fields).toMatch(/^v1\./);
    expect(await count(sql`select count(*)::int as n from staff_care_records r where r::text like '%慰问金%' or r::text like '%谈了一个小时%'`)).toBe(0);
    expect(again.json().records[0]).toEqual(expect.objectContaining({ id: stored[0]!.id, note: record.note, fields: { situation: record.situation, needs: record.needs, support: record.support, plan: record.plan } }));
    await env.deps.db.execute(sql`update staff_care_records set note = '早先的明文记录', fields = ${JSON.stringify({ situation: '早先的明文情况' })}::jsonb where id = ${stored[0]!.id}`);
    expect((await leader2.get(`/api/v1/staffcare/cases/${teacherCase}`)).json().records[0]).toMatchObject({ note: '早先的明文记录', fields: { situation: '早先的明文情况' } });
    // the background pass after start seals both, once
    expect(await sealLegacyRecordText(env.deps.db, env.deps.config)).toBeGreaterThanOrEqual(2);
    const resealed = await one<{ note: string; fields: unknown }>(sql`select note, fields from staff_care_records where id = ${stored[0]!.id}`);
    expect([resealed.note, resealed.fields]).toEqual([expect.stringMatching(/^v1\./), expect.stringMatching(/^v1\./)]);
    expect((await leader2.get(`/api/v1/staffcare/cases/${teacherCase}`)).json().records[0]).toMatchObject({ note: '早先的明文记录', fields: { situation: '早先的明文情况' } });
    expect(await sealLegacyRecordText(env.deps.db, env.deps.config)).toBe(0);
    expect((await leader2.post(`/api/v1/staffcare/cases/${teacherCase}/records`, { ...record, clientId: randomUUID(), date: '2026-12-30' })).statusCode).toBe(400);
    expect((await leader2.post(`/api/v1/staffcare/cases/${teacherCase}/records`, { ...record, clientId: randomUUID(), extra: 1 })).statusCode).toBe(400);
  });

  it('closure is proposed and approved by another leader, never the proposer; history is kept', async () => {
    expect((await leader2.post(`/api/v1/staffcare/cases/${teacherCase}/closure`, { action: 'approve' })).statusCode).toBe(409);
    const proposed = await leader2.post(`/api/v1/staffcare/cases/${teacherCase}/closure`, { action: 'propose', summary: '情绪已平稳，工作恢复正常' });
    expect(proposed.json()).toMatchObject({ status: 'closure_proposed', can: { approve: false } });
    expect(await count(sql`select count(*)::int as n from notifications where account_id = ${leader.accountId} and kind = 'staffcare.closure_proposed'`)).toBe(1);
    const own = await leader2.post(`/api/v1/staffcare/cases/${teacherCase}/closure`, { action: 'approve' });
    expect(own.statusCode).toBe(403);
    expect(own.json().error.code).toBe('own_proposal');
    const approved = await leader.post(`/api/v1/staffcare/cases/${teacherCase}/closure`, { action: 'approve' });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'closed', carer: null, closure: { approvedByName: expect.any(String) } });
    expect(approved.json().events.map((e: { kind: string }) => e.kind)).toEqual(['added', 'kept_by_sweep', 'assigned', 'closure_proposed', 'closed']);
    expect(approved.json().carers[0]).toMatchObject({ endReason: '销号' });
    expect((await leader2.post(`/api/v1/staffcare/cases/${teacherCase}/records`, { kind: 'talk', date: '2026-11-25', note: 'x', clientId: randomUUID() })).statusCode).toBe(409);
    expect((await leader.get('/api/v1/staffcare/cases?status=closed')).json().items.map((c: { id: string }) => c.id)).toContain(teacherCase);
  });

  it('a leader\'s carer is a bureau official above them', async () => {
    const candidates = (await district.get(`/api/v1/staffcare/cases/${leaderCase}/carers`)).json().items.map((c: { accountId: string }) => c.accountId);
    expect(candidates).toEqual(expect.arrayContaining([district.accountId, city.accountId]));
    expect(candidates).not.toContain(leader.accountId);
    expect((await district.post(`/api/v1/staffcare/cases/${leaderCase}/carer`, { accountId: leader2.accountId })).statusCode).toBe(400);
    expect((await district.post(`/api/v1/staffcare/cases/${leaderCase}/carer`, { accountId: city.accountId })).json().carer).toMatchObject({ accountId: city.accountId });
  });

  it('the region adds its own categories; only the city bureau may', async () => {
    expect((await district.put('/api/v1/staffcare/categories', { categories: [{ code: 'caregiving', label: '照护老人负担重' }] })).statusCode).toBe(403);
    expect((await city.put('/api/v1/staffcare/categories', { categories: [{ code: 'bereavement', label: '丧亲' }] })).statusCode).toBe(400);
    const ok = await city.put('/api/v1/staffcare/categories', { categories: [{ code: 'caregiving', label: '照护老人负担重' }] });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await leader.get('/api/v1/staffcare/categories')).json().categories.at(-1)).toEqual({ code: 'caregiving', label: '照护老人负担重', builtIn: false });
    const added = await leader.post('/api/v1/staffcare/cases', { subjectKind: 'staff', subjectId: ids.head, categories: ['caregiving'], level: 'yellow', reason: '父母年迈多病' });
    expect(added.statusCode, added.body).toBe(200);
    expect((await leader.post('/api/v1/staffcare/cases', { subjectKind: 'staff', subjectId: ids.head, categories: ['nope'], level: 'yellow', reason: 'x' })).statusCode).toBe(400);
  });
});

describe('follow-ups due (谈心、电话、走访)', () => {
  type Listed = { id: string; subjectId: string; overdue: boolean; followUps: { kind: string; due: string; overdue: boolean }[] };
  const list = async (s: Session, q = '') => (await s.get(`/api/v1/staffcare/cases${q}`)).json().items as Listed[];

  it('a case with a carer falls overdue with time, its carer sees it first, a call does not clear a talk, a talk does', async () => {
    const headCase = (await list(leader)).find((c) => c.subjectId === ids.head)!;
    // no carer: nothing is owed yet
    expect(headCase).toMatchObject({ followUps: [], overdue: false });
    const assigned = (await leader.post(`/api/v1/staffcare/cases/${headCase.id}/carer`, { accountId: ids.leader2 })).json();
    const start = cstToday(env.clock.now());
    expect(assigned).toMatchObject({ level: 'yellow', overdue: false, followUps: [{ kind: 'talk', due: addDays(start, 30), overdue: false }] });
    expect(await list(leader2, '?overdue=true')).toEqual([]);

    env.clock.advance(31 * 86_400_000);
    [leader, leader2, district, city] = await Promise.all([env.login('school.leader'), env.login('leader.two'), env.login('district.admin'), env.login('city.admin')]);
    const today = cstToday(env.clock.now());
    expect((await list(leader2, '?overdue=true')).map((c) => c.id)).toEqual([headCase.id]);
    expect((await leader.get(`/api/v1/staffcare/cases/${headCase.id}`)).json()).toMatchObject({ overdue: true, followUps: [{ kind: 'talk', due: addDays(start, 30), overdue: true }] });
    // the leader case (its carer is the city official) is overdue too: the city sees its own first, ahead of newer cases
    const byCity = await list(city);
    expect(byCity[0]).toMatchObject({ id: leaderCase, overdue: true });
    expect(byCity.map((c) => c.id)).toContain(headCase.id);
    expect((await list(leader2))[0]!.id).toBe(headCase.id);

    // a call is not the talk a yellow case needs; a talk is
    const phone = await leader2.post(`/api/v1/staffcare/cases/${headCase.id}/records`, { kind: 'phone', date: today, note: '电话询问父母近况', clientId: randomUUID() });
    expect(phone.json()).toMatchObject({ overdue: true, lastRecord: today });
    const talk = await leader2.post(`/api/v1/staffcare/cases/${headCase.id}/records`, { kind: 'talk', date: today, note: '谈心一小时，已安排调课', clientId: randomUUID() });
    expect(talk.statusCode, talk.body).toBe(200);
    expect(talk.json()).toMatchObject({ overdue: false, followUps: [{ kind: 'talk', due: addDays(today, 30), overdue: false }] });
    expect((await list(leader2, '?overdue=true')).map((c) => c.id)).not.toContain(headCase.id);
    expect((await list(city, '?overdue=true')).map((c) => c.id)).toEqual([leaderCase]);
  });

  it('the overdue filter keeps the visibility of staff care', async () => {
    // a school's leaders (school.leader is the person of the leader case) never see the overdue leader case; the district does
    expect((await list(leader, '?overdue=true')).map((c) => c.id)).not.toContain(leaderCase);
    expect((await list(district, '?overdue=true')).map((c) => c.id)).toContain(leaderCase);
    for (const username of ['schoolb.leader', 'districtb.admin']) {
      const s = await env.login(username);
      expect((await s.get('/api/v1/staffcare/cases?overdue=true')).json().total, username).toBe(0);
    }
    for (const username of ['head.teacher', 'counselor', 'care.teacher']) {
      const s = await env.login(username);
      expect([403, 404], username).toContain((await s.get('/api/v1/staffcare/cases?overdue=true')).statusCode);
    }
    expect((await leader.get('/api/v1/staffcare/cases?overdue=yes')).statusCode).toBe(400);
  });
});
