import { z } from 'zod';

const Localized = z.object({ 'zh-CN': z.string(), 'en-US': z.string() });

export const InstrumentSummary = z.object({
  key: z.string(),
  version: z.string(),
  title: Localized,
  licence: Localized,
  builtIn: z.boolean(),
  source: z.enum(['builtin', 'xinyu', 'fhir']),
  itemCount: z.number().int(),
  scales: z.array(z.object({ id: z.string(), name: Localized })),
  gradeLevels: z.array(z.number().int()),
});
export type InstrumentSummary = z.infer<typeof InstrumentSummary>;

export const InstrumentParams = z.object({ key: z.string().min(1).max(200), version: z.string().min(1).max(50) });

/** A definition in Xinyu's format, or a FHIR R4 Questionnaire with item scores in its extensions. */
export const ImportInstrumentBody = z
  .object({ format: z.enum(['xinyu', 'fhir']), document: z.record(z.string(), z.unknown()) })
  .strict();

// ---------------------------------------------------------------------------------------------
// Campaigns (测评活动)

const Ref = z.object({ key: z.string().min(1).max(200), version: z.string().min(1).max(50) }).strict();
const GradeBand = z.object({ gradeLevels: z.array(z.number().int().min(1).max(12)).min(1).max(12), instruments: z.array(Ref).min(1).max(10) }).strict();

export const CampaignStatus = z.enum(['draft', 'published', 'closed']);
export const WarningLevel = z.enum(['none', 'yellow', 'orange', 'red']);

const campaignShape = {
  title: z.string().trim().min(2).max(100),
  purpose: z.string().trim().min(10, '请说明测评目的（至少 10 个字），学生和家长会看到').max(2000),
  plan: z.array(GradeBand).min(1).max(12),
  /** org units whose students take part: the owner unit itself when empty */
  targetUnitIds: z.array(z.number().int().positive()).max(500),
  window: z.object({ start: z.iso.date(), end: z.iso.date() }).strict(),
  /** days before the window closes on which unfinished students and their teachers are reminded */
  reminderDaysBeforeEnd: z.array(z.number().int().min(0).max(60)).max(5),
  /** consent for every student; students under 14 always need it */
  consentForAll: z.boolean(),
};

/** Everything an author edits; edits after publication become a new version. */
export const CampaignFields = z
  .object({
    ...campaignShape,
    targetUnitIds: campaignShape.targetUnitIds.default([]),
    reminderDaysBeforeEnd: campaignShape.reminderDaysBeforeEnd.default([3, 1]),
    consentForAll: campaignShape.consentForAll.default(false),
  })
  .strict();

export const CreateCampaignBody = CampaignFields.extend({ ownerUnitId: z.number().int().positive() }).strict();
export const EditCampaignBody = z.object(campaignShape).partial().extend({ reason: z.string().trim().max(500).optional() }).strict();

export const Campaign = z.object({
  id: z.uuid(),
  title: z.string(),
  purpose: z.string(),
  status: CampaignStatus,
  version: z.number().int(),
  owner: z.object({ id: z.number().int(), name: z.string(), kind: z.string() }),
  plan: z.array(GradeBand),
  targets: z.array(z.object({ id: z.number().int(), name: z.string(), kind: z.string() })),
  window: z.object({ start: z.string(), end: z.string() }),
  reminderDaysBeforeEnd: z.array(z.number().int()),
  consentForAll: z.boolean(),
  publishedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  createdAt: z.string(),
  /** what the caller may do with it */
  can: z.object({ edit: z.boolean(), publish: z.boolean(), close: z.boolean(), release: z.boolean() }),
});
export type Campaign = z.infer<typeof Campaign>;

export const CampaignQuery = z.object({ status: CampaignStatus.optional() });

export const CampaignVersion = z.object({ version: z.number().int(), editedBy: z.string().nullable(), editedAt: z.string(), reason: z.string().nullable(), changed: z.array(z.string()) });

/** A school releases a published campaign to some of its classes; each gets a code for shared PCs. */
export const ReleaseBody = z.object({ classIds: z.array(z.number().int().positive()).min(1).max(500) }).strict();
export const Release = z.object({
  classId: z.number().int(),
  className: z.string(),
  gradeLevel: z.number().int().nullable(),
  released: z.boolean(),
  inPlan: z.boolean(),
  classCode: z.string().nullable(),
  releasedAt: z.string().nullable(),
  releasedBy: z.string().nullable(),
});
export const ReleaseQuery = z.object({ schoolId: z.coerce.number().int().positive() });

// ---------------------------------------------------------------------------------------------
// Consent (监护人知情同意)

