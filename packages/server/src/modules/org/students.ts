import { scopeIncludes, scopeFor, type contracts, type Scope } from '@xinyu/core';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import { rows, type Db } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { badRequest, conflict, notFound } from '../../http/errors.js';
import { inScope, scopeOf } from '../access/service.js';
import { sealerFor } from '../../lib/sealed.js';
import { openNullable, sealNullable } from '../../lib/sealed-fields.js';
import { appendAudit } from '../audit/service.js';
import { accounts, sessions } from '../auth/tables.js';
import { auditActor, unitInScope } from './service.js';
import {
  circumstanceCategories,
  dormitories,
  guardians,
  studentCircumstances,
  studentGuardians,
  studentHistory,
  students,
} from './tables.js';

type StudentSummary = z.infer<typeof contracts.StudentSummary>;
type StudentDetail = z.infer<typeof contracts.StudentDetail>;
type ListQuery = z.infer<typeof contracts.StudentListQuery>;

interface SummaryRow {
  id: string;
  student_no: string;
  name: string;
  gender: 'male' | 'female';
  birth_date: string;
  school_id: number;
  school_name: string;
  grade_id: number | null;
  grade_name: string | null;
  class_id: number | null;
  class_name: string | null;
  enrolment_year: number;
  boarding: boolean;
  dormitory_id: number | null;
  dormitory: string | null;
  status: StudentSummary['status'];
  org_path: string;
}

const SELECT = sql`select s.id, s.student_no, s.name, s.gender, s.birth_date, s.school_id, sch.name as school_name,
    g.id as grade_id, g.name as grade_name, c.id as class_id, c.name as class_name, s.enrolment_year, s.boarding,
    s.dormitory_id, d.name as dormitory, s.status, s.org_path
  from students s
  join org_units sch on sch.id = s.school_id
  left join org_units c on c.id = s.class_id
  left join org_units g on g.id = c.parent_id
  left join dormitories d on d.id = s.dormitory_id`;

function toSummary(r: SummaryRow): StudentSummary {
  return {
    id: r.id,
    studentNo: r.student_no,
    name: r.name,
    gender: r.gender,
    birthDate: r.birth_date,
    schoolId: r.school_id,
    schoolName: r.school_name,
    gradeId: r.grade_id,
    gradeName: r.grade_name,
    classId: r.class_id,
    className: r.class_name,
    enrolmentYear: r.enrolment_year,
    boarding: r.boarding,
    dormitoryId: r.dormitory_id,
    dormitory: r.dormitory,
    status: r.status,
  };
}

/** Filters shared by the list and the export. */
export async function studentFilter(db: Db, caller: Caller, q: Omit<ListQuery, 'page' | 'pageSize'>, permission: 'student.read' | 'roster.export' = 'student.read'): Promise<SQL> {
  const scope = scopeOf(caller, permission);
  const conds: SQL[] = [inScope(scope, sql`s.org_path`, sql`s.id`)];
  if (q.orgUnitId) {
    const unit = await unitInScope(db, caller, q.orgUnitId, 'org.read').catch(() => null);
    conds.push(unit ? sql`s.org_path like ${`${unit.path}%`}` : sql`false`);
  }
  if (q.q) {
    const term = q.q.replace(/[%_\\]/g, (c) => `\\${c}`);
    conds.push(sql`(s.name like ${`%${term}%`} or s.student_no like ${`${term.toUpperCase()}%`})`);
  }
  if (q.gender) conds.push(sql`s.gender = ${q.gender}`);
  if (q.boarding) conds.push(sql`s.boarding = ${q.boarding === 'true'}`);
  conds.push(sql`s.status = ${q.status ?? 'active'}`);
  return sql.join(conds, sql` and `);
}

export async function listStudents(db: Db, caller: Caller, q: ListQuery) {
  const where = await studentFilter(db, caller, q);
  const [items, total] = await Promise.all([
    rows<SummaryRow>(db, sql`${SELECT} where ${where} order by sch.name, g.grade_level, c.class_no, s.name, s.id limit ${q.pageSize} offset ${(q.page - 1) * q.pageSize}`),
    rows<{ n: number }>(db, sql`select count(*)::int as n from students s where ${where}`),
  ]);
  return { items: items.map(toSummary), total: total[0]?.n ?? 0, page: q.page, pageSize: q.pageSize };
}

/** A family circumstance's note is sealed at rest, bound to the student and the category. */
export const circumstanceNoteAad = (studentId: string, code: string) => `student_circumstances.note:${studentId}:${code}`;

/** A student's summary row if the caller reaches it with any of the given scopes (checked in the query), else 404. */
async function findInScope(db: Db, id: string, scopes: Scope[]): Promise<SummaryRow> {
  const reach = sql.join(scopes.map((scope) => inScope(scope, sql`s.org_path`, sql`s.id`)), sql` or `);
  const found = await rows<SummaryRow>(db, sql`${SELECT} where s.id = ${id} and (${reach})`);
  if (!found[0]) throw notFound();
  return found[0];
}

