/**
 * Two-way choice of care teachers (双向选择), parent volunteers (家长志愿者) paired one-to-one,
 * the quarterly excellent growth diary (优秀成长日记) and the annual 爱心教师 list.
 */
import { z } from 'zod';
import { DIARY_KINDS } from '../warning/care.js';
import { QUARTER_PATTERN } from '../warning/recognition.js';

const Level = z.enum(['yellow', 'orange', 'red']);
const Text = (max: number) => z.string().trim().max(max);

// --- two-way choice -------------------------------------------------------------------------------

/**
 * A key student a teacher of the school may offer to care for: name, class and level colour only
 * (no categories, reasons, sources or diary).
 */
export const CareOpening = z.object({
  keyStudentId: z.uuid(),
  name: z.string(),
  className: z.string(),
  level: Level,
  /** why the policy would not let this teacher take the student now (load); empty when it would */
  problems: z.array(z.string()),
  myOffer: z.object({ id: z.uuid(), createdAt: z.string() }).nullable(),
});
export const CareOpenings = z.object({ items: z.array(CareOpening), load: z.number().int(), maxPerTeacher: z.number().int() });

export const VolunteerBody = z.object({ note: Text(300).min(1) }).strict();
export const VolunteerStatus = z.enum(['pending', 'approved', 'declined', 'withdrawn']);

/** A teacher's own offer, with what came of it. */
export const MyVolunteering = z.object({
  id: z.uuid(),
  keyStudentId: z.uuid(),
  name: z.string(),
  className: z.string(),
  note: z.string(),
  status: VolunteerStatus,
  declineReason: z.string().nullable(),
  decidedByName: z.string().nullable(),
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
});

/** The offers on one key student, for whoever assigns care there. */
export const CareOffer = z.object({
  id: z.uuid(),
  accountId: z.uuid(),
  name: z.string(),
  note: z.string(),
  status: VolunteerStatus,
  declineReason: z.string().nullable(),
  decidedByName: z.string().nullable(),
  createdAt: z.string(),
  /** the policy's objections should this teacher be assigned now */
  problems: z.array(z.string()),
});
export const DeclineBody = z.object({ reason: Text(300).min(1) }).strict();

// --- parent volunteers ----------------------------------------------------------------------------

export const ParentVolunteer = z.object({
  id: z.uuid(),
  schoolId: z.number().int(),
  name: z.string(),
  phone: z.string().nullable(),
  /** the classes of the volunteer's own children at this school */
  childClasses: z.array(z.string()),
  note: z.string(),
  source: z.enum(['school', 'self']),
  status: z.enum(['active', 'ended']),
  createdAt: z.string(),
  endedAt: z.string().nullable(),
  endReason: z.string().nullable(),
  pairing: z.object({ id: z.uuid(), keyStudentId: z.uuid(), name: z.string(), className: z.string(), since: z.string() }).nullable(),
});

export const ParentVolunteerQuery = z.object({ schoolId: z.coerce.number().int().positive(), status: z.enum(['active', 'ended']).default('active') });
export const GuardianChoiceQuery = z.object({ schoolId: z.coerce.number().int().positive(), q: z.string().trim().min(1).max(40) });
/** A guardian of the school's students the school may register (names and classes of the children, no diagnostic data). */
export const GuardianChoice = z.object({ guardianId: z.uuid(), name: z.string(), phone: z.string().nullable(), children: z.array(z.string()) });
export const RegisterParentVolunteerBody = z.object({ schoolId: z.number().int().positive(), guardianId: z.uuid(), note: Text(300).default('') }).strict();
export const SelfVolunteerBody = z.object({ schoolId: z.number().int().positive(), note: Text(300).default('') }).strict();
export const EndBody = z.object({ reason: Text(300).min(1) }).strict();

export const PairBody = z
  .object({
    volunteerId: z.uuid(),
    keyStudentId: z.uuid(),
    /** whom the parent calls at school; the pairing leader's own name and phone when left out */
    contactName: Text(40).min(1).optional(),
    contactPhone: z.string().trim().regex(/^[0-9+\-\s]{5,20}$/).optional(),
  })
  .strict();

/** A pairing's whole story, for the school. */
export const Pairing = z.object({
  id: z.uuid(),
  volunteerId: z.uuid(),
  volunteerName: z.string(),
  keyStudentId: z.uuid(),
  name: z.string(),
  className: z.string(),
  contactName: z.string(),
  contactPhone: z.string().nullable(),
  startedByName: z.string().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  endReason: z.string().nullable(),
});

