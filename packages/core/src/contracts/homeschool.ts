/** HTTP contracts of the homeschool module (zod): 家长学校微课与学分、家长课堂与出勤、家校协同概况. */
import { z } from 'zod';

const Text = (max: number) => z.string().trim().max(max, `不能超过 ${max} 个字`);
const Required = (max: number, what: string) => z.string().trim().min(1, `请填写${what}`).max(max, `${what}不能超过 ${max} 个字`);
const Day = z.iso.date({ message: '日期格式应为 YYYY-MM-DD' });
/** a session's date: a real day of 2020–2100 (a typo such as 0202 would otherwise be stored) */
const SessionDay = Day.refine((d) => d >= '2020-01-01' && d <= '2100-12-31', '日期应在 2020–2100 年之间');
const Year = z.coerce.number().int().min(2020, '年份应在 2020–2100 之间').max(2100, '年份应在 2020–2100 之间');

export const HsCourseKind = z.enum(['text', 'video']);

const courseFields = {
  title: Required(60, '标题'),
  summary: Text(200).default(''),
  kind: HsCourseKind,
  videoUrl: z.url({ protocol: /^https?$/, message: '视频链接应以 http:// 或 https:// 开头' }).max(500).nullable().optional(),
  body: Text(20000).default(''),
  minutes: z.number().int().min(1, '时长至少 1 分钟').max(600, '时长不超过 600 分钟'),
  credits: z.number().int().min(1, '学分至少 1').max(20, '学分不超过 20'),
  targetGrades: z.array(z.number().int().min(1).max(12)).max(12).default([]),
  year: z.number().int().min(2020, '年份应在 2020–2100 之间').max(2100, '年份应在 2020–2100 之间'),
  published: z.boolean().default(false),
};

export const CreateHsCourseBody = z.object({ clientId: z.uuid(), ownerUnitId: z.number().int().positive(), ...courseFields }).strict();
export const UpdateHsCourseBody = z
  .object({
    title: courseFields.title.optional(),
    summary: Text(200).optional(),
    kind: HsCourseKind.optional(),
    videoUrl: courseFields.videoUrl,
    body: Text(20000).optional(),
    minutes: courseFields.minutes.optional(),
    credits: courseFields.credits.optional(),
    targetGrades: z.array(z.number().int().min(1).max(12)).max(12).optional(),
    year: courseFields.year.optional(),
    published: z.boolean().optional(),
  })
  .strict();

