// Supervision: the six metrics from the earlier modules' records against a hand-built 2025; the
// target lists (city and district), their progress, drill-down and who reaches what; funding with
// its .xlsx import; the model-school rating from scheme to review.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import { xlsxBuffer } from '../../lib/xlsx-export.js';
import { setupTestEnv, type Session, type TestEnv } from '../../test/fixture.js';
import { newTotpSecret } from '../auth/totp.js';
import { computeMetric, metricContext, schoolsUnder } from './compute.js';
import { supervisionMetrics } from './metrics.js';

let env: TestEnv;
let city: Session;
let district: Session;
let otherDistrict: Session;
let leader: Session;
let otherLeader: Session;
let students: { a: string[]; b: string[] };
let gradeCount: { a: number; b: number };
let activeCount: { a: number };

const count = async (q: ReturnType<typeof sql>) => (await rows<{ n: number }>(env.deps.db, q))[0]!.n;
const Y = 2025;
const t = (iso: string) => new Date(iso);

beforeAll(async () => {
  env = await setupTestEnv();
  const db = env.deps.db;
  const { schoolA, schoolB, schoolC, cityId } = env.ids;
  await env.addAccount('leader.other', [{ role: 'school_leader', orgUnitId: schoolC }]);
  const idB = await env.addAccount('districtb.admin', [{ role: 'bureau_admin', orgUnitId: env.ids.districtB }]);
  await db.execute(sql`update accounts set totp_secret = ${newTotpSecret()} where id = ${idB}`);
  // only the rooms of this fixture count
  await db.execute(sql`update counseling_rooms set active = false`);
  const pick = async (school: number, n: number) => (await rows<{ id: string }>(db, sql`select id from students where school_id = ${school} and status = 'active' order by student_no limit ${n}`)).map((r) => r.id);
  students = { a: await pick(schoolA, 6), b: await pick(schoolB, 2) };
  const grade4 = async (school: number) => count(sql`select count(*)::int as n from students s join org_units k on k.id = s.class_id left join org_units g on g.id = k.parent_id and g.kind = 'grade'
    where s.school_id = ${school} and s.status = 'active' and coalesce(k.grade_level, g.grade_level) >= 4`);
  gradeCount = { a: await grade4(schoolA), b: await grade4(schoolB) };
  activeCount = { a: await count(sql`select count(*)::int as n from students where school_id = ${schoolA} and status = 'active'`) };
  const [a0, a1, a2, a3, a4, a5] = students.a as [string, string, string, string, string, string];
  const response = (studentId: string, schoolId: number, status: string, submittedAt: string | null, instrument = 'mhs') => sql`(${cityId}, ${randomUUID()}, ${studentId}, ${instrument}, '1', ${status}, '{}'::jsonb, ${schoolId}, 'male', ${t('2025-03-01T00:00:00Z')}, ${submittedAt ? t(submittedAt) : null})`;
  // school A: a0 (twice), a1, a2 in 2025; a3 only in 2024; a4 started but not submitted; school B: one
  await db.execute(sql`insert into screening_responses (region_id, campaign_id, student_id, instrument_key, instrument_version, status, answers, school_id, gender, started_at, submitted_at) values
    ${sql.join([
      response(a0, schoolA, 'submitted', '2025-03-02T01:00:00Z'), response(a0, schoolA, 'submitted', '2025-10-02T01:00:00Z', 'other'), response(a1, schoolA, 'submitted', '2025-03-02T02:00:00Z'),
      response(a2, schoolA, 'submitted', '2025-12-31T15:00:00Z'), // 23:00 China time on 31 December: still 2025
      response(a3, schoolA, 'submitted', '2024-12-31T16:30:00Z'), // 00:30 China time on 1 January 2025 … counted
      response(a4, schoolA, 'in_progress', null), response(students.b[0]!, schoolB, 'submitted', '2025-05-05T05:00:00Z'),
      response(a5, schoolA, 'submitted', '2024-12-31T15:30:00Z'), // 23:30 China time on 31 December 2024: not counted
    ], sql`, `)}`);
  await db.execute(sql`insert into counseling_rooms (region_id, school_id, org_path, name, rating, created_at, updated_at)
    select region_id, id, path, '测试辅导室', case id when ${schoolA} then 'qualified' when ${schoolB} then 'model' else 'none' end, now(), now() from org_units where id in (${schoolA}, ${schoolB}, ${schoolC})`);
  const alert = (studentId: string, level: string, created: string, acked: string | null) => sql`(${cityId}, ${studentId}, ${schoolA}, 'teacher', ${randomUUID()}, ${level}, 'closed', '{}'::jsonb, ${t(created)}, ${acked ? t(acked) : null})`;
  await db.execute(sql`insert into alerts (region_id, student_id, school_id, source, source_ref, level, status, evidence, created_at, acknowledged_at) values ${sql.join([
    alert(a0, 'red', '2025-04-01T02:00:00Z', '2025-04-01T03:00:00Z'), // within 2 hours
    alert(a1, 'red', '2025-04-01T02:00:00Z', '2025-04-01T05:00:00Z'), // 3 hours: late
    alert(a2, 'red', '2025-04-01T02:00:00Z', null), // never acknowledged
    alert(a3, 'yellow', '2025-04-01T02:00:00Z', '2025-04-01T02:10:00Z'), // not red
    alert(a4, 'red', '2024-04-01T02:00:00Z', '2024-04-01T02:10:00Z'), // another year
  ], sql`, `)}`);
  const inst = randomUUID();
  const referral = (studentId: string, sent: string, feedback: string | null) => sql`(${cityId}, ${schoolA}, (select path from org_units where id = ${schoolA}), ${studentId}, ${inst}, 'moderate', '{}'::jsonb, '家长', '母亲', 'in_person', ${t(sent)}, '心理老师', ${feedback ? 'feedback' : 'sent'}, ${t(sent)}, ${randomUUID()}, '心理老师', ${t(sent)}, ${feedback ? t(feedback) : null}, ${randomUUID()}, ${t(sent)})`;
  await db.execute(sql`insert into referrals (region_id, school_id, org_path, student_id, institution_id, severity, shared, consent_guardian_name, consent_relation, consent_method, consent_at, consent_recorded_by_name, status, accept_by, sent_by, sent_by_name, sent_at, feedback_at, client_id, updated_at) values ${sql.join([
    referral(a0, '2025-05-01T02:00:00Z', '2025-05-10T02:00:00Z'), referral(a1, '2025-06-01T02:00:00Z', null), referral(a2, '2024-06-01T02:00:00Z', '2024-06-03T02:00:00Z'),
  ], sql`, `)}`);
  // one at a time: each TOTP login moves the clock to a fresh step
  city = await env.login('city.admin');
  district = await env.login('district.admin');
  otherDistrict = await env.login('districtb.admin');
  [leader, otherLeader] = await Promise.all([env.login('school.leader'), env.login('leader.other')]);
}, 120_000);
afterAll(async () => env?.close());

