/** Psych-committee daily reports (心理委员每日报告), the school calendar and committee training. */
import { z } from 'zod';
import { COMMITTEE_CATEGORY_CODES } from '../warning/committee.js';

const IsoDate = z.iso.date();
const Level = z.enum(['yellow', 'orange', 'red']);

export const CommitteeConcern = z.object({
  studentId: z.uuid(),
  category: z.enum(COMMITTEE_CATEGORY_CODES as [string, ...string[]]),
  observation: z.string().trim().max(500).default(''),
});

/** A report about the member's class, or (宿舍心理委员) about their dormitory: exactly one of the two. */
export const CommitteeReportBody = z
  .object({
    classId: z.number().int().positive().optional(),
    dormitoryId: z.number().int().positive().optional(),
    status: z.enum(['all_well', 'concerns']),
    concerns: z.array(CommitteeConcern).max(20).default([]),
    /** the client's id for this submission: a retry or double click stores it once */
    clientId: z.uuid(),
  })
  .strict()
  .refine((b) => (b.classId === undefined) !== (b.dormitoryId === undefined), { message: '请选择班级或宿舍中的一个', path: ['classId'] });

export const CommitteeReport = z.object({
  id: z.uuid(),
  /** the class reported on, or null for a dormitory report */
  classId: z.number().int().nullable(),
  dormitoryId: z.number().int().nullable(),
  date: z.string(),
  status: z.enum(['all_well', 'concerns']),
  concerns: z.array(z.object({ studentId: z.uuid(), name: z.string(), category: z.string(), observation: z.string() })),
  reporterName: z.string(),
  submittedAt: z.string(),
});

export const MyCommittee = z.object({
  today: z.string(),
  schoolDay: z.boolean(),
  classes: z.array(
    z.object({
      classId: z.number().int(),
      className: z.string(),
      classmates: z.array(z.object({ id: z.uuid(), name: z.string() })),
      today: CommitteeReport.nullable(),
    }),
  ),
  /** the dormitories the caller is 宿舍心理委员 of, with their dorm-mates' names only */
  dormitories: z.array(
    z.object({
      dormitoryId: z.number().int(),
      name: z.string(),
      dormMates: z.array(z.object({ id: z.uuid(), name: z.string() })),
      today: CommitteeReport.nullable(),
    }),
  ),
  recent: z.array(CommitteeReport),
});

export const CommitteeSubmitResult = z.object({ report: CommitteeReport, duplicate: z.boolean(), replaced: z.boolean() });

export const CommitteeStatusQuery = z.object({ unitId: z.coerce.number().int().positive(), from: IsoDate, to: IsoDate });

export const CommitteeClassStatus = z.object({
  classId: z.number().int(),
  className: z.string(),
  members: z.array(z.object({ studentId: z.uuid(), name: z.string() })),
  schoolDays: z.number().int(),
  reported: z.number().int(),
  missing: z.array(z.string()),
  concerns: z.number().int(),
});
/** A boarding school's dormitory: its 宿舍心理委员 and on which school days they reported. */
export const CommitteeDormStatus = z.object({
  dormitoryId: z.number().int(),
  name: z.string(),
  residents: z.number().int(),
  members: z.array(z.object({ studentId: z.uuid(), name: z.string(), className: z.string() })),
  schoolDays: z.number().int(),
  reported: z.number().int(),
  missing: z.array(z.string()),
  concerns: z.number().int(),
});
export const CommitteeStatus = z.object({
  from: z.string(),
  to: z.string(),
  schoolDays: z.array(z.string()),
  classes: z.array(CommitteeClassStatus),
  /** a school's dormitories, for those whose scope covers the whole school (not a head teacher's class) */
  dormitories: z.array(CommitteeDormStatus),
});

export const CommitteeReportsQuery = z.object({ classId: z.coerce.number().int().positive(), from: IsoDate, to: IsoDate });
export const CommitteeDormReportsQuery = z.object({ dormitoryId: z.coerce.number().int().positive(), from: IsoDate, to: IsoDate });

/** The boarding students of a dormitory, to appoint its 宿舍心理委员 from. */
export const DormResidents = z.object({
  dormitoryId: z.number().int(),
  name: z.string(),
  residents: z.array(z.object({ studentId: z.uuid(), name: z.string(), className: z.string(), member: z.boolean() })),
});
export const DormMemberBody = z.object({ studentId: z.uuid() }).strict();

export const SchoolCalendarBody = z
  .object({
    terms: z.array(z.object({ name: z.string().trim().min(1).max(50), start: IsoDate, end: IsoDate })).max(20),
    days: z.array(z.object({ date: IsoDate, kind: z.enum(['holiday', 'workday']), label: z.string().trim().max(50).optional() })).max(400),
  })
  .strict();

export const CommitteeRule = z
  // partialRecord: the categories raised at once are some of them (zod 4's record over an enum wants every key)
  .object({ windowDays: z.number().int().min(1).max(20), minDays: z.number().int().min(1).max(20), level: Level, immediate: z.partialRecord(z.enum(COMMITTEE_CATEGORY_CODES as [string, ...string[]]), Level) })
  .strict();

export const CommitteeTrainingBody = z
  .object({
    studentIds: z.array(z.uuid()).min(1).max(500),
    term: z.string().trim().min(1).max(50),
    date: IsoDate,
    topic: z.string().trim().min(1).max(200),
    hours: z.number().min(0.5).max(40),
  })
  .strict();
export const CommitteeTraining = z.object({ id: z.uuid(), studentId: z.uuid(), name: z.string(), className: z.string(), term: z.string(), date: z.string(), topic: z.string(), hours: z.number() });