export const ConsentDecision = z.enum(['granted', 'refused']);
export const RecordConsentBody = z
  .object({
    studentId: z.uuid(),
    decision: ConsentDecision,
    /** who signed the paper form */
    guardianName: z.string().trim().min(1).max(50),
    formDate: z.iso.date(),
    note: z.string().trim().max(500).optional(),
  })
  .strict();
export const GiveConsentBody = z.object({ studentId: z.uuid(), decision: ConsentDecision }).strict();
export const ConsentRow = z.object({
  studentId: z.uuid(),
  name: z.string(),
  studentNo: z.string(),
  needsConsent: z.boolean(),
  decision: ConsentDecision.nullable(),
  method: z.enum(['parent_account', 'paper_form']).nullable(),
  guardianName: z.string().nullable(),
  recordedBy: z.string().nullable(),
  recordedAt: z.string().nullable(),
});
export const ConsentQuery = z.object({ classId: z.coerce.number().int().positive() });

// ---------------------------------------------------------------------------------------------
// Answering (student side). Never carries a score, a band or a label.

export const ClassCodeLoginBody = z
  .object({
    classCode: z.string().trim().toUpperCase().regex(/^[A-Z0-9]{6}$/, '班级码是 6 位字母或数字'),
    studentNo: z.string().trim().toUpperCase().min(1).max(30),
    name: z.string().trim().min(1).max(50),
  })
  .strict();

export const MyTask = z.object({
  campaignId: z.uuid(),
  title: z.string(),
  purpose: z.string(),
  window: z.object({ start: z.string(), end: z.string() }),
  /** waiting_consent: a guardian has not yet agreed; refused: a guardian declined */
  consent: z.enum(['not_needed', 'waiting', 'granted', 'refused']),
  instruments: z.array(
    z.object({
      key: z.string(),
      version: z.string(),
      title: z.string(),
      itemCount: z.number().int(),
      status: z.enum(['not_started', 'in_progress', 'submitted']),
      answered: z.number().int(),
    }),
  ),
});

export const AnswerSheet = z.object({
  campaignId: z.uuid(),
  key: z.string(),
  version: z.string(),
  title: z.string(),
  instructions: z.string().nullable(),
  items: z.array(
    z.object({
      id: z.string(),
      text: z.string(),
      required: z.boolean(),
      options: z.array(z.object({ value: z.string(), label: z.string() })),
      /**
       * Skip logic as the page evaluates it: `exists`, `=`, `!=` on option values, and `in` (the
       * chosen option is one of `values`), which is how comparisons of option scores reach the page.
       */
      enableWhen: z.array(z.object({ item: z.string(), operator: z.string(), value: z.union([z.string(), z.number(), z.boolean()]).optional(), values: z.array(z.string()).optional() })).optional(),
      enableBehavior: z.enum(['all', 'any']).optional(),
    }),
  ),
  answers: z.record(z.string(), z.string()),
  startedAt: z.string().nullable(),
  status: z.enum(['not_started', 'in_progress', 'submitted']),
});

export const SheetParams = z.object({ campaignId: z.uuid(), key: z.string().min(1).max(200) });
const Answers = z.record(z.string().max(100), z.string().max(100)).refine((a) => Object.keys(a).length <= 500, '答案过多');
export const SaveDraftBody = z.object({ answers: Answers, startedAt: z.iso.datetime({ offset: true }) }).strict();
export const SubmitBody = z
  .object({
    /** generated once per answer sheet by the client: a retry or a double click stores one response */
    clientId: z.uuid(),
    answers: Answers,
    startedAt: z.iso.datetime({ offset: true }),
  })
  .strict();
export const SubmitAck = z.object({ status: z.literal('submitted'), submittedAt: z.string(), duplicate: z.boolean() });

// ---------------------------------------------------------------------------------------------
// Completion, results, re-check, sign-off

export const CompletionQuery = z.object({ unitId: z.coerce.number().int().positive().optional() });
export const CompletionRow = z.object({
  unitId: z.number().int(),
  name: z.string(),
  kind: z.string(),
  students: z.number().int(),
  released: z.number().int(),
  consentMissing: z.number().int(),
  started: z.number().int(),
  completed: z.number().int(),
});
export const Completion = z.object({ unit: CompletionRow, children: z.array(CompletionRow) });

export const PendingStudent = z.object({
  studentId: z.uuid(),
  name: z.string(),
  studentNo: z.string(),
  state: z.enum(['not_released', 'waiting_consent', 'consent_refused', 'not_started', 'in_progress']),
});
export const RemindBody = z.object({ classId: z.number().int().positive() }).strict();

