/**
 * Guardians in crisis work: every contact with a student's guardians recorded (who, when, how, what
 * was said, how they responded) — on a case, or for the student outside a case (referrals) — and the
 * notices sent to them through the platform: staff with guardian.notify send one (recorded by
 * sendGuardianNotice), staff with crisis.read see those sent for a student, and a parent sees the
 * ones sent to them about their own children. Students never see guardian notices.
 */
import { randomUUID } from 'node:crypto';
import type { contracts } from '@xinyu/core';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { rows, type Db } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { badRequest, conflict, forbidden, notFound } from '../../http/errors.js';
import { hasPermission, inScope, scopeOf } from '../access/service.js';
import { appendAudit } from '../audit/service.js';
import { openOrPlain, sealerFor, type Sealer } from '../../lib/sealed.js';
import { auditActor } from '../org/service.js';
import { students } from '../org/tables.js';
import { caseEvent, findCase, manageableCase } from './cases.js';
import { sendGuardianNotice } from './guardian-notices.js';
import { crisisCases, guardianContacts, guardianNotices } from './tables.js';

type ContactRow = typeof guardianContacts.$inferSelect;
type Student = { id: string; name: string; orgPath: string; regionId: number };

/** What was said and how the guardian responded are sealed at rest, each bound to its contact and field. */
export const contactAad = (contactId: string, field: 'said' | 'response') => `guardian_contacts.${field}:${contactId}`;

export const contactOut = (sealer: Sealer, r: ContactRow): z.infer<typeof contracts.GuardianContact> => ({
  id: r.id,
  caseId: r.caseId,
  referralId: r.referralId,
  guardianId: r.guardianId,
  guardianName: r.guardianName,
  relation: r.relation,
  channel: r.channel,
  contactedAt: r.contactedAt.toISOString(),
  contactedByName: r.contactedByName,
  said: openOrPlain(sealer, r.said, contactAad(r.id, 'said')),
  response: openOrPlain(sealer, r.response, contactAad(r.id, 'response')),
});

/** A student of the caller's region inside the scope of `permission`, or 404. */
async function studentIn(db: Db, caller: Caller, studentId: string, permission: 'crisis.read' | 'crisis.manage' | 'guardian.notify'): Promise<Student> {
  const scope = scopeOf(caller, permission);
  const s = (await db.select({ id: students.id, name: students.name, orgPath: students.orgPath, regionId: students.regionId }).from(students)
    .where(and(eq(students.id, studentId), eq(students.regionId, caller.regionId), inScope(scope, students.orgPath))))[0];
  if (!s) throw notFound();
  return s;
}

/** The guardians on record for a student (phones only for callers with guardian.read). */
export async function studentGuardians(deps: Deps, caller: Caller, studentId: string): Promise<z.infer<typeof contracts.StudentGuardian>[]> {
  const s = await studentIn(deps.db, caller, studentId, 'crisis.read');
  const list = await rows<{ id: string; name: string; relation: string; phone: string | null; has_account: boolean }>(deps.db, sql`
    select g.id, g.name, sg.relation, g.phone,
      (g.account_id is not null or exists (select 1 from role_assignments ra where ra.role = 'parent' and ra.student_id = sg.student_id)) as has_account
    from student_guardians sg join guardians g on g.id = sg.guardian_id
    where sg.student_id = ${s.id} order by sg.is_primary desc, g.name`);
  const phones = hasPermission(caller, 'guardian.read');
  await appendAudit(deps.db, { ...auditActor(caller), action: 'crisis.guardians.read', objectType: 'student', objectId: s.id, orgPath: s.orgPath, detail: { rows: list.length } }, deps.clock());
  return list.map((g) => ({ id: g.id, name: g.name, relation: g.relation, phone: phones ? g.phone : null, hasAccount: Boolean(g.has_account) }));
}

export interface ContactInput {
  guardianId?: string | null;
  guardianName?: string | undefined;
  relation: string;
  channel: ContactRow['channel'];
  contactedAt: string;
  said: string;
  response: string;
  referralId?: string | null;
  clientId: string;
}

/**
 * Records a contact with a guardian of a student the caller manages (crisis.manage scope), on a case
 * or not. Idempotent by clientId. Exported for referrals (H4): call inside a transaction.
 */
