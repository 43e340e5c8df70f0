// The precomputed dashboards (dashboard-snapshot.ts): after the job, a city's and a district's
// dashboard and export are read from their stored rows and equal what the live computation gives on
// the same data; small figures are still hidden per caller (the bureau from the rows, a school's own
// leader live); the page says when the figures were computed, and a change shows after the next
// refresh (ten minutes); target progress reads the same cached figures. The light .xlsx writer is
// read back by ExcelJS.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import type { Caller } from '../../http/context.js';
import ExcelJS from '../../lib/exceljs.js';
import { setupTestEnv, type TestEnv } from '../../test/fixture.js';
import { loadAssignments } from '../access/service.js';
import { dashboard } from './dashboard.js';
import { refreshDashboardCache } from './dashboard-cache.js';
import { snapshotBody, snapshotWorkbook, workbookKeyOf } from './dashboard-snapshot.js';
import { dashboardWorkbook, forgetWrittenWorkbooks } from './exports.js';
import type { MetricDefinition } from './metric-types.js';
import { metricByKey } from './metric-registry.js';
import { listTargets, targetProgressOf } from './targets.js';
import { columnName, lightWorkbook } from './xlsx-light.js';

let env: TestEnv;

/** The share of girls among a school's active students (counts students), and its active classes (a count). */
const girls: MetricDefinition = {
  key: 'test_girls',
  label: { zh: '女生占比', en: 'Girls' },
  unit: 'percent',
  countsStudents: true,
  definition: { zh: '在籍女生 / 在籍学生', en: 'girls / students' },
  async perSchool(ctx) {
    const list = await rows<{ school_id: number; n: number; d: number }>(ctx.deps.db, sql`
      select school_id, count(*) filter (where gender = 'female')::int as n, count(*)::int as d from students
      where status = 'active' and school_id = any(${sql.param(ctx.schools.map((s) => s.id))}::int[]) group by school_id`);
    return list.map((r) => ({ schoolId: r.school_id, numerator: r.n, denominator: r.d }));
  },
  records: async () => ({ columns: [], rows: [] }),
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
/** Counts students: three in school C (hidden from the bureau), 40 in school A, 50 in school B. */
const few: MetricDefinition = {
  key: 'test_few',
  label: { zh: '少数学生', en: 'A few students' },
  unit: 'percent',
  countsStudents: true,
  definition: { zh: '测试', en: 'test' },
  perSchool: async (ctx) => ctx.schools.flatMap((s) => (s.id === env.ids.schoolC ? [{ schoolId: s.id, numerator: 2, denominator: 3 }] : s.id === env.ids.schoolA ? [{ schoolId: s.id, numerator: 30, denominator: 40 }] : s.id === env.ids.schoolB ? [{ schoolId: s.id, numerator: 20, denominator: 50 }] : [])),
  records: async () => ({ columns: [], rows: [] }),
};
const METRICS = [girls, classes, few];

async function callerFor(username: string): Promise<Caller> {
  const [a] = await rows<{ id: string; region_id: number }>(env.deps.db, sql`select id, region_id from accounts where username = ${username}`);
  const assignments = await loadAssignments(env.deps.db, a!.id);
  return {
    accountId: a!.id, username, displayName: username, regionId: a!.region_id, sessionId: 'test', csrfToken: 'test', mustChangePassword: false, totpEnabled: false,
    mfaEnrolmentPending: false, locale: 'zh-CN', assignments, roles: assignments.map((x) => x.role), ip: '127.0.0.1',
  };
}

/** Every row of every sheet of a workbook, as ExcelJS reads it back. */
async function cellsOf(buffer: Buffer): Promise<Record<string, unknown[][]>> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buffer as unknown as ArrayBuffer);
  const out: Record<string, unknown[][]> = {};
  wb.eachSheet((ws) => {
    const list: unknown[][] = [];
    ws.eachRow((r) => list.push((r.values as unknown[]).slice(1)));
    out[ws.name] = list;
  });
  return out;
}

