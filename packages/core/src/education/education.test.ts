import { describe, expect, it } from 'vitest';
import type { SchoolCalendar } from '../warning/committee.js';
import { activityCompliance, dueMonths, fixedTermOf, lessonCompliance, termOf, timetableDates, topicForWeek, type Term } from './index.js';

// Autumn 2025: 国庆+中秋 1–8 October off, make-up workdays Sunday 28 September and Saturday 11 October.
const cal: SchoolCalendar = {
  terms: [],
  days: [
    ...['01', '02', '03', '04', '05', '06', '07', '08'].map((d) => ({ date: `2025-10-${d}`, kind: 'holiday' as const, label: '国庆' })),
    { date: '2025-09-28', kind: 'workday', label: '调休' },
    { date: '2025-10-11', kind: 'workday', label: '调休' },
  ],
};
const autumn: Term = { name: '2025-2026学年第一学期', start: '2025-09-01', end: '2026-01-31' };

describe('terms', () => {
  it.each([
    ['2025-09-01', '2025-2026学年第一学期', '2025-09-01', '2026-01-31'],
    ['2026-01-31', '2025-2026学年第一学期', '2025-09-01', '2026-01-31'],
    ['2026-02-01', '2025-2026学年第二学期', '2026-02-01', '2026-07-15'],
    ['2026-07-15', '2025-2026学年第二学期', '2026-02-01', '2026-07-15'],
    ['2026-08-10', '2025-2026学年第二学期', '2026-02-01', '2026-07-15'], // summer: the term just ended
    ['2026-11-25', '2026-2027学年第一学期', '2026-09-01', '2027-01-31'],
  ])('fixed rule: %s is in %s', (date, name, start, end) => {
    expect(fixedTermOf(date)).toEqual({ name, start, end });
  });

  const terms: Term[] = [
    { name: '秋季学期', start: '2025-09-01', end: '2026-01-16' },
    { name: '春季学期', start: '2026-03-02', end: '2026-07-03' },
  ];
  it.each([
    ['2025-10-10', '秋季学期'],
    ['2026-02-10', '秋季学期'], // winter break: the term that just ended
    ['2026-03-02', '春季学期'],
    ['2026-09-10', '2026-2027学年第一学期'], // no calendar term near: the fixed rule
  ])('from the calendar: %s → %s', (date, name) => {
    expect(termOf(date, terms).name).toBe(name);
  });
});

describe('lesson compliance of a class (≥ 1 in every 10 school days, ≥ 10 a term)', () => {
  const at = (lessons: string[], asOf: string, term = autumn) => {
    const c = lessonCompliance(lessons, term, cal, asOf);
    return { lessons: c.lessons, required: c.requiredSoFar, longestGap: c.longestGap, gapsFrom: c.gapsFrom, windowOk: c.windowOk, countOk: c.countOk };
  };
  it.each([
    // name, lessons, asOf, expected
    ['a gap of exactly 14 days (Mon → Mon): 9 school days between, compliant', ['2025-09-01', '2025-09-15'], '2025-09-19', { longestGap: 9, gapsFrom: [], windowOk: true }],
    ['a gap of 15 days (Mon → Tue): 10 school days between, late', ['2025-09-01', '2025-09-16'], '2025-09-19', { longestGap: 10, gapsFrom: ['2025-09-02'], windowOk: false }],
    ['the first lesson on the 10th school day is on time', ['2025-09-12'], '2025-09-19', { longestGap: 9, gapsFrom: [], windowOk: true }],
    ['no lesson in the first 10 school days: late from the term start', ['2025-09-15'], '2025-09-19', { longestGap: 10, gapsFrom: ['2025-09-01'], windowOk: false }],
    ['a trailing run of 9 school days is not yet late', ['2025-09-01'], '2025-09-12', { longestGap: 9, gapsFrom: [], windowOk: true }],
    // 国庆: 26 Sep → 16 Oct is 20 calendar days but 9 school days (28 Sep make-up, 29, 30, 9, 10 Oct, 11 Oct make-up, 13–15)
    ['国庆 week does not count: Fri 26 Sep → Thu 16 Oct (20 days) complies', ['2025-09-12', '2025-09-26', '2025-10-16'], '2025-10-16', { longestGap: 9, gapsFrom: [], windowOk: true }],
    // … and the make-up Saturday counts as a school day: to Fri 17 Oct the run is 10
    ['the make-up Saturday counts: Fri 26 Sep → Fri 17 Oct is 10 school days, late', ['2025-09-12', '2025-09-26', '2025-10-17'], '2025-10-17', { longestGap: 10, gapsFrom: ['2025-09-28'], windowOk: false }],
    ['a lesson on the make-up Saturday ends the run', ['2025-09-12', '2025-09-26', '2025-10-11', '2025-10-17'], '2025-10-17', { longestGap: 9, gapsFrom: [], windowOk: true }],
  ])('%s', (_name, lessons, asOf, expected) => {
    expect(at(lessons, asOf)).toMatchObject(expected);
  });

  // a short term of 51 school days: 11 weeks, Monday 1 Sep to Friday 14 Nov, minus 国庆 (6 weekdays), plus 2 make-up days
  const short: Term = { name: '短学期', start: '2025-09-01', end: '2025-11-14' };
  const every5 = ['2025-09-05', '2025-09-12', '2025-09-19', '2025-09-26', '2025-10-10', '2025-10-17', '2025-10-24', '2025-10-31', '2025-11-07', '2025-11-14'];
  it('exactly 10 lessons at the term end: compliant', () => {
    const c = lessonCompliance(every5, short, cal, '2025-12-01');
    expect(c).toMatchObject({ lessons: 10, requiredSoFar: 10, countOk: true, windowOk: true, compliant: true, asOf: '2025-11-14' });
  });
  it('9 lessons at the term end: the count fails, the windows still pass', () => {
    const c = lessonCompliance(every5.filter((d) => d !== '2025-11-14'), short, cal, '2025-12-01');
    expect(c).toMatchObject({ lessons: 9, countOk: false, windowOk: true, compliant: false });
  });
  it('while the term runs the count is pro-rated by school days elapsed', () => {
    // 1 Sep – 19 Sep: 15 of the short term's 51 school days → floor(10 × 15 / 51) = 2
    const c = lessonCompliance(['2025-09-05', '2025-09-12'], short, cal, '2025-09-19');
    expect(c).toMatchObject({ lessons: 2, requiredSoFar: 2, countOk: true, compliant: true });
    expect(lessonCompliance(['2025-09-12'], short, cal, '2025-09-19')).toMatchObject({ countOk: false, windowOk: true });
  });
  it('lessons outside the term or after asOf do not count; duplicates count once', () => {
    expect(lessonCompliance(['2025-08-30', '2025-09-05', '2025-09-05', '2025-12-01'], short, cal, '2025-09-05').lessons).toBe(1);
  });
});

