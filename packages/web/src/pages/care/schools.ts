import { ROLE_INFO, type Permission } from '@xinyu/core';
import type { Me } from '../../api/types';

/** The units where the user holds `permission` through a role bound to an org unit (a leader's or counselor's school). */
export function unitsWith(me: Me, permission: Permission): { id: number; name: string }[] {
  const seen = new Map<number, string>();
  for (const r of me.roles) {
    if (r.orgUnitId !== null && ROLE_INFO[r.role].binding === 'org' && ROLE_INFO[r.role].permissions.includes(permission)) seen.set(r.orgUnitId, r.orgUnitName ?? String(r.orgUnitId));
  }
  return [...seen].map(([id, name]) => ({ id, name }));
}
