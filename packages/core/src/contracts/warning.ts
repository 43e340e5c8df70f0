/** The warning workflow (预警): alerts from every source, their handling, deadlines and escalation. */
import { z } from 'zod';
import { paged } from './common.js';
import { ALERT_ACTIONS, ALERT_OUTCOMES, ALERT_SOURCES, ALERT_STATUSES, ESCALATION_TIERS } from '../warning/alerts.js';

const Level = z.enum(['yellow', 'orange', 'red']);
const Text = (max: number) => z.string().trim().min(1).max(max);

export const AlertSignal = z.object({
  source: z.enum(ALERT_SOURCES),
  level: Level,
  critical: z.boolean(),
  /** what was reported; a screening's scores only for callers who may see screening results */
  evidence: z.record(z.string(), z.unknown()),
  reporterName: z.string().nullable(),
  at: z.string(),
});

export const Alert = z.object({
  id: z.uuid(),
  studentId: z.uuid(),
  name: z.string(),
  className: z.string(),
  schoolName: z.string(),
  /** the source of the first signal */
  source: z.enum(ALERT_SOURCES),
  sources: z.array(z.enum(ALERT_SOURCES)),
  signalCount: z.number().int(),
  level: Level,
  status: z.enum(ALERT_STATUSES),
  critical: z.boolean(),
  evidence: z.record(z.string(), z.unknown()),
  ownerId: z.uuid().nullable(),
  ownerName: z.string().nullable(),
  tier: z.enum(ESCALATION_TIERS),
  ackDue: z.string(),
  assessDue: z.string(),
  /** which deadline has passed, if any */
  overdue: z.enum(['ack', 'assess']).nullable(),
  outcome: z.enum(ALERT_OUTCOMES).nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const AlertEvent = z.object({
  kind: z.string(),
  actorName: z.string().nullable(),
  at: z.string(),
  detail: z.record(z.string(), z.unknown()),
});

export const AlertDetail = Alert.extend({
  signals: z.array(AlertSignal),
  events: z.array(AlertEvent),
  /** what the caller may do next */
  actions: z.array(z.enum(ALERT_ACTIONS)),
  canAssign: z.boolean(),
});

export const AlertQuery = z.object({
  level: Level.optional(),
  status: z.union([z.enum(ALERT_STATUSES), z.literal('open')]).optional(),
  source: z.enum(ALERT_SOURCES).optional(),
  overdue: z.enum(['true']).optional(),
  mine: z.enum(['true']).optional(),
  studentId: z.uuid().optional(),
  /** only students under this org unit (a class, grade, school, district), which must be in the caller's scope */
  unitId: z.coerce.number().int().positive().optional(),
  page: z.coerce.number().int().min(1).max(100000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

/** The alert list; `unit` names the unit filter in force (a class with its grade: 七年级1班), null without one. */
export const AlertList = paged(Alert).extend({ unit: z.object({ id: z.number().int(), name: z.string(), kind: z.string() }).nullable() });

/** A staff member's, a parent's or the counselor's report about a student. */
export const RaiseAlertBody = z
  .object({
    studentId: z.uuid(),
    level: Level,
    /** what was seen or heard */
    description: Text(2000),
    category: z.string().trim().max(50).optional(),
    /** the client's id for this report: a retry or double click stores it once */
    clientId: z.uuid(),
  })
  .strict();

/** A student asking for help: no level, the school decides. */
export const HelpRequestBody = z
  .object({
    message: z.string().trim().max(2000).default(''),
    clientId: z.uuid(),
  })
  .strict();

export const RaiseAlertResult = z.object({ alertId: z.uuid().nullable(), created: z.boolean(), duplicate: z.boolean() });

export const AlertActionBody = z.discriminatedUnion('action', [
  z.object({ action: z.literal('acknowledge'), note: z.string().trim().max(1000).optional() }).strict(),
  z.object({ action: z.literal('assess'), note: z.string().trim().max(2000).optional() }).strict(),
  z
    .object({
      action: z.literal('confirm'),
      outcome: z.enum(ALERT_OUTCOMES),
      /** the level after assessment (defaults to the current one) */
      level: Level.optional(),
      note: Text(2000),
    })
    .strict(),
  z.object({ action: z.literal('dismiss'), reason: Text(1000) }).strict(),
  z.object({ action: z.literal('close'), summary: Text(2000) }).strict(),
]);

export const AssignAlertBody = z.object({ accountId: z.uuid() }).strict();

export const AlertAssignee = z.object({ accountId: z.uuid(), name: z.string(), role: z.string() });

const Deadline = z.object({ ackHours: z.number().int().min(1).max(24 * 30), assessHours: z.number().int().min(1).max(24 * 60) });
export const DeadlinePolicy = z.object({ red: Deadline, orange: Deadline, yellow: Deadline }).strict();
export const WarningPolicy = z.object({ deadlines: DeadlinePolicy, updatedAt: z.string().nullable(), updatedBy: z.string().nullable() });

const Cell = z.number().int().nullable();
const Counts = z.object({ red: Cell, orange: Cell, yellow: Cell, overdue: Cell });

/** A warning board: open alerts of a unit by level, status and tier, per child unit and per owner. */
export const WarningBoard = z.object({
  unit: z.object({ id: z.number().int(), name: z.string(), kind: z.string() }),
  /** counts of 1–4 are null (suppressed) outside a school */
  suppressed: z.boolean(),
  /** the caller may read this unit's alerts: its counts, and its rows', may open the alert list filtered by unit */
  listable: z.boolean(),
  open: Counts,
  byStatus: z.object({ new: Cell, acknowledged: Cell, assessing: Cell }),
  byTier: z.object({ class: Cell, counselor: Cell, leader: Cell, bureau: Cell }),
  /** closed or dismissed in the last 30 days */
  handled30d: Cell,
  rows: z.array(z.object({ unitId: z.number().int(), name: z.string() }).and(Counts)),
  /** who owns what (a school's board only) */
  owners: z.array(z.object({ ownerId: z.uuid().nullable(), name: z.string(), open: z.number().int(), overdue: z.number().int() })),
});
export const BoardQuery = z.object({ unitId: z.coerce.number().int().positive() });
