/** HTTP contracts of the supervision module (zod). */
import { z } from 'zod';

// ── Targets (四张清单), metrics, funding (经费), model-school rating (示范校评估) — helper D1 ──────────

const Text = (max: number) => z.string().trim().max(max, `不能超过 ${max} 个字`);
const Day = z.iso.date({ message: '日期格式应为 YYYY-MM-DD' });
const Year = z.coerce.number().int().min(2020, '年度应在 2020–2100 之间').max(2100, '年度应在 2020–2100 之间');

export const MetricUnit = z.enum(['percent', 'yuan_per_student', 'per_thousand', 'count']);
export const MetricInfo = z.object({
  key: z.string(),
  label: z.object({ zh: z.string(), en: z.string() }),
  unit: MetricUnit,
  definition: z.object({ zh: z.string(), en: z.string() }),
});
export const MetricList = z.object({ items: z.array(MetricInfo) });

export const TargetList = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]);
export const Comparator = z.enum(['at_least', 'at_most']);
export const ManualStatus = z.enum(['not_started', 'in_progress', 'done']);
export const Milestone = z.object({ title: Text(200).min(1, '请填写里程碑'), due: Day.nullable().default(null), done: z.boolean().default(false), evidence: Text(2000).default('') }).strict();

const TargetFields = {
  list: TargetList,
  task: Text(500).min(1, '请填写任务内容'),
  metricKey: z.string().max(80).nullable(),
  comparator: Comparator.nullable(),
  targetValue: z.number().finite().nullable(),
  /** district id → that district's target value */
  overrides: z.record(z.string().regex(/^\d+$/), z.number().finite()),
  deadline: Day.nullable(),
  responsibleUnit: Text(200),
  manualStatus: ManualStatus.nullable(),
  milestones: z.array(Milestone).max(30),
  evidence: Text(4000),
};

export const CreateTargetBody = z.object({
  clientId: z.uuid(),
  year: Year,
  ...TargetFields,
  metricKey: TargetFields.metricKey.default(null),
  comparator: TargetFields.comparator.default(null),
  targetValue: TargetFields.targetValue.default(null),
  overrides: TargetFields.overrides.default({}),
  deadline: TargetFields.deadline.default(null),
  responsibleUnit: TargetFields.responsibleUnit.default(''),
  manualStatus: TargetFields.manualStatus.default(null),
  milestones: TargetFields.milestones.default([]),
  evidence: TargetFields.evidence.default(''),
}).strict();
/** only the fields sent change */
export const UpdateTargetBody = z.object({ ...TargetFields, active: z.boolean() }).partial().strict();
export const TargetYearQuery = z.object({ year: Year });

export const Progress = z.object({
  /** null (with value, met and progress) when suppressed */
  numerator: z.number().nullable(),
  denominator: z.number().nullable(),
  value: z.number().nullable(),
  target: z.number().nullable(),
  met: z.boolean().nullable(),
  progress: z.number().nullable(),
  /** a metric that counts students, 1–4 of them, read from outside the school (or hidden so it cannot be worked out from the total) */
  suppressed: z.boolean(),
});

export const Target = z.object({
  id: z.uuid(),
  year: z.number().int(),
  list: z.number().int(),
  seq: z.number().int(),
  task: z.string(),
  ownerUnitId: z.number().int(),
  ownerName: z.string(),
  /** set by the city (applies to every district) or by a district for itself */
  ownerKind: z.enum(['city', 'district']),
  metricKey: z.string().nullable(),
  metric: MetricInfo.nullable(),
  comparator: Comparator.nullable(),
  targetValue: z.number().nullable(),
  overrides: z.record(z.string(), z.number()),
  deadline: z.string().nullable(),
  responsibleUnit: z.string(),
  manualStatus: ManualStatus.nullable(),
  milestones: z.array(z.object({ title: z.string(), due: z.string().nullable(), done: z.boolean(), evidence: z.string() })),
  evidence: z.string(),
  active: z.boolean(),
  canEdit: z.boolean(),
  /** for the caller's own area (the city, or the caller's district); null when not bound to a metric */
  progress: Progress.nullable(),
  updatedAt: z.string(),
});
export const TargetListOut = z.object({ year: z.number().int(), canManage: z.boolean(), items: z.array(Target) });

export const TargetVersion = z.object({ metricKey: z.string().nullable(), comparator: z.string().nullable(), targetValue: z.number().nullable(), overrides: z.record(z.string(), z.number()), byName: z.string(), at: z.string() });
export const TargetDetail = Target.extend({ versions: z.array(TargetVersion) });

export const ProgressQuery = z.object({ districtId: z.coerce.number().int().positive().optional() });
const UnitProgress = Progress.extend({ id: z.number().int(), name: z.string() });
export const TargetProgress = z.object({
  target: Target,
  period: z.object({ from: z.string(), to: z.string() }),
  /** the caller's area: the city for the city bureau, the district for a district bureau */
  area: UnitProgress,
  districts: z.array(UnitProgress),
  /** the chosen district (or the caller's); null with the city's municipal schools in `schools` */
  district: z.object({ id: z.number().int(), name: z.string() }).nullable(),
  /** schools of the chosen district (or of the caller's district; the municipal schools when a city reader chose none) */
  schools: z.array(UnitProgress),
});

