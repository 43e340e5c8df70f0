/**
 * Session records (咨询记录表) and the school's supervisors (督导).
 *
 * The structured notes are sealed as one JSON with AES-256-GCM (lib/sealed.ts), bound to the row id:
 * nothing of them is in clear in the database, not even the risk level. Who may open them is decided
 * in the query: the author (still holding session.write at the record's school) and the school's
 * designated supervisors (still holding session.supervise there). Everyone else gets 404, and every
 * read of notes writes `counseling.session.read` to the audit log. The metadata (date, kind,
 * duration, counselor) is listed to session.write / session.supervise holders of the school.
 */
import { createHash, randomUUID } from 'node:crypto';
import { scopeFor, type contracts, type Permission } from '@xinyu/core';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import { rows, type Db } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { AppError, badRequest, forbidden, notFound } from '../../http/errors.js';
import { sealerFor } from '../../lib/sealed.js';
import { hasPermission, homePath, inScope, scopeOf } from '../access/service.js';
import { appendAudit } from '../audit/service.js';
import { openCrisisCase } from '../crisis/cases.js';
import { auditActor, classNameOf } from '../org/service.js';
import { orgUnits, students } from '../org/tables.js';
import { cstToday } from '../screening/campaigns.js';
import { raiseAlert } from '../warning/service.js';
import { appointments, counselingSessions, counselingSupervisors } from './tables.js';

type Notes = z.infer<typeof contracts.SessionNotes>;
type Meta = z.infer<typeof contracts.SessionMeta>;
type Risk = Notes['riskLevel'];
type SessionRow = typeof counselingSessions.$inferSelect;

// --- who may see what ------------------------------------------------------------------------------

/** The caller's paths for a permission as a SQL test of `column` (none: false). */
export function pathsOf(caller: Caller, p: Permission, column: SQL): SQL {
  if (!hasPermission(caller, p)) return sql`false`;
  return inScope(scopeFor(caller.assignments, p), column);
}

/** Metadata of a record (alias s) is visible to session.write / session.supervise holders of its school (hotline calls too). */
export const visible = (caller: Caller) => sql`(${pathsOf(caller, 'session.write', sql`s.org_path`)} or ${pathsOf(caller, 'session.supervise', sql`s.org_path`)})`;

/** Is the caller a designated supervisor of the school of the row (alias s), still holding session.supervise there? */
export const supervises = (caller: Caller, alias = 's') =>
  sql`(exists (select 1 from counseling_supervisors cs where cs.school_id = ${sql.raw(alias)}.school_id and cs.account_id = ${caller.accountId}::uuid) and ${pathsOf(caller, 'session.supervise', sql.raw(`${alias}.org_path`))})`;

/** The notes of a record (alias s): its author (still session.write there) or a designated supervisor. */
const readsNotes = (caller: Caller) =>
  sql`((s.counselor_account_id = ${caller.accountId}::uuid and ${pathsOf(caller, 'session.write', sql`s.org_path`)}) or ${supervises(caller)})`;

interface RawMeta {
  id: string; student_id: string; student_name: string; class_name: string; kind: Meta['kind']; session_date: string; duration_minutes: number;
  counselor_account_id: string; counselor_name: string; appointment_id: string | null; alert_id: string | null; crisis_case_id: string | null;
  can_read: boolean; created_at: Date | string; updated_at: Date | string; school_id: number; org_path: string; notes_sealed: string;
}

const selectMeta = (caller: Caller) => sql`select s.*, st.name as student_name, ${classNameOf('st.class_id')} as class_name, ${readsNotes(caller)} as can_read
  from counseling_sessions s join students st on st.id = s.student_id`;

const toMeta = (r: RawMeta, caller: Caller): Meta => ({
  id: r.id, studentId: r.student_id, studentName: r.student_name, className: r.class_name, kind: r.kind, date: String(r.session_date), durationMinutes: Number(r.duration_minutes),
  counselorAccountId: r.counselor_account_id, counselorName: r.counselor_name, appointmentId: r.appointment_id, alertId: r.alert_id, crisisCaseId: r.crisis_case_id,
  canReadNotes: Boolean(r.can_read), mine: r.counselor_account_id === caller.accountId, createdAt: new Date(r.created_at).toISOString(), updatedAt: new Date(r.updated_at).toISOString(),
});