const clearCache = async () => {
  for (const t of ['supervision_dashboard_snapshots', 'supervision_metric_cache', 'supervision_metric_cache_state']) await env.deps.db.execute(sql.raw(`delete from ${t}`));
};
const withoutTime = <T extends { computedAt: string | null }>(d: T) => ({ ...d, computedAt: null });

beforeAll(async () => {
  env = await setupTestEnv();
  await env.addAccount('leader.c', [{ role: 'school_leader', orgUnitId: env.ids.schoolC }]);
}, 120_000);
afterAll(async () => env?.close());

describe('the precomputed dashboards', () => {
  it('the city and a district read from the stored rows equal the live computation; the export too', async () => {
    await clearCache();
    const cityAdmin = await callerFor('city.admin');
    const districtAdmin = await callerFor('district.admin');
    const liveCity = await dashboard(env.deps, cityAdmin, { year: 2026 }, METRICS);
    const liveDistrict = await dashboard(env.deps, districtAdmin, { year: 2026 }, METRICS);
    const liveExport = await cellsOf((await dashboardWorkbook(env.deps, cityAdmin, { year: 2026 }, METRICS)).buffer);
    const liveDistrictExport = await cellsOf((await dashboardWorkbook(env.deps, districtAdmin, { year: 2026 }, METRICS)).buffer);
    expect(liveCity.computedAt).toBeNull();
    expect(await snapshotBody(env.deps, env.ids.cityId, 2026, env.ids.cityId, METRICS)).toBeNull();

    await refreshDashboardCache(env.deps, Number.POSITIVE_INFINITY, METRICS);
    const [stored] = await rows<{ n: number }>(env.deps.db, sql`select count(*)::int as n from supervision_dashboard_snapshots where year = 2026`);
    const [units] = await rows<{ n: number }>(env.deps.db, sql`select count(*)::int as n from org_units where region_id = ${env.ids.cityId} and (kind = 'city' or (kind = 'district' and active))`);
    expect(stored!.n).toBe(units!.n);
    // rows for other metrics are not used: a dashboard of only two of them is assembled per request
    expect(await snapshotBody(env.deps, env.ids.cityId, 2026, env.ids.cityId, [girls, classes])).toBeNull();
    expect(await snapshotBody(env.deps, env.ids.cityId, 2026, env.ids.cityId, METRICS)).not.toBeNull();

    // the per-school figures gone from the cache: what the pages show now can only come from the stored rows
    await env.deps.db.execute(sql`delete from supervision_metric_cache where metric_key like 'test_%'`);
    const city = await dashboard(env.deps, cityAdmin, { year: 2026 }, METRICS);
    const district = await dashboard(env.deps, districtAdmin, { year: 2026 }, METRICS);
    expect(city.computedAt).toBe(env.clock.now().toISOString());
    expect(withoutTime(city)).toEqual(liveCity);
    expect(withoutTime(district)).toEqual(liveDistrict);
    expect(city.metrics.find((m) => m.key === 'test_girls')!.top.length).toBeGreaterThan(0);
    expect(await cellsOf((await dashboardWorkbook(env.deps, cityAdmin, { year: 2026 }, METRICS)).buffer)).toEqual(liveExport);
    expect(await cellsOf((await dashboardWorkbook(env.deps, districtAdmin, { year: 2026 }, METRICS)).buffer)).toEqual(liveDistrictExport);
  });

  it('small figures are still hidden per caller: the bureau reads them hidden from the rows, the school’s own leader sees them live', async () => {
    await clearCache();
    await refreshDashboardCache(env.deps, Number.POSITIVE_INFINITY, METRICS);
    const city = await dashboard(env.deps, await callerFor('city.admin'), { year: 2026 }, METRICS);
    expect(city.computedAt).not.toBeNull();
    const m = city.metrics.find((x) => x.key === 'test_few')!;
    // district B holds only school C's 2 / 3: hidden, with its smallest sibling (district A's 50 / 90) so the city total does not give it away
    expect(city.children.find((c) => c.unitId === env.ids.districtB)!.figures.test_few).toMatchObject({ suppressed: true, value: null });
    expect(city.children.find((c) => c.unitId === env.ids.districtA)!.figures.test_few).toMatchObject({ suppressed: true });
    // school C is left out of the rankings, and school A with it (the smallest of the rest); school B is ranked
    expect([...m.top, ...m.bottom].map((r) => r.schoolId)).toEqual([env.ids.schoolB]);
    const districtB = await dashboard(env.deps, await callerFor('city.admin'), { unitId: env.ids.districtB, year: 2026 }, METRICS);
    expect(districtB.metrics.find((x) => x.key === 'test_few')!.figure.suppressed).toBe(true);
    const bureauOnC = await dashboard(env.deps, await callerFor('city.admin'), { unitId: env.ids.schoolC, year: 2026 }, METRICS);
    expect(bureauOnC.metrics.find((x) => x.key === 'test_few')!.figure.suppressed).toBe(true);
    const own = await dashboard(env.deps, await callerFor('leader.c'), { year: 2026 }, METRICS);
    expect(own.metrics.find((x) => x.key === 'test_few')!.figure).toEqual({ numerator: 2, denominator: 3, value: 66.7, suppressed: false });
    // the export from the rows: school C's cells hidden for the bureau
    const cells = await cellsOf((await dashboardWorkbook(env.deps, await callerFor('city.admin'), { year: 2026 }, METRICS)).buffer);
    const c = cells['学校明细']!.find((r) => r[1] === '南湖中学')!;
    expect(c.slice(10, 13)).toEqual(['<5', '<5', '<5']);
  });

  it('the page says when the figures were computed; a change shows after the next refresh, equal to the live figure', async () => {
    await clearCache();
    const cityAdmin = await callerFor('city.admin');
    const t0 = env.clock.now().toISOString();
    await refreshDashboardCache(env.deps, Number.POSITIVE_INFINITY, METRICS);
    const before = await dashboard(env.deps, cityAdmin, { year: 2026 }, METRICS);
    // a new girl in school A
    const [cls] = await rows<{ path: string }>(env.deps.db, sql`select path from org_units where id = ${env.ids.classA}`);
    await env.deps.db.execute(sql`insert into students (id, region_id, student_no, name, gender, birth_date, school_id, class_id, org_path, enrolment_year)
      values (gen_random_uuid(), ${env.ids.cityId}, 'SNAP0001', '新同学', 'female', '2013-03-01', ${env.ids.schoolA}, ${env.ids.classA}, ${cls!.path}, 2025)`);
    env.clock.advance(5 * 60_000);
    // five minutes on: nothing is due, the page still shows the figures of t0 and says so
    await refreshDashboardCache(env.deps, Number.POSITIVE_INFINITY, METRICS);
    const stale = await dashboard(env.deps, cityAdmin, { year: 2026 }, METRICS);
    expect(stale.computedAt).toBe(t0);
    expect(stale.metrics).toEqual(before.metrics);
    // eleven minutes on: this year's figures are recomputed and the stored rows rebuilt
    env.clock.advance(6 * 60_000);
    await refreshDashboardCache(env.deps, Number.POSITIVE_INFINITY, METRICS);
    const fresh = await dashboard(env.deps, cityAdmin, { year: 2026 }, METRICS);
    expect(fresh.computedAt).toBe(env.clock.now().toISOString());
    const g0 = before.metrics.find((m) => m.key === 'test_girls')!.figure;
    expect(fresh.metrics.find((m) => m.key === 'test_girls')!.figure).toMatchObject({ numerator: g0.numerator! + 1, denominator: g0.denominator! + 1 });
    expect(fresh.students).toBe(before.students + 1);
    await clearCache();
    const live = await dashboard(env.deps, cityAdmin, { year: 2026 }, METRICS);
    // this year's figures equal the live ones (the test metric counts today's students for every year: the earlier years' cached totals are a day old)
    const thisYear = (d: typeof live) => ({ ...withoutTime(d), metrics: d.metrics.map((m) => ({ ...m, trend: m.trend.at(-1) })) });
    expect(thisYear(fresh)).toEqual(thisYear(live));
  });
});

