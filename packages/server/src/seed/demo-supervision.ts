/**
 * Demo supervision data: the city's 2026 target lists (四张清单) with targets bound to the registered
 * metrics and one research (课题) target tracked by milestones, a target 江城区 added for itself;
 * funding records for every school (one school under 10 yuan per student); the 2026 model-school
 * rating scheme, and a self-evaluation of 江城区实验中学 waiting for the district's review.
 * Called inside seedDemo's transaction. The trimmed test city gets the city's lists only (one insert).
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../db/client.js';
import { metricByKey } from '../modules/supervision/metric-registry.js';
import { ratingEvaluations, ratingSchemes, supervisionTargets, supervisionTargetVersions } from '../modules/supervision/tables.js';

const YEAR = 2026;

interface Seeded {
  list: number;
  task: string;
  metricKey?: string;
  comparator?: 'at_least' | 'at_most';
  targetValue?: number;
  deadline?: string;
  responsibleUnit: string;
  manualStatus?: 'not_started' | 'in_progress' | 'done';
  milestones?: { title: string; due: string | null; done: boolean; evidence: string }[];
  evidence?: string;
}

/** The city's 2026 lists, from seed 001's 四张清单 (the 2024/2025 columns carried into the new plan year). */
const CITY_TARGETS: Seeded[] = [
  { list: 1, task: '心理健康测评：四年级及以上学生年度测评覆盖率不低于95%', metricKey: 'screening_coverage', comparator: 'at_least', targetValue: 95, deadline: '2026-12-31', responsibleUnit: '市教育局基础教育科' },
  { list: 1, task: '中小学心理辅导室建设：合格心理辅导室达50%', metricKey: 'room_qualified_share', comparator: 'at_least', targetValue: 50, deadline: '2026-12-31', responsibleUnit: '各县市区教育局' },
  { list: 1, task: '中小学心理辅导室建设：示范心理辅导室达10%', metricKey: 'room_model_share', comparator: 'at_least', targetValue: 10, deadline: '2026-12-31', responsibleUnit: '各县市区教育局' },
  { list: 1, task: '心理健康课按课表开齐开足', metricKey: 'lesson_class_compliance', comparator: 'at_least', targetValue: 90, deadline: '2026-12-31', responsibleUnit: '各中小学' },
  { list: 1, task: '优秀学生心理社团创建：30个以上', metricKey: 'psych_clubs', comparator: 'at_least', targetValue: 30, deadline: '2026-12-31', responsibleUnit: '市教科院' },
  { list: 1, task: '经费保障：按生均10元将心理健康教育经费纳入年度预算', metricKey: 'funding_per_student', comparator: 'at_least', targetValue: 10, deadline: '2026-12-31', responsibleUnit: '各县市区教育局' },
  { list: 2, task: '全市各中小学（含教学点）配备1名专兼职心理健康教师', metricKey: 'schools_with_counselor', comparator: 'at_least', targetValue: 100, deadline: '2026-09-01', responsibleUnit: '市教育局人事科' },
  { list: 2, task: '学校心理健康教师持证上岗率达50%以上', metricKey: 'counselor_certification_rate', comparator: 'at_least', targetValue: 50, deadline: '2026-12-31', responsibleUnit: '市教育局人事科' },
  { list: 2, task: '班主任心理健康教育培训合格持证率达50%以上', metricKey: 'headteacher_certification_rate', comparator: 'at_least', targetValue: 50, deadline: '2026-12-31', responsibleUnit: '市教育局人事科' },
  { list: 3, task: '数字家长学校建设：建设50个数字家长学校微课程', metricKey: 'parent_micro_courses', comparator: 'at_least', targetValue: 50, deadline: '2026-12-31', responsibleUnit: '市教育局关工委' },
  { list: 3, task: '红色预警及时处置', metricKey: 'red_alerts_on_time', comparator: 'at_least', targetValue: 100, deadline: '2026-12-31', responsibleUnit: '各中小学' },
  { list: 3, task: '转介医疗机构后及时获取反馈', metricKey: 'referral_feedback_share', comparator: 'at_least', targetValue: 80, deadline: '2026-12-31', responsibleUnit: '各中小学、合作医疗机构' },
  { list: 3, task: '心理示范学校建设：创建10个市级心理健康教育示范学校', deadline: '2026-12-31', responsibleUnit: '市教育局', manualStatus: 'in_progress', evidence: '2026年示范校评估方案已发布，各校自评中。' },
  {
    list: 4, task: '开展积极语言“语商模型”心理健康教育专项课题研究：召开阶段性成果交流', deadline: '2026-12-31', responsibleUnit: '市教科院', manualStatus: 'in_progress',
    milestones: [
      { title: '课题开题论证', due: '2026-03-31', done: true, evidence: '开题报告及专家论证意见已归档' },
      { title: '实验校中期检查', due: '2026-09-30', done: true, evidence: '12所实验校中期检查报告' },
      { title: '阶段性成果交流会', due: '2026-12-15', done: false, evidence: '' },
    ],
  },
];

