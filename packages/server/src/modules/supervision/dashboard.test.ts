// The supervision dashboard: figures are sums of the schools' numerators and denominators (checked
// against a hand-computed fixture metric), alert counts under 5 are suppressed outside the school,
// the bureau sees its area only, a school leader their school, other roles nothing; the export and
// the records drill-down.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import type { Caller } from '../../http/context.js';
import ExcelJS from '../../lib/exceljs.js';
import { setupTestEnv, type Session, type TestEnv } from '../../test/fixture.js';
import { loadAssignments } from '../access/service.js';
import { newTotpSecret } from '../auth/totp.js';
import { dashboard, metricRecords } from './dashboard.js';
import { refreshDashboardCache } from './dashboard-cache.js';
import { dashboardWorkbook } from './exports.js';
import type { MetricDefinition } from './metric-types.js';

let env: TestEnv;
let city: Session;
let district: Session;
let otherDistrict: Session;
let leader: Session;
let counselor: Session;
let head: Session;
let parent: Session;

/** A metric for the fixture: the share of girls among a school's active students, and a count of its classes. */
const girls: MetricDefinition = {
  key: 'test_girls',
  label: { zh: '女生占比', en: 'Girls' },
  unit: 'percent',
  definition: { zh: '在籍女生 / 在籍学生', en: 'girls / students' },
  async perSchool(ctx) {
    const list = await rows<{ school_id: number; n: number; d: number }>(ctx.deps.db, sql`
      select school_id, count(*) filter (where gender = 'female')::int as n, count(*)::int as d from students
      where status = 'active' and school_id = any(${sql.param(ctx.schools.map((s) => s.id))}::int[]) group by school_id`);
    return list.map((r) => ({ schoolId: r.school_id, numerator: r.n, denominator: r.d }));
  },
  async records(ctx, schoolId) {
    const list = await rows<{ student_no: string; name: string }>(ctx.deps.db, sql`select student_no, name from students where school_id = ${schoolId} and status = 'active' and gender = 'female' order by student_no`);
    return { columns: [{ key: 'student_no', title: '学籍号' }, { key: 'name', title: '姓名' }], rows: list };
  },
};
const classes: MetricDefinition = {
  key: 'test_classes',
  label: { zh: '班级数', en: 'Classes' },
  unit: 'count',
  definition: { zh: '在用班级数', en: 'active classes' },
  async perSchool(ctx) {
    const list = await rows<{ school_id: number; n: number }>(ctx.deps.db, sql`
      select g.parent_id as school_id, count(*)::int as n from org_units c join org_units g on g.id = c.parent_id
      where c.kind = 'class' and c.active and g.parent_id = any(${sql.param(ctx.schools.map((s) => s.id))}::int[]) group by g.parent_id`);
    return list.map((r) => ({ schoolId: r.school_id, numerator: r.n, denominator: 1 }));
  },
  records: async () => ({ columns: [], rows: [] }),
};
/** A metric counting students with only three of them, all in school C: small enough to be hidden from the bureau. */
const few: MetricDefinition = {
  key: 'test_few',
  label: { zh: '三名学生', en: 'Three students' },
  unit: 'percent',
  countsStudents: true,
  definition: { zh: '测试', en: 'test' },
  perSchool: async (ctx) => ctx.schools.filter((s) => s.id === env.ids.schoolC).map((s) => ({ schoolId: s.id, numerator: 2, denominator: 3 })),
  records: async () => ({ columns: [], rows: [] }),
};
const METRICS = [girls, classes];

async function callerFor(username: string): Promise<Caller> {
  const [a] = await rows<{ id: string; region_id: number }>(env.deps.db, sql`select id, region_id from accounts where username = ${username}`);
  const assignments = await loadAssignments(env.deps.db, a!.id);
  return {
    accountId: a!.id, username, displayName: username, regionId: a!.region_id, sessionId: 'test', csrfToken: 'test', mustChangePassword: false, totpEnabled: false,
    mfaEnrolmentPending: false, locale: 'zh-CN', assignments, roles: assignments.map((x) => x.role), ip: '127.0.0.1',
  };
}

