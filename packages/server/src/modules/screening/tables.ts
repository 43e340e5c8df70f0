import { sql } from 'drizzle-orm';
import { bigint, boolean, date, index, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * Questionnaires a region imported (its licensed scales). Built-ins live in code
 * (`BUILTIN_INSTRUMENTS` in @xinyu/core) and are never copied here. A version, once imported,
 * is never changed: campaigns refer to (key, version).
 */
export const instruments = pgTable(
  'instruments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    key: text('key').notNull(),
    version: text('version').notNull(),
    titleZh: text('title_zh').notNull(),
    definition: jsonb('definition').notNull(),
    source: text('source', { enum: ['xinyu', 'fhir'] }).notNull(),
    active: boolean('active').notNull().default(true),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('instruments_region_key_version_uq').on(t.regionId, t.key, t.version), index('instruments_region_idx').on(t.regionId, sql`${t.key}`)],
);

const at = (name: string) => timestamp(name, { withTimezone: true });

/**
 * A screening campaign (测评活动), owned by a city, district or school unit. The plan says which
 * instruments each grade answers; `version` counts edits after publication (kept in
 * campaign_versions).
 */
export const campaigns = pgTable(
  'campaigns',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    ownerUnitId: integer('owner_unit_id').notNull(),
    ownerPath: text('owner_path').notNull(),
    title: text('title').notNull(),
    purpose: text('purpose').notNull(),
    status: text('status', { enum: ['draft', 'published', 'closed'] }).notNull().default('draft'),
    version: integer('version').notNull().default(1),
    plan: jsonb('plan').notNull(),
    targetUnitIds: integer('target_unit_ids').array().notNull(),
    /** the targets' org paths: who may see and release it is a prefix match on these */
    targetPaths: text('target_paths').array().notNull(),
    windowStart: date('window_start', { mode: 'string' }).notNull(),
    windowEnd: date('window_end', { mode: 'string' }).notNull(),
    reminderDays: integer('reminder_days').array().notNull(),
    consentForAll: boolean('consent_for_all').notNull().default(false),
    createdBy: uuid('created_by'),
    createdAt: at('created_at').notNull().defaultNow(),
    publishedAt: at('published_at'),
    closedAt: at('closed_at'),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [index('campaigns_region_idx').on(t.regionId, t.status)],
);