/** The student record; guardians and circumstances only for callers entitled to them (the read of circumstances is audited). */
export async function getStudent(deps: Deps, caller: Caller, id: string): Promise<StudentDetail> {
  const { db } = deps;
  const readScopes = [scopeFor(caller.assignments, 'student.read'), scopeFor(caller.assignments, 'self.read')];
  const r = await findInScope(db, id, readScopes);
  const detail: StudentDetail = { ...toSummary(r), history: [] };
  const history = await rows<{ at: Date; kind: StudentDetail['history'][number]['kind']; from_name: string | null; to_name: string | null; reason: string | null }>(
    db,
    sql`select h.at, h.kind, fu.name as from_name, tu.name as to_name, h.reason from student_history h
        left join org_units fu on fu.id = h.from_unit_id left join org_units tu on tu.id = h.to_unit_id
        where h.student_id = ${id} order by h.at, h.id`,
  );
  detail.history = history.map((h) => ({ at: new Date(h.at).toISOString(), kind: h.kind, fromName: h.from_name, toName: h.to_name, reason: h.reason }));
  if (scopeIncludes(scopeFor(caller.assignments, 'guardian.read'), r.org_path, r.id) || caller.assignments.some((a) => a.role === 'parent' && a.studentId === id)) {
    const gs = await db
      .select({ id: guardians.id, name: guardians.name, phone: guardians.phone, relation: studentGuardians.relation })
      .from(studentGuardians)
      .innerJoin(guardians, eq(guardians.id, studentGuardians.guardianId))
      .where(eq(studentGuardians.studentId, id))
      .orderBy(studentGuardians.createdAt);
    detail.guardians = gs;
  }
  if (scopeIncludes(scopeFor(caller.assignments, 'student.sensitive.read'), r.org_path, r.id)) {
    const cs = await db
      .select({ code: studentCircumstances.code, label: circumstanceCategories.label, note: studentCircumstances.note, since: studentCircumstances.since })
      .from(studentCircumstances)
      .leftJoin(circumstanceCategories, and(eq(circumstanceCategories.regionId, studentCircumstances.regionId), eq(circumstanceCategories.code, studentCircumstances.code)))
      .where(eq(studentCircumstances.studentId, id));
    const sealer = sealerFor(deps.config);
    detail.circumstances = cs.map((c) => ({ code: c.code, label: c.label ?? c.code, note: openNullable(sealer, c.note, circumstanceNoteAad(id, c.code)), since: c.since.toISOString() }));
    await appendAudit(db, { ...auditActor(caller), action: 'student.sensitive.read', objectType: 'student', objectId: id, orgPath: r.org_path, detail: { fields: ['circumstances'] } }, deps.clock());
  }
  return detail;
}

async function classInScope(db: Db, caller: Caller, classId: number) {
  const unit = await unitInScope(db, caller, classId, 'student.write').catch(() => null);
  if (!unit || unit.kind !== 'class' || !unit.active) throw badRequest('班级不存在或不可用', { classId: '请选择本人管理范围内的有效班级' });
  const schoolId = Number(unit.path.split('/').filter(Boolean).at(-3));
  return { unit, schoolId };
}

async function dormitoryOfSchool(db: Db, schoolId: number, dormitoryId: number | null | undefined) {
  if (dormitoryId == null) return null;
  const d = await db.select().from(dormitories).where(and(eq(dormitories.id, dormitoryId), eq(dormitories.schoolId, schoolId)));
  if (!d[0]) throw badRequest('宿舍不属于该学校', { dormitoryId: '请选择本校宿舍' });
  return d[0].id;
}

export async function createStudent(deps: Deps, caller: Caller, body: z.infer<typeof contracts.CreateStudentBody>): Promise<StudentDetail> {
  const { unit, schoolId } = await classInScope(deps.db, caller, body.classId);
  const dormitoryId = await dormitoryOfSchool(deps.db, schoolId, body.dormitoryId);
  const id = await deps.db.transaction(async (tx) => {
    const dup = await tx.select({ id: students.id }).from(students).where(and(eq(students.regionId, unit.regionId), eq(students.studentNo, body.studentNo)));
    if (dup.length) throw conflict('学籍号已存在', { studentNo: '本地区已有该学籍号的学生' });
    const [s] = await tx
      .insert(students)
      .values({ regionId: unit.regionId, studentNo: body.studentNo, name: body.name, gender: body.gender, birthDate: body.birthDate, schoolId, classId: unit.id, orgPath: unit.path, enrolmentYear: body.enrolmentYear, boarding: body.boarding || dormitoryId != null, dormitoryId })
      .returning({ id: students.id });
    await tx.insert(studentHistory).values({ regionId: unit.regionId, studentId: s!.id, kind: 'enrol', toUnitId: unit.id, actorId: caller.accountId });
    await appendAudit(tx, { ...auditActor(caller), action: 'student.create', objectType: 'student', objectId: s!.id, orgPath: unit.path, detail: { studentNo: body.studentNo } }, deps.clock());
    return s!.id;
  });
  return getStudent(deps, caller, id);
}

