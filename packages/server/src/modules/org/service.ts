import { ALLOWED_PARENT, type contracts } from '@xinyu/core';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import { rows, type Db } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { badRequest, conflict, notFound } from '../../http/errors.js';
import { inScope, scopeOf } from '../access/service.js';
import { appendAudit } from '../audit/service.js';
import { dormitories, orgUnits } from './tables.js';

type OrgUnit = z.infer<typeof contracts.OrgUnit>;
type UnitRow = typeof orgUnits.$inferSelect;

export function toOrgUnit(u: UnitRow, studentCount = 0): OrgUnit {
  return {
    id: u.id,
    kind: u.kind,
    parentId: u.parentId,
    path: u.path,
    name: u.name,
    code: u.code,
    schoolKind: u.schoolKind,
    boarding: u.boarding,
    gradeLevel: u.gradeLevel,
    active: u.active,
    studentCount,
  };
}

export function auditActor(caller: Caller) {
  return { actorId: caller.accountId, actorName: caller.displayName, ip: caller.ip };
}

/** A unit the caller may reach with `permission`, or 404. */
export async function unitInScope(db: Db, caller: Caller, id: number, permission: 'org.read' | 'org.write' | 'student.write' | 'staff.write' | 'roster.import' | 'staff.read' | 'student.read' | 'roster.export'): Promise<UnitRow> {
  const scope = scopeOf(caller, permission);
  const found = await db.select().from(orgUnits).where(and(eq(orgUnits.id, id), inScope(scope, orgUnits.path)));
  if (!found[0]) throw notFound();
  return found[0];
}

/** Active students per unit path prefix, summed up the tree from the class level. */
async function studentCounts(db: Db, paths: string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  if (!paths.length) return counts;
  const grouped = await rows<{ org_path: string; n: number }>(
    db,
    sql`select org_path, count(*)::int as n from students where status = 'active' and org_path like any(${sql.param(paths.map((p) => `${p}%`))}::text[]) group by org_path`,
  );
  for (const g of grouped) {
    // add this class's count to every ancestor path: /1/ /1/3/ /1/3/17/ …
    const ids = g.org_path.split('/').filter(Boolean);
    let prefix = '/';
    for (const id of ids) {
      prefix += `${id}/`;
      counts.set(prefix, (counts.get(prefix) ?? 0) + g.n);
    }
  }
  return counts;
}

/** The units a caller may see, with their ancestors so the tree has a root. */
export async function orgTree(db: Db, caller: Caller): Promise<OrgUnit[]> {
  const scope = scopeOf(caller, 'org.read');
  if (!scope.orgPaths.length) return [];
  const ancestorIds = new Set<number>();
  for (const p of scope.orgPaths) for (const id of p.split('/').filter(Boolean)) ancestorIds.add(Number(id));
  const units = await db
    .select()
    .from(orgUnits)
    .where(sql`${inScope(scope, orgUnits.path)} or ${orgUnits.id} = any(${sql.param([...ancestorIds])}::int[])`)
    .orderBy(orgUnits.kind, orgUnits.gradeLevel, orgUnits.classNo, orgUnits.name);
  const counts = await studentCounts(db, scope.orgPaths);
  return units.map((u) => toOrgUnit(u, counts.get(u.path) ?? 0));
}

export async function getUnit(db: Db, caller: Caller, id: number): Promise<OrgUnit> {
  const unit = await unitInScope(db, caller, id, 'org.read');
  const counts = await studentCounts(db, [unit.path]);
  return toOrgUnit(unit, counts.get(unit.path) ?? 0);
}

type CreateBody = z.infer<typeof contracts.CreateOrgUnitBody>;