describe('metrics from the earlier records (2025, built by hand)', () => {
  it('funding is entered by the bureau, a retry stored once', async () => {
    const clientId = randomUUID();
    for (let i = 0; i < 2; i++) {
      const r = await city.post('/api/v1/supervision/funding', { clientId, schoolId: env.ids.schoolA, year: Y, amountYuan: 1000, source: '市级财政', purpose: '辅导室设备' });
      expect(r.statusCode, r.body).toBe(200);
    }
    expect((await district.post('/api/v1/supervision/funding', { clientId: randomUUID(), schoolId: env.ids.schoolA, year: Y, amountYuan: 500.5 })).statusCode).toBe(200);
    expect(await count(sql`select count(*)::int as n from supervision_funding where year = ${Y}`)).toBe(2);
    expect(await count(sql`select count(*)::int as n from audit_log where action = 'supervision.funding.create'`)).toBe(2);
  });

  it('each metric per school, numerator over denominator', async () => {
    const { schoolA, schoolB, schoolC, cityId } = env.ids;
    const root = (await rows<{ path: string }>(env.deps.db, sql`select path from org_units where id = ${cityId}`))[0]!.path;
    const ctx = metricContext(env.deps, cityId, Y, await schoolsUnder(env.deps, cityId, root));
    const fig = async (key: string) => {
      const list = await computeMetric(supervisionMetrics.find((m) => m.key === key)!, ctx);
      const of = (id: number) => { const f = list.find((x) => x.schoolId === id)!; return [f.numerator, f.denominator]; };
      return { a: of(schoolA), b: of(schoolB), c: of(schoolC) };
    };
    expect(await fig('screening_coverage')).toEqual({ a: [4, gradeCount.a], b: [1, gradeCount.b], c: [0, expect.any(Number)] });
    expect(await fig('room_qualified_share')).toEqual({ a: [1, 1], b: [1, 1], c: [0, 1] });
    expect(await fig('room_model_share')).toEqual({ a: [0, 1], b: [1, 1], c: [0, 1] });
    expect(await fig('red_alerts_on_time')).toEqual({ a: [1, 3], b: [0, 0], c: [0, 0] });
    expect(await fig('referral_feedback_share')).toEqual({ a: [1, 2], b: [0, 0], c: [0, 0] });
    expect(await fig('funding_per_student')).toEqual({ a: [1500.5, activeCount.a], b: [0, expect.any(Number)], c: [0, expect.any(Number)] });
  });

  it('records behind a school\'s figure name no student', async () => {
    const ctx = metricContext(env.deps, env.ids.cityId, Y, []);
    const red = await supervisionMetrics.find((m) => m.key === 'red_alerts_on_time')!.records(ctx, env.ids.schoolA);
    expect(red.rows).toHaveLength(3);
    expect(red.rows.map((r) => r.onTime).sort()).toEqual(['及时', '超时或未接收', '超时或未接收']);
    const names = (await rows<{ name: string }>(env.deps.db, sql`select name from students where id = any(${sql.param(students.a)}::uuid[])`)).map((r) => r.name);
    expect(names.some((n) => JSON.stringify(red.rows).includes(n))).toBe(false);
    const refs = await supervisionMetrics.find((m) => m.key === 'referral_feedback_share')!.records(ctx, env.ids.schoolA);
    expect(refs.rows.map((r) => r.status).sort()).toEqual(['已发送', '已反馈'].sort());
  });
});

