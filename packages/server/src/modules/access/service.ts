import { isEmptyScope, roleHas, scopeFor, type Permission, type Scope } from '@xinyu/core';
import { eq, sql, type SQL, type AnyColumn } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { Caller, CallerAssignment } from '../../http/context.js';
import { forbidden } from '../../http/errors.js';
import { orgUnits, students } from '../org/tables.js';
import { roleAssignments } from './tables.js';

/** The roles of an account, each with the path of its org unit and the name of its student. */
export async function loadAssignments(db: Db, accountId: string): Promise<CallerAssignment[]> {
  const list = await db
    .select({
      id: roleAssignments.id,
      role: roleAssignments.role,
      orgUnitId: roleAssignments.orgUnitId,
      orgPath: orgUnits.path,
      orgUnitName: orgUnits.name,
      studentId: roleAssignments.studentId,
      studentName: students.name,
      homePath: sql<string | null>`coalesce(${orgUnits.path}, ${students.orgPath})`,
    })
    .from(roleAssignments)
    .leftJoin(orgUnits, eq(orgUnits.id, roleAssignments.orgUnitId))
    .leftJoin(students, eq(students.id, roleAssignments.studentId))
    .where(eq(roleAssignments.accountId, accountId));
  return list;
}

export function hasPermission(caller: Caller, permission: Permission): boolean {
  return caller.assignments.some((a) => roleHas(a.role, permission));
}

/** The caller's scope for a permission; refuses with 403 when the caller's roles lack it entirely. */
export function scopeOf(caller: Caller, permission: Permission): Scope {
  if (!hasPermission(caller, permission)) throw forbidden();
  return scopeFor(caller.assignments, permission);
}

/**
 * The SQL filter of a scope: the record's org path starts with one of the scope's paths, or the
 * record is one of its students. An empty scope matches nothing.
 */
export function inScope(scope: Scope, pathColumn: AnyColumn | SQL, studentIdColumn?: AnyColumn | SQL): SQL {
  if (isEmptyScope(scope)) return sql`false`;
  const parts: SQL[] = [];
  if (scope.orgPaths.length) {
    parts.push(sql`${pathColumn} like any(${sql.param(scope.orgPaths.map((p) => `${p}%`))}::text[])`);
  }
  if (scope.studentIds.length && studentIdColumn) {
    parts.push(sql`${studentIdColumn} = any(${sql.param(scope.studentIds)}::uuid[])`);
  }
  if (!parts.length) return sql`false`;
  return sql`(${sql.join(parts, sql` or `)})`;
}

/** Where audit rows about this caller's own actions are filed: their first unit (or their student's). */
export function homePath(assignments: readonly CallerAssignment[]): string | null {
  return assignments.find((a) => a.homePath)?.homePath ?? null;
}

/** Is the region root (the city) inside this scope? Such callers may see region-wide rows. */
export function isRegionWide(caller: Caller, permission: Permission): boolean {
  return caller.assignments.some((a) => roleHas(a.role, permission) && a.orgPath != null && /^\/\d+\/$/.test(a.orgPath));
}

/** Region-wide settings (deadlines, calendar, rules) are the city bureau's: a district's config.write does not reach them. */
export function requireRegionWide(caller: Caller): void {
  if (!isRegionWide(caller, 'config.write')) throw forbidden();
}
