/**
 * Metrics computed from the records of the earlier modules (screening, warning, counseling, crisis)
 * and the supervision module's own (funding). See metric-types.ts. Each runs one or two set-based
 * queries for all schools of the context; `records()` lists what is behind one school's figure by
 * id, date, level, status and class — never a student's name (the bureau reads these).
 */
import { sql, type SQL } from 'drizzle-orm';
import { rows } from '../../db/client.js';
import { deadlinesFor } from '../warning/service.js';
import type { MetricContext, MetricDefinition, MetricRecords, SchoolFigure } from './metric-types.js';

const cstStart = (day: string) => new Date(`${day}T00:00:00+08:00`);
/** [start, end) of the context's period as instants */
const span = (ctx: MetricContext) => {
  const end = cstStart(ctx.to);
  end.setUTCDate(end.getUTCDate() + 1);
  return { start: cstStart(ctx.from), end };
};
const idList = (ctx: MetricContext): SQL => sql`${sql.param(ctx.schools.map((s) => s.id))}::int[]`;
const figures = (list: { school_id: number; num: number; den: number }[]): SchoolFigure[] =>
  list.map((r) => ({ schoolId: Number(r.school_id), numerator: Number(r.num), denominator: Number(r.den) }));
const cstDate = (col: SQL) => sql`to_char(${col} at time zone 'Asia/Shanghai', 'YYYY-MM-DD')`;
const cstTime = (col: SQL) => sql`to_char(${col} at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI')`;
/** the class of a student as 七年级1班 (grade unit name + class name), or the school when unplaced */
const classLabel = (studentId: SQL) => sql`(select coalesce(g.name, '') || k.name from students s join org_units k on k.id = s.class_id left join org_units g on g.id = k.parent_id and g.kind = 'grade' where s.id = ${studentId})`;

const STATUS_ZH: Record<string, string> = {
  new: '待接收', acknowledged: '已接收', assessing: '研判中', confirmed: '已确认', dismissed: '已排除', closed: '已结案',
  sent: '已发送', accepted: '已接收', declined: '已拒绝', seen: '已就诊', feedback: '已反馈',
};
const RATING_ZH: Record<string, string> = { none: '未评定', qualified: '达标', model: '示范' };

/** Active students of grade 4 and up (the grades screened), per school: the coverage's denominator. */
const screenedGrades = (ctx: MetricContext) => sql`
  select s.id, s.school_id, s.class_id from students s
  join org_units k on k.id = s.class_id left join org_units g on g.id = k.parent_id and g.kind = 'grade'
  where s.region_id = ${ctx.regionId} and s.status = 'active' and s.school_id = any(${idList(ctx)}) and coalesce(k.grade_level, g.grade_level) >= 4`;
const screenedInPeriod = (ctx: MetricContext) => {
  const { start, end } = span(ctx);
  return sql`select distinct r.student_id from screening_responses r
    where r.region_id = ${ctx.regionId} and r.status = 'submitted' and r.school_id = any(${idList(ctx)}) and r.submitted_at >= ${start} and r.submitted_at < ${end}`;
};

const screeningCoverage: MetricDefinition = {
  key: 'screening_coverage',
  label: { zh: '心理测评覆盖率', en: 'Screening coverage' },
  unit: 'percent',
  countsStudents: true,
  definition: {
    zh: '本年度内至少提交过一份测评问卷（任一测评活动，以提交时间计）的在校学生 ÷ 四年级及以上在校学生（按学生当前所在学校统计）。',
    en: 'Active students in grade 4 and up who submitted at least one screening questionnaire (any campaign) in the year ÷ active students in grade 4 and up (by the school they are at now).',
  },
  async perSchool(ctx) {
    return figures(await rows(ctx.deps.db, sql`
      with t as (${screenedGrades(ctx)}), done as materialized (${screenedInPeriod(ctx)})
      select t.school_id, count(done.student_id)::int as num, count(*)::int as den from t left join done on done.student_id = t.id group by t.school_id`));
  },
  async records(ctx, schoolId) {
    const one = { ...ctx, schools: ctx.schools.filter((s) => s.id === schoolId) };
    const list = await rows<{ class_name: string; students: number; screened: number }>(ctx.deps.db, sql`
      with t as (${screenedGrades(one)}), done as materialized (${screenedInPeriod(one)})
      select coalesce(g.name, '') || k.name as class_name, count(*)::int as students, count(done.student_id)::int as screened
      from t left join done on done.student_id = t.id join org_units k on k.id = t.class_id left join org_units g on g.id = k.parent_id and g.kind = 'grade'
      group by k.path, g.name, k.name order by k.path`);
    return {
      columns: [{ key: 'class', title: '班级' }, { key: 'students', title: '在校学生' }, { key: 'screened', title: '已完成测评' }, { key: 'share', title: '覆盖率' }],
      // counts of 1–4 students are not shown to the bureau (nor the share they would give away)
      rows: list.map((r) => {
        const small = (n: number) => n > 0 && n < 5;
        const hide = small(r.students) || small(r.screened);
        return { class: r.class_name, students: small(r.students) ? '<5' : r.students, screened: small(r.screened) ? '<5' : r.screened, share: hide || !r.students ? null : `${Math.round((r.screened / r.students) * 1000) / 10}%` };
      }),
    };
  },
};

