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
