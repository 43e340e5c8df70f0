/** Tables of the homeschool module (Drizzle): 家长学校 micro-courses and credits, 家长课堂 sessions and attendance. */
import { sql } from 'drizzle-orm';
import { boolean, date, index, integer, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

const at = (name: string) => timestamp(name, { withTimezone: true });

/**
 * A parent-school micro-course (家长学校微课), owned by the city, a district or a school: it reaches the
 * parents of the schools under its unit (`org_path`), optionally only of some grades. Text or a link
 * to a video hosted elsewhere; `year` is the plan year it is counted in.
 */
export const homeschoolCourses = pgTable(
  'homeschool_courses',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    ownerUnitId: integer('owner_unit_id').notNull(),
    /** the owning unit's path */
    orgPath: text('org_path').notNull(),
    title: text('title').notNull(),
    summary: text('summary').notNull().default(''),
    kind: text('kind', { enum: ['text', 'video'] }).notNull(),
    videoUrl: text('video_url'),
    body: text('body').notNull().default(''),
    minutes: smallint('minutes').notNull(),
    credits: smallint('credits').notNull(),
    /** grade levels (7 = 七年级); empty = all */
    targetGrades: smallint('target_grades').array().notNull().default(sql`'{}'::smallint[]`),
    year: smallint('year').notNull(),
    published: boolean('published').notNull().default(false),
    publishedAt: at('published_at'),
    clientId: uuid('client_id').notNull(),
    createdBy: uuid('created_by').notNull(),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('homeschool_courses_client_uq').on(t.clientId),
    index('homeschool_courses_path_idx').on(sql`${t.orgPath} text_pattern_ops`),
    index('homeschool_courses_region_year_idx').on(t.regionId, t.year),
  ],
);

/** A parent account marked a course as learned: once per course (a retry finds the row). Credits copied at the time. */
export const homeschoolCompletions = pgTable(
  'homeschool_completions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    courseId: uuid('course_id').notNull(),
    accountId: uuid('account_id').notNull(),
    /** China Standard Time date */
    completedOn: date('completed_on', { mode: 'string' }).notNull(),
    credits: smallint('credits').notNull(),
    createdAt: at('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('homeschool_completions_uq').on(t.courseId, t.accountId),
    index('homeschool_completions_account_idx').on(t.accountId, t.completedOn),
    // covers the metrics' scans (who learned in the period, and how many credits) without visiting the table
    index('homeschool_completions_period_idx').on(t.regionId, t.completedOn, t.accountId, t.credits),
  ],
);

/** The region's yearly credit standard (e.g. 10 学分 = 合格); without a row the default applies. */
export const homeschoolCreditStandards = pgTable(
  'homeschool_credit_standards',
  {
    regionId: integer('region_id').notNull(),
    year: smallint('year').notNull(),
    credits: smallint('credits').notNull(),
    updatedBy: uuid('updated_by').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.regionId, t.year] })],
);

/**
 * A parent session (家长课堂 / 心理健康家长会) held by a school for the whole school, a grade or a class
 * (`target_unit_id`, `org_path` = that unit's path). Parents check in with `code`.
 */
export const homeschoolSessions = pgTable(
  'homeschool_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    schoolId: integer('school_id').notNull(),
    target: text('target', { enum: ['school', 'grade', 'class'] }).notNull(),
    targetUnitId: integer('target_unit_id').notNull(),
    orgPath: text('org_path').notNull(),
    date: date('date', { mode: 'string' }).notNull(),
    topic: text('topic').notNull(),
    speaker: text('speaker').notNull().default(''),
    /** a mental-health session (心理健康家长会): counts for the ≥ 1 a year rule */
    mentalHealth: boolean('mental_health').notNull().default(true),
    code: text('code').notNull(),
    clientId: uuid('client_id').notNull(),
    createdBy: uuid('created_by').notNull(),
    createdByName: text('created_by_name').notNull(),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('homeschool_sessions_client_uq').on(t.clientId),
    uniqueIndex('homeschool_sessions_code_uq').on(t.regionId, t.code),
    index('homeschool_sessions_path_idx').on(sql`${t.orgPath} text_pattern_ops`),
    index('homeschool_sessions_school_idx').on(t.schoolId, t.date),
    index('homeschool_sessions_region_date_idx').on(t.regionId, t.date),
  ],
);

/** A student's family at a session: recorded on the class sheet by the head teacher, or by the parent's check-in. */
export const homeschoolAttendance = pgTable(
  'homeschool_attendance',
  {
    sessionId: uuid('session_id').notNull(),
    studentId: uuid('student_id').notNull(),
    attended: boolean('attended').notNull(),
    source: text('source', { enum: ['sheet', 'checkin'] }).notNull(),
    recordedBy: uuid('recorded_by').notNull(),
    recordedAt: at('recorded_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.studentId] }), index('homeschool_attendance_student_idx').on(t.studentId)],
);
