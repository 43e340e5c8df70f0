/**
 * Pure rules of the education area (健康教育): terms, the mental-health lesson rules per class
 * (心理健康课, seed 003: at least one lesson every two teaching weeks and at least 10 a term), the
 * activity rules per school (学科渗透研究 ≥ 2 a term, 心理教研活动 every month of the term) and the
 * bulk timetable entry (one lesson per class per matching school day).
 */
import { schoolDaysBetween, type SchoolCalendar } from '../warning/committee.js';
import { isoWeekday } from '../counseling/rooms.js';

export interface Term {
  name: string;
  start: string;
  end: string;
}

/** Lessons a class must have in a whole term (seed 003). */
export const LESSONS_PER_TERM = 10;
/** A window of two teaching weeks, counted in school days (5 school days a week). */
export const LESSON_WINDOW_SCHOOL_DAYS = 10;
/** 学科渗透研究活动 a school must hold in a term. */
export const INFUSION_PER_TERM = 2;

export const ACTIVITY_KINDS = { infusion: '学科渗透研究', research: '心理教研活动', themed: '主题活动' } as const;
export type ActivityKind = keyof typeof ACTIVITY_KINDS;
export const ACTIVITY_THEMES = {
  mh_day: '5·25 心理健康日',
  wmh_day: '10·10 世界精神卫生日',
  term_start: '开学季',
  exam_relief: '考前减压',
  graduating: '毕业年级专场',
  other: '其他',
} as const;
export type ActivityTheme = keyof typeof ACTIVITY_THEMES;

/**
 * The fixed rule used when the region's calendar has no term dates: the autumn term (第一学期) runs
 * 1 September – 31 January, the spring term (第二学期) 1 February – 15 July. Between 16 July and 31
 * August (summer) the term just ended is returned.
 */
export function fixedTermOf(date: string): Term {
  const y = Number(date.slice(0, 4));
  const md = date.slice(5);
  if (md >= '09-01') return { name: `${y}-${y + 1}学年第一学期`, start: `${y}-09-01`, end: `${y + 1}-01-31` };
  if (md <= '01-31') return { name: `${y - 1}-${y}学年第一学期`, start: `${y - 1}-09-01`, end: `${y}-01-31` };
  return { name: `${y - 1}-${y}学年第二学期`, start: `${y}-02-01`, end: `${y}-07-15` };
}

/**
 * The term a date belongs to: the calendar's term containing it; during a break between two of its
 * terms, the one just ended; past its last term, the fixed rule (fixedTermOf) once that rule is in a
 * later term (else the last term); with no calendar terms, the fixed rule.
 */
export function termOf(date: string, terms: readonly Term[]): Term {
  const inside = terms.find((t) => t.start <= date && date <= t.end);
  if (inside) return inside;
  const before = terms.filter((t) => t.end < date).sort((a, b) => (a.end < b.end ? 1 : -1))[0];
  const fixed = fixedTermOf(date);
  if (!before) return fixed;
  // a break between two calendar terms: the term just ended
  if (terms.some((t) => t.start > date)) return before;
  // past the calendar's last term: the fixed rule once it reaches a new term
  return fixed.start > before.end ? fixed : before;
}

/** A calendar restricted to one term (isSchoolDay only counts days inside its terms). */
export function termCalendar(term: Term, cal: Pick<SchoolCalendar, 'days'>): SchoolCalendar {
  return { terms: [{ name: term.name, start: term.start, end: term.end }], days: cal.days };
}

export interface LessonCompliance {
  term: Term;
  /** the rules are evaluated over the term up to this day (the term's end once it is over) */
  asOf: string;
  lessons: number;
  /** lessons due by asOf: 10 once the term is over, before that 10 × elapsed / total school days, rounded down */
  requiredSoFar: number;
  countOk: boolean;
  /** the longest run of school days without a lesson (up to asOf) */
  longestGap: number;
  /** first school day of each run of ≥ 10 school days without a lesson */
  gapsFrom: string[];
  windowOk: boolean;
  compliant: boolean;
}

/**
 * One class's lesson compliance in a term, evaluated up to `asOf`.
 *
 * The two-week rule is counted over teaching days, not calendar days: the term's school days
 * (weekdays and make-up workdays 调休, minus holidays, from the school calendar) are laid end to
 * end, and every run of 10 consecutive school days — two teaching weeks — must contain a lesson. A
 * holiday week such as 国庆 therefore neither counts against a class nor breaks a window; a make-up
 * Saturday counts as a school day. Without holidays, lessons 14 calendar days apart (Monday to
 * Monday) leave 9 school days between them and comply; 15 days apart (Monday to Tuesday) leave 10
 * and do not. A trailing run shorter than 10 at asOf is not yet late. Lessons on days that are not
 * school days still count towards the total and end a run.
 *
 * The count rule: at least 10 lessons in the term; while the term runs, at least
 * floor(10 × school days elapsed / school days of the term).
 */
