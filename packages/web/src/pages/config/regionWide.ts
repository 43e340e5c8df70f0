import { ROLE_INFO, type Permission } from '@xinyu/core';
import type { Me } from '../../api/types';

/**
 * Whether the caller holds the permission at the region's root (the city), as the server's
 * requireRegionWide asks for region-wide settings: a district's config.write does not reach them.
 */
export function regionWide(me: Me, permission: Permission): boolean {
  return me.roles.some((r) => (ROLE_INFO[r.role].permissions as readonly string[]).includes(permission) && r.orgPath !== null && /^\/\d+\/$/.test(r.orgPath));
}