export const TargetSchoolParams = z.object({ id: z.uuid(), schoolId: z.coerce.number().int().positive() });
export const TargetRecordsOut = z.object({
  metric: MetricInfo,
  school: z.object({ id: z.number().int(), name: z.string() }),
  figure: Progress,
  columns: z.array(z.object({ key: z.string(), title: z.string() })),
  rows: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.null()]))),
});

// Funding (经费)
export const FundingQuery = z.object({ year: Year, districtId: z.coerce.number().int().positive().optional() });
export const CreateFundingBody = z.object({
  clientId: z.uuid(),
  schoolId: z.number().int().positive('请选择学校'),
  year: Year,
  amountYuan: z.number().positive('金额必须大于 0').max(100_000_000, '金额过大'),
  source: Text(200).default(''),
  purpose: Text(500).default(''),
}).strict();
export const FundingRecord = z.object({ id: z.uuid(), schoolId: z.number().int(), schoolName: z.string(), year: z.number().int(), amountYuan: z.number(), source: z.string(), purpose: z.string(), createdByName: z.string(), createdAt: z.string() });
export const FundingSchool = z.object({ schoolId: z.number().int(), schoolName: z.string(), districtName: z.string(), students: z.number().int(), amountYuan: z.number(), perStudent: z.number().nullable(), met: z.boolean() });
export const FundingOut = z.object({ year: z.number().int(), standard: z.number(), canManage: z.boolean(), schools: z.array(FundingSchool), records: z.array(FundingRecord) });
export const FundingImportResult = z.object({ imported: z.number().int() });

// Model-school rating (示范校评估)
export const RatingDimension = z.enum(['staffing', 'courses', 'services', 'homeschool', 'activities']);
export const RatingCriterion = z.object({
  id: z.string().trim().min(1).max(40),
  dimension: RatingDimension,
  title: Text(200),
  weight: z.number().finite(),
  maxScore: z.number().finite(),
  metricKey: z.string().max(80).nullable().default(null),
  metricTarget: z.number().finite().nullable().default(null),
}).strict();
export const RatingSchemeBody = z.object({
  title: Text(200).min(1, '请填写方案名称'),
  criteria: z.array(RatingCriterion).max(60),
  modelThreshold: z.number().finite(),
  qualifiedThreshold: z.number().finite(),
}).strict();
export const RatingScheme = RatingSchemeBody.extend({ id: z.uuid(), year: z.number().int(), updatedByName: z.string(), updatedAt: z.string(), canManage: z.boolean() });
export const YearParam = z.object({ year: Year });

export const RatingResult = z.enum(['model', 'qualified', 'failed']);
export const RatingStatus = z.enum(['none', 'draft', 'submitted', 'returned', 'approved']);
const SelfEntry = z.object({ score: z.number().finite().min(0, '得分不能为负').nullable().default(null), evidence: Text(4000).default(''), links: z.array(z.url('链接格式不正确').max(500)).max(10).default([]) }).strict();
const ReviewEntry = z.object({ score: z.number().finite().min(0, '得分不能为负').nullable().default(null), comment: Text(2000).default('') }).strict();
export const RatingSelfBody = z.object({ year: Year, self: z.record(z.string(), SelfEntry), submit: z.boolean().default(false) }).strict();
export const RatingReviewBody = z.object({ decision: z.enum(['approve', 'return']), review: z.record(z.string(), ReviewEntry), comment: Text(2000).default('') }).strict();
export const SchoolParam = z.object({ schoolId: z.coerce.number().int().positive() });
export const RatingYearQuery = z.object({ year: Year });

export const RatingEvaluation = z.object({
  id: z.uuid().nullable(),
  year: z.number().int(),
  schoolId: z.number().int(),
  schoolName: z.string(),
  status: RatingStatus,
  scheme: RatingScheme,
  /** live values of the metric-bound criteria, for the school */
  metricValues: z.record(z.string(), z.number().nullable()),
  self: z.record(z.string(), z.object({ score: z.number().nullable(), evidence: z.string(), links: z.array(z.string()) })),
  review: z.record(z.string(), z.object({ score: z.number().nullable(), comment: z.string() })),
  reviewComment: z.string(),
  selfTotal: z.number(),
  total: z.number().nullable(),
  byDimension: z.record(z.string(), z.number().nullable()),
  result: RatingResult.nullable(),
  submittedAt: z.string().nullable(),
  reviewedAt: z.string().nullable(),
  reviewerName: z.string().nullable(),
  canSubmit: z.boolean(),
  canReview: z.boolean(),
});
export const RatingQueueItem = z.object({ id: z.uuid(), schoolId: z.number().int(), schoolName: z.string(), districtName: z.string(), status: RatingStatus, selfTotal: z.number().nullable(), total: z.number().nullable(), result: RatingResult.nullable(), submittedAt: z.string().nullable() });
export const RatingQueue = z.object({ year: z.number().int(), items: z.array(RatingQueueItem) });

// --- the supervision dashboard (helper D2) ---
export * from './supervision-dashboard.js';
