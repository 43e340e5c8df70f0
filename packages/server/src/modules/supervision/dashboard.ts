/**
 * The supervision dashboard (督导驾驶舱): for a city, a district or a school, every registered metric
 * (metric-registry.ts) as a sum of its schools' numerators and denominators, per child unit
 * (districts of a city plus its municipal schools as one group; schools of a district), the top and
 * bottom five schools per metric, the years before for a trend, and live figures of the earlier
 * modules (open alerts by level, completion of the current screening campaigns).
 *
 * Who: supervision.read — the bureau for its area, a school leader for the school. The unit is
 * looked up inside the caller's scope in the query; out of scope answers 404. Counts of students
 * under 5 are suppressed for readers outside the school (core suppressRow), on a school's page
 * too. Metric figures are not: they count schools' records (lessons, rooms, counselors …) as each
 * metric defines them, and every figure links to the records behind it (metricRecords, audited).
 */
import { metricValue, rankTopBottom, roleHas, suppressRow, trendYears, yearsWithData, type contracts, type MetricUnit } from '@xinyu/core';
import { sql } from 'drizzle-orm';
import type { z } from 'zod';
import { rows } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { notFound } from '../../http/errors.js';
import { inScope, scopeOf } from '../access/service.js';
import { appendAudit } from '../audit/service.js';
import { auditActor } from '../org/service.js';
import { cstToday } from '../screening/campaigns.js';
import { computeMetric, metricContext, periodOf, schoolsUnder } from './compute.js';
import { figuresFor, schoolsFor, screeningFor, totalsFor } from './dashboard-cache.js';
import { snapshotBody } from './dashboard-snapshot.js';
import type { MetricDefinition, MetricSchool, SchoolFigure } from './metric-types.js';
import { ALL_METRICS } from './metric-registry.js';
import { hiddenOf } from './small-figures.js';

type DashboardOut = z.infer<typeof contracts.Dashboard>;
type FigureOut = z.infer<typeof contracts.DashboardFigure>;
type ChildOut = z.infer<typeof contracts.DashboardChild>;
type AlertsOut = z.infer<typeof contracts.DashboardAlerts>;

export interface DashboardUnit {
  id: number;
  name: string;
  kind: 'city' | 'district' | 'school';
  path: string;
}

/** How many years a trend looks back over (the year asked for included). */
export const TREND_YEARS = 5;
export const MUNICIPAL_GROUP = '市直学校';

const figureOf = (f: { numerator: number; denominator: number }, unit: MetricUnit, hidden = false): FigureOut =>
  hidden ? { numerator: null, denominator: null, value: null, suppressed: true } : { numerator: f.numerator, denominator: f.denominator, value: metricValue(f, unit), suppressed: false };

export { countsStudents, hiddenOf } from './small-figures.js';

/** Is the reader outside this unit's school (the bureau, even on one school's page)? Then counts of 1–4 students are not shown. */
export const readerOutside = (caller: Caller, unit: { kind: string; path: string }) =>
  !(unit.kind === 'school' && caller.assignments.some((a) => roleHas(a.role, 'supervision.read') && a.orgPath?.startsWith(unit.path)));

function sumOf(list: readonly { numerator: number; denominator: number }[]): { numerator: number; denominator: number } {
  let numerator = 0;
  let denominator = 0;
  for (const f of list) {
    numerator += f.numerator;
    denominator += f.denominator;
  }
  return { numerator, denominator };
}

const oldest = (...at: (Date | null)[]) => at.filter((d): d is Date => d !== null).sort((a, b) => a.getTime() - b.getTime())[0] ?? null;

