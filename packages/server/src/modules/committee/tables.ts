import { sql } from 'drizzle-orm';
import { bigint, check, date, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

const at = (name: string) => timestamp(name, { withTimezone: true });

/** A region's terms (学期): committee members report on the weekdays inside them. */
export const schoolTerms = pgTable(
  'school_terms',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    regionId: integer('region_id').notNull(),
    name: text('name').notNull(),
    startDate: date('start_date', { mode: 'string' }).notNull(),
    endDate: date('end_date', { mode: 'string' }).notNull(),
  },
  (t) => [index('school_terms_region_idx').on(t.regionId, t.startDate)],
);

/** Days that differ from Monday–Friday: holidays, and make-up workdays (调休). */
export const calendarDays = pgTable(
  'calendar_days',
  {
    regionId: integer('region_id').notNull(),
    date: date('date', { mode: 'string' }).notNull(),
    kind: text('kind', { enum: ['holiday', 'workday'] }).notNull(),
    label: text('label'),
  },
  (t) => [primaryKey({ columns: [t.regionId, t.date] })],
);

/**
 * One committee member's report about their class, or (a dormitory member, 宿舍心理委员) about their
 * dormitory, for one day (a later one that day replaces it). Exactly one of class and dormitory.
 */
export const committeeReports = pgTable(
  'committee_reports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    schoolId: integer('school_id').notNull(),
    classId: integer('class_id'),
    dormitoryId: integer('dormitory_id'),
    reporterStudentId: uuid('reporter_student_id').notNull(),
    reporterAccountId: uuid('reporter_account_id').notNull(),
    reporterName: text('reporter_name').notNull(),
    date: date('date', { mode: 'string' }).notNull(),
    status: text('status', { enum: ['all_well', 'concerns'] }).notNull(),
    clientId: uuid('client_id').notNull(),
    submittedAt: at('submitted_at').notNull(),
  },
  (t) => [
    uniqueIndex('committee_reports_member_day_uq').on(t.reporterStudentId, t.classId, t.date),
    uniqueIndex('committee_reports_member_dorm_day_uq').on(t.reporterStudentId, t.dormitoryId, t.date).where(sql`${t.dormitoryId} is not null`),
    uniqueIndex('committee_reports_client_uq').on(t.clientId),
    index('committee_reports_class_day_idx').on(t.classId, t.date),
    index('committee_reports_dorm_day_idx').on(t.dormitoryId, t.date).where(sql`${t.dormitoryId} is not null`),
    check('committee_reports_unit_ck', sql`(${t.classId} is null) <> (${t.dormitoryId} is null)`),
  ],
);

/** A classmate (or dorm-mate) named in a report; the unit is the report's. */
export const committeeConcerns = pgTable(
  'committee_concerns',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    reportId: uuid('report_id').notNull(),
    regionId: integer('region_id').notNull(),
    classId: integer('class_id'),
    dormitoryId: integer('dormitory_id'),
    studentId: uuid('student_id').notNull(),
    date: date('date', { mode: 'string' }).notNull(),
    category: text('category').notNull(),
    observation: text('observation').notNull().default(''),
  },
  (t) => [
    index('committee_concerns_student_idx').on(t.studentId, t.date),
    index('committee_concerns_report_idx').on(t.reportId),
    index('committee_concerns_dorm_day_idx').on(t.dormitoryId, t.date).where(sql`${t.dormitoryId} is not null`),
    check('committee_concerns_unit_ck', sql`(${t.classId} is null) <> (${t.dormitoryId} is null)`),
  ],
);

/** A committee member's training (每学期培训). */
export const committeeTrainings = pgTable(
  'committee_trainings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    studentId: uuid('student_id').notNull(),
    term: text('term').notNull(),
    date: date('date', { mode: 'string' }).notNull(),
    topic: text('topic').notNull(),
    hours: numeric('hours', { mode: 'number' }).notNull(),
    recordedByName: text('recorded_by_name'),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [index('committee_trainings_student_idx').on(t.studentId, t.date)],
);

/** A region's rule for turning committee mentions into signals (defaults in core's DEFAULT_COMMITTEE_RULE). */
export const committeeRules = pgTable('committee_rules', {
  regionId: integer('region_id').primaryKey(),
  rule: jsonb('rule').notNull(),
  updatedBy: text('updated_by'),
  updatedAt: at('updated_at').notNull().default(sql`now()`),
});
