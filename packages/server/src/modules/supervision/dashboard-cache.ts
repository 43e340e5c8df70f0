/**
 * The dashboard's figures, from the cache where it has them (dashboard-tables.ts), live otherwise.
 *
 * Running every registered metric over a city of a million students for five years on each request
 * takes seconds; a job (refreshDashboardCache, jobs/scheduler.ts) instead recomputes each metric and
 * year into the cache, the stalest first, within a time budget per run: this year's figures after
 * ten minutes, earlier years' after a day. The dashboard and the export read the cached per-school
 * figures (a few thousand rows) and say when they were computed; a metric or year the cache does not
 * have yet is computed live, so the figures are the same either way, only older by up to a refresh.
 * The completion of the screening campaigns open today is cached the same way. The records behind a
 * figure (drill-down) are always read live. Beside each school's figure the cache keeps each
 * district's and the city's total (under their unit id), so a trend reads one row per metric and year.
 */
import { metricValue, type contracts, type GradeBandPlan } from '@xinyu/core';
import { sql } from 'drizzle-orm';
import type { z } from 'zod';
import { rows } from '../../db/client.js';
import type { Deps } from '../../http/context.js';
import { cstToday } from '../screening/campaigns.js';
import { computeMetric, metricContext, schoolsUnder } from './compute.js';
import { refreshSnapshots } from './dashboard-snapshot.js';
import type { MetricContext, MetricDefinition, MetricSchool, SchoolFigure } from './metric-types.js';
import { ALL_METRICS } from './metric-registry.js';

/** The cache key holding each school's active students (numerator; denominator 1). */
export const STUDENTS_KEY = '_students';
const CURRENT_STALE_MS = 10 * 60_000;
const PAST_STALE_MS = 24 * 3600_000;
/** How many years the cache keeps per region: this one and the four before (the dashboard's trend). */
export const CACHED_YEARS = 5;

const thisYear = (deps: Deps) => Number(cstToday(deps.clock()).slice(0, 4));

interface State {
  year: number;
  metric_key: string;
  computed_at: Date;
}

async function statesOf(deps: Deps, regionId: number, years: readonly number[]): Promise<Map<string, Date>> {
  const list = await rows<State>(deps.db, sql`select year, metric_key, computed_at from supervision_metric_cache_state where region_id = ${regionId} and year = any(${sql.param([...years])}::int[])`);
  return new Map(list.map((s) => [`${s.year}:${s.metric_key}`, new Date(s.computed_at)]));
}

/**
 * The schools under a unit with their students (compute.ts schoolsUnder), the student counts from
 * the cache when it has them for this year.
 */
export async function schoolsFor(deps: Deps, regionId: number, unitPath: string): Promise<{ schools: MetricSchool[]; computedAt: Date | null }> {
  const year = thisYear(deps);
  const [states, list] = await Promise.all([
    statesOf(deps, regionId, [year]),
    rows<{ id: number; name: string; path: string; district_id: number | null; school_kind: string | null }>(deps.db, sql`
      select s.id, s.name, s.path, case when p.kind = 'district' then p.id end as district_id, s.school_kind
      from org_units s left join org_units p on p.id = s.parent_id
      where s.region_id = ${regionId} and s.kind = 'school' and s.active and (s.path like ${`${unitPath}%`} or ${unitPath} like s.path || '%')
      order by s.path`),
  ]);
  const cached = states.get(`${year}:${STUDENTS_KEY}`);
  if (!cached) return { schools: await schoolsUnder(deps, regionId, unitPath), computedAt: null };
  // the students per school: one row of arrays from the cache (a school not in it has none)
  const students = (await cachedRows(deps, regionId, year, [STUDENTS_KEY], list.map((s) => s.id))).get(STUDENTS_KEY);
  return { schools: list.map((s) => ({ id: s.id, name: s.name, path: s.path, districtId: s.district_id, schoolKind: s.school_kind, students: students?.get(s.id)?.numerator ?? 0 })), computedAt: cached };
}

