/**
 * 家长课堂 / 心理健康家长会: a school (leader, counselor) holds a session for the whole school or a
 * grade, a head teacher for their class; attendance per student's family on the class sheet (bulk,
 * idempotent), or by the parent's check-in with the session's code (parent.ts).
 *
 * Visible to staff when the session's unit is inside their scope or above it (a head teacher sees the
 * school-wide session to record their class); counts cover only the caller's students.
 */
import { makeCheckInCode, scopeFor, type contracts } from '@xinyu/core';
import { randomInt } from 'node:crypto';
import { eq, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import { rows, type Db } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { badRequest, notFound } from '../../http/errors.js';
import { inScope, scopeOf } from '../access/service.js';
import { appendAudit } from '../audit/service.js';
import { auditActor } from '../org/service.js';
import { related } from './courses.js';
import { homeschoolAttendance, homeschoolSessions } from './tables.js';

type SessionOut = z.infer<typeof contracts.HsSession>;

interface SessionRow {
  id: string;
  school_id: number;
  school_name: string;
  target: 'school' | 'grade' | 'class';
  target_unit_id: number;
  target_name: string;
  org_path: string;
  date: string;
  topic: string;
  speaker: string;
  mental_health: boolean;
  code: string;
  created_by_name: string;
  students: number;
  attended: number;
  can_manage: boolean;
}

function sessionSelect(caller: Caller, where: SQL, extra: SQL = sql``): SQL {
  const read = scopeOf(caller, 'homeschool.read');
  const manage = scopeFor(caller.assignments, 'homeschool.manage');
  return sql`
    select s.id, s.school_id, sch.name as school_name, s.target, s.target_unit_id, tu.name as target_name, s.org_path, s.date::text as date, s.topic, s.speaker,
      s.mental_health, s.code, s.created_by_name,
      (select count(*)::int from students st where st.status = 'active' and st.org_path like s.org_path || '%' and ${inScope(read, sql`st.org_path`)}) as students,
      (select count(*)::int from homeschool_attendance a join students st on st.id = a.student_id
        where a.session_id = s.id and a.attended and ${inScope(read, sql`st.org_path`)}) as attended,
      ${related(manage, sql`s.org_path`)} as can_manage
    from homeschool_sessions s join org_units sch on sch.id = s.school_id join org_units tu on tu.id = s.target_unit_id
    where s.region_id = ${caller.regionId} and ${related(read, sql`s.org_path`)} and ${where}
    ${extra}`;
}

function toSession(r: SessionRow): SessionOut {
  return {
    id: r.id,
    schoolId: r.school_id,
    schoolName: r.school_name,
    target: r.target,
    targetUnitId: r.target_unit_id,
    targetName: r.target_name,
    date: String(r.date).slice(0, 10),
    topic: r.topic,
    speaker: r.speaker,
    mentalHealth: r.mental_health,
    code: r.can_manage ? r.code : null,
    createdByName: r.created_by_name,
    students: Number(r.students),
    attended: Number(r.attended),
    canManage: r.can_manage,
  };
}

export async function listSessions(deps: Deps, caller: Caller, q: z.infer<typeof contracts.HsSessionListQuery>): Promise<z.infer<typeof contracts.HsSessionList>> {
  if (q.from && q.to && q.to < q.from) throw badRequest('结束日期不能早于开始日期', { to: '结束日期不能早于开始日期' });
  const where = sql`true ${q.schoolId ? sql`and s.school_id = ${q.schoolId}` : sql``} ${q.from ? sql`and s.date >= ${q.from}` : sql``} ${q.to ? sql`and s.date <= ${q.to}` : sql``}`;
  const [list, total] = await Promise.all([
    rows<SessionRow>(deps.db, sessionSelect(caller, where, sql`order by s.date desc, s.created_at desc, s.id limit ${q.pageSize} offset ${(q.page - 1) * q.pageSize}`)),
    rows<{ n: number }>(deps.db, sql`select count(*)::int as n from homeschool_sessions s where s.region_id = ${caller.regionId} and ${related(scopeOf(caller, 'homeschool.read'), sql`s.org_path`)} and ${where}`),
  ]);
  return { items: list.map(toSession), total: total[0]?.n ?? 0, page: q.page, pageSize: q.pageSize };
}

async function sessionById(deps: Deps, caller: Caller, id: string): Promise<SessionRow> {
  const found = await rows<SessionRow>(deps.db, sessionSelect(caller, sql`s.id = ${id}`));
  if (!found[0]) throw notFound();
  return found[0];
}

export async function getSession(deps: Deps, caller: Caller, id: string): Promise<SessionOut> {
  return toSession(await sessionById(deps, caller, id));
}

/** A school, grade or class the caller may hold a session for, with its school; or 404. */
async function targetInScope(db: Db, caller: Caller, unitId: number) {
  const manage = scopeOf(caller, 'homeschool.manage');
  const found = await rows<{ id: number; kind: 'school' | 'grade' | 'class'; path: string; school_id: number }>(db, sql`
    select u.id, u.kind, u.path, case u.kind when 'school' then u.id when 'grade' then u.parent_id else g.parent_id end as school_id
    from org_units u left join org_units g on g.id = u.parent_id
    where u.id = ${unitId} and u.region_id = ${caller.regionId} and u.kind in ('school', 'grade', 'class') and u.active and ${inScope(manage, sql`u.path`)}`);
  if (!found[0]) throw notFound();
  return found[0];
}

export async function createSession(deps: Deps, caller: Caller, body: z.infer<typeof contracts.CreateHsSessionBody>): Promise<SessionOut> {
  const unit = await targetInScope(deps.db, caller, body.targetUnitId);
  const now = deps.clock();
  const byClient = async () => (await deps.db.select({ id: homeschoolSessions.id, regionId: homeschoolSessions.regionId }).from(homeschoolSessions).where(eq(homeschoolSessions.clientId, body.clientId)))[0];
  const existing = await byClient();
  if (existing) {
    if (existing.regionId !== caller.regionId) throw notFound();
    return getSession(deps, caller, existing.id);
  }
  // a fresh code on the rare clash with another session's code (the insert does nothing then)
  for (let attempt = 0; attempt < 8; attempt++) {
    const code = makeCheckInCode(() => randomInt(0, 1_000_000) / 1_000_000);
    const id = await deps.db.transaction(async (tx) => {
      const inserted = await tx.insert(homeschoolSessions).values({
        regionId: caller.regionId, schoolId: unit.school_id, target: unit.kind, targetUnitId: unit.id, orgPath: unit.path, date: body.date, topic: body.topic,
        speaker: body.speaker, mentalHealth: body.mentalHealth, code, clientId: body.clientId, createdBy: caller.accountId, createdByName: caller.displayName, createdAt: now, updatedAt: now,
      }).onConflictDoNothing().returning({ id: homeschoolSessions.id });
      if (!inserted[0]) return null;
      await appendAudit(tx, { ...auditActor(caller), action: 'homeschool.session.create', objectType: 'homeschool_session', objectId: inserted[0].id, orgPath: unit.path, detail: { date: body.date, topic: body.topic, target: unit.kind } }, now);
      return inserted[0].id;
    });
    if (id) return getSession(deps, caller, id);
    const raced = await byClient();
    if (raced) return getSession(deps, caller, raced.id);
  }
  throw badRequest('生成签到码失败，请重试');
}

/** A class under the session, inside the caller's scope for `permission`; or 404. */
async function classOf(db: Db, caller: Caller, s: SessionRow, classId: number, permission: 'homeschool.read' | 'homeschool.manage') {
  const scope = scopeOf(caller, permission);
  const found = await rows<{ id: number; name: string; path: string }>(db, sql`
    select id, name, path from org_units where id = ${classId} and region_id = ${caller.regionId} and kind = 'class' and path like ${s.org_path} || '%' and ${inScope(scope, sql`path`)}`);
  if (!found[0]) throw notFound();
  return found[0];
}

export async function getSheet(deps: Deps, caller: Caller, id: string, q: z.infer<typeof contracts.HsSheetQuery>): Promise<z.infer<typeof contracts.HsSheet>> {
  const s = await sessionById(deps, caller, id);
  const read = scopeOf(caller, 'homeschool.read');
  const manage = scopeFor(caller.assignments, 'homeschool.manage');
  const classes = await rows<{ id: number; name: string }>(deps.db, sql`select c.id, g.name || c.name as name from org_units c join org_units g on g.id = c.parent_id
      where c.region_id = ${caller.regionId} and c.kind = 'class' and c.active and c.path like ${s.org_path} || '%' and ${inScope(read, sql`c.path`)} order by g.grade_level, c.class_no limit 300`);
  const classId = q.classId ?? classes[0]?.id;
  if (!classId) throw notFound();
  const cls = await classOf(deps.db, caller, s, classId, 'homeschool.read');
  const [list, may] = await Promise.all([
    rows<{ id: string; student_no: string; name: string; attended: boolean | null; source: 'sheet' | 'checkin' | null }>(deps.db, sql`
      select st.id, st.student_no, st.name, a.attended, a.source from students st left join homeschool_attendance a on a.session_id = ${s.id} and a.student_id = st.id
      where st.class_id = ${cls.id} and st.status = 'active' order by st.student_no limit 200`),
    rows<{ ok: boolean }>(deps.db, sql`select ${inScope(manage, sql`${cls.path}::text`)} as ok`),
  ]);
  return {
    session: toSession(s),
    classId: cls.id,
    className: classes.find((c) => c.id === cls.id)?.name ?? cls.name,
    classes,
    rows: list.map((r) => ({ studentId: r.id, studentNo: r.student_no, name: r.name, attended: r.attended === true, source: r.attended ? r.source : null })),
    canRecord: may[0]?.ok === true,
  };
}

/** The class sheet saved as a whole: ticked families attended, the others did not. Saving the same sheet twice changes nothing. */
export async function saveSheet(deps: Deps, caller: Caller, id: string, body: z.infer<typeof contracts.HsSheetBody>) {
  const s = await sessionById(deps, caller, id);
  const cls = await classOf(deps.db, caller, s, body.classId, 'homeschool.manage');
  const list = await rows<{ id: string }>(deps.db, sql`select id from students where class_id = ${cls.id} and status = 'active'`);
  const ids = new Set(list.map((r) => r.id));
  const ticked = new Set(body.attended);
  const strangers = body.attended.map((sid, i) => [sid, i] as const).filter(([sid]) => !ids.has(sid));
  if (strangers.length) throw badRequest('名单中有不属于该班的学生', Object.fromEntries(strangers.map(([, i]) => [`attended.${i}`, '该学生不在本班名单中'])));
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    const changed = list.length
      ? await tx.insert(homeschoolAttendance).values(list.map((r) => ({ sessionId: s.id, studentId: r.id, attended: ticked.has(r.id), source: 'sheet' as const, recordedBy: caller.accountId, recordedAt: now })))
        .onConflictDoUpdate({
          target: [homeschoolAttendance.sessionId, homeschoolAttendance.studentId],
          set: { attended: sql`excluded.attended`, source: sql`excluded.source`, recordedBy: sql`excluded.recorded_by`, recordedAt: sql`excluded.recorded_at` },
          setWhere: sql`${homeschoolAttendance.attended} <> excluded.attended`,
        }).returning({ id: homeschoolAttendance.studentId })
      : [];
    await appendAudit(tx, { ...auditActor(caller), action: 'homeschool.attendance.sheet', objectType: 'homeschool_session', objectId: s.id, orgPath: cls.path, detail: { classId: cls.id, attended: ticked.size, students: list.length, changed: changed.length } }, now);
  });
  return getSheet(deps, caller, id, { classId: cls.id });
}
