/** HTTP contracts of the workforce module (zod): certificates, training (轮训), the overview and a school's list. */
import { z } from 'zod';
import { CERT_KINDS, CERT_LEVELS, TRAINING_LEVELS } from '../workforce/index.js';

const Day = z.iso.date({ message: '日期格式应为 YYYY-MM-DD' });
const Text = (max: number, label: string) => z.string().trim().max(max, `${label}不能超过 ${max} 字`);

export const CertKindSchema = z.enum(CERT_KINDS, { message: '请选择证书类别' });
export const CertLevelSchema = z.enum(CERT_LEVELS, { message: '等级应为 C、B 或 A' });
export const TrainingLevelSchema = z.enum(TRAINING_LEVELS, { message: '请选择培训级别（国家级、省级、市级、县级、校级）' });

export const HoursByLevel = z.object({ national: z.number(), provincial: z.number(), city: z.number(), county: z.number(), school: z.number(), total: z.number() });

export const WorkforceCertificate = z.object({
  id: z.uuid(),
  staffId: z.uuid(),
  staffName: z.string(),
  kind: CertKindSchema,
  level: CertLevelSchema.nullable(),
  title: z.string(),
  /** null unless the caller manages the person's school or is the person */
  number: z.string().nullable(),
  issuer: z.string(),
  issuedOn: z.string(),
  expiresOn: z.string().nullable(),
  evidence: z.string().nullable(),
  /** on the as-of date */
  status: z.enum(['valid', 'expired', 'not_yet']),
  createdByName: z.string(),
  createdAt: z.string(),
});

export const CreateCertificateBody = z.object({
  clientId: z.uuid({ message: '缺少提交编号' }),
  staffId: z.uuid({ message: '请选择教职工' }),
  kind: CertKindSchema,
  level: CertLevelSchema.nullable().optional(),
  title: Text(100, '证书名称').optional().default(''),
  number: Text(60, '证书编号').min(1, '请填写证书编号'),
  issuer: Text(100, '发证机构').min(1, '请填写发证机构'),
  issuedOn: Day,
  expiresOn: Day.nullable().optional(),
  evidence: Text(500, '佐证说明').optional().default(''),
}).strict();

export const WorkforceTraining = z.object({
  id: z.uuid(),
  title: z.string(),
  date: z.string(),
  level: TrainingLevelSchema,
  hours: z.number(),
  provider: z.string(),
  /** attendees within the caller's scope */
  attendees: z.array(z.object({ staffId: z.uuid(), name: z.string(), schoolId: z.number().int(), schoolName: z.string() })),
  createdByName: z.string(),
  createdAt: z.string(),
});

export const CreateTrainingBody = z.object({
  clientId: z.uuid({ message: '缺少提交编号' }),
  title: Text(200, '培训名称').min(1, '请填写培训名称'),
  date: Day,
  level: TrainingLevelSchema,
  hours: z.number({ message: '学时应为数字' }).positive('学时应大于 0').max(200, '一次培训学时不能超过 200').multipleOf(0.1, '学时最多保留一位小数'),
  provider: Text(100, '主办单位').optional().default(''),
  staffIds: z.array(z.uuid({ message: '教职工编号有误' })).min(1, '请至少选择一名参训人员').max(500, '一次最多登记 500 人'),
}).strict();

export const TrainingListQuery = z.object({
  schoolId: z.coerce.number().int().positive().optional(),
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  page: z.coerce.number().int().min(1).optional().default(1),
  pageSize: z.coerce.number().int().min(1).max(100).optional().default(20),
});
export const TrainingList = z.object({ items: z.array(WorkforceTraining), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });

export const WorkforceOverviewQuery = z.object({
  /** a district (or any unit) in scope; default: everything in scope */
  unitId: z.coerce.number().int().positive().optional(),
  asOf: Day.optional(),
});

