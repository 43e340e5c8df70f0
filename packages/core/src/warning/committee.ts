/**
 * The second channel of the warning network: class psych-committee members' daily reports
 * (心理委员每日报告). Pure rules: which days are school days, and when mentions of a classmate
 * become a signal to the warning network.
 */
import type { AlertLevel } from './screening.js';

/** What a committee member may report about a classmate, in the words they would use. */
export const COMMITTEE_CATEGORIES = {
  mood: '情绪低落、常哭泣',
  withdrawn: '孤僻、不愿与人交往',
  conflict: '与同学发生冲突、被欺负',
  study: '学习压力大、厌学',
  body: '失眠、食欲差、身体不适',
  family: '家里出了事',
  self_harm: '说过想伤害自己或不想活',
  other: '其他异常',
} as const;
export type CommitteeCategory = keyof typeof COMMITTEE_CATEGORIES;
export const COMMITTEE_CATEGORY_CODES = Object.keys(COMMITTEE_CATEGORIES) as CommitteeCategory[];

/** A region's school calendar: terms, and the days that differ from Monday–Friday (holidays, make-up workdays 调休). */
export interface SchoolCalendar {
  terms: { name: string; start: string; end: string }[];
  days: { date: string; kind: 'holiday' | 'workday'; label?: string }[];
}

const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();

/** A day on which committee members report: inside a term, and a weekday that is not a holiday, or a make-up workday. */
export function isSchoolDay(date: string, cal: SchoolCalendar): boolean {
  if (!cal.terms.some((t) => t.start <= date && date <= t.end)) return false;
  const special = cal.days.find((d) => d.date === date);
  if (special) return special.kind === 'workday';
  const w = weekday(date);
  return w >= 1 && w <= 5;
}

/** ISO dates from `from` to `to` inclusive. */
export function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

export function schoolDaysBetween(from: string, to: string, cal: SchoolCalendar): string[] {
  return datesBetween(from, to).filter((d) => isSchoolDay(d, cal));
}

/** The last `n` school days up to and including `today` (fewer at a term's start). */
export function lastSchoolDays(today: string, n: number, cal: SchoolCalendar): string[] {
  const out: string[] = [];
  let t = Date.parse(`${today}T00:00:00Z`);
  // a term break of a few weeks is the longest gap worth walking back over
  for (let i = 0; i < 60 && out.length < n; i++, t -= 86_400_000) {
    const d = new Date(t).toISOString().slice(0, 10);
    if (isSchoolDay(d, cal)) out.push(d);
  }
  return out.reverse();
}

/**
 * When mentions become a signal: the same classmate mentioned on `minDays` of the last `windowDays`
 * school days, or at once for a category listed in `immediate` (e.g. self-harm → red).
 */
export interface CommitteeRule {
  windowDays: number;
  minDays: number;
  level: AlertLevel;
  immediate: Partial<Record<CommitteeCategory, AlertLevel>>;
}

export const DEFAULT_COMMITTEE_RULE: CommitteeRule = { windowDays: 3, minDays: 2, level: 'yellow', immediate: { self_harm: 'red' } };

export function committeeRuleProblems(r: CommitteeRule): string[] {
  const out: string[] = [];
  if (r.minDays < 1) out.push('至少要有 1 天被提到');
  if (r.minDays > r.windowDays) out.push('被提到的天数不能多于观察的天数');
  if (r.windowDays > 20) out.push('观察天数最多 20 个上学日');
  return out;
}

/**
 * Whether today's mentions of one classmate raise a signal, and at which level. `mentionedOn` is
 * every school day the classmate was mentioned (any committee member of the class), today
 * included; `categoriesToday` what was reported today.
 */
export function committeeSignal(
  mentionedOn: readonly string[],
  categoriesToday: readonly CommitteeCategory[],
  today: string,
  cal: SchoolCalendar,
  rule: CommitteeRule,
): { level: AlertLevel; reason: 'immediate' | 'repeated'; days: number } | null {
  const immediate = categoriesToday
    .map((c) => rule.immediate[c])
    .filter((l): l is AlertLevel => l !== undefined)
    .sort((a, b) => rankOf(b) - rankOf(a))[0];
  const window = new Set(lastSchoolDays(today, rule.windowDays, cal));
  const days = new Set(mentionedOn.filter((d) => window.has(d))).size;
  if (immediate) return { level: immediate, reason: 'immediate', days };
  if (days >= rule.minDays) return { level: rule.level, reason: 'repeated', days };
  return null;
}

const rankOf = (l: AlertLevel) => (l === 'red' ? 3 : l === 'orange' ? 2 : 1);
