/**
 * Session records (咨询记录表), the school's supervisors (督导), the mailbox (心灵信箱) and hotline calls.
 * Notes and hotline summaries travel only in their own read routes (author and supervisors; audited).
 */
import { z } from 'zod';
import { PageQuery } from './common.js';

const Text = (max: number) => z.string().trim().max(max);

export const SESSION_KINDS = ['individual', 'group', 'guardian', 'phone', 'online'] as const;
export const SESSION_RISK_LEVELS = ['none', 'low', 'medium', 'high', 'imminent'] as const;
export const HOTLINE_CALLER_KINDS = ['student', 'parent', 'teacher', 'other'] as const;
export const HOTLINE_RISKS = ['none', 'low', 'medium', 'high'] as const;

// --- session records --------------------------------------------------------------------------------

/** The structured notes, sealed as one JSON: nothing of them is stored in clear. */
export const SessionNotes = z
  .object({
    presentingConcern: Text(4000).min(1, '请填写主诉/问题'),
    assessment: Text(4000).default(''),
    intervention: Text(4000).default(''),
    riskLevel: z.enum(SESSION_RISK_LEVELS),
    nextStep: Text(2000).default(''),
  })
  .strict();

export const SessionEscalate = z.enum(['alert', 'crisis']);

export const CreateSessionBody = z
  .object({
    clientId: z.uuid(),
    studentId: z.uuid(),
    kind: z.enum(SESSION_KINDS),
    date: z.iso.date(),
    durationMinutes: z.number().int().min(5, '时长至少 5 分钟').max(480, '时长不超过 480 分钟'),
    appointmentId: z.uuid().optional(),
    notes: SessionNotes,
    /** in one step: raise an alert through the warning module, or open a crisis case */
    escalate: SessionEscalate.optional(),
  })
  .strict();

export const AmendSessionBody = z.object({ notes: SessionNotes }).strict();
export const EscalateSessionBody = z.object({ escalate: SessionEscalate }).strict();

