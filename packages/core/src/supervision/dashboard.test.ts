import { describe, expect, it } from 'vitest';
import { rankTopBottom, trendYears, yearsWithData } from './dashboard.js';

describe('rankings', () => {
  const s = (schoolId: number, name: string, value: number | null) => ({ schoolId, name, value });
  it('top and bottom n by value, schools without a value left out, ties by name', () => {
    const items = [s(1, '甲校', 90), s(2, '乙校', null), s(3, '丙校', 50), s(4, '丁校', 90), s(5, '戊校', 10), s(6, '己校', 70)];
    const { top, bottom } = rankTopBottom(items, 2);
    expect(top.map((t) => t.schoolId)).toEqual([4, 1]); // 丁 (U+4E01) before 甲 (U+7532)
    expect(bottom.map((t) => t.schoolId)).toEqual([5, 3]);
  });
  it('fewer than 2n schools: bottom holds those not in top', () => {
    const { top, bottom } = rankTopBottom([s(1, 'A', 3), s(2, 'B', 2), s(3, 'C', 1)], 2);
    expect(top.map((t) => t.schoolId)).toEqual([1, 2]);
    expect(bottom.map((t) => t.schoolId)).toEqual([3]);
  });
});

describe('trend years', () => {
  it('five years ending with the year asked for, oldest first', () => {
    expect(trendYears(2026)).toEqual([2022, 2023, 2024, 2025, 2026]);
  });
  it('keeps the years from the first with something recorded, later zero years and the year asked for', () => {
    const p = (year: number, numerator: number, denominator: number) => ({ year, numerator, denominator });
    expect(yearsWithData([p(2024, 0, 10), p(2025, 3, 10), p(2026, 0, 10)], 2026).map((x) => x.year)).toEqual([2025, 2026]);
    expect(yearsWithData([p(2023, 2, 1), p(2024, 0, 1), p(2025, 0, 1), p(2026, 5, 1)], 2026).map((x) => x.year)).toEqual([2023, 2024, 2025, 2026]);
    expect(yearsWithData([p(2025, 0, 1), p(2026, 0, 1)], 2026).map((x) => x.year)).toEqual([2026]);
  });
});