async function metaRow(db: Db, caller: Caller, id: string): Promise<RawMeta | undefined> {
  return (await rows<RawMeta>(db, sql`${selectMeta(caller)} where s.id = ${id} and s.region_id = ${caller.regionId} and ${visible(caller)}`))[0];
}

/** A uuid derived from a seed (for idempotent follow-ups of one record, e.g. the crisis case it opens). */
export function derivedUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

// --- records ---------------------------------------------------------------------------------------

const ALERT_LEVEL: Record<Exclude<Risk, 'none'>, 'yellow' | 'orange' | 'red'> = { low: 'yellow', medium: 'orange', high: 'red', imminent: 'red' };
const CASE_RISK: Record<Exclude<Risk, 'none'>, 'moderate' | 'high' | 'imminent'> = { low: 'moderate', medium: 'moderate', high: 'high', imminent: 'imminent' };

/**
 * Raises an alert or opens a crisis case from a record, once (a second call returns what the first
 * made). What leaves the record is its risk level mapped to the alert's level or the case's risk, and
 * a sentence; never the notes. Call inside the transaction.
 */
async function escalate(tx: Db, deps: Deps, caller: Caller, row: SessionRow, risk: Risk, kind: 'alert' | 'crisis', now: Date): Promise<void> {
  if (risk === 'none') throw badRequest('风险等级为“无”时不能发起预警或危机个案，请先修改风险评估', { escalate: '风险等级为“无”' });
  const student = (await tx.select().from(students).where(eq(students.id, row.studentId)))[0];
  if (!student) throw notFound();
  if (kind === 'alert') {
    if (row.alertId) return;
    scopeOf(caller, 'alert.raise');
    const r = await raiseAlert(tx, deps, {
      regionId: row.regionId, studentId: row.studentId, schoolId: student.schoolId, classId: student.classId, orgPath: student.orgPath,
      source: 'counselor', sourceRef: `session:${row.id}`, level: ALERT_LEVEL[risk], critical: risk === 'imminent',
      evidence: { description: '心理教师在咨询中评估学生存在风险，由咨询记录发起预警（咨询记录内容保密）', sessionId: row.id },
      reportedBy: caller.accountId, reporterName: caller.displayName, now,
    });
    await tx.update(counselingSessions).set({ alertId: r.alertId, updatedAt: now }).where(eq(counselingSessions.id, row.id));
    await appendAudit(tx, { ...auditActor(caller), action: 'counseling.session.escalate', objectType: 'student', objectId: row.studentId, orgPath: row.orgPath, detail: { sessionId: row.id, escalate: 'alert', alertId: r.alertId, level: ALERT_LEVEL[risk] } }, now);
  } else {
    if (row.crisisCaseId) return;
    const c = await openCrisisCase(tx, deps, caller, {
      studentId: row.studentId, source: 'session', sessionId: row.id, alertId: row.alertId, riskLevel: CASE_RISK[risk],
      summary: '心理教师在咨询中评估学生存在危机风险，由咨询记录开启个案（咨询记录内容保密，仅记录人和督导可阅）', clientId: derivedUuid(`crisis:${row.id}`),
    });
    await tx.update(counselingSessions).set({ crisisCaseId: c.id, updatedAt: now }).where(eq(counselingSessions.id, row.id));
    await appendAudit(tx, { ...auditActor(caller), action: 'counseling.session.escalate', objectType: 'student', objectId: row.studentId, orgPath: row.orgPath, detail: { sessionId: row.id, escalate: 'crisis', crisisCaseId: c.id, created: c.created } }, now);
  }
}

