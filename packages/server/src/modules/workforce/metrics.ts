/**
 * This module's metrics for the bureau's target lists and dashboards (see supervision/metric-types.ts).
 * All come from one set-based query over the schools of the context (staffCounts), shared by the
 * metrics of one context; certificates count when valid on ctx.to, training in ctx.year.
 */
import { bestLevel, certifiedAs, certValidOn, CERT_KIND_LABEL, classifyPosts, staffingStatus, type CertKind, type CertLevel } from '@xinyu/core';
import { sql } from 'drizzle-orm';
import { rows } from '../../db/client.js';
import type { MetricContext, MetricDefinition, MetricRecords, SchoolFigure } from '../supervision/metric-types.js';
import { staffCounts, zeroCounts, type StaffCounts } from './service.js';

const cache = new WeakMap<MetricContext, Promise<Map<number, StaffCounts>>>();
function countsOf(ctx: MetricContext): Promise<Map<number, StaffCounts>> {
  let p = cache.get(ctx);
  if (!p) {
    p = staffCounts(ctx.deps.db, ctx.schools.map((s) => s.id), ctx.to, ctx.year);
    cache.set(ctx, p);
  }
  return p;
}

async function perSchool(ctx: MetricContext, f: (c: StaffCounts, students: number) => [number, number]): Promise<SchoolFigure[]> {
  const counts = await countsOf(ctx);
  return ctx.schools.map((s) => {
    const [numerator, denominator] = f(counts.get(s.id) ?? zeroCounts(), s.students);
    return { schoolId: s.id, numerator, denominator };
  });
}

const POST_LABEL: Record<string, string> = { counselor_full: '专职心理教师', counselor_part: '兼职心理教师', head_teacher: '班主任' };
const LEVEL_LABEL = (l: CertLevel | null) => (l ? `${l} 证` : '');

/** The people of a group at one school with their certificates on ctx.to. */
async function people(ctx: MetricContext, schoolId: number, group: 'counselor' | 'head_teacher'): Promise<MetricRecords> {
  const list = await rows<{ id: string; name: string; posts: string[]; certs: { kind: CertKind; level: CertLevel | null; issuedOn: string; expiresOn: string | null }[] | null }>(ctx.deps.db, sql`
    select s.id, s.name, array_agg(distinct p.post) as posts,
      (select json_agg(json_build_object('kind', c.kind, 'level', c.level, 'issuedOn', c.issued_on::text, 'expiresOn', c.expires_on::text) order by c.issued_on)
         from workforce_certificates c where c.staff_id = s.id and c.withdrawn_at is null) as certs
    from staff s join staff_posts p on p.staff_id = s.id
    where s.school_id = ${schoolId} and s.active and p.post in ('counselor_full', 'counselor_part', 'head_teacher')
    group by s.id order by s.name`);
  const date = ctx.to;
  const out = list.map((p) => ({ p, cls: classifyPosts(p.posts), certs: p.certs ?? [] }))
    .filter((x) => (group === 'counselor' ? x.cls.counselor != null : x.cls.headTeacher));
  return {
    columns: [
      { key: 'name', title: '姓名' }, { key: 'post', title: '岗位' }, { key: 'certified', title: '持证（统计日有效）' }, { key: 'level', title: '最高等级' },
      { key: 'certificates', title: '证书' },
    ],
    rows: out.map(({ p, cls, certs }) => ({
      name: p.name,
      post: group === 'counselor' ? POST_LABEL[cls.counselor === 'full' ? 'counselor_full' : 'counselor_part']! : POST_LABEL.head_teacher!,
      certified: certifiedAs(group, certs, date) ? '是' : '否',
      level: LEVEL_LABEL(bestLevel(certs, date)),
      certificates: certs.map((c) => `${CERT_KIND_LABEL[c.kind]}${c.level ? ` ${c.level} 证` : ''}（${c.issuedOn} 至 ${c.expiresOn ?? '长期'}${certValidOn(c, date) ? '' : c.issuedOn > date ? '，未生效' : '，已过期'}）`).join('；'),
    })),
  };
}

async function staffingRecords(ctx: MetricContext, schoolId: number): Promise<MetricRecords> {
  const r = await people(ctx, schoolId, 'counselor');
  const school = ctx.schools.find((s) => s.id === schoolId);
  const counts = (await countsOf(ctx)).get(schoolId) ?? zeroCounts();
  const s = staffingStatus(school?.students ?? 0, counts.fullTime, counts.partTime);
  return {
    columns: r.columns,
    rows: [...r.rows, { name: '（合计）', post: `专职 ${s.fullTime}，兼职 ${s.partTime}；学生 ${s.students} 人，应配专职 ${s.requiredFullTime}`, certified: null, level: null, certificates: s.problems.join('；') || '达标' }],
  };
}