export async function createUnit(deps: Deps, caller: Caller, body: CreateBody): Promise<OrgUnit> {
  const parent = await unitInScope(deps.db, caller, body.parentId, 'org.write');
  if (!ALLOWED_PARENT[body.kind].includes(parent.kind)) {
    throw badRequest('不能在此处创建该类单位', { kind: `${parent.name} 下不能创建此类单位` });
  }
  if (body.kind === 'school' && !body.schoolKind) throw badRequest('请选择学校类型', { schoolKind: '学校须注明类型' });
  if (body.kind === 'grade' && !body.gradeLevel) throw badRequest('请填写年级', { gradeLevel: '年级须注明级别（1–12）' });
  const classNo = body.kind === 'class' ? Number(/(\d+)/.exec(body.name)?.[1] ?? 0) || null : null;
  return deps.db.transaction(async (tx) => {
    if (body.code) {
      const dup = await tx.select({ id: orgUnits.id }).from(orgUnits).where(and(eq(orgUnits.regionId, parent.regionId), eq(orgUnits.code, body.code)));
      if (dup.length) throw conflict('代码已被使用', { code: '该代码已被其他单位使用' });
    }
    const inserted = await tx
      .insert(orgUnits)
      .values({
        regionId: parent.regionId,
        kind: body.kind,
        parentId: parent.id,
        path: '',
        name: body.name,
        code: body.code ?? null,
        schoolKind: body.kind === 'school' ? (body.schoolKind ?? null) : null,
        boarding: body.boarding ?? false,
        gradeLevel: body.kind === 'grade' ? (body.gradeLevel ?? null) : null,
        classNo,
      })
      .returning();
    const unit = inserted[0]!;
    const path = `${parent.path}${unit.id}/`;
    await tx.update(orgUnits).set({ path }).where(eq(orgUnits.id, unit.id));
    await appendAudit(tx, { ...auditActor(caller), action: 'org.create', objectType: 'org_unit', objectId: String(unit.id), orgPath: path, detail: { kind: body.kind, name: body.name } }, deps.clock());
    return toOrgUnit({ ...unit, path });
  });
}

type UpdateBody = z.infer<typeof contracts.UpdateOrgUnitBody>;

export async function updateUnit(deps: Deps, caller: Caller, id: number, body: UpdateBody): Promise<OrgUnit> {
  const unit = await unitInScope(deps.db, caller, id, 'org.write');
  if (body.schoolKind && unit.kind !== 'school') throw badRequest('只有学校有学校类型', { schoolKind: '只有学校有学校类型' });
  // an empty PATCH has nothing to write (the ORM refuses an empty SET: this was a 500 found by fuzzing)
  if (Object.values(body).every((v) => v === undefined)) throw badRequest('没有要修改的内容', { _: '请至少修改一项' });
  return deps.db.transaction(async (tx) => {
    if (body.active === false && unit.active) {
      // a unit with people is never removed: it can be deactivated only once it is empty
      const people = await rows<{ s: number; t: number }>(
        tx,
        sql`select (select count(*)::int from students where status = 'active' and org_path like ${`${unit.path}%`}) as s,
                   (select count(*)::int from staff where active and org_path like ${`${unit.path}%`}) as t`,
      );
      const { s = 0, t = 0 } = people[0] ?? {};
      if (s || t) throw conflict(`该单位下仍有 ${s} 名在读学生、${t} 名在职教职工，不能停用`, { active: '请先转出或毕业处理' });
    }
    if (body.code) {
      const dup = await tx.select({ id: orgUnits.id }).from(orgUnits).where(and(eq(orgUnits.regionId, unit.regionId), eq(orgUnits.code, body.code), sql`${orgUnits.id} <> ${id}`));
      if (dup.length) throw conflict('代码已被使用', { code: '该代码已被其他单位使用' });
    }
    const updated = await tx.update(orgUnits).set(body).where(eq(orgUnits.id, id)).returning();
    await appendAudit(tx, { ...auditActor(caller), action: 'org.update', objectType: 'org_unit', objectId: String(id), orgPath: unit.path, detail: { changes: body } }, deps.clock());
    return toOrgUnit(updated[0]!);
  });
}

/**
 * Moves a unit under a new parent: its path and every descendant's, and the paths of the people
 * inside, are rewritten in one transaction. Grades and classes stay within their school.
 */