let targetId: string;

describe('target lists', () => {
  it('the city sets a target bound to a metric; a retry returns the same target; bad bindings are refused by field', async () => {
    const clientId = randomUUID();
    const body = { clientId, year: Y, list: 1, task: '合格心理辅导室建设达50%', metricKey: 'room_qualified_share', comparator: 'at_least', targetValue: 50, overrides: { [String(env.ids.districtB)]: 30 }, responsibleUnit: '市教育局' };
    const r = await city.post('/api/v1/supervision/targets', body);
    expect(r.statusCode, r.body).toBe(200);
    targetId = r.json().id;
    expect(r.json()).toMatchObject({ ownerKind: 'city', canEdit: true, metric: { key: 'room_qualified_share', unit: 'percent' } });
    expect((await city.post('/api/v1/supervision/targets', body)).json().id).toBe(targetId);
    expect(await count(sql`select count(*)::int as n from supervision_targets where client_id = ${clientId}`)).toBe(1);
    const bad = await city.post('/api/v1/supervision/targets', { ...body, clientId: randomUUID(), metricKey: 'no_such', comparator: null });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields).toMatchObject({ metricKey: '没有这个指标', comparator: '请选择“不低于”或“不高于”' });
    // a milestone target without a metric
    const manual = await city.post('/api/v1/supervision/targets', { clientId: randomUUID(), year: Y, list: 4, task: '开展“语商模型”专项课题研究', milestones: [{ title: '开题', due: '2025-03-01', done: true, evidence: '开题报告' }] });
    expect(manual.statusCode, manual.body).toBe(200);
    expect(manual.json()).toMatchObject({ manualStatus: 'not_started', progress: null, milestones: [{ title: '开题', done: true }] });
  });

  it('changing the target value keeps history and is audited', async () => {
    const r = await city.put(`/api/v1/supervision/targets/${targetId}`, { targetValue: 60 });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().versions.map((v: { targetValue: number }) => v.targetValue)).toEqual([60, 50]);
    expect(await count(sql`select count(*)::int as n from audit_log where action = 'supervision.target.update' and object_id = ${targetId}`)).toBe(1);
  });

  it('the city sees progress city-wide and per district, with district overrides', async () => {
    const r = await city.get(`/api/v1/supervision/targets/${targetId}/progress`);
    expect(r.statusCode, r.body).toBe(200);
    const p = r.json();
    const a = p.districts.find((d: { id: number }) => d.id === env.ids.districtA);
    const b = p.districts.find((d: { id: number }) => d.id === env.ids.districtB);
    expect(a).toMatchObject({ numerator: 2, target: 60 });
    expect(a.met).toBe(a.value >= 60);
    expect(b).toMatchObject({ numerator: 0, value: 0, target: 30, met: false, progress: 0 });
    expect(p.area.numerator).toBe(2);
    // no district chosen: the municipal schools (under the city itself), which no district row holds
    const municipal = await rows<{ id: number }>(env.deps.db, sql`select s.id from org_units s join org_units c on c.id = s.parent_id and c.kind = 'city' where s.kind = 'school' and s.active order by s.path`);
    expect(municipal.length).toBeGreaterThan(0);
    expect(p.district).toBeNull();
    expect(p.schools.map((s: { id: number }) => s.id).sort()).toEqual(municipal.map((m) => Number(m.id)).sort());
    const list = (await city.get(`/api/v1/supervision/targets?year=${Y}`)).json();
    expect(list.items.find((x: { id: string }) => x.id === targetId).progress.numerator).toBe(2);
    const withSchools = (await city.get(`/api/v1/supervision/targets/${targetId}/progress?districtId=${env.ids.districtB}`)).json();
    expect(withSchools.schools.map((s: { id: number }) => s.id)).toContain(env.ids.schoolC);
  });

  it('a district bureau sees only its district, drills down to its school, not to another district\'s', async () => {
    const r = await district.get(`/api/v1/supervision/targets/${targetId}/progress`);
    expect(r.statusCode, r.body).toBe(200);
    const p = r.json();
    expect(p.area.id).toBe(env.ids.districtA);
    expect(p.districts.map((d: { id: number }) => d.id)).toEqual([env.ids.districtA]);
    expect(p.schools.map((s: { id: number }) => s.id)).toEqual(expect.arrayContaining([env.ids.schoolA, env.ids.schoolB]));
    expect(p.schools.some((s: { id: number }) => s.id === env.ids.schoolC)).toBe(false);
    expect(p.target.canEdit).toBe(false);
    const rec = await district.get(`/api/v1/supervision/targets/${targetId}/schools/${env.ids.schoolA}/records`);
    expect(rec.statusCode, rec.body).toBe(200);
    expect(rec.json()).toMatchObject({ school: { id: env.ids.schoolA }, figure: { numerator: 1, denominator: 1, value: 100 }, rows: [{ name: '测试辅导室', rating: '达标' }] });
    expect((await district.get(`/api/v1/supervision/targets/${targetId}/schools/${env.ids.schoolC}/records`)).statusCode).toBe(404);
    expect((await district.get(`/api/v1/supervision/targets/${targetId}/progress?districtId=${env.ids.districtB}`)).statusCode).toBe(404);
    expect(await count(sql`select count(*)::int as n from audit_log where action = 'supervision.records.read'`)).toBe(1);
  });

  it('a district adds its own target; the other district does not see it; nobody else edits the city\'s', async () => {
    const r = await district.post('/api/v1/supervision/targets', { clientId: randomUUID(), year: Y, list: 2, task: '区级：转介反馈率不低于80%', metricKey: 'referral_feedback_share', comparator: 'at_least', targetValue: 80 });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ ownerKind: 'district', ownerUnitId: env.ids.districtA, progress: null });
    const own = r.json().id;
    const mine = (await district.get(`/api/v1/supervision/targets?year=${Y}`)).json();
    expect(mine.items.map((x: { id: string }) => x.id)).toEqual(expect.arrayContaining([targetId, own]));
    expect(mine.items.find((x: { id: string }) => x.id === own).progress).toMatchObject({ numerator: 1, denominator: 2, value: 50, met: false });
    expect((await otherDistrict.get(`/api/v1/supervision/targets/${own}`)).statusCode).toBe(404);
    expect((await otherDistrict.get(`/api/v1/supervision/targets?year=${Y}`)).json().items.some((x: { id: string }) => x.id === own)).toBe(false);
    expect((await otherDistrict.put(`/api/v1/supervision/targets/${own}`, { targetValue: 1 })).statusCode).toBe(404);
    expect((await district.put(`/api/v1/supervision/targets/${targetId}`, { targetValue: 1 })).statusCode).toBe(404);
    expect((await city.get(`/api/v1/supervision/targets/${own}`)).statusCode).toBe(200);
  });

  it('a school leader reads progress of the own school only and cannot set targets', async () => {
    expect((await leader.post('/api/v1/supervision/targets', { clientId: randomUUID(), year: Y, list: 1, task: 'x' })).statusCode).toBe(403);
    expect((await leader.put(`/api/v1/supervision/targets/${targetId}`, { task: 'x' })).statusCode).toBe(403);
    const p = (await leader.get(`/api/v1/supervision/targets/${targetId}/progress`)).json();
    expect(p.area).toMatchObject({ numerator: 1, denominator: 1 });
    expect((await leader.get(`/api/v1/supervision/targets/${targetId}/schools/${env.ids.schoolB}/records`)).statusCode).toBe(404);
    const student = await env.login('student');
    for (const url of [`/api/v1/supervision/targets?year=${Y}`, '/api/v1/supervision/metrics', `/api/v1/supervision/targets/${targetId}/progress`, `/api/v1/supervision/funding?year=${Y}`, `/api/v1/supervision/rating-schemes/${Y}`, `/api/v1/supervision/ratings?year=${Y}`]) {
      expect((await student.get(url)).statusCode, url).toBe(403);
    }
    expect((await leader.get('/api/v1/supervision/funding/template')).statusCode).toBe(403);
  });
});