export interface YearFigures {
  /** every metric's per-school figures, in the order of `schools` */
  figures: Map<string, SchoolFigure[]>;
  /** the oldest cached figure used; null when all were computed live */
  computedAt: Date | null;
}

/** Above this many schools the cache is read for the whole region and filtered here: matching each cached row against thousands of ids in the query costs more than the rows. */
const FILTER_IN_NODE_ABOVE = 200;

/** Cached per-school figures of these keys for these schools: one row per key with three arrays (tens of thousands of rows as objects cost more than the query). */
async function cachedRows(deps: Deps, regionId: number, year: number, keys: readonly string[], ids: readonly number[]): Promise<Map<string, Map<number, SchoolFigure>>> {
  const out = new Map<string, Map<number, SchoolFigure>>();
  if (!keys.length || !ids.length) return out;
  const wide = ids.length > FILTER_IN_NODE_ABOVE;
  const list = await rows<{ metric_key: string; s: number[]; n: number[]; d: number[] }>(deps.db, sql`
    select metric_key, array_agg(school_id) as s, array_agg(numerator) as n, array_agg(denominator) as d from supervision_metric_cache
    where region_id = ${regionId} and year = ${year} and metric_key = any(${sql.param([...keys])}::text[])
      and ${wide ? sql`true` : sql`school_id = any(${sql.param([...ids])}::int[])`}
    group by metric_key`);
  const wanted = wide ? new Set(ids) : null;
  for (const r of list) {
    const m = new Map<number, SchoolFigure>();
    for (let i = 0; i < r.s.length; i++) {
      const schoolId = Number(r.s[i]);
      if (wanted && !wanted.has(schoolId)) continue;
      m.set(schoolId, { schoolId, numerator: Number(r.n[i]), denominator: Number(r.d[i]) });
    }
    out.set(r.metric_key, m);
  }
  return out;
}

/** Every metric's per-school figures for these schools and year: cached where the cache has the metric and year, live for the rest. */
export async function figuresFor(deps: Deps, regionId: number, year: number, schools: MetricSchool[], metrics: readonly MetricDefinition[] = ALL_METRICS): Promise<YearFigures> {
  const states = await statesOf(deps, regionId, [year]);
  const cachedKeys = metrics.filter((m) => states.has(`${year}:${m.key}`)).map((m) => m.key);
  const live = metrics.filter((m) => !states.has(`${year}:${m.key}`));
  const ctx = metricContext(deps, regionId, year, schools);
  const [byKey, computed] = await Promise.all([
    cachedRows(deps, regionId, year, cachedKeys, schools.map((s) => s.id)),
    Promise.all(live.map(async (m) => [m.key, await computeMetric(m, ctx)] as const)),
  ]);
  const figures = new Map<string, SchoolFigure[]>(computed);
  for (const key of cachedKeys) {
    const got = byKey.get(key);
    figures.set(key, schools.map((s) => got?.get(s.id) ?? { schoolId: s.id, numerator: 0, denominator: 0 }));
  }
  const used = cachedKeys.map((k) => states.get(`${year}:${k}`)!.getTime());
  return { figures, computedAt: used.length ? new Date(Math.min(...used)) : null };
}

/**
 * Each metric's totals for a unit in each year (the trend): the cache keeps the totals of every
 * district and of the city beside the schools' figures, so this reads one row per metric and year;
 * a metric and year the cache lacks is computed live over the schools.
 */
