/**
 * The warning workflow (预警处置): signals from every source join the student's open alert or open
 * one; staff acknowledge, assess, confirm or dismiss and close it; a scheduled job climbs overdue
 * alerts up the four tiers. The rules themselves are core's (`warning/alerts.ts`).
 */
import {
  ALERT_SOURCE_LABEL,
  DEFAULT_DEADLINES,
  ESCALATION_TIERS,
  TIER_LABEL,
  alertDeadlines,
  escalationDue,
  higherLevel,
  isOpen,
  nextEscalationAt,
  nextStatus,
  overdue,
  scopeFor,
  scopeIncludes,
  suppress,
  suppressRow,
  type AlertAction,
  type AlertClockState,
  type AlertLevel,
  type AlertSource,
  type AlertStatus,
  type DeadlinePolicy,
  type contracts,
} from '@xinyu/core';
import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import { prepared, rows, type Db } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { AppError, badRequest, forbidden, notFound } from '../../http/errors.js';
import { hasPermission, inScope, requireRegionWide, scopeOf } from '../access/service.js';
import { appendAudit } from '../audit/service.js';
import { isSealed, openOrPlain, sealerFor, type Sealer } from '../../lib/sealed.js';
import { registerKeyStudent } from '../care/service.js';
import { notify, notifyMany, type NotifyInput } from '../notify/service.js';
import { auditActor, childGrouping } from '../org/service.js';
import { orgUnits, students } from '../org/tables.js';
import { classWithGrade } from '../org/service.js';
import { alertEvents, alerts, alertSignals, warningPolicies } from './tables.js';

type AlertRow = typeof alerts.$inferSelect;

// --- policy ---------------------------------------------------------------------------------------

/** The region's deadlines (the defaults until the bureau sets its own). */
export async function deadlinesFor(db: Db, regionId: number): Promise<DeadlinePolicy> {
  const found = await db.select({ d: warningPolicies.deadlines }).from(warningPolicies).where(eq(warningPolicies.regionId, regionId));
  return (found[0]?.d as DeadlinePolicy | undefined) ?? DEFAULT_DEADLINES;
}

export async function getPolicy(deps: Deps, caller: Caller): Promise<z.infer<typeof contracts.WarningPolicy>> {
  const found = await deps.db.select().from(warningPolicies).where(eq(warningPolicies.regionId, caller.regionId));
  const p = found[0];
  return { deadlines: (p?.deadlines as DeadlinePolicy | undefined) ?? DEFAULT_DEADLINES, updatedAt: p?.updatedAt.toISOString() ?? null, updatedBy: p?.updatedBy ?? null };
}

/**
 * Sets the region's deadlines. Open alerts keep their creation time; their next escalation is
 * recomputed under the new deadlines in the same transaction.
 */
export async function putPolicy(deps: Deps, caller: Caller, deadlines: DeadlinePolicy, problems: string[]): Promise<z.infer<typeof contracts.WarningPolicy>> {
  requireRegionWide(caller);
  if (problems.length) throw badRequest(problems[0]!, Object.fromEntries(problems.map((p, i) => [`deadlines.${i}`, p])));
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    await tx.insert(warningPolicies).values({ regionId: caller.regionId, deadlines, updatedBy: caller.displayName, updatedAt: now })
      .onConflictDoUpdate({ target: warningPolicies.regionId, set: { deadlines, updatedBy: caller.displayName, updatedAt: now } });
    const open = await tx.select().from(alerts).where(and(eq(alerts.regionId, caller.regionId), sql`${alerts.status} in ('new', 'acknowledged', 'assessing')`));
    const next = open.map((a) => ({ id: a.id, next: nextEscalationAt(clockState(a), deadlines)?.toISOString() ?? null }));
    for (let i = 0; i < next.length; i += 5000) {
      await tx.execute(sql`update alerts a set next_escalation_at = v.next from jsonb_to_recordset(${JSON.stringify(next.slice(i, i + 5000))}::jsonb) as v(id uuid, next timestamptz) where a.id = v.id`);
    }
    await appendAudit(tx, { ...auditActor(caller), action: 'warning.policy.update', objectType: 'region', objectId: String(caller.regionId), detail: { deadlines, openAlerts: open.length } }, now);
  });
  return getPolicy(deps, caller);
}

function clockState(a: Pick<AlertRow, 'level' | 'status' | 'createdAt' | 'levelRaisedAt' | 'tier' | 'escalatedAt'>): AlertClockState {
  return { level: a.level, status: a.status, createdAt: a.createdAt, levelRaisedAt: a.levelRaisedAt, tier: a.tier, escalatedAt: a.escalatedAt };
}

// --- raising: every source ------------------------------------------------------------------------

export interface SignalInput {
  regionId: number;
  studentId: string;
  schoolId: number;
  /** the student's org path (for the audit row and the recipients) */
  orgPath: string;
  classId: number | null;
  source: AlertSource;
  /** unique per source: a screening response id, a report's client id … */
  sourceRef: string;
  level: AlertLevel;
  critical: boolean;
  evidence: Record<string, unknown>;
  reportedBy?: string | null;
  reporterName?: string | null;
  now: Date;
}

export interface RaiseResult {
  alertId: string;
  created: boolean;
  duplicate: boolean;
  /** the level of the alert rose with this signal */
  raised: boolean;
}

/**
 * Stores a signal exactly once and attaches it to the student's open alert, opening one if there is
 * none (at most one open alert per student: a unique index decides races). A signal of a higher
 * level raises the alert's level and restarts its deadlines. Call inside a transaction.
 */
