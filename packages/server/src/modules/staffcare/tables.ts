import { sql } from 'drizzle-orm';
import { bigint, date, index, integer, jsonb, pgTable, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

const at = (name: string) => timestamp(name, { withTimezone: true });

/** A region's own staff-care categories, beside the built-in ones of core's STAFF_CARE_CATEGORIES. */
export const staffCareSettings = pgTable('staff_care_settings', {
  regionId: integer('region_id').primaryKey(),
  categories: jsonb('categories').notNull(),
  updatedBy: text('updated_by'),
  updatedAt: at('updated_at').notNull().default(sql`now()`),
});

/** A staff sweep (教职工排查) opened by a bureau or a school for the units below it, once a term. */
export const staffSweeps = pgTable(
  'staff_sweeps',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    ownerUnitId: integer('owner_unit_id').notNull(),
    ownerPath: text('owner_path').notNull(),
    name: text('name').notNull(),
    term: text('term').notNull(),
    startDate: date('start_date', { mode: 'string' }).notNull(),
    endDate: date('end_date', { mode: 'string' }).notNull(),
    createdByName: text('created_by_name'),
    createdAt: at('created_at').notNull(),
  },
  (t) => [index('staff_sweeps_region_idx').on(t.regionId, t.startDate)],
);

/**
 * One person's review in a staff sweep. The subject is a staff member (`staff`) or, for bureau
 * staff, their account (`bureau`); `org_path` is their school's or bureau unit's path.
 */
export const staffSweepReviews = pgTable(
  'staff_sweep_reviews',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sweepId: uuid('sweep_id').notNull(),
    subjectKind: text('subject_kind', { enum: ['staff', 'bureau'] }).notNull(),
    subjectId: uuid('subject_id').notNull(),
    unitId: integer('unit_id').notNull(),
    orgPath: text('org_path').notNull(),
    tier: text('tier', { enum: ['staff', 'leaders'] }).notNull(),
    categories: text('categories').array().notNull(),
    note: text('note').notNull().default(''),
    action: text('action', { enum: ['none', 'add', 'keep', 'remove'] }).notNull(),
    reason: text('reason'),
    reviewedBy: uuid('reviewed_by'),
    reviewedByName: text('reviewed_by_name'),
    reviewedAt: at('reviewed_at').notNull(),
  },
  (t) => [uniqueIndex('staff_sweep_reviews_uq').on(t.sweepId, t.subjectId), index('staff_sweep_reviews_unit_idx').on(t.sweepId, t.unitId)],
);

/** The staff register (教职工关爱名单): at most one open case per person; closed ones stay as history. */
export const staffCareCases = pgTable(
  'staff_care_cases',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    subjectKind: text('subject_kind', { enum: ['staff', 'bureau'] }).notNull(),
    subjectId: uuid('subject_id').notNull(),
    unitId: integer('unit_id').notNull(),
    orgPath: text('org_path').notNull(),
    categories: text('categories').array().notNull(),
    level: text('level', { enum: ['yellow', 'orange', 'red'] }).notNull(),
    sources: text('sources').array().notNull(),
    status: text('status', { enum: ['active', 'closure_proposed', 'closed'] }).notNull().default('active'),
    reason: text('reason').notNull(),
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
    uniqueIndex('staff_care_cases_open_uq').on(t.subjectId).where(sql`${t.status} <> 'closed'`),
    index('staff_care_cases_path_idx').on(sql`${t.orgPath} text_pattern_ops`),
  ],
);

/** Every change to a case, never rewritten. */
export const staffCareEvents = pgTable(
  'staff_care_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    caseId: uuid('case_id').notNull(),
    kind: text('kind').notNull(),
    actorName: text('actor_name'),
    detail: jsonb('detail'),
    at: at('at').notNull(),
  },
  (t) => [index('staff_care_events_idx').on(t.caseId, t.at)],
);

/** Who cares for the person (a school leader, or a bureau official for leaders), history kept. */
export const staffCarers = pgTable(
  'staff_carers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    caseId: uuid('case_id').notNull(),
    accountId: uuid('account_id').notNull(),
    accountName: text('account_name').notNull(),
    startDate: date('start_date', { mode: 'string' }).notNull(),
    endedAt: at('ended_at'),
    endReason: text('end_reason'),
    assignedByName: text('assigned_by_name'),
  },
  (t) => [uniqueIndex('staff_carers_current_uq').on(t.caseId).where(sql`${t.endedAt} is null`), index('staff_carers_account_idx').on(t.accountId)],
);

/** Care records: talks, visits, calls and the support given. */
export const staffCareRecords = pgTable(
  'staff_care_records',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    caseId: uuid('case_id').notNull(),
    authorAccountId: uuid('author_account_id').notNull(),
    authorName: text('author_name').notNull(),
    kind: text('kind', { enum: ['talk', 'visit', 'phone', 'support'] }).notNull(),
    date: date('date', { mode: 'string' }).notNull(),
    /** 1 (very low) … 5 (good) */
    mood: smallint('mood'),
    /** the situation, the person's needs, the support given, the plan */
    fields: jsonb('fields').notNull(),
    note: text('note').notNull(),
    clientId: uuid('client_id').notNull(),
    createdAt: at('created_at').notNull(),
  },
  (t) => [uniqueIndex('staff_care_records_client_uq').on(t.clientId), index('staff_care_records_case_idx').on(t.caseId, t.date)],
);