export async function totalsFor(deps: Deps, regionId: number, years: readonly number[], unitId: number, schools: MetricSchool[], metrics: readonly MetricDefinition[] = ALL_METRICS): Promise<Map<number, Map<string, { numerator: number; denominator: number }>>> {
  const states = await statesOf(deps, regionId, years);
  const cachedPairs = years.flatMap((y) => metrics.filter((m) => states.has(`${y}:${m.key}`)).map((m) => ({ y, key: m.key })));
  const livePairs = years.flatMap((y) => metrics.filter((m) => !states.has(`${y}:${m.key}`)).map((m) => ({ y, m })));
  const [cached, computed] = await Promise.all([
    cachedPairs.length
      ? rows<{ year: number; metric_key: string; numerator: number; denominator: number }>(deps.db, sql`
          select year, metric_key, numerator, denominator from supervision_metric_cache
          where region_id = ${regionId} and year = any(${sql.param([...new Set(cachedPairs.map((p) => p.y))])}::int[])
            and metric_key = any(${sql.param([...new Set(cachedPairs.map((p) => p.key))])}::text[]) and school_id = ${unitId}`)
      : Promise.resolve([]),
    Promise.all(livePairs.map(async ({ y, m }) => {
      const list = await computeMetric(m, metricContext(deps, regionId, y, schools));
      return { year: y, key: m.key, numerator: list.reduce((n, f) => n + f.numerator, 0), denominator: list.reduce((n, f) => n + f.denominator, 0) };
    })),
  ]);
  const out = new Map(years.map((y) => [y, new Map<string, { numerator: number; denominator: number }>()]));
  for (const p of cachedPairs) out.get(p.y)!.set(p.key, { numerator: 0, denominator: 0 });
  for (const c of cached) {
    if (states.has(`${c.year}:${c.metric_key}`)) out.get(c.year)!.set(c.metric_key, { numerator: Number(c.numerator), denominator: Number(c.denominator) });
  }
  for (const c of computed) out.get(c.year)!.set(c.key, { numerator: c.numerator, denominator: c.denominator });
  return out;
}

// --- screening completion ------------------------------------------------------------------------

export interface OpenCampaign {
  id: string;
  title: string;
  window_start: string;
  window_end: string;
  plan: GradeBandPlan[];
  target_paths: string[];
}

/** The published campaigns open today that reach the unit (at most ten). */
export async function openCampaigns(deps: Deps, regionId: number, unitPath: string): Promise<OpenCampaign[]> {
  const today = cstToday(deps.clock());
  return rows<OpenCampaign>(deps.db, sql`
    select id, title, window_start::text, window_end::text, plan, target_paths from campaigns
    where region_id = ${regionId} and status = 'published' and window_start <= ${today} and window_end >= ${today}
      and exists (select 1 from unnest(target_paths) t where t like ${`${unitPath}%`} or ${unitPath} like t || '%')
    order by window_start, id limit 10`);
}

const startedKey = (c: { id: string }) => `_screening_started:${c.id}`;
const completedKey = (c: { id: string }) => `_screening_completed:${c.id}`;

/**
 * Per school: the campaign's target students (active, in its grades and units), those who submitted
 * an instrument (started) and those who submitted every instrument of their grade (completed).
 */
async function screeningBySchool(deps: Deps, regionId: number, c: OpenCampaign, schoolIds: readonly number[]): Promise<{ schoolId: number; students: number; started: number; completed: number }[]> {
  if (!schoolIds.length) return [];
  const grades = [...new Set(c.plan.flatMap((b) => b.gradeLevels))];
  const whens = grades.map((g) => sql`when ${sql.raw(String(g))} then ${sql.raw(String(c.plan.filter((b) => b.gradeLevels.includes(g)).reduce((n, b) => n + b.instruments.length, 0)))}`);
  const needed = whens.length ? sql`(case r.grade_level ${sql.join(whens, sql` `)} else 0 end)` : sql`0`;
  const ids = sql.param([...schoolIds]);
  const list = await rows<{ school_id: number; students: number; started: number; completed: number }>(deps.db, sql`
    with t as (
      select s.id, s.school_id from students s join org_units k on k.id = s.class_id left join org_units g on g.id = k.parent_id
      where s.region_id = ${regionId} and s.status = 'active' and s.school_id = any(${ids}::int[]) and s.org_path like any(${sql.param(c.target_paths.map((p) => `${p}%`))}::text[])
        and coalesce(k.grade_level, g.grade_level) = any(${sql.param(grades)}::int[])
    ), done as materialized (
      select r.student_id, count(*)::int as submitted, max(${needed})::int as needed from screening_responses r
      where r.campaign_id = ${c.id} and r.status = 'submitted' and r.school_id = any(${ids}::int[]) group by r.student_id
    )
    select t.school_id, count(*)::int as students, count(done.student_id)::int as started, count(*) filter (where done.submitted >= done.needed and done.needed > 0)::int as completed
    from t left join done on done.student_id = t.id group by t.school_id`);
  return list.map((r) => ({ schoolId: r.school_id, students: r.students, started: r.started, completed: r.completed }));
}