export async function moveUnit(deps: Deps, caller: Caller, id: number, parentId: number): Promise<OrgUnit> {
  const unit = await unitInScope(deps.db, caller, id, 'org.write');
  const parent = await unitInScope(deps.db, caller, parentId, 'org.write');
  if (!ALLOWED_PARENT[unit.kind].includes(parent.kind)) throw badRequest('目标位置不能容纳该单位', { parentId: `${parent.name} 下不能放置此类单位` });
  if (parent.path.startsWith(unit.path)) throw badRequest('不能移到自身之下', { parentId: '不能移到自身或下级单位之下' });
  if (unit.kind === 'grade' || unit.kind === 'class') {
    // path ends …/school/grade/ or …/school/grade/class/
    const unitSchool = unit.kind === 'grade' ? unit.parentId : Number(unit.path.split('/').filter(Boolean).at(-3));
    const targetSchool = parent.kind === 'school' ? parent.id : parent.parentId;
    if (unitSchool !== targetSchool) throw badRequest('年级和班级只能在本校内调整', { parentId: '请用学生转学功能在学校之间调动学生' });
  }
  const oldPath = unit.path;
  const newPath = `${parent.path}${unit.id}/`;
  return deps.db.transaction(async (tx) => {
    const like = `${oldPath}%`;
    await tx.execute(sql`update org_units set path = ${newPath} || substr(path, ${oldPath.length + 1}) where path like ${like}`);
    await tx.execute(sql`update students set org_path = ${newPath} || substr(org_path, ${oldPath.length + 1}) where org_path like ${like}`);
    await tx.execute(sql`update staff set org_path = ${newPath} || substr(org_path, ${oldPath.length + 1}) where org_path like ${like}`);
    const updated = await tx.update(orgUnits).set({ parentId: parent.id }).where(eq(orgUnits.id, id)).returning();
    await appendAudit(tx, { ...auditActor(caller), action: 'org.move', objectType: 'org_unit', objectId: String(id), orgPath: newPath, detail: { from: oldPath, to: newPath } }, deps.clock());
    return toOrgUnit(updated[0]!);
  });
}

export async function listDormitories(db: Db, caller: Caller, schoolId: number) {
  const school = await unitInScope(db, caller, schoolId, 'org.read');
  if (school.kind !== 'school') throw notFound();
  const list = await rows<{ id: number; school_id: number; name: string; n: number }>(
    db,
    sql`select d.id, d.school_id, d.name, (select count(*)::int from students s where s.dormitory_id = d.id and s.status = 'active') as n
        from dormitories d where d.school_id = ${schoolId} order by d.name`,
  );
  return list.map((d) => ({ id: d.id, schoolId: d.school_id, name: d.name, studentCount: d.n }));
}

export async function createDormitory(deps: Deps, caller: Caller, schoolId: number, name: string) {
  const school = await unitInScope(deps.db, caller, schoolId, 'org.write');
  if (school.kind !== 'school') throw notFound();
  if (!school.boarding) throw badRequest('走读学校不能添加宿舍', { name: '请先将学校设为寄宿制' });
  return deps.db.transaction(async (tx) => {
    const dup = await tx.select().from(dormitories).where(and(eq(dormitories.schoolId, schoolId), eq(dormitories.name, name)));
    if (dup.length) throw conflict('宿舍已存在', { name: '本校已有同名宿舍' });
    const [d] = await tx.insert(dormitories).values({ regionId: school.regionId, schoolId, name }).returning();
    await appendAudit(tx, { ...auditActor(caller), action: 'org.dormitory.create', objectType: 'dormitory', objectId: String(d!.id), orgPath: school.path, detail: { name } }, deps.clock());
    return { id: d!.id, schoolId, name, studentCount: 0 };
  });
}

/**
 * A class's name with its grade (七年级1班), for lists that join `org_units` as the student's
 * class: a class name alone ("1班") is ambiguous across a school's grades.
 */
// the outer org_units named in full: in a query on org_units alone drizzle writes bare column names,
// and a bare parent_id inside the subquery would be the grade's own
/**
 * The name with its grade (七年级1班) of the class whose id is the SQL column `classId` (e.g.
 * `s.class_id`), '' when there is none; for queries that are not on org_units (see classWithGrade).
 */
export const classNameOf = (classId: string) =>
  sql.raw(`coalesce((select coalesce(g.name, '') || c.name from org_units c left join org_units g on g.id = c.parent_id and g.kind = 'grade' where c.id = ${classId}), '')`);

export const classWithGrade = sql<string | null>`(coalesce((select g.name from org_units g where g.id = org_units.parent_id and g.kind = 'grade'), '') || org_units.name)`;

const CHILD_KIND: Record<string, 'district' | 'school' | 'class'> = { city: 'district', district: 'school', school: 'class', grade: 'class' };

/**
 * How counts under a unit break down one level lower (a city by district, a district by school, a
 * school by class): the child kind, and the SQL giving each student's child unit id from a students
 * alias — their class, or the path segment below the unit.
 */
export function childGrouping(unit: { kind: string; path: string }, studentAlias: string): { kind: 'district' | 'school' | 'class'; idSql: SQL } {
  const kind = CHILD_KIND[unit.kind] ?? 'class';
  const depth = unit.path.split('/').filter(Boolean).length;
  const a = sql.raw(studentAlias);
  return { kind, idSql: kind === 'class' ? sql`${a}.class_id` : sql`nullif(split_part(${a}.org_path, '/', ${depth + 2}), '')::int` };
}
