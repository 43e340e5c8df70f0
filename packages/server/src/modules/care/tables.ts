import { sql } from 'drizzle-orm';
import { bigint, date, index, integer, jsonb, pgTable, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

const at = (name: string) => timestamp(name, { withTimezone: true });

/**
 * The key-student register (重点学生): at most one record per student that is not closed; a
 * closed one stays as history and a new signal later starts a new record.
 */
export const keyStudents = pgTable(
  'key_students',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    schoolId: integer('school_id').notNull(),
    studentId: uuid('student_id').notNull(),
    categories: text('categories').array().notNull(),
    level: text('level', { enum: ['yellow', 'orange', 'red'] }).notNull(),
    sources: text('sources').array().notNull(),
    status: text('status', { enum: ['active', 'closure_proposed', 'closed'] }).notNull().default('active'),
    reason: text('reason').notNull(),
    alertId: uuid('alert_id'),
    addedByName: text('added_by_name'),
    addedAt: at('added_at').notNull(),
    closureSummary: text('closure_summary'),
    proposedBy: uuid('proposed_by'),
    proposedByName: text('proposed_by_name'),
    proposedAt: at('proposed_at'),
    approvedByName: text('approved_by_name'),
    closedAt: at('closed_at'),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('key_students_open_uq').on(t.studentId).where(sql`${t.status} <> 'closed'`),
    index('key_students_school_idx').on(t.schoolId, t.status),
  ],
);

/** Every change to a record, never rewritten. */
export const keyStudentEvents = pgTable(
  'key_student_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    keyStudentId: uuid('key_student_id').notNull(),
    kind: text('kind').notNull(),
    actorName: text('actor_name'),
    detail: jsonb('detail'),
    at: at('at').notNull(),
  },
  (t) => [index('key_student_events_idx').on(t.keyStudentId, t.at)],
);

/** Who cares for a key student (包保), with the history kept when a teacher changes. */
export const careAssignments = pgTable(
  'care_assignments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    keyStudentId: uuid('key_student_id').notNull(),
    studentId: uuid('student_id').notNull(),
    accountId: uuid('account_id').notNull(),
    accountName: text('account_name').notNull(),
    asLeader: smallint('as_leader').notNull().default(0),
    /** the care_teacher role assignment that gives the teacher this student (removed when care ends) */
    roleAssignmentId: uuid('role_assignment_id'),
    startDate: date('start_date', { mode: 'string' }).notNull(),
    endedAt: at('ended_at'),
    endReason: text('end_reason'),
    assignedByName: text('assigned_by_name'),
  },
  (t) => [uniqueIndex('care_assignments_current_uq').on(t.keyStudentId).where(sql`${t.endedAt} is null`), index('care_assignments_account_idx').on(t.accountId)],
);

/** The growth diary (成长日记, 一生一册): talks, home visits, calls, observations. */
export const diaryEntries = pgTable(
  'diary_entries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    keyStudentId: uuid('key_student_id').notNull(),
    studentId: uuid('student_id').notNull(),
    authorAccountId: uuid('author_account_id').notNull(),
    authorName: text('author_name').notNull(),
    kind: text('kind', { enum: ['daily_check', 'talk', 'home_visit', 'phone', 'observation'] }).notNull(),
    date: date('date', { mode: 'string' }).notNull(),
    /** 1 (very low) … 5 (good) */
    mood: smallint('mood'),
    /** difficulties in study, relationships, family, social adaptation; the student's wishes; the plan */
    fields: jsonb('fields').notNull(),
    note: text('note').notNull(),
    clientId: uuid('client_id').notNull(),
    createdAt: at('created_at').notNull(),
  },
  (t) => [uniqueIndex('diary_entries_client_uq').on(t.clientId), index('diary_entries_student_idx').on(t.studentId, t.date)],
);

/** A region's care policy (defaults in core's DEFAULT_CARE_POLICY). */
export const carePolicies = pgTable('care_policies', {
  regionId: integer('region_id').primaryKey(),
  policy: jsonb('policy').notNull(),
  updatedBy: text('updated_by'),
  updatedAt: at('updated_at').notNull().default(sql`now()`),
});

/** A school's weekly meeting on care work (每周例会): minutes, attendees, and the decisions taken. */
export const careMeetings = pgTable(
  'care_meetings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    schoolId: integer('school_id').notNull(),
    weekStart: date('week_start', { mode: 'string' }).notNull(),
    heldOn: date('held_on', { mode: 'string' }).notNull(),
    attendees: text('attendees').notNull(),
    minutes: text('minutes').notNull(),
    /** the agenda as generated when the meeting was recorded */
    agenda: jsonb('agenda').notNull(),
    createdByName: text('created_by_name'),
    clientId: uuid('client_id').notNull(),
    createdAt: at('created_at').notNull(),
  },
  (t) => [uniqueIndex('care_meetings_client_uq').on(t.clientId), index('care_meetings_school_idx').on(t.schoolId, t.weekStart)],
);

/** A decision of a meeting, turned into a task with an owner and a due date. */
export const meetingTasks = pgTable(
  'meeting_tasks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    meetingId: uuid('meeting_id').notNull(),
    schoolId: integer('school_id').notNull(),
    title: text('title').notNull(),
    studentId: uuid('student_id'),
    ownerAccountId: uuid('owner_account_id').notNull(),
    ownerName: text('owner_name').notNull(),
    dueDate: date('due_date', { mode: 'string' }).notNull(),
    doneAt: at('done_at'),
    doneNote: text('done_note'),
  },
  (t) => [index('meeting_tasks_owner_idx').on(t.ownerAccountId, t.doneAt), index('meeting_tasks_meeting_idx').on(t.meetingId)],
);

