/**
 * Crisis cases (心理危机个案): opened from an alert, a counseling session or directly, at most one
 * open case per student; a named team, a safety plan, tasks, guardian contacts, conferences and a
 * timeline; closed (销号) by a school leader with its one-case-one-analysis (一案一分析).
 * Who may see or change a case is decided in the query from the caller's scope for the student's
 * path: another school's case answers 404 like a missing one.
 */
import { and, eq, sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { AppError } from '../../http/errors.js';
import { notFound } from '../../http/errors.js';
import { inScope, scopeOf } from '../access/service.js';
import { appendAudit } from '../audit/service.js';
import { notify } from '../notify/service.js';
import { auditActor } from '../org/service.js';
import { students } from '../org/tables.js';
import { crisisCases, crisisEvents, crisisTeamMembers } from './tables.js';

export type RiskLevel = 'moderate' | 'high' | 'imminent';
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

/** Appends to a case's timeline (never rewritten). */
export async function caseEvent(tx: Db, caseId: string, kind: string, actorName: string | null, detail: Record<string, unknown> | null, at: Date): Promise<void> {
  await tx.insert(crisisEvents).values({ caseId, kind, actorName, detail, at });
}

/** A team role from what the caller is at the school. */
export function teamRoleOf(caller: Caller): TeamRole {
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
    await caseEvent(tx, openId, 'signal', caller.displayName, { source: input.source, alertId: input.alertId ?? null, sessionId: input.sessionId ?? null, riskLevel: input.riskLevel, summary: input.summary }, now);
    await tx.update(crisisCases).set({ updatedAt: now }).where(eq(crisisCases.id, openId));
    await appendAudit(tx, { ...auditActor(caller), action: 'crisis.case.signal', objectType: 'crisis_case', objectId: openId, orgPath: student.orgPath, detail: { source: input.source, riskLevel: input.riskLevel } }, now);
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
    summary: input.summary,
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