/** Completion of the campaigns open today for the schools of a unit: from the cache when it has the campaign, live otherwise. */
export async function screeningFor(deps: Deps, regionId: number, unitPath: string, schoolIds: readonly number[]): Promise<z.infer<typeof contracts.DashboardScreening>[]> {
  const year = thisYear(deps);
  const campaigns = await openCampaigns(deps, regionId, unitPath);
  if (!campaigns.length) return [];
  const states = await statesOf(deps, regionId, [year]);
  const cachedOnes = campaigns.filter((c) => states.has(`${year}:${completedKey(c)}`) && states.has(`${year}:${startedKey(c)}`));
  const cached = await cachedRows(deps, regionId, year, cachedOnes.flatMap((c) => [startedKey(c), completedKey(c)]), schoolIds);
  return Promise.all(campaigns.map(async (c) => {
    let students = 0;
    let started = 0;
    let completed = 0;
    if (cachedOnes.includes(c)) {
      for (const f of cached.get(completedKey(c))?.values() ?? []) {
        students += f.denominator;
        completed += f.numerator;
      }
      for (const f of cached.get(startedKey(c))?.values() ?? []) started += f.numerator;
    } else {
      for (const f of await screeningBySchool(deps, regionId, c, schoolIds)) {
        students += f.students;
        started += f.started;
        completed += f.completed;
      }
    }
    return { campaignId: c.id, title: c.title, windowStart: c.window_start, windowEnd: c.window_end, students, started, completed, rate: metricValue({ numerator: completed, denominator: students }, 'percent') };
  }));
}

/**
 * Recomputes the stalest cached figures of every region — missing ones first, then this year's
 * older than ten minutes, then earlier years' older than a day — until `budgetMs` is spent (at
 * least one each run). Returns how many metric-years it computed. Run by the job under its
 * advisory lock (one server at a time), in the job's transaction.
 */
