/** HTTP contracts of the education module (zod): 心理健康课, 活动, 心理社团. */
import { z } from 'zod';

const Day = z.iso.date({ message: '日期格式应为 YYYY-MM-DD' });
const Text = (max: number) => z.string().trim().max(max, `不能超过 ${max} 个字`);
const Minutes = z.number().int().min(10, '课时长度至少 10 分钟').max(240, '课时长度最多 240 分钟');
const Weekday = z.number().int().min(1, '星期应为 1（周一）到 7（周日）').max(7, '星期应为 1（周一）到 7（周日）');

export const TermInfo = z.object({ name: z.string(), start: z.string(), end: z.string(), asOf: z.string(), fromCalendar: z.boolean() });

export const Lesson = z.object({
  id: z.uuid(),
  schoolId: z.number().int(),
  classId: z.number().int(),
  className: z.string(),
  date: z.string(),
  topic: z.string(),
  teacherStaffId: z.uuid().nullable(),
  teacherName: z.string(),
  minutes: z.number().int(),
  note: z.string(),
  source: z.enum(['manual', 'bulk', 'import']),
  createdByName: z.string(),
  createdAt: z.string(),
  /** the caller recorded it within the last 30 days and may still change or delete it */
  canEdit: z.boolean(),
});

export const LessonListQuery = z.object({
  schoolId: z.coerce.number().int().positive().optional(),
  classId: z.coerce.number().int().positive().optional(),
  from: Day.optional(),
  to: Day.optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export const LessonList = z.object({ items: z.array(Lesson), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });

export const CreateLessonBody = z
  .object({
    classId: z.number().int().positive(),
    date: Day,
    topic: Text(100).min(1, '请填写课题'),
    /** a staff member of the school; absent: the caller */
    teacherStaffId: z.uuid().optional(),
    minutes: Minutes.default(40),
    note: Text(500).default(''),
    clientId: z.uuid(),
  })
  .strict();

export const UpdateLessonBody = z
  .object({ date: Day.optional(), topic: Text(100).min(1, '请填写课题').optional(), teacherStaffId: z.uuid().optional(), minutes: Minutes.optional(), note: Text(500).optional() })
  .strict();

export const BulkLessonBody = z
  .object({
    classIds: z.array(z.number().int().positive()).min(1, '请选择班级').max(500, '一次最多选择 500 个班级'),
    weekdays: z.array(Weekday).min(1, '请选择星期').max(7),
    from: Day,
    to: Day,
    teacherStaffId: z.uuid().optional(),
    /** one topic for all lessons, or one per week (the last repeats) */
    topics: z.array(Text(100).min(1, '课题不能为空')).min(1, '请填写课题').max(60, '最多填写 60 个课题'),
    minutes: Minutes.default(40),
    /** true: only count what would be created */
    preview: z.boolean().default(false),
  })
  .strict();

export const BulkLessonResult = z.object({
  classes: z.number().int(),
  dates: z.array(z.string()),
  /** lessons planned (classes × dates), of which already recorded, and created now (0 in a preview) */
  planned: z.number().int(),
  existing: z.number().int(),
  created: z.number().int(),
});

export const LessonImportError = z.object({ row: z.number().int(), column: z.string(), message: z.string() });
export const LessonImportResult = z.object({ ok: z.boolean(), rows: z.number().int(), imported: z.number().int(), existing: z.number().int(), errors: z.array(LessonImportError), message: z.string() });
export const SchoolQuery = z.object({ schoolId: z.coerce.number().int().positive() });
/** a school, or (a head teacher) one class: its school's classes in the caller's scope */
export const ClassesQuery = z.object({ schoolId: z.coerce.number().int().positive().optional(), classId: z.coerce.number().int().positive().optional() }).refine((q) => q.schoolId || q.classId, { message: '请选择学校或班级', path: ['schoolId'] });

export const ClassCompliance = z.object({
  classId: z.number().int(),
  className: z.string(),
  gradeLevel: z.number().int().nullable(),
  lessons: z.number().int(),
  requiredSoFar: z.number().int(),
  longestGap: z.number().int(),
  lastLesson: z.string().nullable(),
  countOk: z.boolean(),
  windowOk: z.boolean(),
  compliant: z.boolean(),
  /** may the caller record lessons for this class */
  canRecord: z.boolean(),
});
export const SchoolClasses = z.object({ term: TermInfo, schoolId: z.number().int(), schoolName: z.string(), classes: z.array(ClassCompliance) });

export const OverviewQuery = z.object({ unitId: z.coerce.number().int().positive().optional() });
export const SchoolEducation = z.object({
  schoolId: z.number().int(),
  schoolName: z.string(),
  districtName: z.string(),
  classes: z.number().int(),
  compliantClasses: z.number().int(),
  lessons: z.number().int(),
  offersLessons: z.boolean(),
  infusion: z.number().int(),
  infusionOk: z.boolean(),
  researchMissing: z.array(z.string()),
  researchOk: z.boolean(),
  themed: z.number().int(),
  clubs: z.number().int(),
});
export const EducationOverview = z.object({ term: TermInfo, schools: z.array(SchoolEducation) });

export const ActivityKind = z.enum(['infusion', 'research', 'themed']);
export const ActivityTheme = z.enum(['mh_day', 'wmh_day', 'term_start', 'exam_relief', 'graduating', 'other']);
export const Activity = z.object({
  id: z.uuid(),
  unitId: z.number().int(),
  unitName: z.string(),
  kind: ActivityKind,
  theme: ActivityTheme.nullable(),
  title: z.string(),
  date: z.string(),
  participants: z.number().int(),
  summary: z.string(),
  evidenceUrl: z.string().nullable(),
  createdByName: z.string(),
  canEdit: z.boolean(),
});
export const ActivityListQuery = z.object({
  unitId: z.coerce.number().int().positive().optional(),
  kind: ActivityKind.optional(),
  from: Day.optional(),
  to: Day.optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export const ActivityList = z.object({ items: z.array(Activity), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });
export const CreateActivityBody = z
  .object({
    /** a school, or a district for a teaching-research activity held for its schools */
    unitId: z.number().int().positive(),
    kind: ActivityKind,
    theme: ActivityTheme.optional(),
    title: Text(100).min(1, '请填写活动名称'),
    date: Day,
    participants: z.number().int().min(0, '人数不能为负').max(100000, '人数不能超过 100000').default(0),
    summary: Text(1000).default(''),
    evidenceUrl: z.url({ message: '请填写有效的链接（http:// 或 https://）', protocol: /^https?$/ }).max(500).optional(),
    clientId: z.uuid(),
  })
  .strict();

export const Club = z.object({
  id: z.uuid(),
  schoolId: z.number().int(),
  schoolName: z.string(),
  name: z.string(),
  advisorStaffId: z.uuid().nullable(),
  advisorName: z.string(),
  members: z.number().int(),
  foundedOn: z.string().nullable(),
  active: z.boolean(),
  canEdit: z.boolean(),
});
export const ClubListQuery = z.object({ schoolId: z.coerce.number().int().positive().optional(), includeInactive: z.enum(['true', 'false']).optional() });
export const ClubList = z.object({ items: z.array(Club), bySchool: z.array(z.object({ schoolId: z.number().int(), schoolName: z.string(), active: z.number().int() })) });
export const CreateClubBody = z
  .object({
    schoolId: z.number().int().positive(),
    name: Text(50).min(1, '请填写社团名称'),
    advisorStaffId: z.uuid().optional(),
    members: z.number().int().min(0, '人数不能为负').max(10000, '人数不能超过 10000').default(0),
    foundedOn: Day.optional(),
    clientId: z.uuid(),
  })
  .strict();
export const UpdateClubBody = z
  .object({ name: Text(50).min(1, '请填写社团名称').optional(), advisorStaffId: z.uuid().optional(), members: z.number().int().min(0, '人数不能为负').max(10000, '人数不能超过 10000').optional(), foundedOn: Day.nullable().optional(), active: z.boolean().optional() })
  .strict();

export const Teacher = z.object({ id: z.uuid(), name: z.string(), subject: z.string().nullable(), isMe: z.boolean() });
export const TeacherList = z.object({ items: z.array(Teacher) });
