/**
 * Counseling room opening rule (MISSION: 001 §5): a school's counseling room is open at least 1 hour
 * on every school day and at least 10 hours a week.
 *
 * Two checks share the rule:
 * - the weekly SCHEDULE (periods by weekday, 1 = Monday … 7 = Sunday): every school weekday (Mon–Fri
 *   unless told otherwise) has ≥ 60 minutes, and the week ≥ 600 minutes;
 * - the hours actually LOGGED over a date range, per ISO week: every school day of the week that falls
 *   inside the range has ≥ 60 logged minutes, and the week has ≥ 120 minutes per such school day, at
 *   most 600 (a full week of 5 school days needs 600; a week shortened by holidays or by the edges of
 *   the range needs proportionally less; a week without any school day — a holiday week — is exempt).
 *   Which dates are school days is the caller's: the server passes the region's school calendar (校历).
 *
 * Choice: minutes on days that are not school days (weekends, holidays) COUNT toward the weekly total.
 * The rule is about how many hours a week students can reach the room; a Saturday opening for boarding
 * students is real availability. They never make up for a school day that is short: each school day
 * must still have its own hour.
 *
 * Overlapping or touching periods on the same day are merged and counted once.
 */

export const DAY_MINIMUM_MINUTES = 60;
export const WEEK_MINIMUM_MINUTES = 600;
/** A school day's share of the weekly minimum when a week has fewer than five school days. */
export const WEEK_MINUTES_PER_SCHOOL_DAY = WEEK_MINIMUM_MINUTES / 5;

export interface OpeningPeriod {
  /** 1 = Monday … 7 = Sunday */
  weekday: number;
  /** 'HH:MM', 24-hour local time */
  start: string;
  end: string;
}

