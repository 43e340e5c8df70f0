/**
 * Return to school after treatment (愈后复学): a counselor or leader (crisis.manage in the student's
 * scope) builds the plan from a referral's feedback or directly (a student returning from treatment
 * elsewhere): the certificate or feedback as received, the return assessment, the adjustments, the
 * return date and weekly follow-ups for a set number of weeks; then closure. One active plan per
 * student. Readable by crisis.read holders in scope; every read and write is audited.
 */
import { returnFollowUpDates, type contracts } from '@xinyu/core';
import { and, asc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import { rows, type Db } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { AppError, badRequest, forbidden, notFound } from '../../http/errors.js';
import { inScope, scopeOf } from '../access/service.js';
import { appendAudit } from '../audit/service.js';
import { auditActor, classNameOf } from '../org/service.js';
import { students } from '../org/tables.js';
import { cstToday } from '../screening/campaigns.js';
import { sendGuardianNotice } from './guardian-notices.js';
import { manages, referralEvent } from './referrals.js';
import { returnFollowUps, returnPlans } from './tables.js';

type Plan = typeof returnPlans.$inferSelect;
type FollowUp = typeof returnFollowUps.$inferSelect;
const iso = (d: Date | null) => (d ? d.toISOString() : null);

async function plansWhere(db: Db, where: SQL, limit = 200, offset = 0) {
  return db.select({ p: returnPlans, studentName: students.name, className: sql<string>`${classNameOf('students.class_id')}` })
    .from(returnPlans).innerJoin(students, eq(students.id, returnPlans.studentId)).where(where).orderBy(sql`${returnPlans.status} = 'closed'`, sql`${returnPlans.createdAt} desc`).limit(limit).offset(offset);
}

function summary(p: Plan, studentName: string, className: string, ups: FollowUp[], today: string): z.infer<typeof contracts.ReturnPlan> {
  const open = ups.filter((u) => !u.doneAt).sort((a, b) => a.seq - b.seq);
  const nextDue = p.status === 'active' ? (open[0]?.dueDate ?? null) : null;
  return {
    id: p.id, studentId: p.studentId, studentName, className, caseId: p.caseId, referralId: p.referralId, status: p.status, returnDate: p.returnDate, followUpWeeks: p.followUpWeeks,
    done: ups.filter((u) => u.doneAt).length, nextDue, overdue: nextDue != null && nextDue < today, createdByName: p.createdByName, createdAt: p.createdAt.toISOString(), closedAt: iso(p.closedAt),
  };
}

async function followUpsOf(db: Db, planIds: string[]): Promise<FollowUp[]> {
  if (!planIds.length) return [];
  return db.select().from(returnFollowUps).where(sql`${returnFollowUps.planId} = any(${sql.param(planIds)}::uuid[])`).orderBy(asc(returnFollowUps.seq));
}

export async function listReturnPlans(deps: Deps, caller: Caller, q: z.infer<typeof contracts.ReturnPlanQuery>) {
  const scope = scopeOf(caller, 'crisis.read');
  const now = deps.clock();
  const conds: SQL[] = [eq(returnPlans.regionId, caller.regionId), inScope(scope, returnPlans.orgPath)];
  if (q.status) conds.push(eq(returnPlans.status, q.status));
  if (q.studentId) conds.push(eq(returnPlans.studentId, q.studentId));
  if (q.caseId) conds.push(eq(returnPlans.caseId, q.caseId));
  const where = and(...conds)!;
  const [found, total] = await Promise.all([plansWhere(deps.db, where, q.pageSize, (q.page - 1) * q.pageSize), deps.db.select({ n: sql<number>`count(*)::int` }).from(returnPlans).where(where)]);
  const ups = await followUpsOf(deps.db, found.map((f) => f.p.id));
  await appendAudit(deps.db, { ...auditActor(caller), action: 'return.list', objectType: 'return_plan', orgPath: scope.orgPaths[0] ?? null, detail: { rows: found.length, studentId: q.studentId ?? null } }, now);
  const today = cstToday(now);
  return { items: found.map((f) => summary(f.p, f.studentName, f.className, ups.filter((u) => u.planId === f.p.id), today)), total: total[0]?.n ?? 0, page: q.page, pageSize: q.pageSize };
}

async function readablePlan(db: Db, caller: Caller, id: string) {
  const scope = scopeOf(caller, 'crisis.read');
  const found = (await plansWhere(db, and(eq(returnPlans.id, id), eq(returnPlans.regionId, caller.regionId), inScope(scope, returnPlans.orgPath))!))[0];
  if (!found) throw notFound();
  return found;
}

export async function getReturnPlan(deps: Deps, caller: Caller, id: string, audit = true): Promise<z.infer<typeof contracts.ReturnPlanDetail>> {
  const f = await readablePlan(deps.db, caller, id);
  const now = deps.clock();
  const ups = await followUpsOf(deps.db, [id]);
  const today = cstToday(now);
  if (audit) await appendAudit(deps.db, { ...auditActor(caller), action: 'return.read', objectType: 'student', objectId: f.p.studentId, orgPath: f.p.orgPath, detail: { planId: id } }, now);
  return {
    ...summary(f.p, f.studentName, f.className, ups, today),
    certificate: f.p.certificate as z.infer<typeof contracts.ReturnCertificate> | null,
    assessment: f.p.assessment as z.infer<typeof contracts.ReturnAssessment>,
    adjustments: f.p.adjustments as z.infer<typeof contracts.ReturnAdjustments>,
    closedByName: f.p.closedByName,
    closureNote: f.p.closureNote,
    followUps: ups.map((u) => ({ id: u.id, seq: u.seq, dueDate: u.dueDate, doneAt: iso(u.doneAt), doneByName: u.doneByName, note: u.note, overdue: f.p.status === 'active' && !u.doneAt && u.dueDate < today })),
    can: { manage: f.p.status === 'active' && manages(caller, f.p.orgPath) },
  };
}

export async function createReturnPlan(deps: Deps, caller: Caller, body: z.infer<typeof contracts.CreateReturnPlanBody>) {
  const scope = scopeOf(caller, 'crisis.manage');
  const student = (await rows<{ id: string; school_id: number; org_path: string }>(deps.db, sql`select id, school_id, org_path from students where id = ${body.studentId} and region_id = ${caller.regionId} and ${inScope(scope, sql`org_path`)}`))[0];
  if (!student) throw notFound();
  const prior = (await deps.db.select({ id: returnPlans.id, studentId: returnPlans.studentId }).from(returnPlans).where(eq(returnPlans.clientId, body.clientId)))[0];
  if (prior) {
    if (prior.studentId !== body.studentId) throw new AppError(409, 'conflict', '这份计划的编号已被使用');
    return getReturnPlan(deps, caller, prior.id);
  }
  let caseId = body.caseId ?? null;
  if (body.referralId) {
    const ref = (await rows<{ status: string; case_id: string | null }>(deps.db, sql`select status, case_id from referrals where id = ${body.referralId} and student_id = ${body.studentId}`))[0];
    if (!ref) throw notFound();
    if (ref.status !== 'feedback' && ref.status !== 'closed') throw new AppError(409, 'invalid_transition', '机构反馈后才能据此制订复学计划');
    caseId ??= ref.case_id;
  }
  if (caseId) {
    const c = await rows<{ id: string }>(deps.db, sql`select id from crisis_cases where id = ${caseId} and student_id = ${body.studentId}`);
    if (!c[0]) throw notFound();
  }
  const now = deps.clock();
  if (body.assessment.date > cstToday(now)) throw badRequest('评估日期不能晚于今天', { 'assessment.date': '晚于今天' });
  const id = await deps.db.transaction(async (tx) => {
    // a retry that raced the first send: answer the plan it made
    const made = (await tx.select({ id: returnPlans.id }).from(returnPlans).where(eq(returnPlans.clientId, body.clientId)))[0];
    if (made) return made.id;
    const active = await tx.select({ id: returnPlans.id }).from(returnPlans).where(and(eq(returnPlans.studentId, body.studentId), eq(returnPlans.status, 'active')));
    if (active[0]) throw new AppError(409, 'conflict', '这位学生已有进行中的复学计划，请在原计划中继续');
    const inserted = await tx.insert(returnPlans).values({
      regionId: caller.regionId, schoolId: student.school_id, orgPath: student.org_path, studentId: student.id, caseId, referralId: body.referralId ?? null, status: 'active',
      certificate: body.certificate, assessment: body.assessment, adjustments: body.adjustments, returnDate: body.returnDate, followUpWeeks: body.followUpWeeks,
      createdBy: caller.accountId, createdByName: caller.displayName, createdAt: now, clientId: body.clientId, updatedAt: now,
    }).onConflictDoNothing().returning({ id: returnPlans.id });
    if (!inserted[0]) return null;
    const pid = inserted[0].id;
    await tx.insert(returnFollowUps).values(returnFollowUpDates(body.returnDate, body.followUpWeeks).map((d) => ({ planId: pid, ...d })));
    if (body.referralId) await referralEvent(tx, body.referralId, 'return_plan', caller.displayName, { planId: pid, returnDate: body.returnDate }, now);
    await appendAudit(tx, { ...auditActor(caller), action: 'return.create', objectType: 'student', objectId: student.id, orgPath: student.org_path, detail: { planId: pid, referralId: body.referralId ?? null, weeks: body.followUpWeeks } }, now);
    await sendGuardianNotice(tx, deps, { regionId: caller.regionId, studentId: student.id, orgPath: student.org_path, kind: 'return.plan', title: '孩子的复学安排', body: `学校已为孩子安排 ${body.returnDate} 返校，之后 ${body.followUpWeeks} 周内老师会定期关心孩子的情况。如有疑问请联系学校心理老师。`, objectType: 'return_plan', objectId: pid, sender: { accountId: caller.accountId, displayName: caller.displayName } }, now);
    return pid;
  });
  if (!id) {
    const again = (await deps.db.select({ id: returnPlans.id }).from(returnPlans).where(eq(returnPlans.clientId, body.clientId)))[0];
    if (!again) throw new AppError(409, 'conflict', '这位学生已有进行中的复学计划，请在原计划中继续');
    return getReturnPlan(deps, caller, again.id);
  }
  return getReturnPlan(deps, caller, id, false);
}

async function managedPlan(deps: Deps, caller: Caller, id: string) {
  const f = await readablePlan(deps.db, caller, id);
  if (!manages(caller, f.p.orgPath)) throw forbidden();
  if (f.p.status !== 'active') throw new AppError(409, 'invalid_transition', '复学计划已结案');
  return f.p;
}

export async function followUpDone(deps: Deps, caller: Caller, id: string, seq: number, body: z.infer<typeof contracts.FollowUpDoneBody>) {
  const p = await managedPlan(deps, caller, id);
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    const updated = await tx.update(returnFollowUps).set({ doneAt: now, doneByName: caller.displayName, note: body.note })
      .where(and(eq(returnFollowUps.planId, id), eq(returnFollowUps.seq, seq), isNull(returnFollowUps.doneAt))).returning({ id: returnFollowUps.id });
    if (!updated[0]) {
      const exists = await tx.select({ id: returnFollowUps.id }).from(returnFollowUps).where(and(eq(returnFollowUps.planId, id), eq(returnFollowUps.seq, seq)));
      if (!exists[0]) throw notFound();
      return; // already done: a retry changes nothing
    }
    await tx.update(returnPlans).set({ updatedAt: now }).where(eq(returnPlans.id, id));
    await appendAudit(tx, { ...auditActor(caller), action: 'return.follow_up', objectType: 'student', objectId: p.studentId, orgPath: p.orgPath, detail: { planId: id, seq } }, now);
  });
  return getReturnPlan(deps, caller, id, false);
}

export async function closeReturnPlan(deps: Deps, caller: Caller, id: string, body: z.infer<typeof contracts.CloseReturnPlanBody>) {
  const p = await managedPlan(deps, caller, id);
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    const updated = await tx.update(returnPlans).set({ status: 'closed', closedAt: now, closedByName: caller.displayName, closureNote: body.note, updatedAt: now })
      .where(and(eq(returnPlans.id, id), eq(returnPlans.status, 'active'))).returning({ id: returnPlans.id });
    if (!updated[0]) throw new AppError(409, 'changed', '这份计划刚被他人处理过，请刷新');
    await appendAudit(tx, { ...auditActor(caller), action: 'return.close', objectType: 'student', objectId: p.studentId, orgPath: p.orgPath, detail: { planId: id } }, now);
  });
  return getReturnPlan(deps, caller, id, false);
}