describe('the stored export workbook', () => {
  it('the job stores each city’s and district’s workbook: the same bytes the live export gives a bureau reader (small cells hidden), served from the row and audited on every download', async () => {
    await clearCache();
    forgetWrittenWorkbooks();
    const cityAdmin = await callerFor('city.admin');
    const districtAdmin = await callerFor('district.admin');
    const today = '2026-11-25';
    // live: nothing stored yet
    const liveCity = await dashboardWorkbook(env.deps, cityAdmin, { year: 2026 }, METRICS);
    const liveDistrict = await dashboardWorkbook(env.deps, districtAdmin, { year: 2026 }, METRICS);
    expect(await snapshotWorkbook(env.deps, env.ids.cityId, 2026, env.ids.cityId, METRICS, workbookKeyOf(today, '测试市'))).toBeNull();

    await refreshDashboardCache(env.deps, Number.POSITIVE_INFINITY, METRICS);
    const [cityRow] = await rows<{ name: string }>(env.deps.db, sql`select name from org_units where id = ${env.ids.cityId}`);
    const [districtRow] = await rows<{ name: string }>(env.deps.db, sql`select name from org_units where id = ${env.ids.districtA}`);
    const storedCity = await snapshotWorkbook(env.deps, env.ids.cityId, 2026, env.ids.cityId, METRICS, workbookKeyOf(today, cityRow!.name));
    const storedDistrict = await snapshotWorkbook(env.deps, env.ids.cityId, 2026, env.ids.districtA, METRICS, workbookKeyOf(today, districtRow!.name));
    expect(storedCity).not.toBeNull();
    expect(storedCity!.buffer.equals(liveCity.buffer)).toBe(true);
    expect(storedCity!.schools).toBe(liveCity.schools);
    expect(storedDistrict!.buffer.equals(liveDistrict.buffer)).toBe(true);
    // the bureau form: school C's cells of the few-students metric hidden
    const c = (await cellsOf(storedCity!.buffer))['学校明细']!.find((r) => r[1] === '南湖中学')!;
    expect(c.slice(10, 13)).toEqual(['<5', '<5', '<5']);
    // another day or another name: not this workbook
    expect(await snapshotWorkbook(env.deps, env.ids.cityId, 2026, env.ids.cityId, METRICS, workbookKeyOf('2026-11-26', cityRow!.name))).toBeNull();

    // the route serves the stored bytes: changed in the row, the download changes with them (nothing else is written on the request)
    const marked = Buffer.concat([storedCity!.buffer, Buffer.from('stored')]);
    await env.deps.db.execute(sql`update supervision_dashboard_snapshots set workbook = ${sql.param(marked)}::bytea where unit_id = ${env.ids.cityId} and year = 2026`);
    const auditsBefore = async () => (await rows<{ n: number }>(env.deps.db, sql`select count(*)::int as n from audit_log where action = 'supervision.dashboard.export' and object_id = ${String(env.ids.cityId)}`))[0]!.n;
    const n0 = await auditsBefore();
    const first = await dashboardWorkbook(env.deps, cityAdmin, { year: 2026 }, METRICS);
    const second = await dashboardWorkbook(env.deps, cityAdmin, { year: 2026 }, METRICS);
    expect(first.buffer.equals(marked)).toBe(true);
    expect(second.buffer.equals(marked)).toBe(true);
    expect(first.schools).toBe(liveCity.schools);
    // audited on every download
    expect(await auditsBefore()).toBe(n0 + 2);

    // a school's own leader never gets the stored (hidden) form: the school's export is written live with its figures
    const own = await cellsOf((await dashboardWorkbook(env.deps, await callerFor('leader.c'), { year: 2026 }, METRICS)).buffer);
    expect(own['学校明细']!.find((r) => r[1] === '南湖中学')!.slice(10, 13)).not.toContain('<5');

    // the day turned since the job wrote it: written from the stored rows for the new day, equal to the live export of that day
    await env.deps.db.execute(sql`update supervision_dashboard_snapshots set workbook_key = ${workbookKeyOf('2026-11-24', cityRow!.name)} where unit_id = ${env.ids.cityId} and year = 2026`);
    const fallback = await dashboardWorkbook(env.deps, cityAdmin, { year: 2026 }, METRICS);
    expect(fallback.buffer.equals(liveCity.buffer)).toBe(true);
    await clearCache();
  }, 60_000);
});

