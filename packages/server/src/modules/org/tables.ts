import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

/** City → district → school → grade → class. `path` is /id/id/…/ so scope checks are a prefix match. */
export const orgUnits = pgTable(
  'org_units',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    regionId: integer('region_id').notNull(),
    kind: text('kind', { enum: ['city', 'district', 'school', 'grade', 'class'] }).notNull(),
    parentId: integer('parent_id'),
    path: text('path').notNull(),
    name: text('name').notNull(),
    code: text('code'),
    schoolKind: text('school_kind', {
      enum: ['primary', 'junior', 'senior', 'nine_year', 'complete_secondary', 'vocational'],
    }),
    boarding: boolean('boarding').notNull().default(false),
    gradeLevel: smallint('grade_level'),
    classNo: smallint('class_no'),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [
    index('org_units_path_idx').on(sql`${t.path} text_pattern_ops`),
    index('org_units_parent_idx').on(t.parentId),
    uniqueIndex('org_units_region_code_uq').on(t.regionId, t.code),
  ],
);

export const dormitories = pgTable(
  'dormitories',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    regionId: integer('region_id').notNull(),
    schoolId: integer('school_id').notNull().references(() => orgUnits.id),
    name: text('name').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('dormitories_school_name_uq').on(t.schoolId, t.name)],
);

export const students = pgTable(
  'students',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    studentNo: text('student_no').notNull(),
    name: text('name').notNull(),
    gender: text('gender', { enum: ['male', 'female'] }).notNull(),
    birthDate: date('birth_date', { mode: 'string' }).notNull(),
    schoolId: integer('school_id').notNull().references(() => orgUnits.id),
    classId: integer('class_id').references(() => orgUnits.id),
    /** path of the class (or school): the scope key of every query about this student */
    orgPath: text('org_path').notNull(),
    enrolmentYear: smallint('enrolment_year').notNull(),
    boarding: boolean('boarding').notNull().default(false),
    dormitoryId: integer('dormitory_id').references(() => dormitories.id),
    status: text('status', { enum: ['active', 'graduated', 'transferred_out', 'suspended'] })
      .notNull()
      .default('active'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('students_region_no_uq').on(t.regionId, t.studentNo),
    index('students_org_path_idx').on(sql`${t.orgPath} text_pattern_ops`),
    index('students_class_idx').on(t.classId),
    // the active students of each school, counted without reading the table (index-only scan)
    index('students_active_school_idx').on(t.regionId, t.schoolId).where(sql`${t.status} = 'active'`),
    // no index on name: search is by substring (like '%…%'), which a b-tree cannot serve
  ],
);

/**
 * Every enrolment, class change, transfer and graduation, never rewritten. Like student_guardians
 * it has no foreign-key constraint: a 100,000-row import spends most of its time on per-row
 * referential checks otherwise. Only the services write these rows, in the transaction that
 * writes their student, and students are never deleted.
 */
export const studentHistory = pgTable(
  'student_history',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    regionId: integer('region_id').notNull(),
    studentId: uuid('student_id').notNull(),
    kind: text('kind', { enum: ['enrol', 'class_change', 'transfer', 'graduate', 'status'] }).notNull(),
    fromUnitId: integer('from_unit_id'),
    toUnitId: integer('to_unit_id'),
    reason: text('reason'),
    actorId: uuid('actor_id'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    createdAt: createdAt(),
  },
  (t) => [index('student_history_student_idx').on(t.studentId, t.at)],
);

export const guardians = pgTable(
  'guardians',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    name: text('name').notNull(),
    phone: text('phone'),
    accountId: uuid('account_id'),
    createdAt: createdAt(),
  },
  (t) => [index('guardians_phone_idx').on(t.regionId, t.phone)],
);

export const studentGuardians = pgTable(
  'student_guardians',
  {
    studentId: uuid('student_id').notNull(),
    guardianId: uuid('guardian_id').notNull(),
    regionId: integer('region_id').notNull(),
    relation: text('relation').notNull(),
    isPrimary: boolean('is_primary').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.studentId, t.guardianId] }), index('student_guardians_guardian_idx').on(t.guardianId)],
);

/** The configurable list of special-group categories, per region (defaults seeded by migration code). */
export const circumstanceCategories = pgTable(
  'circumstance_categories',
  {
    regionId: integer('region_id').notNull(),
    code: text('code').notNull(),
    label: text('label').notNull(),
    builtIn: boolean('built_in').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.regionId, t.code] })],
);

/** Family circumstances: sensitive, read only with student.sensitive.read. */
export const studentCircumstances = pgTable(
  'student_circumstances',
  {
    studentId: uuid('student_id').notNull().references(() => students.id),
    regionId: integer('region_id').notNull(),
    code: text('code').notNull(),
    note: text('note'),
    recordedBy: uuid('recorded_by'),
    since: timestamp('since', { withTimezone: true }).notNull().defaultNow(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.studentId, t.code] }), index('student_circumstances_code_idx').on(t.regionId, t.code)],
);

export const staff = pgTable(
  'staff',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    schoolId: integer('school_id').notNull().references(() => orgUnits.id),
    orgPath: text('org_path').notNull(),
    staffNo: text('staff_no'),
    name: text('name').notNull(),
    gender: text('gender', { enum: ['male', 'female'] }),
    phone: text('phone').notNull(),
    subject: text('subject'),
    accountId: uuid('account_id'),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('staff_region_phone_uq').on(t.regionId, t.phone),
    index('staff_org_path_idx').on(sql`${t.orgPath} text_pattern_ops`),
  ],
);

export const staffPosts = pgTable(
  'staff_posts',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    staffId: uuid('staff_id').notNull().references(() => staff.id),
    regionId: integer('region_id').notNull(),
    post: text('post', {
      enum: ['leader', 'moral_education', 'counselor_full', 'counselor_part', 'head_teacher', 'subject_teacher'],
    }).notNull(),
    classId: integer('class_id').references(() => orgUnits.id),
    createdAt: createdAt(),
  },
  (t) => [index('staff_posts_staff_idx').on(t.staffId), index('staff_posts_class_idx').on(t.classId)],
);

export const importJobs = pgTable(
  'import_jobs',
  {
    id: uuid('id').primaryKey(),
    regionId: integer('region_id').notNull(),
    kind: text('kind', { enum: ['students', 'staff'] }).notNull(),
    schoolId: integer('school_id').notNull().references(() => orgUnits.id),
    actorId: uuid('actor_id'),
    fileName: text('file_name').notNull(),
    status: text('status', { enum: ['queued', 'validating', 'writing', 'done', 'rejected', 'failed'] }).notNull(),
    phase: text('phase').notNull().default(''),
    totalRows: integer('total_rows').notNull().default(0),
    processedRows: integer('processed_rows').notNull().default(0),
    created: integer('created').notNull().default(0),
    updated: integer('updated').notNull().default(0),
    unchanged: integer('unchanged').notNull().default(0),
    errorCount: integer('error_count').notNull().default(0),
    errors: jsonb('errors').notNull().default([]),
    message: text('message'),
    createdAt: createdAt(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    /**
     * The one-time passwords of the staff accounts the import created, for the importer only:
     * one sealed JSON string (bound to the job, import.ts credentialsAad), cleared once
     * `credentials_until` (an hour after the import) has passed.
     */
    credentials: text('credentials'),
    credentialsUntil: timestamp('credentials_until', { withTimezone: true }),
  },
  (t) => [index('import_jobs_school_idx').on(t.schoolId, t.createdAt)],
);
