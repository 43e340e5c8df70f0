/**
 * Referrals through the green channel (转介绿色通道). The school (crisis.manage in the student's
 * scope) sends a referral with the guardian's recorded consent; the server builds `shared`, the only
 * part the institution ever sees (name, gender, age, school and class, the reason as written, the
 * consenting guardian's name and phone). Clinicians (referral.respond) reach only the referrals sent
 * to their institution, by id; anything else answers 404. Every step is in referral_events and the
 * audit log; the guardians are told when the referral is sent and when feedback arrives, in plain
 * words without the reason or any diagnosis.
 */
import { ageOn, referralAcceptBy, referralActions, referralNext, referralOverdue, scopeFor, scopeIncludes, type contracts, type ReferralAction, type ReferralStatus } from '@xinyu/core';
import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import { rows, type Db } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { AppError, badRequest, forbidden, notFound } from '../../http/errors.js';
import { hasPermission, inScope, scopeOf } from '../access/service.js';
import { appendAudit } from '../audit/service.js';
import { notify } from '../notify/service.js';
import { auditActor, classNameOf } from '../org/service.js';
import { cstToday } from '../screening/campaigns.js';
import { sendGuardianNotice } from './guardian-notices.js';
import { clinicianInstitution } from './institutions.js';
import { partnerInstitutions, referralEvents, referrals } from './tables.js';

type Shared = z.infer<typeof contracts.ReferralShared>;
type Feedback = z.infer<typeof contracts.ReferralFeedback>;
type ReferralOut = z.infer<typeof contracts.Referral>;
type Row = typeof referrals.$inferSelect;

const iso = (d: Date | string | null | undefined): string | null => (d == null ? null : (d instanceof Date ? d : new Date(d)).toISOString());

export async function referralEvent(tx: Db, referralId: string, kind: string, actorName: string | null, detail: Record<string, unknown>, at: Date): Promise<void> {
  await tx.insert(referralEvents).values({ referralId, kind, actorName, detail, at });
}

// --- the school's side ----------------------------------------------------------------------------

interface ListRow {
  id: string;
  student_id: string;
  student_name: string;
  class_name: string;
  school_name: string;
  institution_name: string;
  return_plan_id: string | null;
}

/** Referrals (alias r) matching `where`, with the names the school's lists show. */
async function selectReferrals(db: Db, where: SQL, limit = 200, offset = 0): Promise<(Row & ListRow)[]> {
  const extra = await rows<ListRow>(db, sql`
    select r.id, r.student_id, s.name as student_name, ${classNameOf('s.class_id')} as class_name, sc.name as school_name, i.name as institution_name,
      (select p.id from return_plans p where p.referral_id = r.id order by p.created_at desc limit 1) as return_plan_id
    from referrals r join students s on s.id = r.student_id join org_units sc on sc.id = r.school_id join partner_institutions i on i.id = r.institution_id
    where ${where} order by r.sent_at desc, r.id limit ${limit} offset ${offset}`);
  if (!extra.length) return [];
  const full = await db.select().from(referrals).where(sql`${referrals.id} = any(${sql.param(extra.map((e) => e.id))}::uuid[])`);
  const byId = new Map(full.map((f) => [f.id, f]));
  return extra.map((e) => ({ ...byId.get(e.id)!, ...e }));
}

function toReferral(r: Row & ListRow, now: Date): ReferralOut {
  return {
    id: r.id, studentId: r.studentId, studentName: r.student_name, className: r.class_name, schoolName: r.school_name, caseId: r.caseId,
    institutionId: r.institutionId, institutionName: r.institution_name, clinicianName: r.clinicianName, severity: r.severity, status: r.status,
    sentAt: iso(r.sentAt)!, sentByName: r.sentByName, acceptBy: iso(r.acceptBy)!, overdue: referralOverdue(r, now), escalatedAt: iso(r.escalatedAt),
    acceptedAt: iso(r.acceptedAt), declinedAt: iso(r.declinedAt), declineReason: r.declineReason, seenAt: iso(r.seenAt), feedbackAt: iso(r.feedbackAt),
    closedAt: iso(r.closedAt), closedByName: r.closedByName, returnPlanId: r.return_plan_id,
  };
}