export async function raiseAlert(tx: Db, deps: Pick<Deps, 'config'>, input: SignalInput): Promise<RaiseResult> {
  // the free text (a report's description, a student's message) is stored sealed in both rows
  const s = { ...input, evidence: sealEvidence(sealerFor(deps.config), input.source, input.sourceRef, input.evidence) };
  const seen = await tx.select({ alertId: alertSignals.alertId }).from(alertSignals).where(and(eq(alertSignals.source, s.source), eq(alertSignals.sourceRef, s.sourceRef)));
  if (seen[0]) return { alertId: seen[0].alertId, created: false, duplicate: true, raised: false };
  const policy = await deadlinesFor(tx, s.regionId);
  let alertId: string | null = null;
  let created = false;
  let raised = false;
  for (let attempt = 0; attempt < 3 && !alertId; attempt++) {
    const open = (await tx.select().from(alerts).where(and(eq(alerts.studentId, s.studentId), sql`${alerts.status} in ('new', 'acknowledged', 'assessing')`)).for('update'))[0];
    if (open) {
      const level = higherLevel(open.level, s.level);
      raised = level !== open.level;
      const state = { ...clockState(open), level, levelRaisedAt: raised ? s.now : open.levelRaisedAt };
      await tx.update(alerts).set({
        level,
        levelRaisedAt: state.levelRaisedAt,
        critical: Math.max(open.critical, s.critical ? 1 : 0),
        nextEscalationAt: nextEscalationAt(state, policy),
        updatedAt: s.now,
      }).where(eq(alerts.id, open.id));
      alertId = open.id;
    } else {
      const state: AlertClockState = { level: s.level, status: 'new', createdAt: s.now, tier: 0 };
      // a concurrent signal may open it first: then this insert does nothing and the loop joins that one
      const inserted = await rows<{ id: string }>(tx, sql`
        insert into alerts (region_id, student_id, school_id, source, source_ref, level, critical, status, evidence, tier, next_escalation_at, created_at, updated_at)
        values (${s.regionId}, ${s.studentId}, ${s.schoolId}, ${s.source}, ${s.sourceRef}, ${s.level}, ${s.critical ? 1 : 0}, 'new', ${JSON.stringify(s.evidence)}::jsonb,
          0, ${nextEscalationAt(state, policy)}, ${s.now}, ${s.now})
        on conflict (student_id) where status in ('new', 'acknowledged', 'assessing') do nothing
        returning id`);
      if (inserted[0]) {
        alertId = inserted[0].id;
        created = true;
      }
    }
  }
  if (!alertId) throw new Error('could not open or join the student\'s alert');
  const signal = await rows<{ id: number }>(tx, sql`
    insert into alert_signals (alert_id, source, source_ref, level, critical, evidence, reported_by, reporter_name, at)
    values (${alertId}, ${s.source}, ${s.sourceRef}, ${s.level}, ${s.critical}, ${JSON.stringify(s.evidence)}::jsonb, ${s.reportedBy ?? null}, ${s.reporterName ?? null}, ${s.now})
    on conflict (source, source_ref) do nothing returning id`);
  if (!signal[0]) return { alertId, created, duplicate: true, raised: false };
  await tx.insert(alertEvents).values({
    alertId,
    kind: created ? 'created' : raised ? 'level_raised' : 'signal',
    actorId: s.reportedBy ?? null,
    actorName: s.reporterName ?? null,
    detail: { source: s.source, level: s.level, critical: s.critical },
    at: s.now,
  });
  // a new sign of trouble withdraws a proposed closure (销号) of the student's care
  const reopened = await rows<{ id: string }>(tx, sql`
    update key_students set status = 'active', proposed_by = null, proposed_by_name = null, proposed_at = null, updated_at = ${s.now}
    where student_id = ${s.studentId} and status = 'closure_proposed' returning id`);
  for (const k of reopened) {
    await tx.execute(sql`insert into key_student_events (key_student_id, kind, actor_name, detail, at)
      values (${k.id}, 'closure_withdrawn', null, ${JSON.stringify({ source: s.source, alertId })}::jsonb, ${s.now})`);
  }
  await notifyOnSignals(tx, deps, [{ s, alertId, created, raised }]);
  return { alertId, created, duplicate: false, raised };
}

type OpenAlert = Pick<AlertRow, 'id' | 'studentId' | 'level' | 'critical' | 'status' | 'createdAt' | 'levelRaisedAt' | 'tier' | 'escalatedAt'>;

/**
 * The regions' deadlines and the students' open alerts, locked, in one statement (a warned
 * submission waits for each round trip of its transaction). Locked in student order, as every
 * batch takes them: two transactions wait for each other instead of deadlocking.
 */
async function lockOpenAlerts(tx: Db, regionIds: number[], studentIds: string[]): Promise<{ policies: Map<number, DeadlinePolicy>; open: OpenAlert[] }> {
  // prepared: planning it cost several times its execution
  const found = await prepared<{ policies: { regionId: number; deadlines: DeadlinePolicy }[] | null; open: (Omit<OpenAlert, 'createdAt' | 'levelRaisedAt' | 'escalatedAt'> & { createdAt: string; levelRaisedAt: string | null; escalatedAt: string | null })[] | null }>(tx, 'xinyu_lock_open_alerts', sql`
    select
      (select json_agg(json_build_object('regionId', p.region_id, 'deadlines', p.deadlines)) from warning_policies p where p.region_id = any(${sql.param(regionIds)}::int[])) as policies,
      (select json_agg(json_build_object('id', a.id, 'studentId', a.student_id, 'level', a.level, 'critical', a.critical, 'status', a.status, 'createdAt', a.created_at,
          'levelRaisedAt', a.level_raised_at, 'tier', a.tier, 'escalatedAt', a.escalated_at) order by a.student_id)
        from (select * from alerts where student_id = any(${sql.param(studentIds)}::uuid[]) and status in ('new', 'acknowledged', 'assessing') order by student_id for update) a) as open`);
  const row = found[0];
  const policies = new Map((row?.policies ?? []).map((p) => [p.regionId, p.deadlines]));
  for (const r of regionIds) if (!policies.has(r)) policies.set(r, DEFAULT_DEADLINES);
  const date = (v: string | null) => (v == null ? null : new Date(v));
  const open = (row?.open ?? []).map((a) => ({ ...a, createdAt: new Date(a.createdAt), levelRaisedAt: date(a.levelRaisedAt), escalatedAt: date(a.escalatedAt) }));
  return { policies, open };
}

/**
 * `raiseAlert` for many signals in one transaction, with the same outcome for each as if raised one
 * by one in order: each stored exactly once, joining the student's open alert or opening it (the
 * unique index decides races), raising its level, writing its event, withdrawing a proposed closure
 * and telling whoever should hear of it at once (a critical screening item: the school's counselors
 * and leaders). Together they take three statements, plus two when someone is told: the regions'
 * deadlines and the open alerts locked, one statement writing the rest, then the recipients and the
 * messages (notifyOnSignals). A second signal of the same student or source in the list and a
 * signal whose student had an alert opened concurrently go through `raiseAlert` one by one (in the
 * same transaction). Call inside a transaction.
 */
