import type { contracts } from '@xinyu/core';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Caller, Deps } from '../../http/context.js';
import { notFound } from '../../http/errors.js';
import { inScope, scopeOf } from '../access/service.js';
import { appendAudit } from '../audit/service.js';
import { auditActor } from '../org/service.js';
import { orgUnits, students } from '../org/tables.js';
import { alertEvents, alerts } from './tables.js';

type AlertOut = z.infer<typeof contracts.Alert>;

const SELECT = { a: alerts, name: students.name, className: orgUnits.name, orgPath: students.orgPath };

function toAlert(r: { a: typeof alerts.$inferSelect; name: string; className: string | null }): AlertOut {
  return {
    id: r.a.id,
    studentId: r.a.studentId,
    name: r.name,
    className: r.className ?? '',
    source: r.a.source,
    level: r.a.level,
    status: r.a.status,
    critical: r.a.critical > 0,
    evidence: r.a.evidence as Record<string, unknown>,
    createdAt: r.a.createdAt.toISOString(),
  };
}

/** Warning records of students in the caller's scope (by the student's current record), red first. Audited. */
export async function listAlerts(deps: Deps, caller: Caller, q: z.infer<typeof contracts.AlertQuery>) {
  const scope = scopeOf(caller, 'alert.read');
  const where = and(eq(alerts.regionId, caller.regionId), inScope(scope, students.orgPath), q.level ? eq(alerts.level, q.level) : undefined, q.status ? sql`${alerts.status} = ${q.status}` : undefined);
  const base = () => deps.db.select(SELECT).from(alerts).innerJoin(students, eq(students.id, alerts.studentId)).leftJoin(orgUnits, eq(orgUnits.id, students.classId));
  const [list, total] = await Promise.all([
    base()
      .where(where)
      .orderBy(sql`case ${alerts.level} when 'red' then 0 when 'orange' then 1 else 2 end`, desc(alerts.createdAt), alerts.id)
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize),
    deps.db.select({ n: sql<number>`count(*)::int` }).from(alerts).innerJoin(students, eq(students.id, alerts.studentId)).where(where),
  ]);
  await appendAudit(deps.db, { ...auditActor(caller), action: 'alert.list.read', objectType: 'alert', orgPath: scope.orgPaths[0] ?? null, detail: { rows: list.length, studentIds: list.map((r) => r.a.studentId) } }, deps.clock());
  return { items: list.map(toAlert), total: total[0]!.n, page: q.page, pageSize: q.pageSize };
}

/** One warning record with its history. Audited. */
export async function getAlert(deps: Deps, caller: Caller, id: string) {
  const found = await deps.db
    .select(SELECT)
    .from(alerts)
    .innerJoin(students, eq(students.id, alerts.studentId))
    .leftJoin(orgUnits, eq(orgUnits.id, students.classId))
    .where(and(eq(alerts.id, id), eq(alerts.regionId, caller.regionId), inScope(scopeOf(caller, 'alert.read'), students.orgPath)));
  const r = found[0];
  if (!r) throw notFound();
  const events = await deps.db.select().from(alertEvents).where(eq(alertEvents.alertId, id)).orderBy(alertEvents.at, alertEvents.id);
  await appendAudit(deps.db, { ...auditActor(caller), action: 'alert.read', objectType: 'student', objectId: r.a.studentId, orgPath: r.orgPath, detail: { alertId: id } }, deps.clock());
  return { ...toAlert(r), events: events.map((e) => ({ kind: e.kind, at: e.at.toISOString(), detail: (e.detail ?? {}) as Record<string, unknown> })) };
}