/** The city, district or school the caller asks for (their own top unit when none), inside their supervision.read scope; else 404. */
export async function dashboardUnit(deps: Deps, caller: Caller, unitId: number | undefined): Promise<DashboardUnit> {
  const scope = scopeOf(caller, 'supervision.read');
  const found = await rows<DashboardUnit>(deps.db, sql`
    select id, name, kind, path from org_units
    where region_id = ${caller.regionId} and kind in ('city', 'district', 'school') and ${inScope(scope, sql`path`)}
      and ${unitId !== undefined ? sql`id = ${unitId}` : sql`true`}
    order by length(path), path limit 1`);
  if (!found[0]) throw notFound();
  return found[0];
}

/** The units above this one that the caller may open too (for the breadcrumb). */
async function parentsOf(deps: Deps, caller: Caller, unit: DashboardUnit): Promise<{ id: number; name: string; kind: string }[]> {
  const scope = scopeOf(caller, 'supervision.read');
  return rows(deps.db, sql`
    select id, name, kind from org_units
    where region_id = ${caller.regionId} and kind in ('city', 'district') and ${unit.path} like path || '%' and path <> ${unit.path} and ${inScope(scope, sql`path`)}
    order by length(path)`);
}

/** Open alerts (not dismissed or closed) per school and level, for the schools under a path (the whole region: every school of it, no join to the units). */
export async function openAlerts(deps: Deps, regionId: number, unitPath: string, wholeRegion = false): Promise<Map<number, { yellow: number; orange: number; red: number }>> {
  const list = await rows<{ school_id: number; yellow: number; orange: number; red: number }>(deps.db, sql`
    select a.school_id, count(*) filter (where a.level = 'yellow')::int as yellow, count(*) filter (where a.level = 'orange')::int as orange,
      count(*) filter (where a.level = 'red')::int as red
    from alerts a ${wholeRegion ? sql`` : sql`join org_units u on u.id = a.school_id and u.path like ${`${unitPath}%`}`}
    where a.region_id = ${regionId} and a.status not in ('dismissed', 'closed')
    group by a.school_id`);
  return new Map(list.map((r) => [r.school_id, { yellow: r.yellow, orange: r.orange, red: r.red }]));
}

export interface Group {
  unitId: number | null;
  kind: 'district' | 'school' | 'municipal';
  name: string;
  schoolKind: string | null;
  schools: MetricSchool[];
}

/** The child groups of a unit: its districts and (as one group) its municipal schools for a city, its schools for a district. */
export async function childGroups(deps: Deps, unit: DashboardUnit, schoolsP: Promise<MetricSchool[]>): Promise<Group[]> {
  if (unit.kind === 'school') return [];
  if (unit.kind === 'district') return (await schoolsP).map((s) => ({ unitId: s.id, kind: 'school', name: s.name, schoolKind: s.schoolKind, schools: [s] }));
  const [districts, schools] = await Promise.all([
    rows<{ id: number; name: string }>(deps.db, sql`select id, name from org_units where parent_id = ${unit.id} and kind = 'district' and active order by code nulls last, path`),
    schoolsP,
  ]);
  const byDistrict = new Map<number, MetricSchool[]>();
  const municipal: MetricSchool[] = [];
  for (const s of schools) {
    if (s.districtId === null) municipal.push(s);
    else {
      const list = byDistrict.get(s.districtId);
      if (list) list.push(s);
      else byDistrict.set(s.districtId, [s]);
    }
  }
  const groups: Group[] = districts.map((d) => ({ unitId: d.id, kind: 'district', name: d.name, schoolKind: null, schools: byDistrict.get(d.id) ?? [] }));
  if (municipal.length) groups.push({ unitId: null, kind: 'municipal', name: MUNICIPAL_GROUP, schoolKind: null, schools: municipal });
  return groups;
}

/** A sum of numerators and denominators. */
export interface Sums {
  numerator: number;
  denominator: number;
}

type Ranked = z.infer<typeof contracts.DashboardRanked>;

/**
 * A city's or a district's dashboard before the reader's privacy rules are applied: each metric's
 * sums for the unit and for the years of its trend, the rankings as a reader outside the schools
 * sees them (a school whose figure would be hidden left out), each child group's sums and schools.
 * The job stores it per unit and year (dashboard-snapshot.ts); the request applies the hiding rules
 * for its caller (present). A school's page and a reader inside a school are assembled per request.
 */
