/**
 * Key students and care (重点学生 / 包保): the school's register, care teachers assigned under the
 * region's policy (the care teacher's access to the student is a `care_teacher` role assignment
 * made and removed with the care), the growth diary, and closure (销号) proposed by the carer or
 * counselor and approved by a school leader who did not propose it.
 */
import { randomUUID } from 'node:crypto';
import {
  DEFAULT_CARE_POLICY,
  assignmentProblems,
  followUpsDue,
  higherLevel,
  scopeFor,
  scopeIncludes,
  type CarePolicy,
  type DiaryKind,
  type contracts,
} from '@xinyu/core';
import { and, desc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import { rows, type Db } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { AppError, badRequest, forbidden, notFound } from '../../http/errors.js';
import { roleAssignments } from '../access/tables.js';
import { hasPermission, inScope, requireRegionWide, scopeOf } from '../access/service.js';
import { openOrPlain, sealerFor, type Sealer } from '../../lib/sealed.js';
import { openJson, sealJson } from '../../lib/sealed-fields.js';
import { appendAudit } from '../audit/service.js';
import { notify } from '../notify/service.js';
import { auditActor } from '../org/service.js';
import { orgUnits, students } from '../org/tables.js';
import { classWithGrade } from '../org/service.js';
import { cstToday } from '../screening/campaigns.js';
import { settleOffers, endPairingsOf } from './choice.js';
import { carePolicies, careAssignments, careVolunteers, diaryEntries, keyStudentEvents, keyStudents } from './tables.js';

type Row = typeof keyStudents.$inferSelect;
type KeyStudentOut = z.infer<typeof contracts.KeyStudent>;

export async function carePolicyFor(db: Db, regionId: number): Promise<CarePolicy> {
  const found = await db.select({ p: carePolicies.policy }).from(carePolicies).where(eq(carePolicies.regionId, regionId));
  return (found[0]?.p as CarePolicy | undefined) ?? DEFAULT_CARE_POLICY;
}

export async function putCarePolicy(deps: Deps, caller: Caller, policy: CarePolicy, problems: string[]): Promise<CarePolicy> {
  requireRegionWide(caller);
  if (problems.length) throw badRequest(problems[0]!, Object.fromEntries(problems.map((p, i) => [`policy.${i}`, p])));
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    await tx.insert(carePolicies).values({ regionId: caller.regionId, policy, updatedBy: caller.displayName, updatedAt: now })
      .onConflictDoUpdate({ target: carePolicies.regionId, set: { policy, updatedBy: caller.displayName, updatedAt: now } });
    await appendAudit(tx, { ...auditActor(caller), action: 'care.policy.update', objectType: 'region', objectId: String(caller.regionId), detail: { policy } }, now);
  });
  return policy;
}

/**
 * Sealed at rest with the data key, each bound to its row and field: a key student's reason (and the
 * reason each later signal gave, on the record's history) and a diary entry's fields and note.
 */
export const keyStudentAad = (keyStudentId: string) => `key_students.reason:${keyStudentId}`;
export const reasonEventAad = (keyStudentId: string) => `key_student_events.reason:${keyStudentId}`;
export const diaryAad = (entryId: string, field: 'fields' | 'note') => `diary_entries.${field}:${entryId}`;

/** An event's detail as shown: a sealed reason opened. */
function eventDetail(sealer: Sealer, keyStudentId: string, detail: Record<string, unknown> | null): Record<string, unknown> {
  if (!detail) return {};
  if (typeof detail.reasonSealed !== 'string') return detail;
  const { reasonSealed, ...rest } = detail;
  return { ...rest, reason: sealer.open(reasonSealed, reasonEventAad(keyStudentId)) };
}

async function event(tx: Db, keyStudentId: string, kind: string, actorName: string | null, detail: Record<string, unknown>, at: Date): Promise<void> {
  await tx.insert(keyStudentEvents).values({ keyStudentId, kind, actorName, detail, at });
}

// --- the register ---------------------------------------------------------------------------------