const roomRecords = async (ctx: MetricContext, schoolId: number): Promise<MetricRecords> => {
  const list = await rows<{ name: string; location: string; rating: string; rated_at: string | null }>(ctx.deps.db, sql`
    select name, location, rating, rated_at::text from counseling_rooms where school_id = ${schoolId} and active order by name`);
  return {
    columns: [{ key: 'name', title: '辅导室' }, { key: 'location', title: '位置' }, { key: 'rating', title: '评定' }, { key: 'ratedAt', title: '评定日期' }],
    rows: list.map((r) => ({ name: r.name, location: r.location, rating: RATING_ZH[r.rating] ?? r.rating, ratedAt: r.rated_at })),
  };
};

/** Schools with an active room rated at least `ratings` ÷ schools (every school of the context counts, with or without a room). */
const roomShare = (key: string, zh: string, en: string, ratings: string[], defZh: string, defEn: string): MetricDefinition => ({
  key,
  label: { zh, en },
  unit: 'percent',
  definition: { zh: defZh, en: defEn },
  async perSchool(ctx) {
    const rated = await rows<{ school_id: number }>(ctx.deps.db, sql`
      select distinct school_id from counseling_rooms where school_id = any(${idList(ctx)}) and active and rating = any(${sql.param(ratings)}::text[])`);
    const yes = new Set(rated.map((r) => Number(r.school_id)));
    return ctx.schools.map((s) => ({ schoolId: s.id, numerator: yes.has(s.id) ? 1 : 0, denominator: 1 }));
  },
  records: roomRecords,
});

const roomQualifiedShare = roomShare('room_qualified_share', '达标心理辅导室学校占比', 'Schools with a qualified counseling room', ['qualified', 'model'],
  '有一间在用心理辅导室被教育局评定为“达标”或“示范”的学校 ÷ 学校数（按评定现状，不分年度）。',
  'Schools with an active counseling room the bureau rated qualified or model ÷ schools (current ratings).');
const roomModelShare = roomShare('room_model_share', '示范心理辅导室学校占比', 'Schools with a model counseling room', ['model'],
  '有一间在用心理辅导室被教育局评定为“示范”的学校 ÷ 学校数（按评定现状，不分年度）。',
  'Schools with an active counseling room the bureau rated model ÷ schools (current ratings).');

/** Red alerts of the period with whether they were acknowledged within the region's red deadline (确认接收时限). */
const redAlertsSql = async (ctx: MetricContext, schools: SQL) => {
  const { start, end } = span(ctx);
  const hours = (await deadlinesFor(ctx.deps.db, ctx.regionId)).red.ackHours;
  return sql`select a.id, a.school_id, a.student_id, a.status, a.level, a.created_at, a.acknowledged_at,
      (a.acknowledged_at is not null and a.acknowledged_at <= a.created_at + make_interval(secs => ${hours * 3600})) as on_time
    from alerts a where a.region_id = ${ctx.regionId} and a.level = 'red' and a.school_id = any(${schools}) and a.created_at >= ${start} and a.created_at < ${end}`;
};

const redAlertsOnTime: MetricDefinition = {
  key: 'red_alerts_on_time',
  label: { zh: '红色预警及时处置率', en: 'Red alerts handled in time' },
  unit: 'percent',
  definition: {
    zh: '本年度产生的红色预警中，在地区规定的红色预警确认接收时限（默认 2 小时）内被接收处置的 ÷ 本年度产生的红色预警。',
    en: 'Red alerts raised in the year that were acknowledged within the region\'s red-alert acknowledgement deadline (2 hours by default) ÷ red alerts raised in the year.',
  },
  async perSchool(ctx) {
    return figures(await rows(ctx.deps.db, sql`
      select school_id, count(*) filter (where on_time)::int as num, count(*)::int as den from (${await redAlertsSql(ctx, idList(ctx))}) x group by school_id`));
  },
  async records(ctx, schoolId) {
    const list = await rows<{ id: string; created: string; acked: string | null; status: string; class_name: string | null; on_time: boolean }>(ctx.deps.db, sql`
      select x.id, ${cstTime(sql`x.created_at`)} as created, ${cstTime(sql`x.acknowledged_at`)} as acked, x.status, ${classLabel(sql`x.student_id`)} as class_name, x.on_time
      from (${await redAlertsSql(ctx, sql`array[${schoolId}]::int[]`)}) x order by x.created_at desc limit 500`);
    return {
      columns: [{ key: 'id', title: '预警编号' }, { key: 'createdAt', title: '产生时间' }, { key: 'level', title: '等级' }, { key: 'class', title: '班级' }, { key: 'status', title: '状态' }, { key: 'acknowledgedAt', title: '接收时间' }, { key: 'onTime', title: '是否及时' }],
      rows: list.map((r) => ({ id: r.id.slice(0, 8), createdAt: r.created, level: '红色', class: r.class_name, status: STATUS_ZH[r.status] ?? r.status, acknowledgedAt: r.acked, onTime: r.on_time ? '及时' : '超时或未接收' })),
    };
  },
};

