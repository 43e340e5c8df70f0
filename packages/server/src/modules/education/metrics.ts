/**
 * This module's metrics for the bureau's target lists and dashboards (see supervision/metric-types.ts).
 * All figures are about the term containing the end of the measured period (ctx.to), evaluated up to
 * that day: the region's calendar term, or the fixed rule (core education termOf). One set of grouped
 * queries for all schools of the context (schoolFigures), shared by the metrics of one computation.
 */
import { lessonCompliance, ACTIVITY_KINDS, ACTIVITY_THEMES, INFUSION_PER_TERM } from '@xinyu/core';
import { and, asc, eq, gte, lte, or, sql } from 'drizzle-orm';
import { rows } from '../../db/client.js';
import type { MetricContext, MetricDefinition, MetricRecords } from '../supervision/metric-types.js';
import { schoolFigures, termAt, type SchoolFigures, type TermContext } from './lessons.js';
import { educationActivities, educationClubs } from './tables.js';

const cache = new WeakMap<MetricContext, Promise<{ tc: TermContext; figures: Map<number, SchoolFigures> }>>();

function figuresOf(ctx: MetricContext) {
  let p = cache.get(ctx);
  if (!p) {
    p = (async () => {
      const tc = await termAt(ctx.deps.db, ctx.regionId, ctx.to);
      const schools = ctx.schools.map((s) => ({ id: s.id, path: s.path, parentId: s.districtId }));
      return { tc, figures: await schoolFigures(ctx.deps.db, ctx.regionId, schools, tc) };
    })();
    cache.set(ctx, p);
  }
  return p;
}

async function termOfCtx(ctx: MetricContext) {
  return (await figuresOf(ctx)).tc;
}

async function lessonRecords(ctx: MetricContext, schoolId: number): Promise<MetricRecords> {
  const tc = await termOfCtx(ctx);
  const classes = await rows<{ id: number; name: string; dates: string[] | null }>(ctx.deps.db, sql`
    select c.id, g.name || c.name as name,
      (select array_agg(to_char(l.date, 'YYYY-MM-DD') order by l.date) from education_lessons l where l.class_id = c.id and l.date >= ${tc.term.start} and l.date <= ${tc.asOf}) as dates
    from org_units c join org_units g on g.id = c.parent_id
    where g.parent_id = ${schoolId} and c.kind = 'class' and c.active and c.region_id = ${ctx.regionId}
    order by g.grade_level, c.class_no`);
  return {
    columns: [
      { key: 'className', title: '班级' },
      { key: 'lessons', title: `${tc.term.name}节数` },
      { key: 'required', title: '应上节数（至今）' },
      { key: 'longestGap', title: '最长连续未上课（上学日）' },
      { key: 'lastLesson', title: '最近一节' },
      { key: 'compliant', title: '是否达标' },
    ],
    rows: classes.map((c) => {
      const r = lessonCompliance(c.dates ?? [], tc.term, tc.cal, tc.asOf, tc.days);
      return { className: c.name, lessons: r.lessons, required: r.requiredSoFar, longestGap: r.longestGap, lastLesson: c.dates?.at(-1) ?? null, compliant: r.compliant ? '达标' : '未达标' };
    }),
  };
}

async function lessonList(ctx: MetricContext, schoolId: number): Promise<MetricRecords> {
  const tc = await termOfCtx(ctx);
  const list = await rows<{ date: string; class_name: string; topic: string; teacher_name: string; minutes: number }>(ctx.deps.db, sql`
    select to_char(l.date, 'YYYY-MM-DD') as date, g.name || c.name as class_name, l.topic, l.teacher_name, l.minutes
    from education_lessons l join org_units c on c.id = l.class_id join org_units g on g.id = c.parent_id
    where l.school_id = ${schoolId} and l.region_id = ${ctx.regionId} and l.date >= ${tc.term.start} and l.date <= ${tc.asOf}
    order by l.date desc, g.grade_level, c.class_no limit 5000`);
  return {
    columns: [{ key: 'date', title: '日期' }, { key: 'className', title: '班级' }, { key: 'topic', title: '课题' }, { key: 'teacher', title: '授课教师' }, { key: 'minutes', title: '时长（分钟）' }],
    rows: list.map((l) => ({ date: l.date, className: l.class_name, topic: l.topic, teacher: l.teacher_name, minutes: l.minutes })),
  };
}

async function activityList(ctx: MetricContext, schoolId: number, kinds: ('infusion' | 'research' | 'themed')[]): Promise<MetricRecords> {
  const tc = await termOfCtx(ctx);
  const district = ctx.schools.find((s) => s.id === schoolId)?.districtId ?? null;
  const list = await ctx.deps.db.select().from(educationActivities).where(and(
    eq(educationActivities.regionId, ctx.regionId),
    gte(educationActivities.date, tc.term.start),
    lte(educationActivities.date, tc.asOf),
    or(eq(educationActivities.unitId, schoolId), district ? and(eq(educationActivities.unitId, district), eq(educationActivities.kind, 'research')) : undefined),
    sql`${educationActivities.kind} = any(${sql.param(kinds)}::text[])`,
  )).orderBy(asc(educationActivities.date));
  return {
    columns: [{ key: 'date', title: '日期' }, { key: 'kind', title: '类型' }, { key: 'title', title: '名称' }, { key: 'theme', title: '主题' }, { key: 'participants', title: '参与人数' }, { key: 'by', title: '举办' }],
    rows: list.map((a) => ({ date: a.date, kind: ACTIVITY_KINDS[a.kind], title: a.title, theme: a.theme ? ACTIVITY_THEMES[a.theme] : null, participants: a.participants, by: a.unitId === schoolId ? '本校' : '区县' })),
  };
}