export async function raiseAlerts(tx: Db, deps: Pick<Deps, 'config'>, inputs: SignalInput[]): Promise<RaiseResult[]> {
  const results: (RaiseResult | null)[] = inputs.map(() => null);
  const students = new Set<string>();
  const refs = new Set<string>();
  const batch: number[] = [];
  const alone: number[] = [];
  inputs.forEach((s, i) => {
    const ref = `${s.source}|${s.sourceRef}`;
    (students.has(s.studentId) || refs.has(ref) ? alone : batch).push(i);
    students.add(s.studentId);
    refs.add(ref);
  });
  if (batch.length) {
    const sealer = sealerFor(deps.config);
    const { policies, open } = await lockOpenAlerts(tx, [...new Set(batch.map((i) => inputs[i]!.regionId))], batch.map((i) => inputs[i]!.studentId));
    const openOf = new Map(open.map((a) => [a.studentId, a]));
    const list = batch.map((i) => {
      const s = inputs[i]!;
      const policy = policies.get(s.regionId)!;
      const a = openOf.get(s.studentId);
      const common = {
        i, region_id: s.regionId, student_id: s.studentId, school_id: s.schoolId, source: s.source, source_ref: s.sourceRef, level: s.level, critical: s.critical,
        evidence: sealEvidence(sealer, s.source, s.sourceRef, s.evidence), reported_by: s.reportedBy ?? null, reporter_name: s.reporterName ?? null, now: s.now.toISOString(),
      };
      if (!a) {
        const state: AlertClockState = { level: s.level, status: 'new', createdAt: s.now, tier: 0 };
        return { ...common, alert_id: null, new_level: s.level, level_raised_at: null, new_critical: s.critical ? 1 : 0, raised: false, next: nextEscalationAt(state, policy)?.toISOString() ?? null };
      }
      const level = higherLevel(a.level, s.level);
      const raised = level !== a.level;
      const state = { ...clockState(a), level, levelRaisedAt: raised ? s.now : a.levelRaisedAt };
      return {
        ...common, alert_id: a.id, new_level: level, level_raised_at: state.levelRaisedAt?.toISOString() ?? null, new_critical: Math.max(a.critical, s.critical ? 1 : 0),
        raised, next: nextEscalationAt(state, policy)?.toISOString() ?? null,
      };
    });
    // prepared: planned on every batch, the statement spent a third of its time planning
    const written = await prepared<{ i: number; alert_id: string; created: boolean; raised: boolean }>(tx, 'xinyu_raise_alerts', sql`
      with v as materialized (
        select * from jsonb_to_recordset(${JSON.stringify(list)}::jsonb) as v(i int, region_id int, student_id uuid, school_id int, source text, source_ref text, level text, critical boolean,
          evidence jsonb, reported_by uuid, reporter_name text, now timestamptz, alert_id uuid, new_level text, level_raised_at timestamptz, new_critical int, raised boolean, next timestamptz)
      ), fresh as (
        -- a signal stored before changes nothing (raiseAlert's first look)
        select v.* from v where not exists (select 1 from alert_signals g where g.source = v.source and g.source_ref = v.source_ref)
      ), joined as (
        update alerts a set level = f.new_level, level_raised_at = f.level_raised_at, critical = f.new_critical, next_escalation_at = f.next, updated_at = f.now
        from fresh f where f.alert_id is not null and a.id = f.alert_id
        returning a.id, f.i
      ), opened as (
        -- a concurrent signal may open the student's alert first: then nothing here, and that signal goes through raiseAlert
        insert into alerts (region_id, student_id, school_id, source, source_ref, level, critical, status, evidence, tier, next_escalation_at, created_at, updated_at)
        select region_id, student_id, school_id, source, source_ref, level, new_critical, 'new', evidence, 0, next, now, now from fresh where alert_id is null
        order by student_id
        on conflict (student_id) where status in ('new', 'acknowledged', 'assessing') do nothing
        returning id, student_id
      ), attached as (
        select j.id, j.i, false as created from joined j
        union all
        select o.id, f.i, true from opened o join fresh f on f.student_id = o.student_id and f.alert_id is null
      ), signals as (
        insert into alert_signals (alert_id, source, source_ref, level, critical, evidence, reported_by, reporter_name, at)
        select t.id, f.source, f.source_ref, f.level, f.critical, f.evidence, f.reported_by, f.reporter_name, f.now from attached t join fresh f on f.i = t.i
        order by f.source, f.source_ref
        on conflict (source, source_ref) do nothing
        returning alert_id, source, source_ref
      ), stored as (
        select f.*, t.id as attached_to, t.created from signals g join fresh f on f.source = g.source and f.source_ref = g.source_ref join attached t on t.i = f.i
      ), events as (
        insert into alert_events (alert_id, kind, actor_id, actor_name, detail, at)
        select attached_to, case when created then 'created' when raised then 'level_raised' else 'signal' end, reported_by, reporter_name,
          jsonb_build_object('source', source, 'level', level, 'critical', critical), now
        from stored
      ), reopened as (
        -- a new sign of trouble withdraws a proposed closure (销号) of the student's care
        update key_students k set status = 'active', proposed_by = null, proposed_by_name = null, proposed_at = null, updated_at = s.now
        from stored s where k.student_id = s.student_id and k.status = 'closure_proposed'
        returning k.id, s.source, s.attached_to, s.now
      ), withdrawn as (
        insert into key_student_events (key_student_id, kind, actor_name, detail, at)
        select id, 'closure_withdrawn', null, jsonb_build_object('source', source, 'alertId', attached_to), now from reopened
      )
      select i, attached_to as alert_id, created, raised from stored`);
    for (const w of written) results[w.i] = { alertId: w.alert_id, created: w.created, duplicate: false, raised: w.raised && !w.created };
    await notifyOnSignals(tx, deps, [...written].sort((a, b) => a.i - b.i).map((w) => ({ s: inputs[w.i]!, alertId: w.alert_id, created: w.created, raised: w.raised && !w.created })));
    // not written: stored before (raiseAlert answers it as a duplicate) or raced by a concurrent signal
    for (const i of batch) if (!results[i]) alone.push(i);
  }
  for (const i of alone.sort((a, b) => a - b)) results[i] = await raiseAlert(tx, deps, inputs[i]!);
  return results as RaiseResult[];
}

/**
 * Who hears of a signal at once, and what they read (null: nobody). A screening result reaches the
 * counselors and leaders only for a critical item (the re-check lists carry the rest); any other new
 * alert reaches the class's head teacher and the school's counselors, and a red one the leaders too;
 * a signal that raises an open alert to red reaches counselors and leaders.
 */
function signalNotice(s: SignalInput, alertId: string, created: boolean, raised: boolean): { roles: string[]; notice: Omit<NotifyInput, 'accountIds'> } | null {
  let roles: string[] = [];
  if (s.source === 'screening') roles = s.critical && created ? ['counselor', 'school_leader'] : [];
  else if (created) roles = s.level === 'red' || s.critical ? ['head_teacher', 'counselor', 'school_leader'] : ['head_teacher', 'counselor'];
  else if (raised && s.level === 'red') roles = ['counselor', 'school_leader'];
  if (!roles.length) return null;
  const critical = s.source === 'screening' && s.critical;
  return {
    roles,
    notice: {
      regionId: s.regionId,
      kind: critical ? 'screening.critical' : 'alert.new',
      title: critical ? '红色预警：测评中出现高危条目，请立即处理' : `${levelName(s.level)}预警：${ALERT_SOURCE_LABEL[s.source]}`,
      body: critical
        ? '一名学生在心理测评中对高危条目（如自伤或轻生念头）作了肯定回答。请尽快核实并联系学生，按危机干预流程处置。'
        : `收到一条关于学生的${ALERT_SOURCE_LABEL[s.source]}，请在时限内确认接收并研判。`,
      link: `/alerts/${alertId}`,
      objectType: 'alert',
      objectId: alertId,
    },
  };
}

/**
 * For each wanted set, the accounts holding its roles at its school (or at its class, for head
 * teachers): one statement for every notice of a batch.
 */