export interface Assembled {
  /** the metrics' keys, in the order of `metrics` */
  keys: string[];
  schools: number;
  students: number;
  /** every school of the unit (the open alerts are summed over them) */
  schoolIds: number[];
  metrics: { total: Sums; points: ({ year: number } & Sums)[]; top: Ranked[]; bottom: Ranked[] }[];
  children: { unitId: number | null; kind: 'district' | 'school' | 'municipal'; name: string; schoolKind: string | null; students: number; ids: number[]; sums: Sums[] }[];
  /** the oldest cached figure used (ISO); null when all were computed live */
  computedAt: string | null;
}

/** What a unit's dashboard is built from: its schools, the year's per-school figures, the earlier years' totals, its child groups. */
export interface Gathered {
  schools: MetricSchool[];
  figures: Map<string, SchoolFigure[]>;
  totals: Map<number, Map<string, Sums>>;
  groups: Group[];
  computedAt: Date | null;
}

/** The figures behind a unit's dashboard: from the cache where it has them, live otherwise (dashboard-cache.ts). */
export async function gather(deps: Deps, regionId: number, unit: DashboardUnit, year: number, metrics: readonly MetricDefinition[]): Promise<Gathered> {
  const years = trendYears(year, TREND_YEARS);
  // the queries run side by side (a handful of the pool's connections); those needing the schools wait for them
  const schoolsP = schoolsFor(deps, regionId, unit.path);
  const withSchools = <T>(f: (schools: MetricSchool[]) => Promise<T>) => schoolsP.then(({ schools: list }) => f(list));
  const [{ schools, computedAt: studentsAt }, current, totals, groups] = await Promise.all([
    schoolsP,
    withSchools((list) => figuresFor(deps, regionId, year, list, metrics)),
    withSchools((list) => totalsFor(deps, regionId, years.slice(0, -1), unit.id, list, metrics)),
    childGroups(deps, unit, schoolsP.then((r) => r.schools)),
  ]);
  return { schools, figures: current.figures, totals, groups, computedAt: oldest(current.computedAt, studentsAt) };
}

/** The unit's sums, trend points, rankings (for a reader outside the schools when `outside`) and child groups. */
export function assemble(g: Gathered, unit: DashboardUnit, year: number, metrics: readonly MetricDefinition[], outside: boolean): Assembled {
  const years = trendYears(year, TREND_YEARS);
  const schoolById = new Map(g.schools.map((s) => [s.id, s]));
  const districtNames = new Map(g.groups.filter((x) => x.kind === 'district').map((x) => [x.unitId, x.name]));
  const groupOf = new Map(g.groups.flatMap((x, i) => x.schools.map((s) => [s.id, i] as const)));
  const childSums = g.groups.map(() => [] as Sums[]);
  const metricsOut = metrics.map((m) => {
    const figures = g.figures.get(m.key) ?? [];
    const total = sumOf(figures);
    const points = years.map((y) => ({ year: y, ...(y === year ? total : (g.totals.get(y)?.get(m.key) ?? { numerator: 0, denominator: 0 })) }));
    // a school whose figure would be hidden is left out of the rankings
    const small = hiddenOf(m, figures, outside);
    // only schools with a value are ranked: build those entries alone, as plain literals (2,000 schools × every metric)
    const valued: (SchoolFigure & { name: string; value: number })[] = [];
    if (unit.kind !== 'school') {
      for (let i = 0; i < figures.length; i++) {
        const f = figures[i]!;
        const value = small[i] ? null : metricValue(f, m.unit);
        if (value !== null) valued.push({ schoolId: f.schoolId, numerator: f.numerator, denominator: f.denominator, name: schoolById.get(f.schoolId)?.name ?? '', value });
      }
    }
    const ranked = unit.kind === 'school' ? { top: [], bottom: [] } : rankTopBottom(valued);
    const rank = (r: SchoolFigure & { name: string; value: number }): Ranked => ({
      schoolId: r.schoolId, name: r.name, value: r.value, numerator: r.numerator, denominator: r.denominator,
      districtName: unit.kind === 'city' ? (districtNames.get(schoolById.get(r.schoolId)?.districtId ?? null) ?? MUNICIPAL_GROUP) : null,
    });
    // each child's sums of this metric
    const sums = g.groups.map(() => ({ numerator: 0, denominator: 0 }));
    for (const f of figures) {
      const i = groupOf.get(f.schoolId);
      if (i === undefined) continue;
      sums[i]!.numerator += f.numerator;
      sums[i]!.denominator += f.denominator;
    }
    sums.forEach((s, i) => childSums[i]!.push(s));
    return { total, points, top: ranked.top.map(rank), bottom: ranked.bottom.map(rank) };
  });
  return {
    keys: metrics.map((m) => m.key),
    schools: g.schools.length,
    students: g.schools.reduce((n, s) => n + s.students, 0),
    schoolIds: g.schools.map((s) => s.id),
    metrics: metricsOut,
    children: g.groups.map((x, i) => ({ unitId: x.unitId, kind: x.kind, name: x.name, schoolKind: x.schoolKind, students: x.schools.reduce((n, s) => n + s.students, 0), ids: x.schools.map((s) => s.id), sums: childSums[i]! })),
    computedAt: g.computedAt?.toISOString() ?? null,
  };
}