export function lessonCompliance(
  lessonDates: readonly string[],
  term: Term,
  cal: Pick<SchoolCalendar, 'days'>,
  asOf: string,
  /** the term's school days (termSchoolDays), when checking many classes of one term */
  termDays: readonly string[] = termSchoolDays(term, cal),
): LessonCompliance {
  const end = asOf < term.end ? asOf : term.end;
  const inTerm = [...new Set(lessonDates.filter((d) => d >= term.start && d <= end))].sort();
  const allDays = termDays;
  let elapsedCount = allDays.length;
  while (elapsedCount > 0 && allDays[elapsedCount - 1]! > end) elapsedCount--;
  const elapsed = elapsedCount === allDays.length ? allDays : allDays.slice(0, elapsedCount);
  let schoolDay = daySets.get(allDays);
  if (!schoolDay) daySets.set(allDays, (schoolDay = new Set(allDays)));
  const requiredSoFar = end >= term.end ? LESSONS_PER_TERM : allDays.length ? Math.floor((LESSONS_PER_TERM * elapsed.length) / allDays.length) : 0;
  const lessonSet = new Set(inTerm);
  let run = 0;
  let runStart = '';
  let longestGap = 0;
  const gapsFrom: string[] = [];
  let li = 0;
  for (const d of elapsed) {
    // lessons on non-school days before this day also end the run
    while (li < inTerm.length && inTerm[li]! < d) {
      if (!schoolDay.has(inTerm[li]!)) run = 0;
      li++;
    }
    if (lessonSet.has(d)) {
      run = 0;
      continue;
    }
    if (run === 0) runStart = d;
    run += 1;
    if (run > longestGap) longestGap = run;
    if (run === LESSON_WINDOW_SCHOOL_DAYS) gapsFrom.push(runStart);
  }
  const countOk = inTerm.length >= requiredSoFar;
  const windowOk = gapsFrom.length === 0;
  return { term, asOf: end, lessons: inTerm.length, requiredSoFar, countOk, longestGap, gapsFrom, windowOk, compliant: countOk && windowOk };
}

const daySets = new WeakMap<readonly string[], Set<string>>();

/** The school days of a term, in order. */
export function termSchoolDays(term: Term, cal: Pick<SchoolCalendar, 'days'>): string[] {
  return schoolDaysBetween(term.start, term.end, termCalendar(term, cal));
}

/** Calendar months (YYYY-MM) of a term that contain a school day and have ended by asOf (or the term ended). */
export function dueMonths(term: Term, cal: Pick<SchoolCalendar, 'days'>, asOf: string): string[] {
  const tc = termCalendar(term, cal);
  const out: string[] = [];
  let y = Number(term.start.slice(0, 4));
  let m = Number(term.start.slice(5, 7));
  for (;;) {
    const ym = `${y}-${String(m).padStart(2, '0')}`;
    if (`${ym}-01` > term.end) break;
    const first = `${ym}-01`;
    const last = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
    const from = first < term.start ? term.start : first;
    const to = last > term.end ? term.end : last;
    const over = to <= asOf;
    if (over && schoolDaysBetween(from, to, tc).length) out.push(ym);
    m += 1;
    if (m === 13) {
      m = 1;
      y += 1;
    }
  }
  return out;
}

export interface ActivityCompliance {
  infusion: number;
  infusionOk: boolean;
  /** months due so far, and those without a teaching-research activity (the school's or its district's) */
  researchMonths: string[];
  researchMissing: string[];
  researchOk: boolean;
  themed: number;
}

/**
 * A school's activity compliance in a term up to asOf: ≥ 2 subject-infusion research activities
 * (学科渗透研究) by the term's end (while the term runs: 1 by its middle, 2 by its end), and a
 * teaching-research activity (心理教研活动) in every due month (dueMonths), the school's own or one
 * its district held for its schools.
 */
export function activityCompliance(
  acts: readonly { kind: ActivityKind; date: string }[],
  term: Term,
  cal: Pick<SchoolCalendar, 'days'>,
  asOf: string,
): ActivityCompliance {
  const end = asOf < term.end ? asOf : term.end;
  const inTerm = acts.filter((a) => a.date >= term.start && a.date <= end);
  const infusion = inTerm.filter((a) => a.kind === 'infusion').length;
  const half = Date.parse(term.start) + (Date.parse(term.end) - Date.parse(term.start)) / 2;
  const infusionDue = end >= term.end ? INFUSION_PER_TERM : Date.parse(end) >= half ? 1 : 0;
  const months = dueMonths(term, cal, end);
  const held = new Set(inTerm.filter((a) => a.kind === 'research').map((a) => a.date.slice(0, 7)));
  const researchMissing = months.filter((m) => !held.has(m));
  return {
    infusion,
    infusionOk: infusion >= infusionDue,
    researchMonths: months,
    researchMissing,
    researchOk: researchMissing.length === 0,
    themed: inTerm.filter((a) => a.kind === 'themed').length,
  };
}

/**
 * Bulk timetable entry: the dates from `from` to `to` that fall on one of `weekdays` (1 = Monday …
 * 7 = Sunday) and are school days. A make-up workday (调休) is included only when its own weekday is
 * chosen (a make-up Saturday with 6): schools differ in which timetable such a day follows.
 */
export function timetableDates(from: string, to: string, weekdays: readonly number[], cal: SchoolCalendar): string[] {
  return schoolDaysBetween(from, to, cal).filter((d) => weekdays.includes(isoWeekday(d)));
}

/** The topic for the i-th week of a bulk entry: one topic for all, or one per week (the last repeats). */
export function topicForWeek(topics: readonly string[], weekIndex: number): string {
  if (!topics.length) return '';
  return topics[Math.min(weekIndex, topics.length - 1)]!;
}