describe('target progress', () => {
  it('reads the cached figures: the same progress as live, and the cache’s figure until the next refresh', async () => {
    await clearCache();
    const cityAdmin = await callerFor('city.admin');
    const now = env.clock.now();
    const [t] = await rows<{ id: string }>(env.deps.db, sql`insert into supervision_targets (region_id, owner_unit_id, owner_path, year, list, seq, task, metric_key, comparator, target_value, client_id, created_at, updated_at)
      values (${env.ids.cityId}, ${env.ids.cityId}, (select path from org_units where id = ${env.ids.cityId}), 2026, 1, 99, '家长课堂覆盖（缓存测试）', 'parent_session_reach', 'at_least', 80, gen_random_uuid(), ${now}, ${now}) returning id`);
    const pick = async () => (await listTargets(env.deps, cityAdmin, 2026)).items.find((x) => x.id === t!.id)!.progress;
    const liveList = await pick();
    const liveProgress = await targetProgressOf(env.deps, cityAdmin, t!.id, {});
    expect(liveList).not.toBeNull();
    await refreshDashboardCache(env.deps, Number.POSITIVE_INFINITY, [metricByKey('parent_session_reach')!]);
    expect(await pick()).toEqual(liveList);
    expect(await targetProgressOf(env.deps, cityAdmin, t!.id, {})).toEqual(liveProgress);
    // read from the cache: its figure stays until the figures are recomputed
    await env.deps.db.execute(sql`update supervision_metric_cache set numerator = numerator + 7 where metric_key = 'parent_session_reach' and year = 2026 and school_id = ${env.ids.cityId}`);
    await env.deps.db.execute(sql`update supervision_metric_cache set numerator = 0, denominator = 1000 where metric_key = 'parent_session_reach' and year = 2026 and school_id = ${env.ids.schoolA}`);
    const cachedA = (await targetProgressOf(env.deps, cityAdmin, t!.id, { districtId: env.ids.districtA })).schools.find((s) => s.id === env.ids.schoolA)!;
    expect(cachedA).toMatchObject({ numerator: 0, denominator: 1000 });
    await clearCache();
    await env.deps.db.execute(sql`delete from supervision_targets where id = ${t!.id}`);
  }, 60_000);
});

