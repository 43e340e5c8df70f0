/**
 * The mailbox (心灵信箱). A student writes named or anonymously. An anonymous thread stores no
 * student id, only the school and the SHA-256 of a random code given once to its writer, who reads
 * the replies and writes follow-ups with it; nothing written about an anonymous thread (audit rows,
 * notifications) names its writer. The school's counselors (mailbox.answer) see the school's threads,
 * those that match the keyword rules first (a triage aid, never a judgement), reply and close.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { cleanKeywords, codeFromBytes, DEFAULT_MAILBOX_KEYWORDS, formatMailboxCode, matchKeywords, normaliseMailboxCode, type contracts } from '@xinyu/core';
import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import { rows, type Db } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { AppError, notFound } from '../../http/errors.js';
import { homePath, inScope, requireRegionWide, scopeOf } from '../access/service.js';
import { appendAudit } from '../audit/service.js';
import { notify } from '../notify/service.js';
import { auditActor, classNameOf } from '../org/service.js';
import { orgUnits, students } from '../org/tables.js';
import { openOrPlain, sealerFor, type Sealer } from '../../lib/sealed.js';
import { derivedUuid } from './sessions.js';
import { mailboxMessages, mailboxRules, mailboxThreads } from './tables.js';

type ThreadRow = typeof mailboxThreads.$inferSelect;
type WriterThread = z.infer<typeof contracts.MailboxThreadForWriter>;

/**
 * A letter's subject and every message (the student's and the counselor's) are sealed at rest
 * (lib/sealed.ts), bound to their row; the keyword flags are decided on the plain text before it is
 * sealed. Values stored before sealing are read as they are.
 */
export const subjectAad = (threadId: string) => `mailbox_threads.subject:${threadId}`;
export const bodyAad = (messageId: string) => `mailbox_messages.body:${messageId}`;

/** Wrong codes an account may present in an hour before it must wait. */
export const CODE_ATTEMPTS_PER_HOUR = 10;

const hashCode = (code: string) => createHash('sha256').update(`xinyu-mailbox:${code}`).digest('hex');
const ANONYMOUS = { actorId: null, actorName: '匿名来信', ip: null };

// --- keyword rules ---------------------------------------------------------------------------------

export async function keywordsFor(db: Db, regionId: number): Promise<{ keywords: string[]; row: typeof mailboxRules.$inferSelect | undefined }> {
  const row = (await db.select().from(mailboxRules).where(eq(mailboxRules.regionId, regionId)))[0];
  return { keywords: row ? row.keywords : [...DEFAULT_MAILBOX_KEYWORDS], row };
}

export async function getRules(deps: Deps, caller: Caller): Promise<z.infer<typeof contracts.MailboxRules>> {
  const { keywords, row } = await keywordsFor(deps.db, caller.regionId);
  return { keywords, isDefault: !row, defaults: [...DEFAULT_MAILBOX_KEYWORDS], updatedBy: row?.updatedBy ?? null, updatedAt: row?.updatedAt.toISOString() ?? null };
}

export async function putRules(deps: Deps, caller: Caller, body: z.infer<typeof contracts.MailboxRulesBody>) {
  requireRegionWide(caller);
  const keywords = cleanKeywords(body.keywords);
  if (!keywords.length) throw new AppError(400, 'invalid', '至少保留一个关键词；要恢复默认请使用“恢复默认”', { keywords: '不能为空' });
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    await tx.insert(mailboxRules).values({ regionId: caller.regionId, keywords, updatedBy: caller.displayName, updatedAt: now })
      .onConflictDoUpdate({ target: mailboxRules.regionId, set: { keywords, updatedBy: caller.displayName, updatedAt: now } });
    await appendAudit(tx, { ...auditActor(caller), action: 'mailbox.rules.update', objectType: 'region', objectId: String(caller.regionId), detail: { keywords: keywords.length } }, now);
  });
  return getRules(deps, caller);
}

export async function resetRules(deps: Deps, caller: Caller) {
  requireRegionWide(caller);
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    await tx.delete(mailboxRules).where(eq(mailboxRules.regionId, caller.regionId));
    await appendAudit(tx, { ...auditActor(caller), action: 'mailbox.rules.reset', objectType: 'region', objectId: String(caller.regionId) }, now);
  });
  return getRules(deps, caller);
}

// --- the writer ------------------------------------------------------------------------------------