type OpenAlerts = Map<number, { yellow: number; orange: number; red: number }>;

function alertsOfIds(ids: readonly number[], bySchool: OpenAlerts, suppress: boolean): AlertsOut {
  const sum = { yellow: 0, orange: 0, red: 0 };
  for (const id of ids) {
    const a = bySchool.get(id);
    if (!a) continue;
    sum.yellow += a.yellow;
    sum.orange += a.orange;
    sum.red += a.red;
  }
  return suppressRow(sum, !suppress);
}

/** The response for this reader: the assembled figures with the hiding rules of a reader outside (`suppress`) or inside the school applied, the live parts beside them. */
export function present(a: Assembled, metrics: readonly MetricDefinition[], suppress: boolean, live: { unit: DashboardUnit; year: number; now: Date; parents: DashboardOut['parents']; alerts: OpenAlerts; screening: DashboardOut['screening'] }): DashboardOut {
  const metricsOut = metrics.map((m, k) => {
    const x = a.metrics[k]!;
    const trend = yearsWithData(x.points, live.year).map((p) => ({ year: p.year, ...figureOf(p, m.unit, hiddenOf(m, [p], suppress)[0]) }));
    return { key: m.key, label: m.label, definition: m.definition, unit: m.unit, figure: figureOf(x.total, m.unit, hiddenOf(m, [x.total], suppress)[0]), trend, top: x.top, bottom: x.bottom };
  });
  // each metric's figure per child, the children's figures hidden together (core hiddenFigures: siblings next to their total)
  const childFigures = metrics.map((m, k) => {
    const sums = a.children.map((c) => c.sums[k]!);
    const hidden = hiddenOf(m, sums, suppress);
    return sums.map((f, i) => figureOf(f, m.unit, hidden[i]));
  });
  const children: ChildOut[] = a.children.map((c, i) => {
    const figures: Record<string, FigureOut> = {};
    metrics.forEach((m, k) => (figures[m.key] = childFigures[k]![i]!));
    return { unitId: c.unitId, kind: c.kind, name: c.name, schoolKind: c.schoolKind, schools: c.ids.length, students: c.students, figures, alerts: alertsOfIds(c.ids, live.alerts, suppress) };
  });
  return {
    unit: { id: live.unit.id, name: live.unit.name, kind: live.unit.kind },
    parents: live.parents,
    year: live.year,
    ...periodOf(live.year, live.now),
    schools: a.schools,
    students: a.students,
    metrics: metricsOut,
    children,
    alerts: alertsOfIds(a.schoolIds, live.alerts, suppress),
    suppressed: suppress,
    screening: live.screening,
    computedAt: a.computedAt,
  };
}