describe('the light .xlsx writer', () => {
  it('column names; text, numbers and empty cells, escaped, read back by ExcelJS with the frozen header', async () => {
    expect([0, 25, 26, 51, 52, 701, 702].map(columnName)).toEqual(['A', 'Z', 'AA', 'AZ', 'BA', 'ZZ', 'AAA']);
    const buffer = lightWorkbook([
      { name: '表一', preamble: ['标题 <&> "引号"'], columns: [{ header: '名称', width: 20 }, { header: '数值', width: 8 }, { header: '空', width: 8 }], rows: [['甲\u0001乙', 1.5, null], ['', 0, 3]] },
      { name: '表二', preamble: [], columns: [{ header: 'x', width: 5 }], rows: [[-2]] },
    ]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buffer as unknown as ArrayBuffer);
    const one = wb.getWorksheet('表一')!;
    expect(one.getRow(1).getCell(1).value).toBe('标题 <&> "引号"');
    expect((one.getRow(2).values as unknown[]).slice(1)).toEqual(['名称', '数值', '空']);
    expect(one.getRow(2).getCell(1).font?.bold).toBe(true);
    expect(one.getRow(3).getCell(1).font?.bold).toBeFalsy();
    expect((one.getRow(3).values as unknown[]).slice(1)).toEqual(['甲乙', 1.5]);
    expect((one.getRow(4).values as unknown[]).slice(1)).toEqual([undefined, 0, 3]);
    expect(one.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
    expect(one.getColumn(1).width).toBe(20);
    expect(wb.getWorksheet('表二')!.getRow(2).getCell(1).value).toBe(-2);
  });
});
