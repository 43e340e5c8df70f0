/**
 * Pure rules of the home–school area (家校社协同).
 *
 * - Parent-school credits (家长学校学分): each micro-course the parent marks as learned earns its
 *   credits once; the year's credits are compared with the region's yearly standard (e.g. 10 学分 =
 *   合格). Only completions inside the year count; the same course twice counts once.
 * - Who sees a course: a course belongs to a unit (the city, a district or a school) and reaches the
 *   schools under it; optional target grades narrow it to parents of children in those grades.
 * - Parent sessions (家长课堂 / 心理健康家长会): every student's family is to be reached by at least one
 *   mental-health parent session a year (临沧：每学年至少一次).
 */
import { addDaysIso } from '../counseling/rooms.js';

/** The credit standard when the region has not set one: 10 credits a year. */
export const DEFAULT_CREDIT_STANDARD = 10;
/** Every family is to attend at least this many mental-health parent sessions a year. */
export const SESSIONS_PER_YEAR = 1;

export interface CourseCompletion {
  courseId: string;
  credits: number;
  /** China Standard Time date, YYYY-MM-DD */
  completedOn: string;
}

export interface CreditStatus {
  year: number;
  /** credits earned in the year, each course counted once */
  earned: number;
  standard: number;
  met: boolean;
  /** credits still to earn (0 once met) */
  remaining: number;
  /** distinct courses completed in the year */
  courses: number;
}

/** The year's credits against the standard. A standard of 0 or less counts as met. */
export function creditStatus(completions: readonly CourseCompletion[], standard: number, year: number): CreditStatus {
  const byCourse = new Map<string, number>();
  for (const c of completions) {
    if (Number(c.completedOn.slice(0, 4)) !== year) continue;
    if (!byCourse.has(c.courseId)) byCourse.set(c.courseId, Math.max(0, c.credits));
  }
  const earned = [...byCourse.values()].reduce((a, b) => a + b, 0);
  const std = Math.max(0, standard);
  return { year, earned, standard: std, met: earned >= std, remaining: Math.max(0, std - earned), courses: byCourse.size };
}

export interface CourseReach {
  /** path of the owning unit (city, district or school) */
  orgPath: string;
  /** grade levels (7 = 七年级 …); empty = every grade */
  targetGrades: readonly number[];
  published: boolean;
}

/** Does a published course reach a parent whose child is at this school and grade? */
export function courseReaches(course: CourseReach, child: { schoolPath: string; gradeLevel: number | null }): boolean {
  if (!course.published) return false;
  if (!child.schoolPath.startsWith(course.orgPath)) return false;
  if (!course.targetGrades.length) return true;
  return child.gradeLevel != null && course.targetGrades.includes(child.gradeLevel);
}

export interface ReachSummary {
  students: number;
  reached: number;
  notReached: number;
  /** percent, one decimal; null with no students */
  rate: number | null;
  /** every student's family reached */
  meetsRule: boolean;
}

/** A class's or school's families against the ≥ 1 session a year rule, from sessions attended per student. */
export function sessionReach(attendedPerStudent: readonly number[]): ReachSummary {
  const students = attendedPerStudent.length;
  const reached = attendedPerStudent.filter((n) => n >= SESSIONS_PER_YEAR).length;
  return {
    students,
    reached,
    notReached: students - reached,
    rate: students ? Math.round((reached / students) * 1000) / 10 : null,
    meetsRule: students > 0 && reached === students,
  };
}

const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** A session's check-in code: 6 characters without look-alikes (no 0/O, 1/I/L). `rand` returns [0, 1). */
export function makeCheckInCode(rand: () => number): string {
  let out = '';
  for (let i = 0; i < 6; i++) out += CODE_ALPHABET[Math.floor(rand() * CODE_ALPHABET.length)];
  return out;
}

/** What a parent typed, as the code is stored: upper case, spaces and dashes removed, O→0 never needed. */
export function normalizeCheckInCode(input: string): string {
  return input.replace(/[\s-]/g, '').toUpperCase();
}

/**
 * A parent checks in with the session's code from the session's day to this many days after (a
 * late scan still counts; a code passed on weeks later must not make a family "reached").
 */
export const CHECK_IN_DAYS_AFTER = 7;

/** Whether a check-in today (CST date) is for a session not yet begun, open, or closed. */
export function checkInWindow(sessionDate: string, today: string): 'early' | 'open' | 'closed' {
  if (today < sessionDate) return 'early';
  return today <= addDaysIso(sessionDate, CHECK_IN_DAYS_AFTER) ? 'open' : 'closed';
}