/** Records a session with a student of the caller's school. Idempotent by clientId. */
export async function createSession(deps: Deps, caller: Caller, body: z.infer<typeof contracts.CreateSessionBody>): Promise<z.infer<typeof contracts.CreateSessionResult>> {
  const scope = scopeOf(caller, 'session.write');
  const student = (await deps.db.select().from(students).where(and(eq(students.id, body.studentId), eq(students.regionId, caller.regionId), eq(students.status, 'active'), inScope(scope, students.orgPath))))[0];
  if (!student) throw notFound();
  const now = deps.clock();
  if (body.date > cstToday(now)) throw badRequest('咨询日期不能晚于今天', { date: '晚于今天' });
  if (body.appointmentId) {
    const a = (await deps.db.select({ id: appointments.id }).from(appointments)
      .where(and(eq(appointments.id, body.appointmentId), eq(appointments.studentId, student.id), eq(appointments.counselorAccountId, caller.accountId))))[0];
    if (!a) throw badRequest('这个预约不是这位学生与您的预约', { appointmentId: '不是这位学生与您的预约' });
  }
  const id = randomUUID();
  const notesSealed = sealerFor(deps.config).seal(JSON.stringify(body.notes), id);
  const out = await deps.db.transaction(async (tx) => {
    const inserted = await tx.insert(counselingSessions).values({
      id, regionId: caller.regionId, schoolId: student.schoolId, orgPath: student.orgPath, studentId: student.id, appointmentId: body.appointmentId ?? null,
      counselorAccountId: caller.accountId, counselorName: caller.displayName, kind: body.kind, sessionDate: body.date, durationMinutes: body.durationMinutes,
      notesSealed, clientId: body.clientId, createdAt: now, updatedAt: now,
    }).onConflictDoNothing().returning();
    if (!inserted[0]) {
      // the same request again: the record it made, nothing more
      const prior = (await tx.select().from(counselingSessions).where(eq(counselingSessions.clientId, body.clientId)))[0];
      if (!prior || prior.counselorAccountId !== caller.accountId || prior.studentId !== student.id) throw new AppError(409, 'conflict', '这条记录的编号已被使用');
      return { id: prior.id, duplicate: true };
    }
    await appendAudit(tx, { ...auditActor(caller), action: 'counseling.session.create', objectType: 'student', objectId: student.id, orgPath: student.orgPath, detail: { sessionId: id, kind: body.kind, escalate: body.escalate ?? null } }, now);
    if (body.escalate) await escalate(tx, deps, caller, inserted[0], body.notes.riskLevel, body.escalate, now);
    return { id, duplicate: false };
  });
  const meta = await metaRow(deps.db, caller, out.id);
  if (!meta) throw notFound();
  return { ...toMeta(meta, caller), duplicate: out.duplicate };
}

/** Session metadata for session.write / session.supervise holders of the school (no notes). */
export async function getSession(deps: Deps, caller: Caller, id: string): Promise<Meta> {
  const r = await metaRow(deps.db, caller, id);
  if (!r) throw notFound();
  return toMeta(r, caller);
}

export async function listSessions(deps: Deps, caller: Caller, q: z.infer<typeof contracts.SessionQuery>): Promise<{ items: Meta[]; total: number; page: number; pageSize: number }> {
  if (!hasPermission(caller, 'session.write') && !hasPermission(caller, 'session.supervise')) throw forbidden();
  const where: SQL[] = [sql`s.region_id = ${caller.regionId}`, visible(caller)];
  if (q.studentId) where.push(sql`s.student_id = ${q.studentId}`);
  if (q.mine) where.push(sql`s.counselor_account_id = ${caller.accountId}::uuid`);
  if (q.from) where.push(sql`s.session_date >= ${q.from}`);
  if (q.to) where.push(sql`s.session_date <= ${q.to}`);
  const cond = sql.join(where, sql` and `);
  const [found, total] = await Promise.all([
    rows<RawMeta>(deps.db, sql`${selectMeta(caller)} where ${cond} order by s.session_date desc, s.created_at desc limit ${q.pageSize} offset ${(q.page - 1) * q.pageSize}`),
    rows<{ n: number }>(deps.db, sql`select count(*)::int as n from counseling_sessions s where ${cond}`),
  ]);
  // who is in counseling is itself sensitive: every list is audited
  await appendAudit(deps.db, {
    ...auditActor(caller), action: 'counseling.session.list', objectType: q.studentId ? 'student' : 'counseling_session', objectId: q.studentId ?? null,
    orgPath: found[0]?.org_path ?? homePath(caller.assignments), detail: { mine: Boolean(q.mine), page: q.page, rows: found.length },
  }, deps.clock());
  return { items: found.map((r) => toMeta(r, caller)), total: total[0]?.n ?? 0, page: q.page, pageSize: q.pageSize };
}