async function writer(db: Db, caller: Caller) {
  const id = scopeOf(caller, 'mailbox.write').studentIds[0];
  const s = id ? (await db.select().from(students).where(and(eq(students.id, id), eq(students.regionId, caller.regionId), eq(students.status, 'active'))))[0] : undefined;
  if (!s) throw notFound();
  return s;
}

async function messagesOf(db: Db, sealer: Sealer, threadId: string) {
  const list = await db.select().from(mailboxMessages).where(eq(mailboxMessages.threadId, threadId)).orderBy(asc(mailboxMessages.createdAt), asc(mailboxMessages.id));
  return list.map((m) => ({ id: m.id, authorKind: m.authorKind, authorName: m.authorName, body: openOrPlain(sealer, m.body, bodyAad(m.id)), createdAt: m.createdAt.toISOString() }));
}

async function forWriter(db: Db, sealer: Sealer, t: ThreadRow): Promise<WriterThread> {
  return { id: t.id, subject: openOrPlain(sealer, t.subject, subjectAad(t.id)), anonymous: t.anonymous, status: t.status, createdAt: t.createdAt.toISOString(), lastMessageAt: t.lastMessageAt.toISOString(), messages: await messagesOf(db, sealer, t.id) };
}

async function counselorsOf(tx: Db, schoolId: number): Promise<string[]> {
  const found = await rows<{ account_id: string }>(tx, sql`select distinct ra.account_id from role_assignments ra join accounts a on a.id = ra.account_id and not a.disabled
    where ra.role = 'counselor' and ra.org_unit_id = ${schoolId}`);
  return found.map((r) => r.account_id);
}

/** Tells the school's counselors of a student's message; a priority one says 优先 in the title. Never the content or the name. */
async function notifyCounselors(tx: Db, deps: Deps, t: { id: string; regionId: number; schoolId: number }, priority: boolean, followUp: boolean, now: Date) {
  await notify(tx, deps, {
    regionId: t.regionId, accountIds: await counselorsOf(tx, t.schoolId), kind: 'mailbox.new',
    title: `${priority ? '【优先】' : ''}心灵信箱${followUp ? '有一封来信的新留言' : '有一封新来信'}`,
    body: priority ? '这封来信提到了需要优先关注的内容（关键词提示，仅供分诊参考），请尽快阅读并回复。' : '请及时阅读并回复。',
    link: `/mailbox/${t.id}`, objectType: 'mailbox_thread', objectId: t.id,
  }, now);
}

/** A new thread, named or anonymous. Idempotent by clientId (an anonymous code is shown only the first time). */
export async function postThread(deps: Deps, caller: Caller, body: z.infer<typeof contracts.MailboxPostBody>): Promise<z.infer<typeof contracts.MailboxPostResult>> {
  const student = await writer(deps.db, caller);
  const school = (await deps.db.select({ path: orgUnits.path }).from(orgUnits).where(eq(orgUnits.id, student.schoolId)))[0]!;
  const now = deps.clock();
  const { keywords } = await keywordsFor(deps.db, caller.regionId);
  const terms = matchKeywords([body.subject, body.body], keywords);
  const code = body.anonymous ? codeFromBytes(randomBytes(64)) : null;
  const sealer = sealerFor(deps.config);
  // the rows' ids are chosen here: the sealed subject and letter are bound to them
  const threadId = randomUUID();
  const messageId = randomUUID();
  return deps.db.transaction(async (tx) => {
    const inserted = await tx.insert(mailboxThreads).values({
      id: threadId, regionId: caller.regionId, schoolId: student.schoolId, orgPath: body.anonymous ? school.path : student.orgPath, studentId: body.anonymous ? null : student.id,
      anonymous: body.anonymous, codeHash: code ? hashCode(code) : null, subject: sealer.seal(body.subject, subjectAad(threadId)), status: 'open', priority: terms.length > 0, flaggedTerms: terms,
      clientId: body.clientId, createdAt: now, lastMessageAt: now,
    }).onConflictDoNothing().returning();
    const t = inserted[0];
    if (!t) {
      const prior = (await tx.select().from(mailboxThreads).where(eq(mailboxThreads.clientId, body.clientId)))[0];
      if (prior && !prior.anonymous && prior.studentId === student.id) return { thread: await forWriter(tx, sealer, prior), code: null, duplicate: true };
      // an anonymous thread cannot tell who wrote it: the same school is all it checks, and the code is not shown twice
      if (prior && prior.anonymous && body.anonymous && prior.schoolId === student.schoolId) return { thread: null, code: null, duplicate: true };
      throw new AppError(409, 'conflict', '这封信的编号已被使用');
    }
    await tx.insert(mailboxMessages).values({ id: messageId, threadId: t.id, authorKind: 'student', authorAccountId: body.anonymous ? null : caller.accountId, authorName: null, body: sealer.seal(body.body, bodyAad(messageId)), clientId: derivedUuid(`mailbox-first:${body.clientId}`), createdAt: now });
    await appendAudit(tx, body.anonymous
      ? { ...ANONYMOUS, action: 'mailbox.thread.create', objectType: 'mailbox_thread', objectId: t.id, orgPath: school.path, detail: { anonymous: true, priority: t.priority } }
      : { ...auditActor(caller), action: 'mailbox.thread.create', objectType: 'mailbox_thread', objectId: t.id, orgPath: student.orgPath, detail: { anonymous: false, priority: t.priority } }, now);
    await notifyCounselors(tx, deps, t, t.priority, false, now);
    return { thread: await forWriter(tx, sealer, t), code: code ? formatMailboxCode(code) : null, duplicate: false };
  });
}