const SchoolFigures = z.object({
  students: z.number().int(),
  fullTime: z.number().int(),
  partTime: z.number().int(),
  requiredFullTime: z.number().int(),
  hasCounselor: z.boolean(),
  meetsRatio: z.boolean(),
  compliant: z.boolean(),
  counselors: z.number().int(),
  counselorsCertified: z.number().int(),
  levelC: z.number().int(),
  levelB: z.number().int(),
  levelA: z.number().int(),
  headTeachers: z.number().int(),
  headTeachersCertified: z.number().int(),
  expiredCertificates: z.number().int(),
  /** training hours this calendar year of the counselors and head teachers, all levels */
  trainingHours: z.number(),
});

export const WorkforceSchoolRow = SchoolFigures.extend({
  schoolId: z.number().int(),
  schoolName: z.string(),
  districtId: z.number().int().nullable(),
  districtName: z.string().nullable(),
  problems: z.array(z.string()),
});

export const WorkforceOverview = z.object({
  asOf: z.string(),
  year: z.number().int(),
  targets: z.object({ C: z.number(), B: z.number(), A: z.number() }),
  totals: SchoolFigures.extend({ schools: z.number().int(), schoolsWithCounselor: z.number().int(), schoolsCompliant: z.number().int() }),
  schools: z.array(WorkforceSchoolRow),
});

export const SchoolWorkforceQuery = z.object({ asOf: Day.optional() });

export const WorkforcePerson = z.object({
  staffId: z.uuid(),
  name: z.string(),
  subject: z.string().nullable(),
  counselor: z.enum(['full', 'part']).nullable(),
  headTeacher: z.boolean(),
  classNames: z.array(z.string()),
  bestLevel: CertLevelSchema.nullable(),
  certified: z.boolean(),
  certificates: z.array(WorkforceCertificate),
  hours: HoursByLevel,
});

export const SchoolWorkforce = z.object({
  schoolId: z.number().int(),
  schoolName: z.string(),
  asOf: z.string(),
  year: z.number().int(),
  summary: WorkforceSchoolRow,
  /** may the caller add certificates and training here */
  canManage: z.boolean(),
  people: z.array(WorkforcePerson),
});

// Master-teacher studios (名师工作室)
export const StudioLevel = z.enum(['city', 'county'], { message: '级别应为市级或县级' });

export const WorkforceStudio = z.object({
  id: z.uuid(),
  name: z.string(),
  level: StudioLevel,
  foundedYear: z.number().int(),
  note: z.string(),
  leader: z.object({ staffId: z.uuid(), name: z.string(), schoolName: z.string() }),
  /** members within the caller's scope (all of them for the bureau over the area) */
  members: z.array(z.object({ staffId: z.uuid(), name: z.string(), schoolId: z.number().int(), schoolName: z.string() })),
  memberCount: z.number().int(),
  createdByName: z.string(),
  createdAt: z.string(),
});

export const CreateStudioBody = z.object({
  clientId: z.uuid({ message: '缺少提交编号' }),
  name: Text(100, '工作室名称').min(1, '请填写工作室名称'),
  level: StudioLevel,
  leaderStaffId: z.uuid({ message: '请选择领衔人' }),
  memberStaffIds: z.array(z.uuid({ message: '成员编号有误' })).max(100, '成员最多 100 人').optional().default([]),
  foundedYear: z.number({ message: '请填写成立年份' }).int('成立年份应为整数').min(1990, '成立年份不能早于 1990 年').max(2100, '成立年份有误'),
  note: Text(500, '说明').optional().default(''),
}).strict();

export const StudioListQuery = z.object({
  schoolId: z.coerce.number().int().positive().optional(),
  page: z.coerce.number().int().min(1).optional().default(1),
  pageSize: z.coerce.number().int().min(1).max(100).optional().default(20),
});
export const StudioList = z.object({ items: z.array(WorkforceStudio), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });

export const TrainingImportQuery = z.object({ clientId: z.uuid({ message: '缺少提交编号' }) });
export const TrainingImportResult = z.object({ trainings: z.number().int(), attendees: z.number().int(), rows: z.number().int() });