async function schoolStaff(tx: Db, wanted: { schoolId: number; classId: number | null; roles: string[] }[]): Promise<string[][]> {
  const schoolRoles = [...new Set(wanted.flatMap((w) => w.roles.filter((r) => r !== 'head_teacher')))];
  const schools = [...new Set(wanted.map((w) => w.schoolId))];
  const classes = [...new Set(wanted.flatMap((w) => (w.roles.includes('head_teacher') && w.classId != null ? [w.classId] : [])))];
  const found = await rows<{ account_id: string; role: string; org_unit_id: number }>(tx, sql`
    select distinct ra.account_id, ra.role, ra.org_unit_id from role_assignments ra
    where (ra.role = any(${sql.param(schoolRoles)}::text[]) and ra.org_unit_id = any(${sql.param(schools)}::int[]))
      or (ra.role = 'head_teacher' and ra.org_unit_id = any(${sql.param(classes)}::int[]))`);
  return wanted.map((w) => [...new Set(found
    .filter((r) => (r.role === 'head_teacher' ? w.roles.includes('head_teacher') && r.org_unit_id === w.classId : w.roles.includes(r.role) && r.org_unit_id === w.schoolId))
    .map((r) => r.account_id))]);
}

/** Tells whoever should hear of each signal at once (signalNotice): the recipients looked up together, the messages written together. */
async function notifyOnSignals(tx: Db, deps: Pick<Deps, 'config'>, list: { s: SignalInput; alertId: string; created: boolean; raised: boolean }[]): Promise<void> {
  const notices = list.flatMap(({ s, alertId, created, raised }) => {
    const n = signalNotice(s, alertId, created, raised);
    return n ? [{ s, ...n }] : [];
  });
  if (!notices.length) return;
  const staff = await schoolStaff(tx, notices.map(({ s, roles }) => ({ schoolId: s.schoolId, classId: s.classId, roles })));
  await notifyMany(tx, deps, notices.map(({ s, notice }, i) => ({ input: { ...notice, accountIds: staff[i]!.filter((id) => id !== s.reportedBy) }, now: s.now })));
}

const levelName = (l: AlertLevel) => ({ red: '红色', orange: '橙色', yellow: '黄色' })[l];

/** The student as the caller may reach them with `permission`, or 404. */
async function studentInScope(deps: Deps, caller: Caller, studentId: string, permission: 'alert.raise' | 'help.request') {
  const scope = scopeOf(caller, permission);
  const found = await deps.db
    .select({ id: students.id, schoolId: students.schoolId, classId: students.classId, orgPath: students.orgPath, name: students.name })
    .from(students)
    .where(and(eq(students.id, studentId), eq(students.regionId, caller.regionId), eq(students.status, 'active'), inScope(scope, students.orgPath, students.id)));
  if (!found[0]) throw notFound();
  return found[0];
}

/** A staff member's, the counselor's or a parent's report about a student. Idempotent by the client's id. */
export async function raiseByCaller(deps: Deps, caller: Caller, body: z.infer<typeof contracts.RaiseAlertBody>): Promise<z.infer<typeof contracts.RaiseAlertResult>> {
  const student = await studentInScope(deps, caller, body.studentId, 'alert.raise');
  const source: AlertSource = caller.roles.includes('parent') && caller.roles.length === 1 ? 'parent' : caller.roles.includes('counselor') ? 'counselor' : 'teacher';
  const now = deps.clock();
  const r = await deps.db.transaction(async (tx) => {
    const result = await raiseAlert(tx, deps, {
      regionId: caller.regionId,
      studentId: student.id,
      schoolId: student.schoolId,
      classId: student.classId,
      orgPath: student.orgPath,
      source,
      sourceRef: body.clientId,
      level: body.level,
      critical: false,
      evidence: { description: body.description, ...(body.category ? { category: body.category } : {}) },
      reportedBy: caller.accountId,
      reporterName: caller.displayName,
      now,
    });
    if (!result.duplicate) await appendAudit(tx, { ...auditActor(caller), action: 'alert.raise', objectType: 'student', objectId: student.id, orgPath: student.orgPath, detail: { alertId: result.alertId, source, level: body.level } }, now);
    return result;
  });
  // a parent or a teacher learns that the school has it, not what became of it
  return { alertId: source === 'parent' ? null : r.alertId, created: r.created, duplicate: r.duplicate };
}

/** A student asking for help: an orange signal about themselves, the school decides the rest. */
export async function requestHelp(deps: Deps, caller: Caller, body: z.infer<typeof contracts.HelpRequestBody>): Promise<{ received: true; duplicate: boolean }> {
  const id = scopeOf(caller, 'help.request').studentIds[0];
  if (!id) throw notFound();
  const student = await studentInScope(deps, caller, id, 'help.request');
  const now = deps.clock();
  const r = await deps.db.transaction(async (tx) => {
    const result = await raiseAlert(tx, deps, {
      regionId: caller.regionId, studentId: student.id, schoolId: student.schoolId, classId: student.classId, orgPath: student.orgPath,
      source: 'self', sourceRef: body.clientId, level: 'orange', critical: false,
      evidence: { message: body.message }, reportedBy: caller.accountId, reporterName: caller.displayName, now,
    });
    if (!result.duplicate) await appendAudit(tx, { ...auditActor(caller), action: 'alert.help_request', objectType: 'student', objectId: student.id, orgPath: student.orgPath, detail: { alertId: result.alertId } }, now);
    return result;
  });
  return { received: true, duplicate: r.duplicate };
}

// --- reading --------------------------------------------------------------------------------------

type AlertOut = z.infer<typeof contracts.Alert>;

interface Listed {
  a: AlertRow;
  name: string;
  className: string | null;
  schoolName: string | null;
  orgPath: string;
  ownerName: string | null;
  sources: string[] | null;
  signalCount: number;
}

/**
 * Evidence keys holding free text (a staff member's or a committee's description, a student's help
 * message): sealed at rest (lib/sealed.ts), each bound to its signal (source, source ref) and key.
 * An alert row's evidence is its first signal's, so both rows bind it alike.
 */
const SEALED_EVIDENCE_KEYS = ['description', 'message'] as const;
/**
 * Evidence keys of a screening signal that carry what the student answered: the critical items name
 * the answer given (e.g. PHQ-9 item 9) and the scales its raw scores and bands. The answers and the
 * score are sealed in screening, so these are sealed too (as JSON text); what SQL filters on
 * (`evidence->>'campaignId'`, screening/results.ts) and the instrument and validity stay plain.
 */
const SEALED_EVIDENCE_JSON_KEYS = ['scales', 'criticalItems'] as const;

const evidenceAad = (source: string, sourceRef: string, key: string) => `alert_evidence.${key}:${source}:${sourceRef}`;

/**
 * Evidence as stored: free text and answer-bearing parts sealed. `stored` evidence (the start-up
 * pass over rows written before sealing) keeps the values sealed already; a new signal's are all
 * sealed (a text that merely looks sealed is text).
 */
