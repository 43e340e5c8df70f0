/**
 * Crisis cases (心理危机个案): opened from an alert, a counseling session or directly, at most one
 * open case per student; a named team, a safety plan, tasks, guardian contacts, conferences and a
 * timeline; closed (销号) by a school leader with its one-case-one-analysis (一案一分析).
 * Who may see or change a case is decided in the query from the caller's scope for the student's
 * path: another school's case answers 404 like a missing one.
 */
import { analysisProblems, cleanSafetyPlan, RISK_RANK, riskFromAlert, safetyPlanChanges, scopeFor, scopeIncludes, taskState, type contracts, type Permission, type RiskLevel, type SafetyPlan } from '@xinyu/core';
import { and, asc, desc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import { rows, type Db } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { AppError, badRequest, conflict, notFound } from '../../http/errors.js';
import { hasPermission, homePath, inScope, scopeOf } from '../access/service.js';
import { appendAudit } from '../audit/service.js';
import { openOrPlain, sealerFor, type Sealer } from '../../lib/sealed.js';
import { openJson, sealJson } from '../../lib/sealed-fields.js';
import type { Config } from '../../config.js';
import { notify } from '../notify/service.js';
import { auditActor, classWithGrade } from '../org/service.js';
import { orgUnits, students } from '../org/tables.js';
import { alerts } from '../warning/tables.js';
import { conferencesOfCase } from './conferences.js';
import { contactOut } from './guardians.js';
import { crisisCases, crisisEvents, crisisTasks, crisisTeamMembers, guardianContacts } from './tables.js';

type CaseRow = typeof crisisCases.$inferSelect;
type Detail = z.infer<typeof contracts.CrisisCaseDetail>;

export type CaseSource = 'alert' | 'session' | 'direct';
export type TeamRole = 'counselor' | 'leader' | 'head_teacher' | 'other';

export interface OpenCaseInput {
  studentId: string;
  source: CaseSource;
  alertId?: string | null;
  sessionId?: string | null;
  riskLevel: RiskLevel;
  summary: string;
  clientId: string;
}

/**
 * A case's safety plan and its one-case-one-analysis are sealed at rest (jsonb holding one sealed
 * string), bound to the case and the field; so is each version of the plan on the timeline.
 */
export const caseAad = (caseId: string, field: 'safety_plan' | 'analysis') => `crisis_cases.${field}:${caseId}`;
export const planEventAad = (caseId: string) => `crisis_events.safety_plan:${caseId}`;
/** The binding of a signal event's summary on a case's timeline. */
export const signalEventAad = (caseId: string) => `crisis_events:${caseId}`;
/** The binding of a case's summary (bound to the client id the case was opened with). */
export const summaryAad = (clientId: string) => `crisis_cases.summary:${clientId}`;

/** Appends to a case's timeline (never rewritten). */
export async function caseEvent(tx: Db, caseId: string, kind: string, actorName: string | null, detail: Record<string, unknown> | null, at: Date): Promise<void> {
  await tx.insert(crisisEvents).values({ caseId, kind, actorName, detail, at });
}

/** A team role from what the caller is at the school. */
function teamRoleOf(caller: Caller): TeamRole {
  if (caller.roles.includes('counselor')) return 'counselor';
  if (caller.roles.includes('school_leader')) return 'leader';
  if (caller.roles.includes('head_teacher')) return 'head_teacher';
  return 'other';
}

/**
 * Opens a crisis case for a student in the caller's crisis.manage scope (404 otherwise, 403 without
 * the permission). Idempotent by `clientId`; when the student already has an open case it returns
 * that case (`created: false`) and records the new signal on its timeline instead of opening a second.
 * The default team is the caller and the head teacher(s) of the student's class; a leader is chosen
 * afterwards. Notifies the team, writes the timeline and the audit log. Call it inside a transaction.
 */
export async function openCrisisCase(tx: Db, deps: Pick<Deps, 'config' | 'clock'>, caller: Caller, input: OpenCaseInput): Promise<{ id: string; created: boolean }> {
  const scope = scopeOf(caller, 'crisis.manage');
  const student = (await tx.select().from(students)
    .where(and(eq(students.id, input.studentId), eq(students.regionId, caller.regionId), inScope(scope, students.orgPath))))[0];
  if (!student) throw notFound();
  const now = deps.clock();

  // the same request again: the case it opened (or joined)
  const again = (await tx.select({ id: crisisCases.id }).from(crisisCases).where(and(eq(crisisCases.clientId, input.clientId), eq(crisisCases.studentId, student.id))))[0];
  if (again) return { id: again.id, created: false };

  const joinOpen = async (openId: string) => {
    await caseEvent(tx, openId, 'signal', caller.displayName, { source: input.source, alertId: input.alertId ?? null, sessionId: input.sessionId ?? null, riskLevel: input.riskLevel, summarySealed: sealerFor(deps.config).seal(input.summary, signalEventAad(openId)) }, now);
    await tx.update(crisisCases).set({ updatedAt: now }).where(eq(crisisCases.id, openId));
    await appendAudit(tx, { ...auditActor(caller), action: 'crisis.case.signal', objectType: 'crisis_case', objectId: openId, orgPath: student.orgPath, detail: { source: input.source, riskLevel: input.riskLevel } }, now);
    const team = await tx.select({ accountId: crisisTeamMembers.accountId }).from(crisisTeamMembers).where(and(eq(crisisTeamMembers.caseId, openId), isNull(crisisTeamMembers.removedAt)));
    await notify(tx, deps, { regionId: caller.regionId, accountIds: team.map((m) => m.accountId).filter((a) => a !== caller.accountId), kind: 'crisis.case.signal', title: `危机个案有新情况：${student.name}`, link: `/crisis/${openId}`, objectType: 'crisis_case', objectId: openId }, now);
    return { id: openId, created: false };
  };

  const open = (await tx.select({ id: crisisCases.id }).from(crisisCases).where(and(eq(crisisCases.studentId, student.id), eq(crisisCases.status, 'open'))))[0];
  if (open) return joinOpen(open.id);

  const inserted = await tx.insert(crisisCases).values({
    regionId: caller.regionId,
    schoolId: student.schoolId,
    orgPath: student.orgPath,
    studentId: student.id,
    source: input.source,
    alertId: input.alertId ?? null,
    sessionId: input.sessionId ?? null,
    riskLevel: input.riskLevel,
    // sealed (lib/sealed.ts), bound to the case by its client id; opened in detailOf
    summary: sealerFor(deps.config).seal(input.summary, summaryAad(input.clientId)),
    openedBy: caller.accountId,
    openedByName: caller.displayName,
    openedAt: now,
    clientId: input.clientId,
    updatedAt: now,
  }).onConflictDoNothing().returning({ id: crisisCases.id });
  if (!inserted[0]) {
    // a concurrent request won the race: the same clientId, or another case opened for the student
    const byClient = (await tx.select({ id: crisisCases.id, studentId: crisisCases.studentId }).from(crisisCases).where(eq(crisisCases.clientId, input.clientId)))[0];
    if (byClient) {
      if (byClient.studentId !== student.id) throw new AppError(409, 'conflict', '该请求编号已被使用，请刷新后重试');
      return { id: byClient.id, created: false };
    }
    const raced = (await tx.select({ id: crisisCases.id }).from(crisisCases).where(and(eq(crisisCases.studentId, student.id), eq(crisisCases.status, 'open'))))[0];
    if (raced) return joinOpen(raced.id);
    throw new AppError(409, 'conflict', '个案刚被他人修改，请刷新');
  }
  const id = inserted[0].id;

  const heads = student.classId == null ? [] : await rows<{ id: string; display_name: string }>(tx, sql`
    select distinct a.id, a.display_name from role_assignments ra join accounts a on a.id = ra.account_id and not a.disabled
    where ra.role = 'head_teacher' and ra.org_unit_id = ${student.classId}`);
  const team = [
    { accountId: caller.accountId, name: caller.displayName, teamRole: teamRoleOf(caller) },
    ...heads.filter((h) => h.id !== caller.accountId).map((h) => ({ accountId: h.id, name: h.display_name, teamRole: 'head_teacher' as const })),
  ];
  await tx.insert(crisisTeamMembers).values(team.map((m) => ({ caseId: id, ...m, addedAt: now })));
  await caseEvent(tx, id, 'opened', caller.displayName, { source: input.source, alertId: input.alertId ?? null, sessionId: input.sessionId ?? null, riskLevel: input.riskLevel, team: team.map((m) => m.name) }, now);
  await appendAudit(tx, { ...auditActor(caller), action: 'crisis.case.open', objectType: 'crisis_case', objectId: id, orgPath: student.orgPath, detail: { studentId: student.id, source: input.source, riskLevel: input.riskLevel } }, now);
  await notify(tx, deps, {
    regionId: caller.regionId,
    accountIds: team.map((m) => m.accountId).filter((a) => a !== caller.accountId),
    kind: 'crisis.case.opened',
    title: `危机个案：${student.name}（您已列入干预小组）`,
    link: `/crisis/${id}`,
    objectType: 'crisis_case',
    objectId: id,
  }, now);
  return { id, created: true };
}

// --- reading --------------------------------------------------------------------------------------

export interface FoundCase {
  c: CaseRow;
  studentName: string;
  className: string;
  /** the student's path today (their class): the scope key */
  orgPath: string;
}

const caseSelect = { c: crisisCases, studentName: students.name, className: sql<string>`coalesce(${classWithGrade}, '')`, orgPath: students.orgPath };

function caseBase(db: Db) {
  return db.select(caseSelect).from(crisisCases)
    .innerJoin(students, eq(students.id, crisisCases.studentId))
    .leftJoin(orgUnits, eq(orgUnits.id, students.classId));
}

/** A case the caller may reach with `permission` (its scope tested in the query), or null. */
export async function findCase(db: Db, caller: Caller, id: string, permission: Permission = 'crisis.read'): Promise<FoundCase | null> {
  const scope = scopeOf(caller, permission);
  const found = await caseBase(db).where(and(eq(crisisCases.id, id), eq(crisisCases.regionId, caller.regionId), inScope(scope, students.orgPath)));
  return found[0] ?? null;
}

/** Row lock on a case for the rest of the transaction (nothing when there is no such case). */
async function lockCase(tx: Db, id: string): Promise<void> {
  await tx.select({ id: crisisCases.id }).from(crisisCases).where(eq(crisisCases.id, id)).for('update');
}

/**
 * A case the caller may change: in crisis.manage scope (404 otherwise) and still open (409 once
 * closed). Call it inside the change's transaction: it locks the case first (one change at a time
 * per case), so what it reads is the latest commit, not the state before waiting for the lock.
 */
export async function manageableCase(tx: Db, caller: Caller, id: string): Promise<FoundCase> {
  await lockCase(tx, id);
  const found = await findCase(tx, caller, id, 'crisis.manage');
  if (!found) throw notFound();
  if (found.c.status !== 'open') throw conflict('个案已销号，只能查看，不能再修改');
  return found;
}

function may(caller: Caller, permission: Permission, f: FoundCase): boolean {
  return hasPermission(caller, permission) && scopeIncludes(scopeFor(caller.assignments, permission), f.orgPath);
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

async function liveTeam(db: Db, caseId: string) {
  return db.select().from(crisisTeamMembers).where(and(eq(crisisTeamMembers.caseId, caseId), isNull(crisisTeamMembers.removedAt)));
}

/** The live team member a task is given to (none: null), or 400. */
async function teamAssignee(db: Db, caseId: string, accountId: string | null | undefined): Promise<{ accountId: string; name: string } | null> {
  if (!accountId) return null;
  const m = (await liveTeam(db, caseId)).find((x) => x.accountId === accountId);
  if (!m) throw badRequest('负责人须是干预小组成员', { assigneeAccountId: '请从干预小组中选择' });
  return { accountId: m.accountId, name: m.name };
}

async function notifyTeam(tx: Db, deps: Pick<Deps, 'config'>, caller: Caller, f: FoundCase, kind: string, title: string, now: Date): Promise<void> {
  const team = await liveTeam(tx, f.c.id);
  await notify(tx, deps, { regionId: caller.regionId, accountIds: team.map((m) => m.accountId).filter((a) => a !== caller.accountId), kind, title, link: `/crisis/${f.c.id}`, objectType: 'crisis_case', objectId: f.c.id }, now);
}

async function audit(tx: Db, caller: Caller, f: FoundCase, action: string, detail: Record<string, unknown>, now: Date): Promise<void> {
  await appendAudit(tx, { ...auditActor(caller), action, objectType: 'crisis_case', objectId: f.c.id, orgPath: f.orgPath, detail: { studentId: f.c.studentId, ...detail } }, now);
}

const itemOut = (f: FoundCase, overdue: number, teamNames: string[]): z.infer<typeof contracts.CrisisCaseItem> => ({
  id: f.c.id,
  studentId: f.c.studentId,
  studentName: f.studentName,
  className: f.className,
  source: f.c.source,
  riskLevel: f.c.riskLevel,
  status: f.c.status,
  openedAt: f.c.openedAt.toISOString(),
  openedByName: f.c.openedByName,
  closedAt: iso(f.c.closedAt),
  overdueTasks: overdue,
  teamNames,
});

/** The cases of the caller's crisis.read scope (leaders and counselors: their school; head teachers: their class), audited. */
export async function listCases(deps: Deps, caller: Caller, q: z.infer<typeof contracts.CrisisCaseQuery>) {
  const scope = scopeOf(caller, 'crisis.read');
  const now = deps.clock();
  const conds: (SQL | undefined)[] = [eq(crisisCases.regionId, caller.regionId), inScope(scope, students.orgPath)];
  if (q.status !== 'all') conds.push(eq(crisisCases.status, q.status));
  if (q.risk) conds.push(eq(crisisCases.riskLevel, q.risk));
  if (q.studentId) conds.push(eq(crisisCases.studentId, q.studentId));
  if (q.q) conds.push(sql`(${students.name} like ${`%${q.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`} or ${students.studentNo} = ${q.q})`);
  const where = and(...conds);
  const [list, total] = await Promise.all([
    caseBase(deps.db).where(where)
      .orderBy(sql`case when ${crisisCases.status} = 'open' then 0 else 1 end`, sql`case ${crisisCases.riskLevel} when 'imminent' then 0 when 'high' then 1 else 2 end`, desc(crisisCases.openedAt))
      .limit(q.pageSize).offset((q.page - 1) * q.pageSize),
    deps.db.select({ n: sql<number>`count(*)::int` }).from(crisisCases).innerJoin(students, eq(students.id, crisisCases.studentId)).where(where),
  ]);
  const ids = list.map((r) => r.c.id);
  const extra = ids.length ? await rows<{ id: string; overdue: number; names: string[] | null }>(deps.db, sql`
    select c.id,
      (select count(*)::int from crisis_tasks t where t.case_id = c.id and t.done_at is null and t.cancelled_at is null and t.due_at < ${now.toISOString()}::timestamptz) as overdue,
      (select array_agg(m.name order by m.added_at) from crisis_team_members m where m.case_id = c.id and m.removed_at is null) as names
    from crisis_cases c where c.id = any(${sql.param(ids)}::uuid[])`) : [];
  await appendAudit(deps.db, { ...auditActor(caller), action: 'crisis.case.list', objectType: 'crisis_case', orgPath: homePath(caller.assignments), detail: { rows: list.length, studentIds: list.map((r) => r.c.studentId) } }, now);
  return {
    items: list.map((f) => { const e = extra.find((x) => x.id === f.c.id); return itemOut(f, e?.overdue ?? 0, e?.names ?? []); }),
    total: total[0]!.n,
    page: q.page,
    pageSize: q.pageSize,
  };
}

/** A timeline event's detail as shown: a sealed summary (a new signal on an open case) or safety plan version opened. */
function eventDetail(sealer: Sealer, caseId: string, detail: Record<string, unknown> | null): Record<string, unknown> | null {
  if (!detail) return detail;
  if (typeof detail.summarySealed === 'string') {
    const { summarySealed, ...rest } = detail;
    return { ...rest, summary: sealer.open(summarySealed, signalEventAad(caseId)) };
  }
  if (typeof detail.planSealed === 'string') {
    const { planSealed, ...rest } = detail;
    return { ...rest, plan: openJson<SafetyPlan>(sealer, planSealed, planEventAad(caseId)) };
  }
  return detail;
}

async function detailOf(db: Db, config: Config, caller: Caller, f: FoundCase, now: Date): Promise<Detail> {
  const sealer = sealerFor(config);
  const [team, tasks, contacts, conferences, events] = await Promise.all([
    db.select().from(crisisTeamMembers).where(eq(crisisTeamMembers.caseId, f.c.id)).orderBy(asc(crisisTeamMembers.addedAt)),
    db.select().from(crisisTasks).where(eq(crisisTasks.caseId, f.c.id)).orderBy(asc(crisisTasks.dueAt)),
    db.select().from(guardianContacts).where(eq(guardianContacts.caseId, f.c.id)).orderBy(desc(guardianContacts.contactedAt)),
    conferencesOfCase(db, sealer, f.c.id),
    db.select().from(crisisEvents).where(eq(crisisEvents.caseId, f.c.id)).orderBy(desc(crisisEvents.at), desc(crisisEvents.id)),
  ]);
  const tasksOut = tasks.map((t) => ({
    id: t.id, title: t.title, assigneeAccountId: t.assigneeAccountId, assigneeName: t.assigneeName, dueAt: t.dueAt.toISOString(), state: taskState(t, now),
    doneAt: iso(t.doneAt), cancelledAt: iso(t.cancelledAt), doneByName: t.doneByName, note: t.note,
  }));
  const open = f.c.status === 'open';
  return {
    ...itemOut(f, tasksOut.filter((t) => t.state === 'overdue').length, team.filter((m) => !m.removedAt).map((m) => m.name)),
    schoolId: f.c.schoolId,
    alertId: f.c.alertId,
    sessionId: f.c.sessionId,
    summary: openOrPlain(sealer, f.c.summary, summaryAad(f.c.clientId)),
    safetyPlan: openJson<SafetyPlan>(sealer, f.c.safetyPlan, caseAad(f.c.id, 'safety_plan')),
    safetyPlanUpdatedAt: iso(f.c.safetyPlanUpdatedAt),
    safetyPlanUpdatedByName: f.c.safetyPlanUpdatedByName,
    analysis: openJson<NonNullable<Detail['analysis']>>(sealer, f.c.analysis, caseAad(f.c.id, 'analysis')),
    closedByName: f.c.closedByName,
    updatedAt: f.c.updatedAt.toISOString(),
    team: team.map((m) => ({ id: m.id, accountId: m.accountId, name: m.name, teamRole: m.teamRole, addedAt: m.addedAt.toISOString(), removedAt: iso(m.removedAt) })),
    tasks: tasksOut,
    guardianContacts: contacts.map((r) => contactOut(sealer, r)),
    conferences,
    events: events.map((e) => ({ id: e.id, kind: e.kind, actorName: e.actorName, detail: eventDetail(sealer, f.c.id, e.detail as Record<string, unknown> | null), at: e.at.toISOString() })),
    can: { manage: open && may(caller, 'crisis.manage', f), close: open && may(caller, 'crisis.close', f), notifyGuardians: may(caller, 'guardian.notify', f) },
  };
}

/** One case with everything about it (never session notes); the read is audited. */
export async function getCase(deps: Deps, caller: Caller, id: string): Promise<Detail> {
  const f = await findCase(deps.db, caller, id);
  if (!f) throw notFound();
  const now = deps.clock();
  await audit(deps.db, caller, f, 'crisis.case.read', {}, now);
  return detailOf(deps.db, deps.config, caller, f, now);
}

/** Students in the caller's crisis.manage scope by name or number, for opening a case. */
export async function searchStudents(deps: Deps, caller: Caller, q: string) {
  const scope = scopeOf(caller, 'crisis.manage');
  const like = `%${q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
  const found = await deps.db.select({ id: students.id, name: students.name, studentNo: students.studentNo, className: sql<string>`coalesce(${classWithGrade}, '')`, orgPath: students.orgPath,
    openCaseId: sql<string | null>`(select c.id from crisis_cases c where c.student_id = ${students.id} and c.status = 'open')` })
    .from(students).leftJoin(orgUnits, eq(orgUnits.id, students.classId))
    .where(and(eq(students.regionId, caller.regionId), eq(students.status, 'active'), inScope(scope, students.orgPath), sql`(${students.name} like ${like} or ${students.studentNo} = ${q})`))
    .orderBy(students.name).limit(20);
  await appendAudit(deps.db, { ...auditActor(caller), action: 'crisis.students.search', objectType: 'student', orgPath: homePath(caller.assignments), detail: { q, rows: found.length } }, deps.clock());
  return found.map(({ orgPath: _p, ...s }) => s);
}

// --- opening --------------------------------------------------------------------------------------

/** School staff who may be named on a case's team: the school's leaders, counselors and head teachers. */
async function candidatesAt(db: Db, schoolId: number) {
  return rows<{ account_id: string; name: string; roles: string[] }>(db, sql`
    select a.id as account_id, a.display_name as name, array_agg(distinct ra.role::text) as roles
    from role_assignments ra join accounts a on a.id = ra.account_id and not a.disabled
    join org_units u on u.id = ra.org_unit_id
    where ra.role in ('school_leader', 'counselor', 'head_teacher')
      and u.path like (select s.path || '%' from org_units s where s.id = ${schoolId})
    group by a.id, a.display_name order by a.display_name`);
}

export async function teamCandidates(deps: Deps, caller: Caller, id: string) {
  const f = await findCase(deps.db, caller, id, 'crisis.manage');
  if (!f) throw notFound();
  return (await candidatesAt(deps.db, f.c.schoolId)).map((c) => ({ accountId: c.account_id, name: c.name, roles: c.roles }));
}

/** Leaders a case may be given when it is opened, for a student the caller may manage. */
export async function leaderCandidates(deps: Deps, caller: Caller, studentId: string) {
  const scope = scopeOf(caller, 'crisis.manage');
  const student = (await deps.db.select({ schoolId: students.schoolId }).from(students).where(and(eq(students.id, studentId), eq(students.regionId, caller.regionId), inScope(scope, students.orgPath))))[0];
  if (!student) throw notFound();
  return (await candidatesAt(deps.db, student.schoolId)).filter((c) => c.roles.includes('school_leader')).map((c) => ({ accountId: c.account_id, name: c.name, roles: c.roles }));
}

/** Opens a case from the API: directly for a student, or from an alert (its student, its level). */
export async function openCase(deps: Deps, caller: Caller, body: z.infer<typeof contracts.OpenCrisisCaseBody>): Promise<{ id: string; created: boolean }> {
  const scope = scopeOf(caller, 'crisis.manage');
  let input: OpenCaseInput;
  if (body.alertId) {
    const alert = (await deps.db.select({ studentId: alerts.studentId, level: alerts.level, critical: alerts.critical }).from(alerts).innerJoin(students, eq(students.id, alerts.studentId))
      .where(and(eq(alerts.id, body.alertId), eq(alerts.regionId, caller.regionId), inScope(scope, students.orgPath))))[0];
    if (!alert) throw notFound();
    const colour = { yellow: '黄色', orange: '橙色', red: '红色' }[alert.level];
    input = { studentId: alert.studentId, source: 'alert', alertId: body.alertId, riskLevel: riskFromAlert(alert.level, alert.critical), summary: body.summary?.trim() || `由${colour}预警转为危机个案`, clientId: body.clientId };
  } else {
    const problems: Record<string, string> = {};
    if (!body.riskLevel) problems.riskLevel = '请选择风险等级';
    if (!body.summary?.trim()) problems.summary = '请简要写明情况';
    if (Object.keys(problems).length) throw badRequest('请补全标出的项', problems);
    input = { studentId: body.studentId!, source: 'direct', riskLevel: body.riskLevel!, summary: body.summary!.trim(), clientId: body.clientId };
  }
  return deps.db.transaction(async (tx) => {
    const out = await openCrisisCase(tx, deps, caller, input);
    if (out.created && body.leaderAccountId) {
      const f = (await findCase(tx, caller, out.id, 'crisis.manage'))!;
      const leader = (await candidatesAt(tx, f.c.schoolId)).find((c) => c.account_id === body.leaderAccountId && c.roles.includes('school_leader'));
      if (!leader) throw badRequest('所选领导不是本校的学校领导', { leaderAccountId: '请选择本校的学校领导' });
      await addMember(tx, deps, caller, f, { accountId: leader.account_id, name: leader.name, teamRole: 'leader' }, deps.clock());
    }
    return out;
  });
}

// --- changes --------------------------------------------------------------------------------------

async function addMember(tx: Db, deps: Pick<Deps, 'config'>, caller: Caller, f: FoundCase, m: { accountId: string; name: string; teamRole: TeamRole }, now: Date): Promise<void> {
  const inserted = await tx.insert(crisisTeamMembers).values({ caseId: f.c.id, ...m, addedAt: now }).onConflictDoNothing().returning({ id: crisisTeamMembers.id });
  if (!inserted[0]) throw conflict(`${m.name}已在干预小组中`);
  await caseEvent(tx, f.c.id, 'team.added', caller.displayName, { name: m.name, teamRole: m.teamRole }, now);
  await audit(tx, caller, f, 'crisis.team.add', { accountId: m.accountId, teamRole: m.teamRole }, now);
  if (m.accountId !== caller.accountId) {
    await notify(tx, deps, { regionId: caller.regionId, accountIds: [m.accountId], kind: 'crisis.team.added', title: `危机个案：${f.studentName}（您已列入干预小组）`, link: `/crisis/${f.c.id}`, objectType: 'crisis_case', objectId: f.c.id }, now);
  }
}

/** Runs a change on an open case the caller manages, in one transaction, and answers the case. */
async function change(deps: Deps, caller: Caller, id: string, fn: (tx: Db, f: FoundCase, now: Date) => Promise<void>): Promise<Detail> {
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    const f = await manageableCase(tx, caller, id);
    await fn(tx, f, now);
    await tx.update(crisisCases).set({ updatedAt: now }).where(eq(crisisCases.id, id));
  });
  const f = await findCase(deps.db, caller, id);
  return detailOf(deps.db, deps.config, caller, f!, now);
}

export async function addTeamMember(deps: Deps, caller: Caller, id: string, body: z.infer<typeof contracts.AddTeamMemberBody>) {
  return change(deps, caller, id, async (tx, f, now) => {
    const c = (await candidatesAt(tx, f.c.schoolId)).find((x) => x.account_id === body.accountId);
    if (!c) throw badRequest('只能选择本校的学校领导、心理教师或班主任', { accountId: '请从本校人员中选择' });
    await addMember(tx, deps, caller, f, { accountId: c.account_id, name: c.name, teamRole: body.teamRole }, now);
  });
}

export async function removeTeamMember(deps: Deps, caller: Caller, id: string, memberId: string) {
  return change(deps, caller, id, async (tx, f, now) => {
    const removed = await tx.update(crisisTeamMembers).set({ removedAt: now })
      .where(and(eq(crisisTeamMembers.id, memberId), eq(crisisTeamMembers.caseId, f.c.id), isNull(crisisTeamMembers.removedAt))).returning();
    if (!removed[0]) throw notFound();
    await caseEvent(tx, f.c.id, 'team.removed', caller.displayName, { name: removed[0].name, teamRole: removed[0].teamRole }, now);
    await audit(tx, caller, f, 'crisis.team.remove', { accountId: removed[0].accountId }, now);
  });
}

export async function changeRisk(deps: Deps, caller: Caller, id: string, body: z.infer<typeof contracts.RiskBody>) {
  return change(deps, caller, id, async (tx, f, now) => {
    if (f.c.riskLevel === body.riskLevel) throw badRequest('风险等级没有变化', { riskLevel: '与当前等级相同' });
    await tx.update(crisisCases).set({ riskLevel: body.riskLevel }).where(eq(crisisCases.id, f.c.id));
    await caseEvent(tx, f.c.id, 'risk', caller.displayName, { from: f.c.riskLevel, to: body.riskLevel, reason: body.reason }, now);
    await audit(tx, caller, f, 'crisis.case.risk', { from: f.c.riskLevel, to: body.riskLevel }, now);
    if (RISK_RANK[body.riskLevel] > RISK_RANK[f.c.riskLevel]) await notifyTeam(tx, deps, caller, f, 'crisis.case.risk', `危机个案风险升高：${f.studentName}`, now);
  });
}

export async function saveSafetyPlan(deps: Deps, caller: Caller, id: string, body: z.infer<typeof contracts.SafetyPlanBody>) {
  return change(deps, caller, id, async (tx, f, now) => {
    if (iso(f.c.safetyPlanUpdatedAt) !== body.baseUpdatedAt) {
      throw conflict(`安全计划已被${f.c.safetyPlanUpdatedByName ?? '他人'}更新，请刷新后在最新版本上修改`);
    }
    const plan = cleanSafetyPlan(body.plan);
    const sealer = sealerFor(deps.config);
    const changed = safetyPlanChanges(openJson<SafetyPlan>(sealer, f.c.safetyPlan, caseAad(f.c.id, 'safety_plan')), plan);
    if (!changed.length) throw badRequest('安全计划没有改动');
    await tx.update(crisisCases).set({ safetyPlan: sealJson(sealer, plan, caseAad(f.c.id, 'safety_plan')), safetyPlanUpdatedAt: now, safetyPlanUpdatedByName: caller.displayName }).where(eq(crisisCases.id, f.c.id));
    // the timeline keeps every version (sealed like the plan)
    await caseEvent(tx, f.c.id, 'safety_plan', caller.displayName, { changed, planSealed: sealJson(sealer, plan, planEventAad(f.c.id)) }, now);
    await audit(tx, caller, f, 'crisis.safety_plan.update', { changed }, now);
  });
}

export async function addTask(deps: Deps, caller: Caller, id: string, body: z.infer<typeof contracts.AddTaskBody>) {
  return change(deps, caller, id, async (tx, f, now) => {
    const same = (await tx.select({ caseId: crisisTasks.caseId }).from(crisisTasks).where(eq(crisisTasks.clientId, body.clientId)))[0];
    if (same) {
      if (same.caseId !== f.c.id) throw conflict('该请求编号已被使用，请刷新后重试');
      return; // sent twice: already added
    }
    const dueAt = new Date(body.dueAt);
    if (dueAt.getTime() < now.getTime() - 60_000) throw badRequest('截止时间不能早于现在', { dueAt: '请选择现在之后的时间' });
    const assignee = await teamAssignee(tx, f.c.id, body.assigneeAccountId);
    const inserted = await tx.insert(crisisTasks).values({ caseId: f.c.id, title: body.title, assigneeAccountId: assignee?.accountId ?? null, assigneeName: assignee?.name ?? null, dueAt, clientId: body.clientId, createdAt: now })
      .onConflictDoNothing().returning({ id: crisisTasks.id });
    if (!inserted[0]) return;
    await caseEvent(tx, f.c.id, 'task.added', caller.displayName, { title: body.title, assignee: assignee?.name ?? null, dueAt: dueAt.toISOString() }, now);
    await audit(tx, caller, f, 'crisis.task.add', { taskId: inserted[0].id }, now);
    if (assignee && assignee.accountId !== caller.accountId) {
      await notify(tx, deps, { regionId: caller.regionId, accountIds: [assignee.accountId], kind: 'crisis.task.assigned', title: `危机个案任务：${body.title}（${f.studentName}）`, link: `/crisis/${f.c.id}`, objectType: 'crisis_case', objectId: f.c.id }, now);
    }
  });
}

/** Gives an open task to a member of the team (or to nobody). */
export async function assignTask(deps: Deps, caller: Caller, id: string, taskId: string, body: z.infer<typeof contracts.AssignTaskBody>) {
  return change(deps, caller, id, async (tx, f, now) => {
    const task = (await tx.select().from(crisisTasks).where(and(eq(crisisTasks.id, taskId), eq(crisisTasks.caseId, f.c.id))).for('update'))[0];
    if (!task) throw notFound();
    if (task.doneAt || task.cancelledAt) throw conflict('该任务已完成或已取消');
    const assignee = await teamAssignee(tx, f.c.id, body.assigneeAccountId);
    if ((assignee?.accountId ?? null) === task.assigneeAccountId) return;
    await tx.update(crisisTasks).set({ assigneeAccountId: assignee?.accountId ?? null, assigneeName: assignee?.name ?? null }).where(eq(crisisTasks.id, task.id));
    await caseEvent(tx, f.c.id, 'task.assigned', caller.displayName, { title: task.title, assignee: assignee?.name ?? null }, now);
    await audit(tx, caller, f, 'crisis.task.assign', { taskId: task.id, accountId: assignee?.accountId ?? null }, now);
    if (assignee && assignee.accountId !== caller.accountId) {
      await notify(tx, deps, { regionId: caller.regionId, accountIds: [assignee.accountId], kind: 'crisis.task.assigned', title: `危机个案任务：${task.title}（${f.studentName}）`, link: `/crisis/${f.c.id}`, objectType: 'crisis_case', objectId: f.c.id }, now);
    }
  });
}

export async function finishTask(deps: Deps, caller: Caller, id: string, taskId: string, body: z.infer<typeof contracts.FinishTaskBody>) {
  return change(deps, caller, id, async (tx, f, now) => {
    const task = (await tx.select().from(crisisTasks).where(and(eq(crisisTasks.id, taskId), eq(crisisTasks.caseId, f.c.id))).for('update'))[0];
    if (!task) throw notFound();
    if (task.doneAt || task.cancelledAt) throw conflict('该任务已完成或已取消');
    const set = body.outcome === 'done' ? { doneAt: now } : { cancelledAt: now };
    await tx.update(crisisTasks).set({ ...set, doneByName: caller.displayName, note: body.note }).where(eq(crisisTasks.id, task.id));
    await caseEvent(tx, f.c.id, body.outcome === 'done' ? 'task.done' : 'task.cancelled', caller.displayName, { title: task.title, note: body.note }, now);
    await audit(tx, caller, f, `crisis.task.${body.outcome}`, { taskId: task.id }, now);
  });
}

// --- closure (销号) -------------------------------------------------------------------------------

/**
 * Closes a case with its one-case-one-analysis: only a school leader whose crisis.close scope holds
 * the student (404 otherwise), all five parts written (400), every task done or cancelled (409).
 */
export async function closeCase(deps: Deps, caller: Caller, id: string, body: z.infer<typeof contracts.CloseCaseBody>): Promise<Detail> {
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    await lockCase(tx, id);
    const f = await findCase(tx, caller, id, 'crisis.close');
    if (!f) throw notFound();
    if (f.c.status !== 'open') throw conflict('个案已销号');
    const problems = analysisProblems(body.analysis);
    if (Object.keys(problems).length) {
      throw badRequest('一案一分析须填写完整才能销号', Object.fromEntries(Object.entries(problems).map(([k, v]) => [`analysis.${k}`, v])));
    }
    const open = await tx.select({ title: crisisTasks.title }).from(crisisTasks).where(and(eq(crisisTasks.caseId, f.c.id), isNull(crisisTasks.doneAt), isNull(crisisTasks.cancelledAt)));
    if (open.length) throw conflict(`还有 ${open.length} 项任务未完成：${open.map((t) => `「${t.title}」`).join('、')}。请先完成或取消（写明原因）后再销号`, { tasks: open.map((t) => t.title).join('、') });
    const analysis = Object.fromEntries(Object.entries(body.analysis).map(([k, v]) => [k, v.trim()]));
    await tx.update(crisisCases).set({ status: 'closed', analysis: sealJson(sealerFor(deps.config), analysis, caseAad(f.c.id, 'analysis')), closedByName: caller.displayName, closedAt: now, updatedAt: now }).where(eq(crisisCases.id, f.c.id));
    await caseEvent(tx, f.c.id, 'closed', caller.displayName, null, now);
    await audit(tx, caller, f, 'crisis.case.close', {}, now);
    await notifyTeam(tx, deps, caller, f, 'crisis.case.closed', `危机个案已销号：${f.studentName}`, now);
  });
  const f = await findCase(deps.db, caller, id);
  return detailOf(deps.db, deps.config, caller, f!, now);
}
