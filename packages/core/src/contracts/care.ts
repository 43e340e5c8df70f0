/** Key students, care assignments (包保), growth diaries (成长日记) and closure (销号). */
import { z } from 'zod';
import { DIARY_KINDS } from '../warning/care.js';

const Level = z.enum(['yellow', 'orange', 'red']);
const DiaryKind = z.enum(Object.keys(DIARY_KINDS) as [keyof typeof DIARY_KINDS, ...(keyof typeof DIARY_KINDS)[]]);
const Text = (max: number) => z.string().trim().max(max);

export const FollowUpDue = z.object({ kind: DiaryKind, due: z.string(), overdue: z.boolean() });

export const KeyStudent = z.object({
  id: z.uuid(),
  studentId: z.uuid(),
  name: z.string(),
  className: z.string(),
  categories: z.array(z.string()),
  level: Level,
  sources: z.array(z.string()),
  status: z.enum(['active', 'closure_proposed', 'closed']),
  reason: z.string(),
  careTeacher: z.object({ accountId: z.uuid(), name: z.string(), since: z.string(), asLeader: z.boolean() }).nullable(),
  followUps: z.array(FollowUpDue),
  lastEntry: z.string().nullable(),
  /** teachers who offered to care for the student (双向选择), waiting for a decision */
  pendingOffers: z.number().int(),
  addedAt: z.string(),
  closedAt: z.string().nullable(),
});

export const DiaryEntry = z.object({
  id: z.uuid(),
  kind: DiaryKind,
  date: z.string(),
  mood: z.number().int().nullable(),
  fields: z.object({ study: z.string(), relationships: z.string(), family: z.string(), social: z.string(), wishes: z.string(), plan: z.string() }).partial(),
  note: z.string(),
  authorName: z.string(),
  createdAt: z.string(),
});

export const KeyStudentDetail = KeyStudent.extend({
  events: z.array(z.object({ kind: z.string(), actorName: z.string().nullable(), at: z.string(), detail: z.record(z.string(), z.unknown()) })),
  assignments: z.array(z.object({ accountId: z.uuid(), name: z.string(), asLeader: z.boolean(), startDate: z.string(), endedAt: z.string().nullable(), endReason: z.string().nullable() })),
  /** null when the caller may not read the diary (a head teacher sees the record, not the diary) */
  diary: z.array(DiaryEntry).nullable(),
  closure: z.object({ summary: z.string().nullable(), proposedByName: z.string().nullable(), proposedAt: z.string().nullable(), approvedByName: z.string().nullable() }),
  can: z.object({ assign: z.boolean(), writeDiary: z.boolean(), propose: z.boolean(), approve: z.boolean() }),
});

