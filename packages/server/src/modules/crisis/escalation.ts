/**
 * Escalation of referrals not accepted in time: each referral still 'sent' after its acceptBy is
 * marked escalated once (escalated_at), and the school's leaders and counselors and the admins of the
 * district bureau above it are told. Run by the scheduler; safe to run concurrently (the update only
 * takes rows not yet escalated).
 */
import { sql } from 'drizzle-orm';
import { rows } from '../../db/client.js';
import type { Deps } from '../../http/context.js';
import { appendAudit } from '../audit/service.js';
import { notify } from '../notify/service.js';
import { referralEvent } from './referrals.js';

export async function escalateOverdueReferrals(deps: Deps): Promise<{ escalated: number }> {
  const now = deps.clock();
  return deps.db.transaction(async (tx) => {
    const due = await rows<{ id: string; region_id: number; school_id: number; org_path: string; institution_name: string; accept_hours: number }>(tx, sql`
      update referrals r set escalated_at = ${now}, updated_at = ${now}
      from partner_institutions i
      where i.id = r.institution_id and r.status = 'sent' and r.escalated_at is null and r.accept_by < ${now}
      returning r.id, r.region_id, r.school_id, r.org_path, i.name as institution_name, i.accept_hours`);
    if (!due.length) return { escalated: 0 };
    // who is told, loaded once for every school and district concerned: the school's counselors and
    // leaders, and the bureau admins at a district unit whose path holds the school's
    const schoolStaff = await rows<{ school_id: number; id: string }>(tx, sql`select distinct ra.org_unit_id as school_id, ra.account_id as id from role_assignments ra
      where ra.role in ('counselor', 'school_leader') and ra.org_unit_id = any(${sql.param([...new Set(due.map((r) => r.school_id))])}::int[])`);
    const bureau = await rows<{ path: string; id: string }>(tx, sql`select distinct u.path, ra.account_id as id from role_assignments ra join org_units u on u.id = ra.org_unit_id
      where ra.role = 'bureau_admin' and u.kind = 'district' and exists (select 1 from unnest(${sql.param(due.map((r) => r.org_path))}::text[]) p where p like u.path || '%')`);
    for (const r of due) {
      const told = new Set([...schoolStaff.filter((a) => a.school_id === r.school_id), ...bureau.filter((a) => r.org_path.startsWith(a.path))].map((a) => a.id));
      await referralEvent(tx, r.id, 'escalated', null, { institution: r.institution_name, acceptHours: r.accept_hours }, now);
      await notify(tx, deps, { regionId: r.region_id, accountIds: [...told], kind: 'referral.escalated', title: '转介超时未被接收', body: `${r.institution_name}未在 ${r.accept_hours} 小时内接收转介，请联系机构或改送其他机构。`, link: `/referrals/${r.id}`, objectType: 'referral', objectId: r.id }, now);
      await appendAudit(tx, { actorName: '系统', action: 'referral.escalate', objectType: 'referral', objectId: r.id, orgPath: r.org_path, detail: { acceptHours: r.accept_hours } }, now);
    }
    return { escalated: due.length };
  });
}