export async function dashboard(deps: Deps, caller: Caller, q: z.infer<typeof contracts.DashboardQuery>, metrics: readonly MetricDefinition[] = ALL_METRICS): Promise<DashboardOut> {
  const unit = await dashboardUnit(deps, caller, q.unitId);
  const year = q.year ?? Number(cstToday(deps.clock()).slice(0, 4));
  const suppress = readerOutside(caller, unit);
  // a city's or a district's page read from outside the schools: the job's precomputed row when it has one for these metrics (one read by key)
  const stored = unit.kind !== 'school' && suppress ? await snapshotBody(deps, caller.regionId, year, unit.id, metrics) : null;
  const assembledP = stored ? Promise.resolve(stored) : gather(deps, caller.regionId, unit, year, metrics).then((g) => assemble(g, unit, year, metrics, suppress));
  const [a, parents, alerts, screening] = await Promise.all([
    assembledP,
    parentsOf(deps, caller, unit),
    openAlerts(deps, caller.regionId, unit.path, unit.kind === 'city'),
    assembledP.then((x) => screeningFor(deps, caller.regionId, unit.path, x.schoolIds)),
  ]);
  return present(a, metrics, suppress, { unit, year, now: deps.clock(), parents, alerts, screening });
}

/** The records behind one school's figure of one metric (drill-down), paged; audited. */
export async function metricRecords(deps: Deps, caller: Caller, key: string, schoolId: number, q: z.infer<typeof contracts.MetricRecordsQuery>, metrics: readonly MetricDefinition[] = ALL_METRICS): Promise<z.infer<typeof contracts.MetricRecordsOut>> {
  const metric = metrics.find((m) => m.key === key);
  const scope = scopeOf(caller, 'supervision.read');
  if (!metric) throw notFound();
  const [school] = await rows<{ id: number; name: string; kind: string; path: string; district_name: string | null }>(deps.db, sql`
    select s.id, s.name, s.kind, s.path, case when p.kind = 'district' then p.name end as district_name
    from org_units s left join org_units p on p.id = s.parent_id
    where s.id = ${schoolId} and s.region_id = ${caller.regionId} and s.kind = 'school' and ${inScope(scope, sql`s.path`)}`);
  if (!school) throw notFound();
  const year = q.year ?? Number(cstToday(deps.clock()).slice(0, 4));
  const schools = (await schoolsUnder(deps, caller.regionId, school.path)).filter((s) => s.id === school.id);
  const ctx = metricContext(deps, caller.regionId, year, schools);
  const [figures, records] = await Promise.all([computeMetric(metric, ctx), metric.records(ctx, school.id)]);
  await appendAudit(deps.db, { ...auditActor(caller), action: 'supervision.records.read', objectType: 'metric', objectId: metric.key, orgPath: school.path, detail: { schoolId: school.id, year, rows: records.rows.length } }, deps.clock());
  const start = (q.page - 1) * q.pageSize;
  return {
    metric: { key: metric.key, label: metric.label, definition: metric.definition, unit: metric.unit },
    school: { id: school.id, name: school.name, kind: school.kind, districtName: school.district_name },
    year,
    from: ctx.from,
    to: ctx.to,
    figure: figureOf(figures[0] ?? { numerator: 0, denominator: 0 }, metric.unit, hiddenOf(metric, [figures[0] ?? { numerator: 0, denominator: 0 }], readerOutside(caller, school))[0]),
    columns: records.columns,
    rows: records.rows.slice(start, start + q.pageSize),
    total: records.rows.length,
    page: q.page,
    pageSize: q.pageSize,
  };
}