/**
 * Two-way choice (双向选择): a teacher of the school offers to care for a key student; a leader
 * approves (which is the assignment) or declines with a reason; the teacher may withdraw. One
 * pending offer per teacher and student, so a double click stores one.
 */
export const careVolunteers = pgTable(
  'care_volunteers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    schoolId: integer('school_id').notNull(),
    keyStudentId: uuid('key_student_id').notNull(),
    studentId: uuid('student_id').notNull(),
    accountId: uuid('account_id').notNull(),
    accountName: text('account_name').notNull(),
    note: text('note').notNull(),
    status: text('status', { enum: ['pending', 'approved', 'declined', 'withdrawn'] }).notNull().default('pending'),
    decidedByName: text('decided_by_name'),
    decidedAt: at('decided_at'),
    declineReason: text('decline_reason'),
    createdAt: at('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('care_volunteers_pending_uq').on(t.keyStudentId, t.accountId).where(sql`${t.status} = 'pending'`),
    index('care_volunteers_account_idx').on(t.accountId, t.createdAt),
    index('care_volunteers_school_idx').on(t.schoolId, t.status),
  ],
);

/** Parent volunteers (家长志愿者) of a school: guardians of its students, registered by the school or volunteering themselves. */
export const parentVolunteers = pgTable(
  'parent_volunteers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    schoolId: integer('school_id').notNull(),
    guardianId: uuid('guardian_id').notNull(),
    name: text('name').notNull(),
    note: text('note').notNull(),
    source: text('source', { enum: ['school', 'self'] }).notNull(),
    status: text('status', { enum: ['active', 'ended'] }).notNull().default('active'),
    createdByName: text('created_by_name'),
    createdAt: at('created_at').notNull(),
    endedAt: at('ended_at'),
    endReason: text('end_reason'),
  },
  (t) => [
    uniqueIndex('parent_volunteers_active_uq').on(t.schoolId, t.guardianId).where(sql`${t.status} = 'active'`),
    index('parent_volunteers_guardian_idx').on(t.guardianId),
  ],
);

/** One parent volunteer paired with one key student; both sides unique while the pairing lasts, ended pairings kept. */
export const parentPairings = pgTable(
  'parent_pairings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    schoolId: integer('school_id').notNull(),
    volunteerId: uuid('volunteer_id').notNull(),
    keyStudentId: uuid('key_student_id').notNull(),
    studentId: uuid('student_id').notNull(),
    /** whom the parent volunteer calls at the school */
    contactName: text('contact_name').notNull(),
    contactPhone: text('contact_phone'),
    startedByName: text('started_by_name'),
    startedAt: at('started_at').notNull(),
    endedAt: at('ended_at'),
    endReason: text('end_reason'),
    endedByName: text('ended_by_name'),
  },
  (t) => [
    uniqueIndex('parent_pairings_volunteer_uq').on(t.volunteerId).where(sql`${t.endedAt} is null`),
    uniqueIndex('parent_pairings_student_uq').on(t.keyStudentId).where(sql`${t.endedAt} is null`),
    index('parent_pairings_school_idx').on(t.schoolId),
  ],
);

/**
 * A diary entry a school leader nominates as an excellent diary (优秀成长日记) of its quarter. The
 * bureau reviews a de-identified copy taken at nomination (the student's name and class masked in
 * the text); the student's id never leaves the server.
 */
export const diaryNominations = pgTable(
  'diary_nominations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    schoolId: integer('school_id').notNull(),
    schoolPath: text('school_path').notNull(),
    diaryEntryId: uuid('diary_entry_id').notNull(),
    /** e.g. 2026Q4 (calendar quarter, China time) */
    quarter: text('quarter').notNull(),
    authorAccountId: uuid('author_account_id').notNull(),
    authorName: text('author_name').notNull(),
    kind: text('kind').notNull(),
    entryDate: date('entry_date', { mode: 'string' }).notNull(),
    fields: jsonb('fields').notNull(),
    note: text('note').notNull(),
    recommendation: text('recommendation').notNull(),
    nominatedByName: text('nominated_by_name'),
    nominatedAt: at('nominated_at').notNull(),
    status: text('status', { enum: ['nominated', 'selected', 'not_selected'] }).notNull().default('nominated'),
    reviewedByName: text('reviewed_by_name'),
    reviewedAt: at('reviewed_at'),
    reviewNote: text('review_note'),
  },
  (t) => [uniqueIndex('diary_nominations_entry_uq').on(t.diaryEntryId), index('diary_nominations_quarter_idx').on(t.regionId, t.quarter, t.status)],
);

/** The annual 爱心教师 list: a school nominates a care teacher with a summary, the bureau approves. */
export const careHonours = pgTable(
  'care_honours',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    schoolId: integer('school_id').notNull(),
    schoolPath: text('school_path').notNull(),
    year: smallint('year').notNull(),
    accountId: uuid('account_id').notNull(),
    teacherName: text('teacher_name').notNull(),
    summary: text('summary').notNull(),
    /** students cared for, diary entries and closures in the year, frozen when the bureau decides */
    figures: jsonb('figures'),
    nominatedByName: text('nominated_by_name'),
    nominatedAt: at('nominated_at').notNull(),
    status: text('status', { enum: ['nominated', 'approved', 'declined'] }).notNull().default('nominated'),
    reviewedByName: text('reviewed_by_name'),
    reviewedAt: at('reviewed_at'),
    reviewNote: text('review_note'),
  },
  (t) => [uniqueIndex('care_honours_year_account_uq').on(t.year, t.accountId).where(sql`${t.status} <> 'declined'`), index('care_honours_region_year_idx').on(t.regionId, t.year, t.status)],
);