/** Session metadata: what session.write / session.supervise holders of the school may list (no notes). */
export const SessionMeta = z.object({
  id: z.uuid(),
  studentId: z.uuid(),
  studentName: z.string(),
  className: z.string(),
  kind: z.enum(SESSION_KINDS),
  date: z.string(),
  durationMinutes: z.number().int(),
  counselorAccountId: z.uuid(),
  counselorName: z.string(),
  appointmentId: z.uuid().nullable(),
  alertId: z.uuid().nullable(),
  crisisCaseId: z.uuid().nullable(),
  /** the caller is the author or a designated supervisor of the school */
  canReadNotes: z.boolean(),
  mine: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const NotesOut = z.object({ presentingConcern: z.string(), assessment: z.string(), intervention: z.string(), riskLevel: z.enum(SESSION_RISK_LEVELS), nextStep: z.string() });
export const SessionNotesOut = z.object({
  session: SessionMeta,
  notes: NotesOut,
  /** what the notes said before each amendment, newest first: nothing written is ever lost */
  earlierVersions: z.array(z.object({ notes: NotesOut, replacedAt: z.string(), replacedByName: z.string() })),
  /** this read was written to the audit log */
  audited: z.literal(true),
});

export const SessionQuery = PageQuery.extend({
  studentId: z.uuid().optional(),
  mine: z.enum(['true']).optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
});

export const CreateSessionResult = SessionMeta.extend({ duplicate: z.boolean() });

// --- supervisors ------------------------------------------------------------------------------------

export const Supervisor = z.object({ id: z.uuid(), schoolId: z.number().int(), accountId: z.uuid(), name: z.string(), designatedByName: z.string(), createdAt: z.string() });
export const SupervisorCandidate = z.object({ accountId: z.uuid(), name: z.string(), roles: z.array(z.string()), designated: z.boolean() });
export const SupervisorQuery = z.object({ schoolId: z.coerce.number().int().positive().optional() });
export const SupervisorList = z.object({
  school: z.object({ id: z.number().int(), name: z.string() }),
  /** the caller may designate and remove (a school leader of the school) */
  canManage: z.boolean(),
  items: z.array(Supervisor),
  candidates: z.array(SupervisorCandidate),
});
export const DesignateSupervisorBody = z.object({ schoolId: z.number().int().positive().optional(), accountId: z.uuid() }).strict();

// --- mailbox ----------------------------------------------------------------------------------------

export const MailboxPostBody = z
  .object({
    clientId: z.uuid(),
    subject: Text(100).min(1, '请写一个标题'),
    body: Text(5000).min(1, '请写下想说的话'),
    anonymous: z.boolean(),
  })
  .strict();

export const MailboxMessage = z.object({ id: z.uuid(), authorKind: z.enum(['student', 'counselor']), authorName: z.string().nullable(), body: z.string(), createdAt: z.string() });

/** A thread as its writer sees it: no flags, no priority. */
export const MailboxThreadForWriter = z.object({
  id: z.uuid(),
  subject: z.string(),
  anonymous: z.boolean(),
  status: z.enum(['open', 'answered', 'closed']),
  createdAt: z.string(),
  lastMessageAt: z.string(),
  messages: z.array(MailboxMessage),
});

export const MailboxPostResult = z.object({
  thread: MailboxThreadForWriter.nullable(),
  /** anonymous only, shown once: the key to read the replies */
  code: z.string().nullable(),
  duplicate: z.boolean(),
});

export const MailboxWriterSummary = z.object({ id: z.uuid(), subject: z.string(), status: z.enum(['open', 'answered', 'closed']), createdAt: z.string(), lastMessageAt: z.string(), replies: z.number().int() });

export const MailboxCodeBody = z.object({ code: z.string().trim().min(1, '请输入提取码').max(40) }).strict();
export const MailboxCodeReplyBody = MailboxCodeBody.extend({ clientId: z.uuid(), body: Text(5000).min(1, '请写下想说的话') }).strict();
export const MailboxReplyBody = z.object({ clientId: z.uuid(), body: Text(5000).min(1, '请写下回复') }).strict();

/** A thread as the school's counselors see it. */
export const MailboxThreadStaff = z.object({
  id: z.uuid(),
  subject: z.string(),
  anonymous: z.boolean(),
  studentId: z.uuid().nullable(),
  studentName: z.string().nullable(),
  className: z.string().nullable(),
  status: z.enum(['open', 'answered', 'closed']),
  priority: z.boolean(),
  flaggedTerms: z.array(z.string()),
  createdAt: z.string(),
  lastMessageAt: z.string(),
  messageCount: z.number().int(),
});
export const MailboxThreadStaffDetail = MailboxThreadStaff.extend({ messages: z.array(MailboxMessage) });
export const MailboxStaffQuery = PageQuery.extend({ status: z.enum(['open', 'answered', 'closed', 'active']).optional() });

export const MailboxRules = z.object({ keywords: z.array(z.string()), isDefault: z.boolean(), defaults: z.array(z.string()), updatedBy: z.string().nullable(), updatedAt: z.string().nullable() });
export const MailboxRulesBody = z.object({ keywords: z.array(z.string().trim().min(1).max(30)).max(200) }).strict();

// --- hotline ----------------------------------------------------------------------------------------

export const HotlineCallBody = z
  .object({
    clientId: z.uuid(),
    callerKind: z.enum(HOTLINE_CALLER_KINDS),
    studentId: z.uuid().optional(),
    startedAt: z.iso.datetime({ offset: true }),
    durationMinutes: z.number().int().min(1, '时长至少 1 分钟').max(600, '时长不超过 600 分钟'),
    risk: z.enum(HOTLINE_RISKS),
    summary: Text(4000).min(1, '请填写通话摘要'),
  })
  .strict();

export const HotlineCall = z.object({
  id: z.uuid(),
  callerKind: z.enum(HOTLINE_CALLER_KINDS),
  studentId: z.uuid().nullable(),
  studentName: z.string().nullable(),
  startedAt: z.string(),
  durationMinutes: z.number().int(),
  risk: z.enum(HOTLINE_RISKS),
  counselorAccountId: z.uuid(),
  counselorName: z.string(),
  canReadSummary: z.boolean(),
  mine: z.boolean(),
  createdAt: z.string(),
});
export const HotlineQuery = PageQuery.extend({ mine: z.enum(['true']).optional() });
export const HotlineSummaryOut = z.object({ call: HotlineCall, summary: z.string(), audited: z.literal(true) });