/** A referral the caller may read as the school (crisis.read in the student's scope), or 404. */
async function readableReferral(db: Db, caller: Caller, id: string) {
  const scope = scopeOf(caller, 'crisis.read');
  const found = (await selectReferrals(db, sql`r.id = ${id} and r.region_id = ${caller.regionId} and ${inScope(scope, sql`r.org_path`)}`))[0];
  if (!found) throw notFound();
  return found;
}

/** May the caller take the school's steps (crisis.manage) on a record at this path? Shared with return plans. */
export const manages = (caller: Caller, orgPath: string) => hasPermission(caller, 'crisis.manage') && scopeIncludes(scopeFor(caller.assignments, 'crisis.manage'), orgPath);

export async function listReferrals(deps: Deps, caller: Caller, q: z.infer<typeof contracts.ReferralQuery>) {
  const scope = scopeOf(caller, 'crisis.read');
  const now = deps.clock();
  const conds: SQL[] = [sql`r.region_id = ${caller.regionId}`, inScope(scope, sql`r.org_path`)];
  if (q.status === 'open') conds.push(sql`r.status <> 'closed'`);
  else if (q.status) conds.push(sql`r.status = ${q.status}`);
  if (q.studentId) conds.push(sql`r.student_id = ${q.studentId}`);
  if (q.caseId) conds.push(sql`r.case_id = ${q.caseId}`);
  if (q.overdue) conds.push(sql`r.status = 'sent' and r.accept_by < ${now}`);
  const where = sql.join(conds, sql` and `);
  const [items, total] = await Promise.all([
    selectReferrals(deps.db, where, q.pageSize, (q.page - 1) * q.pageSize),
    rows<{ n: number }>(deps.db, sql`select count(*)::int as n from referrals r where ${where}`),
  ]);
  await appendAudit(deps.db, { ...auditActor(caller), action: 'referral.list', objectType: 'referral', orgPath: scope.orgPaths[0] ?? null, detail: { rows: items.length, studentId: q.studentId ?? null, caseId: q.caseId ?? null } }, now);
  return { items: items.map((r) => toReferral(r, now)), total: total[0]?.n ?? 0, page: q.page, pageSize: q.pageSize };
}

export async function getReferral(deps: Deps, caller: Caller, id: string): Promise<z.infer<typeof contracts.ReferralDetail>> {
  const r = await readableReferral(deps.db, caller, id);
  const now = deps.clock();
  const events = await deps.db.select().from(referralEvents).where(eq(referralEvents.referralId, id)).orderBy(asc(referralEvents.at), asc(referralEvents.id));
  await appendAudit(deps.db, { ...auditActor(caller), action: 'referral.read', objectType: 'student', objectId: r.studentId, orgPath: r.orgPath, detail: { referralId: id } }, now);
  const manage = manages(caller, r.orgPath);
  return {
    ...toReferral(r, now),
    shared: r.shared as Shared,
    consent: { guardianName: r.consentGuardianName, relation: r.consentRelation, method: r.consentMethod, at: iso(r.consentAt)!, recordedByName: r.consentRecordedByName },
    feedback: (r.feedback as Feedback | null) ?? null,
    events: events.map((e) => ({ kind: e.kind, actorName: e.actorName, at: iso(e.at)!, detail: (e.detail as Record<string, unknown> | null) ?? {} })),
    can: {
      close: manage && referralNext(r.status, 'close') != null,
      resend: manage && referralNext(r.status, 'resend') != null,
      returnPlan: manage && (r.status === 'feedback' || r.status === 'closed') && !r.return_plan_id,
    },
  };
}

/** A student the caller may refer (crisis.manage in scope), or 404. */
async function referableStudent(db: Db, caller: Caller, studentId: string) {
  const scope = scopeOf(caller, 'crisis.manage');
  const found = (await rows<{ id: string; name: string; gender: 'male' | 'female'; birth_date: string; school_id: number; org_path: string; school_name: string; class_name: string }>(db, sql`
    select s.id, s.name, s.gender, s.birth_date::text as birth_date, s.school_id, s.org_path, sc.name as school_name, ${classNameOf('s.class_id')} as class_name
    from students s join org_units sc on sc.id = s.school_id
    where s.id = ${studentId} and s.region_id = ${caller.regionId} and ${inScope(scope, sql`s.org_path`)}`))[0];
  if (!found) throw notFound();
  return found;
}