/** What a parent volunteer sees of their pairing: a name, a class and whom to call. Nothing else. */
export const MyPairing = z.object({
  volunteering: z.array(z.object({ id: z.uuid(), schoolName: z.string(), status: z.enum(['active', 'ended']), createdAt: z.string() })),
  pairings: z.array(z.object({ id: z.uuid(), studentName: z.string(), className: z.string(), schoolName: z.string(), contactName: z.string(), contactPhone: z.string().nullable(), since: z.string() })),
  /** schools of the parent's children where they could volunteer */
  schools: z.array(z.object({ id: z.number().int(), name: z.string() })),
});

// --- excellent diaries and 爱心教师 -----------------------------------------------------------------

const DiaryKind = z.enum(Object.keys(DIARY_KINDS) as [keyof typeof DIARY_KINDS, ...(keyof typeof DIARY_KINDS)[]]);
export const Quarter = z.string().regex(QUARTER_PATTERN, '季度格式为 2026Q4');

export const NominateDiaryBody = z.object({ diaryEntryId: z.uuid(), recommendation: Text(1000).min(1) }).strict();

/** A nominated diary entry as the bureau reads it: no student name, class or id. */
export const DiaryNomination = z.object({
  id: z.uuid(),
  quarter: z.string(),
  schoolId: z.number().int(),
  schoolName: z.string(),
  authorName: z.string(),
  kind: DiaryKind,
  entryDate: z.string(),
  fields: z.object({ study: z.string(), relationships: z.string(), family: z.string(), social: z.string(), wishes: z.string(), plan: z.string() }).partial(),
  note: z.string(),
  recommendation: z.string(),
  nominatedByName: z.string().nullable(),
  nominatedAt: z.string(),
  status: z.enum(['nominated', 'selected', 'not_selected']),
  reviewedByName: z.string().nullable(),
  reviewNote: z.string().nullable(),
});
export const NominationQuery = z.object({ quarter: Quarter.optional(), status: z.enum(['nominated', 'selected', 'not_selected', 'all']).default('all') });
export const ReviewNominationBody = z.discriminatedUnion('decision', [
  z.object({ decision: z.literal('select'), note: Text(500).default('') }).strict(),
  z.object({ decision: z.literal('not_select'), note: Text(500).min(1) }).strict(),
]);

/** Diary entries of the current quarter a leader may nominate: by the school's care teachers, with their student. */
export const NominableEntry = z.object({
  id: z.uuid(),
  keyStudentId: z.uuid(),
  studentName: z.string(),
  authorName: z.string(),
  kind: DiaryKind,
  date: z.string(),
  note: z.string(),
  nominated: z.boolean(),
});
export const NominableQuery = z.object({ schoolId: z.coerce.number().int().positive() });

export const HonourFiguresOut = z.object({ studentsCared: z.number().int(), diaryEntries: z.number().int(), closures: z.number().int() });
export const NominateHonourBody = z.object({ schoolId: z.number().int().positive(), accountId: z.uuid(), year: z.number().int().min(2000).max(2100), summary: Text(2000).min(1) }).strict();
export const Honour = z.object({
  id: z.uuid(),
  year: z.number().int(),
  schoolId: z.number().int(),
  schoolName: z.string(),
  accountId: z.uuid(),
  teacherName: z.string(),
  summary: z.string(),
  /** live while nominated, frozen once the bureau decides */
  figures: HonourFiguresOut,
  nominatedByName: z.string().nullable(),
  nominatedAt: z.string(),
  status: z.enum(['nominated', 'approved', 'declined']),
  reviewedByName: z.string().nullable(),
  reviewNote: z.string().nullable(),
});
export const HonourQuery = z.object({ year: z.coerce.number().int().min(2000).max(2100).optional(), status: z.enum(['nominated', 'approved', 'declined', 'all']).default('all') });
export const ReviewHonourBody = z.discriminatedUnion('decision', [
  z.object({ decision: z.literal('approve'), note: Text(500).default('') }).strict(),
  z.object({ decision: z.literal('decline'), note: Text(500).min(1) }).strict(),
]);
/** The school's care teachers of a year with their figures, to choose a nominee from. */
export const HonourCandidate = z.object({ accountId: z.uuid(), name: z.string(), figures: HonourFiguresOut, nominated: z.boolean() });
export const HonourCandidateQuery = z.object({ schoolId: z.coerce.number().int().positive(), year: z.coerce.number().int().min(2000).max(2100) });

/** The published lists of the region: selected diaries of a quarter, approved 爱心教师 of a year. */
export const HonourRoll = z.object({
  year: z.number().int(),
  teachers: z.array(z.object({ schoolName: z.string(), teacherName: z.string(), summary: z.string(), figures: HonourFiguresOut })),
  diaries: z.array(DiaryNomination.pick({ id: true, quarter: true, schoolName: true, authorName: true, kind: true, entryDate: true, fields: true, note: true, recommendation: true })),
});
export const HonourRollQuery = z.object({ year: z.coerce.number().int().min(2000).max(2100) });
