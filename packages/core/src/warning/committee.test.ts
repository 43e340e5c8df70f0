import { describe, expect, it } from 'vitest';
import { committeeRuleProblems, committeeSignal, DEFAULT_COMMITTEE_RULE, isSchoolDay, lastSchoolDays, schoolDaysBetween, type SchoolCalendar } from './committee.js';

// autumn term 2026: National Day week off (10-01…10-07), make-up workdays on Sunday 09-27 and Saturday 10-10
const CAL: SchoolCalendar = {
  terms: [{ name: '2026 秋季学期', start: '2026-09-01', end: '2027-01-20' }],
  days: [
    ...['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'].map((date) => ({ date, kind: 'holiday' as const, label: '国庆节' })),
    { date: '2026-09-27', kind: 'workday', label: '调休上班' },
    { date: '2026-10-10', kind: 'workday', label: '调休上班' },
  ],
};

describe('school days', () => {
  const table: [string, boolean][] = [
    ['2026-11-25', true], // Wednesday
    ['2026-11-28', false], // Saturday
    ['2026-11-29', false], // Sunday
    ['2026-10-01', false], // National Day
    ['2026-10-05', false], // Monday, holiday
    ['2026-09-27', true], // Sunday, make-up workday
    ['2026-10-10', true], // Saturday, make-up workday
    ['2026-08-31', false], // before the term
    ['2027-01-21', false], // after the term
  ];
  it.each(table)('%s → %s', (date, expected) => expect(isSchoolDay(date, CAL)).toBe(expected));

  it('counts the school days of the holiday fortnight', () => {
    expect(schoolDaysBetween('2026-09-28', '2026-10-11', CAL)).toEqual(['2026-09-28', '2026-09-29', '2026-09-30', '2026-10-08', '2026-10-09', '2026-10-10']);
  });

  it('walks back over weekends and holidays to find the last school days', () => {
    expect(lastSchoolDays('2026-10-08', 3, CAL)).toEqual(['2026-09-29', '2026-09-30', '2026-10-08']);
    expect(lastSchoolDays('2026-09-01', 3, CAL)).toEqual(['2026-09-01']);
  });
});

describe('when mentions become a signal (default: 2 of the last 3 school days; self-harm at once, red)', () => {
  const cases: [string, string[], ('mood' | 'self_harm' | 'study')[], string, ReturnType<typeof committeeSignal>][] = [
    ['mentioned once', ['2026-11-25'], ['mood'], '2026-11-25', null],
    ['twice in three school days', ['2026-11-24', '2026-11-25'], ['mood'], '2026-11-25', { level: 'yellow', reason: 'repeated', days: 2 }],
    ['the first mention outside the window', ['2026-11-20', '2026-11-25'], ['mood'], '2026-11-25', null],
    ['across a weekend: Friday and Monday are two school days apart', ['2026-11-27', '2026-11-30'], ['study'], '2026-11-30', { level: 'yellow', reason: 'repeated', days: 2 }],
    ['across the National Day week', ['2026-09-30', '2026-10-08'], ['mood'], '2026-10-08', { level: 'yellow', reason: 'repeated', days: 2 }],
    ['self-harm at the first mention', ['2026-11-25'], ['self_harm'], '2026-11-25', { level: 'red', reason: 'immediate', days: 1 }],
    ['two mentions on one day count as one day', ['2026-11-25', '2026-11-25'], ['mood'], '2026-11-25', null],
  ];
  it.each(cases)('%s', (_name, mentions, categories, today, expected) => expect(committeeSignal(mentions, categories, today, CAL, DEFAULT_COMMITTEE_RULE)).toEqual(expected));

  it('a region may ask for more days; an impossible rule is refused', () => {
    expect(committeeSignal(['2026-11-24', '2026-11-25'], ['mood'], '2026-11-25', CAL, { ...DEFAULT_COMMITTEE_RULE, minDays: 3, windowDays: 5 })).toBeNull();
    expect(committeeRuleProblems(DEFAULT_COMMITTEE_RULE)).toEqual([]);
    expect(committeeRuleProblems({ ...DEFAULT_COMMITTEE_RULE, minDays: 4 })).toContain('被提到的天数不能多于观察的天数');
  });
});
