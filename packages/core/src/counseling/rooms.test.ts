import { describe, expect, it } from 'vitest';
import { isSchoolDay, type SchoolCalendar } from '../warning/committee.js';
import { checkLogged, checkSchedule, logProblems, mergedMinutes, scheduleProblems, type LoggedPeriod, type OpeningPeriod } from './rooms.js';

const weekdays = (start: string, end: string, days = [1, 2, 3, 4, 5]): OpeningPeriod[] => days.map((weekday) => ({ weekday, start, end }));

describe('the weekly schedule against the rule (1 hour every school day, 10 hours a week)', () => {
  const table: [string, OpeningPeriod[], { compliant: boolean; weekly: number; shortDays: number[]; weekShort: boolean }][] = [
    ['2 h every weekday = 600 min: compliant', weekdays('14:00', '16:00'), { compliant: true, weekly: 600, shortDays: [], weekShort: false }],
    ['1 h 59 min every weekday = 595 min: the week is short', weekdays('14:00', '15:59'), { compliant: false, weekly: 595, shortDays: [], weekShort: true }],
    ['599 min a week (one day 1 min shorter): short', [...weekdays('14:00', '16:00', [1, 2, 3, 4]), { weekday: 5, start: '14:00', end: '15:59' }], { compliant: false, weekly: 599, shortDays: [], weekShort: true }],
    ['exactly 60 min on Monday, the rest long: compliant', [{ weekday: 1, start: '08:00', end: '09:00' }, ...weekdays('08:00', '10:15', [2, 3, 4, 5])], { compliant: true, weekly: 600, shortDays: [], weekShort: false }],
    ['59 min on Monday, the rest long: Monday short', [{ weekday: 1, start: '08:00', end: '08:59' }, ...weekdays('08:00', '11:00', [2, 3, 4, 5])], { compliant: false, weekly: 779, shortDays: [1], weekShort: false }],
    ['Wednesday has no period at all', weekdays('08:00', '12:00', [1, 2, 4, 5]), { compliant: false, weekly: 960, shortDays: [3], weekShort: false }],
    [
      'overlapping periods counted once (08:00–10:00 + 09:00–11:00 = 3 h, 5 days = 900)',
      [...weekdays('08:00', '10:00'), ...weekdays('09:00', '11:00')],
      { compliant: true, weekly: 900, shortDays: [], weekShort: false },
    ],
    [
      'overlap does not hide a short week (two copies of 1 h 59 min)',
      [...weekdays('14:00', '15:59'), ...weekdays('14:00', '15:59')],
      { compliant: false, weekly: 595, shortDays: [], weekShort: true },
    ],
    ['touching periods merge (08:00–09:00 + 09:00–10:00)', [...weekdays('08:00', '09:00'), ...weekdays('09:00', '10:00')], { compliant: true, weekly: 600, shortDays: [], weekShort: false }],
    [
      'weekend hours count toward the week: 1 h a weekday + 5 h Saturday = 600',
      [...weekdays('16:00', '17:00'), { weekday: 6, start: '09:00', end: '14:00' }],
      { compliant: true, weekly: 600, shortDays: [], weekShort: false },
    ],
    ['weekend-only hours: every school day short though the week has 12 h', [{ weekday: 6, start: '08:00', end: '14:00' }, { weekday: 7, start: '08:00', end: '14:00' }], { compliant: false, weekly: 720, shortDays: [1, 2, 3, 4, 5], weekShort: false }],
    ['no schedule at all', [], { compliant: false, weekly: 0, shortDays: [1, 2, 3, 4, 5], weekShort: true }],
    ['a period to the end of the day (22:00–24:00)', weekdays('22:00', '24:00'), { compliant: true, weekly: 600, shortDays: [], weekShort: false }],
  ];
  it.each(table)('%s', (_name, periods, want) => {
    const r = checkSchedule(periods);
    expect(r.compliant).toBe(want.compliant);
    expect(r.weeklyMinutes).toBe(want.weekly);
    expect(r.shortDays).toEqual(want.shortDays);
    expect(r.shortfalls.some((s) => s.kind === 'week')).toBe(want.weekShort);
    expect(r.reasons.length).toBe(r.shortfalls.length);
    if (want.compliant) expect(r.reasons).toEqual([]);
  });

  it('minutes per weekday and plain reasons', () => {
    const r = checkSchedule([{ weekday: 1, start: '08:00', end: '08:59' }, ...weekdays('08:00', '09:00', [2, 4, 5])]);
    expect(r.minutesByWeekday).toEqual([0, 59, 60, 0, 60, 60, 0, 0]);
    expect(r.reasons).toEqual(['周一只开放 59 分钟，不足 1 小时', '周三未开放（每个上学日至少开放 1 小时）', '每周共开放 3 小时 59 分钟，不足 10 小时']);
  });

  it('a school that also has Saturday classes needs the hour on Saturday too', () => {
    expect(checkSchedule(weekdays('08:00', '10:00'), [1, 2, 3, 4, 5, 6]).shortDays).toEqual([6]);
  });

  it('rejects bad times and an end not after the start, with the field named', () => {
    expect(scheduleProblems([{ weekday: 1, start: '09:00', end: '09:00' }])).toEqual({ 'periods.0.end': '结束时间 09:00 必须晚于开始时间 09:00' });
    expect(scheduleProblems([{ weekday: 2, start: '10:00', end: '09:30' }])['periods.0.end']).toContain('必须晚于');
    expect(Object.keys(scheduleProblems([{ weekday: 8, start: '9:00', end: '25:00' }])).sort()).toEqual(['periods.0.end', 'periods.0.start', 'periods.0.weekday']);
    expect(scheduleProblems([{ weekday: 3, start: '24:00', end: '24:00' }])['periods.0.start']).toContain('格式不对');
    expect(scheduleProblems(weekdays('08:00', '09:00'))).toEqual({});
    expect(() => checkSchedule([{ weekday: 1, start: '10:00', end: '09:00' }])).toThrow();
  });

  it('merges intervals', () => {
    expect(mergedMinutes([[0, 10], [5, 20], [30, 40], [40, 45], [100, 100]])).toBe(35);
    expect(mergedMinutes([])).toBe(0);
  });
});

