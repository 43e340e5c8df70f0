import { ROLE_INFO, roleHas, type Permission, type Role } from './roles.js';

/** One role held by an account, bound to an org unit (by its materialized path) and/or a student. */
export interface Assignment {
  role: Role;
  orgUnitId?: number | null;
  orgPath?: string | null;
  studentId?: string | null;
}

/**
 * Where a permission reaches for one caller: org-unit path prefixes (a record is in scope when
 * its path starts with one of them) and single students reached through a relationship.
 * An empty scope means "nothing": callers must treat it as not found.
 */
export interface Scope {
  orgPaths: string[];
  studentIds: string[];
}

export function scopeFor(assignments: readonly Assignment[], permission: Permission): Scope {
  const orgPaths = new Set<string>();
  const studentIds = new Set<string>();
  for (const a of assignments) {
    if (!roleHas(a.role, permission)) continue;
    const binding = ROLE_INFO[a.role].binding;
    if ((binding === 'org' || binding === 'org+student') && a.orgPath) {
      // a committee member's class path grants only class names, never more
      if (binding === 'org+student' && permission !== 'class.names') {
        if (a.studentId) studentIds.add(a.studentId);
        continue;
      }
      orgPaths.add(a.orgPath);
    } else if ((binding === 'student' || binding === 'org+student') && a.studentId) {
      studentIds.add(a.studentId);
    }
  }
  return { orgPaths: minimalPrefixes([...orgPaths]), studentIds: [...studentIds].sort() };
}

export function isEmptyScope(s: Scope): boolean {
  return s.orgPaths.length === 0 && s.studentIds.length === 0;
}

/** Does a scope reach a record with this org path (and optionally this student id)? */
export function scopeIncludes(s: Scope, orgPath: string | null | undefined, studentId?: string | null): boolean {
  if (orgPath && s.orgPaths.some((p) => orgPath.startsWith(p))) return true;
  return studentId != null && s.studentIds.includes(studentId);
}

/** Drops paths already covered by a shorter prefix, so the SQL filter stays small. */
export function minimalPrefixes(paths: string[]): string[] {
  const sorted = [...new Set(paths)].sort((a, b) => a.length - b.length || a.localeCompare(b));
  const out: string[] = [];
  for (const p of sorted) if (!out.some((q) => p.startsWith(q))) out.push(p);
  return out.sort();
}

/** The highest rank this caller holds over a unit at `orgPath` with the given permission. */
export function rankAt(assignments: readonly Assignment[], permission: Permission, orgPath: string): number {
  let best = -1;
  for (const a of assignments) {
    if (!roleHas(a.role, permission) || !a.orgPath || !orgPath.startsWith(a.orgPath)) continue;
    if (ROLE_INFO[a.role].binding !== 'org') continue;
    best = Math.max(best, ROLE_INFO[a.role].rank);
  }
  return best;
}

export type GrantDecision = { ok: true } | { ok: false; reason: 'self' | 'no_permission' | 'rank' };

/**
 * May `grantor` give `role` at the unit `orgPath`? Rules: never to oneself; the grantor needs
 * `role.grant` over that unit; the role granted may not outrank the grantor's own role there.
 */
export function canGrant(
  grantor: { accountId: string; assignments: readonly Assignment[] },
  granteeAccountId: string,
  role: Role,
  orgPath: string,
): GrantDecision {
  if (grantor.accountId === granteeAccountId) return { ok: false, reason: 'self' };
  const rank = rankAt(grantor.assignments, 'role.grant', orgPath);
  if (rank < 0) return { ok: false, reason: 'no_permission' };
  if (ROLE_INFO[role].rank > rank) return { ok: false, reason: 'rank' };
  return { ok: true };
}

export function needsMfa(roles: readonly Role[]): boolean {
  return roles.some((r) => ROLE_INFO[r].mfa);
}