export function sealEvidence(sealer: Sealer, source: string, sourceRef: string, evidence: Record<string, unknown>, stored = false): Record<string, unknown> {
  const out = { ...evidence };
  const keep = (v: unknown) => stored && typeof v === 'string' && isSealed(v);
  for (const k of SEALED_EVIDENCE_KEYS) {
    const v = out[k];
    if (typeof v === 'string' && !keep(v)) out[k] = sealer.seal(v, evidenceAad(source, sourceRef, k));
  }
  for (const k of SEALED_EVIDENCE_JSON_KEYS) {
    const v = out[k];
    if (v !== undefined && !keep(v)) out[k] = sealer.seal(JSON.stringify(v), evidenceAad(source, sourceRef, k));
  }
  return out;
}

/** Whether stored evidence still holds a part that `sealEvidence` would seal (written before sealing). */
export function evidenceHasPlain(evidence: Record<string, unknown>): boolean {
  return SEALED_EVIDENCE_KEYS.some((k) => typeof evidence[k] === 'string' && !isSealed(evidence[k]))
    || SEALED_EVIDENCE_JSON_KEYS.some((k) => evidence[k] !== undefined && !(typeof evidence[k] === 'string' && isSealed(evidence[k])));
}

/** Stored evidence as shown: sealed keys opened (a value stored before sealing is read as it is). */
function openEvidence(sealer: Sealer, source: string, sourceRef: string, evidence: Record<string, unknown>): Record<string, unknown> {
  const out = { ...evidence };
  for (const k of SEALED_EVIDENCE_KEYS) {
    const v = out[k];
    if (typeof v === 'string') out[k] = openOrPlain(sealer, v, evidenceAad(source, sourceRef, k));
  }
  for (const k of SEALED_EVIDENCE_JSON_KEYS) {
    const v = out[k];
    if (typeof v === 'string' && isSealed(v)) out[k] = JSON.parse(sealer.open(v, evidenceAad(source, sourceRef, k))) as unknown;
  }
  return out;
}

/** Screening evidence (scores, bands, items) only for those who may see screening results of this student. */
function evidenceFor(sealer: Sealer, caller: Caller, source: string, sourceRef: string, stored: Record<string, unknown>, orgPath: string, studentId: string): Record<string, unknown> {
  const evidence = openEvidence(sealer, source, sourceRef, stored);
  if (source !== 'screening') return evidence;
  const results = scopeFor(caller.assignments, 'screening.results');
  if (scopeIncludes(results, orgPath, studentId)) return evidence;
  return { summary: '心理测评提示需要关注（具体结果仅心理教师等可见）' };
}

function toAlert(sealer: Sealer, caller: Caller, r: Listed, policy: DeadlinePolicy, now: Date): AlertOut {
  const { ackDue, assessDue } = alertDeadlines(clockState(r.a), policy);
  return {
    id: r.a.id,
    studentId: r.a.studentId,
    name: r.name,
    className: r.className ?? '',
    schoolName: r.schoolName ?? '',
    source: r.a.source,
    sources: [...new Set((r.sources ?? [r.a.source]) as AlertSource[])],
    signalCount: r.signalCount,
    level: r.a.level,
    status: r.a.status,
    critical: r.a.critical > 0,
    evidence: evidenceFor(sealer, caller, r.a.source, r.a.sourceRef, r.a.evidence as Record<string, unknown>, r.orgPath, r.a.studentId),
    ownerId: r.a.ownerId,
    ownerName: r.ownerName,
    tier: ESCALATION_TIERS[Math.min(r.a.tier, ESCALATION_TIERS.length - 1)]!,
    ackDue: ackDue.toISOString(),
    assessDue: assessDue.toISOString(),
    overdue: overdue(clockState(r.a), policy, now),
    outcome: r.a.outcome ?? null,
    createdAt: r.a.createdAt.toISOString(),
    updatedAt: r.a.updatedAt.toISOString(),
  };
}

const schools = sql.raw('school_units');
function listedSelect() {
  return {
    a: alerts,
    name: students.name,
    className: classWithGrade,
    schoolName: sql<string | null>`(select ${schools}.name from org_units ${schools} where ${schools}.id = ${alerts.schoolId})`,
    orgPath: students.orgPath,
    ownerName: sql<string | null>`(select display_name from accounts where id = ${alerts.ownerId})`,
    sources: sql<string[] | null>`(select array_agg(distinct s.source) from alert_signals s where s.alert_id = ${alerts.id})`,
    signalCount: sql<number>`(select count(*)::int from alert_signals s where s.alert_id = ${alerts.id})`,
  };
}

/** Warning records of students in the caller's scope (by the student's current record), red and overdue first. Audited. */
export async function listAlerts(deps: Deps, caller: Caller, q: z.infer<typeof contracts.AlertQuery>): Promise<z.infer<typeof contracts.AlertList>> {
  const scope = scopeOf(caller, 'alert.read');
  const now = deps.clock();
  // a unit filter names a unit inside the caller's scope (another school's, or another class for a head teacher: 404)
  const unit = q.unitId === undefined ? null : (await deps.db.select({ id: orgUnits.id, name: sql<string>`${classWithGrade}`, kind: orgUnits.kind, path: orgUnits.path }).from(orgUnits)
    .where(and(eq(orgUnits.id, q.unitId), eq(orgUnits.regionId, caller.regionId), inScope(scope, orgUnits.path))))[0];
  if (unit === undefined) throw notFound();
  const conds: (SQL | undefined)[] = [eq(alerts.regionId, caller.regionId), inScope(scope, students.orgPath)];
  if (unit) conds.push(sql`${students.orgPath} like ${`${unit.path}%`}`);
  if (q.level) conds.push(eq(alerts.level, q.level));
  if (q.status === 'open') conds.push(sql`${alerts.status} in ('new', 'acknowledged', 'assessing')`);
  else if (q.status) conds.push(eq(alerts.status, q.status));
  if (q.source) conds.push(sql`exists (select 1 from alert_signals s where s.alert_id = ${alerts.id} and s.source = ${q.source})`);
  if (q.mine) conds.push(eq(alerts.ownerId, caller.accountId));
  if (q.studentId) conds.push(eq(alerts.studentId, q.studentId));
  // overdue: a deadline of the current level has passed (the same rule as core's `overdue`, in SQL)
  if (q.overdue) conds.push(sql`${alerts.tier} > 0 or (${alerts.nextEscalationAt} is not null and ${alerts.nextEscalationAt} <= ${now})`);
  const where = and(...conds);
  const base = () => deps.db.select(listedSelect()).from(alerts).innerJoin(students, eq(students.id, alerts.studentId)).leftJoin(orgUnits, eq(orgUnits.id, students.classId));
  const [list, total, policy] = await Promise.all([
    base()
      .where(where)
      .orderBy(sql`case when ${alerts.status} in ('new', 'acknowledged', 'assessing') then 0 else 1 end`, sql`case ${alerts.level} when 'red' then 0 when 'orange' then 1 else 2 end`, desc(alerts.createdAt), alerts.id)
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize),
    deps.db.select({ n: sql<number>`count(*)::int` }).from(alerts).innerJoin(students, eq(students.id, alerts.studentId)).where(where),
    deadlinesFor(deps.db, caller.regionId),
  ]);
  await appendAudit(deps.db, { ...auditActor(caller), action: 'alert.list.read', objectType: 'alert', orgPath: unit?.path ?? scope.orgPaths[0] ?? null, detail: { rows: list.length, studentIds: list.map((r) => r.a.studentId), ...(unit ? { unitId: unit.id } : {}) } }, now);
  return {
    items: list.map((r) => toAlert(sealerFor(deps.config), caller, r as Listed, policy, now)),
    total: total[0]!.n,
    page: q.page,
    pageSize: q.pageSize,
    unit: unit ? { id: unit.id, name: unit.name, kind: unit.kind } : null,
  };
}

