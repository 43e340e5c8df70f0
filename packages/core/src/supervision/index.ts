/**
 * Pure rules of the bureau's supervision figures. A metric is computed per school as a numerator and
 * a denominator; a district's or the city's figure is the sum of its schools' numerators over the
 * sum of their denominators (never an average of the schools' rates).
 */
import { SMALL_CELL } from '../warning/screening.js';

export type MetricUnit = 'percent' | 'yuan_per_student' | 'per_thousand' | 'count';

export interface Figure {
  numerator: number;
  denominator: number;
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

/** The figure as shown: a percent with one decimal, yuan and per-thousand with two, a count as is; null when nothing to divide by. */
export function metricValue(f: Figure, unit: MetricUnit): number | null {
  if (unit === 'count') return f.numerator;
  if (f.denominator === 0) return null;
  const v = f.numerator / f.denominator;
  if (unit === 'percent') return round(v * 100, 1);
  if (unit === 'per_thousand') return round(v * 1000, 2);
  return round(v, 2);
}

export function sumFigures(figures: readonly Figure[]): Figure {
  let numerator = 0;
  let denominator = 0;
  for (const f of figures) {
    numerator += f.numerator;
    denominator += f.denominator;
  }
  return { numerator, denominator };
}

/** Sums per group (a district, a school kind …); schools whose group is null are left out. */
export function rollUp<K>(figures: readonly (Figure & { schoolId: number })[], groupOf: (schoolId: number) => K | null): Map<K, Figure> {
  const out = new Map<K, Figure>();
  for (const f of figures) {
    const key = groupOf(f.schoolId);
    if (key === null) continue;
    const acc = out.get(key) ?? { numerator: 0, denominator: 0 };
    acc.numerator += f.numerator;
    acc.denominator += f.denominator;
    out.set(key, acc);
  }
  return out;
}

/**
 * Which figures of a metric that counts students are hidden from a reader: those the reader sees
 * from outside (`outside[i]`) whose numerator or denominator is 1–4 students. The figures are
 * siblings shown next to their total (the schools of a district, the districts of a city), so when
 * exactly one is hidden the smallest other one seen from outside is hidden too, or the hidden one
 * could be found by subtracting the others from the total.
 */
export function hiddenFigures(figures: readonly Figure[], outside: readonly boolean[]): boolean[] {
  const small = (n: number) => n > 0 && n < SMALL_CELL;
  const hidden = figures.map((f, i) => !!outside[i] && (small(f.numerator) || small(f.denominator)));
  if (hidden.filter(Boolean).length === 1) {
    let next = -1;
    figures.forEach((f, i) => {
      if (!hidden[i] && outside[i] && f.denominator > 0 && (next < 0 || f.denominator < figures[next]!.denominator)) next = i;
    });
    if (next >= 0) hidden[next] = true;
  }
  return hidden;
}

export type TargetComparator = 'at_least' | 'at_most';

/** Whether a value meets a target, and how far along it is (0–1, capped; null without a value). */
export function targetProgress(value: number | null, target: number, comparator: TargetComparator): { met: boolean; progress: number | null } {
  if (value === null) return { met: false, progress: null };
  if (comparator === 'at_least') {
    return { met: value >= target, progress: target <= 0 ? 1 : Math.min(1, Math.max(0, value / target)) };
  }
  return { met: value <= target, progress: value <= target ? 1 : target <= 0 ? 0 : Math.max(0, Math.min(1, target / value)) };
}

// ── Model-school rating (示范校评估, 001 §16) ───────────────────────────────────────────────────────

export const RATING_DIMENSIONS = ['staffing', 'courses', 'services', 'homeschool', 'activities'] as const;
export type RatingDimension = (typeof RATING_DIMENSIONS)[number];
export const RATING_DIMENSION_LABEL: Record<RatingDimension, string> = {
  staffing: '队伍建设',
  courses: '课程教学',
  services: '咨询服务',
  homeschool: '家校协同',
  activities: '活动开展',
};

export type RatingResult = 'model' | 'qualified' | 'failed';
export const RATING_RESULT_LABEL: Record<RatingResult, string> = { model: '示范', qualified: '达标', failed: '未达标' };

export interface RatingCriterion {
  id: string;
  dimension: RatingDimension;
  weight: number;
  maxScore: number;
}

/** The score a metric-bound criterion is pre-filled with: its share of the target (capped at 1) × the maximum, one decimal. */
export function metricScore(value: number | null, target: number, comparator: TargetComparator, maxScore: number): number {
  const p = targetProgress(value, target, comparator).progress;
  return p === null ? 0 : round(p * maxScore, 1);
}

/**
 * The weighted total (0–100) of a school's scores: each criterion counts score / maxScore (clamped to
 * 0–1, a missing score as 0) times its weight, over the sum of the weights; per dimension the same
 * over that dimension's weights. The result by the thresholds: total ≥ model → 示范, ≥ qualified →
 * 达标, else 未达标.
 */
export function scoreRating(
  criteria: readonly RatingCriterion[],
  scores: Readonly<Record<string, number | null | undefined>>,
  thresholds: { model: number; qualified: number },
): { total: number; byDimension: Record<RatingDimension, number | null>; result: RatingResult } {
  const acc = (list: readonly RatingCriterion[]) => {
    const w = list.reduce((a, c) => a + c.weight, 0);
    if (w <= 0) return null;
    const got = list.reduce((a, c) => a + c.weight * Math.min(1, Math.max(0, (scores[c.id] ?? 0) / (c.maxScore || 1))), 0);
    return round((got / w) * 100, 1);
  };
  const total = acc(criteria) ?? 0;
  const byDimension = Object.fromEntries(RATING_DIMENSIONS.map((d) => [d, acc(criteria.filter((c) => c.dimension === d))])) as Record<RatingDimension, number | null>;
  const result: RatingResult = total >= thresholds.model ? 'model' : total >= thresholds.qualified ? 'qualified' : 'failed';
  return { total, byDimension, result };
}

/** Problems of a scheme in Chinese, keyed by field (empty when sound). */
export function ratingSchemeProblems(criteria: readonly (RatingCriterion & { title: string })[], thresholds: { model: number; qualified: number }): Record<string, string> {
  const out: Record<string, string> = {};
  if (!criteria.length) out.criteria = '至少需要一项评估指标';
  const seen = new Set<string>();
  criteria.forEach((c, i) => {
    if (!c.title.trim()) out[`criteria.${i}.title`] = '请填写指标名称';
    if (!(c.weight > 0)) out[`criteria.${i}.weight`] = '权重必须大于 0';
    if (!(c.maxScore > 0)) out[`criteria.${i}.maxScore`] = '满分必须大于 0';
    if (seen.has(c.id)) out[`criteria.${i}.id`] = '指标编号重复';
    seen.add(c.id);
  });
  if (!(thresholds.qualified >= 0 && thresholds.qualified <= 100)) out.qualifiedThreshold = '达标线应在 0–100 之间';
  if (!(thresholds.model >= 0 && thresholds.model <= 100)) out.modelThreshold = '示范线应在 0–100 之间';
  else if (thresholds.model < thresholds.qualified) out.modelThreshold = '示范线不能低于达标线';
  return out;
}

/** Whether a school's funding meets the standard of 001 §13: at least 10 yuan per student per year. */
export const FUNDING_YUAN_PER_STUDENT = 10;

// the supervision dashboard's rules (helper D2)
export * from './dashboard.js';