describe('small cells', () => {
  it('a coverage counting 1–4 students is suppressed outside the school (progress and records), shown to the school itself', async () => {
    const { schoolA, schoolB } = env.ids;
    const r = await city.post('/api/v1/supervision/targets', { clientId: randomUUID(), year: Y, list: 1, task: '心理测评覆盖率达95%', metricKey: 'screening_coverage', comparator: 'at_least', targetValue: 95 });
    expect(r.statusCode, r.body).toBe(200);
    const id = r.json().id;
    const p = (await district.get(`/api/v1/supervision/targets/${id}/progress`)).json();
    const hidden = { numerator: null, denominator: null, value: null, met: null, progress: null, target: 95, suppressed: true };
    // school A: 4 screened, school B: 1 — both hidden, so neither is the district's total minus the rest
    expect(p.schools.find((s: { id: number }) => s.id === schoolA)).toMatchObject(hidden);
    expect(p.schools.find((s: { id: number }) => s.id === schoolB)).toMatchObject(hidden);
    expect(p.schools.filter((s: { id: number }) => s.id !== schoolA && s.id !== schoolB).every((s: { suppressed: boolean; numerator: number }) => !s.suppressed && s.numerator === 0)).toBe(true);
    expect(p.area).toMatchObject({ numerator: 5, suppressed: false });
    const rec = (await district.get(`/api/v1/supervision/targets/${id}/schools/${schoolB}/records`)).json();
    expect(rec.figure).toMatchObject(hidden);
    expect(JSON.stringify(rec.rows)).not.toMatch(/"screened":1\b/);
    // the school leader reads the own school's figure as it is
    const own = (await leader.get(`/api/v1/supervision/targets/${id}/progress`)).json();
    expect(own.area).toMatchObject({ numerator: 4, denominator: gradeCount.a, suppressed: false });
    expect((await leader.get(`/api/v1/supervision/targets/${id}/schools/${schoolA}/records`)).json().figure).toMatchObject({ numerator: 4, suppressed: false });
    // a metric that counts rooms, not students, is never suppressed
    const rooms = (await district.get(`/api/v1/supervision/targets/${targetId}/progress`)).json();
    expect(rooms.schools.find((s: { id: number }) => s.id === schoolB)).toMatchObject({ numerator: 1, denominator: 1, suppressed: false });
  });
});

