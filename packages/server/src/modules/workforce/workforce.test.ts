// Workforce: certificates and training of a school's counselors and head teachers, the per-school
// figures (staffing rule, certification, levels, hours) and who may read or change them; the metrics
// against a hand-computed fixture (a school of exactly 1,000 students, an expired certificate).
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import { setupTestEnv, type Session, type TestEnv } from '../../test/fixture.js';
import { sheet, xlsxWorkbook } from '../../lib/xlsx-export.js';
import { newTotpSecret } from '../auth/totp.js';
import type { MetricContext } from '../supervision/metric-types.js';
import { workforceMetrics } from './metrics.js';

let env: TestEnv;
let leader: Session;
let counselor: Session;
let district: Session;
let otherLeader: Session;
let otherDistrict: Session;
let head: Session;
let parent: Session;
let counselorStaff: string;
let headStaff: string;
let counselorCert: string;
const school: Record<'X' | 'Y' | 'Z', number> = { X: 0, Y: 0, Z: 0 };
const staffOf: Record<string, string> = {};
let seeded: { certs: number; trainings: number; attendees: number; demo: number; studios: number };

const count = async (q: ReturnType<typeof sql>) => (await rows<{ n: number }>(env.deps.db, q))[0]!.n;
const cert = (staffId: string, extra: Record<string, unknown> = {}) => ({ clientId: randomUUID(), staffId, kind: 'mh_teacher', level: 'C', number: `XL-${Math.floor(Math.random() * 1e6)}`, issuer: '临江市教育局', issuedOn: '2024-06-01', ...extra });

async function mkSchool(name: string, code: string): Promise<number> {
  const [u] = await rows<{ id: number }>(env.deps.db, sql`insert into org_units (region_id, kind, parent_id, path, name, code, school_kind)
    select region_id, 'school', id, path, ${name}, ${code}, 'junior' from org_units where id = ${env.ids.districtA} returning id`);
  await env.deps.db.execute(sql`update org_units set path = path || id::text || '/' where id = ${u!.id}`);
  return Number(u!.id);
}

let phoneNo = 0;
async function mkStaff(key: string, schoolId: number, posts: string[]): Promise<string> {
  phoneNo += 1;
  const [s] = await rows<{ id: string }>(env.deps.db, sql`insert into staff (region_id, school_id, org_path, name, phone)
    select region_id, id, path, ${`教师${key}`}, ${`1990000${String(phoneNo).padStart(4, '0')}`} from org_units where id = ${schoolId} returning id`);
  await env.deps.db.execute(sql`insert into staff_posts (staff_id, region_id, post) select ${s!.id}, region_id, u.post from org_units, unnest(${sql.param(posts)}::text[]) as u(post) where id = ${schoolId}`);
  staffOf[key] = s!.id;
  return s!.id;
}

beforeAll(async () => {
  env = await setupTestEnv();
  seeded = (await rows<{ certs: number; trainings: number; attendees: number; demo: number; studios: number }>(env.deps.db, sql`select
    (select count(*)::int from workforce_certificates) as certs, (select count(*)::int from workforce_trainings) as trainings,
    (select count(*)::int from workforce_training_attendees) as attendees, (select count(*)::int from workforce_studios) as studios,
    (select count(*)::int from workforce_certificates c join accounts a on a.staff_id = c.staff_id where a.username = 'counselor') as demo`))[0]!;
  // these tests build their own records: the demo's (seed/demo-workforce.ts) go first
  await env.deps.db.execute(sql`delete from workforce_studio_members`);
  await env.deps.db.execute(sql`delete from workforce_studios`);
  await env.deps.db.execute(sql`delete from workforce_training_attendees`);
  await env.deps.db.execute(sql`delete from workforce_trainings`);
  await env.deps.db.execute(sql`delete from workforce_certificates`);
  await env.addAccount('leader.other', [{ role: 'school_leader', orgUnitId: env.ids.schoolB }]);
  const id = await env.addAccount('districtb.admin', [{ role: 'bureau_admin', orgUnitId: env.ids.districtB }]);
  await env.deps.db.execute(sql`update accounts set totp_secret = ${newTotpSecret()} where id = ${id}`);
  [leader, counselor, district, otherLeader, otherDistrict, head, parent] = await Promise.all([
    env.login('school.leader'), env.login('counselor'), env.login('district.admin'), env.login('leader.other'), env.login('districtb.admin'), env.login('head.teacher'), env.login('parent'),
  ]);
  counselorStaff = (await rows<{ id: string }>(env.deps.db, sql`select staff_id as id from accounts where username = 'counselor'`))[0]!.id;
  headStaff = (await rows<{ id: string }>(env.deps.db, sql`select staff_id as id from accounts where username = 'head.teacher'`))[0]!.id;
  // the hand-computed fixture: three new schools of district A
  school.X = await mkSchool('测试学校X', 'TX1');
  school.Y = await mkSchool('测试学校Y', 'TY1');
  school.Z = await mkSchool('测试学校Z', 'TZ1');
  await mkStaff('x1', school.X, ['counselor_full']);
  await mkStaff('x2', school.X, ['counselor_part', 'head_teacher', 'subject_teacher']);
  await mkStaff('x3', school.X, ['counselor_full']);
  await mkStaff('x4', school.X, ['head_teacher']);
  await mkStaff('x5', school.X, ['head_teacher']);
  await mkStaff('y1', school.Y, ['counselor_full']);
  await mkStaff('y2', school.Y, ['head_teacher']);
  await mkStaff('z1', school.Z, ['head_teacher']);
}, 120_000);
afterAll(async () => env?.close());