/**
 * Puts a student on the register, or adds categories and sources to their open record (one per
 * student). Used by staff directly, by the sweep, and when an alert is confirmed with the outcome
 * "care". With `sealer` (the data key's, `sealerFor(deps.config)`) the reason is sealed at rest on
 * the record and its history; a caller that does not pass it yet stores it plain (read either way).
 */
export async function registerKeyStudent(tx: Db, input: { regionId: number; schoolId: number; studentId: string; categories: string[]; level: 'yellow' | 'orange' | 'red'; source: string; reason: string; alertId?: string | null; actorName: string | null; now: Date; sealer: Sealer }): Promise<{ id: string; created: boolean }> {
  const sealer = input.sealer;
  // the reason is sealed on the record and on its history (every caller passes the data key)
  const reasonOf = (keyStudentId: string) => ({ reasonSealed: sealer.seal(input.reason, reasonEventAad(keyStudentId)) });
  const open = (await tx.select().from(keyStudents).where(and(eq(keyStudents.studentId, input.studentId), sql`${keyStudents.status} <> 'closed'`)).for('update'))[0];
  if (open) {
    const categories = [...new Set([...open.categories, ...input.categories])];
    const sources = [...new Set([...open.sources, input.source])];
    const level = higherLevel(open.level, input.level);
    // a new signal withdraws a proposed closure
    const status = open.status === 'closure_proposed' ? 'active' : open.status;
    await tx.update(keyStudents).set({ categories, sources, level, status, updatedAt: input.now }).where(eq(keyStudents.id, open.id));
    await event(tx, open.id, status !== open.status ? 'reopened' : 'updated', input.actorName, { source: input.source, categories: input.categories, level: input.level, ...reasonOf(open.id) }, input.now);
    return { id: open.id, created: false };
  }
  const id = randomUUID();
  const inserted = await tx.insert(keyStudents).values({
    id, regionId: input.regionId, schoolId: input.schoolId, studentId: input.studentId, categories: input.categories, level: input.level, sources: [input.source],
    reason: sealer.seal(input.reason, keyStudentAad(id)), alertId: input.alertId ?? null, addedByName: input.actorName, addedAt: input.now, updatedAt: input.now,
  }).onConflictDoNothing().returning({ id: keyStudents.id });
  if (!inserted[0]) throw new AppError(409, 'changed', '这名学生刚被他人加入重点学生名单，请刷新');
  await event(tx, inserted[0].id, 'added', input.actorName, { source: input.source, categories: input.categories, level: input.level, ...reasonOf(inserted[0].id) }, input.now);
  return { id: inserted[0].id, created: true };
}

export async function addKeyStudent(deps: Deps, caller: Caller, body: z.infer<typeof contracts.AddKeyStudentBody>): Promise<z.infer<typeof contracts.KeyStudentDetail>> {
  const scope = scopeOf(caller, 'care.manage');
  const student = (await deps.db.select().from(students).where(and(eq(students.id, body.studentId), eq(students.regionId, caller.regionId), eq(students.status, 'active'), inScope(scope, students.orgPath))))[0];
  if (!student) throw notFound();
  const now = deps.clock();
  const r = await deps.db.transaction(async (tx) => {
    const out = await registerKeyStudent(tx, { regionId: caller.regionId, schoolId: student.schoolId, studentId: student.id, categories: body.categories, level: body.level, source: 'staff', reason: body.reason, actorName: caller.displayName, now, sealer: sealerFor(deps.config) });
    await appendAudit(tx, { ...auditActor(caller), action: 'care.register', objectType: 'student', objectId: student.id, orgPath: student.orgPath, detail: { keyStudentId: out.id, created: out.created, categories: body.categories, level: body.level } }, now);
    return out;
  });
  return getKeyStudent(deps, caller, r.id);
}

interface Listed {
  k: Row;
  name: string;
  className: string | null;
  orgPath: string;
}

/** The records a caller may read: by org scope, and a care teacher's own students. */
function readable(caller: Caller): SQL {
  return inScope(scopeOf(caller, 'care.read'), students.orgPath, students.id);
}

