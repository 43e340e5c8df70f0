/**
 * Pure rules of the workforce area (队伍建设): who counts as a counselor or a head teacher, when a
 * certificate counts, the staffing rule (every school at least one counselor; schools of 1,000
 * students or more full-time counselors at 1:1000), certification rates, level shares against the
 * plan's targets (100% C, ≥ 20% B, ≥ 10% A) and training hours.
 *
 * Dates are China Standard Time calendar dates, 'YYYY-MM-DD' (string comparison is date order).
 */

/** 心理健康教育教师资格证书 (C/B/A), 心理咨询师, the 特殊能力考核 of head teachers, other. */
export const CERT_KINDS = ['mh_teacher', 'psych_counselor', 'family_guidance', 'group_counseling', 'counseling_skills', 'other'] as const;
export type CertKind = (typeof CERT_KINDS)[number];

export const CERT_KIND_LABEL: Record<CertKind, string> = {
  mh_teacher: '心理健康教育教师资格证书',
  psych_counselor: '心理咨询师',
  family_guidance: '特殊能力考核·家庭教育指导',
  group_counseling: '特殊能力考核·团体辅导',
  counseling_skills: '特殊能力考核·心理辅导技能',
  other: '其他',
};

/** Kinds that have a level (C lowest, A highest). */
export const LEVELLED_KINDS: readonly CertKind[] = ['mh_teacher'];
export const CERT_LEVELS = ['C', 'B', 'A'] as const;
export type CertLevel = (typeof CERT_LEVELS)[number];

/** A counselor is certified by a valid 心理健康教育教师资格证书 (any level) or 心理咨询师 certificate. */
export const COUNSELOR_CERT_KINDS: readonly CertKind[] = ['mh_teacher', 'psych_counselor'];
/** A head teacher is certified by any valid certificate except 'other' (资格证书 or a 特殊能力考核). */
export const HEAD_TEACHER_CERT_KINDS: readonly CertKind[] = ['mh_teacher', 'psych_counselor', 'family_guidance', 'group_counseling', 'counseling_skills'];

/** The plan's targets for counselors' levels (percent of counselors holding at least that level). */
export const LEVEL_TARGETS: Record<CertLevel, number> = { C: 100, B: 20, A: 10 };

export const TRAINING_LEVELS = ['national', 'provincial', 'city', 'county', 'school'] as const;
export type TrainingLevel = (typeof TRAINING_LEVELS)[number];
export const TRAINING_LEVEL_LABEL: Record<TrainingLevel, string> = { national: '国家级', provincial: '省级', city: '市级', county: '县级', school: '校级' };

export const COUNSELOR_POSTS = ['counselor_full', 'counselor_part'] as const;

export interface CertFact {
  kind: CertKind;
  level: CertLevel | null;
  issuedOn: string;
  expiresOn: string | null;
}

/** Levels are ordered: A ⊇ B ⊇ C. */
export function levelRank(level: CertLevel | null | undefined): number {
  return level === 'A' ? 3 : level === 'B' ? 2 : level === 'C' ? 1 : 0;
}

/** An A holder meets B and C; a B holder meets C. */
export function levelMeets(held: CertLevel | null | undefined, required: CertLevel): boolean {
  return levelRank(held) >= levelRank(required);
}

/**
 * A certificate counts on `date` when issued on or before it and not expired: the expiry date is
 * the last day it counts (one expiring today still counts today; one that expired yesterday does not).
 */
export function certValidOn(c: Pick<CertFact, 'issuedOn' | 'expiresOn'>, date: string): boolean {
  return c.issuedOn <= date && (c.expiresOn == null || c.expiresOn >= date);
}

/** Expired on `date`: had an expiry date before it. */
export function certExpiredOn(c: Pick<CertFact, 'expiresOn'>, date: string): boolean {
  return c.expiresOn != null && c.expiresOn < date;
}

/** The highest level among the valid levelled certificates on `date`, or null. */
export function bestLevel(certs: readonly CertFact[], date: string): CertLevel | null {
  let best: CertLevel | null = null;
  for (const c of certs) if (c.level && LEVELLED_KINDS.includes(c.kind) && certValidOn(c, date) && levelRank(c.level) > levelRank(best)) best = c.level;
  return best;
}

export function certifiedAs(group: 'counselor' | 'head_teacher', certs: readonly CertFact[], date: string): boolean {
  const kinds = group === 'counselor' ? COUNSELOR_CERT_KINDS : HEAD_TEACHER_CERT_KINDS;
  return certs.some((c) => kinds.includes(c.kind) && certValidOn(c, date));
}

/** Field problems of a certificate (Chinese), keyed by field; empty when fine. */
export function certificateProblems(c: { kind: CertKind; level?: CertLevel | null; issuedOn: string; expiresOn?: string | null }, today: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (LEVELLED_KINDS.includes(c.kind) && !c.level) out.level = '请选择证书等级（C、B 或 A 证）';
  if (!LEVELLED_KINDS.includes(c.kind) && c.level) out.level = '该类证书没有等级';
  if (c.issuedOn > today) out.issuedOn = '发证日期不能晚于今天';
  if (c.expiresOn && c.expiresOn < c.issuedOn) out.expiresOn = '有效期至不能早于发证日期';
  return out;
}