async function guardiansOf(db: Db, studentId: string) {
  return rows<{ id: string; name: string; relation: string; phone: string | null }>(db, sql`
    select g.id, g.name, sg.relation, g.phone from student_guardians sg join guardians g on g.id = sg.guardian_id
    where sg.student_id = ${studentId} order by sg.is_primary desc, g.name`);
}

/** What the referral form needs: the student's class, their guardians on record, their open crisis case. */
export async function studentContext(deps: Deps, caller: Caller, studentId: string): Promise<z.infer<typeof contracts.ReferralStudentContext>> {
  const s = await referableStudent(deps.db, caller, studentId);
  const now = deps.clock();
  const guardians = await guardiansOf(deps.db, studentId);
  const openCase = await rows<{ id: string }>(deps.db, sql`select id from crisis_cases where student_id = ${studentId} and status = 'open' limit 1`);
  await appendAudit(deps.db, { ...auditActor(caller), action: 'referral.student.read', objectType: 'student', objectId: studentId, orgPath: s.org_path, detail: { guardians: guardians.length } }, now);
  return {
    student: { id: s.id, name: s.name, className: s.class_name, schoolName: s.school_name, age: ageOn(s.birth_date, cstToday(now)) },
    guardians,
    openCaseId: openCase[0]?.id ?? null,
  };
}

async function activeInstitution(db: Db, caller: Caller, id: string) {
  const inst = (await db.select().from(partnerInstitutions).where(and(eq(partnerInstitutions.id, id), eq(partnerInstitutions.regionId, caller.regionId), eq(partnerInstitutions.active, true))))[0];
  if (!inst) throw badRequest('请选择一个在册的合作机构', { institutionId: '该机构不存在或已停用' });
  return inst;
}

async function cliniciansOf(tx: Db, institutionId: string): Promise<string[]> {
  return (await rows<{ id: string }>(tx, sql`select c.account_id as id from institution_clinicians c join accounts a on a.id = c.account_id and not a.disabled where c.institution_id = ${institutionId}`)).map((r) => r.id);
}

const SENT_NOTICE = (institution: string) => ({
  title: '学校已为孩子联系专业机构',
  body: `按照您同意的安排，学校已通过绿色通道为孩子联系了${institution}。机构接收后会安排就诊，如有疑问请联系学校心理老师。`,
});
const FEEDBACK_NOTICE = {
  title: '专业机构已反馈孩子的就诊情况',
  body: '学校已收到机构的反馈，心理老师会与您联系，商量孩子接下来的安排。',
};

