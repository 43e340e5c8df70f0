import { describe, expect, it } from 'vitest';
import { metricValue, rollUp, sumFigures, targetProgress } from './index.js';

describe('metric values', () => {
  it.each([
    { f: { numerator: 1, denominator: 3 }, unit: 'percent', v: 33.3 },
    { f: { numerator: 2, denominator: 3 }, unit: 'percent', v: 66.7 },
    { f: { numerator: 0, denominator: 0 }, unit: 'percent', v: null },
    { f: { numerator: 12345, denominator: 1000 }, unit: 'yuan_per_student', v: 12.35 },
    { f: { numerator: 3, denominator: 2500 }, unit: 'per_thousand', v: 1.2 },
    { f: { numerator: 7, denominator: 0 }, unit: 'count', v: 7 },
  ] as const)('$f.numerator/$f.denominator as $unit → $v', ({ f, unit, v }) => {
    expect(metricValue(f, unit)).toBe(v);
  });

  it('a district is the sum of its schools, not the average of their rates', () => {
    const schools = [
      { schoolId: 1, numerator: 1, denominator: 1 }, // 100%
      { schoolId: 2, numerator: 0, denominator: 9 }, // 0%
      { schoolId: 3, numerator: 5, denominator: 10 }, // municipal school: no district
    ];
    const byDistrict = rollUp(schools, (id) => (id === 3 ? null : 'D01'));
    expect(byDistrict.get('D01')).toEqual({ numerator: 1, denominator: 10 });
    expect(metricValue(byDistrict.get('D01')!, 'percent')).toBe(10);
    expect(sumFigures(schools)).toEqual({ numerator: 6, denominator: 20 });
  });
});

describe('target progress', () => {
  it.each([
    { value: 95, target: 100, cmp: 'at_least', met: false, progress: 0.95 },
    { value: 100, target: 100, cmp: 'at_least', met: true, progress: 1 },
    { value: 120, target: 100, cmp: 'at_least', met: true, progress: 1 },
    { value: null, target: 100, cmp: 'at_least', met: false, progress: null },
    { value: 2, target: 5, cmp: 'at_most', met: true, progress: 1 },
    { value: 10, target: 5, cmp: 'at_most', met: false, progress: 0.5 },
  ] as const)('$value vs $cmp $target', ({ value, target, cmp, met, progress }) => {
    expect(targetProgress(value, target, cmp)).toEqual({ met, progress });
  });
});