export const ResultQuery = z.object({
  unitId: z.coerce.number().int().positive().optional(),
  level: WarningLevel.optional(),
  valid: z.enum(['true', 'false']).optional(),
  page: z.coerce.number().int().min(1).max(100000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export const ResultRow = z.object({
  responseId: z.uuid(),
  studentId: z.uuid(),
  name: z.string(),
  studentNo: z.string(),
  className: z.string(),
  instrument: z.object({ key: z.string(), version: z.string(), title: z.string() }),
  submittedAt: z.string(),
  durationSeconds: z.number().nullable(),
  warningLevel: WarningLevel,
  valid: z.boolean(),
  flags: z.array(z.string()),
  scales: z.array(z.object({ id: z.string(), name: z.string(), raw: z.number().nullable(), normed: z.number().nullable(), band: z.string().nullable(), level: WarningLevel.nullable() })),
  critical: z.array(z.object({ itemId: z.string(), level: WarningLevel, label: z.string().nullable() })),
  /** the re-check's final level, once the counselor has decided */
  finalLevel: WarningLevel.nullable(),
});

export const ResponseDetail = ResultRow.extend({
  answers: z.array(z.object({ itemId: z.string(), text: z.string(), answer: z.string().nullable() })),
  campaign: z.object({ id: z.uuid(), title: z.string() }),
  gender: z.enum(['male', 'female']),
  gradeLevel: z.number().int().nullable(),
  school: z.string(),
});

export const FollowUpStatus = z.enum(['awaiting_observation', 'awaiting_interview', 'decided']);
export const FollowUp = z.object({
  id: z.uuid(),
  campaignId: z.uuid(),
  studentId: z.uuid(),
  name: z.string(),
  className: z.string(),
  /** only for callers who may see results; a head teacher sees none */
  initialLevel: WarningLevel.nullable(),
  finalLevel: WarningLevel.nullable(),
  status: FollowUpStatus,
  observation: z.string().nullable(),
  observedBy: z.string().nullable(),
  observedAt: z.string().nullable(),
  interview: z.string().nullable(),
  interviewedAt: z.string().nullable(),
  decision: z.enum(['confirm', 'lower', 'raise', 'clear']).nullable(),
  reason: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
});
export const FollowUpQuery = z.object({ classId: z.coerce.number().int().positive().optional(), schoolId: z.coerce.number().int().positive().optional() });
export const ObservationBody = z.object({ observation: z.string().trim().min(5, '请至少写 5 个字').max(2000) }).strict();
export const InterviewBody = z
  .object({
    interview: z.string().trim().min(10, '访谈记录至少 10 个字').max(5000),
    interviewDate: z.iso.date(),
    decision: z.enum(['confirm', 'lower', 'raise', 'clear']),
    finalLevel: WarningLevel,
    reason: z.string().trim().min(2, '请说明理由').max(1000),
  })
  .strict();
export const SignOffBody = z.object({ schoolId: z.number().int().positive(), note: z.string().trim().max(1000).optional() }).strict();
export const SignOff = z.object({
  schoolId: z.number().int(),
  schoolName: z.string(),
  flagged: z.number().int(),
  decided: z.number().int(),
  signedBy: z.string().nullable(),
  signedAt: z.string().nullable(),
  note: z.string().nullable(),
});

// ---------------------------------------------------------------------------------------------
// Reports

export const ReportQuery = z.object({ unitId: z.coerce.number().int().positive().optional() });
/** A count, or null where fewer than 5 students would be shown outside their school. */
const Cell = z.number().int().nullable();
export const ReportBreakdown = z.object({
  key: z.string(),
  label: z.string(),
  total: Cell,
  levels: z.object({ none: Cell, yellow: Cell, orange: Cell, red: Cell }),
});
export const Report = z.object({
  campaign: z.object({ id: z.uuid(), title: z.string(), window: z.object({ start: z.string(), end: z.string() }) }),
  unit: z.object({ id: z.number().int(), name: z.string(), kind: z.string() }),
  suppressed: z.boolean(),
  participation: z.object({ students: z.number().int(), completed: z.number().int(), invalid: z.number().int() }),
  levels: z.object({ none: Cell, yellow: Cell, orange: Cell, red: Cell }),
  byUnit: z.array(ReportBreakdown),
  byGrade: z.array(ReportBreakdown),
  byGender: z.array(ReportBreakdown),
  bySchoolKind: z.array(ReportBreakdown),
  byBoarding: z.array(ReportBreakdown),
  byLeftBehind: z.array(ReportBreakdown),
  previous: z
    .object({ campaignId: z.uuid(), title: z.string(), completed: z.number().int(), levels: z.object({ none: Cell, yellow: Cell, orange: Cell, red: Cell }) })
    .nullable(),
});

