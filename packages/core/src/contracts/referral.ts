/** The referral green channel (转介绿色通道), partner institutions, return to school (愈后复学) and the measures. */
import { z } from 'zod';
import { PasswordPolicy } from './auth.js';

const Text = (max: number) => z.string().trim().max(max);
const Severity = z.enum(['mild', 'moderate', 'severe']);
const Status = z.enum(['sent', 'accepted', 'declined', 'seen', 'feedback', 'closed']);
const InstitutionKind = z.enum(['hospital', 'clinic', 'center']);
const ConsentMethod = z.enum(['in_person', 'phone', 'paper', 'online']);
const Event = z.object({ kind: z.string(), actorName: z.string().nullable(), at: z.string(), detail: z.record(z.string(), z.unknown()) });

// --- partner institutions -------------------------------------------------------------------------

export const PartnerInstitution = z.object({
  id: z.uuid(),
  name: z.string(),
  kind: InstitutionKind,
  address: z.string(),
  phone: z.string(),
  acceptHours: z.number().int(),
  active: z.boolean(),
  clinicians: z.number().int(),
});

export const InstitutionBody = z
  .object({
    name: Text(60).min(1, '请填写机构名称'),
    kind: InstitutionKind,
    address: Text(200).default(''),
    phone: Text(40).default(''),
    acceptHours: z.number({ message: '请填写接收时限（小时）' }).int().min(1, '接收时限至少 1 小时').max(720, '接收时限不超过 720 小时'),
    active: z.boolean().default(true),
  })
  .strict();

export const InstitutionClinician = z.object({
  accountId: z.uuid(),
  username: z.string(),
  name: z.string(),
  department: z.string(),
  title: z.string(),
  disabled: z.boolean(),
  mustChangePassword: z.boolean(),
});

export const CreateClinicianBody = z
  .object({
    username: z.string().trim().min(3, '用户名至少 3 个字符').max(40).regex(/^[A-Za-z0-9._-]+$/, '用户名只能用字母、数字和 . _ -'),
    name: Text(30).min(1, '请填写姓名'),
    /** the initial password, changed at first sign-in */
    password: PasswordPolicy,
    department: Text(60).default(''),
    title: Text(30).default(''),
  })
  .strict();

// --- referrals ------------------------------------------------------------------------------------

/** What the institution sees: only this. */
export const ReferralShared = z.object({
  name: z.string(),
  gender: z.enum(['male', 'female']),
  age: z.number().int(),
  school: z.string(),
  className: z.string(),
  reason: z.string(),
  guardian: z.object({ name: z.string(), relation: z.string(), phone: z.string().nullable() }),
});

export const ReferralFeedback = z
  .object({
    /** 建议 */
    advice: Text(2000).min(1, '请填写建议'),
    /** 可否返校 */
    mayReturn: z.boolean(),
    /** from when (required when the student may return) */
    returnFrom: z.iso.date().nullable().default(null),
    /** follow-up interval in days */
    followUpDays: z.number().int().min(1).max(365).nullable().default(null),
    notes: Text(2000).default(''),
  })
  .strict();

export const ReferralConsent = z
  .object({
    /** the guardian on the student's record who consented (name, relation and phone are taken from it) */
    guardianId: z.uuid().optional(),
    guardianName: Text(30).min(1, '请填写同意转介的监护人'),
    relation: Text(20).min(1, '请填写与学生的关系'),
    phone: Text(40).optional(),
    method: ConsentMethod,
    at: z.iso.datetime({ offset: true, message: '请填写同意的时间' }),
  })
  .strict();

export const CreateReferralBody = z
  .object({
    studentId: z.uuid(),
    institutionId: z.uuid({ message: '请选择转介机构' }),
    severity: Severity,
    reason: Text(2000).min(1, '请填写转介原因'),
    caseId: z.uuid().optional(),
    consent: ReferralConsent.optional(),
    clientId: z.uuid(),
  })
  .strict();

/** A referral as the school sees it. */
export const Referral = z.object({
  id: z.uuid(),
  studentId: z.uuid(),
  studentName: z.string(),
  className: z.string(),
  schoolName: z.string(),
  caseId: z.uuid().nullable(),
  institutionId: z.uuid(),
  institutionName: z.string(),
  clinicianName: z.string().nullable(),
  severity: Severity,
  status: Status,
  sentAt: z.string(),
  sentByName: z.string(),
  acceptBy: z.string(),
  overdue: z.boolean(),
  escalatedAt: z.string().nullable(),
  acceptedAt: z.string().nullable(),
  declinedAt: z.string().nullable(),
  declineReason: z.string().nullable(),
  seenAt: z.string().nullable(),
  feedbackAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  closedByName: z.string().nullable(),
  returnPlanId: z.uuid().nullable(),
});

export const ReferralDetail = Referral.extend({
  shared: ReferralShared,
  consent: z.object({ guardianName: z.string(), relation: z.string(), method: ConsentMethod, at: z.string(), recordedByName: z.string() }),
  feedback: ReferralFeedback.nullable(),
  events: z.array(Event),
  can: z.object({ close: z.boolean(), resend: z.boolean(), returnPlan: z.boolean() }),
});

