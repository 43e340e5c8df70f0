/**
 * Computing registered metrics (metric-registry.ts) for the schools under a unit: the one place that
 * knows how to list the schools of a unit with their student counts and how to run a metric over
 * them. Target progress, dashboards and exports all go through here, so a figure means the same
 * everywhere.
 */
import type { Scope } from '@xinyu/core';
import { sql } from 'drizzle-orm';
import { rows } from '../../db/client.js';
import type { Deps } from '../../http/context.js';
import { cstToday } from '../screening/campaigns.js';
import type { MetricContext, MetricDefinition, MetricSchool, SchoolFigure } from './metric-types.js';

/**
 * The schools under a unit (a city, a district or a school itself), with their district (null for
 * municipal schools, which sit directly under the city) and their active students.
 */
export async function schoolsUnder(deps: Deps, regionId: number, unitPath: string): Promise<MetricSchool[]> {
  const list = await rows<{ id: number; name: string; path: string; district_id: number | null; school_kind: string | null }>(deps.db, sql`
    select s.id, s.name, s.path, case when p.kind = 'district' then p.id end as district_id, s.school_kind
    from org_units s
    left join org_units p on p.id = s.parent_id
    where s.region_id = ${regionId} and s.kind = 'school' and s.active and (s.path like ${`${unitPath}%`} or ${unitPath} like s.path || '%')
    order by s.path`);
  if (!list.length) return [];
  // Counted by school id (an index-only scan of students_active_school_idx); only a unit inside a
  // school (a grade, a class) also needs the path, to count just its own students.
  const insideSchool = list.some((s) => !s.path.startsWith(unitPath));
  const counts = await rows<{ school_id: number; students: number }>(deps.db, sql`
    select school_id, count(*)::int as students from students
    where region_id = ${regionId} and status = 'active' and school_id = any(${sql.param(list.map((s) => s.id))}::int[])
      ${insideSchool ? sql`and org_path like ${`${unitPath}%`}` : sql``}
    group by school_id`);
  const students = new Map(counts.map((c) => [Number(c.school_id), Number(c.students)]));
  return list.map((s) => ({ id: s.id, name: s.name, path: s.path, districtId: s.district_id, schoolKind: s.school_kind, students: students.get(s.id) ?? 0 }));
}

/**
 * The schools under `within` (a target's owner, or the city) that a reader with `scope` sees: those
 * inside the scope, or the school the reader sits in. Each query reads only the units (and counts only
 * the students) under one of the reader's paths, so a district bureau or a school leader never counts
 * the whole city's students. A scope holds a path or two: one query each, not one per school.
 */
export async function schoolsSeenBy(deps: Deps, regionId: number, scope: Scope, within: string, list: typeof schoolsUnder = schoolsUnder): Promise<MetricSchool[]> {
  const roots = scope.orgPaths.map((p) => (p.startsWith(within) ? p : within.startsWith(p) ? within : null)).filter((p): p is string => p !== null);
  const outer = [...new Set(roots)].filter((r, _, all) => !all.some((o) => o !== r && r.startsWith(o)));
  const lists = await Promise.all(outer.map((r) => list(deps, regionId, r)));
  const seen = new Map(lists.flat().map((s) => [s.id, s]));
  return [...seen.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The period a year's figures cover: the calendar year, up to today when the year is not over (China time). */
export function periodOf(year: number, now: Date): { from: string; to: string } {
  const today = cstToday(now);
  const end = `${year}-12-31`;
  return { from: `${year}-01-01`, to: today < end ? today : end };
}

export function metricContext(deps: Deps, regionId: number, year: number, schools: MetricSchool[]): MetricContext {
  return { deps, regionId, year, ...periodOf(year, deps.clock()), schools };
}

/** One figure per school of the context, in the context's order (schools the metric left out count 0 / 0). */
export async function computeMetric(metric: MetricDefinition, ctx: MetricContext): Promise<SchoolFigure[]> {
  if (!ctx.schools.length) return [];
  const got = new Map((await metric.perSchool(ctx)).map((f) => [f.schoolId, f]));
  return ctx.schools.map((s) => got.get(s.id) ?? { schoolId: s.id, numerator: 0, denominator: 0 });
}