/** Each edit after publication: the campaign as it was before, who changed it and why. */
export const campaignVersions = pgTable(
  'campaign_versions',
  {
    campaignId: uuid('campaign_id').notNull().references(() => campaigns.id),
    version: integer('version').notNull(),
    snapshot: jsonb('snapshot').notNull(),
    changed: text('changed').array().notNull(),
    reason: text('reason'),
    editedBy: uuid('edited_by'),
    editedByName: text('edited_by_name'),
    editedAt: at('edited_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.version] })],
);

/** A school's release of a campaign to one class, with the class code for shared computer-room PCs. */
export const campaignReleases = pgTable(
  'campaign_releases',
  {
    campaignId: uuid('campaign_id').notNull().references(() => campaigns.id),
    classId: integer('class_id').notNull(),
    schoolId: integer('school_id').notNull(),
    classCode: text('class_code').notNull(),
    releasedBy: uuid('released_by'),
    releasedByName: text('released_by_name'),
    releasedAt: at('released_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.classId] }), uniqueIndex('campaign_releases_code_uq').on(t.classCode)],
);

/** A guardian's consent for one student and campaign, given in the parent's account or from a paper form. */
export const screeningConsents = pgTable(
  'screening_consents',
  {
    campaignId: uuid('campaign_id').notNull(),
    studentId: uuid('student_id').notNull(),
    regionId: integer('region_id').notNull(),
    decision: text('decision', { enum: ['granted', 'refused'] }).notNull(),
    method: text('method', { enum: ['parent_account', 'paper_form'] }).notNull(),
    guardianName: text('guardian_name'),
    formDate: date('form_date', { mode: 'string' }),
    /** sealed (sealing.ts) */
    note: text('note'),
    recordedBy: uuid('recorded_by'),
    recordedByName: text('recorded_by_name'),
    recordedAt: at('recorded_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.studentId] })],
);

/**
 * One student's answers to one instrument of a campaign: a draft while `in_progress` (autosaved),
 * then `submitted` with its score. `client_id` makes a submit idempotent. When a counselor sends an
 * invalid response back for a re-test it becomes `superseded` and the next one has `attempt` + 1. Like student_history, no foreign keys:
 * this is the hot path of a screening (see docs/architecture.md).
 */
export const screeningResponses = pgTable(
  'screening_responses',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    campaignId: uuid('campaign_id').notNull(),
    studentId: uuid('student_id').notNull(),
    instrumentKey: text('instrument_key').notNull(),
    instrumentVersion: text('instrument_version').notNull(),
    attempt: smallint('attempt').notNull().default(1),
    status: text('status', { enum: ['in_progress', 'submitted', 'superseded'] }).notNull(),
    /** sealed with the data key (sealing.ts): a dump of the database never shows them */
    answers: text('answers').notNull(),
    clientId: uuid('client_id'),
    /** where the student was when answering, for reports; scope follows the student's current record */
    schoolId: integer('school_id').notNull(),
    classId: integer('class_id'),
    gradeLevel: smallint('grade_level'),
    gender: text('gender', { enum: ['male', 'female'] }).notNull(),
    startedAt: at('started_at').notNull(),
    submittedAt: at('submitted_at'),
    durationSeconds: integer('duration_seconds'),
    /** sealed like the answers (sealing.ts): its critical items carry the answer (e.g. PHQ-9 item 9) */
    score: text('score'),
    warningLevel: text('warning_level', { enum: ['none', 'yellow', 'orange', 'red'] }),
    valid: boolean('valid'),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    // one live response per student, campaign and instrument; superseded ones stay for the record.
    // Student first: it also serves a student's history (status 'submitted' implies the predicate),
    // so the hot path's insert maintains one index less than with a separate (student_id, …) index
    uniqueIndex('screening_responses_live_uq').on(t.studentId, t.campaignId, t.instrumentKey).where(sql`${t.status} <> 'superseded'`),
    // the few superseded responses (re-tests), for the next attempt's number; empty for most sheets
    index('screening_responses_superseded_idx').on(t.studentId, t.campaignId, t.instrumentKey, t.attempt).where(sql`${t.status} = 'superseded'`),
    uniqueIndex('screening_responses_client_uq').on(t.clientId),
    index('screening_responses_campaign_class_idx').on(t.campaignId, t.classId),
    // the bureau's yearly coverage per school (supervision/metrics.ts screening_coverage)
    index('screening_responses_school_submitted_idx').on(t.schoolId, t.submittedAt).where(sql`${t.status} = 'submitted'`),
  ],
);

/**
 * Submissions whose audit row is still to be appended: written by the same statement that stores
 * the response, removed by the job that appends the audit rows (in batches, off the answering hot
 * path, under the audit chain's lock once per batch). A narrow queue, not a mark on the wide
 * response row: marking rewrote each response and left a partial index full of dead entries that
 * every later run of the job walked again.
 */
export const screeningAuditQueue = pgTable('screening_audit_queue', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
  responseId: uuid('response_id').notNull(),
  studentId: uuid('student_id').notNull(),
  campaignId: uuid('campaign_id').notNull(),
  instrumentKey: text('instrument_key').notNull(),
  submittedAt: at('submitted_at').notNull(),
  /** what the audit row needs, copied here so that the job joins nothing */
  orgPath: text('org_path').notNull(),
  actorId: text('actor_id'),
  actorName: text('actor_name'),
});

/**
 * Submissions with a warning but no critical item whose signal to the warning network is still to
 * be raised: written by the same statement that stores the response, removed by the job that
 * raises them in bulk (raiseQueuedWarnings) in the transaction that writes their alerts. The job
 * recomputes each warning from the stored (sealed) score, so nothing sensitive waits here. Critical
 * items are never queued: they are raised with the response and notify at once.
 */
export const screeningWarningQueue = pgTable('screening_warning_queue', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
  responseId: uuid('response_id').notNull(),
  /** the student's org path for the signal, copied here like the audit queue's */
  orgPath: text('org_path').notNull(),
});

/**
 * The re-check (复检) of a student flagged by a campaign: the head teacher's observation, the
 * counselor's interview and decision on the final level.
 */
export const screeningFollowUps = pgTable(
  'screening_follow_ups',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    campaignId: uuid('campaign_id').notNull(),
    studentId: uuid('student_id').notNull(),
    schoolId: integer('school_id').notNull(),
    initialLevel: text('initial_level', { enum: ['yellow', 'orange', 'red'] }).notNull(),
    // observation, interview and reason are sealed (sealing.ts)
    observation: text('observation'),
    observedBy: uuid('observed_by'),
    observedByName: text('observed_by_name'),
    observedAt: at('observed_at'),
    interview: text('interview'),
    interviewDate: date('interview_date', { mode: 'string' }),
    decision: text('decision', { enum: ['confirm', 'lower', 'raise', 'clear'] }),
    finalLevel: text('final_level', { enum: ['none', 'yellow', 'orange', 'red'] }),
    reason: text('reason'),
    decidedBy: uuid('decided_by'),
    decidedByName: text('decided_by_name'),
    decidedAt: at('decided_at'),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('screening_follow_ups_uq').on(t.campaignId, t.studentId), index('screening_follow_ups_school_idx').on(t.schoolId, t.campaignId)],
);

/** A district's review and sign-off of one school's re-checks in a campaign. */
export const screeningSignOffs = pgTable(
  'screening_sign_offs',
  {
    campaignId: uuid('campaign_id').notNull(),
    schoolId: integer('school_id').notNull(),
    signedBy: uuid('signed_by').notNull(),
    signedByName: text('signed_by_name').notNull(),
    /** sealed (sealing.ts) */
    note: text('note'),
    signedAt: at('signed_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.schoolId] })],
);

/** Scheduled reminders already sent: one row per campaign and day, so a reminder goes out once. */
export const campaignReminders = pgTable(
  'campaign_reminders',
  {
    campaignId: uuid('campaign_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    students: integer('students').notNull(),
    guardians: integer('guardians').notNull(),
    teachers: integer('teachers').notNull(),
    sentAt: at('sent_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.day] })],
);
