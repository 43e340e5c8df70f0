import { z } from 'zod';
import { ORG_KINDS, SCHOOL_KINDS, STAFF_POSTS, STUDENT_STATUSES } from '../org/org.js';
import { IsoDate, Name, PageQuery, Phone } from './common.js';

export const OrgUnit = z.object({
  id: z.number().int(),
  kind: z.enum(ORG_KINDS),
  parentId: z.number().int().nullable(),
  path: z.string(),
  name: z.string(),
  code: z.string().nullable(),
  schoolKind: z.enum(SCHOOL_KINDS).nullable(),
  boarding: z.boolean(),
  gradeLevel: z.number().int().nullable(),
  active: z.boolean(),
  studentCount: z.number().int(),
});
export type OrgUnit = z.infer<typeof OrgUnit>;

export const CreateOrgUnitBody = z
  .object({
    parentId: z.number().int().positive(),
    kind: z.enum(['district', 'school', 'grade', 'class']),
    name: Name(60),
    code: z.string().trim().regex(/^[A-Za-z0-9_-]{1,32}$/).optional(),
    schoolKind: z.enum(SCHOOL_KINDS).optional(),
    boarding: z.boolean().optional(),
    gradeLevel: z.number().int().min(1).max(12).optional(),
  })
  .strict();

export const UpdateOrgUnitBody = z
  .object({
    name: Name(60).optional(),
    code: z.string().trim().regex(/^[A-Za-z0-9_-]{1,32}$/).nullable().optional(),
    schoolKind: z.enum(SCHOOL_KINDS).optional(),
    boarding: z.boolean().optional(),
    active: z.boolean().optional(),
  })
  .strict();

export const MoveOrgUnitBody = z.object({ parentId: z.number().int().positive() }).strict();

export const Dormitory = z.object({ id: z.number().int(), schoolId: z.number().int(), name: z.string(), studentCount: z.number().int() });
export const CreateDormitoryBody = z.object({ name: Name(30) }).strict();

export const Guardian = z.object({ id: z.uuid(), name: z.string(), relation: z.string(), phone: z.string().nullable() });
export const GuardianBody = z.object({ name: Name(30), relation: Name(10), phone: Phone.nullable().optional() }).strict();

export const StudentSummary = z.object({
  id: z.uuid(),
  studentNo: z.string(),
  name: z.string(),
  gender: z.enum(['male', 'female']),
  birthDate: z.string(),
  schoolId: z.number().int(),
  schoolName: z.string(),
  gradeId: z.number().int().nullable(),
  gradeName: z.string().nullable(),
  classId: z.number().int().nullable(),
  className: z.string().nullable(),
  enrolmentYear: z.number().int(),
  boarding: z.boolean(),
  dormitoryId: z.number().int().nullable(),
  dormitory: z.string().nullable(),
  status: z.enum(STUDENT_STATUSES),
});
export type StudentSummary = z.infer<typeof StudentSummary>;

export const Circumstance = z.object({ code: z.string(), label: z.string(), note: z.string().nullable(), since: z.string() });
export const StudentHistoryEntry = z.object({
  at: z.string(),
  kind: z.enum(['enrol', 'class_change', 'transfer', 'graduate', 'status']),
  fromName: z.string().nullable(),
  toName: z.string().nullable(),
  reason: z.string().nullable(),
});

export const StudentDetail = StudentSummary.extend({
  /** present only when the caller may read guardians */
  guardians: z.array(Guardian).optional(),
  /** present only with the sensitive permission */
  circumstances: z.array(Circumstance).optional(),
  history: z.array(StudentHistoryEntry),
});
export type StudentDetail = z.infer<typeof StudentDetail>;

export const StudentListQuery = PageQuery.extend({
  q: z.string().trim().max(40).optional(),
  orgUnitId: z.coerce.number().int().positive().optional(),
  gender: z.enum(['male', 'female']).optional(),
  boarding: z.enum(['true', 'false']).optional(),
  status: z.enum(STUDENT_STATUSES).optional(),
});

export const CreateStudentBody = z
  .object({
    studentNo: z.string().trim().toUpperCase().regex(/^[A-Z0-9-]{4,32}$/),
    name: Name(30),
    gender: z.enum(['male', 'female']),
    birthDate: IsoDate,
    classId: z.number().int().positive(),
    enrolmentYear: z.number().int().min(2000).max(2100),
    boarding: z.boolean().default(false),
    dormitoryId: z.number().int().positive().nullable().optional(),
  })
  .strict();

export const UpdateStudentBody = z
  .object({
    name: Name(30).optional(),
    gender: z.enum(['male', 'female']).optional(),
    birthDate: IsoDate.optional(),
    boarding: z.boolean().optional(),
    dormitoryId: z.number().int().positive().nullable().optional(),
  })
  .strict();

export const MoveStudentBody = z
  .object({ classId: z.number().int().positive(), reason: z.string().trim().max(200).optional() })
  .strict();
export const GraduateBody = z.object({ studentIds: z.array(z.uuid()).min(1).max(5000) }).strict();

export const SetCircumstancesBody = z
  .object({ items: z.array(z.object({ code: z.string().min(1).max(40), note: z.string().max(500).nullable().optional() })).max(30) })
  .strict();
export const CircumstanceCategory = z.object({ code: z.string(), label: z.string(), builtIn: z.boolean() });
export const CreateCircumstanceCategoryBody = z
  .object({ code: z.string().regex(/^[a-z][a-z0-9_]{1,39}$/), label: Name(20) })
  .strict();

export const StaffPostItem = z.object({ post: z.enum(STAFF_POSTS), classId: z.number().int().nullable(), className: z.string().nullable() });
export const Staff = z.object({
  id: z.uuid(),
  schoolId: z.number().int(),
  schoolName: z.string(),
  staffNo: z.string().nullable(),
  name: z.string(),
  gender: z.enum(['male', 'female']).nullable(),
  phone: z.string(),
  subject: z.string().nullable(),
  active: z.boolean(),
  posts: z.array(StaffPostItem),
  username: z.string().nullable(),
});
export type Staff = z.infer<typeof Staff>;
export const StaffListQuery = PageQuery.extend({
  q: z.string().trim().max(40).optional(),
  orgUnitId: z.coerce.number().int().positive().optional(),
  post: z.enum(STAFF_POSTS).optional(),
});
export const CreateStaffBody = z
  .object({
    schoolId: z.number().int().positive(),
    name: Name(30),
    gender: z.enum(['male', 'female']).nullable().optional(),
    phone: Phone,
    staffNo: z.string().trim().max(32).optional(),
    subject: z.string().trim().max(20).optional(),
    posts: z.array(z.object({ post: z.enum(STAFF_POSTS), classId: z.number().int().positive().nullable().optional() })).max(10),
  })
  .strict();

export const UpdateStaffBody = z
  .object({
    name: Name(30).optional(),
    gender: z.enum(['male', 'female']).nullable().optional(),
    staffNo: z.string().trim().max(32).optional(),
    subject: z.string().trim().max(20).optional(),
    posts: z.array(z.object({ post: z.enum(STAFF_POSTS), classId: z.number().int().positive().nullable().optional() })).max(10).optional(),
  })
  .strict();
