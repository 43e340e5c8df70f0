/**
 * The dashboard's precomputed rows (supervision_dashboard_snapshots): for the city and each district
 * of a region and a year, everything its dashboard needs — every metric's sums, trend points and
 * rankings, each child's sums (dashboard.ts assemble) — and each school's row of its export, built by
 * the job `dashboard figures` from the cached figures right after it refreshes them. A request for a
 * city's or a district's page is then one read by primary key plus the reader's hiding rules
 * (dashboard.ts present), and its export — the workbook every reader outside its schools gets, small
 * figures hidden — is written by the job too and stored with the rows (`workbook`), so a download is
 * one read of its bytes (exports.ts); the open alerts and the screening completion stay live.
 *
 * A row is used only for the metrics it was built for (their keys in order), and rebuilt when a
 * cached figure it depends on (the year's and the four years' before, the students) is newer than it.
 * A year is precomputed when all of that is cached (this year, with the five years the job keeps); a
 * page the rows do not cover (a school, a reader inside a school, an older year) is assembled per
 * request as before, with the same result.
 */
import { SCHOOL_KIND_LABEL, trendYears, type SchoolKind } from '@xinyu/core';
import { sql } from 'drizzle-orm';
import { rows } from '../../db/client.js';
import type { Deps } from '../../http/context.js';
import { assemble, gather, MUNICIPAL_GROUP, TREND_YEARS, type Assembled, type DashboardUnit, type Gathered } from './dashboard.js';
import { cstToday } from '../screening/campaigns.js';
import { exportWorkbook, type ExportSchool } from './export-workbook.js';
import type { MetricDefinition, MetricSchool } from './metric-types.js';

export type { ExportSchool } from './export-workbook.js';

const keysOf = (metrics: readonly MetricDefinition[]) => metrics.map((m) => m.key).join(',');

/** The stored dashboard of a city or a district for these metrics and year, if the job has built it. */
export async function snapshotBody(deps: Deps, regionId: number, year: number, unitId: number, metrics: readonly MetricDefinition[]): Promise<Assembled | null> {
  const [r] = await rows<{ body: string }>(deps.db, sql`
    select body from supervision_dashboard_snapshots where region_id = ${regionId} and year = ${year} and unit_id = ${unitId} and metric_keys = ${keysOf(metrics)}`);
  return r ? (JSON.parse(r.body) as Assembled) : null;
}

/** The stored export rows of a city or a district (every school under it) for these metrics and year, with when they were built, if the job has built them. */
export async function snapshotSchools(deps: Deps, regionId: number, year: number, unitId: number, metrics: readonly MetricDefinition[]): Promise<{ list: ExportSchool[]; builtAt: Date } | null> {
  const [r] = await rows<{ schools: string; built_at: Date }>(deps.db, sql`
    select schools, built_at from supervision_dashboard_snapshots where region_id = ${regionId} and year = ${year} and unit_id = ${unitId} and metric_keys = ${keysOf(metrics)}`);
  return r ? { list: JSON.parse(r.schools) as ExportSchool[], builtAt: new Date(r.built_at) } : null;
}

/** What the stored workbook was written for: the day its period runs to and the unit's name in its title. */
export const workbookKeyOf = (today: string, unitName: string) => `${today}|${unitName}`;

/**
 * The stored export of a city or a district for these metrics and year, as readers outside its schools
 * get it, if the job has written it for this key (workbookKeyOf: today, the unit's current name).
 */
export async function snapshotWorkbook(deps: Deps, regionId: number, year: number, unitId: number, metrics: readonly MetricDefinition[], key: string): Promise<{ buffer: Buffer; schools: number } | null> {
  const [r] = await rows<{ workbook: Uint8Array | null; schools: number }>(deps.db, sql`
    select workbook, workbook_schools as schools from supervision_dashboard_snapshots
    where region_id = ${regionId} and year = ${year} and unit_id = ${unitId} and metric_keys = ${keysOf(metrics)} and workbook_key = ${key} and workbook is not null`);
  if (!r?.workbook) return null;
  const b = r.workbook;
  return { buffer: Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength), schools: Number(r.schools) };
}

/** When the stored rows of a city or a district were built (a cheap read: no rows), if they exist for these metrics. */
export async function snapshotBuiltAt(deps: Deps, regionId: number, year: number, unitId: number, metrics: readonly MetricDefinition[]): Promise<Date | null> {
  const [r] = await rows<{ built_at: Date }>(deps.db, sql`
    select built_at from supervision_dashboard_snapshots where region_id = ${regionId} and year = ${year} and unit_id = ${unitId} and metric_keys = ${keysOf(metrics)}`);
  return r ? new Date(r.built_at) : null;
}

