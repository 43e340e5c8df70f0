// Types of the API, inferred from the zod contracts in @xinyu/core (type-only: no zod in the bundle).
import type { z } from 'zod';
import type { contracts } from '@xinyu/core';

export type Me = contracts.Me;
export type RoleBinding = contracts.RoleBinding;
export type OrgUnit = contracts.OrgUnit;
export type StudentSummary = contracts.StudentSummary;
export type StudentDetail = contracts.StudentDetail;
export type Staff = contracts.Staff;
export type ImportJob = contracts.ImportJob;
export type AuditEntry = contracts.AuditEntry;
export type Notification = contracts.Notification;
export type InstrumentSummary = contracts.InstrumentSummary;
export type Account = z.infer<typeof contracts.Account>;
export type Guardian = z.infer<typeof contracts.Guardian>;
export type Circumstance = z.infer<typeof contracts.Circumstance>;
export type CircumstanceCategory = z.infer<typeof contracts.CircumstanceCategory>;
export type StudentHistoryEntry = z.infer<typeof contracts.StudentHistoryEntry>;
export type Dormitory = z.infer<typeof contracts.Dormitory>;
export type TotpStart = z.infer<typeof contracts.TotpStart>;
export type ResetPasswordResult = z.infer<typeof contracts.ResetPasswordResult>;
export type GrantRoleBody = z.input<typeof contracts.GrantRoleBody>;
export type CreateOrgUnitBody = z.input<typeof contracts.CreateOrgUnitBody>;
export type UpdateOrgUnitBody = z.input<typeof contracts.UpdateOrgUnitBody>;
export type CreateStudentBody = z.input<typeof contracts.CreateStudentBody>;
export type UpdateStudentBody = z.input<typeof contracts.UpdateStudentBody>;
export type UpdateStaffBody = z.input<typeof contracts.UpdateStaffBody>;
export type CreateStaffBody = z.input<typeof contracts.CreateStaffBody>;
export type CreateCircumstanceCategoryBody = z.input<typeof contracts.CreateCircumstanceCategoryBody>;
/** POST /staff: the new account, with its one-time password (null when the phone already had an account). */
export interface CreateStaffResult {
  username: string;
  password: string | null;
}
export type ErrorBody = contracts.ErrorBody;

export interface Paged<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}
export interface Items<T> {
  items: T[];
}