describe('funding', () => {
  const upload = async (s: Session, data: string[][]) => {
    const buf = await xlsxBuffer('经费', ['学校名称', '年度', '金额（元）', '来源', '用途'].map((header, i) => ({ header, width: 10, value: (r: string[]) => r[i] ?? null })), data);
    const fd = new FormData();
    fd.append('file', new Blob([buf]), '经费.xlsx');
    const req = new Request('http://local/', { method: 'POST', body: fd });
    return env.app.inject({ method: 'POST', url: '/api/v1/supervision/funding/import', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': req.headers.get('content-type')! }, payload: Buffer.from(await req.arrayBuffer()) });
  };
  const schoolName = async (id: number) => (await rows<{ name: string }>(env.deps.db, sql`select name from org_units where id = ${id}`))[0]!.name;

  it('an import with a bad row imports nothing and names row and column', async () => {
    const before = await count(sql`select count(*)::int as n from supervision_funding`);
    const res = await upload(district, [[await schoolName(env.ids.schoolB), '2025', '800', '区财政', ''], [await schoolName(env.ids.schoolC), '2025', '-5', '', '']]);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.fields).toEqual({ '第 3 行「学校名称」': `“${await schoolName(env.ids.schoolC)}”不是您辖区内的学校`, '第 3 行「金额（元）」': '金额应为大于 0 的数字（单位：元）' });
    expect(await count(sql`select count(*)::int as n from supervision_funding`)).toBe(before);
    // two schools of the area under one name: the row must give the school's code
    const twin = (await rows<{ id: number; name: string }>(env.deps.db, sql`select id, name from org_units where kind = 'school' and parent_id = ${env.ids.districtA} and id <> ${env.ids.schoolB} order by id limit 1`))[0]!;
    const nameB = await schoolName(env.ids.schoolB);
    await env.deps.db.execute(sql`update org_units set name = ${nameB} where id = ${twin.id}`);
    try {
      const twice = await upload(district, [[nameB, '2025', '800', '', '']]);
      expect(twice.statusCode).toBe(400);
      expect(twice.json().error.fields).toEqual({ '第 2 行「学校名称」': `辖区内有多所学校名为“${nameB}”，请改填学校代码` });
    } finally {
      await env.deps.db.execute(sql`update org_units set name = ${twin.name} where id = ${twin.id}`);
    }
  });

  it('a good file is imported; the list shows yuan per student against 10', async () => {
    const res = await upload(district, [[await schoolName(env.ids.schoolB), '2025', '1,200', '区财政', '团辅活动']]);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ imported: 1 });
    const list = (await district.get(`/api/v1/supervision/funding?year=${Y}`)).json();
    const a = list.schools.find((s: { schoolId: number }) => s.schoolId === env.ids.schoolA);
    expect(a).toMatchObject({ amountYuan: 1500.5, students: activeCount.a });
    expect(a.met).toBe(1500.5 / activeCount.a >= 10);
    expect(list.schools.some((s: { schoolId: number }) => s.schoolId === env.ids.schoolC)).toBe(false);
    expect(list.records).toHaveLength(3);
    expect((await otherDistrict.post('/api/v1/supervision/funding', { clientId: randomUUID(), schoolId: env.ids.schoolA, year: Y, amountYuan: 1 })).statusCode).toBe(404);
    expect((await otherDistrict.del(`/api/v1/supervision/funding/${list.records[0].id}`)).statusCode).toBe(404);
    expect((await leader.post('/api/v1/supervision/funding', { clientId: randomUUID(), schoolId: env.ids.schoolA, year: Y, amountYuan: 1 })).statusCode).toBe(403);
  });
});