describe('the demo seed', () => {
  it('seeds certificates, three trainings and a studio for the demo district', () => {
    expect(seeded.certs).toBeGreaterThan(2);
    expect(seeded.demo).toBe(2);
    expect(seeded.trainings).toBe(3);
    expect(seeded.attendees).toBeGreaterThan(3);
    expect(seeded.studios).toBe(1);
  });
});

describe('certificates', () => {
  it('the school leader records a certificate; a retry with the same clientId stores one; audited', async () => {
    const body = cert(counselorStaff, { level: 'B', number: 'XL-2024-0001', expiresOn: '2029-06-01', evidence: '证书复印件已存档' });
    const a = await leader.post('/api/v1/workforce/certificates', body);
    expect(a.statusCode, a.body).toBe(200);
    const b = await leader.post('/api/v1/workforce/certificates', body);
    expect(b.json().id).toBe(a.json().id);
    counselorCert = a.json().id;
    expect(a.json()).toMatchObject({ kind: 'mh_teacher', level: 'B', number: 'XL-2024-0001', status: 'valid' });
    expect(await count(sql`select count(*)::int as n from workforce_certificates where staff_id = ${counselorStaff}`)).toBe(1);
    expect(await count(sql`select count(*)::int as n from audit_log where action = 'workforce.certificate.create' and object_id = ${counselorCert}`)).toBe(1);
  });

  it('bad input is refused field by field in Chinese, nothing stored', async () => {
    const r = await leader.post('/api/v1/workforce/certificates', cert(headStaff, { level: null, issuedOn: '2027-01-01', expiresOn: '2026-01-01' }));
    expect(r.statusCode).toBe(400);
    expect(r.json().error.fields).toMatchObject({ level: '请选择证书等级（C、B 或 A 证）', issuedOn: '发证日期不能晚于今天', expiresOn: '有效期至不能早于发证日期' });
    const r2 = await leader.post('/api/v1/workforce/certificates', cert(headStaff, { number: '', issuedOn: '2024-13-01' }));
    expect(r2.statusCode).toBe(400);
    expect(r2.json().error.fields.number).toBe('请填写证书编号');
    expect(await count(sql`select count(*)::int as n from workforce_certificates where staff_id = ${headStaff}`)).toBe(0);
    const ok = await leader.post('/api/v1/workforce/certificates', cert(headStaff, { kind: 'family_guidance', level: null, number: 'JT-77' }));
    expect(ok.statusCode, ok.body).toBe(200);
  });

  it('a counselor sees the school\'s list; certificate numbers only their own; managers see all numbers', async () => {
    const r = await counselor.get(`/api/v1/workforce/schools/${env.ids.schoolA}`);
    expect(r.statusCode, r.body).toBe(200);
    const s = r.json();
    expect(s.canManage).toBe(false);
    const me = s.people.find((p: { staffId: string }) => p.staffId === counselorStaff);
    const ht = s.people.find((p: { staffId: string }) => p.staffId === headStaff);
    expect(me.certificates[0]).toMatchObject({ number: 'XL-2024-0001', evidence: '证书复印件已存档' });
    expect(me.bestLevel).toBe('B');
    expect(ht.certificates[0]).toMatchObject({ kind: 'family_guidance', number: null, evidence: null });
    expect(ht).toMatchObject({ headTeacher: true, certified: true, classNames: ['七年级1班'] });
    const l = (await leader.get(`/api/v1/workforce/schools/${env.ids.schoolA}`)).json();
    expect(l.canManage).toBe(true);
    expect(l.people.find((p: { staffId: string }) => p.staffId === headStaff).certificates[0].number).toBe('JT-77');
    expect(await count(sql`select count(*)::int as n from audit_log where action = 'workforce.read_certificates' and object_id = ${String(env.ids.schoolA)}`)).toBeGreaterThanOrEqual(2);
  });

  it('withdrawing a certificate: it stops counting; another school cannot', async () => {
    const extra = (await leader.post('/api/v1/workforce/certificates', cert(counselorStaff, { level: 'A' }))).json();
    expect((await otherLeader.del(`/api/v1/workforce/certificates/${extra.id}`)).statusCode).toBe(404);
    expect((await leader.get(`/api/v1/workforce/schools/${env.ids.schoolA}`)).json().people.find((p: { staffId: string }) => p.staffId === counselorStaff).bestLevel).toBe('A');
    expect((await leader.del(`/api/v1/workforce/certificates/${extra.id}`)).statusCode).toBe(200);
    expect((await leader.del(`/api/v1/workforce/certificates/${extra.id}`)).statusCode).toBe(404);
    expect((await leader.get(`/api/v1/workforce/schools/${env.ids.schoolA}`)).json().people.find((p: { staffId: string }) => p.staffId === counselorStaff).bestLevel).toBe('B');
    expect(await count(sql`select count(*)::int as n from audit_log where action = 'workforce.certificate.withdraw' and object_id = ${extra.id}`)).toBe(1);
  });
});

