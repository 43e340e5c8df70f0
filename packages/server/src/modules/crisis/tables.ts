import { sql } from 'drizzle-orm';
import { bigint, boolean, date, index, integer, jsonb, pgTable, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

const at = (name: string) => timestamp(name, { withTimezone: true });

/**
 * A crisis case (心理危机个案): opened from an alert, a counseling session or directly; at most one
 * open case per student. The school leader closes it with its one-case-one-analysis (一案一分析).
 */
export const crisisCases = pgTable(
  'crisis_cases',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    schoolId: integer('school_id').notNull(),
    /** the student's path (their class) */
    orgPath: text('org_path').notNull(),
    studentId: uuid('student_id').notNull(),
    source: text('source', { enum: ['alert', 'session', 'direct'] }).notNull(),
    alertId: uuid('alert_id'),
    sessionId: uuid('session_id'),
    riskLevel: text('risk_level', { enum: ['moderate', 'high', 'imminent'] }).notNull(),
    status: text('status', { enum: ['open', 'closed'] }).notNull().default('open'),
    /** what happened, as known when the case was opened */
    summary: text('summary').notNull(),
    /** warning signs, coping steps, people and places, contacts, means safety, professional help */
    safetyPlan: jsonb('safety_plan'),
    safetyPlanUpdatedAt: at('safety_plan_updated_at'),
    safetyPlanUpdatedByName: text('safety_plan_updated_by_name'),
    /** 一案一分析 at closure: background, course, measures, outcome, lessons */
    analysis: jsonb('analysis'),
    openedBy: uuid('opened_by').notNull(),
    openedByName: text('opened_by_name').notNull(),
    openedAt: at('opened_at').notNull(),
    closedByName: text('closed_by_name'),
    closedAt: at('closed_at'),
    clientId: uuid('client_id').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('crisis_cases_client_uq').on(t.clientId),
    uniqueIndex('crisis_cases_open_uq').on(t.studentId).where(sql`${t.status} = 'open'`),
    index('crisis_cases_path_idx').on(sql`${t.orgPath} text_pattern_ops`),
    index('crisis_cases_school_idx').on(t.schoolId, t.openedAt),
  ],
);

/** The named team of a case: a counselor, a school leader, the head teacher, others; history kept. */
export const crisisTeamMembers = pgTable(
  'crisis_team_members',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    caseId: uuid('case_id').notNull(),
    accountId: uuid('account_id').notNull(),
    name: text('name').notNull(),
    teamRole: text('team_role', { enum: ['counselor', 'leader', 'head_teacher', 'other'] }).notNull(),
    addedAt: at('added_at').notNull(),
    removedAt: at('removed_at'),
  },
  (t) => [uniqueIndex('crisis_team_members_live_uq').on(t.caseId, t.accountId).where(sql`${t.removedAt} is null`), index('crisis_team_members_account_idx').on(t.accountId)],
);

/** Tasks of a case with their deadlines. */
export const crisisTasks = pgTable(
  'crisis_tasks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    caseId: uuid('case_id').notNull(),
    title: text('title').notNull(),
    assigneeAccountId: uuid('assignee_account_id'),
    assigneeName: text('assignee_name'),
    dueAt: at('due_at').notNull(),
    doneAt: at('done_at'),
    doneByName: text('done_by_name'),
    /** cancelled instead of done (a case closes only when each task is done or cancelled) */
    cancelledAt: at('cancelled_at'),
    note: text('note').notNull().default(''),
    clientId: uuid('client_id').notNull(),
    createdAt: at('created_at').notNull(),
  },
  (t) => [uniqueIndex('crisis_tasks_client_uq').on(t.clientId), index('crisis_tasks_case_idx').on(t.caseId, t.dueAt)],
);

/** Every contact with a guardian: who, when, how, what was said and how they responded. */
export const guardianContacts = pgTable(
  'guardian_contacts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    studentId: uuid('student_id').notNull(),
    orgPath: text('org_path').notNull(),
    caseId: uuid('case_id'),
    referralId: uuid('referral_id'),
    guardianId: uuid('guardian_id'),
    guardianName: text('guardian_name').notNull(),
    relation: text('relation').notNull().default(''),
    channel: text('channel', { enum: ['phone', 'in_person', 'home_visit', 'video', 'message'] }).notNull(),
    contactedAt: at('contacted_at').notNull(),
    contactedBy: uuid('contacted_by').notNull(),
    contactedByName: text('contacted_by_name').notNull(),
    said: text('said').notNull(),
    response: text('response').notNull(),
    clientId: uuid('client_id').notNull(),
    createdAt: at('created_at').notNull(),
  },
  (t) => [uniqueIndex('guardian_contacts_client_uq').on(t.clientId), index('guardian_contacts_student_idx').on(t.studentId, t.contactedAt), index('guardian_contacts_case_idx').on(t.caseId)],
);

