import { describe, expect, it } from 'vitest';
import { hiddenFigures, metricScore, metricValue, ratingSchemeProblems, rollUp, scoreRating, sumFigures, targetProgress } from './index.js';

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

describe('model-school rating', () => {
  const criteria = [
    { id: 'a', dimension: 'staffing', weight: 30, maxScore: 10 },
    { id: 'b', dimension: 'courses', weight: 20, maxScore: 5 },
    { id: 'c', dimension: 'services', weight: 50, maxScore: 100 },
  ] as const;
  const thresholds = { model: 90, qualified: 70 };
  it.each([
    { scores: { a: 10, b: 5, c: 100 }, total: 100, result: 'model' },
    { scores: { a: 10, b: 5, c: 80 }, total: 90, result: 'model' },
    { scores: { a: 10, b: 5, c: 79 }, total: 89.5, result: 'qualified' },
    { scores: { a: 7, b: 3.5, c: 70 }, total: 70, result: 'qualified' },
    { scores: { a: 5, b: 2, c: 60 }, total: 53, result: 'failed' },
    // missing and over-the-maximum scores: 0 and the maximum
    { scores: { a: 20, c: null }, total: 30, result: 'failed' },
    { scores: {}, total: 0, result: 'failed' },
  ] as const)('$scores → $total ($result)', ({ scores, total, result }) => {
    const r = scoreRating(criteria, scores, thresholds);
    expect(r.total).toBe(total);
    expect(r.result).toBe(result);
  });

  it('per dimension over its own weights; a dimension without criteria is null', () => {
    const r = scoreRating(criteria, { a: 5, b: 5, c: 25 }, thresholds);
    expect(r.byDimension).toEqual({ staffing: 50, courses: 100, services: 25, homeschool: null, activities: null });
  });

  it.each([
    { value: 95, target: 95, cmp: 'at_least', max: 10, score: 10 },
    { value: 47.5, target: 95, cmp: 'at_least', max: 10, score: 5 },
    { value: null, target: 95, cmp: 'at_least', max: 10, score: 0 },
    { value: 20, target: 10, cmp: 'at_most', max: 8, score: 4 },
  ] as const)('a metric-bound criterion: $value vs $cmp $target of $max → $score', ({ value, target, cmp, max, score }) => {
    expect(metricScore(value, target, cmp, max)).toBe(score);
  });

  it('scheme problems, in Chinese by field', () => {
    expect(ratingSchemeProblems([{ id: 'a', title: 'x', dimension: 'staffing', weight: 1, maxScore: 10 }], thresholds)).toEqual({});
    expect(ratingSchemeProblems([{ id: 'a', title: ' ', dimension: 'staffing', weight: 0, maxScore: 10 }], { model: 60, qualified: 70 })).toEqual({
      'criteria.0.title': '请填写指标名称',
      'criteria.0.weight': '权重必须大于 0',
      modelThreshold: '示范线不能低于达标线',
    });
  });
});

describe('small cells of a metric that counts students', () => {
  const f = (numerator: number, denominator: number) => ({ numerator, denominator });
  it.each([
    { name: 'nothing small: all shown', figs: [f(40, 50), f(9, 10)], outside: [true, true], hidden: [false, false] },
    { name: 'a school of 3 and another of 4 screened: both hidden', figs: [f(2, 3), f(4, 80), f(70, 90)], outside: [true, true, true], hidden: [true, true, false] },
    { name: 'one small: the smallest other one hidden too (no subtraction from the total)', figs: [f(200, 300), f(1, 40), f(30, 35), f(50, 60)], outside: [true, true, true, true], hidden: [false, true, true, false] },
    { name: 'zero is shown (nobody to name), 5 is shown', figs: [f(0, 0), f(0, 12), f(5, 5)], outside: [true, true, true], hidden: [false, false, false] },
    { name: 'a small denominator alone hides', figs: [f(0, 4), f(10, 20)], outside: [true, true], hidden: [true, true] },
    { name: 'the reader inside the school sees its own figure', figs: [f(2, 3)], outside: [false], hidden: [false] },
    { name: 'a lone small figure with nothing to pair: hidden alone', figs: [f(2, 3), f(0, 0)], outside: [true, true], hidden: [true, false] },
  ])('$name', ({ figs, outside, hidden }) => {
    expect(hiddenFigures(figs, outside)).toEqual(hidden);
  });
});