describe('training (轮训)', () => {
  it('one training for several people; a retry stores one; hours per person by level', async () => {
    const body = { clientId: randomUUID(), title: '心理健康教育骨干教师培训', date: '2026-10-12', level: 'city', hours: 12.5, provider: '临江市教育局', staffIds: [counselorStaff, headStaff] };
    const a = await leader.post('/api/v1/workforce/trainings', body);
    expect(a.statusCode, a.body).toBe(200);
    const b = await leader.post('/api/v1/workforce/trainings', body);
    expect(b.json().id).toBe(a.json().id);
    expect(a.json().attendees).toHaveLength(2);
    expect(await count(sql`select count(*)::int as n from workforce_training_attendees where training_id = ${a.json().id}`)).toBe(2);
    expect(await count(sql`select count(*)::int as n from workforce_trainings where client_id = ${body.clientId}`)).toBe(1);
    await leader.post('/api/v1/workforce/trainings', { ...body, clientId: randomUUID(), title: '校本培训', date: '2026-03-02', level: 'school', hours: 2, staffIds: [counselorStaff] });
    await leader.post('/api/v1/workforce/trainings', { ...body, clientId: randomUUID(), title: '去年的培训', date: '2025-12-30', level: 'national', hours: 30, staffIds: [counselorStaff] });
    const me = (await counselor.get(`/api/v1/workforce/schools/${env.ids.schoolA}`)).json().people.find((p: { staffId: string }) => p.staffId === counselorStaff);
    expect(me.hours).toEqual({ national: 0, provincial: 0, city: 12.5, county: 0, school: 2, total: 14.5 });
    const list = (await counselor.get(`/api/v1/workforce/trainings?schoolId=${env.ids.schoolA}&year=2026`)).json();
    expect(list.total).toBe(2);
    expect(list.items.map((t: { title: string }) => t.title)).toEqual(['心理健康教育骨干教师培训', '校本培训']);
  });

  it('bad input: field errors, nothing stored', async () => {
    const before = await count(sql`select count(*)::int as n from workforce_trainings`);
    const r = await leader.post('/api/v1/workforce/trainings', { clientId: randomUUID(), title: '', date: '2026-11-20', level: 'town', hours: -1, staffIds: [] });
    expect(r.statusCode).toBe(400);
    expect(Object.keys(r.json().error.fields).sort()).toEqual(['hours', 'level', 'staffIds', 'title']);
    const f = await leader.post('/api/v1/workforce/trainings', { clientId: randomUUID(), title: '未来', date: '2026-12-20', level: 'school', hours: 1, staffIds: [counselorStaff] });
    expect(f.json().error.fields.date).toBe('培训日期不能晚于今天');
    expect(await count(sql`select count(*)::int as n from workforce_trainings`)).toBe(before);
  });

  it('the bureau records one training across schools of its area', async () => {
    const r = await district.post('/api/v1/workforce/trainings', { clientId: randomUUID(), title: '区级班主任心理健康能力轮训', date: '2026-11-01', level: 'county', hours: 8, staffIds: [headStaff, staffOf.x2!, staffOf.y2!] });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().attendees).toHaveLength(3);
    expect(await count(sql`select count(*)::int as n from audit_log where action = 'workforce.training.create' and object_id = ${r.json().id}`)).toBe(3);
    // the school leader of A sees the training with A's attendee only
    const list = (await leader.get('/api/v1/workforce/trainings?year=2026')).json();
    const t = list.items.find((x: { id: string }) => x.id === r.json().id);
    expect(t.attendees.map((a: { staffId: string }) => a.staffId)).toEqual([headStaff]);
  });
});