async function currentCare(db: Db, ids: string[]) {
  if (!ids.length) return [];
  return db.select().from(careAssignments).where(and(sql`${careAssignments.keyStudentId} = any(${sql.param(ids)}::uuid[])`, isNull(careAssignments.endedAt)));
}

async function pendingOffers(db: Db, ids: string[]) {
  if (!ids.length) return [];
  return db.select({ keyStudentId: careVolunteers.keyStudentId, n: sql<number>`count(*)::int` }).from(careVolunteers)
    .where(and(sql`${careVolunteers.keyStudentId} = any(${sql.param(ids)}::uuid[])`, eq(careVolunteers.status, 'pending'))).groupBy(careVolunteers.keyStudentId);
}

async function lastEntries(db: Db, ids: string[]) {
  if (!ids.length) return [];
  return rows<{ key_student_id: string; kind: DiaryKind; last: string }>(db, sql`
    select key_student_id, kind, max(date)::text as last from diary_entries where key_student_id = any(${sql.param(ids)}::uuid[]) group by 1, 2`);
}

function toOut(sealer: Sealer, r: Listed, care: typeof careAssignments.$inferSelect | undefined, last: { kind: DiaryKind; last: string }[], policy: CarePolicy, today: string, offers: number): KeyStudentOut {
  const lastByKind = Object.fromEntries(last.map((l) => [l.kind, l.last])) as Partial<Record<DiaryKind, string>>;
  const latest = last.map((l) => l.last).sort().at(-1) ?? null;
  return {
    id: r.k.id,
    studentId: r.k.studentId,
    name: r.name,
    className: r.className ?? '',
    categories: r.k.categories,
    level: r.k.level,
    sources: r.k.sources,
    status: r.k.status,
    reason: openOrPlain(sealer, r.k.reason, keyStudentAad(r.k.id)),
    careTeacher: care ? { accountId: care.accountId, name: care.accountName, since: care.startDate, asLeader: care.asLeader > 0 } : null,
    followUps: care && r.k.status !== 'closed' ? followUpsDue(lastByKind, care.startDate, today, policy.cadence) : [],
    lastEntry: latest,
    pendingOffers: r.k.status === 'closed' ? 0 : offers,
    addedAt: r.k.addedAt.toISOString(),
    closedAt: r.k.closedAt?.toISOString() ?? null,
  };
}

/** The register of the caller's scope (a care teacher: their own students), audited. */
export async function listKeyStudents(deps: Deps, caller: Caller, q: z.infer<typeof contracts.KeyStudentQuery>) {
  const conds: (SQL | undefined)[] = [eq(keyStudents.regionId, caller.regionId), readable(caller)];
  if (q.status === 'open') conds.push(sql`${keyStudents.status} <> 'closed'`);
  else conds.push(eq(keyStudents.status, q.status));
  if (q.unitId) {
    // a unit inside the caller's own reach, like the alert list's filter: another school's is not found
    const unit = (await deps.db.select({ path: orgUnits.path }).from(orgUnits)
      .where(and(eq(orgUnits.id, q.unitId), eq(orgUnits.regionId, caller.regionId), inScope(scopeOf(caller, 'care.read'), orgUnits.path))))[0];
    if (!unit) throw notFound();
    conds.push(sql`${students.orgPath} like ${`${unit.path}%`}`);
  }
  if (q.mine) conds.push(sql`exists (select 1 from care_assignments c where c.key_student_id = ${keyStudents.id} and c.ended_at is null and c.account_id = ${caller.accountId})`);
  const where = and(...conds);
  const base = deps.db.select({ k: keyStudents, name: students.name, className: classWithGrade, orgPath: students.orgPath }).from(keyStudents)
    .innerJoin(students, eq(students.id, keyStudents.studentId)).leftJoin(orgUnits, eq(orgUnits.id, students.classId));
  const [list, total, policy] = await Promise.all([
    base.where(where).orderBy(sql`case ${keyStudents.level} when 'red' then 0 when 'orange' then 1 else 2 end`, desc(keyStudents.addedAt)).limit(q.pageSize).offset((q.page - 1) * q.pageSize),
    deps.db.select({ n: sql<number>`count(*)::int` }).from(keyStudents).innerJoin(students, eq(students.id, keyStudents.studentId)).where(where),
    carePolicyFor(deps.db, caller.regionId),
  ]);
  const ids = list.map((r) => r.k.id);
  const [care, last, offers] = await Promise.all([currentCare(deps.db, ids), lastEntries(deps.db, ids), pendingOffers(deps.db, ids)]);
  const today = cstToday(deps.clock());
  await appendAudit(deps.db, { ...auditActor(caller), action: 'care.list.read', objectType: 'student', detail: { rows: list.length, studentIds: list.map((r) => r.k.studentId) } }, deps.clock());
  return {
    items: list.map((r) => toOut(sealerFor(deps.config), r, care.find((c) => c.keyStudentId === r.k.id), last.filter((l) => l.key_student_id === r.k.id), policy, today, offers.find((o) => o.keyStudentId === r.k.id)?.n ?? 0)),
    total: total[0]!.n,
    page: q.page,
    pageSize: q.pageSize,
  };
}