export async function createReferral(deps: Deps, caller: Caller, body: z.infer<typeof contracts.CreateReferralBody>) {
  const student = await referableStudent(deps.db, caller, body.studentId);
  const now = deps.clock();
  // a retry of a referral already sent answers it again
  const prior = (await deps.db.select({ id: referrals.id, studentId: referrals.studentId }).from(referrals).where(eq(referrals.clientId, body.clientId)))[0];
  if (prior) {
    if (prior.studentId !== body.studentId) throw new AppError(409, 'conflict', '这条转介的编号已被使用');
    return getReferral(deps, caller, prior.id);
  }
  if (!body.consent) throw badRequest('没有记录监护人同意，不能转介：请先征得监护人同意并填写同意记录', { consent: '请记录监护人的同意' });
  if (Date.parse(body.consent.at) > now.getTime()) throw badRequest('同意时间不能晚于现在', { 'consent.at': '晚于现在' });
  const inst = await activeInstitution(deps.db, caller, body.institutionId);
  if (body.caseId) {
    const c = await rows<{ id: string }>(deps.db, sql`select id from crisis_cases where id = ${body.caseId} and student_id = ${body.studentId}`);
    if (!c[0]) throw notFound();
  }
  let guardian = { name: body.consent.guardianName, relation: body.consent.relation, phone: body.consent.phone?.trim() || null };
  if (body.consent.guardianId) {
    const g = (await guardiansOf(deps.db, body.studentId)).find((x) => x.id === body.consent!.guardianId);
    if (!g) throw badRequest('所选监护人不是这位学生的监护人', { 'consent.guardianId': '不是这位学生的监护人' });
    guardian = { name: g.name, relation: g.relation, phone: g.phone };
  }
  const shared: Shared = {
    name: student.name,
    gender: student.gender,
    age: ageOn(student.birth_date, cstToday(now)),
    school: student.school_name,
    className: student.class_name,
    reason: body.reason,
    guardian,
  };
  const id = await deps.db.transaction(async (tx) => {
    const inserted = await tx.insert(referrals).values({
      regionId: caller.regionId, schoolId: student.school_id, orgPath: student.org_path, studentId: student.id, caseId: body.caseId ?? null, institutionId: inst.id,
      severity: body.severity, shared, consentGuardianName: guardian.name, consentRelation: guardian.relation, consentMethod: body.consent!.method, consentAt: new Date(body.consent!.at),
      consentRecordedByName: caller.displayName, status: 'sent', acceptBy: referralAcceptBy(now, inst.acceptHours), sentBy: caller.accountId, sentByName: caller.displayName, sentAt: now,
      clientId: body.clientId, updatedAt: now,
    }).onConflictDoNothing().returning({ id: referrals.id });
    if (!inserted[0]) return null;
    const rid = inserted[0].id;
    await referralEvent(tx, rid, 'sent', caller.displayName, { institution: inst.name, severity: body.severity, consent: { guardian: guardian.name, relation: guardian.relation, method: body.consent!.method, at: body.consent!.at } }, now);
    await appendAudit(tx, { ...auditActor(caller), action: 'referral.send', objectType: 'student', objectId: student.id, orgPath: student.org_path, detail: { referralId: rid, institutionId: inst.id, severity: body.severity, caseId: body.caseId ?? null } }, now);
    await sendGuardianNotice(tx, deps, { regionId: caller.regionId, studentId: student.id, orgPath: student.org_path, kind: 'referral.sent', ...SENT_NOTICE(inst.name), objectType: 'referral', objectId: rid, sender: { accountId: caller.accountId, displayName: caller.displayName } }, now);
    await notify(tx, deps, { regionId: caller.regionId, accountIds: await cliniciansOf(tx, inst.id), kind: 'referral.received', title: '有一份新的转介待接收', body: `请在 ${inst.acceptHours} 小时内接收或说明不能接收的原因。`, link: `/m/referrals/${rid}`, objectType: 'referral', objectId: rid }, now);
    return rid;
  });
  if (!id) {
    const again = (await deps.db.select({ id: referrals.id }).from(referrals).where(eq(referrals.clientId, body.clientId)))[0];
    if (!again) throw new AppError(409, 'conflict', '转介未能保存，请重试');
    return getReferral(deps, caller, again.id);
  }
  return getReferral(deps, caller, id);
}

async function schoolStep(deps: Deps, caller: Caller, id: string, action: Extract<ReferralAction, 'close' | 'resend'>, apply: (r: Row & ListRow, tx: Db, now: Date) => Promise<Partial<typeof referrals.$inferInsert>>, detail: Record<string, unknown>) {
  const r = await readableReferral(deps.db, caller, id);
  if (!manages(caller, r.orgPath)) throw forbidden();
  const next = referralNext(r.status, action);
  if (!next) throw new AppError(409, 'invalid_transition', action === 'close' ? '只有机构已反馈或未接收的转介才能结束' : '只有机构未接收的转介才能改送其他机构');
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    const set = await apply(r, tx, now);
    const updated = await tx.update(referrals).set({ ...set, status: next, updatedAt: now }).where(and(eq(referrals.id, id), eq(referrals.status, r.status))).returning({ id: referrals.id });
    if (!updated[0]) throw new AppError(409, 'changed', '这份转介刚被他人处理过，请刷新');
    await referralEvent(tx, id, action === 'close' ? 'closed' : 'resent', caller.displayName, detail, now);
    await appendAudit(tx, { ...auditActor(caller), action: `referral.${action}`, objectType: 'student', objectId: r.studentId, orgPath: r.orgPath, detail: { referralId: id, ...detail } }, now);
  });
  return getReferral(deps, caller, id);
}

export function closeReferral(deps: Deps, caller: Caller, id: string, body: z.infer<typeof contracts.CloseReferralBody>) {
  return schoolStep(deps, caller, id, 'close', async (_r, _tx, now) => ({ closedAt: now, closedByName: caller.displayName }), { note: body.note });
}