/** Each school's export row from its figures, the district names given (municipal schools: 市直学校). */
export function exportRowsOf(schools: readonly MetricSchool[], figures: Map<string, { schoolId: number; numerator: number; denominator: number }[]>, metrics: readonly MetricDefinition[], districtName: (id: number | null) => string): ExportSchool[] {
  const index = new Map(schools.map((s, i) => [s.id, i]));
  const f = schools.map(() => new Array<number>(metrics.length * 2).fill(0));
  metrics.forEach((m, k) => {
    for (const x of figures.get(m.key) ?? []) {
      const i = index.get(x.schoolId);
      if (i === undefined) continue;
      f[i]![2 * k] = x.numerator;
      f[i]![2 * k + 1] = x.denominator;
    }
  });
  return schools.map((s, i) => ({
    id: s.id,
    district: s.districtId === null ? MUNICIPAL_GROUP : districtName(s.districtId),
    school: s.name,
    kind: s.schoolKind ? (SCHOOL_KIND_LABEL[s.schoolKind as SchoolKind] ?? s.schoolKind) : '',
    students: s.students,
    f: f[i]!,
  }));
}

/** The names of the districts of a region. */
export async function districtNamesOf(deps: Deps, regionId: number): Promise<Map<number, string>> {
  const list = await rows<{ id: number; name: string }>(deps.db, sql`select id, name from org_units where region_id = ${regionId} and kind = 'district'`);
  return new Map(list.map((d) => [Number(d.id), d.name]));
}

/** Builds and stores the rows of the city and each active district of a region for a year. Returns how many units it stored. */
async function build(deps: Deps, region: { id: number; path: string }, year: number, metrics: readonly MetricDefinition[], now: Date): Promise<number> {
  const [units, names] = await Promise.all([
    rows<DashboardUnit>(deps.db, sql`
      select id, name, kind, path from org_units
      where region_id = ${region.id} and (path = ${region.path} or (kind = 'district' and active and path like ${`${region.path}%`})) order by length(path), path`),
    districtNamesOf(deps, region.id),
  ]);
  const keys = keysOf(metrics);
  const today = cstToday(now);
  for (const unit of units) {
    const g: Gathered = await gather(deps, region.id, unit, year, metrics);
    const body = assemble(g, unit, year, metrics, true);
    const schools = exportRowsOf(g.schools, g.figures, metrics, (id) => names.get(id ?? 0) ?? '');
    // the export as every reader outside the unit's schools gets it (small figures hidden): the only form the route serves from here
    const workbook = exportWorkbook(unit, year, schools, metrics, true, today);
    await deps.db.execute(sql`
      insert into supervision_dashboard_snapshots (region_id, year, unit_id, metric_keys, built_at, body, schools, workbook, workbook_key, workbook_schools)
      values (${region.id}, ${year}, ${unit.id}, ${keys}, ${now}, ${JSON.stringify(body)}, ${JSON.stringify(schools)}, ${sql.param(workbook)}::bytea, ${workbookKeyOf(today, unit.name)}, ${schools.length})
      on conflict (region_id, year, unit_id) do update set metric_keys = excluded.metric_keys, built_at = excluded.built_at, body = excluded.body, schools = excluded.schools,
        workbook = excluded.workbook, workbook_key = excluded.workbook_key, workbook_schools = excluded.workbook_schools`);
  }
  // units gone (a district closed): their rows go too
  await deps.db.execute(sql`delete from supervision_dashboard_snapshots where region_id = ${region.id} and year = ${year} and unit_id <> all(${sql.param(units.map((u) => u.id))}::int[])`);
  return units.length;
}

/**
 * Rebuilds the rows of the years whose figures are all cached (each metric for the year and the four
 * before, and this year's students) and changed since their rows were built, or whose rows are
 * missing or were built for other metrics. Run by the job after it refreshed figures, in its
 * transaction. Returns how many unit-years it built.
 */
export async function refreshSnapshots(deps: Deps, region: { id: number; path: string }, years: readonly number[], thisYear: number, metrics: readonly MetricDefinition[], studentsKey: string): Promise<number> {
  const now = deps.clock();
  const [states, built] = await Promise.all([
    rows<{ year: number; metric_key: string; computed_at: Date }>(deps.db, sql`select year, metric_key, computed_at from supervision_metric_cache_state where region_id = ${region.id}`),
    rows<{ year: number; metric_keys: string; built_at: Date; key_sets: number }>(deps.db, sql`
      select year, min(metric_keys) as metric_keys, min(built_at) as built_at, count(distinct metric_keys)::int as key_sets
      from supervision_dashboard_snapshots where region_id = ${region.id} group by year`),
  ]);
  const at = new Map(states.map((s) => [`${s.year}:${s.metric_key}`, new Date(s.computed_at).getTime()]));
  const keys = keysOf(metrics);
  let done = 0;
  for (const year of years) {
    const needed = [...trendYears(year, TREND_YEARS).flatMap((y) => metrics.map((m) => `${y}:${m.key}`)), `${thisYear}:${studentsKey}`];
    if (!needed.every((k) => at.has(k))) continue;
    const newest = Math.max(...needed.map((k) => at.get(k)!));
    const b = built.find((x) => Number(x.year) === year);
    if (b && b.key_sets === 1 && b.metric_keys === keys && new Date(b.built_at).getTime() >= newest) continue;
    done += await build(deps, region, year, metrics, now);
  }
  return done;
}
