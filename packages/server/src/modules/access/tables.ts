import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { accounts } from '../auth/tables.js';
import { dormitories, orgUnits, students } from '../org/tables.js';

/**
 * A role held by an account, at an org unit and/or through a relationship to one student. A
 * dormitory psych-committee member (宿舍心理委员) is a `committee` role bound to their own student and
 * dormitory, with no org unit: it reaches no class and no school, only the dorm-mates' names.
 */
export const roleAssignments = pgTable(
  'role_assignments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    accountId: uuid('account_id').notNull().references(() => accounts.id),
    role: text('role', {
      enum: [
        'system_admin', 'security_admin', 'audit_admin', 'bureau_admin', 'bureau_staff', 'school_leader', 'counselor', 'head_teacher',
        'care_teacher', 'committee', 'student', 'parent', 'clinician',
      ],
    }).notNull(),
    orgUnitId: integer('org_unit_id').references(() => orgUnits.id),
    studentId: uuid('student_id').references(() => students.id),
    dormitoryId: integer('dormitory_id').references(() => dormitories.id),
    grantedBy: uuid('granted_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('role_assignments_account_idx').on(t.accountId),
    index('role_assignments_student_idx').on(t.studentId),
    index('role_assignments_dormitory_idx').on(t.dormitoryId).where(sql`${t.dormitoryId} is not null`),
    // who holds a role at a unit (the school's counselors and leaders told of a warning, a class's
    // head teacher): staff rows only, students' and parents' roles have no unit
    index('role_assignments_unit_idx').on(t.orgUnitId, t.role).where(sql`${t.orgUnitId} is not null`),
    check('role_assignments_dormitory_ck', sql`${t.dormitoryId} is null or (${t.role} = 'committee' and ${t.orgUnitId} is null and ${t.studentId} is not null)`),
  ],
);