describe('activities of a school', () => {
  it('due months: months of the term with a school day that are over', () => {
    expect(dueMonths(autumn, cal, '2025-11-25')).toEqual(['2025-09', '2025-10']);
    expect(dueMonths(autumn, cal, '2026-03-01')).toEqual(['2025-09', '2025-10', '2025-11', '2025-12', '2026-01']);
  });
  it.each([
    ['nothing held by late November', [], '2025-11-25', { infusion: 0, infusionOk: false, researchMissing: ['2025-09', '2025-10'], researchOk: false }],
    ['one infusion, research in Sep and Oct', [{ kind: 'infusion', date: '2025-10-20' }, { kind: 'research', date: '2025-09-10' }, { kind: 'research', date: '2025-10-30' }], '2025-11-25', { infusion: 1, infusionOk: true, researchOk: true }],
    ['at the term end two infusion activities are needed', [{ kind: 'infusion', date: '2025-10-20' }], '2026-02-10', { infusion: 1, infusionOk: false }],
    ['themed events are counted', [{ kind: 'themed', date: '2025-10-10' }, { kind: 'themed', date: '2025-05-25' }], '2025-11-25', { themed: 1 }],
  ] as const)('%s', (_n, acts, asOf, expected) => {
    expect(activityCompliance(acts, autumn, cal, asOf)).toMatchObject(expected);
  });
});

describe('bulk timetable entry', () => {
  const tc: SchoolCalendar = { terms: [autumn], days: cal.days };
  it('Mondays and Thursdays from 22 Sep to 17 Oct skip 国庆 and keep school days only', () => {
    expect(timetableDates('2025-09-22', '2025-10-17', [1, 4], tc)).toEqual(['2025-09-22', '2025-09-25', '2025-09-29', '2025-10-09', '2025-10-13', '2025-10-16']);
  });
  it('a make-up Saturday is included only when Saturday is chosen', () => {
    expect(timetableDates('2025-10-06', '2025-10-12', [6], tc)).toEqual(['2025-10-11']);
    expect(timetableDates('2025-10-06', '2025-10-12', [5], tc)).toEqual(['2025-10-10']);
  });
  it('topics: one per week, the last repeats; or one for all', () => {
    expect([0, 1, 2].map((i) => topicForWeek(['认识情绪', '学会倾听'], i))).toEqual(['认识情绪', '学会倾听', '学会倾听']);
    expect(topicForWeek(['悦纳自我'], 5)).toBe('悦纳自我');
  });
});
