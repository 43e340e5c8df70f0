import { describe, expect, it } from 'vitest';
import { checkInWindow, courseReaches, creditStatus, makeCheckInCode, normalizeCheckInCode, sessionReach } from './index.js';

const c = (courseId: string, credits: number, completedOn: string) => ({ courseId, credits, completedOn });

describe('parent-school credits against the yearly standard', () => {
  it.each([
    { name: 'nothing learned', list: [], std: 10, earned: 0, met: false, remaining: 10, courses: 0 },
    { name: 'below the standard', list: [c('a', 2, '2026-03-01'), c('b', 3, '2026-05-01')], std: 10, earned: 5, met: false, remaining: 5, courses: 2 },
    { name: 'exactly the standard', list: [c('a', 4, '2026-03-01'), c('b', 6, '2026-11-01')], std: 10, earned: 10, met: true, remaining: 0, courses: 2 },
    { name: 'above the standard', list: [c('a', 8, '2026-03-01'), c('b', 6, '2026-11-01')], std: 10, earned: 14, met: true, remaining: 0, courses: 2 },
    { name: 'the same course twice counts once', list: [c('a', 4, '2026-03-01'), c('a', 4, '2026-03-01')], std: 10, earned: 4, met: false, remaining: 6, courses: 1 },
    { name: 'last year does not count', list: [c('a', 10, '2025-12-31'), c('b', 2, '2026-01-01')], std: 10, earned: 2, met: false, remaining: 8, courses: 1 },
    { name: 'next year does not count', list: [c('a', 10, '2027-01-01')], std: 10, earned: 0, met: false, remaining: 10, courses: 0 },
    { name: 'no standard set to 0: met', list: [], std: 0, earned: 0, met: true, remaining: 0, courses: 0 },
    { name: 'negative credits are read as 0', list: [c('a', -3, '2026-02-01')], std: 1, earned: 0, met: false, remaining: 1, courses: 1 },
  ])('$name', ({ list, std, earned, met, remaining, courses }) => {
    expect(creditStatus(list, std, 2026)).toEqual({ year: 2026, earned, standard: std, met, remaining, courses });
  });
});

describe('which parents a course reaches', () => {
  const school = '/1/2/3/';
  it.each([
    { name: 'city course, any grade', course: { orgPath: '/1/', targetGrades: [], published: true }, grade: 7, ok: true },
    { name: 'district course', course: { orgPath: '/1/2/', targetGrades: [], published: true }, grade: 8, ok: true },
    { name: 'other district', course: { orgPath: '/1/9/', targetGrades: [], published: true }, grade: 7, ok: false },
    { name: "the child's school", course: { orgPath: '/1/2/3/', targetGrades: [], published: true }, grade: 7, ok: true },
    { name: 'another school (prefix of digits is not a match)', course: { orgPath: '/1/2/33/', targetGrades: [], published: true }, grade: 7, ok: false },
    { name: 'not published', course: { orgPath: '/1/', targetGrades: [], published: false }, grade: 7, ok: false },
    { name: 'target grade matches', course: { orgPath: '/1/', targetGrades: [7, 8], published: true }, grade: 8, ok: true },
    { name: 'target grade does not match', course: { orgPath: '/1/', targetGrades: [9], published: true }, grade: 7, ok: false },
    { name: 'grade unknown, course for some grades', course: { orgPath: '/1/', targetGrades: [9], published: true }, grade: null, ok: false },
  ])('$name', ({ course, grade, ok }) => {
    expect(courseReaches(course, { schoolPath: school, gradeLevel: grade })).toBe(ok);
  });
});

describe('families reached by a mental-health parent session (≥ 1 a year)', () => {
  it.each([
    { per: [], out: { students: 0, reached: 0, notReached: 0, rate: null, meetsRule: false } },
    { per: [1, 1, 2], out: { students: 3, reached: 3, notReached: 0, rate: 100, meetsRule: true } },
    { per: [1, 0, 0], out: { students: 3, reached: 1, notReached: 2, rate: 33.3, meetsRule: false } },
    { per: [0, 0], out: { students: 2, reached: 0, notReached: 2, rate: 0, meetsRule: false } },
    { per: [3, 0, 1], out: { students: 3, reached: 2, notReached: 1, rate: 66.7, meetsRule: false } },
  ])('$per', ({ per, out }) => {
    expect(sessionReach(per)).toEqual(out);
  });
});

describe('check-in codes', () => {
  it('six characters without look-alikes; what a parent types is normalised', () => {
    let i = 0;
    const seq = [0, 0.99, 0.5, 0.25, 0.75, 0.1];
    const code = makeCheckInCode(() => seq[i++ % seq.length]!);
    expect(code).toMatch(/^[A-HJKMNP-Z2-9]{6}$/);
    expect(normalizeCheckInCode(' ab-3 k7q ')).toBe('AB3K7Q');
  });
});

describe('checkInWindow', () => {
  it.each([
    ['2026-11-25', '2026-11-24', 'early'],
    ['2026-11-25', '2026-11-25', 'open'],
    ['2026-11-25', '2026-12-02', 'open'],
    ['2026-11-25', '2026-12-03', 'closed'],
    ['2026-12-28', '2027-01-04', 'open'],
  ] as const)('session %s, today %s: %s', (session, today, want) => {
    expect(checkInWindow(session, today)).toBe(want);
  });
});
