import { sql } from 'drizzle-orm';
import { bigint, boolean, date, index, integer, jsonb, pgTable, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

const at = (name: string) => timestamp(name, { withTimezone: true });

/** A school's counseling room (心理辅导室), rated by the bureau: none yet, qualified (达标) or model (示范). */
export const counselingRooms = pgTable(
  'counseling_rooms',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    schoolId: integer('school_id').notNull(),
    /** the school's path */
    orgPath: text('org_path').notNull(),
    name: text('name').notNull(),
    location: text('location').notNull().default(''),
    rating: text('rating', { enum: ['none', 'qualified', 'model'] }).notNull().default('none'),
    ratedAt: date('rated_at', { mode: 'string' }),
    active: boolean('active').notNull().default(true),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [index('counseling_rooms_path_idx').on(sql`${t.orgPath} text_pattern_ops`)],
);

/** The room's weekly opening schedule: one row per opening period (weekday 1 = Monday … 7 = Sunday). */
export const roomHours = pgTable(
  'room_hours',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    roomId: uuid('room_id').notNull(),
    weekday: smallint('weekday').notNull(),
    /** 'HH:MM', local time */
    startTime: text('start_time').notNull(),
    endTime: text('end_time').notNull(),
  },
  (t) => [index('room_hours_room_idx').on(t.roomId)],
);

/** Hours the room was actually open, as logged by its staff (compliance is also checked against these). */
export const roomHourLogs = pgTable(
  'room_hour_logs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    roomId: uuid('room_id').notNull(),
    date: date('date', { mode: 'string' }).notNull(),
    startTime: text('start_time').notNull(),
    endTime: text('end_time').notNull(),
    loggedBy: uuid('logged_by').notNull(),
    loggedByName: text('logged_by_name').notNull(),
    note: text('note').notNull().default(''),
    clientId: uuid('client_id').notNull(),
    createdAt: at('created_at').notNull(),
  },
  (t) => [uniqueIndex('room_hour_logs_client_uq').on(t.clientId), index('room_hour_logs_room_idx').on(t.roomId, t.date)],
);

/** A counselor's bookable time (预约时段). Capacity is one student per slot. */
export const counselorSlots = pgTable(
  'counselor_slots',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    schoolId: integer('school_id').notNull(),
    orgPath: text('org_path').notNull(),
    counselorAccountId: uuid('counselor_account_id').notNull(),
    counselorName: text('counselor_name').notNull(),
    roomId: uuid('room_id'),
    startsAt: at('starts_at').notNull(),
    endsAt: at('ends_at').notNull(),
    cancelledAt: at('cancelled_at'),
    createdAt: at('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('counselor_slots_uq').on(t.counselorAccountId, t.startsAt),
    index('counselor_slots_school_idx').on(t.schoolId, t.startsAt),
  ],
);

/**
 * The appointment register (预约登记表): booked by a student, a parent or a teacher on a student's
 * behalf, or a walk-in recorded by the counselor. A slot holds at most one live appointment.
 */
export const appointments = pgTable(
  'appointments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    schoolId: integer('school_id').notNull(),
    /** the student's path (their class) when booked */
    orgPath: text('org_path').notNull(),
    studentId: uuid('student_id').notNull(),
    slotId: uuid('slot_id'),
    counselorAccountId: uuid('counselor_account_id').notNull(),
    counselorName: text('counselor_name').notNull(),
    roomId: uuid('room_id'),
    startsAt: at('starts_at').notNull(),
    endsAt: at('ends_at').notNull(),
    channel: text('channel', { enum: ['booked', 'walk_in'] }).notNull(),
    bookedByRole: text('booked_by_role', { enum: ['student', 'parent', 'teacher', 'counselor'] }).notNull(),
    bookedBy: uuid('booked_by').notNull(),
    bookedByName: text('booked_by_name').notNull(),
    /** what the student wants to talk about, in their own words (seen by the student and the counselor) */
    topic: text('topic').notNull().default(''),
    status: text('status', { enum: ['requested', 'confirmed', 'cancelled', 'completed', 'no_show'] }).notNull(),
    cancelReason: text('cancel_reason'),
    remindedAt: at('reminded_at'),
    clientId: uuid('client_id').notNull(),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('appointments_client_uq').on(t.clientId),
    uniqueIndex('appointments_slot_live_uq').on(t.slotId).where(sql`${t.slotId} is not null and ${t.status} in ('requested', 'confirmed')`),
    index('appointments_school_idx').on(t.schoolId, t.startsAt),
    index('appointments_student_idx').on(t.studentId, t.startsAt),
    index('appointments_counselor_idx').on(t.counselorAccountId, t.startsAt),
  ],
);

/** Every change to an appointment (confirmed, moved, cancelled, reminded, no-show), never rewritten. */
export const appointmentEvents = pgTable(
  'appointment_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    appointmentId: uuid('appointment_id').notNull(),
    kind: text('kind').notNull(),
    actorName: text('actor_name'),
    detail: jsonb('detail'),
    at: at('at').notNull(),
  },
  (t) => [index('appointment_events_idx').on(t.appointmentId, t.at)],
);

/**
 * A counseling session record (咨询记录表). The structured notes (presenting concern, assessment,
 * intervention, risk level, next step) are sealed with AES-256-GCM (lib/sealed.ts) under a key kept
 * outside the database, bound to the row id; only the author and the school's designated supervisor
 * may open them.
 */