export async function recordGuardianContact(tx: Db, deps: Pick<Deps, 'clock' | 'config'>, caller: Caller, studentId: string, caseId: string | null, body: ContactInput): Promise<{ id: string; created: boolean }> {
  const s = await studentIn(tx, caller, studentId, 'crisis.manage');
  const same = (await tx.select({ id: guardianContacts.id, studentId: guardianContacts.studentId }).from(guardianContacts).where(eq(guardianContacts.clientId, body.clientId)))[0];
  if (same) {
    if (same.studentId !== s.id) throw conflict('该请求编号已被使用，请刷新后重试');
    return { id: same.id, created: false };
  }
  const now = deps.clock();
  const at = new Date(body.contactedAt);
  if (at.getTime() > now.getTime() + 5 * 60_000) throw badRequest('联系时间不能晚于现在', { contactedAt: '请填写已经发生的联系时间' });
  let who = { id: null as string | null, name: body.guardianName?.trim() ?? '', relation: body.relation };
  if (body.guardianId) {
    const g = (await rows<{ id: string; name: string; relation: string }>(tx, sql`
      select g.id, g.name, sg.relation from student_guardians sg join guardians g on g.id = sg.guardian_id where sg.student_id = ${s.id} and g.id = ${body.guardianId}`))[0];
    if (!g) throw badRequest('所选监护人不是该学生的监护人', { guardianId: '请从该学生的监护人中选择' });
    who = { id: g.id, name: g.name, relation: body.relation || g.relation };
  }
  if (!who.name) throw badRequest('请选择监护人或填写联系人姓名', { guardianName: '请填写联系人姓名' });
  const id = randomUUID();
  const sealer = sealerFor(deps.config);
  const inserted = await tx.insert(guardianContacts).values({
    id, regionId: caller.regionId, studentId: s.id, orgPath: s.orgPath, caseId, referralId: body.referralId ?? null, guardianId: who.id, guardianName: who.name, relation: who.relation,
    channel: body.channel, contactedAt: at, contactedBy: caller.accountId, contactedByName: caller.displayName,
    said: sealer.seal(body.said, contactAad(id, 'said')), response: sealer.seal(body.response, contactAad(id, 'response')), clientId: body.clientId, createdAt: now,
  }).onConflictDoNothing().returning({ id: guardianContacts.id });
  if (!inserted[0]) {
    const raced = (await tx.select({ id: guardianContacts.id }).from(guardianContacts).where(eq(guardianContacts.clientId, body.clientId)))[0];
    if (!raced) throw conflict('记录刚被他人修改，请刷新');
    return { id: raced.id, created: false };
  }
  if (caseId) await caseEvent(tx, caseId, 'guardian.contact', caller.displayName, { guardianName: who.name, relation: who.relation, channel: body.channel, contactedAt: at.toISOString() }, now);
  await appendAudit(tx, { ...auditActor(caller), action: 'crisis.guardian_contact.record', objectType: 'student', objectId: s.id, orgPath: s.orgPath, detail: { contactId: inserted[0].id, caseId, referralId: body.referralId ?? null, channel: body.channel } }, now);
  return { id: inserted[0].id, created: true };
}

/** A contact on an open case (the case's student). */
export async function addCaseContact(deps: Deps, caller: Caller, caseId: string, body: z.infer<typeof contracts.GuardianContactBody>) {
  return deps.db.transaction(async (tx) => {
    const f = await manageableCase(tx, caller, caseId);
    const out = await recordGuardianContact(tx, deps, caller, f.c.studentId, f.c.id, body);
    if (out.created) await tx.update(crisisCases).set({ updatedAt: deps.clock() }).where(eq(crisisCases.id, f.c.id));
    return out;
  });
}

/** A contact outside a case (e.g. while preparing a referral). */
export async function addStudentContact(deps: Deps, caller: Caller, studentId: string, body: z.infer<typeof contracts.GuardianContactBody>) {
  return deps.db.transaction((tx) => recordGuardianContact(tx, deps, caller, studentId, null, body));
}

/** Every contact with a student's guardians (any case or none), for staff with crisis.read; audited. */
export async function listStudentContacts(deps: Deps, caller: Caller, studentId: string) {
  const s = await studentIn(deps.db, caller, studentId, 'crisis.read');
  const list = await deps.db.select().from(guardianContacts).where(eq(guardianContacts.studentId, s.id)).orderBy(desc(guardianContacts.contactedAt));
  await appendAudit(deps.db, { ...auditActor(caller), action: 'crisis.guardian_contact.list', objectType: 'student', objectId: s.id, orgPath: s.orgPath, detail: { rows: list.length } }, deps.clock());
  const sealer = sealerFor(deps.config);
  return list.map((r) => contactOut(sealer, r));
}

// --- notices --------------------------------------------------------------------------------------

const noticeSelect = {
  n: guardianNotices,
  studentName: students.name,
};