/** The row whose notes the caller may open (author or designated supervisor), else 404. */
async function readableRow(db: Db, caller: Caller, id: string): Promise<RawMeta> {
  const r = (await rows<RawMeta>(db, sql`${selectMeta(caller)} where s.id = ${id} and s.region_id = ${caller.regionId} and ${readsNotes(caller)}`))[0];
  if (!r) throw notFound();
  return r;
}

function openNotes(deps: Deps, r: { id: string; notes_sealed: string }): Notes {
  return JSON.parse(sealerFor(deps.config).open(r.notes_sealed, r.id)) as Notes;
}

/** The notes, for their author and the school's designated supervisors only; every read is audited. */
export async function readNotes(deps: Deps, caller: Caller, id: string): Promise<z.infer<typeof contracts.SessionNotesOut>> {
  const r = await readableRow(deps.db, caller, id);
  const notes = openNotes(deps, r);
  const earlier = await rows<{ notes_sealed: string; replaced_at: Date | string; replaced_by_name: string }>(deps.db, sql`
    select notes_sealed, replaced_at, replaced_by_name from counseling_session_versions where session_id = ${id} order by replaced_at desc, id desc`);
  const earlierVersions = earlier.map((v) => ({ notes: openNotes(deps, { id, notes_sealed: v.notes_sealed }), replacedAt: new Date(v.replaced_at).toISOString(), replacedByName: v.replaced_by_name }));
  await appendAudit(deps.db, { ...auditActor(caller), action: 'counseling.session.read', objectType: 'student', objectId: r.student_id, orgPath: r.org_path, detail: { sessionId: id, as: r.counselor_account_id === caller.accountId ? 'author' : 'supervisor' } }, deps.clock());
  return { session: toMeta(r, caller), notes, earlierVersions, audited: true };
}

/** The author amends the notes (sealed again, audited); the earlier version is kept. */
export async function amendNotes(deps: Deps, caller: Caller, id: string, body: z.infer<typeof contracts.AmendSessionBody>): Promise<z.infer<typeof contracts.SessionNotesOut>> {
  const r = await readableRow(deps.db, caller, id);
  if (r.counselor_account_id !== caller.accountId) throw notFound();
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    // the notes as they were are kept, sealed as they were (an amendment never overwrites a record)
    await tx.execute(sql`insert into counseling_session_versions (session_id, notes_sealed, replaced_at, replaced_by_name)
      select id, notes_sealed, ${now}, ${caller.displayName} from counseling_sessions where id = ${id}`);
    await tx.update(counselingSessions).set({ notesSealed: sealerFor(deps.config).seal(JSON.stringify(body.notes), id), updatedAt: now }).where(eq(counselingSessions.id, id));
    await appendAudit(tx, { ...auditActor(caller), action: 'counseling.session.amend', objectType: 'student', objectId: r.student_id, orgPath: r.org_path, detail: { sessionId: id } }, now);
  });
  return readNotes(deps, caller, id);
}

/** A follow-up on an existing record: raise an alert or open a crisis case from its risk assessment. */
export async function escalateSession(deps: Deps, caller: Caller, id: string, kind: 'alert' | 'crisis'): Promise<Meta> {
  const r = await readableRow(deps.db, caller, id);
  const risk = openNotes(deps, r).riskLevel;
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    const row = (await tx.select().from(counselingSessions).where(eq(counselingSessions.id, id)).for('update'))[0]!;
    await escalate(tx, deps, caller, row, risk, kind, now);
  });
  return getSession(deps, caller, id);
}

// --- supervisors -------------------------------------------------------------------------------------

type SchoolRow = typeof orgUnits.$inferSelect;

/** The school asked for (or the caller's first), reached with session.write or session.supervise; else 404. */
async function schoolFor(db: Db, caller: Caller, schoolId: number | undefined): Promise<SchoolRow> {
  let id = schoolId;
  if (!id) {
    const mine = caller.assignments.filter((a) => a.orgUnitId && (a.role === 'counselor' || a.role === 'school_leader')).map((a) => a.orgUnitId!);
    if (!mine.length) throw notFound();
    const first = (await db.select({ id: orgUnits.id }).from(orgUnits).where(and(sql`${orgUnits.id} = any(${sql.param(mine)}::int[])`, eq(orgUnits.kind, 'school'))).orderBy(orgUnits.id).limit(1))[0];
    if (!first) throw notFound();
    id = first.id;
  }
  const s = (await db.select().from(orgUnits).where(and(eq(orgUnits.id, id), eq(orgUnits.regionId, caller.regionId), eq(orgUnits.kind, 'school'),
    sql`(${pathsOf(caller, 'session.write', sql`${orgUnits.path}`)} or ${pathsOf(caller, 'session.supervise', sql`${orgUnits.path}`)})`)))[0];
  if (!s) throw notFound();
  return s;
}

