import { ALERT_OUTCOMES, ALERT_SOURCES, ALERT_STATUSES } from '@xinyu/core';
import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

const at = (name: string) => timestamp(name, { withTimezone: true });

/**
 * Warning records (预警). One open alert per student at most: a new signal about a student who
 * already has one joins it (`alert_signals`) instead of piling up a second. `source` and
 * `source_ref` are the first signal's. `next_escalation_at` is when the escalation job must look
 * at it next (null once handled or at the top tier), so the job reads only what is due.
 */
export const alerts = pgTable(
  'alerts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    studentId: uuid('student_id').notNull(),
    schoolId: integer('school_id').notNull(),
    source: text('source', { enum: ALERT_SOURCES }).notNull(),
    sourceRef: text('source_ref').notNull(),
    level: text('level', { enum: ['yellow', 'orange', 'red'] }).notNull(),
    critical: integer('critical').notNull().default(0),
    status: text('status', { enum: ALERT_STATUSES }).notNull().default('new'),
    evidence: jsonb('evidence').notNull(),
    ownerId: uuid('owner_id'),
    /** 0 = class, 1 = school counselor, 2 = school leader, 3 = bureau */
    tier: smallint('tier').notNull().default(0),
    escalatedAt: at('escalated_at'),
    levelRaisedAt: at('level_raised_at'),
    nextEscalationAt: at('next_escalation_at'),
    outcome: text('outcome', { enum: ALERT_OUTCOMES }),
    acknowledgedAt: at('acknowledged_at'),
    closedAt: at('closed_at'),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('alerts_source_uq').on(t.source, t.sourceRef),
    uniqueIndex('alerts_open_student_uq').on(t.studentId).where(sql`${t.status} in ('new', 'acknowledged', 'assessing')`),
    index('alerts_school_idx').on(t.schoolId, t.status, t.createdAt),
    index('alerts_student_idx').on(t.studentId),
    index('alerts_open_idx').on(t.level).where(sql`${t.status} not in ('dismissed', 'closed')`),
    index('alerts_escalation_idx').on(t.nextEscalationAt).where(sql`${t.nextEscalationAt} is not null`),
  ],
);

/** Every signal about a student, each stored once (`source`, `source_ref`), attached to the alert it raised or joined. */
export const alertSignals = pgTable(
  'alert_signals',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    alertId: uuid('alert_id').notNull(),
    source: text('source', { enum: ALERT_SOURCES }).notNull(),
    sourceRef: text('source_ref').notNull(),
    level: text('level', { enum: ['yellow', 'orange', 'red'] }).notNull(),
    critical: boolean('critical').notNull().default(false),
    evidence: jsonb('evidence').notNull(),
    reportedBy: uuid('reported_by'),
    reporterName: text('reporter_name'),
    at: at('at').notNull(),
  },
  (t) => [uniqueIndex('alert_signals_source_uq').on(t.source, t.sourceRef), index('alert_signals_alert_idx').on(t.alertId, t.at)],
);

/** Every change to an alert, never rewritten. */
export const alertEvents = pgTable(
  'alert_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    alertId: uuid('alert_id').notNull(),
    kind: text('kind').notNull(),
    actorId: uuid('actor_id'),
    actorName: text('actor_name'),
    detail: jsonb('detail'),
    at: at('at').notNull().defaultNow(),
  },
  (t) => [index('alert_events_alert_idx').on(t.alertId, t.at)],
);

/** A region's warning rules: deadlines per level (defaults in core's DEFAULT_DEADLINES). */
export const warningPolicies = pgTable('warning_policies', {
  regionId: integer('region_id').primaryKey(),
  deadlines: jsonb('deadlines').notNull(),
  updatedBy: text('updated_by'),
  updatedAt: at('updated_at').notNull().defaultNow(),
});