async function findInScope(db: Db, caller: Caller, id: string): Promise<Listed | null> {
  const found = await db
    .select(listedSelect())
    .from(alerts)
    .innerJoin(students, eq(students.id, alerts.studentId))
    .leftJoin(orgUnits, eq(orgUnits.id, students.classId))
    .where(and(eq(alerts.id, id), eq(alerts.regionId, caller.regionId), inScope(scopeOf(caller, 'alert.read'), students.orgPath)));
  return (found[0] as Listed | undefined) ?? null;
}

/** Which actions the caller may take on this alert now. */
function actionsFor(caller: Caller, a: AlertRow, orgPath: string): { actions: AlertAction[]; canAssign: boolean } {
  const handle = hasPermission(caller, 'alert.handle') && scopeIncludes(scopeFor(caller.assignments, 'alert.handle'), orgPath, a.studentId);
  const ack = hasPermission(caller, 'alert.acknowledge') && scopeIncludes(scopeFor(caller.assignments, 'alert.acknowledge'), orgPath, a.studentId);
  const actions: AlertAction[] = [];
  for (const action of ['acknowledge', 'assess', 'confirm', 'dismiss', 'close'] as const) {
    if (!nextStatus(a.status, action)) continue;
    if (action === 'acknowledge' ? ack || handle : handle) actions.push(action);
  }
  return { actions, canAssign: handle && isOpen(a.status) };
}

/** One warning record with its signals and history. Audited. */
export async function getAlert(deps: Deps, caller: Caller, id: string): Promise<z.infer<typeof contracts.AlertDetail>> {
  const r = await findInScope(deps.db, caller, id);
  if (!r) throw notFound();
  const now = deps.clock();
  const [signals, events, policy] = await Promise.all([
    deps.db.select().from(alertSignals).where(eq(alertSignals.alertId, id)).orderBy(alertSignals.at, alertSignals.id),
    deps.db.select().from(alertEvents).where(eq(alertEvents.alertId, id)).orderBy(alertEvents.at, alertEvents.id),
    deadlinesFor(deps.db, caller.regionId),
  ]);
  await appendAudit(deps.db, { ...auditActor(caller), action: 'alert.read', objectType: 'student', objectId: r.a.studentId, orgPath: r.orgPath, detail: { alertId: id } }, now);
  return {
    ...toAlert(sealerFor(deps.config), caller, r, policy, now),
    signals: signals.map((s) => ({
      source: s.source,
      level: s.level,
      critical: s.critical,
      evidence: evidenceFor(sealerFor(deps.config), caller, s.source, s.sourceRef, s.evidence as Record<string, unknown>, r.orgPath, r.a.studentId),
      reporterName: s.reporterName,
      at: s.at.toISOString(),
    })),
    events: events.map((e) => ({ kind: e.kind, actorName: e.actorName, at: e.at.toISOString(), detail: (e.detail ?? {}) as Record<string, unknown> })),
    ...actionsFor(caller, r.a, r.orgPath),
  };
}

// --- handling -------------------------------------------------------------------------------------

const EVENT_OF: Record<AlertAction, string> = { acknowledge: 'acknowledged', assess: 'assessing', confirm: 'confirmed', dismiss: 'dismissed', close: 'closed' };

/**
 * Acknowledge, start assessing, confirm (with the outcome and the level after assessment), dismiss
 * with a reason, or close with a summary. Out of scope: 404; in scope without the right: 403; a
 * step that does not follow from the status (or a concurrent change): 409.
 */
export async function actOnAlert(deps: Deps, caller: Caller, id: string, body: z.infer<typeof contracts.AlertActionBody>): Promise<z.infer<typeof contracts.AlertDetail>> {
  const r = await findInScope(deps.db, caller, id);
  if (!r) throw notFound();
  const { actions } = actionsFor(caller, r.a, r.orgPath);
  const to = nextStatus(r.a.status, body.action);
  if (!to) throw new AppError(409, 'invalid_transition', `这条预警当前为「${STATUS_LABEL[r.a.status]}」，不能${ACTION_LABEL[body.action]}`);
  if (!actions.includes(body.action)) throw forbidden();
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    const policy = await deadlinesFor(tx, caller.regionId);
    const level = body.action === 'confirm' && body.level ? body.level : r.a.level;
    const state: AlertClockState = { ...clockState(r.a), status: to, level };
    const set: Partial<typeof alerts.$inferInsert> = { status: to, level, nextEscalationAt: nextEscalationAt(state, policy), updatedAt: now };
    if (body.action === 'acknowledge' || (body.action === 'assess' && !r.a.acknowledgedAt)) set.acknowledgedAt = now;
    // whoever takes it up first becomes its owner, unless someone was assigned
    if (!r.a.ownerId && body.action !== 'close') set.ownerId = caller.accountId;
    if (body.action === 'confirm') set.outcome = body.outcome;
    if (body.action === 'close') set.closedAt = now;
    const updated = await tx.update(alerts).set(set).where(and(eq(alerts.id, id), eq(alerts.status, r.a.status))).returning({ id: alerts.id });
    if (!updated[0]) throw new AppError(409, 'changed', '这条预警刚被他人处理过，请刷新后再看');
    const { action: _action, ...detail } = body;
    await tx.insert(alertEvents).values({ alertId: id, kind: EVENT_OF[body.action], actorId: caller.accountId, actorName: caller.displayName, detail: { ...detail, ...(level !== r.a.level ? { levelFrom: r.a.level, levelTo: level } : {}) }, at: now });
    // confirmed into care: the student goes on the school's key-student register (or their open record grows)
    if (body.action === 'confirm' && body.outcome === 'care') {
      const key = await registerKeyStudent(tx, { regionId: caller.regionId, schoolId: r.a.schoolId, studentId: r.a.studentId, categories: ['预警确认'], level, source: 'alert', reason: body.note, alertId: id, actorName: caller.displayName, now, sealer: sealerFor(deps.config) });
      await tx.insert(alertEvents).values({ alertId: id, kind: 'care_registered', actorId: caller.accountId, actorName: caller.displayName, detail: { keyStudentId: key.id, created: key.created }, at: now });
    }
    await appendAudit(tx, { ...auditActor(caller), action: `alert.${body.action}`, objectType: 'student', objectId: r.a.studentId, orgPath: r.orgPath, detail: { alertId: id, from: r.a.status, to } }, now);
  });
  return getAlert(deps, caller, id);
}