/** A school leader of this school (or above it) designates supervisors. */
const leads = (caller: Caller, school: SchoolRow) => caller.assignments.some((a) => a.role === 'school_leader' && a.orgPath != null && school.path.startsWith(a.orgPath));

async function candidates(db: Db, school: SchoolRow) {
  return rows<{ account_id: string; name: string; roles: string[]; designated: boolean }>(db, sql`
    select a.id as account_id, a.display_name as name, array_agg(distinct ra.role::text order by ra.role::text) as roles,
      exists (select 1 from counseling_supervisors cs where cs.school_id = ${school.id} and cs.account_id = a.id) as designated
    from accounts a join role_assignments ra on ra.account_id = a.id and ra.role in ('counselor', 'school_leader') and ra.org_unit_id = ${school.id}
    where not a.disabled group by a.id, a.display_name order by a.display_name`);
}

export async function listSupervisors(deps: Deps, caller: Caller, schoolId?: number): Promise<z.infer<typeof contracts.SupervisorList>> {
  const school = await schoolFor(deps.db, caller, schoolId);
  const canManage = leads(caller, school);
  const items = await deps.db.select().from(counselingSupervisors).where(eq(counselingSupervisors.schoolId, school.id)).orderBy(counselingSupervisors.createdAt);
  return {
    school: { id: school.id, name: school.name },
    canManage,
    items: items.map((s) => ({ id: s.id, schoolId: s.schoolId, accountId: s.accountId, name: s.accountName, designatedByName: s.designatedByName, createdAt: s.createdAt.toISOString() })),
    candidates: canManage ? (await candidates(deps.db, school)).map((c) => ({ accountId: c.account_id, name: c.name, roles: c.roles, designated: Boolean(c.designated) })) : [],
  };
}

export async function designateSupervisor(deps: Deps, caller: Caller, body: z.infer<typeof contracts.DesignateSupervisorBody>) {
  const school = await schoolFor(deps.db, caller, body.schoolId);
  if (!leads(caller, school)) throw forbidden();
  const person = (await candidates(deps.db, school)).find((c) => c.account_id === body.accountId);
  if (!person) throw badRequest('督导须是本校的心理教师或学校领导', { accountId: '不是本校的心理教师或学校领导' });
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    const inserted = await tx.insert(counselingSupervisors).values({ regionId: caller.regionId, schoolId: school.id, accountId: person.account_id, accountName: person.name, designatedByName: caller.displayName, createdAt: now })
      .onConflictDoNothing().returning({ id: counselingSupervisors.id });
    if (inserted[0]) await appendAudit(tx, { ...auditActor(caller), action: 'counseling.supervisor.designate', objectType: 'account', objectId: person.account_id, orgPath: school.path, detail: { schoolId: school.id, name: person.name } }, now);
  });
  return listSupervisors(deps, caller, school.id);
}

export async function removeSupervisor(deps: Deps, caller: Caller, id: string) {
  const row = (await deps.db.select().from(counselingSupervisors).where(and(eq(counselingSupervisors.id, id), eq(counselingSupervisors.regionId, caller.regionId))))[0];
  if (!row) throw notFound();
  const school = await schoolFor(deps.db, caller, row.schoolId);
  if (!leads(caller, school)) throw forbidden();
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    await tx.delete(counselingSupervisors).where(eq(counselingSupervisors.id, id));
    await appendAudit(tx, { ...auditActor(caller), action: 'counseling.supervisor.remove', objectType: 'account', objectId: row.accountId, orgPath: school.path, detail: { schoolId: school.id, name: row.accountName } }, now);
  });
  return listSupervisors(deps, caller, school.id);
}