export const ReferralQuery = z.object({
  status: z.enum(['sent', 'accepted', 'declined', 'seen', 'feedback', 'closed', 'open']).optional(),
  studentId: z.uuid().optional(),
  caseId: z.uuid().optional(),
  overdue: z.enum(['true']).optional(),
  page: z.coerce.number().int().min(1).max(100000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export const CloseReferralBody = z.object({ note: Text(1000).default('') }).strict();
export const ResendReferralBody = z.object({ institutionId: z.uuid({ message: '请选择转介机构' }) }).strict();

/** What the referral form needs about a student: class, guardians, the open case. */
export const ReferralStudentContext = z.object({
  student: z.object({ id: z.uuid(), name: z.string(), className: z.string(), schoolName: z.string(), age: z.number().int() }),
  guardians: z.array(z.object({ id: z.uuid(), name: z.string(), relation: z.string(), phone: z.string().nullable() })),
  openCaseId: z.uuid().nullable(),
});

// --- the clinician's side -------------------------------------------------------------------------

/** A referral as a clinician of the institution sees it: the shared minimum, never the record. */
export const ClinicReferral = z.object({
  id: z.uuid(),
  institutionName: z.string(),
  severity: Severity,
  status: Status,
  shared: ReferralShared,
  sentAt: z.string(),
  acceptBy: z.string(),
  clinicianName: z.string().nullable(),
  mine: z.boolean(),
  declineReason: z.string().nullable(),
  acceptedAt: z.string().nullable(),
  seenAt: z.string().nullable(),
  feedback: ReferralFeedback.nullable(),
  feedbackAt: z.string().nullable(),
  can: z.object({ accept: z.boolean(), decline: z.boolean(), seen: z.boolean(), feedback: z.boolean() }),
});

export const ClinicReferralQuery = z.object({ status: z.enum(['pending', 'active', 'done']).optional() });
export const DeclineReferralBody = z.object({ reason: Text(1000).min(1, '请填写不能接收的原因') }).strict();
export const SeenReferralBody = z.object({ seenAt: z.iso.datetime({ offset: true }).optional() }).strict();

// --- return to school -----------------------------------------------------------------------------

export const ReturnAssessment = z
  .object({ date: z.iso.date({ message: '请填写评估日期' }), by: Text(60).min(1, '请填写评估人'), findings: Text(2000).min(1, '请填写评估结论'), ready: z.boolean() })
  .strict();
export const ReturnAdjustments = z
  .object({ class: Text(500).default(''), exams: Text(500).default(''), workload: Text(500).default(''), careTeacher: Text(100).default(''), counseling: Text(200).default('') })
  .strict();
export const ReturnCertificate = z.object({ number: Text(60).default(''), date: z.iso.date().nullable().default(null), text: Text(2000).default('') }).strict();

export const CreateReturnPlanBody = z
  .object({
    studentId: z.uuid(),
    referralId: z.uuid().optional(),
    caseId: z.uuid().optional(),
    certificate: ReturnCertificate.nullable().default(null),
    assessment: ReturnAssessment,
    adjustments: ReturnAdjustments,
    returnDate: z.iso.date({ message: '请填写返校日期' }),
    followUpWeeks: z.number().int().min(1, '跟踪至少 1 周').max(26, '跟踪不超过 26 周'),
    clientId: z.uuid(),
  })
  .strict();

export const ReturnFollowUp = z.object({ id: z.uuid(), seq: z.number().int(), dueDate: z.string(), doneAt: z.string().nullable(), doneByName: z.string().nullable(), note: z.string().nullable(), overdue: z.boolean() });

export const ReturnPlan = z.object({
  id: z.uuid(),
  studentId: z.uuid(),
  studentName: z.string(),
  className: z.string(),
  caseId: z.uuid().nullable(),
  referralId: z.uuid().nullable(),
  status: z.enum(['active', 'closed']),
  returnDate: z.string(),
  followUpWeeks: z.number().int(),
  done: z.number().int(),
  nextDue: z.string().nullable(),
  overdue: z.boolean(),
  createdByName: z.string(),
  createdAt: z.string(),
  closedAt: z.string().nullable(),
});

export const ReturnPlanDetail = ReturnPlan.extend({
  certificate: ReturnCertificate.nullable(),
  assessment: ReturnAssessment,
  adjustments: ReturnAdjustments,
  closedByName: z.string().nullable(),
  closureNote: z.string().nullable(),
  followUps: z.array(ReturnFollowUp),
  can: z.object({ manage: z.boolean() }),
});

export const ReturnPlanQuery = z.object({
  status: z.enum(['active', 'closed']).optional(),
  studentId: z.uuid().optional(),
  caseId: z.uuid().optional(),
  page: z.coerce.number().int().min(1).max(100000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export const FollowUpDoneBody = z.object({ note: Text(2000).min(1, '请填写跟踪情况') }).strict();
export const CloseReturnPlanBody = z.object({ note: Text(2000).min(1, '请填写结案说明') }).strict();
export const FollowUpParams = z.object({ id: z.uuid(), seq: z.coerce.number().int().min(1).max(26) });

// --- measures -------------------------------------------------------------------------------------

export const CounselingMeasuresQuery = z.object({
  unitId: z.coerce.number().int().positive().optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
});

const MeasureFigures = z.object({
  referralsSent: z.number().int(),
  referralsAccepted: z.number().int(),
  referralsWithFeedback: z.number().int(),
  /** with feedback / sent, 0..1; null when none was sent */
  feedbackShare: z.number().nullable(),
  medianAcceptHours: z.number().nullable(),
  medianFeedbackDays: z.number().nullable(),
  redAlerts: z.number().int(),
  redAlertsContacted: z.number().int(),
  redAlertsWithoutContact: z.number().int(),
  medianContactHours: z.number().nullable(),
  counselingHours: z.number(),
});

export const CounselingMeasures = z.object({
  unit: z.object({ id: z.number().int(), name: z.string(), kind: z.string() }),
  from: z.string(),
  to: z.string(),
  rows: z.array(MeasureFigures.extend({ schoolId: z.number().int(), schoolName: z.string() })),
  total: MeasureFigures,
});
