/**
 * 家校协同概况: per school (the bureau, or any caller reaching several schools) or per class (one
 * school): families reached by a mental-health parent session against the ≥ 1 a year rule, families
 * learning in the parent school, and those meeting the yearly credit standard. Counts of students
 * under 5 are suppressed for the bureau. Set-based: the per-school figures are the metrics'.
 */
import type { contracts } from '@xinyu/core';
import { sql } from 'drizzle-orm';
import type { z } from 'zod';
import { rows } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { notFound } from '../../http/errors.js';
import { inScope, scopeOf } from '../access/service.js';
import { appendAudit } from '../audit/service.js';
import { auditActor } from '../org/service.js';
import { creditStandard, related, yearOf } from './courses.js';
import { courseReachBySchool, coursesBySchool, sessionReachBySchool, standardMetBySchool } from './metrics.js';

type Row = z.infer<typeof contracts.HsOverviewRow>;

const MIN_CELL = 5;

function suppress(r: Row, on: boolean): Row {
  if (!on || r.students >= MIN_CELL) return r;
  return { ...r, sessionReached: null, courseReached: null, standardMet: null, meetsRule: null };
}

/** every family reached (core sessionReach's meetsRule, from counts) */
const rule = (students: number, reached: number) => students > 0 && reached >= students;

export async function overview(deps: Deps, caller: Caller, q: z.infer<typeof contracts.HsOverviewQuery>): Promise<z.infer<typeof contracts.HsOverview>> {
  const read = scopeOf(caller, 'homeschool.read');
  const year = q.year ?? yearOf(deps.clock());
  const from = `${year}-01-01`;
  const to = `${year}-12-31`;
  const bureau = caller.roles.some((r) => r === 'bureau_admin' || r === 'bureau_staff' || r === 'system_admin');
  const std = (await creditStandard(deps.db, caller.regionId, year)).credits;

  let schoolId = q.schoolId ?? null;
  if (!schoolId) {
    const schools = await rows<{ id: number; name: string; path: string }>(deps.db, sql`
      select id, name, path from org_units where region_id = ${caller.regionId} and kind = 'school' and active and ${related(read, sql`path`)} order by path limit 5000`);
    if (schools.length > 1) {
      const ids = schools.map((s) => s.id);
      const [students, sessions, reach, course, met, courses] = await Promise.all([
        rows<{ school_id: number; n: number }>(deps.db, sql`select school_id, count(*)::int as n from students where status = 'active' and school_id = any(${sql.param(ids)}::int[]) group by school_id`),
        rows<{ school_id: number; n: number }>(deps.db, sql`select school_id, count(*)::int as n from homeschool_sessions where region_id = ${caller.regionId} and mental_health and date between ${from} and ${to} and school_id = any(${sql.param(ids)}::int[]) group by school_id`),
        sessionReachBySchool(deps.db, caller.regionId, ids, from, to),
        courseReachBySchool(deps.db, caller.regionId, ids, from, to),
        standardMetBySchool(deps.db, caller.regionId, ids, from, to, std),
        coursesBySchool(deps.db, caller.regionId, ids, year),
      ]);
      const n = new Map(students.map((r) => [Number(r.school_id), Number(r.n)]));
      const ss = new Map(sessions.map((r) => [Number(r.school_id), Number(r.n)]));
      const out = schools.map((s): Row => {
        const st = n.get(s.id) ?? 0;
        const reached = reach.get(s.id) ?? 0;
        return suppress({ unitId: s.id, name: s.name, students: st, sessionReached: reached, courseReached: course.get(s.id) ?? 0, standardMet: met.get(s.id) ?? 0, sessions: ss.get(s.id) ?? 0, meetsRule: rule(st, reached) }, bureau);
      });
      await appendAudit(deps.db, { ...auditActor(caller), action: 'homeschool.overview.read', objectType: 'region', objectId: String(caller.regionId), detail: { year, level: 'school', schools: ids.length } }, deps.clock());
      return { year, standard: std, level: 'school', rows: out, courses: Math.max(0, ...courses.values()) };
    }
    if (!schools[0]) return { year, standard: std, level: 'class', rows: [], courses: 0 };
    schoolId = schools[0].id;
  }
  const school = (await rows<{ id: number; path: string }>(deps.db, sql`select id, path from org_units where id = ${schoolId} and region_id = ${caller.regionId} and kind = 'school' and ${related(read, sql`path`)}`))[0];
  if (!school) throw notFound();
  const list = await rows<{ id: number; name: string; path: string; students: number; session_reached: number; course_reached: number; standard_met: number; sessions: number }>(deps.db, sql`
    select cls.id, g.name || cls.name as name, cls.path, count(st.id)::int as students,
      count(st.id) filter (where exists (select 1 from homeschool_attendance a join homeschool_sessions s on s.id = a.session_id
        where a.student_id = st.id and a.attended and s.mental_health and s.date between ${from} and ${to}))::int as session_reached,
      count(st.id) filter (where exists (select 1 from role_assignments ra join homeschool_completions hc on hc.account_id = ra.account_id
        where ra.student_id = st.id and ra.role = 'parent' and hc.completed_on between ${from} and ${to}))::int as course_reached,
      count(st.id) filter (where ${std <= 0 ? sql`true` : sql`exists (select 1 from role_assignments ra where ra.student_id = st.id and ra.role = 'parent'
        and (select coalesce(sum(hc.credits), 0) from homeschool_completions hc where hc.account_id = ra.account_id and hc.completed_on between ${from} and ${to}) >= ${std})`})::int as standard_met,
      (select count(*)::int from homeschool_sessions s where s.school_id = ${school.id} and s.mental_health and s.date between ${from} and ${to} and cls.path like s.org_path || '%') as sessions
    from org_units cls join org_units g on g.id = cls.parent_id left join students st on st.class_id = cls.id and st.status = 'active'
    where cls.region_id = ${caller.regionId} and cls.kind = 'class' and cls.active and cls.path like ${school.path} || '%' and ${inScope(read, sql`cls.path`)}
    group by cls.id, g.name, cls.name, cls.path, g.grade_level, cls.class_no
    order by g.grade_level, cls.class_no`);
  const courses = await coursesBySchool(deps.db, caller.regionId, [school.id], year);
  const out = list.map((r): Row => suppress({
    unitId: r.id, name: r.name, students: Number(r.students), sessionReached: Number(r.session_reached), courseReached: Number(r.course_reached), standardMet: Number(r.standard_met),
    sessions: Number(r.sessions), meetsRule: rule(Number(r.students), Number(r.session_reached)),
  }, bureau));
  return { year, standard: std, level: 'class', rows: out, courses: courses.get(school.id) ?? 0 };
}