export async function updateStudent(deps: Deps, caller: Caller, id: string, body: z.infer<typeof contracts.UpdateStudentBody>): Promise<StudentDetail> {
  const r = await findInScope(deps.db, id, [scopeOf(caller, 'student.write')]);
  const dormitoryId = body.dormitoryId === undefined ? undefined : await dormitoryOfSchool(deps.db, r.school_id, body.dormitoryId);
  await deps.db.transaction(async (tx) => {
    await tx.update(students).set({ ...body, dormitoryId, ...(dormitoryId ? { boarding: true } : {}), updatedAt: deps.clock() }).where(eq(students.id, id));
    await appendAudit(tx, { ...auditActor(caller), action: 'student.update', objectType: 'student', objectId: id, orgPath: r.org_path, detail: { fields: Object.keys(body) } }, deps.clock());
  });
  return getStudent(deps, caller, id);
}

/** Class change within a school, or a transfer to another school the caller also manages; history kept. */
export async function moveStudent(deps: Deps, caller: Caller, id: string, classId: number, reason: string | undefined): Promise<StudentDetail> {
  const r = await findInScope(deps.db, id, [scopeOf(caller, 'student.write')]);
  if (r.status !== 'active') throw badRequest('只有在读学生可以调班或转学', { classId: '该学生不是在读状态' });
  const { unit, schoolId } = await classInScope(deps.db, caller, classId);
  if (unit.id === r.class_id) throw badRequest('学生已在该班级', { classId: '学生已在该班级' });
  const kind = schoolId === r.school_id ? 'class_change' : 'transfer';
  await deps.db.transaction(async (tx) => {
    await tx.update(students).set({ classId: unit.id, schoolId, orgPath: unit.path, ...(kind === 'transfer' ? { dormitoryId: null } : {}), updatedAt: deps.clock() }).where(eq(students.id, id));
    await tx.insert(studentHistory).values({ regionId: unit.regionId, studentId: id, kind, fromUnitId: r.class_id, toUnitId: unit.id, reason: reason ?? null, actorId: caller.accountId, at: deps.clock() });
    await appendAudit(tx, { ...auditActor(caller), action: `student.${kind}`, objectType: 'student', objectId: id, orgPath: unit.path, detail: { from: r.class_id, to: unit.id } }, deps.clock());
  });
  return getStudent(deps, caller, id);
}

/** Graduation keeps the record (and its history) and ends the student's sign-in. */
export async function graduateStudents(deps: Deps, caller: Caller, ids: string[]): Promise<{ graduated: number }> {
  const scope = scopeOf(caller, 'student.write');
  return deps.db.transaction(async (tx) => {
    const found = await rows<{ id: string; class_id: number | null; org_path: string; region_id: number }>(
      tx,
      sql`select id, class_id, org_path, region_id from students s where s.id = any(${sql.param(ids)}::uuid[]) and s.status = 'active' and ${inScope(scope, sql`s.org_path`)}`,
    );
    if (found.length !== new Set(ids).size) throw notFound();
    const now = deps.clock();
    await tx.execute(sql`update students set status = 'graduated', updated_at = ${now} where id = any(${sql.param(ids)}::uuid[])`);
    await tx.insert(studentHistory).values(found.map((s) => ({ regionId: s.region_id, studentId: s.id, kind: 'graduate' as const, fromUnitId: s.class_id, actorId: caller.accountId, at: now })));
    const accts = await tx.update(accounts).set({ disabled: true }).where(sql`${accounts.studentId} = any(${sql.param(ids)}::uuid[])`).returning({ id: accounts.id });
    if (accts.length) await tx.delete(sessions).where(sql`${sessions.accountId} = any(${sql.param(accts.map((a) => a.id))}::uuid[])`);
    await appendAudit(tx, found.map((s) => ({ ...auditActor(caller), action: 'student.graduate', objectType: 'student', objectId: s.id, orgPath: s.org_path })), now);
    return { graduated: found.length };
  });
}

export async function listCircumstanceCategories(db: Db, caller: Caller) {
  const list = await db.select().from(circumstanceCategories).where(eq(circumstanceCategories.regionId, caller.regionId)).orderBy(sql`${circumstanceCategories.builtIn} desc`, circumstanceCategories.createdAt);
  return list.map((c) => ({ code: c.code, label: c.label, builtIn: c.builtIn }));
}