const STATUS_LABEL: Record<AlertStatus, string> = { new: '待接收', acknowledged: '已接收', assessing: '研判中', confirmed: '已确认', dismissed: '已排除', closed: '已结案' };
const ACTION_LABEL: Record<AlertAction, string> = { acknowledge: '确认接收', assess: '开始研判', confirm: '确认预警', dismiss: '排除', close: '结案' };

/** Staff of the student's school who may handle it (for the assign list). */
export async function assignees(deps: Deps, caller: Caller, id: string): Promise<z.infer<typeof contracts.AlertAssignee>[]> {
  const r = await findInScope(deps.db, caller, id);
  if (!r) throw notFound();
  if (!actionsFor(caller, r.a, r.orgPath).canAssign) throw forbidden();
  const found = await rows<{ account_id: string; name: string; role: string }>(deps.db, sql`
    select distinct on (a.id) a.id as account_id, a.display_name as name, ra.role
    from role_assignments ra join accounts a on a.id = ra.account_id and not a.disabled join org_units u on u.id = ra.org_unit_id
    where ra.role in ('counselor', 'school_leader') and ${r.orgPath} like u.path || '%' and u.kind = 'school'
    order by a.id, ra.role`);
  return found.map((f) => ({ accountId: f.account_id, name: f.name, role: f.role }));
}

/** Names the alert's owner (a counselor or leader of the student's school); they are told. */
export async function assignAlert(deps: Deps, caller: Caller, id: string, accountId: string): Promise<z.infer<typeof contracts.AlertDetail>> {
  const list = await assignees(deps, caller, id);
  const who = list.find((a) => a.accountId === accountId);
  if (!who) throw badRequest('只能指派给本校的心理教师或学校领导', { accountId: '不是本校可处理预警的人员' });
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    const r = (await tx.select().from(alerts).where(eq(alerts.id, id)))[0]!;
    await tx.update(alerts).set({ ownerId: accountId, updatedAt: now }).where(eq(alerts.id, id));
    await tx.insert(alertEvents).values({ alertId: id, kind: 'assigned', actorId: caller.accountId, actorName: caller.displayName, detail: { ownerId: accountId, ownerName: who.name }, at: now });
    await notify(tx, deps, { regionId: caller.regionId, accountIds: [accountId].filter((a) => a !== caller.accountId), kind: 'alert.assigned', title: `${levelName(r.level)}预警已指派给您`, body: '请在时限内确认接收并研判。', link: `/alerts/${id}`, objectType: 'alert', objectId: id }, now);
    await appendAudit(tx, { ...auditActor(caller), action: 'alert.assign', objectType: 'student', objectId: r.studentId, detail: { alertId: id, ownerId: accountId } }, now);
  });
  return getAlert(deps, caller, id);
}

// --- escalation -----------------------------------------------------------------------------------

interface DueRow {
  id: string;
  region_id: number;
  school_id: number;
  level: AlertLevel;
  status: AlertStatus;
  created_at: Date | string;
  level_raised_at: Date | string | null;
  tier: number;
  escalated_at: Date | string | null;
}

const asDate = (v: Date | string | null): Date | null => (v == null ? null : v instanceof Date ? v : new Date(v));

/**
 * Climbs every overdue alert one tier and tells that tier (counselors, then leaders of the school,
 * then the district's bureau staff), once per tier: the update only applies if the tier is still
 * the one read. Runs as a scheduled job under an advisory lock; returns how many climbed.
 */
export async function escalateAlerts(deps: Pick<Deps, 'clock' | 'config'>, tx: Db, limit = 20_000): Promise<number> {
  const now = deps.clock();
  let climbed = 0;
  // bounded: a row another server changed meanwhile is left for the next run
  for (let round = 0; round < 10; round++) {
    const due = await rows<DueRow>(tx, sql`
      select id, region_id, school_id, level, status, created_at, level_raised_at, tier, escalated_at from alerts
      where next_escalation_at <= ${now} order by next_escalation_at limit ${limit} for update skip locked`);
    if (!due.length) return climbed;
    const policies = new Map<number, DeadlinePolicy>();
    for (const region of new Set(due.map((d) => d.region_id))) policies.set(region, await deadlinesFor(tx, region));
    const changes: { id: string; old_tier: number; tier: number; escalated_at: string | null; next: string | null; reason: string | null; region_id: number; school_id: number; level: AlertLevel }[] = [];
    for (const d of due) {
      const policy = policies.get(d.region_id)!;
      const state: AlertClockState = { level: d.level, status: d.status, createdAt: asDate(d.created_at)!, levelRaisedAt: asDate(d.level_raised_at), tier: d.tier, escalatedAt: asDate(d.escalated_at) };
      const step = escalationDue(state, policy, now);
      const after = step ? { ...state, tier: step.tier, escalatedAt: now } : state;
      changes.push({
        id: d.id, old_tier: d.tier, tier: after.tier, escalated_at: after.escalatedAt?.toISOString() ?? null,
        next: nextEscalationAt(after, policy)?.toISOString() ?? null, reason: step?.reason ?? null, region_id: d.region_id, school_id: d.school_id, level: d.level,
      });
    }
    for (let i = 0; i < changes.length; i += 20_000) {
      const part = JSON.stringify(changes.slice(i, i + 20_000));
      await tx.execute(sql`
        with v as materialized (
          select * from jsonb_to_recordset(${part}::jsonb) as v(id uuid, old_tier int, tier int, escalated_at timestamptz, next timestamptz, reason text, region_id int, school_id int, level text)
        ), moved as (
          update alerts a set tier = v.tier, escalated_at = v.escalated_at, next_escalation_at = v.next, updated_at = case when v.reason is null then a.updated_at else ${now} end
          from v where a.id = v.id and a.tier = v.old_tier
          returning a.id, a.student_id, v.tier, v.reason, v.region_id, v.school_id, v.level
        ), climbed as (select * from moved where reason is not null),
        events as (
          insert into alert_events (alert_id, kind, detail, at)
          select id, 'escalated', jsonb_build_object('tier', (${sql.param([...ESCALATION_TIERS])}::text[])[tier + 1], 'reason', reason), ${now} from climbed
        ), targets as (
          -- tier 1: the school's counselors, 2: its leaders, 3: the bureau staff of its district
          select c.id, c.region_id, c.level, c.tier,
            case c.tier when 1 then 'counselor' when 2 then 'school_leader' else 'bureau_staff' end as role,
            case when c.tier = 3 then school.parent_id else c.school_id end as unit_id
          from climbed c join org_units school on school.id = c.school_id
        ), recipients as (
          select distinct t.id as alert_id, t.region_id, t.level, t.tier, ra.account_id
          from targets t join role_assignments ra on ra.org_unit_id = t.unit_id and ra.role = t.role
        )
        insert into notifications (region_id, account_id, kind, title, body, link, object_type, object_id, created_at)
        select region_id, account_id, 'alert.escalated',
          (case level when 'red' then '红色' when 'orange' then '橙色' else '黄色' end) || '预警逾期未处理，已上报至' || (${sql.param(ESCALATION_TIERS.map((t) => TIER_LABEL[t]))}::text[])[tier + 1],
          '这条预警已超过处置时限。请立即确认接收、指派责任人并研判。', '/alerts/' || alert_id, 'alert', alert_id::text, ${now}
        from recipients`);
      const moved = changes.slice(i, i + 20_000).filter((c) => c.reason);
      climbed += moved.length;
      if (deps.config.webhookUrl && moved.length) {
        await tx.execute(sql`
          insert into outbox (region_id, channel, event, payload, next_attempt_at, created_at)
          select v.region_id, 'webhook', 'alert.escalated', jsonb_build_object('event', 'alert.escalated', 'objectType', 'alert', 'objectId', v.id, 'tier', v.tier, 'level', v.level, 'at', ${now.toISOString()}::text), ${now}, ${now}
          from jsonb_to_recordset(${JSON.stringify(moved)}::jsonb) as v(id uuid, region_id int, tier int, level text)`);
      }
    }
    if (due.length < limit) return climbed;
  }
  return climbed;
}