export async function findReadable(db: Db, caller: Caller, id: string): Promise<Listed | null> {
  const found = await db.select({ k: keyStudents, name: students.name, className: classWithGrade, orgPath: students.orgPath }).from(keyStudents)
    .innerJoin(students, eq(students.id, keyStudents.studentId)).leftJoin(orgUnits, eq(orgUnits.id, students.classId))
    .where(and(eq(keyStudents.id, id), eq(keyStudents.regionId, caller.regionId), readable(caller)));
  return found[0] ?? null;
}

/** What the caller may do with this record. */
export function abilities(caller: Caller, r: Listed, care: typeof careAssignments.$inferSelect | undefined) {
  const has = (p: 'care.manage' | 'care.diary' | 'care.approve') => hasPermission(caller, p) && scopeIncludes(scopeFor(caller.assignments, p), r.orgPath, r.k.studentId);
  const manage = has('care.manage');
  const isCarer = care?.accountId === caller.accountId;
  const open = r.k.status !== 'closed';
  return {
    assign: manage && open,
    // the current carer, or the school's counselor or leader
    writeDiary: open && has('care.diary') && (isCarer || manage),
    propose: r.k.status === 'active' && (isCarer || manage),
    approve: r.k.status === 'closure_proposed' && has('care.approve') && r.k.proposedBy !== caller.accountId,
    readDiary: isCarer || manage || has('care.approve'),
  };
}

