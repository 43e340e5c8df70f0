import type { Assignment, Permission, Role, Scope } from '@xinyu/core';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';

/** What every module gets: the database, configuration and a clock tests can move. */
export interface Deps {
  db: Db;
  dbKind: 'pg' | 'pglite';
  config: Config;
  clock: () => Date;
}

export interface CallerAssignment extends Assignment {
  id: string;
  orgUnitId: number | null;
  orgPath: string | null;
  orgUnitName: string | null;
  studentId: string | null;
  studentName: string | null;
  /** the unit's path, or for a relationship role the student's */
  homePath: string | null;
}

/** The signed-in account behind a request, with its roles resolved to org paths. */
export interface Caller {
  accountId: string;
  username: string;
  displayName: string;
  regionId: number;
  sessionId: string;
  csrfToken: string;
  mustChangePassword: boolean;
  totpEnabled: boolean;
  /** holds a role that needs a second factor but has not enrolled one yet */
  mfaEnrolmentPending: boolean;
  locale: string;
  assignments: CallerAssignment[];
  roles: Role[];
  ip: string;
}

/**
 * What a route declares it needs: a permission, any of several, 'authenticated' (a session; the
 * service checks the object) or 'public' (sign-in only).
 */
export type RouteAccess = Permission | readonly Permission[] | 'public' | 'authenticated';

export type { Scope };
