import { date, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

const at = (name: string) => timestamp(name, { withTimezone: true });

/** A semester sweep (摸底排查) opened by a bureau or a school for the units below it. */
export const sweeps = pgTable(
  'sweeps',
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
  (t) => [index('sweeps_region_idx').on(t.regionId, t.startDate)],
);

/** A head teacher's review of one student in a sweep ("不漏一人": every student of the class has one). */
export const sweepEntries = pgTable(
  'sweep_entries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sweepId: uuid('sweep_id').notNull(),
    studentId: uuid('student_id').notNull(),
    classId: integer('class_id').notNull(),
    schoolId: integer('school_id').notNull(),
    categories: text('categories').array().notNull(),
    note: text('note').notNull().default(''),
    /** what the review does to the key-student register */
    action: text('action', { enum: ['none', 'add', 'keep', 'remove'] }).notNull(),
    reason: text('reason'),
    reviewedByName: text('reviewed_by_name'),
    reviewedAt: at('reviewed_at').notNull(),
  },
  (t) => [uniqueIndex('sweep_entries_uq').on(t.sweepId, t.studentId), index('sweep_entries_class_idx').on(t.sweepId, t.classId)],
);