export async function refreshDashboardCache(deps: Deps, budgetMs = Number.POSITIVE_INFINITY, metrics: readonly MetricDefinition[] = ALL_METRICS): Promise<number> {
  const started = performance.now();
  const now = deps.clock();
  const year = thisYear(deps);
  const years = Array.from({ length: CACHED_YEARS }, (_, i) => year - i);
  const regions = await rows<{ id: number; path: string }>(deps.db, sql`select id, path from org_units where kind = 'city' and parent_id is null order by id`);
  let done = 0;
  for (const region of regions) {
    const states = await statesOf(deps, region.id, years);
    const campaigns = await openCampaigns(deps, region.id, region.path);
    const contexts = new Map<number, MetricContext>();
    const contextOf = (y: number, schools: MetricSchool[]) => {
      const ctx = contexts.get(y) ?? metricContext(deps, region.id, y, schools);
      contexts.set(y, ctx);
      return ctx;
    };
    type Item = { y: number; key: string; batch?: string; compute: (schools: MetricSchool[]) => Promise<{ key: string; figures: SchoolFigure[] }[]> };
    const items: Item[] = [
      ...years.map((y): Item => ({ y, key: STUDENTS_KEY, compute: async (schools) => [{ key: STUDENTS_KEY, figures: schools.map((s) => ({ schoolId: s.id, numerator: s.students, denominator: 1 })) }] })),
      // one context per year for the whole run: metrics sharing work (education's per-school figures) compute it once per year, not once per metric
      ...years.flatMap((y) => metrics.map((m): Item => ({ y, key: m.key, batch: m.batch, compute: async (schools) => [{ key: m.key, figures: await computeMetric(m, contextOf(y, schools)) }] }))),
      // the campaigns open today: started and completed per school, each over the school's target students
      ...campaigns.map((c): Item => ({
        y: year,
        key: completedKey(c),
        compute: async (schools) => {
          const list = await screeningBySchool(deps, region.id, c, schools.map((s) => s.id));
          return [
            { key: completedKey(c), figures: list.map((f) => ({ schoolId: f.schoolId, numerator: f.completed, denominator: f.students })) },
            { key: startedKey(c), figures: list.map((f) => ({ schoolId: f.schoolId, numerator: f.started, denominator: f.students })) },
          ];
        },
      })),
    ];
    const due = items.map((d) => ({ ...d, at: states.get(`${d.y}:${d.key}`) ?? null }))
      .filter((d) => !d.at || now.getTime() - d.at.getTime() > (d.y === year ? CURRENT_STALE_MS : PAST_STALE_MS))
      .sort((a, b) => (a.at?.getTime() ?? 0) - (b.at?.getTime() ?? 0) || b.y - a.y);
    if (due.length) {
      const schools = await schoolsUnder(deps, region.id, region.path);
      let last: (typeof due)[number] | null = null;
      for (const d of due) {
        // past the budget, only the rest of a batch sharing the last one's computation (same year, already memoised)
        const sameBatch = last !== null && d.batch !== undefined && d.batch === last.batch && d.y === last.y;
        if (done > 0 && performance.now() - started > budgetMs && !sameBatch) break;
        last = d;
        const t = performance.now();
        for (const { key, figures } of await d.compute(schools)) await store(deps, region.id, d.y, key, schools, figures, now, t);
        done += 1;
      }
    }
    // the precomputed city and district dashboards of the years whose figures changed (or are missing)
    await refreshSnapshots(deps, region, years, year, metrics, STUDENTS_KEY);
    if (done > 0 && performance.now() - started > budgetMs) return done;
  }
  return done;
}

/** Replaces a key's cached figures: each school's (0 / 0 left out), each district's total and the city's. */
async function store(deps: Deps, regionId: number, year: number, key: string, schools: MetricSchool[], figures: SchoolFigure[], now: Date, t0: number): Promise<void> {
  const districtOf = new Map(schools.map((s) => [s.id, s.districtId]));
  const totals = new Map<number, SchoolFigure>([[regionId, { schoolId: regionId, numerator: 0, denominator: 0 }]]);
  for (const f of figures) {
    const district = districtOf.get(f.schoolId) ?? null;
    for (const unit of district === null ? [regionId] : [regionId, district]) {
      const acc = totals.get(unit) ?? { schoolId: unit, numerator: 0, denominator: 0 };
      acc.numerator += f.numerator;
      acc.denominator += f.denominator;
      totals.set(unit, acc);
    }
  }
  const kept = [...figures.filter((f) => f.numerator !== 0 || f.denominator !== 0), ...totals.values()];
  await deps.db.execute(sql`delete from supervision_metric_cache where region_id = ${regionId} and year = ${year} and metric_key = ${key}`);
  for (let i = 0; i < kept.length; i += 5000) {
    const part = kept.slice(i, i + 5000);
    await deps.db.execute(sql`
      insert into supervision_metric_cache (region_id, year, metric_key, school_id, numerator, denominator)
      select ${regionId}, ${year}, ${key}, u.s, u.n, u.d
      from unnest(${sql.param(part.map((f) => f.schoolId))}::int[], ${sql.param(part.map((f) => f.numerator))}::float8[], ${sql.param(part.map((f) => f.denominator))}::float8[]) as u(s, n, d)`);
  }
  await deps.db.execute(sql`
    insert into supervision_metric_cache_state (region_id, year, metric_key, computed_at, duration_ms) values (${regionId}, ${year}, ${key}, ${now}, ${Math.round(performance.now() - t0)})
    on conflict (region_id, year, metric_key) do update set computed_at = excluded.computed_at, duration_ms = excluded.duration_ms`);
}