export const HsCourse = z.object({
  id: z.uuid(),
  ownerUnitId: z.number().int(),
  ownerName: z.string(),
  ownerKind: z.enum(['city', 'district', 'school']),
  title: z.string(),
  summary: z.string(),
  kind: HsCourseKind,
  videoUrl: z.string().nullable(),
  body: z.string(),
  minutes: z.number().int(),
  credits: z.number().int(),
  targetGrades: z.array(z.number().int()),
  year: z.number().int(),
  published: z.boolean(),
  publishedAt: z.string().nullable(),
  /** parents (accounts) of students in the caller's scope who completed it */
  completions: z.number().int(),
  canManage: z.boolean(),
});
export const HsCourseListQuery = z.object({
  year: Year.optional(),
  published: z.enum(['true', 'false']).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export const HsCourseList = z.object({ items: z.array(HsCourse), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });

/** Units where the caller may publish courses / hold sessions (for the pickers). */
export const HsUnitOption = z.object({ id: z.number().int(), name: z.string(), kind: z.enum(['city', 'district', 'school', 'grade', 'class']), schoolId: z.number().int().nullable(), path: z.string() });
export const HsUnits = z.object({ courseOwners: z.array(HsUnitOption), sessionTargets: z.array(HsUnitOption) });

export const HsCreditStatus = z.object({
  year: z.number().int(),
  earned: z.number(),
  standard: z.number(),
  met: z.boolean(),
  remaining: z.number(),
  courses: z.number().int(),
});
export const HsStandardQuery = z.object({ year: Year.optional() });
export const HsStandard = z.object({ year: z.number().int(), credits: z.number().int(), isDefault: z.boolean(), canManage: z.boolean() });
export const HsStandardBody = z.object({ year: courseFields.year, credits: z.number().int().min(0, '学分标准不能为负').max(200, '学分标准不超过 200') }).strict();

// ---- parent sessions (家长课堂)

export const HsSessionTarget = z.enum(['school', 'grade', 'class']);
export const CreateHsSessionBody = z
  .object({
    clientId: z.uuid(),
    targetUnitId: z.number().int().positive(),
    date: SessionDay,
    topic: Required(80, '主题'),
    speaker: Text(40).default(''),
    mentalHealth: z.boolean().default(true),
  })
  .strict();
export const HsSession = z.object({
  id: z.uuid(),
  schoolId: z.number().int(),
  schoolName: z.string(),
  target: HsSessionTarget,
  targetUnitId: z.number().int(),
  targetName: z.string(),
  date: z.string(),
  topic: z.string(),
  speaker: z.string(),
  mentalHealth: z.boolean(),
  /** the check-in code, for those who manage the session */
  code: z.string().nullable(),
  createdByName: z.string(),
  /** families of students in the caller's scope the session is for, and how many attended */
  students: z.number().int(),
  attended: z.number().int(),
  canManage: z.boolean(),
});
export const HsSessionListQuery = z.object({
  schoolId: z.coerce.number().int().positive().optional(),
  from: Day.optional(),
  to: Day.optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export const HsSessionList = z.object({ items: z.array(HsSession), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });

/** without a class: the first class of the session the caller reaches */
export const HsSheetQuery = z.object({ classId: z.coerce.number().int().positive().optional() });
export const HsSheet = z.object({
  session: HsSession,
  classId: z.number().int(),
  className: z.string(),
  /** the classes of the session the caller may record, for the class picker */
  classes: z.array(z.object({ id: z.number().int(), name: z.string() })),
  rows: z.array(z.object({ studentId: z.uuid(), studentNo: z.string(), name: z.string(), attended: z.boolean(), source: z.enum(['sheet', 'checkin']).nullable() })),
  canRecord: z.boolean(),
});
export const HsSheetBody = z.object({ classId: z.number().int().positive(), attended: z.array(z.uuid()).max(200) }).strict();

// ---- overview (家校协同概况)

export const HsOverviewQuery = z.object({ year: Year.optional(), schoolId: z.coerce.number().int().positive().optional() });
export const HsOverviewRow = z.object({
  unitId: z.number().int(),
  name: z.string(),
  students: z.number().int(),
  /** null = fewer than 5 students (suppressed for the bureau) */
  sessionReached: z.number().int().nullable(),
  courseReached: z.number().int().nullable(),
  standardMet: z.number().int().nullable(),
  sessions: z.number().int(),
  meetsRule: z.boolean().nullable(),
});
export const HsOverview = z.object({
  year: z.number().int(),
  standard: z.number().int(),
  /** per school, or per class when a school is chosen (or the caller is one school's) */
  level: z.enum(['school', 'class']),
  rows: z.array(HsOverviewRow),
  courses: z.number().int(),
});

// ---- the parent's own pages (parentschool.learn)

export const MyHsCourse = z.object({
  id: z.uuid(),
  title: z.string(),
  summary: z.string(),
  kind: HsCourseKind,
  minutes: z.number().int(),
  credits: z.number().int(),
  ownerName: z.string(),
  learned: z.boolean(),
  learnedOn: z.string().nullable(),
});
export const MyHsCourseDetail = MyHsCourse.extend({ body: z.string(), videoUrl: z.string().nullable() });
export const MyHsSession = z.object({
  id: z.uuid(),
  date: z.string(),
  topic: z.string(),
  speaker: z.string(),
  schoolName: z.string(),
  targetName: z.string(),
  childName: z.string(),
  attended: z.boolean(),
});
export const MyHomeschool = z.object({
  credits: HsCreditStatus,
  courses: z.array(MyHsCourse),
  sessions: z.array(MyHsSession),
});
export const LearnedBody = z.object({}).strict();
export const CheckInBody = z.object({ code: z.string().trim().min(4, '请输入签到码').max(12, '签到码有误') }).strict();
export const CheckInResult = z.object({ session: MyHsSession, children: z.array(z.string()) });
