/**
 * Pure rules of the workforce area (队伍建设): who counts as a counselor or a head teacher, when a
 * certificate counts, the staffing rule (every school at least one counselor; schools of 1,000
 * students or more full-time counselors at 1:1000), certification rates, level shares against the
 * plan's targets (100% C, ≥ 20% B, ≥ 10% A) and training hours.
 *
 * Dates are China Standard Time calendar dates, 'YYYY-MM-DD' (string comparison is date order).
 */
import { cellText, parseDate, parsePhone, type Cell } from '../roster/cells.js';
import type { ColumnSpec, HeaderMatch, RowError } from '../roster/columns.js';

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
  /** certificates of counselors and head teachers that had expired by the date and were not renewed (no valid one of the same kind) */
  expiredCertificates: number;
}

/** A school's workforce on `date`: each person counted once per group. */
export function summarizeSchool(people: readonly StaffFacts[], students: number, date: string): SchoolWorkforce {
  let full = 0, part = 0, certified = 0, c = 0, b = 0, a = 0, heads = 0, headsCertified = 0, expired = 0;
  for (const p of people) {
    const { counselor, headTeacher } = classifyPosts(p.posts);
    if (!counselor && !headTeacher) continue;
    expired += p.certs.filter((x) => certExpiredOn(x, date) && !p.certs.some((y) => y.kind === x.kind && certValidOn(y, date))).length;
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

// --- training import (.xlsx): one row per attendee; rows with the same training fields form one training ---

export type TrainingImportField = 'title' | 'date' | 'level' | 'hours' | 'provider' | 'name' | 'phone';

export const TRAINING_IMPORT_COLUMNS: readonly ColumnSpec<TrainingImportField>[] = [
  { field: 'title', label: '培训名称', required: true, aliases: ['培训名称', '培训项目', '培训主题'] },
  { field: 'date', label: '培训日期', required: true, aliases: ['培训日期', '日期', '培训时间'] },
  { field: 'level', label: '级别', required: true, aliases: ['级别', '培训级别', '层级'] },
  { field: 'hours', label: '学时', required: true, aliases: ['学时', '培训学时', '课时'] },
  { field: 'provider', label: '主办单位', required: false, aliases: ['主办单位', '承办单位', '培训机构'] },
  { field: 'name', label: '姓名', required: true, aliases: ['姓名', '参训人员', '教师姓名'] },
  { field: 'phone', label: '手机号', required: true, aliases: ['手机号', '手机', '手机号码', '联系电话'] },
];

const TRAINING_LEVEL_WORDS: Record<string, TrainingLevel> = {
  国家级: 'national', 国家: 'national', 国培: 'national',
  省级: 'provincial', 省: 'provincial', 省培: 'provincial',
  市级: 'city', 市: 'city', 州级: 'city', 州市级: 'city',
  县级: 'county', 县: 'county', 区级: 'county', 县区级: 'county', 县市区级: 'county',
  校级: 'school', 校: 'school', 校本: 'school', 校本培训: 'school',
};

export interface TrainingImportRow {
  row: number;
  title: string;
  date: string;
  level: TrainingLevel;
  hours: number;
  provider: string;
  name: string;
  phone: string;
}

/** One data row: the row, or its problems (by row and column, in Chinese). Empty rows give neither. */
export function readTrainingRow(cells: readonly Cell[], match: HeaderMatch<TrainingImportField>, row: number, today: string): { value?: TrainingImportRow; errors: RowError[] } {
  const at = (f: TrainingImportField): Cell => (match.columns[f] === undefined ? null : (cells[match.columns[f]!] ?? null));
  const text = (f: TrainingImportField) => cellText(at(f)).trim();
  if (TRAINING_IMPORT_COLUMNS.every((c) => !text(c.field))) return { errors: [] };
  const errors: RowError[] = [];
  const err = (column: string, message: string) => errors.push({ row, column, message });
  const title = text('title');
  if (!title) err('培训名称', '不能为空');
  else if (title.length > 200) err('培训名称', '不能超过 200 字');
  const date = parseDate(at('date'));
  if (!date) err('培训日期', text('date') ? `无法识别的日期「${text('date')}」` : '不能为空');
  else if (date > today) err('培训日期', '不能晚于今天');
  const level = TRAINING_LEVEL_WORDS[text('level').replace(/\s/g, '')];
  if (!level) err('级别', text('level') ? `应为国家级、省级、市级、县级或校级，而不是「${text('level')}」` : '不能为空');
  const hoursCell = at('hours');
  const hours = typeof hoursCell === 'number' ? hoursCell : Number(text('hours'));
  if (!text('hours')) err('学时', '不能为空');
  else if (!Number.isFinite(hours) || hours <= 0 || hours > 200) err('学时', `应为 0 到 200 之间的数字，而不是「${text('hours')}」`);
  const name = text('name');
  if (!name) err('姓名', '不能为空');
  const phone = parsePhone(at('phone'));
  if (!phone) err('手机号', text('phone') ? `无法识别的手机号「${text('phone')}」` : '不能为空');
  if (errors.length) return { errors };
  return { value: { row, title, date: date!, level: level!, hours: Math.round(hours * 10) / 10, provider: text('provider').slice(0, 100), name, phone: phone! }, errors };
}

/** The training a row belongs to: rows with the same name, date, level, hours and provider are one training. */
export function trainingKey(r: Pick<TrainingImportRow, 'title' | 'date' | 'level' | 'hours' | 'provider'>): string {
  return JSON.stringify([r.title, r.date, r.level, r.hours, r.provider]);
}
