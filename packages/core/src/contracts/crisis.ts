/** Crisis cases (心理危机个案), case conferences (专家会诊, 跨校会商), guardian contacts and notices. */
import { z } from 'zod';
import { ANALYSIS_PARTS, RISK_LEVELS, SAFETY_PLAN_PARTS } from '../crisis/cases.js';
import { PageQuery } from './common.js';

const Text = (max: number) => z.string().trim().max(max);
const Required = (max: number, what: string) => z.string({ error: `请填写${what}` }).trim().min(1, `请填写${what}`).max(max, `${what}不能超过 ${max} 个字`);
const Risk = z.enum(RISK_LEVELS);
const TeamRole = z.enum(['counselor', 'leader', 'head_teacher', 'other']);
const CaseStatus = z.enum(['open', 'closed']);
const Instant = z.iso.datetime({ offset: true });
const ClientId = z.uuid({ error: '缺少请求编号，请刷新页面' });

// --- cases ----------------------------------------------------------------------------------------

export const CrisisCaseQuery = PageQuery.extend({
  status: z.enum(['open', 'closed', 'all']).default('open'),
  risk: Risk.optional(),
  q: Text(30).optional(),
  /** one student's cases (e.g. whether the student of an alert already has an open case) */
  studentId: z.uuid().optional(),
});

export const CrisisCaseItem = z.object({
  id: z.uuid(),
  studentId: z.uuid(),
  studentName: z.string(),
  className: z.string(),
  source: z.enum(['alert', 'session', 'direct']),
  riskLevel: Risk,
  status: CaseStatus,
  openedAt: z.string(),
  openedByName: z.string(),
  closedAt: z.string().nullable(),
  /** open tasks past their deadline */
  overdueTasks: z.number().int(),
  teamNames: z.array(z.string()),
});

/** Open a case directly (a student in scope) or from an alert (the student and the level come from the alert). */
export const OpenCrisisCaseBody = z
  .object({
    studentId: z.uuid().optional(),
    alertId: z.uuid().optional(),
    riskLevel: Risk.optional(),
    summary: Text(2000).optional(),
    /** a school leader to put on the team */
    leaderAccountId: z.uuid().optional(),
    clientId: ClientId,
  })
  .strict()
  .refine((b) => Boolean(b.studentId) !== Boolean(b.alertId), { message: '请选择学生（或从预警转入）', path: ['studentId'] });

export const OpenCrisisCaseResult = z.object({ id: z.uuid(), created: z.boolean() });

export const SafetyPlan = z.object(Object.fromEntries(SAFETY_PLAN_PARTS.map((p) => [p, z.array(Text(300)).max(30)])) as Record<(typeof SAFETY_PLAN_PARTS)[number], z.ZodArray<z.ZodString>>).strict();

export const SafetyPlanBody = z
  .object({
    plan: SafetyPlan,
    /** the version the editor started from (null: none yet); someone else's newer save is a 409 */
    baseUpdatedAt: z.string().nullable(),
  })
  .strict();

export const RiskBody = z.object({ riskLevel: Risk, reason: Required(500, '调整原因') }).strict();

export const TeamMember = z.object({
  id: z.uuid(),
  accountId: z.uuid(),
  name: z.string(),
  teamRole: TeamRole,
  addedAt: z.string(),
  removedAt: z.string().nullable(),
});

export const AddTeamMemberBody = z.object({ accountId: z.uuid({ error: '请选择人员' }), teamRole: TeamRole }).strict();
export const TeamMemberParams = z.object({ id: z.uuid(), memberId: z.uuid() });
export const TeamCandidate = z.object({ accountId: z.uuid(), name: z.string(), roles: z.array(z.string()) });

export const CrisisTask = z.object({
  id: z.uuid(),
  title: z.string(),
  assigneeAccountId: z.uuid().nullable(),
  assigneeName: z.string().nullable(),
  dueAt: z.string(),
  state: z.enum(['open', 'overdue', 'done', 'cancelled']),
  doneAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  doneByName: z.string().nullable(),
  note: z.string(),
});

export const AddTaskBody = z
  .object({ title: Required(200, '任务内容'), assigneeAccountId: z.uuid().nullable().optional(), dueAt: Instant, clientId: ClientId })
  .strict();
export const AssignTaskBody = z.object({ assigneeAccountId: z.uuid().nullable() }).strict();
export const TaskParams = z.object({ id: z.uuid(), taskId: z.uuid() });
export const FinishTaskBody = z.object({ outcome: z.enum(['done', 'cancelled']), note: Text(500).default('') }).strict()
  .refine((b) => b.outcome === 'done' || b.note.length > 0, { message: '取消任务请写明原因', path: ['note'] });

export const GuardianContact = z.object({
  id: z.uuid(),
  caseId: z.uuid().nullable(),
  referralId: z.uuid().nullable(),
  guardianId: z.uuid().nullable(),
  guardianName: z.string(),
  relation: z.string(),
  channel: z.enum(['phone', 'in_person', 'home_visit', 'video', 'message']),
  contactedAt: z.string(),
  contactedByName: z.string(),
  said: z.string(),
  response: z.string(),
});