/** Girls and students of the schools under a path, counted here by hand in one query. */
async function handGirls(path: string) {
  const [r] = await rows<{ n: number; d: number }>(env.deps.db, sql`
    select count(*) filter (where s.gender = 'female')::int as n, count(*)::int as d from students s join org_units u on u.id = s.school_id
    where s.status = 'active' and u.path like ${`${path}%`} and u.active`);
  return { numerator: r!.n, denominator: r!.d, value: r!.d ? Math.round((r!.n / r!.d) * 1000) / 10 : null, suppressed: false };
}
const pathOf = async (id: number) => (await rows<{ path: string }>(env.deps.db, sql`select path from org_units where id = ${id}`))[0]!.path;

beforeAll(async () => {
  env = await setupTestEnv();
  const b = await env.addAccount('districtb.admin', [{ role: 'bureau_admin', orgUnitId: env.ids.districtB }]);
  await env.deps.db.execute(sql`update accounts set totp_secret = ${newTotpSecret()} where id = ${b}`);
  await env.addAccount('leader.c', [{ role: 'school_leader', orgUnitId: env.ids.schoolC }]);
  // alerts of school C: exactly two open red ones; the rest of district B's open alerts closed
  await env.deps.db.execute(sql`update alerts set status = 'closed' where school_id in (select id from org_units where path like ${`${await pathOf(env.ids.districtB)}%`}) and status not in ('dismissed', 'closed')`);
  const two = await rows<{ id: string }>(env.deps.db, sql`select id from students where school_id = ${env.ids.schoolC} and status = 'active' and id not in (select student_id from alerts where status not in ('dismissed', 'closed')) order by student_no limit 2`);
  for (const s of two) {
    await env.deps.db.execute(sql`insert into alerts (region_id, student_id, school_id, source, source_ref, level, evidence) values (${env.ids.cityId}, ${s.id}, ${env.ids.schoolC}, 'teacher', ${`test-${s.id}`}, 'red', '{}'::jsonb)`);
  }
  // one after the other: each TOTP login moves the clock to a fresh step
  city = await env.login('city.admin');
  district = await env.login('district.admin');
  otherDistrict = await env.login('districtb.admin');
  [leader, counselor, head, parent] = await Promise.all([env.login('school.leader'), env.login('counselor'), env.login('head.teacher'), env.login('parent')]);
}, 120_000);
afterAll(async () => env?.close());