describe('logged hours against the rule, week by week', () => {
  // a term with the National Day week off (10-01…10-07) and a make-up workday on Saturday 10-10
  const CAL: SchoolCalendar = {
    terms: [{ name: '2026 秋季学期', start: '2026-09-01', end: '2027-01-20' }],
    days: [
      ...['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'].map((date) => ({ date, kind: 'holiday' as const })),
      { date: '2026-10-10', kind: 'workday' as const },
    ],
  };
  const school = (d: string) => isSchoolDay(d, CAL);
  const days = (dates: string[], start: string, end: string): LoggedPeriod[] => dates.map((date) => ({ date, start, end }));
  // Monday 2026-11-23 … Friday 11-27
  const WEEK = ['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27'];

  it('2 h every school day of a full week: compliant (600)', () => {
    const r = checkLogged(days(WEEK, '14:00', '16:00'), '2026-11-23', '2026-11-29', school);
    expect(r.compliant).toBe(true);
    expect(r.weeks).toEqual([{ week: '2026-11-23', schoolDays: WEEK, minutes: 600, required: 600, shortDates: [], compliant: true }]);
  });

  it('599 min in the week: short by the week', () => {
    const logs = [...days(WEEK.slice(0, 4), '14:00', '16:00'), { date: '2026-11-27', start: '14:00', end: '15:59' }];
    const r = checkLogged(logs, '2026-11-23', '2026-11-29', school);
    expect(r.compliant).toBe(false);
    expect(r.weeks[0]!.minutes).toBe(599);
    expect(r.shortfalls).toEqual([{ kind: 'week', week: '2026-11-23', minutes: 599, required: 600 }]);
    expect(r.reasons).toEqual(['2026-11-23 这一周共开放 9 小时 59 分钟，不足 10 小时']);
  });

  it('59 vs 60 logged minutes on one school day', () => {
    const base = days(WEEK.slice(1), '08:00', '11:00');
    const at60 = checkLogged([...base, { date: '2026-11-23', start: '08:00', end: '09:00' }], '2026-11-23', '2026-11-29', school);
    const at59 = checkLogged([...base, { date: '2026-11-23', start: '08:00', end: '08:59' }], '2026-11-23', '2026-11-29', school);
    expect(at60.compliant).toBe(true);
    expect(at59.compliant).toBe(false);
    expect(at59.weeks[0]!.shortDates).toEqual(['2026-11-23']);
    expect(at59.reasons).toEqual(['2026-11-23（周一）只开放 59 分钟，不足 1 小时']);
  });

  it('overlapping logs of one day count once', () => {
    const logs = [...days(WEEK, '14:00', '16:00'), ...days(WEEK, '15:00', '16:00')];
    const r = checkLogged(logs, '2026-11-23', '2026-11-29', school);
    expect(r.totalMinutes).toBe(600);
    expect(r.compliant).toBe(true);
  });

  it('a school day with nothing logged', () => {
    const r = checkLogged(days(WEEK.filter((d) => d !== '2026-11-25'), '08:00', '11:00'), '2026-11-23', '2026-11-29', school);
    expect(r.compliant).toBe(false);
    expect(r.weeks[0]!.shortDates).toEqual(['2026-11-25']);
    expect(r.reasons[0]).toBe('2026-11-25（周三）未开放（每个上学日至少开放 1 小时）');
  });

  it('the holiday week is exempt; the week after with a make-up Saturday needs 6 days, capped at 600', () => {
    // 09-28…10-04: Mon–Wed school days (3 → 360 required), Thu/Fri holidays; 10-05…10-11: Thu, Fri and the make-up Saturday
    const logs = [...days(['2026-09-28', '2026-09-29', '2026-09-30'], '14:00', '16:00'), ...days(['2026-10-08', '2026-10-09', '2026-10-10'], '14:00', '16:00')];
    const r = checkLogged(logs, '2026-09-28', '2026-10-11', school);
    expect(r.weeks.map((w) => [w.week, w.schoolDays.length, w.required, w.minutes, w.compliant])).toEqual([
      ['2026-09-28', 3, 360, 360, true],
      ['2026-10-05', 3, 360, 360, true],
    ]);
    expect(r.compliant).toBe(true);
    const empty = checkLogged([], '2026-10-01', '2026-10-07', school);
    expect(empty.weeks.map((w) => [w.schoolDays.length, w.required, w.compliant])).toEqual([[0, 0, true], [0, 0, true]]);
    expect(empty.compliant).toBe(true);
  });

  it('weekend-only hours: the week total is met but every school day is short', () => {
    const r = checkLogged(days(['2026-11-28', '2026-11-29'], '08:00', '14:00'), '2026-11-23', '2026-11-29', school);
    expect(r.weeks[0]!.minutes).toBe(720);
    expect(r.weeks[0]!.shortDates).toEqual(WEEK);
    expect(r.shortfalls.some((s) => s.kind === 'week')).toBe(false);
    expect(r.compliant).toBe(false);
  });

  it('weekend hours make up the weekly total when each school day has its hour', () => {
    const r = checkLogged([...days(WEEK, '16:00', '17:00'), { date: '2026-11-28', start: '09:00', end: '14:00' }], '2026-11-23', '2026-11-29', school);
    expect(r.weeks[0]!.minutes).toBe(600);
    expect(r.compliant).toBe(true);
  });

  it('a range starting mid-week asks 120 min per school day in it; logs outside the range are ignored', () => {
    const r = checkLogged([...days(['2026-11-25', '2026-11-26', '2026-11-27'], '14:00', '16:00'), { date: '2026-11-23', start: '08:00', end: '18:00' }], '2026-11-25', '2026-11-29', school);
    expect(r.weeks).toEqual([{ week: '2026-11-23', schoolDays: ['2026-11-25', '2026-11-26', '2026-11-27'], minutes: 360, required: 360, shortDates: [], compliant: true }]);
    expect(r.totalMinutes).toBe(360);
  });

  it('two weeks: one good, one short; reasons name the week', () => {
    const r = checkLogged(days(WEEK, '14:00', '16:00'), '2026-11-23', '2026-12-06', school);
    expect(r.weeks.map((w) => w.compliant)).toEqual([true, false]);
    expect(r.weeks[1]!.shortDates).toEqual(['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04']);
  });

  it('rejects bad logs and ranges', () => {
    expect(logProblems([{ date: '2026-02-30', start: '08:00', end: '09:00' }])).toEqual({ 'logs.0.date': '日期“2026-02-30”不对，应为 YYYY-MM-DD' });
    expect(logProblems([{ date: '2026-02-03', start: '09:00', end: '08:00' }])['logs.0.end']).toContain('必须晚于');
    expect(() => checkLogged([], '2026-11-29', '2026-11-23', school)).toThrow();
  });
});