const counselorRecords = (ctx: MetricContext, id: number) => people(ctx, id, 'counselor');

export const workforceMetrics: MetricDefinition[] = [
  {
    key: 'schools_with_counselor',
    label: { zh: '配备心理教师的学校占比', en: 'Schools with a counselor' },
    unit: 'percent',
    definition: { zh: '至少配备 1 名专职或兼职心理教师的学校数 / 学校数。', en: 'Schools with at least one full- or part-time counselor / schools.' },
    perSchool: (ctx) => perSchool(ctx, (c) => [c.fullTime + c.partTime >= 1 ? 1 : 0, 1]),
    records: staffingRecords,
  },
  {
    key: 'counselor_ratio_compliance',
    label: { zh: '心理教师配备达标学校占比', en: 'Schools meeting the staffing rule' },
    unit: 'percent',
    definition: {
      zh: '达到配备要求的学校数 / 学校数：每校至少 1 名专兼职心理教师，学生 1000 人及以上的学校按 1:1000 配专职心理教师（应配 = 学生数 ÷ 1000 向上取整）。',
      en: 'Schools meeting the rule / schools: at least one counselor; schools of 1,000 students or more need ceil(students / 1000) full-time counselors.',
    },
    perSchool: (ctx) => perSchool(ctx, (c, students) => [staffingStatus(students, c.fullTime, c.partTime).compliant ? 1 : 0, 1]),
    records: staffingRecords,
  },
  {
    key: 'counselor_certification_rate',
    label: { zh: '心理教师持证率', en: 'Counselor certification rate' },
    unit: 'percent',
    definition: { zh: '统计日持有效心理健康教育教师资格证书（C/B/A 证）或心理咨询师证书的专兼职心理教师 / 专兼职心理教师（每人计一次）。', en: 'Counselors holding a valid mental-health teacher certificate (C/B/A) or counselor certificate on the date / counselors.' },
    perSchool: (ctx) => perSchool(ctx, (c) => [c.counselorsCertified, c.fullTime + c.partTime]),
    records: counselorRecords,
  },
  {
    key: 'headteacher_certification_rate',
    label: { zh: '班主任持证率', en: 'Head-teacher certification rate' },
    unit: 'percent',
    definition: { zh: '统计日持有效心理健康教育教师资格证书、心理咨询师证书或特殊能力考核（家庭教育指导、团体辅导、心理辅导技能）证书的班主任 / 班主任。', en: 'Head teachers holding a valid certificate (mental-health teacher, counselor, or a special-ability assessment) on the date / head teachers.' },
    perSchool: (ctx) => perSchool(ctx, (c) => [c.headTeachersCertified, c.headTeachers]),
    records: (ctx, id) => people(ctx, id, 'head_teacher'),
  },
  {
    key: 'counselor_level_b_share',
    label: { zh: '心理教师 B 证及以上占比', en: 'Counselors with level B or above' },
    unit: 'percent',
    definition: { zh: '统计日持有效 B 证或 A 证的专兼职心理教师 / 专兼职心理教师（目标 ≥ 20%）。', en: 'Counselors with a valid level B or A certificate / counselors (target ≥ 20%).' },
    perSchool: (ctx) => perSchool(ctx, (c) => [c.levelB, c.fullTime + c.partTime]),
    records: counselorRecords,
  },
  {
    key: 'counselor_level_a_share',
    label: { zh: '心理教师 A 证占比', en: 'Counselors with level A' },
    unit: 'percent',
    definition: { zh: '统计日持有效 A 证的专兼职心理教师 / 专兼职心理教师（目标 ≥ 10%）。', en: 'Counselors with a valid level A certificate / counselors (target ≥ 10%).' },
    perSchool: (ctx) => perSchool(ctx, (c) => [c.levelA, c.fullTime + c.partTime]),
    records: counselorRecords,
  },
  {
    key: 'counselors_per_thousand',
    label: { zh: '每千名学生心理教师数', en: 'Counselors per 1,000 students' },
    unit: 'per_thousand',
    definition: { zh: '专兼职心理教师人数（每人计一次）/ 在籍学生数 × 1000。', en: 'Full- and part-time counselors (each once) / students on the roll × 1,000.' },
    perSchool: (ctx) => perSchool(ctx, (c, students) => [c.fullTime + c.partTime, students]),
    records: staffingRecords,
  },
];
