import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { accounts } from '../auth/tables.js';
import { orgUnits, students } from '../org/tables.js';

/** A role held by an account, at an org unit and/or through a relationship to one student. */
export const roleAssignments = pgTable(
  'role_assignments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    accountId: uuid('account_id').notNull().references(() => accounts.id),
    role: text('role', {
      enum: [
        'system_admin', 'bureau_admin', 'bureau_staff', 'school_leader', 'counselor', 'head_teacher',
        'care_teacher', 'committee', 'student', 'parent', 'clinician',
      ],
    }).notNull(),
    orgUnitId: integer('org_unit_id').references(() => orgUnits.id),
    studentId: uuid('student_id').references(() => students.id),
    grantedBy: uuid('granted_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('role_assignments_account_idx').on(t.accountId), index('role_assignments_student_idx').on(t.studentId)],
);