/** A student's follow-up on a thread (named: theirs; anonymous: by its code). Reflags, reopens, notifies. */
async function addStudentMessage(deps: Deps, caller: Caller | null, t: ThreadRow, clientId: string, text: string, now: Date) {
  if (t.status === 'closed') throw new AppError(409, 'closed', '这封信已关闭；如需继续交流，请写一封新信');
  const { keywords } = await keywordsFor(deps.db, t.regionId);
  const terms = matchKeywords([text], keywords);
  const messageId = randomUUID();
  const sealed = sealerFor(deps.config).seal(text, bodyAad(messageId));
  await deps.db.transaction(async (tx) => {
    const inserted = await tx.insert(mailboxMessages).values({ id: messageId, threadId: t.id, authorKind: 'student', authorAccountId: t.anonymous ? null : caller?.accountId ?? null, authorName: null, body: sealed, clientId, createdAt: now })
      .onConflictDoNothing().returning({ id: mailboxMessages.id });
    if (!inserted[0]) {
      const prior = (await tx.select({ threadId: mailboxMessages.threadId }).from(mailboxMessages).where(eq(mailboxMessages.clientId, clientId)))[0];
      if (prior?.threadId !== t.id) throw new AppError(409, 'conflict', '这条留言的编号已被使用');
      return;
    }
    const flagged = [...new Set([...t.flaggedTerms, ...terms])];
    await tx.update(mailboxThreads).set({ status: 'open', lastMessageAt: now, priority: t.priority || terms.length > 0, flaggedTerms: flagged }).where(eq(mailboxThreads.id, t.id));
    await appendAudit(tx, t.anonymous || !caller
      ? { ...ANONYMOUS, action: 'mailbox.message.add', objectType: 'mailbox_thread', objectId: t.id, orgPath: t.orgPath, detail: { anonymous: true } }
      : { ...auditActor(caller), action: 'mailbox.message.add', objectType: 'mailbox_thread', objectId: t.id, orgPath: t.orgPath, detail: { anonymous: false } }, now);
    await notifyCounselors(tx, deps, t, terms.length > 0 || t.priority, true, now);
  });
}

/** The caller's named threads (anonymous ones are reached only by their code). */
export async function myThreads(deps: Deps, caller: Caller): Promise<z.infer<typeof contracts.MailboxWriterSummary>[]> {
  const student = await writer(deps.db, caller);
  const found = await rows<{ id: string; subject: string; status: ThreadRow['status']; created_at: Date | string; last_message_at: Date | string; replies: number }>(deps.db, sql`
    select t.id, t.subject, t.status, t.created_at, t.last_message_at,
      (select count(*)::int from mailbox_messages m where m.thread_id = t.id and m.author_kind = 'counselor') as replies
    from mailbox_threads t where t.student_id = ${student.id} and not t.anonymous order by t.last_message_at desc limit 100`);
  const sealer = sealerFor(deps.config);
  return found.map((t) => ({ id: t.id, subject: openOrPlain(sealer, t.subject, subjectAad(t.id)), status: t.status, createdAt: new Date(t.created_at).toISOString(), lastMessageAt: new Date(t.last_message_at).toISOString(), replies: t.replies }));
}

async function myThread(deps: Deps, caller: Caller, id: string): Promise<ThreadRow> {
  const student = await writer(deps.db, caller);
  const t = (await deps.db.select().from(mailboxThreads).where(and(eq(mailboxThreads.id, id), eq(mailboxThreads.studentId, student.id), eq(mailboxThreads.anonymous, false))))[0];
  if (!t) throw notFound();
  return t;
}

