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

// --- screening ---------------------------------------------------------------------------------
export type Campaign = z.infer<typeof contracts.Campaign>;
export type CampaignVersion = z.infer<typeof contracts.CampaignVersion>;
export type CreateCampaignBody = z.input<typeof contracts.CreateCampaignBody>;
export type EditCampaignBody = z.input<typeof contracts.EditCampaignBody>;
export type Release = z.infer<typeof contracts.Release>;
export type ConsentRow = z.infer<typeof contracts.ConsentRow>;
export type RecordConsentBody = z.input<typeof contracts.RecordConsentBody>;
export type MyTask = z.infer<typeof contracts.MyTask>;
export type AnswerSheet = z.infer<typeof contracts.AnswerSheet>;
export type SubmitBody = z.input<typeof contracts.SubmitBody>;
export type SubmitAck = z.infer<typeof contracts.SubmitAck>;
export type Completion = z.infer<typeof contracts.Completion>;
export type CompletionRow = z.infer<typeof contracts.CompletionRow>;
export type PendingStudent = z.infer<typeof contracts.PendingStudent> & { className: string };
export type ResultRow = z.infer<typeof contracts.ResultRow>;
export type ResponseDetail = z.infer<typeof contracts.ResponseDetail>;
export type FollowUp = z.infer<typeof contracts.FollowUp>;
export type InterviewBody = z.input<typeof contracts.InterviewBody>;
export type SignOff = z.infer<typeof contracts.SignOff>;
export type Report = z.infer<typeof contracts.Report>;
export type ReportBreakdown = z.infer<typeof contracts.ReportBreakdown>;
export type Alert = z.infer<typeof contracts.Alert>;
export type WarningLevel = z.infer<typeof contracts.WarningLevel>;
/** GET /my/consents: a parent's pending consent requests */
export interface ConsentRequest {
  campaignId: string;
  title: string;
  purpose: string;
  window: { start: string; end: string };
  studentId: string;
  studentName: string;
  decision: 'granted' | 'refused' | null;
  decidedAt: string | null;
}

// --- warning (预警处置) ----------------------------------------------------------------------------
export type AlertLevel = Alert['level'];
export type AlertStatus = Alert['status'];
export type AlertSource = Alert['source'];
export type AlertTier = Alert['tier'];
export type AlertOutcome = NonNullable<Alert['outcome']>;
export type AlertDetail = z.infer<typeof contracts.AlertDetail>;
export type AlertSignal = z.infer<typeof contracts.AlertSignal>;
export type AlertEvent = z.infer<typeof contracts.AlertEvent>;
export type AlertAction = AlertDetail['actions'][number];
export type AlertActionBody = z.input<typeof contracts.AlertActionBody>;
export type AlertAssignee = z.infer<typeof contracts.AlertAssignee>;
export type RaiseAlertBody = z.input<typeof contracts.RaiseAlertBody>;
export type RaiseAlertResult = z.infer<typeof contracts.RaiseAlertResult>;
export type HelpRequestBody = z.input<typeof contracts.HelpRequestBody>;
export type WarningPolicy = z.infer<typeof contracts.WarningPolicy>;
export type DeadlinePolicy = z.infer<typeof contracts.DeadlinePolicy>;

// --- committee (心理委员) and care (重点学生 / 包保) ----------------------------------------------------
export type CommitteeReport = z.infer<typeof contracts.CommitteeReport>;
export type MyCommittee = z.infer<typeof contracts.MyCommittee>;
export type CommitteeReportBody = z.input<typeof contracts.CommitteeReportBody>;
export type CommitteeSubmitResult = z.infer<typeof contracts.CommitteeSubmitResult>;
export type CommitteeStatus = z.infer<typeof contracts.CommitteeStatus>;
export type CommitteeClassStatus = z.infer<typeof contracts.CommitteeClassStatus>;
export type CommitteeDormStatus = z.infer<typeof contracts.CommitteeDormStatus>;
export type DormResidents = z.infer<typeof contracts.DormResidents>;
export type KeyStudent = z.infer<typeof contracts.KeyStudent>;
export type KeyStudentDetail = z.infer<typeof contracts.KeyStudentDetail>;
export type DiaryEntry = z.infer<typeof contracts.DiaryEntry>;
export type DiaryBody = z.input<typeof contracts.DiaryBody>;
export type AddKeyStudentBody = z.input<typeof contracts.AddKeyStudentBody>;
export type CareCandidate = z.infer<typeof contracts.CareCandidate>;
export type ClosureBody = z.input<typeof contracts.ClosureBody>;

// --- semester sweep (摸底排查), school calendar and committee rule -------------------------------------
export type Sweep = z.infer<typeof contracts.Sweep>;
export type CreateSweepBody = z.input<typeof contracts.CreateSweepBody>;
export type SweepClass = z.infer<typeof contracts.SweepClass>;
export type SweepStudent = SweepClass['students'][number];
export type SweepReviewBody = z.input<typeof contracts.SweepReviewBody>;
export type SweepAction = SweepReviewBody['entries'][number]['action'];
export type SweepCompletion = z.infer<typeof contracts.SweepCompletion>;
export type SchoolCalendar = z.infer<typeof contracts.SchoolCalendarBody>;
export type CommitteeRule = z.infer<typeof contracts.CommitteeRule>;

// --- two-way choice (双向选择), parent volunteers (家长志愿者), excellent diaries and 爱心教师 -----------
export type CareOpenings = z.infer<typeof contracts.CareOpenings>;
export type CareOpening = z.infer<typeof contracts.CareOpening>;
export type MyVolunteering = z.infer<typeof contracts.MyVolunteering>;
export type CareOffer = z.infer<typeof contracts.CareOffer>;
export type ParentVolunteer = z.infer<typeof contracts.ParentVolunteer>;
export type GuardianChoice = z.infer<typeof contracts.GuardianChoice>;
export type Pairing = z.infer<typeof contracts.Pairing>;
export type PairBody = z.input<typeof contracts.PairBody>;
export type MyPairing = z.infer<typeof contracts.MyPairing>;
export type DiaryNomination = z.infer<typeof contracts.DiaryNomination>;
export type NominableEntry = z.infer<typeof contracts.NominableEntry>;
export type Honour = z.infer<typeof contracts.Honour>;
export type HonourCandidate = z.infer<typeof contracts.HonourCandidate>;
export type HonourRoll = z.infer<typeof contracts.HonourRoll>;
