import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

const at = (name: string) => timestamp(name, { withTimezone: true });

/**
 * Warning records (预警). Screening creates them now; the warning workflow (deadlines, escalation,
 * other sources, merging) extends the same rows. `source_ref` makes creation exactly-once per
 * source event (a response id for screening).
 */
export const alerts = pgTable(
  'alerts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    studentId: uuid('student_id').notNull(),
    schoolId: integer('school_id').notNull(),
    source: text('source', { enum: ['screening'] }).notNull(),
    sourceRef: text('source_ref').notNull(),
    level: text('level', { enum: ['yellow', 'orange', 'red'] }).notNull(),
    critical: integer('critical').notNull().default(0),
    status: text('status', { enum: ['new', 'acknowledged', 'assessing', 'confirmed', 'dismissed', 'closed'] }).notNull().default('new'),
    evidence: jsonb('evidence').notNull(),
    ownerId: uuid('owner_id'),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('alerts_source_uq').on(t.source, t.sourceRef),
    index('alerts_school_idx').on(t.schoolId, t.status, t.createdAt),
    index('alerts_student_idx').on(t.studentId),
    index('alerts_open_idx').on(t.level).where(sql`${t.status} not in ('dismissed', 'closed')`),
  ],
);

/** Every change to an alert, never rewritten. */
export const alertEvents = pgTable(
  'alert_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    alertId: uuid('alert_id').notNull(),
    kind: text('kind').notNull(),
    actorId: uuid('actor_id'),
    detail: jsonb('detail'),
    at: at('at').notNull().defaultNow(),
  },
  (t) => [index('alert_events_alert_idx').on(t.alertId, t.at)],
);