export async function readMyThread(deps: Deps, caller: Caller, id: string): Promise<WriterThread> {
  return forWriter(deps.db, sealerFor(deps.config), await myThread(deps, caller, id));
}

export async function followUpMine(deps: Deps, caller: Caller, id: string, body: z.infer<typeof contracts.MailboxReplyBody>): Promise<WriterThread> {
  const t = await myThread(deps, caller, id);
  await addStudentMessage(deps, caller, t, body.clientId, body.body, deps.clock());
  return readMyThread(deps, caller, id);
}

/**
 * The anonymous thread of a code. Any student account may present a code (the code is the key);
 * a wrong one answers the same 404 as an unknown thread and counts against the account's attempts.
 */
async function threadByCode(deps: Deps, caller: Caller, input: string): Promise<ThreadRow> {
  scopeOf(caller, 'mailbox.write');
  const now = deps.clock();
  const misses = (await rows<{ n: number }>(deps.db, sql`select count(*)::int as n from audit_log
    where action = 'mailbox.code.miss' and actor_id = ${caller.accountId} and at > ${new Date(now.getTime() - 3_600_000)}`))[0]!.n;
  if (misses >= CODE_ATTEMPTS_PER_HOUR) throw new AppError(429, 'too_many_attempts', '提取码输错次数过多，请一小时后再试');
  const code = normaliseMailboxCode(input);
  const t = code ? (await deps.db.select().from(mailboxThreads).where(and(eq(mailboxThreads.codeHash, hashCode(code)), eq(mailboxThreads.anonymous, true))))[0] : undefined;
  if (!t) {
    await appendAudit(deps.db, { ...auditActor(caller), action: 'mailbox.code.miss', outcome: 'denied', objectType: 'mailbox_thread' }, now);
    throw notFound();
  }
  return t;
}

export async function readByCode(deps: Deps, caller: Caller, code: string): Promise<WriterThread> {
  return forWriter(deps.db, sealerFor(deps.config), await threadByCode(deps, caller, code));
}

export async function followUpByCode(deps: Deps, caller: Caller, body: z.infer<typeof contracts.MailboxCodeReplyBody>): Promise<WriterThread> {
  const t = await threadByCode(deps, caller, body.code);
  await addStudentMessage(deps, null, t, body.clientId, body.body, deps.clock());
  return forWriter(deps.db, sealerFor(deps.config), (await deps.db.select().from(mailboxThreads).where(eq(mailboxThreads.id, t.id)))[0]!);
}

// --- the counselors --------------------------------------------------------------------------------

interface RawStaffThread {
  id: string; subject: string; anonymous: boolean; student_id: string | null; student_name: string | null; class_name: string | null; status: ThreadRow['status'];
  priority: boolean; flagged_terms: string[]; created_at: Date | string; last_message_at: Date | string; message_count: number; org_path: string; school_id: number; region_id: number;
}

const STAFF_SELECT = sql`select t.id, t.subject, t.anonymous, t.student_id, st.name as student_name, case when st.id is null then null else ${classNameOf('st.class_id')} end as class_name,
  t.status, t.priority, t.flagged_terms, t.created_at, t.last_message_at, t.org_path, t.school_id, t.region_id,
  (select count(*)::int from mailbox_messages m where m.thread_id = t.id) as message_count
  from mailbox_threads t left join students st on st.id = t.student_id`;

const toStaff = (sealer: Sealer, t: RawStaffThread): z.infer<typeof contracts.MailboxThreadStaff> => ({
  id: t.id, subject: openOrPlain(sealer, t.subject, subjectAad(t.id)), anonymous: t.anonymous, studentId: t.student_id, studentName: t.student_name, className: t.class_name, status: t.status, priority: t.priority,
  flaggedTerms: t.flagged_terms ?? [], createdAt: new Date(t.created_at).toISOString(), lastMessageAt: new Date(t.last_message_at).toISOString(), messageCount: t.message_count,
});

const answerable = (caller: Caller) => inScope(scopeOf(caller, 'mailbox.answer'), sql`t.org_path`);

