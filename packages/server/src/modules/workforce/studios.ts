/**
 * Master-teacher studios (名师工作室): a city- or county-level studio with a leader and members.
 * workforce.manage over the leader and every member creates one (the bureau for its area); a studio
 * is visible (workforce.read) to callers whose scope reaches its leader or a member, with only the
 * members in their scope listed. Creating is idempotent on clientId and audited.
 */
import type { contracts } from '@xinyu/core';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { rows, type Db } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { badRequest, notFound } from '../../http/errors.js';
import { inScope, scopeOf } from '../access/service.js';
import { appendAudit } from '../audit/service.js';
import { schoolInScope } from '../counseling/rooms.js';
import { auditActor } from '../org/service.js';
import { staff } from '../org/tables.js';
import { cstToday } from '../screening/campaigns.js';
import { workforceStudioMembers, workforceStudios } from './tables.js';

type Studio = z.infer<typeof contracts.WorkforceStudio>;

async function studiosByIds(db: Db, caller: Caller, ids: string[], permission: 'workforce.read' | 'workforce.manage'): Promise<Studio[]> {
  if (!ids.length) return [];
  const scope = scopeOf(caller, permission);
  const [list, people] = await Promise.all([
    db.select().from(workforceStudios).where(inArray(workforceStudios.id, ids)),
    rows<{ studio_id: string; staff_id: string; role: 'leader' | 'member'; name: string; school_id: number; school_name: string; visible: boolean }>(db, sql`
      select m.studio_id, m.staff_id, m.role, s.name, m.school_id, u.name as school_name, ${inScope(scope, sql`m.org_path`)} as visible
      from workforce_studio_members m join staff s on s.id = m.staff_id join org_units u on u.id = m.school_id
      where m.studio_id = any(${sql.param(ids)}::uuid[]) order by u.name, s.name`),
  ]);
  const order = new Map(ids.map((id, i) => [id, i]));
  return list.sort((a, b) => order.get(a.id)! - order.get(b.id)!).map((st) => {
    const mine = people.filter((p) => p.studio_id === st.id);
    const leader = mine.find((p) => p.role === 'leader');
    return {
      id: st.id, name: st.name, level: st.level, foundedYear: st.foundedYear, note: st.note,
      leader: { staffId: st.leaderStaffId, name: leader?.name ?? '', schoolName: leader?.school_name ?? '' },
      members: mine.filter((p) => p.role === 'member' && p.visible).map((p) => ({ staffId: p.staff_id, name: p.name, schoolId: Number(p.school_id), schoolName: p.school_name })),
      memberCount: mine.filter((p) => p.role === 'member').length,
      createdByName: st.createdByName, createdAt: st.createdAt.toISOString(),
    };
  });
}

export async function createStudio(deps: Deps, caller: Caller, body: z.infer<typeof contracts.CreateStudioBody>): Promise<Studio> {
  const members = [...new Set(body.memberStaffIds)].filter((id) => id !== body.leaderStaffId);
  const ids = [body.leaderStaffId, ...members];
  const scope = scopeOf(caller, 'workforce.manage');
  const found = await deps.db.select({ id: staff.id, schoolId: staff.schoolId, orgPath: staff.orgPath }).from(staff)
    .where(and(inArray(staff.id, ids), eq(staff.regionId, caller.regionId), eq(staff.active, true), inScope(scope, staff.orgPath)));
  if (found.length !== ids.length) throw notFound();
  const now = deps.clock();
  if (body.foundedYear > Number(cstToday(now).slice(0, 4))) throw badRequest('成立年份不能晚于今年', { foundedYear: '成立年份不能晚于今年' });
  const id = await deps.db.transaction(async (tx) => {
    const [st] = await tx.insert(workforceStudios).values({
      regionId: caller.regionId, name: body.name, level: body.level, leaderStaffId: body.leaderStaffId, foundedYear: body.foundedYear, note: body.note,
      clientId: body.clientId, createdBy: caller.accountId, createdByName: caller.displayName, createdAt: now,
    }).onConflictDoNothing().returning({ id: workforceStudios.id });
    if (!st) {
      const existing = (await tx.select({ id: workforceStudios.id }).from(workforceStudios).where(and(eq(workforceStudios.clientId, body.clientId), eq(workforceStudios.regionId, caller.regionId))))[0];
      if (!existing) throw badRequest('提交编号已被使用', { clientId: '提交编号已被使用' });
      return existing.id;
    }
    await tx.insert(workforceStudioMembers).values(found.map((p) => ({ studioId: st.id, staffId: p.id, role: p.id === body.leaderStaffId ? 'leader' as const : 'member' as const, regionId: caller.regionId, schoolId: p.schoolId, orgPath: p.orgPath })));
    const leader = found.find((p) => p.id === body.leaderStaffId)!;
    await appendAudit(tx, { ...auditActor(caller), action: 'workforce.studio.create', objectType: 'workforce_studio', objectId: st.id, orgPath: leader.orgPath, detail: { name: body.name, level: body.level, members: members.length } }, now);
    return st.id;
  });
  return (await studiosByIds(deps.db, caller, [id], 'workforce.manage'))[0]!;
}

/** Active studios whose leader or a member the caller reaches (or at one school), newest first, paginated. */
export async function listStudios(deps: Deps, caller: Caller, q: z.infer<typeof contracts.StudioListQuery>): Promise<z.infer<typeof contracts.StudioList>> {
  const scope = scopeOf(caller, 'workforce.read');
  if (q.schoolId) await schoolInScope(deps.db, caller, q.schoolId, 'workforce.read');
  const found = await rows<{ id: string; total: number }>(deps.db, sql`
    select st.id, count(*) over ()::int as total from workforce_studios st
    where st.region_id = ${caller.regionId} and st.active
      and exists (select 1 from workforce_studio_members m where m.studio_id = st.id and ${inScope(scope, sql`m.org_path`)} ${q.schoolId ? sql`and m.school_id = ${q.schoolId}` : sql``})
    order by st.founded_year desc, st.name limit ${q.pageSize} offset ${(q.page - 1) * q.pageSize}`);
  const items = await studiosByIds(deps.db, caller, found.map((r) => r.id), 'workforce.read');
  return { items, total: found[0] ? Number(found[0].total) : 0, page: q.page, pageSize: q.pageSize };
}
