/** Tables of the workforce module (Drizzle): certificates and training (轮训) of staff, master-teacher studios. */
import { sql } from 'drizzle-orm';
import { boolean, date, doublePrecision, index, integer, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { staff } from '../org/tables.js';

const at = (name: string) => timestamp(name, { withTimezone: true });

/** A staff member's certificate; it counts on a date when issued_on ≤ date ≤ expires_on (core workforce). */
export const workforceCertificates = pgTable(
  'workforce_certificates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    staffId: uuid('staff_id').notNull().references(() => staff.id),
    /** the staff member's school and its path when recorded (scope key) */
    schoolId: integer('school_id').notNull(),
    orgPath: text('org_path').notNull(),
    kind: text('kind', { enum: ['mh_teacher', 'psych_counselor', 'family_guidance', 'group_counseling', 'counseling_skills', 'other'] }).notNull(),
    /** C / B / A where the kind has levels */
    level: text('level', { enum: ['C', 'B', 'A'] }),
    /** for kind 'other': its name */
    title: text('title').notNull().default(''),
    number: text('number').notNull().default(''),
    issuer: text('issuer').notNull().default(''),
    issuedOn: date('issued_on', { mode: 'string' }).notNull(),
    expiresOn: date('expires_on', { mode: 'string' }),
    evidence: text('evidence').notNull().default(''),
    clientId: uuid('client_id').notNull(),
    createdBy: uuid('created_by'),
    createdByName: text('created_by_name').notNull().default(''),
    createdAt: at('created_at').notNull(),
    /** withdrawn (entered by mistake): kept, never counted */
    withdrawnAt: at('withdrawn_at'),
  },
  (t) => [
    uniqueIndex('workforce_certificates_client_uq').on(t.clientId),
    index('workforce_certificates_staff_idx').on(t.staffId),
    index('workforce_certificates_path_idx').on(sql`${t.orgPath} text_pattern_ops`),
  ],
);

/** A training (轮训) attended by one or more staff members. */
export const workforceTrainings = pgTable(
  'workforce_trainings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    title: text('title').notNull(),
    date: date('date', { mode: 'string' }).notNull(),
    level: text('level', { enum: ['national', 'provincial', 'city', 'county', 'school'] }).notNull(),
    hours: doublePrecision('hours').notNull(),
    provider: text('provider').notNull().default(''),
    clientId: uuid('client_id').notNull(),
    createdBy: uuid('created_by'),
    createdByName: text('created_by_name').notNull().default(''),
    createdAt: at('created_at').notNull(),
  },
  (t) => [uniqueIndex('workforce_trainings_client_uq').on(t.clientId), index('workforce_trainings_date_idx').on(t.regionId, t.date)],
);

/** Who attended a training; school and path of the person when recorded (scope key). */
export const workforceTrainingAttendees = pgTable(
  'workforce_training_attendees',
  {
    trainingId: uuid('training_id').notNull().references(() => workforceTrainings.id),
    staffId: uuid('staff_id').notNull().references(() => staff.id),
    regionId: integer('region_id').notNull(),
    schoolId: integer('school_id').notNull(),
    orgPath: text('org_path').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.trainingId, t.staffId] }),
    index('workforce_training_attendees_staff_idx').on(t.staffId),
    index('workforce_training_attendees_school_idx').on(t.schoolId),
    index('workforce_training_attendees_path_idx').on(sql`${t.orgPath} text_pattern_ops`),
  ],
);

/** A master-teacher studio (名师工作室): city- or county-level, a leader and members (staff). */
export const workforceStudios = pgTable(
  'workforce_studios',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    name: text('name').notNull(),
    level: text('level', { enum: ['city', 'county'] }).notNull(),
    leaderStaffId: uuid('leader_staff_id').notNull().references(() => staff.id),
    foundedYear: smallint('founded_year').notNull(),
    note: text('note').notNull().default(''),
    active: boolean('active').notNull().default(true),
    clientId: uuid('client_id').notNull(),
    createdBy: uuid('created_by'),
    createdByName: text('created_by_name').notNull().default(''),
    createdAt: at('created_at').notNull(),
  },
  (t) => [uniqueIndex('workforce_studios_client_uq').on(t.clientId)],
);

/** The leader (role 'leader') and the members of a studio; school and path of each when recorded (scope key). */
export const workforceStudioMembers = pgTable(
  'workforce_studio_members',
  {
    studioId: uuid('studio_id').notNull().references(() => workforceStudios.id),
    staffId: uuid('staff_id').notNull().references(() => staff.id),
    role: text('role', { enum: ['leader', 'member'] }).notNull(),
    regionId: integer('region_id').notNull(),
    schoolId: integer('school_id').notNull(),
    orgPath: text('org_path').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.studioId, t.staffId] }),
    index('workforce_studio_members_staff_idx').on(t.staffId),
    index('workforce_studio_members_path_idx').on(sql`${t.orgPath} text_pattern_ops`),
  ],
);
