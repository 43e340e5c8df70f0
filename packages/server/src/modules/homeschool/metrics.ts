/**
 * This module's metrics for the bureau's target lists and dashboards (see supervision/metric-types.ts).
 * Each is computed for all schools of the context at once, in one set-based query:
 *
 * - parent_session_reach: active students whose family attended ≥ 1 mental-health parent session in
 *   the period / active students (临沧：每个学生家庭每年至少参加一次心理健康家长课堂).
 * - parent_course_reach: active students with a parent who completed ≥ 1 家长学校 micro-course in the
 *   period / active students.
 * - parent_micro_courses: published micro-courses of the year available to the school (its own, its
 *   district's and the city's), a count (荆门清单：微课 20/50/100 门).
 * - parent_credit_standard: active students with a parent whose credits in the year met the region's
 *   yearly standard / active students.
 */
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/client.js';
import type { MetricContext, MetricDefinition, MetricRecords, SchoolFigure } from '../supervision/metric-types.js';
import { creditStandard } from './courses.js';

type Counts = Map<number, number>;

const toMap = (list: { school_id: number; n: number }[]): Counts => new Map(list.map((r) => [Number(r.school_id), Number(r.n)]));

/** Students carry no index on school_id: for a few schools, their paths (one LIKE each: a LIKE ANY is not indexable) let the students be read by the org_path index instead of scanning a city's. */
const NARROW_UP_TO = 50;
const narrow = (paths?: readonly string[]) =>
  paths?.length && paths.length <= NARROW_UP_TO ? sql`and (${sql.join(paths.map((p) => sql`st.org_path like ${`${p}%`}`), sql` or `)})` : sql``;

/** Active students per school whose family attended a mental-health session in [from, to]. */
export async function sessionReachBySchool(db: Db, regionId: number, schoolIds: number[], from: string, to: string, paths?: readonly string[]): Promise<Counts> {
  if (!schoolIds.length) return new Map();
  // a semi-join from the sessions of the period: no distinct over the attendance rows
  return toMap(await rows(db, sql`
    select st.school_id, count(*)::int as n
    from students st
    where st.status = 'active' and st.school_id = any(${sql.param(schoolIds)}::int[]) ${narrow(paths)}
      and st.id in (select a.student_id from homeschool_sessions s join homeschool_attendance a on a.session_id = s.id and a.attended
        where s.region_id = ${regionId} and s.mental_health and s.date between ${from} and ${to})
    group by st.school_id`));
}

/** Active students per school with a parent who completed a course in [from, to]. */
export async function courseReachBySchool(db: Db, regionId: number, schoolIds: number[], from: string, to: string, paths?: readonly string[]): Promise<Counts> {
  if (!schoolIds.length) return new Map();
  return toMap(await rows(db, sql`
    select st.school_id, count(*)::int as n
    from students st
    where st.status = 'active' and st.school_id = any(${sql.param(schoolIds)}::int[]) ${narrow(paths)}
      and st.id in (select ra.student_id from role_assignments ra where ra.role = 'parent'
        and ra.account_id in (select account_id from homeschool_completions where region_id = ${regionId} and completed_on between ${from} and ${to}))
    group by st.school_id`));
}

/** Active students per school with a parent whose credits in [from, to] reach `standard`. */
export async function standardMetBySchool(db: Db, regionId: number, schoolIds: number[], from: string, to: string, standard: number, paths?: readonly string[]): Promise<Counts> {
  if (!schoolIds.length) return new Map();
  if (standard <= 0) {
    return toMap(await rows(db, sql`select st.school_id, count(*)::int as n from students st where st.status = 'active' and st.school_id = any(${sql.param(schoolIds)}::int[]) ${narrow(paths)} group by st.school_id`));
  }
  return toMap(await rows(db, sql`
    select st.school_id, count(*)::int as n
    from students st
    where st.status = 'active' and st.school_id = any(${sql.param(schoolIds)}::int[]) ${narrow(paths)}
      and st.id in (select ra.student_id from role_assignments ra where ra.role = 'parent'
        and ra.account_id in (select account_id from homeschool_completions where region_id = ${regionId} and completed_on between ${from} and ${to}
          group by account_id having sum(credits) >= ${standard}))
    group by st.school_id`));
}

