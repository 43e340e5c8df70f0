/** Staff care (教职工关爱): the staff sweep, the staff register, carers, care records and closure. */
import { z } from 'zod';
import { STAFF_CARE_RECORD_KINDS } from '../warning/staffCare.js';

const Level = z.enum(['yellow', 'orange', 'red']);
const Tier = z.enum(['staff', 'leaders']);
const RecordKind = z.enum(Object.keys(STAFF_CARE_RECORD_KINDS) as [keyof typeof STAFF_CARE_RECORD_KINDS, ...(keyof typeof STAFF_CARE_RECORD_KINDS)[]]);
const SubjectKind = z.enum(['staff', 'bureau']);
const Text = (max: number) => z.string().trim().max(max);
const Category = z.object({ code: z.string(), label: z.string() });

export const StaffCareCategories = z.object({ categories: z.array(Category.extend({ builtIn: z.boolean() })) });
export const StaffCareCategoriesBody = z
  .object({ categories: z.array(z.object({ code: z.string().trim().min(2).max(40), label: Text(30).min(1) }).strict()).max(30) })
  .strict();

// --- the sweep ------------------------------------------------------------------------------------

export const CreateStaffSweepBody = z
  .object({ ownerUnitId: z.number().int().positive(), name: Text(100).min(1), term: Text(50).min(1), start: z.iso.date(), end: z.iso.date() })
  .strict();

export const StaffSweep = z.object({ id: z.uuid(), ownerUnitId: z.number().int(), ownerName: z.string(), name: z.string(), term: z.string(), start: z.string(), end: z.string(), createdByName: z.string().nullable() });

export const StaffGroupParams = z.object({ id: z.uuid(), unitId: z.coerce.number().int().positive(), tier: Tier });

/** One group of a sweep: a school's ordinary staff (its leaders review), or a school's leaders or a bureau's staff (the bureau reviews). */
export const StaffSweepGroup = z.object({
  sweep: StaffSweep,
  unit: z.object({ id: z.number().int(), name: z.string(), kind: z.string() }),
  tier: Tier,
  categories: z.array(Category),
  people: z.array(
    z.object({
      subjectId: z.uuid(),
      kind: SubjectKind,
      name: z.string(),
      /** posts at the school (校长, 班主任 …) or the bureau role */
      posts: z.array(z.string()),
      case: z.object({ id: z.uuid(), categories: z.array(z.string()), level: Level, status: z.string() }).nullable(),
      review: z.object({ categories: z.array(z.string()), note: z.string(), action: z.enum(['none', 'add', 'keep', 'remove']), reason: z.string().nullable(), reviewedByName: z.string().nullable(), reviewedAt: z.string() }).nullable(),
    }),
  ),
});

export const StaffSweepReviewBody = z
  .object({
    entries: z
      .array(
        z
          .object({
            subjectId: z.uuid(),
            categories: z.array(z.string().trim().min(1).max(40)).max(12),
            note: Text(500).default(''),
            action: z.enum(['none', 'add', 'keep', 'remove']),
            level: Level.optional(),
            reason: Text(500).optional(),
          })
          .strict(),
      )
      .max(500),
  })
  .strict();

export const StaffSweepCompletionQuery = z.object({ unitId: z.coerce.number().int().positive() });
const Count = z.object({ people: z.number().int(), reviewed: z.number().int() });
/** Counts only: no names, no categories. `leaders` is null for callers who do not review leaders. */
export const StaffSweepCompletion = z.object({
  unit: z.object({ id: z.number().int(), name: z.string(), kind: z.string() }),
  staff: Count,
  leaders: Count.nullable(),
  rows: z.array(z.object({ unitId: z.number().int(), name: z.string(), kind: z.string(), staff: Count, leaders: Count.nullable() })),
});

// --- the register ---------------------------------------------------------------------------------