export async function getKeyStudent(deps: Deps, caller: Caller, id: string): Promise<z.infer<typeof contracts.KeyStudentDetail>> {
  const r = await findReadable(deps.db, caller, id);
  if (!r) throw notFound();
  const [care, last, policy, events, assignments, offers] = await Promise.all([
    currentCare(deps.db, [id]),
    lastEntries(deps.db, [id]),
    carePolicyFor(deps.db, caller.regionId),
    deps.db.select().from(keyStudentEvents).where(eq(keyStudentEvents.keyStudentId, id)).orderBy(keyStudentEvents.at, keyStudentEvents.id),
    deps.db.select().from(careAssignments).where(eq(careAssignments.keyStudentId, id)).orderBy(careAssignments.startDate, sql`${careAssignments.endedAt} asc nulls last`, careAssignments.id),
    pendingOffers(deps.db, [id]),
  ]);
  const can = abilities(caller, r, care[0]);
  const sealer = sealerFor(deps.config);
  const diary = can.readDiary ? await deps.db.select().from(diaryEntries).where(eq(diaryEntries.keyStudentId, id)).orderBy(desc(diaryEntries.date), desc(diaryEntries.createdAt)) : null;
  await appendAudit(deps.db, { ...auditActor(caller), action: 'care.read', objectType: 'student', objectId: r.k.studentId, orgPath: r.orgPath, detail: { keyStudentId: id, diary: diary !== null } }, deps.clock());
  return {
    ...toOut(sealer, r, care[0], last, policy, cstToday(deps.clock()), offers[0]?.n ?? 0),
    events: events.map((e) => ({ kind: e.kind, actorName: e.actorName, at: e.at.toISOString(), detail: eventDetail(sealer, id, e.detail as Record<string, unknown> | null) })),
    assignments: assignments.map((a) => ({ accountId: a.accountId, name: a.accountName, asLeader: a.asLeader > 0, startDate: a.startDate, endedAt: a.endedAt?.toISOString() ?? null, endReason: a.endReason })),
    diary: diary?.map((d) => ({ id: d.id, kind: d.kind, date: d.date, mood: d.mood, fields: openJson<Record<string, string>>(sealer, d.fields, diaryAad(d.id, 'fields')) ?? {}, note: openOrPlain(sealer, d.note, diaryAad(d.id, 'note')), authorName: d.authorName, createdAt: d.createdAt.toISOString() })) ?? null,
    closure: { summary: r.k.closureSummary, proposedByName: r.k.proposedByName, proposedAt: r.k.proposedAt?.toISOString() ?? null, approvedByName: r.k.approvedByName },
    can: { assign: can.assign, writeDiary: can.writeDiary, propose: can.propose, approve: can.approve },
  };
}

// --- care teachers --------------------------------------------------------------------------------

/** Staff accounts of the student's school who could care for them, with their load and any objection of the policy. */
export async function careCandidates(deps: Deps, caller: Caller, id: string): Promise<z.infer<typeof contracts.CareCandidate>[]> {
  const r = await findReadable(deps.db, caller, id);
  if (!r) throw notFound();
  if (!abilities(caller, r, undefined).assign) throw forbidden();
  const policy = await carePolicyFor(deps.db, caller.regionId);
  const found = await rows<{ account_id: string; name: string; is_leader: boolean; load: number; offer_id: string | null; offer_note: string | null; offer_at: Date | string | null }>(deps.db, sql`
    select a.id as account_id, a.display_name as name, o.id as offer_id, o.note as offer_note, o.created_at as offer_at,
      exists (select 1 from role_assignments ra where ra.account_id = a.id and ra.role = 'school_leader' and ra.org_unit_id = ${r.k.schoolId}) as is_leader,
      (select count(*)::int from care_assignments c where c.account_id = a.id and c.ended_at is null) as load
    from accounts a join staff st on st.id = a.staff_id
    left join care_volunteers o on o.account_id = a.id and o.key_student_id = ${id} and o.status = 'pending'
    where st.school_id = ${r.k.schoolId} and st.active and not a.disabled
    order by (o.id is not null) desc, is_leader desc, load, a.display_name limit 500`);
  return found.map((f) => ({
    accountId: f.account_id, name: f.name, isLeader: f.is_leader, load: f.load,
    problems: assignmentProblems({ level: r.k.level, assigneeIsLeader: f.is_leader, currentLoad: f.load }, policy),
    offer: f.offer_id ? { id: f.offer_id, note: f.offer_note ?? '', createdAt: new Date(f.offer_at!).toISOString() } : null,
  }));
}

/**
 * Names the care teacher (or the leader, for the hardest cases). The previous care ends with a
 * reason and stays in the history; the new carer gets the student through a care_teacher role
 * assignment and is told.
 */
