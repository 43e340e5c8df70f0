/**
 * Case conferences: expert consultation (专家会诊) about a case, and cross-school conferences
 * (跨校会商) about a case or standing alone for a school. Participants, minutes and decisions; read
 * by whoever may read the case (or, standing alone, the school's crisis staff).
 */
import { randomUUID } from 'node:crypto';
import type { contracts } from '@xinyu/core';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { conflict, notFound } from '../../http/errors.js';
import { homePath, inScope, scopeOf } from '../access/service.js';
import { openOrPlain, sealerFor, type Sealer } from '../../lib/sealed.js';
import { appendAudit } from '../audit/service.js';
import { auditActor } from '../org/service.js';
import { orgUnits } from '../org/tables.js';
import { caseEvent, manageableCase } from './cases.js';
import { caseConferences, crisisCases } from './tables.js';

type Out = z.infer<typeof contracts.Conference>;
type Participant = Out['participants'][number];

const select = { k: caseConferences, studentName: sql<string | null>`(select s.name from students s join crisis_cases c on c.student_id = s.id where c.id = ${caseConferences.caseId})` };

/** The minutes and the decisions are sealed at rest, each bound to its conference and field. */
export const conferenceAad = (conferenceId: string, field: 'minutes' | 'decisions') => `case_conferences.${field}:${conferenceId}`;

const toOut = (sealer: Sealer, r: { k: typeof caseConferences.$inferSelect; studentName: string | null }): Out => ({
  id: r.k.id,
  caseId: r.k.caseId,
  schoolId: r.k.schoolId,
  kind: r.k.kind,
  heldAt: r.k.heldAt.toISOString(),
  participants: r.k.participants as Participant[],
  minutes: openOrPlain(sealer, r.k.minutes, conferenceAad(r.k.id, 'minutes')),
  decisions: openOrPlain(sealer, r.k.decisions, conferenceAad(r.k.id, 'decisions')),
  recordedByName: r.k.recordedByName,
  studentName: r.studentName,
});

/** The conferences of a case (the caller has already been allowed to read it). */
export async function conferencesOfCase(db: Db, sealer: Sealer, caseId: string): Promise<Out[]> {
  return (await db.select(select).from(caseConferences).where(eq(caseConferences.caseId, caseId)).orderBy(desc(caseConferences.heldAt))).map((r) => toOut(sealer, r));
}

/** The conferences readable by the caller: a case's (its student in scope) or a school's standing alone. */
function readable(caller: Caller) {
  const scope = scopeOf(caller, 'crisis.read');
  return sql`(case when ${caseConferences.caseId} is null then ${inScope(scope, caseConferences.orgPath)}
    else exists (select 1 from crisis_cases c join students s on s.id = c.student_id where c.id = ${caseConferences.caseId} and ${inScope(scope, sql`s.org_path`)}) end)`;
}

export async function listConferences(deps: Deps, caller: Caller, q: z.infer<typeof contracts.ConferenceQuery>): Promise<Out[]> {
  const conds = [eq(caseConferences.regionId, caller.regionId), readable(caller)];
  if (q.caseId) conds.push(eq(caseConferences.caseId, q.caseId));
  const found = (await deps.db.select(select).from(caseConferences).where(and(...conds)).orderBy(desc(caseConferences.heldAt)).limit(200)).map((r) => toOut(sealerFor(deps.config), r));
  await appendAudit(deps.db, { ...auditActor(caller), action: 'crisis.conference.list', objectType: 'case_conference', orgPath: homePath(caller.assignments), detail: { caseId: q.caseId ?? null, rows: found.length } }, deps.clock());
  return found;
}

export async function getConference(deps: Deps, caller: Caller, id: string): Promise<Out> {
  const found = (await deps.db.select(select).from(caseConferences).where(and(eq(caseConferences.id, id), eq(caseConferences.regionId, caller.regionId), readable(caller))))[0];
  if (!found) throw notFound();
  await appendAudit(deps.db, { ...auditActor(caller), action: 'crisis.conference.read', objectType: 'case_conference', objectId: id, orgPath: found.k.orgPath }, deps.clock());
  return toOut(sealerFor(deps.config), found);
}

/** Records a conference: on an open case the caller manages, or (cross-school) for a school in the caller's crisis.manage scope. Idempotent by clientId. */
export async function recordConference(deps: Deps, caller: Caller, body: z.infer<typeof contracts.ConferenceBody>): Promise<Out> {
  const now = deps.clock();
  const id = await deps.db.transaction(async (tx) => {
    const same = (await tx.select({ id: caseConferences.id, recordedBy: caseConferences.recordedBy }).from(caseConferences).where(eq(caseConferences.clientId, body.clientId)))[0];
    if (same) {
      if (same.recordedBy !== caller.accountId) throw conflict('该请求编号已被使用，请刷新后重试');
      return same.id;
    }
    let where: { schoolId: number; orgPath: string; caseId: string | null; studentId: string | null };
    if (body.caseId) {
      const f = await manageableCase(tx, caller, body.caseId);
      where = { schoolId: f.c.schoolId, orgPath: f.orgPath, caseId: f.c.id, studentId: f.c.studentId };
    } else {
      const scope = scopeOf(caller, 'crisis.manage');
      const school = (await tx.select({ id: orgUnits.id, path: orgUnits.path }).from(orgUnits)
        .where(and(eq(orgUnits.id, body.schoolId!), eq(orgUnits.regionId, caller.regionId), eq(orgUnits.kind, 'school'), inScope(scope, orgUnits.path))))[0];
      if (!school) throw notFound();
      where = { schoolId: school.id, orgPath: school.path, caseId: null, studentId: null };
    }
    const newId = randomUUID();
    const sealer = sealerFor(deps.config);
    const inserted = await tx.insert(caseConferences).values({
      id: newId, regionId: caller.regionId, schoolId: where.schoolId, orgPath: where.orgPath, caseId: where.caseId, kind: body.kind, heldAt: new Date(body.heldAt),
      participants: body.participants, minutes: sealer.seal(body.minutes, conferenceAad(newId, 'minutes')), decisions: sealer.seal(body.decisions, conferenceAad(newId, 'decisions')), recordedBy: caller.accountId, recordedByName: caller.displayName, clientId: body.clientId, createdAt: now,
    }).onConflictDoNothing().returning({ id: caseConferences.id });
    if (!inserted[0]) throw conflict('这条会议记录刚刚已保存，请刷新');
    if (where.caseId) {
      await caseEvent(tx, where.caseId, 'conference', caller.displayName, { kind: body.kind, conferenceId: inserted[0].id, participants: body.participants.length }, now);
      await tx.update(crisisCases).set({ updatedAt: now }).where(eq(crisisCases.id, where.caseId));
    }
    await appendAudit(tx, { ...auditActor(caller), action: 'crisis.conference.record', objectType: 'case_conference', objectId: inserted[0].id, orgPath: where.orgPath, detail: { kind: body.kind, caseId: where.caseId, studentId: where.studentId } }, now);
    return inserted[0].id;
  });
  return getConference(deps, caller, id);
}