export const StaffCase = z.object({
  id: z.uuid(),
  subjectKind: SubjectKind,
  subjectId: z.uuid(),
  name: z.string(),
  unitId: z.number().int(),
  unitName: z.string(),
  tier: Tier,
  categories: z.array(z.string()),
  level: Level,
  sources: z.array(z.string()),
  status: z.enum(['active', 'closure_proposed', 'closed']),
  reason: z.string(),
  carer: z.object({ accountId: z.uuid(), name: z.string(), since: z.string() }).nullable(),
  lastRecord: z.string().nullable(),
  /** the next talk, call or visit the carer owes (open cases with a carer; none otherwise) */
  followUps: z.array(z.object({ kind: z.enum(['talk', 'phone', 'visit']), due: z.string(), overdue: z.boolean() })),
  overdue: z.boolean(),
  addedAt: z.string(),
  closedAt: z.string().nullable(),
});

export const StaffCareRecord = z.object({
  id: z.uuid(),
  kind: RecordKind,
  date: z.string(),
  mood: z.number().int().nullable(),
  fields: z.object({ situation: z.string(), needs: z.string(), support: z.string(), plan: z.string() }).partial(),
  note: z.string(),
  authorName: z.string(),
  createdAt: z.string(),
});

export const StaffCaseDetail = StaffCase.extend({
  events: z.array(z.object({ kind: z.string(), actorName: z.string().nullable(), at: z.string(), detail: z.record(z.string(), z.unknown()) })),
  carers: z.array(z.object({ accountId: z.uuid(), name: z.string(), startDate: z.string(), endedAt: z.string().nullable(), endReason: z.string().nullable() })),
  records: z.array(StaffCareRecord),
  closure: z.object({ summary: z.string().nullable(), proposedByName: z.string().nullable(), proposedAt: z.string().nullable(), approvedByName: z.string().nullable() }),
  can: z.object({ assign: z.boolean(), record: z.boolean(), propose: z.boolean(), approve: z.boolean() }),
});

export const StaffCaseQuery = z.object({
  unitId: z.coerce.number().int().positive().optional(),
  status: z.enum(['active', 'closure_proposed', 'closed', 'open']).default('open'),
  tier: Tier.optional(),
  /** only open cases with a follow-up overdue */
  overdue: z.enum(['true']).optional(),
  page: z.coerce.number().int().min(1).max(100000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export const AddStaffCaseBody = z
  .object({
    subjectKind: SubjectKind,
    subjectId: z.uuid(),
    categories: z.array(z.string().trim().min(1).max(40)).min(1).max(12),
    level: Level,
    reason: Text(1000).min(1),
  })
  .strict();

/** People the caller may put on the register (a name search). */
export const StaffCarePeopleQuery = z.object({ q: Text(30).min(1), unitId: z.coerce.number().int().positive().optional() });
export const StaffCarePerson = z.object({ subjectKind: SubjectKind, subjectId: z.uuid(), name: z.string(), unitId: z.number().int(), unitName: z.string(), tier: Tier, posts: z.array(z.string()), openCaseId: z.uuid().nullable() });

export const AssignStaffCarerBody = z.object({ accountId: z.uuid(), reason: Text(200).optional() }).strict();
export const StaffCarerCandidate = z.object({ accountId: z.uuid(), name: z.string(), unitName: z.string(), load: z.number().int() });

export const StaffCareRecordBody = z
  .object({
    kind: RecordKind,
    date: z.iso.date(),
    mood: z.number().int().min(1).max(5).optional(),
    situation: Text(1000).optional(),
    needs: Text(1000).optional(),
    support: Text(1000).optional(),
    plan: Text(1000).optional(),
    note: Text(4000).min(1),
    clientId: z.uuid(),
  })
  .strict();

export const StaffClosureBody = z.discriminatedUnion('action', [
  z.object({ action: z.literal('propose'), summary: Text(2000).min(1) }).strict(),
  z.object({ action: z.literal('approve') }).strict(),
  z.object({ action: z.literal('reject'), reason: Text(1000).min(1) }).strict(),
]);