/** How a staff member counts: once as a counselor (full-time wins over part-time) and once as a head teacher. */
export function classifyPosts(posts: readonly string[]): { counselor: 'full' | 'part' | null; headTeacher: boolean } {
  const counselor = posts.includes('counselor_full') ? 'full' : posts.includes('counselor_part') ? 'part' : null;
  return { counselor, headTeacher: posts.includes('head_teacher') };
}

/** Schools of 1,000 students or more need ceil(students / 1000) full-time counselors; smaller schools none. */
export function requiredFullTime(students: number): number {
  return students >= 1000 ? Math.ceil(students / 1000) : 0;
}

export interface Staffing {
  students: number;
  fullTime: number;
  partTime: number;
  requiredFullTime: number;
  /** at least one full- or part-time counselor */
  hasCounselor: boolean;
  /** enough full-time counselors for the ratio (always true under 1,000 students) */
  meetsRatio: boolean;
  /** both: the staffing rule */
  compliant: boolean;
  problems: string[];
}

/** The staffing rule: every school ≥ 1 counselor; schools of ≥ 1,000 students full-time counselors at 1:1000. */
export function staffingStatus(students: number, fullTime: number, partTime: number): Staffing {
  const required = requiredFullTime(students);
  const hasCounselor = fullTime + partTime >= 1;
  const meetsRatio = fullTime >= required;
  const problems: string[] = [];
  if (!hasCounselor) problems.push('未配备心理教师');
  if (!meetsRatio) problems.push(`学生 ${students} 人，应配专职心理教师 ${required} 名，现有 ${fullTime} 名`);
  return { students, fullTime, partTime, requiredFullTime: required, hasCounselor, meetsRatio, compliant: hasCounselor && meetsRatio, problems };
}

export interface StaffFacts {
  id: string;
  posts: readonly string[];
  certs: readonly CertFact[];
}

export interface SchoolWorkforce extends Staffing {
  counselors: number;
  counselorsCertified: number;
  /** counselors holding at least C / B / A on the date (cumulative) */
  levelC: number;
  levelB: number;
  levelA: number;
  headTeachers: number;
  headTeachersCertified: number;
  /** certificates of counselors and head teachers that had expired by the date */
  expiredCertificates: number;
}

/** A school's workforce on `date`: each person counted once per group. */
export function summarizeSchool(people: readonly StaffFacts[], students: number, date: string): SchoolWorkforce {
  let full = 0, part = 0, certified = 0, c = 0, b = 0, a = 0, heads = 0, headsCertified = 0, expired = 0;
  for (const p of people) {
    const { counselor, headTeacher } = classifyPosts(p.posts);
    if (!counselor && !headTeacher) continue;
    expired += p.certs.filter((x) => certExpiredOn(x, date)).length;
    if (counselor) {
      if (counselor === 'full') full += 1;
      else part += 1;
      if (certifiedAs('counselor', p.certs, date)) certified += 1;
      const best = bestLevel(p.certs, date);
      if (levelMeets(best, 'C')) c += 1;
      if (levelMeets(best, 'B')) b += 1;
      if (levelMeets(best, 'A')) a += 1;
    }
    if (headTeacher) {
      heads += 1;
      if (certifiedAs('head_teacher', p.certs, date)) headsCertified += 1;
    }
  }
  return { ...staffingStatus(students, full, part), counselors: full + part, counselorsCertified: certified, levelC: c, levelB: b, levelA: a, headTeachers: heads, headTeachersCertified: headsCertified, expiredCertificates: expired };
}

/** Percent, one decimal; null when there is nothing to count. */
export function workforcePercent(numerator: number, denominator: number): number | null {
  return denominator > 0 ? Math.round((numerator * 1000) / denominator) / 10 : null;
}

/** Does a level share meet its target (null when there are no counselors)? */
export function levelTargetMet(level: CertLevel, holders: number, counselors: number): boolean | null {
  return counselors > 0 ? holders * 100 >= LEVEL_TARGETS[level] * counselors : null;
}

export interface TrainingFact {
  staffId: string;
  date: string;
  level: TrainingLevel;
  hours: number;
}

export type HoursByLevel = Record<TrainingLevel, number> & { total: number };

export const emptyTrainingHours = (): HoursByLevel => ({ national: 0, provincial: 0, city: 0, county: 0, school: 0, total: 0 });

/** Hours per person in a calendar year, by level (rounded to 0.1 h). */
export function trainingHours(records: readonly TrainingFact[], year: number): Map<string, HoursByLevel> {
  const out = new Map<string, HoursByLevel>();
  const prefix = `${year}-`;
  for (const r of records) {
    if (!r.date.startsWith(prefix)) continue;
    const h = out.get(r.staffId) ?? emptyTrainingHours();
    h[r.level] = Math.round((h[r.level] + r.hours) * 10) / 10;
    h.total = Math.round((h.total + r.hours) * 10) / 10;
    out.set(r.staffId, h);
  }
  return out;
}