const noticeOut = (r: { n: typeof guardianNotices.$inferSelect; studentName: string }) => ({
  id: r.n.id,
  studentId: r.n.studentId,
  studentName: r.studentName,
  kind: r.n.kind,
  title: r.n.title,
  body: r.n.body,
  sentByName: r.n.sentByName,
  sentAt: r.n.sentAt.toISOString(),
});

/** The notices sent to a parent about their own children; nobody else's, and only to parents. */
export async function myGuardianNotices(deps: Deps, caller: Caller): Promise<z.infer<typeof contracts.GuardianNotice>[]> {
  const children = caller.assignments.filter((a) => a.role === 'parent' && a.studentId).map((a) => a.studentId!);
  if (!caller.roles.includes('parent')) throw forbidden();
  if (!children.length) return [];
  const list = await deps.db.select(noticeSelect).from(guardianNotices).innerJoin(students, eq(students.id, guardianNotices.studentId))
    .where(and(eq(guardianNotices.regionId, caller.regionId), sql`${guardianNotices.studentId} = any(${sql.param(children)}::uuid[])`))
    .orderBy(desc(guardianNotices.sentAt)).limit(100);
  return list.map(noticeOut);
}

/** The notices sent for a student (staff with crisis.read in scope), with how many accounts each reached; audited. */
export async function studentNotices(deps: Deps, caller: Caller, studentId: string): Promise<z.infer<typeof contracts.GuardianNoticeSent>[]> {
  const s = await studentIn(deps.db, caller, studentId, 'crisis.read');
  const list = await deps.db.select(noticeSelect).from(guardianNotices).innerJoin(students, eq(students.id, guardianNotices.studentId))
    .where(eq(guardianNotices.studentId, s.id)).orderBy(desc(guardianNotices.sentAt)).limit(200);
  await appendAudit(deps.db, { ...auditActor(caller), action: 'crisis.guardian_notice.list', objectType: 'student', objectId: s.id, orgPath: s.orgPath, detail: { rows: list.length } }, deps.clock());
  return list.map((r) => ({ ...noticeOut(r), recipients: r.n.recipients }));
}

/**
 * A staff member with guardian.notify sends a notice (plain words) to a student's guardians.
 * Idempotent by clientId: the notice carries it as its object id, and a lock on it keeps a double
 * click from sending twice.
 */
export async function sendNotice(deps: Deps, caller: Caller, studentId: string, body: z.infer<typeof contracts.SendGuardianNoticeBody>): Promise<z.infer<typeof contracts.GuardianNoticeSent>> {
  const now = deps.clock();
  const id = await deps.db.transaction(async (tx) => {
    const s = await studentIn(tx, caller, studentId, 'guardian.notify');
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`guardian_notice:${body.clientId}`}))`);
    const same = (await tx.select({ id: guardianNotices.id, studentId: guardianNotices.studentId }).from(guardianNotices)
      .where(and(eq(guardianNotices.objectType, 'guardian_message'), eq(guardianNotices.objectId, body.clientId))))[0];
    if (same) {
      if (same.studentId !== s.id) throw conflict('该请求编号已被使用，请刷新后重试');
      return same.id;
    }
    let caseId: string | null = null;
    if (body.caseId) {
      const f = await findCase(tx, caller, body.caseId, 'crisis.read');
      if (!f || f.c.studentId !== s.id) throw notFound();
      if (f.c.status !== 'open') throw conflict('个案已销号，通知请不关联个案发送');
      caseId = f.c.id;
    }
    const sent = await sendGuardianNotice(tx, deps, {
      regionId: caller.regionId, studentId: s.id, orgPath: s.orgPath, kind: 'message', title: body.title, body: body.body, objectType: 'guardian_message', objectId: body.clientId,
      sender: { accountId: caller.accountId, displayName: caller.displayName },
    }, now);
    if (caseId) await caseEvent(tx, caseId, 'guardian.notice', caller.displayName, { title: body.title, recipients: sent.recipients }, now);
    await appendAudit(tx, { ...auditActor(caller), action: 'crisis.guardian_notice.send', objectType: 'student', objectId: s.id, orgPath: s.orgPath, detail: { noticeId: sent.id, caseId, recipients: sent.recipients } }, now);
    return sent.id;
  });
  const r = (await deps.db.select(noticeSelect).from(guardianNotices).innerJoin(students, eq(students.id, guardianNotices.studentId)).where(eq(guardianNotices.id, id)))[0]!;
  return { ...noticeOut(r), recipients: r.n.recipients };
}