/** A declined referral re-sent to another institution: the same consent, a new deadline, the first institution no longer sees it. */
export async function resendReferral(deps: Deps, caller: Caller, id: string, body: z.infer<typeof contracts.ResendReferralBody>) {
  const inst = await activeInstitution(deps.db, caller, body.institutionId);
  return schoolStep(deps, caller, id, 'resend', async (r, tx, now) => {
    if (r.institutionId === inst.id) throw badRequest('请改选另一家机构', { institutionId: '该机构已表示不能接收' });
    await notify(tx, deps, { regionId: caller.regionId, accountIds: await cliniciansOf(tx, inst.id), kind: 'referral.received', title: '有一份新的转介待接收', body: `请在 ${inst.acceptHours} 小时内接收或说明不能接收的原因。`, link: `/m/referrals/${id}`, objectType: 'referral', objectId: id }, now);
    return { institutionId: inst.id, acceptBy: referralAcceptBy(now, inst.acceptHours), sentAt: now, sentBy: caller.accountId, sentByName: caller.displayName, escalatedAt: null, clinicianAccountId: null, clinicianName: null, declinedAt: null, declineReason: null, acceptedAt: null };
  }, { institution: inst.name });
}

// --- the clinician's side -------------------------------------------------------------------------

async function myInstitution(deps: Deps, caller: Caller) {
  if (!hasPermission(caller, 'referral.respond')) throw forbidden();
  const inst = await clinicianInstitution(deps.db, caller.accountId);
  if (!inst) throw notFound();
  return inst;
}

function toClinic(r: Row & { institution_name: string }, caller: Caller): z.infer<typeof contracts.ClinicReferral> {
  const mine = r.clinicianAccountId === caller.accountId;
  const open = new Set(referralActions(r.status, 'clinician'));
  return {
    id: r.id, institutionName: r.institution_name, severity: r.severity, status: r.status, shared: r.shared as Shared, sentAt: iso(r.sentAt)!, acceptBy: iso(r.acceptBy)!,
    clinicianName: r.clinicianName, mine, declineReason: r.declineReason, acceptedAt: iso(r.acceptedAt), seenAt: iso(r.seenAt),
    // their own feedback only: a colleague's is not shown
    feedback: mine ? ((r.feedback as Feedback | null) ?? null) : null,
    feedbackAt: iso(r.feedbackAt),
    can: { accept: open.has('accept'), decline: open.has('decline'), seen: open.has('seen') && mine, feedback: open.has('feedback') && mine },
  };
}

async function clinicRows(deps: Deps, institutionId: string, where: SQL) {
  return deps.db.select({ r: referrals, institution_name: partnerInstitutions.name }).from(referrals).innerJoin(partnerInstitutions, eq(partnerInstitutions.id, referrals.institutionId))
    .where(and(eq(referrals.institutionId, institutionId), where)).orderBy(sql`${referrals.sentAt} desc`).limit(200);
}

export async function listClinicReferrals(deps: Deps, caller: Caller, q: z.infer<typeof contracts.ClinicReferralQuery>) {
  const inst = await myInstitution(deps, caller);
  const where = q.status === 'pending' ? sql`${referrals.status} = 'sent'` : q.status === 'active' ? sql`${referrals.status} in ('accepted', 'seen')` : q.status === 'done' ? sql`${referrals.status} in ('declined', 'feedback', 'closed')` : sql`true`;
  const found = await clinicRows(deps, inst.institutionId, where);
  await appendAudit(deps.db, { ...auditActor(caller), action: 'referral.clinic.list', objectType: 'partner_institution', objectId: inst.institutionId, detail: { rows: found.length } }, deps.clock());
  return { items: found.map((f) => toClinic({ ...f.r, institution_name: f.institution_name }, caller)) };
}

async function clinicReferral(deps: Deps, caller: Caller, id: string) {
  const inst = await myInstitution(deps, caller);
  const found = (await clinicRows(deps, inst.institutionId, eq(referrals.id, id)))[0];
  if (!found) throw notFound();
  return { ...found.r, institution_name: found.institution_name };
}

export async function getClinicReferral(deps: Deps, caller: Caller, id: string) {
  const r = await clinicReferral(deps, caller, id);
  await appendAudit(deps.db, { ...auditActor(caller), action: 'referral.clinic.read', objectType: 'referral', objectId: id, orgPath: r.orgPath, detail: {} }, deps.clock());
  return toClinic(r, caller);
}

