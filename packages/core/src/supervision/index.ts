/**
 * Pure rules of the bureau's supervision figures. A metric is computed per school as a numerator and
 * a denominator; a district's or the city's figure is the sum of its schools' numerators over the
 * sum of their denominators (never an average of the schools' rates).
 */
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

export type TargetComparator = 'at_least' | 'at_most';

/** Whether a value meets a target, and how far along it is (0–1, capped; null without a value). */
export function targetProgress(value: number | null, target: number, comparator: TargetComparator): { met: boolean; progress: number | null } {
  if (value === null) return { met: false, progress: null };
  if (comparator === 'at_least') {
    return { met: value >= target, progress: target <= 0 ? 1 : Math.min(1, Math.max(0, value / target)) };
  }
  return { met: value <= target, progress: value <= target ? 1 : target <= 0 ? 0 : Math.max(0, Math.min(1, target / value)) };
}