/** Referrals sent in the period (a re-sent one from its latest send), as in crisis/measures.ts. */
const referralsSql = (ctx: MetricContext, schools: SQL) => {
  const { start, end } = span(ctx);
  return sql`select id, school_id, student_id, severity, status, sent_at, feedback_at from referrals
    where region_id = ${ctx.regionId} and school_id = any(${schools}) and sent_at >= ${start} and sent_at < ${end}`;
};
const SEVERITY_ZH: Record<string, string> = { mild: '轻度', moderate: '中度', severe: '重度' };

const referralFeedbackShare: MetricDefinition = {
  key: 'referral_feedback_share',
  label: { zh: '转介反馈率', en: 'Referrals with feedback' },
  unit: 'percent',
  definition: {
    zh: '本年度发出的转介中已收到医疗机构反馈的 ÷ 本年度发出的转介（与“咨询与转介统计”同一口径，重新发送的按最近一次发送计）。',
    en: 'Referrals sent in the year that have the institution\'s feedback ÷ referrals sent in the year (as in the counseling and referral measures; a re-sent referral counts from its latest send).',
  },
  async perSchool(ctx) {
    return figures(await rows(ctx.deps.db, sql`
      select school_id, count(*) filter (where feedback_at is not null)::int as num, count(*)::int as den from (${referralsSql(ctx, idList(ctx))}) x group by school_id`));
  },
  async records(ctx, schoolId) {
    const list = await rows<{ id: string; sent: string; severity: string; status: string; class_name: string | null; fed: string | null }>(ctx.deps.db, sql`
      select x.id, ${cstDate(sql`x.sent_at`)} as sent, x.severity, x.status, ${classLabel(sql`x.student_id`)} as class_name, ${cstDate(sql`x.feedback_at`)} as fed
      from (${referralsSql(ctx, sql`array[${schoolId}]::int[]`)}) x order by x.sent_at desc limit 500`);
    return {
      columns: [{ key: 'id', title: '转介编号' }, { key: 'sentAt', title: '发送日期' }, { key: 'severity', title: '程度' }, { key: 'class', title: '班级' }, { key: 'status', title: '状态' }, { key: 'feedbackAt', title: '反馈日期' }],
      rows: list.map((r) => ({ id: r.id.slice(0, 8), sentAt: r.sent, severity: SEVERITY_ZH[r.severity] ?? r.severity, class: r.class_name, status: STATUS_ZH[r.status] ?? r.status, feedbackAt: r.fed })),
    };
  },
};

const fundingPerStudent: MetricDefinition = {
  key: 'funding_per_student',
  label: { zh: '生均心理健康教育经费', en: 'Mental-health funding per student' },
  unit: 'yuan_per_student',
  definition: {
    zh: '教育局为学校登记的本年度心理健康教育经费（元）÷ 在校学生数；标准为每生每年不少于 10 元。',
    en: 'Yuan the bureau recorded for the school\'s mental-health work in the year ÷ active students; the standard is at least 10 yuan per student a year.',
  },
  async perSchool(ctx) {
    const list = await rows<{ school_id: number; fen: number }>(ctx.deps.db, sql`
      select school_id, sum(amount_fen)::float8 as fen from supervision_funding where region_id = ${ctx.regionId} and year = ${ctx.year} and school_id = any(${idList(ctx)}) group by school_id`);
    const fen = new Map(list.map((r) => [Number(r.school_id), Number(r.fen)]));
    return ctx.schools.map((s) => ({ schoolId: s.id, numerator: (fen.get(s.id) ?? 0) / 100, denominator: s.students }));
  },
  async records(ctx, schoolId) {
    const list = await rows<{ id: string; fen: number; source: string; purpose: string; created: string; by: string }>(ctx.deps.db, sql`
      select id, amount_fen::float8 as fen, source, purpose, ${cstDate(sql`created_at`)} as created, created_by_name as by from supervision_funding
      where region_id = ${ctx.regionId} and year = ${ctx.year} and school_id = ${schoolId} order by created_at`);
    return {
      columns: [{ key: 'createdAt', title: '登记日期' }, { key: 'amount', title: '金额（元）' }, { key: 'source', title: '来源' }, { key: 'purpose', title: '用途' }, { key: 'by', title: '登记人' }],
      rows: list.map((r) => ({ createdAt: r.created, amount: Number(r.fen) / 100, source: r.source, purpose: r.purpose, by: r.by })),
    };
  },
};

export const supervisionMetrics: MetricDefinition[] = [screeningCoverage, roomQualifiedShare, roomModelShare, redAlertsOnTime, referralFeedbackShare, fundingPerStudent];