const REFUSED: Record<'accept' | 'decline' | 'seen' | 'feedback', string> = {
  accept: '这份转介已不在待接收状态',
  decline: '这份转介已不在待接收状态',
  seen: '只有已接收、尚未就诊的转介才能登记就诊',
  feedback: '请先登记就诊，再填写反馈',
};

/** A clinician's step on a referral sent to their institution. */
export async function clinicStep(deps: Deps, caller: Caller, id: string, step: { action: 'accept' } | { action: 'decline'; reason: string } | { action: 'seen'; seenAt?: string | undefined } | { action: 'feedback'; feedback: Feedback }) {
  const r = await clinicReferral(deps, caller, id);
  const next = referralNext(r.status as ReferralStatus, step.action);
  if (!next) throw new AppError(409, 'invalid_transition', REFUSED[step.action]);
  if ((step.action === 'seen' || step.action === 'feedback') && r.clinicianAccountId !== caller.accountId) throw new AppError(403, 'forbidden', `这份转介由${r.clinicianName ?? '其他医生'}接诊`);
  const now = deps.clock();
  let set: Partial<typeof referrals.$inferInsert>;
  let detail: Record<string, unknown> = {};
  if (step.action === 'accept') set = { acceptedAt: now, clinicianAccountId: caller.accountId, clinicianName: caller.displayName };
  else if (step.action === 'decline') {
    set = { declinedAt: now, declineReason: step.reason };
    detail = { reason: step.reason };
  } else if (step.action === 'seen') {
    const seenAt = step.seenAt ? new Date(step.seenAt) : now;
    if (seenAt > now) throw badRequest('就诊时间不能晚于现在', { seenAt: '晚于现在' });
    if (seenAt < r.sentAt) throw badRequest('就诊时间不能早于转介时间', { seenAt: '早于转介时间' });
    set = { seenAt };
    detail = { seenAt: seenAt.toISOString() };
  } else {
    const f = step.feedback;
    if (f.mayReturn && !f.returnFrom) throw badRequest('可以返校时请填写返校日期', { returnFrom: '请填写返校日期' });
    set = { feedback: { ...f, returnFrom: f.mayReturn ? f.returnFrom : null }, feedbackAt: now };
    detail = { mayReturn: f.mayReturn, returnFrom: f.mayReturn ? f.returnFrom : null, followUpDays: f.followUpDays };
  }
  await deps.db.transaction(async (tx) => {
    const updated = await tx.update(referrals).set({ ...set, status: next, updatedAt: now }).where(and(eq(referrals.id, id), eq(referrals.status, r.status))).returning({ id: referrals.id });
    if (!updated[0]) throw new AppError(409, 'changed', '这份转介刚被他人处理过，请刷新');
    const kind = { accept: 'accepted', decline: 'declined', seen: 'seen', feedback: 'feedback' }[step.action];
    await referralEvent(tx, id, kind, caller.displayName, detail, now);
    await appendAudit(tx, { ...auditActor(caller), action: `referral.${step.action}`, objectType: 'referral', objectId: id, orgPath: r.orgPath, detail: { institutionId: r.institutionId } }, now);
    // the school: who sent it, the school's counselors and leaders
    const school = await rows<{ id: string }>(tx, sql`select distinct ra.account_id as id from role_assignments ra where ra.role in ('counselor', 'school_leader') and ra.org_unit_id = ${r.schoolId}`);
    const titles = { accept: '转介已被机构接收', decline: '转介未被机构接收，请改送或结束', seen: '转介学生已就诊', feedback: '机构已反馈转介学生的情况' };
    await notify(tx, deps, { regionId: r.regionId, accountIds: [r.sentBy, ...school.map((s) => s.id)], kind: `referral.${step.action}`, title: titles[step.action], body: r.institution_name, link: `/referrals/${id}`, objectType: 'referral', objectId: id }, now);
    if (step.action === 'feedback') {
      await sendGuardianNotice(tx, deps, { regionId: r.regionId, studentId: r.studentId, orgPath: r.orgPath, kind: 'referral.feedback', ...FEEDBACK_NOTICE, objectType: 'referral', objectId: id, sender: null }, now);
    }
  });
  return toClinic(await clinicReferral(deps, caller, id), caller);
}