export async function addCircumstanceCategory(deps: Deps, caller: Caller, code: string, label: string) {
  return deps.db.transaction(async (tx) => {
    const dup = await tx.select().from(circumstanceCategories).where(and(eq(circumstanceCategories.regionId, caller.regionId), eq(circumstanceCategories.code, code)));
    if (dup.length) throw conflict('类别代码已存在', { code: '已有该代码的类别' });
    await tx.insert(circumstanceCategories).values({ regionId: caller.regionId, code, label });
    await appendAudit(tx, { ...auditActor(caller), action: 'config.circumstance.create', objectType: 'circumstance_category', objectId: code, detail: { label } }, deps.clock());
    return { code, label, builtIn: false };
  });
}

/** Replaces a student's set of circumstances (sensitive: needs student.sensitive.write on the student). */
export async function setCircumstances(deps: Deps, caller: Caller, id: string, items: { code: string; note?: string | null | undefined }[]): Promise<StudentDetail> {
  const r = await findInScope(deps.db, id, [scopeOf(caller, 'student.sensitive.write')]);
  const known = new Set((await listCircumstanceCategories(deps.db, caller)).map((c) => c.code));
  const fields: Record<string, string> = {};
  items.forEach((it, i) => {
    if (!known.has(it.code)) fields[`items.${i}.code`] = `未知类别“${it.code}”`;
  });
  if (Object.keys(fields).length) throw badRequest('类别不存在', fields);
  if (new Set(items.map((i) => i.code)).size !== items.length) throw badRequest('类别重复', { items: '同一类别只能出现一次' });
  await deps.db.transaction(async (tx) => {
    const existing = await tx.select().from(studentCircumstances).where(eq(studentCircumstances.studentId, id));
    const keep = new Set(items.map((i) => i.code));
    for (const e of existing) if (!keep.has(e.code)) await tx.delete(studentCircumstances).where(and(eq(studentCircumstances.studentId, id), eq(studentCircumstances.code, e.code)));
    const sealer = sealerFor(deps.config);
    for (const it of items) {
      const note = sealNullable(sealer, it.note, circumstanceNoteAad(id, it.code));
      await tx
        .insert(studentCircumstances)
        .values({ studentId: id, regionId: caller.regionId, code: it.code, note, recordedBy: caller.accountId })
        .onConflictDoUpdate({ target: [studentCircumstances.studentId, studentCircumstances.code], set: { note, recordedBy: caller.accountId } });
    }
    await appendAudit(tx, { ...auditActor(caller), action: 'student.circumstances.set', objectType: 'student', objectId: id, orgPath: r.org_path, detail: { codes: [...keep].sort() } }, deps.clock());
  });
  return getStudent(deps, caller, id);
}

export async function addGuardian(deps: Deps, caller: Caller, id: string, body: z.infer<typeof contracts.GuardianBody>): Promise<StudentDetail> {
  const r = await findInScope(deps.db, id, [scopeOf(caller, 'guardian.write')]);
  await deps.db.transaction(async (tx) => {
    const [g] = await tx.insert(guardians).values({ regionId: caller.regionId, name: body.name, phone: body.phone ?? null }).returning({ id: guardians.id });
    const hasPrimary = await tx.select().from(studentGuardians).where(and(eq(studentGuardians.studentId, id), eq(studentGuardians.isPrimary, true)));
    await tx.insert(studentGuardians).values({ studentId: id, guardianId: g!.id, regionId: caller.regionId, relation: body.relation, isPrimary: !hasPrimary.length });
    await appendAudit(tx, { ...auditActor(caller), action: 'student.guardian.add', objectType: 'student', objectId: id, orgPath: r.org_path, detail: { guardianId: g!.id } }, deps.clock());
  });
  return getStudent(deps, caller, id);
}

/** A student's own record, or a parent's children. */
export async function myStudents(db: Db, caller: Caller): Promise<StudentSummary[]> {
  const ids = scopeOf(caller, 'self.read').studentIds;
  if (!ids.length) return [];
  const list = await rows<SummaryRow>(db, sql`${SELECT} where s.id = any(${sql.param(ids)}::uuid[]) order by s.name`);
  return list.map(toSummary);
}

/** A psych-committee member sees the names of their own classmates, nothing more. */
export async function classNames(db: Db, caller: Caller): Promise<{ id: string; name: string }[]> {
  const scope = scopeOf(caller, 'class.names');
  if (!scope.orgPaths.length) return [];
  return db
    .select({ id: students.id, name: students.name })
    .from(students)
    .where(and(eq(students.status, 'active'), inScope({ orgPaths: scope.orgPaths, studentIds: [] }, students.orgPath)))
    .orderBy(students.name);
}