describe('figures: sums of the schools, by hand', () => {
  it('the city: each metric is the sum over every school; districts and municipal schools add up to it', async () => {
    const d = await dashboard(env.deps, await callerFor('city.admin'), { year: 2026 }, METRICS);
    expect(d.unit).toMatchObject({ id: env.ids.cityId, kind: 'city' });
    const m = d.metrics.find((x) => x.key === 'test_girls')!;
    expect(m.figure).toEqual(await handGirls(await pathOf(env.ids.cityId)));
    const dA = d.children.find((c) => c.unitId === env.ids.districtA)!;
    expect(dA.kind).toBe('district');
    expect(dA.figures.test_girls).toEqual(await handGirls(await pathOf(env.ids.districtA)));
    // sums, not averages: the children's numerators and denominators add up to the city's
    expect(d.children.reduce((n, c) => n + (c.figures.test_girls!.numerator ?? 0), 0)).toBe(m.figure.numerator);
    expect(d.children.reduce((n, c) => n + (c.figures.test_girls!.denominator ?? 0), 0)).toBe(m.figure.denominator);
    expect(d.children.reduce((n, c) => n + c.students, 0)).toBe(d.students);
    expect(d.children.reduce((n, c) => n + c.schools, 0)).toBe(d.schools);
    // a count metric: the city counts every class
    const [cls] = await rows<{ n: number }>(env.deps.db, sql`select count(*)::int as n from org_units where kind = 'class' and active and region_id = ${env.ids.cityId}`);
    expect(d.metrics.find((x) => x.key === 'test_classes')!.figure.value).toBe(cls!.n);
    // rankings: at most five each, highest first, from the schools' own figures
    expect(m.top.length).toBeLessThanOrEqual(5);
    expect(m.top.map((t) => t.value)).toEqual([...m.top.map((t) => t.value)].sort((a, b) => b - a));
    expect(m.bottom.map((t) => t.value)).toEqual([...m.bottom.map((t) => t.value)].sort((a, b) => a - b));
    if (m.top[0]) expect(m.top[0].value).toBe(Math.round((m.top[0].numerator / m.top[0].denominator) * 1000) / 10);
    // the trend: only years with data (students' figures are this year's) and the year asked for
    expect(m.trend.at(-1)!.year).toBe(2026);
    expect(m.trend.every((p) => p.year <= 2026 && p.year > 2021)).toBe(true);
  });

  it('a district: its schools as children, each with its own figure', async () => {
    const d = await dashboard(env.deps, await callerFor('district.admin'), { unitId: env.ids.districtA, year: 2026 }, METRICS);
    expect(d.children.every((c) => c.kind === 'school')).toBe(true);
    const a = d.children.find((c) => c.unitId === env.ids.schoolA)!;
    expect(a.figures.test_girls).toEqual(await handGirls(await pathOf(env.ids.schoolA)));
    expect(d.parents).toEqual([]); // the district admin cannot open the city
    const fromCity = await dashboard(env.deps, await callerFor('city.admin'), { unitId: env.ids.districtA, year: 2026 }, METRICS);
    expect(fromCity.parents.map((p) => p.id)).toEqual([env.ids.cityId]);
  });

  it('a metric counting students: figures counting 1–4 of them are hidden from the bureau (the school, its district, the rankings), not from the school', async () => {
    const city = await dashboard(env.deps, await callerFor('city.admin'), { year: 2026 }, [few]);
    expect(city.metrics[0]!.figure).toEqual({ numerator: null, denominator: null, value: null, suppressed: true });
    expect(city.children.find((c) => c.unitId === env.ids.districtB)!.figures.test_few).toMatchObject({ suppressed: true, value: null });
    expect(city.children.find((c) => c.unitId === env.ids.districtA)!.figures.test_few).toEqual({ numerator: 0, denominator: 0, value: null, suppressed: false });
    expect(city.metrics[0]!.top).toEqual([]);
    const bureauOnC = await dashboard(env.deps, await callerFor('city.admin'), { unitId: env.ids.schoolC, year: 2026 }, [few]);
    expect(bureauOnC.metrics[0]!.figure.suppressed).toBe(true);
    const own = await dashboard(env.deps, await callerFor('leader.c'), { year: 2026 }, [few]);
    expect(own.metrics[0]!.figure).toEqual({ numerator: 2, denominator: 3, value: 66.7, suppressed: false });
    const out = await dashboardWorkbook(env.deps, await callerFor('city.admin'), { year: 2026 }, [few]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(out.buffer as unknown as ArrayBuffer);
    const cells: unknown[] = [];
    wb.getWorksheet('学校明细')!.eachRow((r) => { if (r.getCell(2).value === '南湖中学') cells.push(...(r.values as unknown[]).slice(5)); });
    expect(cells).toEqual(['<5', '<5', '<5']);
  });

  it('open alerts: suppressed under 5 for the bureau, even on one school’s page; exact for the school’s own leader', async () => {
    const b = await otherDistrict.get(`/api/v1/supervision/dashboard?unitId=${env.ids.districtB}`);
    expect(b.statusCode, b.body).toBe(200);
    expect(b.json().suppressed).toBe(true);
    expect(b.json().alerts).toEqual({ yellow: 0, orange: 0, red: null });
    expect(b.json().children.find((c: { unitId: number }) => c.unitId === env.ids.schoolC).alerts.red).toBeNull();
    const bureauOnSchool = await city.get(`/api/v1/supervision/dashboard?unitId=${env.ids.schoolC}`);
    expect(bureauOnSchool.json().alerts.red).toBeNull();
    const own = await (await env.login('leader.c')).get('/api/v1/supervision/dashboard');
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json().unit.id).toBe(env.ids.schoolC);
    expect(own.json()).toMatchObject({ suppressed: false, alerts: { yellow: 0, orange: 0, red: 2 }, children: [] });
  });
});