export async function assignCare(deps: Deps, caller: Caller, id: string, body: z.infer<typeof contracts.AssignCareBody>): Promise<z.infer<typeof contracts.KeyStudentDetail>> {
  const candidates = await careCandidates(deps, caller, id);
  const who = candidates.find((c) => c.accountId === body.accountId);
  if (!who) throw badRequest('只能指派本校的教职工', { accountId: '不是本校教职工' });
  if (who.problems.length) throw badRequest(who.problems[0]!, { accountId: who.problems.join('；') });
  const now = deps.clock();
  const r = (await findReadable(deps.db, caller, id))!;
  await deps.db.transaction(async (tx) => {
    const current = (await tx.select().from(careAssignments).where(and(eq(careAssignments.keyStudentId, id), isNull(careAssignments.endedAt))).for('update'))[0];
    if (current?.accountId === body.accountId) return;
    if (current) await endCare(tx, current, body.reason ?? '更换包保教师', now);
    const granted = await tx.insert(roleAssignments).values({ regionId: caller.regionId, accountId: body.accountId, role: 'care_teacher', studentId: r.k.studentId, grantedBy: caller.accountId }).returning({ id: roleAssignments.id });
    await tx.insert(careAssignments).values({ keyStudentId: id, studentId: r.k.studentId, accountId: body.accountId, accountName: who.name, asLeader: who.isLeader ? 1 : 0, roleAssignmentId: granted[0]!.id, startDate: cstToday(now), assignedByName: caller.displayName });
    const offered = await settleOffers(tx, deps, { keyStudentId: id, regionId: caller.regionId, assigneeId: body.accountId, deciderName: caller.displayName, now });
    await event(tx, id, 'assigned', caller.displayName, { accountId: body.accountId, name: who.name, replaced: current?.accountName ?? null, ...(offered ? { volunteered: true } : {}) }, now);
    await notify(tx, deps, { regionId: caller.regionId, accountIds: [body.accountId].filter((a) => a !== caller.accountId), kind: 'care.assigned', title: offered ? '您的包保报名已通过' : '您有一名新的包保学生', body: '请尽快开展谈心，并按要求记录成长日记。', link: `/care/${id}`, objectType: 'key_student', objectId: id }, now);
    await appendAudit(tx, { ...auditActor(caller), action: 'care.assign', objectType: 'student', objectId: r.k.studentId, orgPath: r.orgPath, detail: { keyStudentId: id, accountId: body.accountId } }, now);
  });
  return getKeyStudent(deps, caller, id);
}

export async function endCare(tx: Db, a: typeof careAssignments.$inferSelect, reason: string, now: Date): Promise<void> {
  await tx.update(careAssignments).set({ endedAt: now, endReason: reason }).where(eq(careAssignments.id, a.id));
  if (a.roleAssignmentId) await tx.delete(roleAssignments).where(eq(roleAssignments.id, a.roleAssignmentId));
}

// --- the growth diary -----------------------------------------------------------------------------

export async function addDiaryEntry(deps: Deps, caller: Caller, id: string, body: z.infer<typeof contracts.DiaryBody>): Promise<z.infer<typeof contracts.KeyStudentDetail>> {
  const r = await findReadable(deps.db, caller, id);
  if (!r) throw notFound();
  const care = (await currentCare(deps.db, [id]))[0];
  if (!abilities(caller, r, care).writeDiary) throw forbidden();
  const now = deps.clock();
  if (body.date > cstToday(now)) throw badRequest('日期不能晚于今天', { date: '晚于今天' });
  const fields = Object.fromEntries((['study', 'relationships', 'family', 'social', 'wishes', 'plan'] as const).filter((k) => body[k]).map((k) => [k, body[k]!]));
  const entryId = randomUUID();
  const sealer = sealerFor(deps.config);
  await deps.db.transaction(async (tx) => {
    const inserted = await tx.insert(diaryEntries).values({
      id: entryId, regionId: caller.regionId, keyStudentId: id, studentId: r.k.studentId, authorAccountId: caller.accountId, authorName: caller.displayName,
      kind: body.kind, date: body.date, mood: body.mood ?? null, fields: sealJson(sealer, fields, diaryAad(entryId, 'fields')), note: sealer.seal(body.note, diaryAad(entryId, 'note')), clientId: body.clientId, createdAt: now,
    }).onConflictDoNothing().returning({ id: diaryEntries.id });
    // a retry of the same entry stores nothing more
    if (!inserted[0]) return;
    await appendAudit(tx, { ...auditActor(caller), action: 'care.diary.add', objectType: 'student', objectId: r.k.studentId, orgPath: r.orgPath, detail: { keyStudentId: id, entryId: inserted[0].id, kind: body.kind } }, now);
  });
  return getKeyStudent(deps, caller, id);
}