// --- boards ---------------------------------------------------------------------------------------

/**
 * The warning board of a unit the caller may read alerts in: open alerts by level, status and tier,
 * overdue ones, per child unit (classes of a school, schools of a district, districts of a city) and,
 * on a school's board, per owner. Outside a school, counts of 1–4 are suppressed. One pass over the
 * unit's open alerts.
 */
export async function warningBoard(deps: Deps, caller: Caller, unitId: number): Promise<z.infer<typeof contracts.WarningBoard>> {
  const scope = scopeOf(caller, 'alert.board');
  const unit = (await deps.db.select().from(orgUnits).where(and(eq(orgUnits.id, unitId), eq(orgUnits.regionId, caller.regionId), inScope(scope, orgUnits.path))))[0];
  if (!unit) throw notFound();
  const now = deps.clock();
  const { kind: childKind, idSql: childSql } = childGrouping(unit, 's');
  // exact counts and owners only inside a school, and only for callers who may read its alerts
  // (a bureau admin's board of a school is counts with small cells suppressed, like a district's)
  const inside = (unit.kind === 'school' || unit.kind === 'grade' || unit.kind === 'class') && scopeIncludes(scopeFor(caller.assignments, 'alert.read'), unit.path);
  const prefix = `${unit.path}%`;
  // overdue: past the next escalation time, or already climbed (the same rule as the list's filter)
  const overdueSql = sql`(a.tier > 0 or (a.next_escalation_at is not null and a.next_escalation_at <= ${now}))`;
  const [grouped, owners, handled] = await Promise.all([
    rows<{ child_id: number | null; level: AlertLevel; status: string; tier: number; overdue: boolean; n: number }>(deps.db, sql`
      select ${childSql} as child_id, a.level, a.status, a.tier, ${overdueSql} as overdue, count(*)::int as n
      from alerts a join students s on s.id = a.student_id
      where a.region_id = ${caller.regionId} and a.status in ('new', 'acknowledged', 'assessing') and s.org_path like ${prefix}
      group by 1, 2, 3, 4, 5`),
    inside
      ? rows<{ owner_id: string | null; name: string | null; open: number; overdue: number }>(deps.db, sql`
          select a.owner_id, acc.display_name as name, count(*)::int as open, count(*) filter (where ${overdueSql})::int as overdue
          from alerts a join students s on s.id = a.student_id left join accounts acc on acc.id = a.owner_id
          where a.region_id = ${caller.regionId} and a.status in ('new', 'acknowledged', 'assessing') and s.org_path like ${prefix}
          group by 1, 2 order by 3 desc`)
      : Promise.resolve([]),
    rows<{ n: number }>(deps.db, sql`
      select count(*)::int as n from alerts a join students s on s.id = a.student_id
      where a.region_id = ${caller.regionId} and a.status in ('dismissed', 'closed') and a.updated_at >= ${new Date(now.getTime() - 30 * 24 * HOUR_MS)} and s.org_path like ${prefix}`),
  ]);
  const children = await deps.db.select({ id: orgUnits.id, name: childKind === 'class' ? sql<string>`${classWithGrade}` : orgUnits.name }).from(orgUnits)
    .where(and(eq(orgUnits.kind, childKind), sql`${orgUnits.path} like ${prefix}`, eq(orgUnits.active, true)))
    .orderBy(orgUnits.path);
  const zero = () => ({ red: 0, orange: 0, yellow: 0, overdue: 0 });
  const total = zero();
  const byStatus = { new: 0, acknowledged: 0, assessing: 0 };
  const byTier = { class: 0, counselor: 0, leader: 0, bureau: 0 };
  const perChild = new Map<number, ReturnType<typeof zero>>();
  for (const g of grouped) {
    total[g.level] += g.n;
    if (g.overdue) total.overdue += g.n;
    byStatus[g.status as keyof typeof byStatus] += g.n;
    byTier[ESCALATION_TIERS[Math.min(g.tier, ESCALATION_TIERS.length - 1)]!] += g.n;
    if (g.child_id != null) {
      const c = perChild.get(g.child_id) ?? zero();
      c[g.level] += g.n;
      if (g.overdue) c.overdue += g.n;
      perChild.set(g.child_id, c);
    }
  }
  await appendAudit(deps.db, { ...auditActor(caller), action: 'warning.board.read', objectType: 'org_unit', objectId: String(unit.id), orgPath: unit.path }, now);
  return {
    unit: { id: unit.id, name: unit.name, kind: unit.kind },
    suppressed: !inside,
    listable: scopeIncludes(scopeFor(caller.assignments, 'alert.read'), unit.path),
    open: suppressRowCounts(total, inside),
    byStatus: suppressRowCounts(byStatus, inside),
    byTier: suppressRowCounts(byTier, inside),
    handled30d: suppress(handled[0]?.n ?? 0, inside),
    rows: children.map((c) => ({ unitId: c.id, name: c.name, ...suppressRowCounts(perChild.get(c.id) ?? zero(), inside) })),
    owners: owners.map((o) => ({ ownerId: o.owner_id, name: o.name ?? '未指派', open: o.open, overdue: o.overdue })),
  };
}

const HOUR_MS = 3_600_000;

/** Level counts are suppressed as a row; the overdue count is a cell of its own. */
function suppressRowCounts<K extends string>(counts: Record<K, number>, inside: boolean): Record<K, number | null> {
  const { overdue, ...rest } = counts as Record<string, number>;
  const row = suppressRow(rest as Record<string, number>, inside) as Record<string, number | null>;
  return (overdue === undefined ? row : { ...row, overdue: suppress(overdue, inside) }) as Record<K, number | null>;
}