describe('the cache of figures', () => {
  it('after a refresh the dashboard reads the same figures from the cache and says when they were computed', async () => {
    const caller = await callerFor('city.admin');
    const live = await dashboard(env.deps, caller, { year: 2026 }, METRICS);
    expect(live.computedAt).toBeNull();
    expect(await refreshDashboardCache(env.deps, Number.POSITIVE_INFINITY, METRICS)).toBeGreaterThanOrEqual(METRICS.length * 5);
    const cached = await dashboard(env.deps, caller, { year: 2026 }, METRICS);
    expect(cached.computedAt).toBe(env.clock.now().toISOString());
    expect(cached.metrics).toEqual(live.metrics);
    expect(cached.children).toEqual(live.children);
    expect(cached.students).toBe(live.students);
    // a district's trend comes from the district totals kept in the cache
    const district = await dashboard(env.deps, caller, { unitId: env.ids.districtA, year: 2026 }, METRICS);
    expect(district.metrics.find((m) => m.key === 'test_girls')!.trend.at(0)).toMatchObject({ year: 2022, ...(await handGirls(await pathOf(env.ids.districtA))) });
    // nothing is due again until it is stale
    expect(await refreshDashboardCache(env.deps, Number.POSITIVE_INFINITY, METRICS)).toBe(0);
    await env.deps.db.execute(sql`delete from supervision_metric_cache_state`);
    await env.deps.db.execute(sql`delete from supervision_metric_cache`);
  });
});

describe('over HTTP with the registered metrics', () => {
  it('the city admin sees the city, each registered metric once, the unit figure the sum of its children', async () => {
    const res = await city.get('/api/v1/supervision/dashboard?year=2026');
    expect(res.statusCode, res.body).toBe(200);
    const d = res.json();
    expect(d.unit.kind).toBe('city');
    expect(d.year).toBe(2026);
    expect(d.to).toBe('2026-11-25');
    for (const m of d.metrics as { key: string; figure: { numerator: number } }[]) {
      expect(d.children.reduce((n: number, c: { figures: Record<string, { numerator: number }> }) => n + c.figures[m.key]!.numerator, 0)).toBeCloseTo(m.figure.numerator, 6);
    }
    expect(Array.isArray(d.screening)).toBe(true);
  });

  it('scope: the district admin sees their district (the default) and not another; the school leader only their school', async () => {
    const own = await district.get('/api/v1/supervision/dashboard');
    expect(own.json().unit.id).toBe(env.ids.districtA);
    expect((await district.get(`/api/v1/supervision/dashboard?unitId=${env.ids.schoolA}`)).statusCode).toBe(200);
    for (const path of [`?unitId=${env.ids.cityId}`, `?unitId=${env.ids.districtB}`, `?unitId=${env.ids.schoolC}`]) {
      expect((await district.get(`/api/v1/supervision/dashboard${path}`)).statusCode).toBe(404);
      expect((await district.get(`/api/v1/supervision/dashboard/export${path}`)).statusCode).toBe(404);
    }
    expect((await otherDistrict.get(`/api/v1/supervision/dashboard?unitId=${env.ids.districtA}`)).statusCode).toBe(404);
    expect((await otherDistrict.get(`/api/v1/supervision/dashboard?unitId=${env.ids.schoolA}`)).statusCode).toBe(404);
    const mine = await leader.get('/api/v1/supervision/dashboard');
    expect(mine.json()).toMatchObject({ unit: { id: env.ids.schoolA, kind: 'school' }, parents: [], children: [] });
    expect(mine.json().metrics.every((m: { top: unknown[] }) => m.top.length === 0)).toBe(true);
    for (const id of [env.ids.cityId, env.ids.districtA, env.ids.schoolB, env.ids.classA]) {
      expect((await leader.get(`/api/v1/supervision/dashboard?unitId=${id}`)).statusCode).toBe(404);
    }
  });

  it('counselor, head teacher and parent have no dashboard, no export and no records (403)', async () => {
    for (const s of [counselor, head, parent]) {
      expect((await s.get('/api/v1/supervision/dashboard')).statusCode).toBe(403);
      expect((await s.get('/api/v1/supervision/dashboard/export')).statusCode).toBe(403);
      expect((await s.get(`/api/v1/supervision/metrics/any/schools/${env.ids.schoolA}/records`)).statusCode).toBe(403);
    }
  });

  it('records: an unknown metric or a school out of scope answers 404; a bad year 400', async () => {
    expect((await leader.get(`/api/v1/supervision/metrics/no_such_metric/schools/${env.ids.schoolA}/records`)).statusCode).toBe(404);
    expect((await leader.get('/api/v1/supervision/dashboard?year=1800')).statusCode).toBe(400);
    const leaderC = await callerFor('school.leader');
    await expect(metricRecords(env.deps, leaderC, 'test_girls', env.ids.schoolC, { page: 1, pageSize: 100 }, METRICS)).rejects.toMatchObject({ statusCode: 404 });
    await expect(metricRecords(env.deps, await callerFor('districtb.admin'), 'test_girls', env.ids.schoolA, { page: 1, pageSize: 100 }, METRICS)).rejects.toMatchObject({ statusCode: 404 });
  });
});