const SCHEME_CRITERIA = [
  { id: 'staff', dimension: 'staffing', title: '配备专兼职心理健康教师', weight: 20, maxScore: 20, metricKey: 'schools_with_counselor', metricTarget: 100 },
  { id: 'cert', dimension: 'staffing', title: '心理健康教师持证上岗', weight: 10, maxScore: 10, metricKey: 'counselor_certification_rate', metricTarget: 100 },
  { id: 'course', dimension: 'courses', title: '心理健康课开齐开足', weight: 20, maxScore: 20, metricKey: 'lesson_class_compliance', metricTarget: 100 },
  { id: 'room', dimension: 'services', title: '心理辅导室建设与开放', weight: 15, maxScore: 15, metricKey: 'room_qualified_share', metricTarget: 100 },
  { id: 'alert', dimension: 'services', title: '红色预警及时处置', weight: 10, maxScore: 10, metricKey: 'red_alerts_on_time', metricTarget: 100 },
  { id: 'family', dimension: 'homeschool', title: '家长学校与家长课堂开展情况', weight: 15, maxScore: 15, metricKey: null, metricTarget: null },
  { id: 'activity', dimension: 'activities', title: '心理健康月、团体辅导等主题活动', weight: 10, maxScore: 10, metricKey: null, metricTarget: null },
];

export async function seedDemoSupervision(tx: Db, opts: { now: Date; full: boolean }): Promise<Record<string, number>> {
  const { now, full } = opts;
  const cityUnit = (await rows<{ id: number; path: string; region_id: number }>(tx, sql`select id, path, region_id from org_units where kind = 'city' order by id limit 1`))[0];
  if (!cityUnit) return {};
  const regionId = cityUnit.region_id;
  const known = (k?: string) => (k && metricByKey(k) ? k : undefined);
  const seqByList = new Map<number, number>();
  const values = CITY_TARGETS.map((t) => {
    const metricKey = known(t.metricKey) ?? null;
    const seq = (seqByList.get(t.list) ?? 0) + 1;
    seqByList.set(t.list, seq);
    return {
      regionId, ownerUnitId: cityUnit.id, ownerPath: cityUnit.path, year: YEAR, list: t.list, seq, task: t.task,
      metricKey, comparator: metricKey ? (t.comparator ?? null) : null, targetValue: metricKey ? (t.targetValue ?? null) : null,
      deadline: t.deadline ?? null, responsibleUnit: t.responsibleUnit, manualStatus: metricKey ? null : (t.manualStatus ?? 'not_started'),
      milestones: t.milestones ?? [], evidence: t.evidence ?? '', clientId: randomUUID(), createdAt: now, updatedAt: now,
    };
  }).filter((v) => v.metricKey || !CITY_TARGETS.find((t) => t.task === v.task)?.metricKey);
  const targets = await tx.insert(supervisionTargets).values(values).returning();
  if (!full) return { targets: targets.length };

  await tx.insert(supervisionTargetVersions).values(targets.filter((t) => t.metricKey).map((t) => ({ targetId: t.id, metricKey: t.metricKey, comparator: t.comparator, targetValue: t.targetValue, overrides: {}, byName: '市教育局', at: now })));
  const d01 = (await rows<{ id: number; path: string }>(tx, sql`select id, path from org_units where code = 'D01' and kind = 'district'`))[0];
  if (d01) {
    await tx.insert(supervisionTargets).values({
      regionId, ownerUnitId: d01.id, ownerPath: d01.path, year: YEAR, list: 3, seq: 1, task: '江城区：红色预警2小时内接收率不低于95%', metricKey: 'red_alerts_on_time', comparator: 'at_least', targetValue: 95,
      deadline: '2026-12-31', responsibleUnit: '江城区教育局', clientId: randomUUID(), createdAt: now, updatedAt: now,
    });
  }

  // funding: every school 12 yuan per student, 江城区第三中学 (S0205) only 6 — under the standard
  const funding = await rows<{ n: number }>(tx, sql`
    with f as (
      insert into supervision_funding (region_id, school_id, org_path, year, amount_fen, source, purpose, created_by_name, client_id, created_at)
      select ${regionId}, s.id, s.path, ${YEAR}, (greatest(count(st.id), 100) * case when s.code = 'S0205' then 600 else 1200 end)::bigint,
        '县级财政预算', '心理健康教育师资培训、辅导室设备与活动经费', '市教育局', gen_random_uuid(), ${now}
      from org_units s left join students st on st.school_id = s.id and st.status = 'active'
      where s.region_id = ${regionId} and s.kind = 'school' and s.active group by s.id, s.path, s.code
      returning 1)
    select count(*)::int as n from f`);

  const [scheme] = await tx.insert(ratingSchemes).values({
    regionId, year: YEAR, title: '2026年度中小学心理健康教育示范学校评估',
    criteria: SCHEME_CRITERIA.map((c) => (c.metricKey && !metricByKey(c.metricKey) ? { ...c, metricKey: null, metricTarget: null } : c)),
    modelThreshold: 90, qualifiedThreshold: 75, updatedByName: '市教育局', updatedAt: now,
  }).returning({ id: ratingSchemes.id });
  const s0201 = (await rows<{ id: number; path: string }>(tx, sql`select id, path from org_units where code = 'S0201' and kind = 'school'`))[0];
  if (s0201) {
    await tx.insert(ratingEvaluations).values({
      regionId, schemeId: scheme!.id, schoolId: s0201.id, orgPath: s0201.path, status: 'submitted',
      self: {
        family: { score: 13, evidence: '每学期两次家长课堂，家长学校学分达标率 86%', links: [] },
        activity: { score: 9, evidence: '5·25 心理健康月系列活动、七年级新生团体辅导', links: [] },
      },
      submittedAt: now, updatedAt: now,
    });
  }
  return { targets: targets.length + (d01 ? 1 : 0), funding: funding[0]?.n ?? 0, ratingSchemes: 1 };
}
