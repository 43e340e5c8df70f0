/**
 * Hotline calls (心理热线), logged by the counselor who took them. The summary is sealed like session
 * notes (bound to the row id) and opened only for its author and the school's designated supervisors,
 * each read audited; the metadata (when, who called, how long, risk) is listed to the school's
 * session.write / session.supervise holders.
 */
import { randomUUID } from 'node:crypto';
import type { contracts } from '@xinyu/core';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import { rows, type Db } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { AppError, badRequest, forbidden, notFound } from '../../http/errors.js';
import { sealerFor } from '../../lib/sealed.js';
import { hasPermission, homePath, inScope, scopeOf } from '../access/service.js';
import { appendAudit } from '../audit/service.js';
import { auditActor } from '../org/service.js';
import { orgUnits, students } from '../org/tables.js';
import { pathsOf, supervises, visible } from './sessions.js';
import { hotlineCalls } from './tables.js';

type Call = z.infer<typeof contracts.HotlineCall>;

interface RawCall {
  id: string; caller_kind: Call['callerKind']; student_id: string | null; student_name: string | null; started_at: Date | string; duration_minutes: number; risk: Call['risk'];
  counselor_account_id: string; counselor_name: string; can_read: boolean; created_at: Date | string; org_path: string; summary_sealed: string;
}

const readsSummary = (caller: Caller) =>
  sql`((s.counselor_account_id = ${caller.accountId}::uuid and ${pathsOf(caller, 'hotline.log', sql`s.org_path`)}) or ${supervises(caller)})`;
const SELECT = (caller: Caller) => sql`select s.*, st.name as student_name, ${readsSummary(caller)} as can_read from hotline_calls s left join students st on st.id = s.student_id`;

const toCall = (r: RawCall, caller: Caller): Call => ({
  id: r.id, callerKind: r.caller_kind, studentId: r.student_id, studentName: r.student_name, startedAt: new Date(r.started_at).toISOString(), durationMinutes: Number(r.duration_minutes), risk: r.risk,
  counselorAccountId: r.counselor_account_id, counselorName: r.counselor_name, canReadSummary: Boolean(r.can_read), mine: r.counselor_account_id === caller.accountId, createdAt: new Date(r.created_at).toISOString(),
});

async function one(db: Db, caller: Caller, id: string, cond: SQL): Promise<RawCall | undefined> {
  return (await rows<RawCall>(db, sql`${SELECT(caller)} where s.id = ${id} and s.region_id = ${caller.regionId} and ${cond}`))[0];
}

/** Logs a call the caller took, at their school (or the student's, when the caller was a student of it). Idempotent by clientId. */
export async function logCall(deps: Deps, caller: Caller, body: z.infer<typeof contracts.HotlineCallBody>): Promise<Call & { duplicate: boolean }> {
  const scope = scopeOf(caller, 'hotline.log');
  const now = deps.clock();
  if (Date.parse(body.startedAt) > now.getTime() + 5 * 60_000) throw badRequest('通话开始时间不能晚于现在', { startedAt: '晚于现在' });
  let where: { regionId: number; schoolId: number; orgPath: string; studentId: string | null };
  if (body.studentId) {
    const s = (await deps.db.select().from(students).where(and(eq(students.id, body.studentId), eq(students.regionId, caller.regionId), inScope(scope, students.orgPath))))[0];
    if (!s) throw notFound();
    where = { regionId: caller.regionId, schoolId: s.schoolId, orgPath: s.orgPath, studentId: s.id };
  } else {
    const units = caller.assignments.filter((a) => a.role === 'counselor' && a.orgUnitId).map((a) => a.orgUnitId!);
    const school = units.length ? (await deps.db.select().from(orgUnits).where(and(sql`${orgUnits.id} = any(${sql.param(units)}::int[])`, eq(orgUnits.kind, 'school'))).orderBy(orgUnits.id).limit(1))[0] : undefined;
    if (!school) throw badRequest('您不在任何学校担任心理教师，无法记录热线', { studentId: '请选择学生' });
    where = { regionId: caller.regionId, schoolId: school.id, orgPath: school.path, studentId: null };
  }
  const id = randomUUID();
  const out = await deps.db.transaction(async (tx) => {
    const inserted = await tx.insert(hotlineCalls).values({
      id, ...where, counselorAccountId: caller.accountId, counselorName: caller.displayName, callerKind: body.callerKind, startedAt: new Date(body.startedAt),
      durationMinutes: body.durationMinutes, risk: body.risk, summarySealed: sealerFor(deps.config).seal(body.summary, id), clientId: body.clientId, createdAt: now,
    }).onConflictDoNothing().returning({ id: hotlineCalls.id });
    if (!inserted[0]) {
      const prior = (await tx.select().from(hotlineCalls).where(eq(hotlineCalls.clientId, body.clientId)))[0];
      if (!prior || prior.counselorAccountId !== caller.accountId) throw new AppError(409, 'conflict', '这条记录的编号已被使用');
      return { id: prior.id, duplicate: true };
    }
    await appendAudit(tx, { ...auditActor(caller), action: 'hotline.log', objectType: where.studentId ? 'student' : 'hotline_call', objectId: where.studentId ?? id, orgPath: where.orgPath, detail: { callId: id, callerKind: body.callerKind, risk: body.risk } }, now);
    return { id, duplicate: false };
  });
  const r = await one(deps.db, caller, out.id, sql`true`);
  return { ...toCall(r!, caller), duplicate: out.duplicate };
}

export async function listCalls(deps: Deps, caller: Caller, q: z.infer<typeof contracts.HotlineQuery>) {
  if (!hasPermission(caller, 'session.write') && !hasPermission(caller, 'session.supervise')) throw forbidden();
  const where: SQL[] = [sql`s.region_id = ${caller.regionId}`, visible(caller)];
  if (q.mine) where.push(sql`s.counselor_account_id = ${caller.accountId}::uuid`);
  const cond = sql.join(where, sql` and `);
  const [found, total] = await Promise.all([
    rows<RawCall>(deps.db, sql`${SELECT(caller)} where ${cond} order by s.started_at desc limit ${q.pageSize} offset ${(q.page - 1) * q.pageSize}`),
    rows<{ n: number }>(deps.db, sql`select count(*)::int as n from hotline_calls s where ${cond}`),
  ]);
  await appendAudit(deps.db, { ...auditActor(caller), action: 'hotline.list', objectType: 'hotline_call', orgPath: homePath(caller.assignments), detail: { mine: Boolean(q.mine), page: q.page, rows: found.length } }, deps.clock());
  return { items: found.map((r) => toCall(r, caller)), total: total[0]?.n ?? 0, page: q.page, pageSize: q.pageSize };
}

/** The summary, for the author and the school's designated supervisors only (404 for everyone else); audited. */
export async function readSummary(deps: Deps, caller: Caller, id: string): Promise<z.infer<typeof contracts.HotlineSummaryOut>> {
  const r = await one(deps.db, caller, id, readsSummary(caller));
  if (!r) throw notFound();
  const summary = sealerFor(deps.config).open(r.summary_sealed, r.id);
  await appendAudit(deps.db, { ...auditActor(caller), action: 'hotline.read', objectType: r.student_id ? 'student' : 'hotline_call', objectId: r.student_id ?? r.id, orgPath: r.org_path, detail: { callId: r.id, as: r.counselor_account_id === caller.accountId ? 'author' : 'supervisor' } }, deps.clock());
  return { call: toCall(r, caller), summary, audited: true };
}
