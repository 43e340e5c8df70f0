/**
 * Tables of the supervision module (Drizzle): funding records (经费), the yearly target lists
 * (四张清单) with the history of their metric bindings, and the model-school rating (示范校评估).
 */
import { sql } from 'drizzle-orm';
import { bigint, boolean, date, doublePrecision, index, integer, jsonb, pgTable, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

const at = (name: string) => timestamp(name, { withTimezone: true });

/** Money recorded for a school's mental-health work in a year (fen, so sums are exact), entered by the bureau. */
export const supervisionFunding = pgTable(
  'supervision_funding',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    schoolId: integer('school_id').notNull(),
    orgPath: text('org_path').notNull(),
    year: smallint('year').notNull(),
    amountFen: bigint('amount_fen', { mode: 'number' }).notNull(),
    source: text('source').notNull().default(''),
    purpose: text('purpose').notNull().default(''),
    createdByName: text('created_by_name').notNull(),
    clientId: uuid('client_id').notNull(),
    createdAt: at('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('supervision_funding_client_uq').on(t.clientId),
    index('supervision_funding_school_idx').on(t.schoolId, t.year),
    index('supervision_funding_path_idx').on(sql`${t.orgPath} text_pattern_ops`),
  ],
);

/**
 * One target of a yearly list (四张清单: 1 课程/教育, 2 队伍, 3 家校社协同, 4 课题/科研), set by the city
 * (`owner_path` = the city's path: applies to every district) or by a district for itself. Bound to a
 * metric (key, comparator, value, optional per-district overrides) or tracked by hand (manual status,
 * milestones, evidence).
 */
export const supervisionTargets = pgTable(
  'supervision_targets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    ownerUnitId: integer('owner_unit_id').notNull(),
    ownerPath: text('owner_path').notNull(),
    year: smallint('year').notNull(),
    list: smallint('list').notNull(),
    seq: integer('seq').notNull().default(0),
    task: text('task').notNull(),
    metricKey: text('metric_key'),
    comparator: text('comparator', { enum: ['at_least', 'at_most'] }),
    targetValue: doublePrecision('target_value'),
    /** district id → target value for that district */
    overrides: jsonb('overrides').notNull().default(sql`'{}'::jsonb`),
    deadline: date('deadline', { mode: 'string' }),
    responsibleUnit: text('responsible_unit').notNull().default(''),
    manualStatus: text('manual_status', { enum: ['not_started', 'in_progress', 'done'] }),
    /** [{ title, due, done, evidence }] */
    milestones: jsonb('milestones').notNull().default(sql`'[]'::jsonb`),
    evidence: text('evidence').notNull().default(''),
    active: boolean('active').notNull().default(true),
    clientId: uuid('client_id').notNull(),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('supervision_targets_client_uq').on(t.clientId),
    index('supervision_targets_year_idx').on(t.regionId, t.year, t.list),
  ],
);

/** Every binding a target had (metric, comparator, value, overrides), written when it is set or changed. */
export const supervisionTargetVersions = pgTable(
  'supervision_target_versions',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    targetId: uuid('target_id').notNull(),
    metricKey: text('metric_key'),
    comparator: text('comparator'),
    targetValue: doublePrecision('target_value'),
    overrides: jsonb('overrides').notNull(),
    byName: text('by_name').notNull(),
    at: at('at').notNull(),
  },
  (t) => [index('supervision_target_versions_idx').on(t.targetId, t.at)],
);

/**
 * A year's rating scheme (示范校评估标准) of the region: criteria with weights in five dimensions, each
 * bound to a metric or scored by hand, and the thresholds of 示范 / 达标.
 */
export const ratingSchemes = pgTable(
  'rating_schemes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    year: smallint('year').notNull(),
    title: text('title').notNull(),
    /** [{ id, dimension, title, weight, maxScore, metricKey?, metricTarget? }] */
    criteria: jsonb('criteria').notNull(),
    modelThreshold: doublePrecision('model_threshold').notNull(),
    qualifiedThreshold: doublePrecision('qualified_threshold').notNull(),
    updatedByName: text('updated_by_name').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [uniqueIndex('rating_schemes_year_uq').on(t.regionId, t.year)],
);

/** A school's evaluation under a scheme: self-evaluation, then the district's review. */
export const ratingEvaluations = pgTable(
  'rating_evaluations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    schemeId: uuid('scheme_id').notNull(),
    schoolId: integer('school_id').notNull(),
    orgPath: text('org_path').notNull(),
    status: text('status', { enum: ['draft', 'submitted', 'returned', 'approved'] }).notNull(),
    /** criterion id → { score, evidence, links } */
    self: jsonb('self').notNull(),
    /** criterion id → { score, comment } */
    review: jsonb('review').notNull().default(sql`'{}'::jsonb`),
    reviewComment: text('review_comment').notNull().default(''),
    total: doublePrecision('total'),
    result: text('result', { enum: ['model', 'qualified', 'failed'] }),
    submittedAt: at('submitted_at'),
    reviewedAt: at('reviewed_at'),
    reviewerName: text('reviewer_name'),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('rating_evaluations_school_uq').on(t.schemeId, t.schoolId),
    index('rating_evaluations_path_idx').on(sql`${t.orgPath} text_pattern_ops`),
  ],
);