/** Published courses of the year available to each school (its own, its district's, the city's): courses counted per owner, then summed over each school's units. */
export async function coursesBySchool(db: Db, regionId: number, schoolIds: number[], year: number): Promise<Counts> {
  if (!schoolIds.length) return new Map();
  return toMap(await rows(db, sql`
    with per_owner as (select owner_unit_id, count(*)::int as n from homeschool_courses where region_id = ${regionId} and published and year = ${year} group by owner_unit_id)
    select sch.id as school_id, coalesce(sum(po.n), 0)::int as n
    from org_units sch cross join lateral unnest(string_to_array(trim(both '/' from sch.path), '/')::int[]) as up(id)
      join per_owner po on po.owner_unit_id = up.id
    where sch.id = any(${sql.param(schoolIds)}::int[])
    group by sch.id`));
}

const ofStudents = (ctx: MetricContext, counts: Counts): SchoolFigure[] => ctx.schools.map((s) => ({ schoolId: s.id, numerator: Math.min(counts.get(s.id) ?? 0, s.students), denominator: s.students }));

async function schoolPath(ctx: MetricContext, schoolId: number): Promise<string | null> {
  const found = await rows<{ path: string }>(ctx.deps.db, sql`select path from org_units where id = ${schoolId} and region_id = ${ctx.regionId} and kind = 'school'`);
  return found[0]?.path ?? null;
}

/** The sessions behind a school's reach: per session and class, families that attended (no names). */
async function sessionRecords(ctx: MetricContext, schoolId: number): Promise<MetricRecords> {
  const list = await rows<{ date: string; topic: string; target: string; class_name: string | null; attended: number }>(ctx.deps.db, sql`
    select s.date::text as date, s.topic, tu.name as target, g.name || c.name as class_name, count(a.student_id)::int as attended
    from homeschool_sessions s join org_units tu on tu.id = s.target_unit_id
      left join homeschool_attendance a on a.session_id = s.id and a.attended
      left join students st on st.id = a.student_id
      left join org_units c on c.id = st.class_id left join org_units g on g.id = c.parent_id
    where s.region_id = ${ctx.regionId} and s.school_id = ${schoolId} and s.mental_health and s.date between ${ctx.from} and ${ctx.to}
    group by s.id, s.date, s.topic, tu.name, g.name, c.name, g.grade_level, c.class_no
    order by s.date, s.topic, g.grade_level, c.class_no limit 2000`);
  return {
    columns: [{ key: 'date', title: '日期' }, { key: 'topic', title: '主题' }, { key: 'target', title: '面向' }, { key: 'className', title: '班级' }, { key: 'attended', title: '参加家庭数' }],
    rows: list.map((r) => ({ date: String(r.date).slice(0, 10), topic: r.topic, target: r.target, className: r.class_name, attended: Number(r.attended) })),
  };
}

/** The courses behind a school's course reach: per course, families of the school's students who completed it in the period. */
async function completionRecords(ctx: MetricContext, schoolId: number): Promise<MetricRecords> {
  const list = await rows<{ title: string; owner: string; credits: number; families: number }>(ctx.deps.db, sql`
    select c.title, u.name as owner, c.credits, count(distinct st.id)::int as families
    from homeschool_completions hc join homeschool_courses c on c.id = hc.course_id join org_units u on u.id = c.owner_unit_id
      join role_assignments ra on ra.account_id = hc.account_id and ra.role = 'parent'
      join students st on st.id = ra.student_id and st.status = 'active' and st.school_id = ${schoolId}
    where hc.region_id = ${ctx.regionId} and hc.completed_on between ${ctx.from} and ${ctx.to}
    group by c.id, c.title, u.name, c.credits order by families desc, c.title limit 500`);
  return {
    columns: [{ key: 'title', title: '微课' }, { key: 'owner', title: '发布单位' }, { key: 'credits', title: '学分' }, { key: 'families', title: '完成学习的家庭数' }],
    rows: list.map((r) => ({ title: r.title, owner: r.owner, credits: Number(r.credits), families: Number(r.families) })),
  };
}