export const counselingSessions = pgTable(
  'counseling_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    schoolId: integer('school_id').notNull(),
    orgPath: text('org_path').notNull(),
    studentId: uuid('student_id').notNull(),
    appointmentId: uuid('appointment_id'),
    counselorAccountId: uuid('counselor_account_id').notNull(),
    counselorName: text('counselor_name').notNull(),
    kind: text('kind', { enum: ['individual', 'group', 'guardian', 'phone', 'online'] }).notNull(),
    sessionDate: date('session_date', { mode: 'string' }).notNull(),
    durationMinutes: smallint('duration_minutes').notNull(),
    notesSealed: text('notes_sealed').notNull(),
    /** links made from the session's risk assessment, in one step */
    alertId: uuid('alert_id'),
    crisisCaseId: uuid('crisis_case_id'),
    clientId: uuid('client_id').notNull(),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('counseling_sessions_client_uq').on(t.clientId),
    index('counseling_sessions_student_idx').on(t.studentId, t.sessionDate),
    index('counseling_sessions_school_idx').on(t.schoolId, t.sessionDate),
  ],
);

/**
 * Earlier versions of a session's notes: an amendment never overwrites what was written (clinical
 * records keep their history). Sealed as they were, bound to the session's id.
 */
export const counselingSessionVersions = pgTable(
  'counseling_session_versions',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    sessionId: uuid('session_id').notNull(),
    notesSealed: text('notes_sealed').notNull(),
    /** when these notes were replaced, and by whom */
    replacedAt: at('replaced_at').notNull(),
    replacedByName: text('replaced_by_name').notNull(),
  },
  (t) => [index('counseling_session_versions_idx').on(t.sessionId, t.replacedAt)],
);

/** The school's designated supervisor(s) of session records (督导), who may read every record of the school. */
export const counselingSupervisors = pgTable(
  'counseling_supervisors',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    schoolId: integer('school_id').notNull(),
    accountId: uuid('account_id').notNull(),
    accountName: text('account_name').notNull(),
    designatedByName: text('designated_by_name').notNull(),
    createdAt: at('created_at').notNull(),
  },
  (t) => [uniqueIndex('counseling_supervisors_uq').on(t.schoolId, t.accountId)],
);

/**
 * A mailbox thread (心灵信箱). A named thread carries the student; an anonymous one carries only the
 * school and the hash of the code its writer was given to read the replies.
 */
export const mailboxThreads = pgTable(
  'mailbox_threads',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    schoolId: integer('school_id').notNull(),
    /** the student's path, or the school's for an anonymous thread */
    orgPath: text('org_path').notNull(),
    studentId: uuid('student_id'),
    anonymous: boolean('anonymous').notNull(),
    codeHash: text('code_hash'),
    subject: text('subject').notNull(),
    status: text('status', { enum: ['open', 'answered', 'closed'] }).notNull().default('open'),
    /** the keyword rules matched: a triage aid, never a judgement */
    priority: boolean('priority').notNull().default(false),
    flaggedTerms: text('flagged_terms').array().notNull().default(sql`'{}'::text[]`),
    clientId: uuid('client_id').notNull(),
    createdAt: at('created_at').notNull(),
    lastMessageAt: at('last_message_at').notNull(),
  },
  (t) => [
    uniqueIndex('mailbox_threads_client_uq').on(t.clientId),
    uniqueIndex('mailbox_threads_code_uq').on(t.codeHash),
    index('mailbox_threads_school_idx').on(t.schoolId, t.lastMessageAt),
    index('mailbox_threads_student_idx').on(t.studentId),
  ],
);

export const mailboxMessages = pgTable(
  'mailbox_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    threadId: uuid('thread_id').notNull(),
    authorKind: text('author_kind', { enum: ['student', 'counselor'] }).notNull(),
    authorAccountId: uuid('author_account_id'),
    /** a counselor's name; null for the student */
    authorName: text('author_name'),
    body: text('body').notNull(),
    clientId: uuid('client_id').notNull(),
    createdAt: at('created_at').notNull(),
  },
  (t) => [uniqueIndex('mailbox_messages_client_uq').on(t.clientId), index('mailbox_messages_thread_idx').on(t.threadId, t.createdAt)],
);

/** A region's keyword rules for flagging mailbox messages (e.g. self-harm words). */
export const mailboxRules = pgTable('mailbox_rules', {
  regionId: integer('region_id').primaryKey(),
  keywords: text('keywords').array().notNull(),
  updatedBy: text('updated_by'),
  updatedAt: at('updated_at').notNull(),
});

/** Hotline calls, logged by the counselor who took them; the summary is sealed like session notes. */
export const hotlineCalls = pgTable(
  'hotline_calls',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    schoolId: integer('school_id').notNull(),
    orgPath: text('org_path').notNull(),
    counselorAccountId: uuid('counselor_account_id').notNull(),
    counselorName: text('counselor_name').notNull(),
    callerKind: text('caller_kind', { enum: ['student', 'parent', 'teacher', 'other'] }).notNull(),
    studentId: uuid('student_id'),
    startedAt: at('started_at').notNull(),
    durationMinutes: smallint('duration_minutes').notNull(),
    risk: text('risk', { enum: ['none', 'low', 'medium', 'high'] }).notNull(),
    summarySealed: text('summary_sealed').notNull(),
    clientId: uuid('client_id').notNull(),
    createdAt: at('created_at').notNull(),
  },
  (t) => [uniqueIndex('hotline_calls_client_uq').on(t.clientId), index('hotline_calls_school_idx').on(t.schoolId, t.startedAt)],
);