/**
 * Notices sent to a student's guardians through the platform (appointments, referrals, return to
 * school …): what parents see in their account, and the record that each notice was sent.
 */
export const guardianNotices = pgTable(
  'guardian_notices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    studentId: uuid('student_id').notNull(),
    orgPath: text('org_path').notNull(),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    objectType: text('object_type'),
    objectId: text('object_id'),
    sentBy: uuid('sent_by'),
    sentByName: text('sent_by_name'),
    sentAt: at('sent_at').notNull(),
    /** how many guardian accounts it reached (0: none has an account; the school calls instead) */
    recipients: smallint('recipients').notNull(),
  },
  (t) => [index('guardian_notices_student_idx').on(t.studentId, t.sentAt)],
);

/** The history of a case, never rewritten. */
export const crisisEvents = pgTable(
  'crisis_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    caseId: uuid('case_id').notNull(),
    kind: text('kind').notNull(),
    actorName: text('actor_name'),
    detail: jsonb('detail'),
    at: at('at').notNull(),
  },
  (t) => [index('crisis_events_idx').on(t.caseId, t.at)],
);

/** Case conferences: expert consultation (专家会诊) or a cross-school conference (跨校会商). */
export const caseConferences = pgTable(
  'case_conferences',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    schoolId: integer('school_id').notNull(),
    orgPath: text('org_path').notNull(),
    caseId: uuid('case_id'),
    kind: text('kind', { enum: ['expert', 'cross_school'] }).notNull(),
    heldAt: at('held_at').notNull(),
    /** [{ name, organisation, role }] */
    participants: jsonb('participants').notNull(),
    minutes: text('minutes').notNull(),
    decisions: text('decisions').notNull(),
    recordedBy: uuid('recorded_by').notNull(),
    recordedByName: text('recorded_by_name').notNull(),
    clientId: uuid('client_id').notNull(),
    createdAt: at('created_at').notNull(),
  },
  (t) => [uniqueIndex('case_conferences_client_uq').on(t.clientId), index('case_conferences_case_idx').on(t.caseId), index('case_conferences_school_idx').on(t.schoolId, t.heldAt)],
);

/** Partner institutions of the green channel (合作医院, 心理门诊), registered by the bureau. */
export const partnerInstitutions = pgTable(
  'partner_institutions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    name: text('name').notNull(),
    kind: text('kind', { enum: ['hospital', 'clinic', 'center'] }).notNull(),
    address: text('address').notNull().default(''),
    phone: text('phone').notNull().default(''),
    /** hours a referral may wait for acceptance before it is escalated */
    acceptHours: smallint('accept_hours').notNull().default(48),
    active: boolean('active').notNull().default(true),
    createdAt: at('created_at').notNull(),
  },
  (t) => [uniqueIndex('partner_institutions_name_uq').on(t.regionId, t.name)],
);

/** A clinician account's institution: clinicians see only the referrals sent to it. */
export const institutionClinicians = pgTable('institution_clinicians', {
  accountId: uuid('account_id').primaryKey(),
  institutionId: uuid('institution_id').notNull(),
  department: text('department').notNull().default(''),
  title: text('title').notNull().default(''),
  createdAt: at('created_at').notNull(),
});

/**
 * A referral through the green channel (转介绿色通道). It carries only what the institution needs
 * (`shared`), requires the guardian's recorded consent, and moves
 * sent → accepted | declined → seen → feedback → closed.
 */