describe('drill-down and export', () => {
  it('the records behind a school’s figure, paged, the figure beside them; the read is audited', async () => {
    const r = await metricRecords(env.deps, await callerFor('district.admin'), 'test_girls', env.ids.schoolA, { year: 2026, page: 1, pageSize: 3 }, METRICS);
    const hand = await handGirls(await pathOf(env.ids.schoolA));
    expect(r.figure).toEqual(hand);
    expect(r.total).toBe(hand.numerator);
    expect(r.rows.length).toBe(Math.min(3, hand.numerator));
    expect(r.school).toMatchObject({ id: env.ids.schoolA, districtName: '江城区' });
    const [a] = await rows<{ n: number }>(env.deps.db, sql`select count(*)::int as n from audit_log where action = 'supervision.records.read' and object_id = 'test_girls'`);
    expect(a!.n).toBe(1);
  });

  it('the export: one row per school with each metric’s value, numerator and denominator; a district summary summing them; the year in the title', async () => {
    const exports = async () => (await rows<{ n: number }>(env.deps.db, sql`select count(*)::int as n from audit_log where action = 'supervision.dashboard.export'`))[0]!.n;
    const before = await exports();
    const out = await dashboardWorkbook(env.deps, await callerFor('city.admin'), { year: 2026 }, METRICS);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(out.buffer as unknown as ArrayBuffer);
    const schools = wb.getWorksheet('学校明细')!;
    expect(String(schools.getRow(1).getCell(1).value)).toContain('2026 年');
    const header = (schools.getRow(3).values as unknown[]).slice(1);
    expect(header).toEqual(['区县', '学校', '学校类型', '学生数', '女生占比（%）', '女生占比·分子', '女生占比·分母', '班级数', '班级数·分子', '班级数·分母']);
    expect(schools.rowCount - 3).toBe(out.schools);
    const rowOf = (name: string) => { let found: unknown[] = []; schools.eachRow((r) => { if (r.getCell(2).value === name) found = (r.values as unknown[]).slice(1); }); return found; };
    const hand = await handGirls(await pathOf(env.ids.schoolA));
    expect(rowOf('江城区实验中学')).toEqual(['江城区', '江城区实验中学', expect.any(String), hand.denominator, hand.value, hand.numerator, hand.denominator, expect.any(Number), expect.any(Number)]);
    const summary = wb.getWorksheet('区县汇总')!;
    let jc: unknown[] = [];
    let total: unknown[] = [];
    summary.eachRow((r) => {
      if (r.getCell(1).value === '江城区') jc = (r.values as unknown[]).slice(1);
      if (r.getCell(1).value === '合计') total = (r.values as unknown[]).slice(1);
    });
    const dA = await handGirls(await pathOf(env.ids.districtA));
    expect(jc.slice(2, 6)).toEqual([dA.denominator, dA.value, dA.numerator, dA.denominator]);
    expect(total.slice(3, 6)).toEqual([(await handGirls(await pathOf(env.ids.cityId))).value, expect.any(Number), expect.any(Number)]);
    expect(await exports()).toBe(before + 1);
  });

  it('the export over HTTP: an .xlsx named after the unit and year', async () => {
    const res = await district.get('/api/v1/supervision/dashboard/export?year=2026');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    expect(decodeURIComponent(String(res.headers['content-disposition']))).toContain('江城区_2026年督导指标.xlsx');
  });
});