export const GuardianContactBody = z
  .object({
    /** a guardian of the student on record, or a named other person (guardianName) */
    guardianId: z.uuid().nullable().optional(),
    guardianName: Text(50).optional(),
    relation: Text(20).default(''),
    channel: z.enum(['phone', 'in_person', 'home_visit', 'video', 'message'], { error: '请选择联系方式' }),
    contactedAt: Instant,
    said: Required(2000, '沟通内容'),
    response: Required(2000, '家长的反应'),
    referralId: z.uuid().nullable().optional(),
    clientId: ClientId,
  })
  .strict()
  .refine((b) => Boolean(b.guardianId) || Boolean(b.guardianName), { message: '请选择监护人或填写联系人姓名', path: ['guardianName'] });

export const StudentGuardian = z.object({ id: z.uuid(), name: z.string(), relation: z.string(), phone: z.string().nullable(), hasAccount: z.boolean() });

export const CrisisEvent = z.object({ id: z.number().int(), kind: z.string(), actorName: z.string().nullable(), detail: z.record(z.string(), z.unknown()).nullable(), at: z.string() });

export const CaseAnalysis = z.object(Object.fromEntries(ANALYSIS_PARTS.map((p) => [p, Text(5000)])) as Record<(typeof ANALYSIS_PARTS)[number], z.ZodString>).strict();
export const CloseCaseBody = z.object({ analysis: CaseAnalysis }).strict();

export const ConferenceParticipant = z.object({ name: Required(50, '参会人姓名'), organisation: Text(100).default(''), role: Text(50).default('') }).strict();

export const Conference = z.object({
  id: z.uuid(),
  caseId: z.uuid().nullable(),
  schoolId: z.number().int(),
  kind: z.enum(['expert', 'cross_school']),
  heldAt: z.string(),
  participants: z.array(z.object({ name: z.string(), organisation: z.string(), role: z.string() })),
  minutes: z.string(),
  decisions: z.string(),
  recordedByName: z.string(),
  studentName: z.string().nullable(),
});

export const ConferenceBody = z
  .object({
    kind: z.enum(['expert', 'cross_school']),
    /** the case it is about; a cross-school conference may stand alone for a school */
    caseId: z.uuid().nullable().optional(),
    schoolId: z.number().int().positive().optional(),
    heldAt: Instant,
    participants: z.array(ConferenceParticipant).min(1, '请至少填写一位参会人').max(50),
    minutes: Required(10000, '会议记录'),
    decisions: Required(5000, '会议决定'),
    clientId: ClientId,
  })
  .strict()
  .refine((b) => Boolean(b.caseId) || (b.kind === 'cross_school' && Boolean(b.schoolId)), { message: '专家会诊须关联个案；跨校会商不关联个案时请选择学校', path: ['caseId'] });

export const ConferenceQuery = z.object({ caseId: z.uuid().optional() });

export const CrisisCaseDetail = CrisisCaseItem.extend({
  schoolId: z.number().int(),
  alertId: z.uuid().nullable(),
  sessionId: z.uuid().nullable(),
  summary: z.string(),
  safetyPlan: SafetyPlan.nullable(),
  safetyPlanUpdatedAt: z.string().nullable(),
  safetyPlanUpdatedByName: z.string().nullable(),
  analysis: CaseAnalysis.nullable(),
  closedByName: z.string().nullable(),
  updatedAt: z.string(),
  team: z.array(TeamMember),
  tasks: z.array(CrisisTask),
  guardianContacts: z.array(GuardianContact),
  conferences: z.array(Conference),
  events: z.array(CrisisEvent),
  can: z.object({ manage: z.boolean(), close: z.boolean(), notifyGuardians: z.boolean() }),
});

export const CrisisStudentQuery = z.object({ q: Text(30).min(1, '请输入学生姓名或学号') });
export const CrisisStudent = z.object({ id: z.uuid(), name: z.string(), studentNo: z.string(), className: z.string(), openCaseId: z.uuid().nullable() });
export const StudentIdParam = z.object({ studentId: z.uuid() });

// --- guardian notices -----------------------------------------------------------------------------

export const GuardianNotice = z.object({
  id: z.uuid(),
  studentId: z.uuid(),
  studentName: z.string(),
  kind: z.string(),
  title: z.string(),
  body: z.string(),
  sentByName: z.string().nullable(),
  sentAt: z.string(),
});

/** What staff see of a notice: also how many guardian accounts it reached. */
export const GuardianNoticeSent = GuardianNotice.extend({ recipients: z.number().int() });

export const SendGuardianNoticeBody = z
  .object({ title: Required(60, '标题'), body: Required(2000, '内容'), caseId: z.uuid().nullable().optional(), clientId: ClientId })
  .strict();