export const homeschoolMetrics: MetricDefinition[] = [
  {
    key: 'parent_session_reach',
    label: { zh: '家长课堂覆盖率', en: 'Families reached by parent sessions' },
    unit: 'percent',
    countsStudents: true,
    definition: {
      zh: '本年度家庭（监护人）参加过至少 1 次心理健康家长课堂/家长会的在籍学生数 ÷ 在籍学生数。',
      en: 'Active students whose family attended at least one mental-health parent session in the period ÷ active students.',
    },
    async perSchool(ctx) {
      return ofStudents(ctx, await sessionReachBySchool(ctx.deps.db, ctx.regionId, ctx.schools.map((s) => s.id), ctx.from, ctx.to, ctx.schools.map((s) => s.path)));
    },
    records: sessionRecords,
  },
  {
    key: 'parent_course_reach',
    label: { zh: '家长学校参学率', en: 'Families learning in the parent school' },
    unit: 'percent',
    countsStudents: true,
    definition: {
      zh: '本年度有家长完成至少 1 门家长学校微课的在籍学生数 ÷ 在籍学生数。',
      en: 'Active students with a parent who completed at least one parent-school micro-course in the period ÷ active students.',
    },
    async perSchool(ctx) {
      return ofStudents(ctx, await courseReachBySchool(ctx.deps.db, ctx.regionId, ctx.schools.map((s) => s.id), ctx.from, ctx.to, ctx.schools.map((s) => s.path)));
    },
    records: completionRecords,
  },
  {
    key: 'parent_micro_courses',
    label: { zh: '家长学校微课数', en: 'Parent-school micro-courses' },
    unit: 'count',
    definition: {
      zh: '本年度面向该校家长发布的家长学校微课门数（本校、所在区县及市级发布的合计）。',
      en: "Published parent-school micro-courses of the year available to the school's parents (its own, its district's and the city's).",
    },
    async perSchool(ctx) {
      const counts = await coursesBySchool(ctx.deps.db, ctx.regionId, ctx.schools.map((s) => s.id), ctx.year);
      return ctx.schools.map((s) => ({ schoolId: s.id, numerator: counts.get(s.id) ?? 0, denominator: 1 }));
    },
    async records(ctx, schoolId) {
      const path = await schoolPath(ctx, schoolId);
      const list = path ? await rows<{ title: string; owner: string; kind: string; minutes: number; credits: number }>(ctx.deps.db, sql`
        select c.title, u.name as owner, c.kind, c.minutes, c.credits from homeschool_courses c join org_units u on u.id = c.owner_unit_id
        where c.region_id = ${ctx.regionId} and c.published and c.year = ${ctx.year} and ${path} like c.org_path || '%' order by c.published_at, c.title limit 1000`) : [];
      return {
        columns: [{ key: 'title', title: '微课' }, { key: 'owner', title: '发布单位' }, { key: 'kind', title: '形式' }, { key: 'minutes', title: '时长（分钟）' }, { key: 'credits', title: '学分' }],
        rows: list.map((r) => ({ title: r.title, owner: r.owner, kind: r.kind === 'video' ? '视频' : '图文', minutes: Number(r.minutes), credits: Number(r.credits) })),
      };
    },
  },
  {
    key: 'parent_credit_standard',
    label: { zh: '家长学校学分达标率', en: 'Families meeting the parent-school credit standard' },
    unit: 'percent',
    countsStudents: true,
    definition: {
      zh: '本年度有家长修满地区规定学分（如 10 学分为合格）的在籍学生数 ÷ 在籍学生数。',
      en: "Active students with a parent whose credits in the year met the region's yearly standard (e.g. 10 credits) ÷ active students.",
    },
    async perSchool(ctx) {
      const std = await creditStandard(ctx.deps.db, ctx.regionId, ctx.year);
      return ofStudents(ctx, await standardMetBySchool(ctx.deps.db, ctx.regionId, ctx.schools.map((s) => s.id), ctx.from, ctx.to, std.credits, ctx.schools.map((s) => s.path)));
    },
    records: completionRecords,
  },
];