describe('model-school rating', () => {
  const scheme = {
    title: '2025年心理健康教育示范校评估',
    modelThreshold: 90,
    qualifiedThreshold: 70,
    criteria: [
      { id: 'room', dimension: 'services', title: '心理辅导室达标', weight: 40, maxScore: 10, metricKey: 'room_qualified_share', metricTarget: 100 },
      { id: 'course', dimension: 'courses', title: '心理健康课开设', weight: 60, maxScore: 20 },
    ],
  };
  let evalId: string;

  it('the city sets the scheme; a district cannot; bad schemes are refused by field', async () => {
    expect((await district.put(`/api/v1/supervision/rating-schemes/${Y}`, scheme)).statusCode).toBe(403);
    const bad = await city.put(`/api/v1/supervision/rating-schemes/${Y}`, { ...scheme, modelThreshold: 60 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields.modelThreshold).toBe('示范线不能低于达标线');
    const r = await city.put(`/api/v1/supervision/rating-schemes/${Y}`, scheme);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ year: Y, canManage: true });
  });

  it('the school leader self-evaluates (metric criterion pre-filled) and submits; another school\'s leader cannot', async () => {
    const g = (await leader.get(`/api/v1/supervision/ratings/schools/${env.ids.schoolA}?year=${Y}`)).json();
    expect(g).toMatchObject({ status: 'none', metricValues: { room_qualified_share: 100 }, canSubmit: true, self: { room: { score: 10 } } });
    expect((await otherLeader.put(`/api/v1/supervision/ratings/schools/${env.ids.schoolA}`, { year: Y, self: {}, submit: true })).statusCode).toBe(404);
    expect((await otherLeader.get(`/api/v1/supervision/ratings/schools/${env.ids.schoolA}?year=${Y}`)).statusCode).toBe(404);
    const over = await leader.put(`/api/v1/supervision/ratings/schools/${env.ids.schoolA}`, { year: Y, self: { course: { score: 25 } } });
    expect(over.statusCode).toBe(400);
    expect(over.json().error.fields['self.course.score']).toBe('得分不能超过满分 20');
    const r = await leader.put(`/api/v1/supervision/ratings/schools/${env.ids.schoolA}`, { year: Y, self: { course: { score: 16, evidence: '每两周一节心理健康课', links: ['https://example.org/plan'] } }, submit: true });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ status: 'submitted', selfTotal: 88, canSubmit: false });
    evalId = r.json().id;
    expect((await leader.put(`/api/v1/supervision/ratings/schools/${env.ids.schoolA}`, { year: Y, self: {} })).statusCode).toBe(409);
  });

  it('the district reviews in its scope: another district gets 404; approve fixes total and result', async () => {
    const review = { decision: 'approve', review: { room: { score: 10 }, course: { score: 20, comment: '课时足' } }, comment: '' };
    expect((await otherDistrict.post(`/api/v1/supervision/ratings/${evalId}/review`, review)).statusCode).toBe(404);
    expect((await leader.post(`/api/v1/supervision/ratings/${evalId}/review`, review)).statusCode).toBe(403);
    const queue = (await district.get(`/api/v1/supervision/ratings?year=${Y}`)).json();
    expect(queue.items.map((i: { id: string }) => i.id)).toEqual([evalId]);
    expect((await otherDistrict.get(`/api/v1/supervision/ratings?year=${Y}`)).json().items).toEqual([]);
    const missing = await district.post(`/api/v1/supervision/ratings/${evalId}/review`, { ...review, review: { room: { score: 10 } } });
    expect(missing.statusCode).toBe(400);
    const r = await district.post(`/api/v1/supervision/ratings/${evalId}/review`, review);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ status: 'approved', total: 100, result: 'model' });
    expect((await district.post(`/api/v1/supervision/ratings/${evalId}/review`, review)).statusCode).toBe(409);
    expect(await count(sql`select count(*)::int as n from audit_log where action in ('rating.submit', 'rating.approve') and object_id = ${evalId}`)).toBe(2);
  });
});