export interface LoggedPeriod {
  /** ISO date 'YYYY-MM-DD' */
  date: string;
  start: string;
  end: string;
}

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes since midnight of 'HH:MM' ('24:00' is accepted as the end of the day), or null when malformed. */
export function minutesOf(time: string): number | null {
  if (time === '24:00') return 1440;
  const m = TIME.exec(time);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/** Problems of one period's times, in Chinese, by field ('start', 'end'); empty when fine. */
export function timeProblems(start: string, end: string): Record<string, string> {
  const out: Record<string, string> = {};
  const s = start === '24:00' ? null : minutesOf(start);
  const e = minutesOf(end);
  if (s === null) out.start = `开始时间“${start}”格式不对，应为 HH:MM（如 08:30）`;
  if (e === null) out.end = `结束时间“${end}”格式不对，应为 HH:MM（如 17:00）`;
  if (s !== null && e !== null && e <= s) out.end = `结束时间 ${end} 必须晚于开始时间 ${start}`;
  return out;
}

/** Problems of a weekly schedule by field path ('periods.2.end'); empty when the schedule is valid. */
export function scheduleProblems(periods: readonly OpeningPeriod[]): Record<string, string> {
  const out: Record<string, string> = {};
  periods.forEach((p, i) => {
    if (!Number.isInteger(p.weekday) || p.weekday < 1 || p.weekday > 7) out[`periods.${i}.weekday`] = '星期应为 1（周一）到 7（周日）';
    for (const [k, v] of Object.entries(timeProblems(p.start, p.end))) out[`periods.${i}.${k}`] = v;
  });
  return out;
}

/** Problems of logged periods by field path ('logs.0.date'); empty when valid. */
export function logProblems(logs: readonly LoggedPeriod[]): Record<string, string> {
  const out: Record<string, string> = {};
  logs.forEach((l, i) => {
    if (!isIsoDate(l.date)) out[`logs.${i}.date`] = `日期“${l.date}”不对，应为 YYYY-MM-DD`;
    for (const [k, v] of Object.entries(timeProblems(l.start, l.end))) out[`logs.${i}.${k}`] = v;
  });
  return out;
}

function isIsoDate(d: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) return false;
  const t = Date.parse(`${d}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === d;
}

/** Total minutes covered by intervals [start, end), overlapping or touching ones counted once. */
export function mergedMinutes(intervals: readonly (readonly [number, number])[]): number {
  const sorted = [...intervals].filter(([s, e]) => e > s).sort((a, b) => a[0] - b[0]);
  let total = 0;
  let curS = -1;
  let curE = -1;
  for (const [s, e] of sorted) {
    if (s > curE) {
      total += curE - curS;
      curS = s;
      curE = e;
    } else if (e > curE) curE = e;
  }
  return total + (curE - curS);
}

function interval(start: string, end: string): [number, number] {
  const s = minutesOf(start);
  const e = minutesOf(end);
  if (s === null || e === null || e <= s) throw new Error(`bad period ${start}–${end}`);
  return [s, e];
}

export const WEEKDAY_ZH = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'] as const;

const hours = (min: number) => {
  const h = Math.floor(min / 60);
  const m = min % 60;
  return m ? `${h} 小时 ${m} 分钟` : `${h} 小时`;
};

export type Shortfall =
  | { kind: 'day'; weekday: number; date?: string; minutes: number; required: number }
  | { kind: 'week'; week?: string; minutes: number; required: number };

export interface ScheduleCompliance {
  /** index 1…7 = Monday…Sunday (index 0 unused, always 0) */
  minutesByWeekday: number[];
  weeklyMinutes: number;
  /** school weekdays with less than an hour (1…7) */
  shortDays: number[];
  compliant: boolean;
  shortfalls: Shortfall[];
  /** the shortfalls in plain Chinese */
  reasons: string[];
}

/** Checks a weekly schedule against the rule. Throws on invalid periods: validate with scheduleProblems first. */
export function checkSchedule(periods: readonly OpeningPeriod[], schoolWeekdays: readonly number[] = [1, 2, 3, 4, 5]): ScheduleCompliance {
  const byDay: [number, number][][] = Array.from({ length: 8 }, () => []);
  for (const p of periods) {
    if (!Number.isInteger(p.weekday) || p.weekday < 1 || p.weekday > 7) throw new Error(`bad weekday ${p.weekday}`);
    byDay[p.weekday]!.push(interval(p.start, p.end));
  }
  const minutesByWeekday = byDay.map((list, i) => (i === 0 ? 0 : mergedMinutes(list)));
  const weeklyMinutes = minutesByWeekday.reduce((a, b) => a + b, 0);
  const school = [...new Set(schoolWeekdays)].sort((a, b) => a - b);
  const shortDays = school.filter((d) => minutesByWeekday[d]! < DAY_MINIMUM_MINUTES);
  const shortfalls: Shortfall[] = shortDays.map((d) => ({ kind: 'day', weekday: d, minutes: minutesByWeekday[d]!, required: DAY_MINIMUM_MINUTES }));
  if (weeklyMinutes < WEEK_MINIMUM_MINUTES) shortfalls.push({ kind: 'week', minutes: weeklyMinutes, required: WEEK_MINIMUM_MINUTES });
  return { minutesByWeekday, weeklyMinutes, shortDays, compliant: shortfalls.length === 0, shortfalls, reasons: shortfalls.map(reasonOf) };
}

function reasonOf(s: Shortfall): string {
  if (s.kind === 'day') {
    const day = s.date ? `${s.date}（${WEEKDAY_ZH[s.weekday]}）` : WEEKDAY_ZH[s.weekday];
    return s.minutes === 0 ? `${day}未开放（每个上学日至少开放 1 小时）` : `${day}只开放 ${s.minutes} 分钟，不足 1 小时`;
  }
  const week = s.week ? `${s.week} 这一周` : '每周';
  return `${week}共开放 ${hours(s.minutes)}，不足 ${hours(s.required)}`;
}

/** ISO weekday of a date: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

/** The Monday of the ISO week of a date. */
export function mondayOf(date: string): string {
  return addDaysIso(date, 1 - isoWeekday(date));
}

export function addDaysIso(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

export interface WeekCompliance {
  /** Monday of the week */
  week: string;
  /** the school days of this week inside the range */
  schoolDays: string[];
  minutes: number;
  required: number;
  /** school days with less than an hour logged */
  shortDates: string[];
  compliant: boolean;
}

export interface LoggedCompliance {
  from: string;
  to: string;
  totalMinutes: number;
  /** logged minutes by date (only dates with any) */
  minutesByDate: Record<string, number>;
  weeks: WeekCompliance[];
  compliant: boolean;
  shortfalls: Shortfall[];
  reasons: string[];
}

/**
 * Checks hours logged from `from` to `to` (inclusive) against the rule, week by ISO week. Logs
 * outside the range are ignored; overlapping logs of the same date count once. Throws on invalid
 * logs or a range that ends before it starts: validate with logProblems first.
 */
export function checkLogged(logs: readonly LoggedPeriod[], from: string, to: string, isSchoolDay: (date: string) => boolean): LoggedCompliance {
  if (!isIsoDate(from) || !isIsoDate(to) || to < from) throw new Error(`bad range ${from}…${to}`);
  const byDate = new Map<string, [number, number][]>();
  for (const l of logs) {
    if (!isIsoDate(l.date)) throw new Error(`bad date ${l.date}`);
    const iv = interval(l.start, l.end);
    if (l.date < from || l.date > to) continue;
    byDate.set(l.date, [...(byDate.get(l.date) ?? []), iv]);
  }
  const minutesByDate: Record<string, number> = {};
  for (const [d, list] of [...byDate.entries()].sort(([a], [b]) => a.localeCompare(b))) minutesByDate[d] = mergedMinutes(list);

  const weeks: WeekCompliance[] = [];
  const shortfalls: Shortfall[] = [];
  for (let monday = mondayOf(from); monday <= to; monday = addDaysIso(monday, 7)) {
    const dates = Array.from({ length: 7 }, (_, i) => addDaysIso(monday, i)).filter((d) => d >= from && d <= to);
    const schoolDays = dates.filter(isSchoolDay);
    const minutes = dates.reduce((a, d) => a + (minutesByDate[d] ?? 0), 0);
    const required = Math.min(WEEK_MINIMUM_MINUTES, WEEK_MINUTES_PER_SCHOOL_DAY * schoolDays.length);
    const shortDates = schoolDays.filter((d) => (minutesByDate[d] ?? 0) < DAY_MINIMUM_MINUTES);
    for (const d of shortDates) shortfalls.push({ kind: 'day', weekday: isoWeekday(d), date: d, minutes: minutesByDate[d] ?? 0, required: DAY_MINIMUM_MINUTES });
    if (minutes < required) shortfalls.push({ kind: 'week', week: monday, minutes, required });
    weeks.push({ week: monday, schoolDays, minutes, required, shortDates, compliant: shortDates.length === 0 && minutes >= required });
  }
  const totalMinutes = Object.values(minutesByDate).reduce((a, b) => a + b, 0);
  return { from, to, totalMinutes, minutesByDate, weeks, compliant: shortfalls.length === 0, shortfalls, reasons: shortfalls.map(reasonOf) };
}
