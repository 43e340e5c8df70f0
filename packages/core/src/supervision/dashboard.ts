/**
 * Pure rules of the supervision dashboard: rankings of schools by a metric and the years a trend
 * covers. Small cells are suppressed with warning/screening.ts suppressRow, like every bureau count.
 */

export interface RankItem {
  schoolId: number;
  name: string;
  value: number | null;
}

/** The n best items by `cmp` (smallest first), in one pass keeping a sorted short list: a city's 2,000 schools cost a few thousand comparisons, not a sort. */
function firstN<T>(items: readonly T[], n: number, cmp: (a: T, b: T) => number): T[] {
  const best: T[] = [];
  for (const item of items) {
    if (best.length === n && cmp(item, best[n - 1]!) >= 0) continue;
    let i = best.length;
    while (i > 0 && cmp(item, best[i - 1]!) < 0) i--;
    best.splice(i, 0, item);
    if (best.length > n) best.pop();
  }
  return best;
}

/**
 * The n schools with the highest and the n with the lowest value. Schools without a value are left
 * out; ties go by name (then id) so the order is stable; a school is not in both lists unless there
 * are fewer than 2n schools with a value (then bottom holds those not in top).
 */
export function rankTopBottom<T extends RankItem>(items: readonly T[], n = 5): { top: (T & { value: number })[]; bottom: (T & { value: number })[] } {
  const valued = items.filter((i): i is T & { value: number } => i.value !== null);
  // ties by name in code-point order (stable and cheap: a collator costs microseconds a call, and a metric where every school has 0 ties them all)
  const byName = (a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.schoolId - b.schoolId);
  const top = firstN(valued, n, (a, b) => b.value - a.value || byName(a, b));
  const inTop = new Set(top.map((t) => t.schoolId));
  const bottom = firstN(valued.filter((i) => !inTop.has(i.schoolId)), n, (a, b) => a.value - b.value || byName(a, b));
  return { top, bottom };
}

/** The years a trend looks at: up to `span` years ending with `year`, oldest first. */
export function trendYears(year: number, span = 5): number[] {
  return Array.from({ length: span }, (_, i) => year - span + 1 + i);
}

/**
 * A trend keeps the years that have data: from the first year in which something was recorded
 * (numerator above 0) on, so the years before a region used the platform do not show as 0; a later
 * year at 0 stays (a real drop). The year asked for is always kept.
 */
export function yearsWithData<T extends { year: number; numerator: number; denominator: number }>(points: readonly T[], year: number): T[] {
  const first = points.find((p) => p.numerator > 0)?.year ?? year;
  return points.filter((p) => p.year >= Math.min(first, year));
}