describe('who cannot', () => {
  it('another school\'s leader: 404 for the school, its staff, certificates and trainings', async () => {
    expect((await otherLeader.get(`/api/v1/workforce/schools/${env.ids.schoolA}`)).statusCode).toBe(404);
    expect((await otherLeader.post('/api/v1/workforce/certificates', cert(counselorStaff))).statusCode).toBe(404);
    expect((await otherLeader.post('/api/v1/workforce/trainings', { clientId: randomUUID(), title: 'x', date: '2026-11-01', level: 'school', hours: 1, staffIds: [counselorStaff] })).statusCode).toBe(404);
    expect((await otherLeader.del(`/api/v1/workforce/certificates/${counselorCert}`)).statusCode).toBe(404);
    expect((await otherLeader.get(`/api/v1/workforce/trainings?schoolId=${env.ids.schoolA}`)).statusCode).toBe(404);
    expect((await otherLeader.get('/api/v1/workforce/trainings')).json().items).toEqual([]);
    const o = (await otherLeader.get('/api/v1/workforce/overview')).json();
    expect(o.schools.map((s: { schoolId: number }) => s.schoolId)).toEqual([env.ids.schoolB]);
    expect(await count(sql`select count(*)::int as n from workforce_certificates where staff_id = ${counselorStaff} and withdrawn_at is null`)).toBe(1);
  });

  it('another district\'s bureau: 404; a counselor may not write; head teachers and parents: 403', async () => {
    expect((await otherDistrict.get(`/api/v1/workforce/overview?unitId=${env.ids.districtA}`)).statusCode).toBe(404);
    expect((await otherDistrict.get(`/api/v1/workforce/schools/${env.ids.schoolA}`)).statusCode).toBe(404);
    expect((await otherDistrict.post('/api/v1/workforce/certificates', cert(counselorStaff))).statusCode).toBe(404);
    expect((await counselor.post('/api/v1/workforce/certificates', cert(counselorStaff))).statusCode).toBe(403);
    expect((await counselor.post('/api/v1/workforce/trainings', { clientId: randomUUID(), title: 'x', date: '2026-11-01', level: 'school', hours: 1, staffIds: [counselorStaff] })).statusCode).toBe(403);
    expect((await counselor.del(`/api/v1/workforce/certificates/${counselorCert}`)).statusCode).toBe(403);
    for (const s of [head, parent]) {
      expect((await s.get('/api/v1/workforce/overview')).statusCode).toBe(403);
      expect((await s.get(`/api/v1/workforce/schools/${env.ids.schoolA}`)).statusCode).toBe(403);
      expect((await s.get('/api/v1/workforce/trainings')).statusCode).toBe(403);
      expect((await s.post('/api/v1/workforce/certificates', cert(headStaff))).statusCode).toBe(403);
      expect((await s.post('/api/v1/workforce/trainings', { clientId: randomUUID(), title: 'x', date: '2026-11-01', level: 'school', hours: 1, staffIds: [headStaff] })).statusCode).toBe(403);
    }
  });
});