export const educationMetrics: MetricDefinition[] = [
  {
    key: 'lesson_class_compliance',
    label: { zh: '心理健康课开课达标班级比例', en: 'Classes meeting the mental-health lesson rules' },
    unit: 'percent',
    definition: {
      zh: '本学期（截至统计日）同时满足“每两个教学周（连续 10 个上学日）至少 1 节”和“每学期不少于 10 节（学期中按已过上学日折算）”的班级数 / 在用班级数。节假日不计，调休上课日计入。',
      en: 'Classes that, this term up to the day measured, had a lesson in every 10 consecutive school days and at least 10 lessons a term (pro-rated while the term runs) / active classes. Holidays do not count; make-up school days do.',
    },
    batch: 'education',
    async perSchool(ctx) {
      const { figures } = await figuresOf(ctx);
      return ctx.schools.map((s) => ({ schoolId: s.id, numerator: figures.get(s.id)?.compliantClasses ?? 0, denominator: figures.get(s.id)?.classes ?? 0 }));
    },
    records: lessonRecords,
  },
  {
    key: 'schools_offering_lessons',
    label: { zh: '开设心理健康课的学校比例', en: 'Schools offering mental-health lessons' },
    unit: 'percent',
    definition: { zh: '本学期（截至统计日）至少登记 1 节心理健康课的学校：每校 1/1 或 0/1。', en: 'Schools with at least one mental-health lesson recorded this term: 1/1 or 0/1 per school.' },
    batch: 'education',
    async perSchool(ctx) {
      const { figures } = await figuresOf(ctx);
      return ctx.schools.map((s) => ({ schoolId: s.id, numerator: figures.get(s.id)?.offersLessons ? 1 : 0, denominator: 1 }));
    },
    records: lessonList,
  },
  {
    key: 'infusion_activity_compliance',
    label: { zh: '学科渗透研究活动达标学校比例', en: 'Schools with enough subject-infusion research activities' },
    unit: 'percent',
    definition: { zh: `本学期（截至统计日）开展学科渗透研究活动不少于 ${INFUSION_PER_TERM} 次的学校：每校 1/1 或 0/1。`, en: `Schools with at least ${INFUSION_PER_TERM} subject-infusion research activities this term: 1/1 or 0/1 per school.` },
    batch: 'education',
    async perSchool(ctx) {
      const { figures } = await figuresOf(ctx);
      return ctx.schools.map((s) => ({ schoolId: s.id, numerator: (figures.get(s.id)?.infusion ?? 0) >= INFUSION_PER_TERM ? 1 : 0, denominator: 1 }));
    },
    records: (ctx, schoolId) => activityList(ctx, schoolId, ['infusion']),
  },
  {
    key: 'research_activity_compliance',
    label: { zh: '每月开展心理教研活动的学校比例', en: 'Schools with a teaching-research activity every month' },
    unit: 'percent',
    definition: { zh: '本学期已结束的每个月都有心理教研活动（本校或所在区县组织）的学校：每校 1/1 或 0/1。', en: 'Schools with a teaching-research activity (their own or their district\'s) in every month of the term that is over: 1/1 or 0/1 per school.' },
    batch: 'education',
    async perSchool(ctx) {
      const { figures } = await figuresOf(ctx);
      return ctx.schools.map((s) => ({ schoolId: s.id, numerator: figures.get(s.id)?.researchOk ? 1 : 0, denominator: 1 }));
    },
    records: (ctx, schoolId) => activityList(ctx, schoolId, ['research']),
  },
  {
    key: 'themed_activities',
    label: { zh: '心理健康主题活动次数', en: 'Themed mental-health events' },
    unit: 'count',
    definition: { zh: '本学期（截至统计日）登记的主题活动次数（5·25、10·10、开学季、考前减压、毕业年级专场等）。', en: 'Themed events recorded this term (5·25, 10·10, term start, exam relief, graduating grades, other).' },
    batch: 'education',
    async perSchool(ctx) {
      const { figures } = await figuresOf(ctx);
      return ctx.schools.map((s) => ({ schoolId: s.id, numerator: figures.get(s.id)?.themed ?? 0, denominator: 1 }));
    },
    records: (ctx, schoolId) => activityList(ctx, schoolId, ['themed']),
  },
  {
    key: 'psych_clubs',
    label: { zh: '学生心理社团数', en: 'Student psych clubs' },
    unit: 'count',
    definition: { zh: '在册（活跃）的学生心理社团个数。', en: 'Active student psych clubs.' },
    batch: 'education',
    async perSchool(ctx) {
      const { figures } = await figuresOf(ctx);
      return ctx.schools.map((s) => ({ schoolId: s.id, numerator: figures.get(s.id)?.clubs ?? 0, denominator: 1 }));
    },
    async records(ctx, schoolId) {
      const list = await ctx.deps.db.select().from(educationClubs).where(and(eq(educationClubs.schoolId, schoolId), eq(educationClubs.regionId, ctx.regionId), eq(educationClubs.active, true))).orderBy(asc(educationClubs.name));
      return {
        columns: [{ key: 'name', title: '社团名称' }, { key: 'advisor', title: '指导教师' }, { key: 'members', title: '成员数' }, { key: 'foundedOn', title: '成立日期' }],
        rows: list.map((c) => ({ name: c.name, advisor: c.advisorName, members: c.members, foundedOn: c.foundedOn })),
      };
    },
  },
];