export const KeyStudentQuery = z.object({
  unitId: z.coerce.number().int().positive().optional(),
  status: z.enum(['active', 'closure_proposed', 'closed', 'open']).default('open'),
  mine: z.enum(['true']).optional(),
  page: z.coerce.number().int().min(1).max(100000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export const AddKeyStudentBody = z
  .object({
    studentId: z.uuid(),
    categories: z.array(z.string().trim().min(1).max(40)).min(1).max(12),
    level: Level,
    reason: Text(1000).min(1),
  })
  .strict();

export const AssignCareBody = z.object({ accountId: z.uuid(), reason: Text(200).optional() }).strict();
export const CareCandidate = z.object({
  accountId: z.uuid(),
  name: z.string(),
  isLeader: z.boolean(),
  load: z.number().int(),
  problems: z.array(z.string()),
  /** this teacher's pending offer to care for the student (双向选择) */
  offer: z.object({ id: z.uuid(), note: z.string(), createdAt: z.string() }).nullable(),
});

export const DiaryBody = z
  .object({
    kind: DiaryKind,
    date: z.iso.date(),
    mood: z.number().int().min(1).max(5).optional(),
    study: Text(1000).optional(),
    relationships: Text(1000).optional(),
    family: Text(1000).optional(),
    social: Text(1000).optional(),
    wishes: Text(1000).optional(),
    plan: Text(1000).optional(),
    note: Text(4000).min(1),
    clientId: z.uuid(),
  })
  .strict();

export const ClosureBody = z.discriminatedUnion('action', [
  z.object({ action: z.literal('propose'), summary: Text(2000).min(1) }).strict(),
  z.object({ action: z.literal('approve') }).strict(),
  z.object({ action: z.literal('reject'), reason: Text(1000).min(1) }).strict(),
]);

export const CarePolicyBody = z
  .object({
    maxPerTeacher: z.number().int().min(1).max(30),
    leaderLevels: z.array(Level).max(3),
    cadence: z.object({ daily_check: z.number().int().min(1).max(120).nullable(), talk: z.number().int().min(1).max(120).nullable(), home_visit: z.number().int().min(1).max(120).nullable() }).strict(),
  })
  .strict();

/** One student's record over time (一生一档): each entry only for those allowed to see its kind. */
export const TimelineEntry = z.object({
  at: z.string(),
  kind: z.enum(['screening', 'alert', 'committee', 'sweep', 'care', 'diary', 'appointment', 'session', 'crisis', 'guardian', 'referral', 'return']),
  title: z.string(),
  detail: z.string(),
  level: z.enum(['none', 'yellow', 'orange', 'red']).nullable(),
  link: z.string().nullable(),
});
export const Timeline = z.object({ studentId: z.uuid(), name: z.string(), entries: z.array(TimelineEntry) });

/** The weekly meeting's agenda, generated from the week. */
export const MeetingAgenda = z.object({
  schoolId: z.number().int(),
  weekStart: z.string(),
  newAlerts: z.array(z.object({ alertId: z.uuid(), studentId: z.uuid(), name: z.string(), level: Level, status: z.string() })),
  redOpen: z.array(z.object({ alertId: z.uuid(), studentId: z.uuid(), name: z.string(), status: z.string() })),
  overdueFollowUps: z.array(z.object({ keyStudentId: z.uuid(), studentId: z.uuid(), name: z.string(), careTeacher: z.string().nullable(), kinds: z.array(z.string()) })),
  proposedClosures: z.array(z.object({ keyStudentId: z.uuid(), studentId: z.uuid(), name: z.string(), proposedByName: z.string().nullable() })),
  openTasks: z.array(z.object({ taskId: z.uuid(), title: z.string(), ownerName: z.string(), dueDate: z.string(), overdue: z.boolean() })),
});
export const MeetingQuery = z.object({ schoolId: z.coerce.number().int().positive() });

export const MeetingBody = z
  .object({
    schoolId: z.number().int().positive(),
    heldOn: z.iso.date(),
    attendees: z.string().trim().min(1).max(500),
    minutes: z.string().trim().min(1).max(10000),
    decisions: z.array(z.object({ title: z.string().trim().min(1).max(300), ownerAccountId: z.uuid(), dueDate: z.iso.date(), studentId: z.uuid().optional() })).max(50),
    clientId: z.uuid(),
  })
  .strict();

export const Meeting = z.object({
  id: z.uuid(),
  weekStart: z.string(),
  heldOn: z.string(),
  attendees: z.string(),
  minutes: z.string(),
  createdByName: z.string().nullable(),
  tasks: z.array(z.object({ id: z.uuid(), title: z.string(), ownerName: z.string(), dueDate: z.string(), doneAt: z.string().nullable() })),
});

/** Who may own a meeting decision: the school's staff with an active account. */
export const MeetingOwner = z.object({ accountId: z.uuid(), name: z.string(), posts: z.array(z.string()) });

/** A meeting task as its owner sees it. */
export const MyMeetingTask = z.object({
  id: z.uuid(),
  title: z.string(),
  dueDate: z.string(),
  overdue: z.boolean(),
  doneAt: z.string().nullable(),
  heldOn: z.string(),
  schoolName: z.string(),
});
