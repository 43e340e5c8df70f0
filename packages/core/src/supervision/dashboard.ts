/**
 * Pure rules of the supervision dashboard: rankings of schools by a metric and the years a trend
 * covers. Small cells are suppressed with warning/screening.ts suppressRow, like every bureau count.
 */

export interface RankItem {
  schoolId: number;
  name: string;
  value: number | null;
}

/**
 * The n schools with the highest and the n with the lowest value. Schools without a value are left
 * out; ties go by name (then id) so the order is stable; a school is not in both lists unless there
 * are fewer than 2n schools with a value (then bottom holds those not in top).
 */
export function rankTopBottom<T extends RankItem>(items: readonly T[], n = 5): { top: (T & { value: number })[]; bottom: (T & { value: number })[] } {
  const valued = items.filter((i): i is T & { value: number } => i.value !== null);
  const byName = (a: T, b: T) => a.name.localeCompare(b.name, 'zh-CN') || a.schoolId - b.schoolId;
  const desc = [...valued].sort((a, b) => b.value - a.value || byName(a, b));
  const top = desc.slice(0, n);
  const inTop = new Set(top.map((t) => t.schoolId));
  const asc = [...valued].sort((a, b) => a.value - b.value || byName(a, b));
  const bottom = asc.filter((i) => !inTop.has(i.schoolId)).slice(0, n);
  return { top, bottom };
}

/** The years a trend looks at: up to `span` years ending with `year`, oldest first. */
export function trendYears(year: number, span = 5): number[] {
  return Array.from({ length: span }, (_, i) => year - span + 1 + i);
}

/** A trend keeps the years that have data (something to divide by, or a count above 0), and always the year asked for. */
export function yearsWithData<T extends { year: number; numerator: number; denominator: number }>(points: readonly T[], year: number, isCount: boolean): T[] {
  return points.filter((p) => p.year === year || (isCount ? p.numerator > 0 : p.denominator > 0));
}
