/** Tables of the education module (Drizzle): 心理健康课, 学科渗透/教研/主题活动, 学生心理社团. */
import { sql } from 'drizzle-orm';
import { boolean, date, index, integer, pgTable, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

const at = (name: string) => timestamp(name, { withTimezone: true });

/**
 * One mental-health lesson (心理健康课) given to one class on one day. At most one per class and day
 * (the unique index makes bulk entry and imports idempotent: saving twice creates nothing new).
 */
export const educationLessons = pgTable(
  'education_lessons',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    schoolId: integer('school_id').notNull(),
    classId: integer('class_id').notNull(),
    /** the class's path (scope checks: a head teacher's scope is the class) */
    orgPath: text('org_path').notNull(),
    date: date('date', { mode: 'string' }).notNull(),
    topic: text('topic').notNull(),
    /** the teacher: a staff member of the school when known, and the name as recorded */
    teacherStaffId: uuid('teacher_staff_id'),
    teacherName: text('teacher_name').notNull(),
    minutes: smallint('minutes').notNull().default(40),
    note: text('note').notNull().default(''),
    source: text('source', { enum: ['manual', 'bulk', 'import'] }).notNull().default('manual'),
    clientId: uuid('client_id'),
    createdBy: uuid('created_by'),
    createdByName: text('created_by_name').notNull().default(''),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('education_lessons_class_date_uq').on(t.classId, t.date),
    uniqueIndex('education_lessons_client_uq').on(t.clientId),
    index('education_lessons_region_date_idx').on(t.regionId, t.date, t.schoolId, t.classId),
    index('education_lessons_school_date_idx').on(t.schoolId, t.date),
    index('education_lessons_path_idx').on(sql`${t.orgPath} text_pattern_ops`),
  ],
);

/**
 * An activity: subject-infusion research (学科渗透研究), a monthly teaching-research activity
 * (心理教研活动, a school's or a district's for its schools) or a themed event (主题活动).
 */
export const educationActivities = pgTable(
  'education_activities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    /** a school, or a district (teaching research held for the district's schools) */
    unitId: integer('unit_id').notNull(),
    orgPath: text('org_path').notNull(),
    kind: text('kind', { enum: ['infusion', 'research', 'themed'] }).notNull(),
    theme: text('theme', { enum: ['mh_day', 'wmh_day', 'term_start', 'exam_relief', 'graduating', 'other'] }),
    title: text('title').notNull(),
    date: date('date', { mode: 'string' }).notNull(),
    participants: integer('participants').notNull().default(0),
    summary: text('summary').notNull().default(''),
    evidenceUrl: text('evidence_url'),
    clientId: uuid('client_id').notNull(),
    createdBy: uuid('created_by'),
    createdByName: text('created_by_name').notNull().default(''),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('education_activities_client_uq').on(t.clientId),
    index('education_activities_region_date_idx').on(t.regionId, t.date, t.kind),
    index('education_activities_unit_idx').on(t.unitId, t.date),
    index('education_activities_path_idx').on(sql`${t.orgPath} text_pattern_ops`),
  ],
);

/** A student psych club (学生心理社团) of a school. */
export const educationClubs = pgTable(
  'education_clubs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    schoolId: integer('school_id').notNull(),
    orgPath: text('org_path').notNull(),
    name: text('name').notNull(),
    advisorStaffId: uuid('advisor_staff_id'),
    advisorName: text('advisor_name').notNull(),
    members: integer('members').notNull().default(0),
    foundedOn: date('founded_on', { mode: 'string' }),
    active: boolean('active').notNull().default(true),
    clientId: uuid('client_id').notNull(),
    createdBy: uuid('created_by'),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('education_clubs_client_uq').on(t.clientId),
    index('education_clubs_region_school_idx').on(t.regionId, t.schoolId),
    index('education_clubs_path_idx').on(sql`${t.orgPath} text_pattern_ops`),
  ],
);
