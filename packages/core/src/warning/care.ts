/**
 * Key students and care (重点学生 / 包保) as pure rules: who may take a student, how often a care
 * teacher must follow up, and which follow-ups are overdue.
 */
import type { AlertLevel } from './screening.js';

/** Behaviour categories a sweep or an alert may add, beside the region's family circumstances (留守, 单亲 …). */
export const KEY_BEHAVIOURS = {
  academic_pressure: '学业压力大',
  withdrawn: '孤僻或抑郁倾向',
  violent: '偏激或暴力倾向',
} as const;

/** What a care teacher records in the growth diary (成长日记). */
export const DIARY_KINDS = {
  daily_check: '日常关注',
  talk: '谈心谈话',
  home_visit: '家访',
  phone: '电话联系',
  observation: '观察记录',
} as const;
export type DiaryKind = keyof typeof DIARY_KINDS;

/** The follow-ups a region requires, in days between two of the same kind (null: not required). */
export type CareCadence = { daily_check: number | null; talk: number | null; home_visit: number | null };

export interface CarePolicy {
  /** the most key students one care teacher takes (1–2 in Shenyang's rule, 10–15 in Jiaozuo's) */
  maxPerTeacher: number;
  /** levels whose students are cared for by a school leader (校级领导包保) */
  leaderLevels: AlertLevel[];
  cadence: CareCadence;
}

export const DEFAULT_CARE_POLICY: CarePolicy = { maxPerTeacher: 2, leaderLevels: ['red'], cadence: { daily_check: 1, talk: 7, home_visit: 30 } };

export function carePolicyProblems(p: CarePolicy): string[] {
  const out: string[] = [];
  if (p.maxPerTeacher < 1 || p.maxPerTeacher > 30) out.push('每位教师包保人数应在 1 到 30 之间');
  for (const [k, v] of Object.entries(p.cadence)) if (v !== null && (v < 1 || v > 120)) out.push(`${DIARY_KINDS[k as DiaryKind]}的间隔应在 1 到 120 天之间`);
  return out;
}

/**
 * Why this person may not take this student now (empty when they may): the hardest cases go to a
 * school leader, and nobody takes more than the region allows.
 */
export function assignmentProblems(a: { level: AlertLevel; assigneeIsLeader: boolean; currentLoad: number }, p: CarePolicy): string[] {
  const out: string[] = [];
  if (p.leaderLevels.includes(a.level) && !a.assigneeIsLeader) out.push('这一等级的学生应由学校领导包保');
  if (a.currentLoad >= p.maxPerTeacher) out.push(`每位教师最多包保 ${p.maxPerTeacher} 名学生`);
  return out;
}

const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * The next due date of each required follow-up: the last entry of that kind (or the start of care)
 * plus the cadence; overdue once that day has passed.
 */
export function followUpsDue(last: Partial<Record<DiaryKind, string>>, since: string, today: string, cadence: CareCadence): { kind: DiaryKind; due: string; overdue: boolean }[] {
  const out: { kind: DiaryKind; due: string; overdue: boolean }[] = [];
  for (const kind of ['daily_check', 'talk', 'home_visit'] as const) {
    const every = cadence[kind];
    if (every === null) continue;
    const from = last[kind] && last[kind]! > since ? last[kind]! : since;
    const due = addDays(from, every);
    out.push({ kind, due, overdue: today > due });
  }
  return out;
}