export const referrals = pgTable(
  'referrals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    schoolId: integer('school_id').notNull(),
    orgPath: text('org_path').notNull(),
    studentId: uuid('student_id').notNull(),
    caseId: uuid('case_id'),
    institutionId: uuid('institution_id').notNull(),
    clinicianAccountId: uuid('clinician_account_id'),
    clinicianName: text('clinician_name'),
    severity: text('severity', { enum: ['mild', 'moderate', 'severe'] }).notNull(),
    /** the minimum the institution sees: name, gender, age, grade, reason, guardian contact */
    shared: jsonb('shared').notNull(),
    consentGuardianName: text('consent_guardian_name').notNull(),
    consentRelation: text('consent_relation').notNull(),
    consentMethod: text('consent_method', { enum: ['in_person', 'phone', 'paper', 'online'] }).notNull(),
    consentAt: at('consent_at').notNull(),
    consentRecordedByName: text('consent_recorded_by_name').notNull(),
    status: text('status', { enum: ['sent', 'accepted', 'declined', 'seen', 'feedback', 'closed'] }).notNull(),
    acceptBy: at('accept_by').notNull(),
    escalatedAt: at('escalated_at'),
    sentBy: uuid('sent_by').notNull(),
    sentByName: text('sent_by_name').notNull(),
    sentAt: at('sent_at').notNull(),
    acceptedAt: at('accepted_at'),
    declinedAt: at('declined_at'),
    declineReason: text('decline_reason'),
    seenAt: at('seen_at'),
    /** the clinician's structured feedback: advice, may return, from when, follow-up interval */
    feedback: jsonb('feedback'),
    feedbackAt: at('feedback_at'),
    closedAt: at('closed_at'),
    closedByName: text('closed_by_name'),
    clientId: uuid('client_id').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('referrals_client_uq').on(t.clientId),
    index('referrals_institution_idx').on(t.institutionId, t.status),
    index('referrals_student_idx').on(t.studentId, t.sentAt),
    index('referrals_path_idx').on(sql`${t.orgPath} text_pattern_ops`),
    index('referrals_pending_idx').on(t.acceptBy).where(sql`${t.status} = 'sent' and ${t.escalatedAt} is null`),
  ],
);

export const referralEvents = pgTable(
  'referral_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    referralId: uuid('referral_id').notNull(),
    kind: text('kind').notNull(),
    actorName: text('actor_name'),
    detail: jsonb('detail'),
    at: at('at').notNull(),
  },
  (t) => [index('referral_events_idx').on(t.referralId, t.at)],
);

/**
 * Return to school after treatment (愈后复学): the hospital's feedback or certificate, a return
 * assessment, the adjusted plan, and follow-ups for a set number of weeks before closure.
 */
export const returnPlans = pgTable(
  'return_plans',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    schoolId: integer('school_id').notNull(),
    orgPath: text('org_path').notNull(),
    studentId: uuid('student_id').notNull(),
    caseId: uuid('case_id'),
    referralId: uuid('referral_id'),
    status: text('status', { enum: ['active', 'closed'] }).notNull().default('active'),
    /** the hospital's feedback or certificate as received (number, date, text) */
    certificate: jsonb('certificate'),
    /** the return assessment: date, by whom, findings, ready to return */
    assessment: jsonb('assessment').notNull(),
    /** class, exams, workload, care teacher, counseling */
    adjustments: jsonb('adjustments').notNull(),
    returnDate: date('return_date', { mode: 'string' }).notNull(),
    followUpWeeks: smallint('follow_up_weeks').notNull(),
    createdBy: uuid('created_by').notNull(),
    createdByName: text('created_by_name').notNull(),
    createdAt: at('created_at').notNull(),
    closedAt: at('closed_at'),
    closedByName: text('closed_by_name'),
    closureNote: text('closure_note'),
    clientId: uuid('client_id').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('return_plans_client_uq').on(t.clientId),
    uniqueIndex('return_plans_active_uq').on(t.studentId).where(sql`${t.status} = 'active'`),
    index('return_plans_path_idx').on(sql`${t.orgPath} text_pattern_ops`),
  ],
);

/** The scheduled follow-ups of a return plan (weekly by default), each done with a note. */
export const returnFollowUps = pgTable(
  'return_follow_ups',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    planId: uuid('plan_id').notNull(),
    seq: smallint('seq').notNull(),
    dueDate: date('due_date', { mode: 'string' }).notNull(),
    doneAt: at('done_at'),
    doneByName: text('done_by_name'),
    note: text('note'),
  },
  (t) => [uniqueIndex('return_follow_ups_uq').on(t.planId, t.seq)],
);