describe('training import (.xlsx)', () => {
  type Row = (string | number | null)[];
  const HEAD = ['培训名称', '培训日期', '级别', '学时', '主办单位', '姓名', '手机号'];
  const xlsx = (rows: Row[]) => xlsxWorkbook([sheet<Row>({ name: '培训', preamble: ['江城区教师培训登记表'], columns: HEAD.map((h, i) => ({ header: h, width: 12, value: (r) => r[i] ?? null })), items: rows })]);
  const upload = async (s: Session, file: Buffer, clientId: string, name = '培训.xlsx') => {
    const b = `----xinyu${randomUUID()}`;
    const body = Buffer.concat([
      Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`), file, Buffer.from(`\r\n--${b}--\r\n`),
    ]);
    return env.app.inject({ method: 'POST', url: `/api/v1/workforce/trainings/import?clientId=${clientId}`, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': `multipart/form-data; boundary=${b}` }, payload: body });
  };
  let people: { name: string; phone: string }[] = [];
  beforeAll(async () => {
    people = await rows<{ name: string; phone: string }>(env.deps.db, sql`select name, phone from staff where id in (${counselorStaff}, ${headStaff}) order by name`);
  });

  it('any wrong row: every problem by row and column, nothing imported', async () => {
    const before = await count(sql`select count(*)::int as n from workforce_trainings`);
    const r = await upload(leader, await xlsx([
      ['危机干预专题培训', '2026-09-01', '市级', 6, '临江市教育局', people[0]!.name, people[0]!.phone],
      ['危机干预专题培训', '2026-09-01', '乡级', 6, '临江市教育局', '不对的名字', people[1]!.phone],
      ['校本研修', '2026/10/8', '校级', 2, '', '某人', '13900000000'],
    ]), randomUUID());
    expect(r.statusCode, r.body).toBe(400);
    expect(r.json().error.message).toBe('文件中有 2 处错误，未导入任何数据');
    expect(r.json().error.fields).toEqual({
      '第4行·级别': '第 4 行「级别」：应为国家级、省级、市级、县级或校级，而不是「乡级」',
      '第5行·手机号': '第 5 行「手机号」：找不到手机号为 13900000000 的在职教职工，或不在您的管理范围内',
    });
    expect(await count(sql`select count(*)::int as n from workforce_trainings`)).toBe(before);
    const wrongName = await upload(leader, await xlsx([['危机干预专题培训', '2026-09-01', '市级', 6, '', '不对的名字', people[1]!.phone]]), randomUUID());
    expect(Object.values(wrongName.json().error.fields)).toEqual([`第 3 行「姓名」：手机号 ${people[1]!.phone} 对应的教职工是「${people[1]!.name}」，与「不对的名字」不一致`]);
    expect((await upload(leader, Buffer.from('not a spreadsheet'), randomUUID(), 'a.xls')).json().error.fields.file).toContain('只支持 .xlsx');
  });

  it('a good file: rows of one training become one training; a retry imports nothing twice; another school cannot', async () => {
    const file = await xlsx([
      ['危机干预专题培训', '2026-09-01', '市级', 6, '临江市教育局', people[0]!.name, people[0]!.phone],
      ['危机干预专题培训', '2026-09-01', '市级', 6, '临江市教育局', people[1]!.name, people[1]!.phone],
      ['校本研修', '2026/10/8', '校级', 2, '', people[0]!.name, people[0]!.phone],
      [null, null, null, null, null, null, null],
    ]);
    const clientId = randomUUID();
    const a = await upload(leader, file, clientId);
    expect(a.statusCode, a.body).toBe(200);
    expect(a.json()).toEqual({ trainings: 2, attendees: 3, rows: 3 });
    const b = await upload(leader, file, clientId);
    expect(b.json()).toMatchObject({ trainings: 0, attendees: 0 });
    expect(await count(sql`select count(*)::int as n from workforce_trainings where title = '危机干预专题培训'`)).toBe(1);
    expect(await count(sql`select count(*)::int as n from workforce_training_attendees a join workforce_trainings t on t.id = a.training_id where t.title = '危机干预专题培训'`)).toBe(2);
    expect(await count(sql`select count(*)::int as n from audit_log where action = 'workforce.training.import' and object_id = ${clientId}`)).toBe(1);
    const other = await upload(otherLeader, file, randomUUID());
    expect(other.statusCode).toBe(400);
    expect(Object.keys(other.json().error.fields)).toEqual(['第3行·手机号', '第4行·手机号', '第5行·手机号']);
    expect((await upload(counselor, file, randomUUID())).statusCode).toBe(403);
  });
});

describe('master-teacher studios (名师工作室)', () => {
  it('the bureau creates a studio across schools; a retry stores one; each school sees its members; others cannot', async () => {
    const body = { clientId: randomUUID(), name: '江城区心理健康教育名师工作室', level: 'county', leaderStaffId: counselorStaff, memberStaffIds: [headStaff, staffOf.x1!, counselorStaff], foundedYear: 2024 };
    const a = await district.post('/api/v1/workforce/studios', body);
    expect(a.statusCode, a.body).toBe(200);
    expect((await district.post('/api/v1/workforce/studios', body)).json().id).toBe(a.json().id);
    expect(a.json()).toMatchObject({ memberCount: 2, leader: { staffId: counselorStaff } });
    expect(await count(sql`select count(*)::int as n from workforce_studio_members where studio_id = ${a.json().id}`)).toBe(3);
    expect(await count(sql`select count(*)::int as n from audit_log where action = 'workforce.studio.create' and object_id = ${a.json().id}`)).toBe(1);
    const mine = (await counselor.get(`/api/v1/workforce/studios?schoolId=${env.ids.schoolA}`)).json();
    expect(mine.items).toHaveLength(1);
    expect(mine.items[0].members.map((m: { staffId: string }) => m.staffId)).toEqual([headStaff]);
    expect((await otherLeader.get('/api/v1/workforce/studios')).json().items).toEqual([]);
    expect((await otherLeader.get(`/api/v1/workforce/studios?schoolId=${env.ids.schoolA}`)).statusCode).toBe(404);
    expect((await leader.post('/api/v1/workforce/studios', { ...body, clientId: randomUUID() })).statusCode).toBe(404); // x1 is not the leader's school
    expect((await counselor.post('/api/v1/workforce/studios', { ...body, clientId: randomUUID() })).statusCode).toBe(403);
    expect((await head.get('/api/v1/workforce/studios')).statusCode).toBe(403);
    const bad = await district.post('/api/v1/workforce/studios', { ...body, clientId: randomUUID(), name: '', level: 'province', foundedYear: 2030 });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json().error.fields).sort()).toEqual(['level', 'name']);
    expect((await district.post('/api/v1/workforce/studios', { ...body, clientId: randomUUID(), foundedYear: 2030 })).json().error.fields.foundedYear).toBe('成立年份不能晚于今年');
  });
});

describe('figures: the hand-computed fixture', () => {
  beforeAll(async () => {
    // X: x1 full-time A (and an older C, expired but renewed: not a problem); x2 part-time + head teacher, B expired yesterday; x3 full-time C expiring today; x4 head teacher 家庭教育指导; x5 none
    const add = async (key: string, extra: Record<string, unknown>) => {
      const r = await district.post('/api/v1/workforce/certificates', cert(staffOf[key]!, extra));
      expect(r.statusCode, r.body).toBe(200);
    };
    await add('x1', { level: 'A' });
    await add('x1', { level: 'C', issuedOn: '2015-01-01', expiresOn: '2020-01-01' });
    await add('x2', { level: 'B', issuedOn: '2021-01-01', expiresOn: '2026-11-24' });
    await add('x3', { level: 'C', expiresOn: '2026-11-25' });
    await add('x4', { kind: 'family_guidance', level: null });
    await add('y1', { kind: 'psych_counselor', level: null });
  });

  const ctx = (): MetricContext => ({
    deps: env.deps, regionId: env.ids.cityId, year: 2026, from: '2026-01-01', to: '2026-11-25',
    schools: [
      { id: school.X, name: 'X', path: '', districtId: env.ids.districtA, schoolKind: 'junior', students: 1000 },
      { id: school.Y, name: 'Y', path: '', districtId: env.ids.districtA, schoolKind: 'junior', students: 1001 },
      { id: school.Z, name: 'Z', path: '', districtId: env.ids.districtA, schoolKind: 'junior', students: 300 },
    ],
  });

  it('every metric, per school, as numerator / denominator', async () => {
    const c = ctx();
    const got: Record<string, [number, number][]> = {};
    for (const m of workforceMetrics) got[m.key] = (await m.perSchool(c)).map((f) => [f.numerator, f.denominator]);
    expect(got).toEqual({
      schools_with_counselor: [[1, 1], [1, 1], [0, 1]],
      counselor_ratio_compliance: [[1, 1], [0, 1], [0, 1]], // X: 1,000 students need 1 full-time (has 2); Y: 1,001 need 2 (has 1); Z: none
      counselor_certification_rate: [[2, 3], [1, 1], [0, 0]], // x2's B expired yesterday; x3's C expires today and counts
      headteacher_certification_rate: [[1, 3], [0, 1], [0, 1]], // x2 counted once as a head teacher too
      counselor_level_b_share: [[1, 3], [0, 1], [0, 0]],
      counselor_level_a_share: [[1, 3], [0, 1], [0, 0]],
      counselors_per_thousand: [[3, 1000], [1, 1001], [0, 300]],
    });
    expect(new Set(workforceMetrics.map((m) => m.key)).size).toBe(workforceMetrics.length);
  });

  it('the records behind a figure', async () => {
    const m = workforceMetrics.find((x) => x.key === 'counselor_certification_rate')!;
    const r = await m.records(ctx(), school.X);
    expect(r.rows.map((x) => [x.name, x.post, x.certified, x.level])).toEqual([
      ['教师x1', '专职心理教师', '是', 'A 证'], ['教师x2', '兼职心理教师', '否', ''], ['教师x3', '专职心理教师', '是', 'C 证'],
    ]);
    expect(String(r.rows[1]!.certificates)).toContain('已过期');
    const ratio = await workforceMetrics.find((x) => x.key === 'counselor_ratio_compliance')!.records(ctx(), school.Y);
    expect(ratio.rows.at(-1)!.certificates).toBe('学生 1001 人，应配专职心理教师 2 名，现有 1 名');
  });

  it('the overview for the bureau: per school, problems flagged; on a later date the C expiring today no longer counts', async () => {
    const o = (await district.get(`/api/v1/workforce/overview?unitId=${env.ids.districtA}`)).json();
    const x = o.schools.find((s: { schoolId: number }) => s.schoolId === school.X);
    expect(x).toMatchObject({ fullTime: 2, partTime: 1, counselors: 3, counselorsCertified: 2, levelC: 2, levelB: 1, levelA: 1, headTeachers: 3, headTeachersCertified: 1, expiredCertificates: 1, trainingHours: 8 });
    expect(x.problems).toEqual(['1 张证书已过期']);
    expect(o.schools.find((s: { schoolId: number }) => s.schoolId === school.Z)).toMatchObject({ hasCounselor: false, compliant: false, problems: ['未配备心理教师'] });
    expect(o.schools.some((s: { schoolId: number }) => s.schoolId === env.ids.schoolC)).toBe(false);
    expect(o.totals.schools).toBe(o.schools.length);
    expect(o.targets).toEqual({ C: 100, B: 20, A: 10 });
    const earlier = (await district.get(`/api/v1/workforce/overview?unitId=${env.ids.districtA}&asOf=2026-11-24`)).json();
    expect(earlier.schools.find((s: { schoolId: number }) => s.schoolId === school.X)).toMatchObject({ counselorsCertified: 3, levelB: 2, expiredCertificates: 0 });
    // hours count up to the date: X's only training (8 h) was on 2026-11-01; the counselor by 2026-03-02 only the 2 h school training of that day
    const october = (await district.get(`/api/v1/workforce/overview?unitId=${env.ids.districtA}&asOf=2026-10-31`)).json();
    expect(october.schools.find((s: { schoolId: number }) => s.schoolId === school.X).trainingHours).toBe(0);
    const me = (await leader.get(`/api/v1/workforce/schools/${env.ids.schoolA}?asOf=2026-03-02`)).json().people.find((p: { staffId: string }) => p.staffId === counselorStaff);
    expect(me.hours).toMatchObject({ city: 0, school: 2, total: 2 });
    const later = await workforceMetrics.find((m) => m.key === 'counselor_certification_rate')!.perSchool({ ...ctx(), to: '2026-11-26' });
    expect([later[0]!.numerator, later[0]!.denominator]).toEqual([1, 3]);
    expect((await district.get('/api/v1/workforce/overview?asOf=2027-01-01')).statusCode).toBe(400);
  });
});