// --- closure (销号) -------------------------------------------------------------------------------

export async function closure(deps: Deps, caller: Caller, id: string, body: z.infer<typeof contracts.ClosureBody>): Promise<z.infer<typeof contracts.KeyStudentDetail>> {
  const r = await findReadable(deps.db, caller, id);
  if (!r) throw notFound();
  const care = (await currentCare(deps.db, [id]))[0];
  const can = abilities(caller, r, care);
  const now = deps.clock();
  if (body.action === 'propose') {
    if (r.k.status !== 'active') throw new AppError(409, 'invalid_transition', '只有在册的学生才能申请销号');
    if (!can.propose) throw forbidden();
  } else {
    if (r.k.status !== 'closure_proposed') throw new AppError(409, 'invalid_transition', '这名学生没有待审批的销号申请');
    if (!hasPermission(caller, 'care.approve') || !scopeIncludes(scopeFor(caller.assignments, 'care.approve'), r.orgPath, r.k.studentId)) throw forbidden();
    if (r.k.proposedBy === caller.accountId) throw new AppError(403, 'own_proposal', '销号须由申请人以外的学校领导审批');
  }
  await deps.db.transaction(async (tx) => {
    const expected = body.action === 'propose' ? 'active' : 'closure_proposed';
    const set: Partial<typeof keyStudents.$inferInsert> =
      body.action === 'propose'
        ? { status: 'closure_proposed', closureSummary: body.summary, proposedBy: caller.accountId, proposedByName: caller.displayName, proposedAt: now, updatedAt: now }
        : body.action === 'approve'
          ? { status: 'closed', approvedByName: caller.displayName, closedAt: now, updatedAt: now }
          : { status: 'active', proposedBy: null, proposedByName: null, proposedAt: null, updatedAt: now };
    const updated = await tx.update(keyStudents).set(set).where(and(eq(keyStudents.id, id), eq(keyStudents.status, expected))).returning({ id: keyStudents.id });
    if (!updated[0]) throw new AppError(409, 'changed', '这条记录刚被他人处理过，请刷新');
    if (body.action === 'approve') {
      const current = (await tx.select().from(careAssignments).where(and(eq(careAssignments.keyStudentId, id), isNull(careAssignments.endedAt))))[0];
      if (current) await endCare(tx, current, '销号', now);
      await settleOffers(tx, deps, { keyStudentId: id, regionId: caller.regionId, assigneeId: null, deciderName: caller.displayName, now, reason: '该生已销号' });
      await endPairingsOf(tx, { keyStudentId: id, reason: '该生已销号', actorName: caller.displayName, now });
    }
    const kind = body.action === 'propose' ? 'closure_proposed' : body.action === 'approve' ? 'closed' : 'closure_rejected';
    await event(tx, id, kind, caller.displayName, body.action === 'propose' ? { summary: body.summary } : body.action === 'reject' ? { reason: body.reason } : {}, now);
    if (body.action === 'propose') {
      const leaders = await rows<{ account_id: string }>(tx, sql`select account_id from role_assignments where role = 'school_leader' and org_unit_id = ${r.k.schoolId}`);
      await notify(tx, deps, { regionId: caller.regionId, accountIds: leaders.map((l) => l.account_id).filter((a) => a !== caller.accountId), kind: 'care.closure_proposed', title: '有一份销号申请待审批', body: '请查看包保记录和成长日记后审批。', link: `/care/${id}`, objectType: 'key_student', objectId: id }, now);
    }
    await appendAudit(tx, { ...auditActor(caller), action: `care.closure.${body.action}`, objectType: 'student', objectId: r.k.studentId, orgPath: r.orgPath, detail: { keyStudentId: id } }, now);
  });
  return getKeyStudent(deps, caller, id);
}