export async function listThreads(deps: Deps, caller: Caller, q: z.infer<typeof contracts.MailboxStaffQuery>) {
  const where: SQL[] = [sql`t.region_id = ${caller.regionId}`, answerable(caller)];
  if (q.status === 'active') where.push(sql`t.status <> 'closed'`);
  else if (q.status) where.push(sql`t.status = ${q.status}`);
  const cond = sql.join(where, sql` and `);
  const [found, total] = await Promise.all([
    rows<RawStaffThread>(deps.db, sql`${STAFF_SELECT} where ${cond}
      order by (t.status = 'closed'), (t.priority and t.status <> 'closed') desc, (t.status = 'open') desc, t.last_message_at desc limit ${q.pageSize} offset ${(q.page - 1) * q.pageSize}`),
    rows<{ n: number }>(deps.db, sql`select count(*)::int as n from mailbox_threads t where ${cond}`),
  ]);
  await appendAudit(deps.db, { ...auditActor(caller), action: 'mailbox.list', objectType: 'mailbox_thread', orgPath: homePath(caller.assignments), detail: { status: q.status ?? null, page: q.page, rows: found.length } }, deps.clock());
  const sealer = sealerFor(deps.config);
  return { items: found.map((t) => toStaff(sealer, t)), total: total[0]?.n ?? 0, page: q.page, pageSize: q.pageSize };
}

async function staffThread(db: Db, caller: Caller, id: string): Promise<RawStaffThread> {
  const t = (await rows<RawStaffThread>(db, sql`${STAFF_SELECT} where t.id = ${id} and t.region_id = ${caller.regionId} and ${answerable(caller)}`))[0];
  if (!t) throw notFound();
  return t;
}

export async function getThread(deps: Deps, caller: Caller, id: string): Promise<z.infer<typeof contracts.MailboxThreadStaffDetail>> {
  const t = await staffThread(deps.db, caller, id);
  await appendAudit(deps.db, { ...auditActor(caller), action: 'mailbox.thread.read', objectType: 'mailbox_thread', objectId: id, orgPath: t.org_path, detail: { anonymous: t.anonymous } }, deps.clock());
  const sealer = sealerFor(deps.config);
  return { ...toStaff(sealer, t), messages: await messagesOf(deps.db, sealer, id) };
}

export async function replyThread(deps: Deps, caller: Caller, id: string, body: z.infer<typeof contracts.MailboxReplyBody>) {
  const t = await staffThread(deps.db, caller, id);
  if (t.status === 'closed') throw new AppError(409, 'closed', '这封信已关闭，不能再回复');
  const now = deps.clock();
  const messageId = randomUUID();
  const sealed = sealerFor(deps.config).seal(body.body, bodyAad(messageId));
  await deps.db.transaction(async (tx) => {
    const inserted = await tx.insert(mailboxMessages).values({ id: messageId, threadId: id, authorKind: 'counselor', authorAccountId: caller.accountId, authorName: caller.displayName, body: sealed, clientId: body.clientId, createdAt: now })
      .onConflictDoNothing().returning({ id: mailboxMessages.id });
    if (!inserted[0]) {
      const prior = (await tx.select({ threadId: mailboxMessages.threadId }).from(mailboxMessages).where(eq(mailboxMessages.clientId, body.clientId)))[0];
      if (prior?.threadId !== id) throw new AppError(409, 'conflict', '这条回复的编号已被使用');
      return;
    }
    await tx.update(mailboxThreads).set({ status: 'answered', lastMessageAt: now }).where(eq(mailboxThreads.id, id));
    await appendAudit(tx, { ...auditActor(caller), action: 'mailbox.reply', objectType: 'mailbox_thread', objectId: id, orgPath: t.org_path }, now);
    if (t.student_id) {
      const accounts = await rows<{ account_id: string }>(tx, sql`select distinct account_id from role_assignments where role = 'student' and student_id = ${t.student_id}`);
      await notify(tx, deps, { regionId: t.region_id, accountIds: accounts.map((a) => a.account_id), kind: 'mailbox.reply', title: '心灵信箱：老师回复了你的来信', link: '/m/mailbox', objectType: 'mailbox_thread', objectId: id }, now);
    }
  });
  return getThread(deps, caller, id);
}

export async function closeThread(deps: Deps, caller: Caller, id: string) {
  const t = await staffThread(deps.db, caller, id);
  const now = deps.clock();
  if (t.status !== 'closed') {
    await deps.db.transaction(async (tx) => {
      await tx.update(mailboxThreads).set({ status: 'closed' }).where(eq(mailboxThreads.id, id));
      await appendAudit(tx, { ...auditActor(caller), action: 'mailbox.close', objectType: 'mailbox_thread', objectId: id, orgPath: t.org_path }, now);
    });
  }
  return getThread(deps, caller, id);
}
