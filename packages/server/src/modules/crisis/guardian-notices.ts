import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/client.js';
import type { Deps } from '../../http/context.js';
import { notify } from '../notify/service.js';
import { guardianNotices } from './tables.js';

export interface GuardianNoticeInput {
  regionId: number;
  studentId: string;
  /** the student's path, for scoping the record */
  orgPath: string;
  /** e.g. 'appointment.confirmed', 'referral.sent', 'return.plan' */
  kind: string;
  /** what the parent reads: plain words, never a diagnostic label, a score or a risk level */
  title: string;
  body: string;
  objectType?: string | null;
  objectId?: string | null;
  sender: { accountId: string; displayName: string } | null;
}

/**
 * Sends a notice to every guardian of a student who has a parent account (their inbox, and the webhook
 * when configured) and records it, with how many accounts it reached, in `guardian_notices`: the
 * record that the guardians were told. Call it inside the transaction of the change it reports.
 */
export async function sendGuardianNotice(tx: Db, deps: Pick<Deps, 'config'>, input: GuardianNoticeInput, now: Date): Promise<{ id: string; recipients: number }> {
  const accounts = await rows<{ id: string }>(tx, sql`
    select distinct a.id from role_assignments ra
    join accounts a on a.id = ra.account_id and not a.disabled
    where ra.role = 'parent' and ra.student_id = ${input.studentId}`);
  const ids = accounts.map((a) => a.id);
  const inserted = await tx.insert(guardianNotices).values({
    regionId: input.regionId,
    studentId: input.studentId,
    orgPath: input.orgPath,
    kind: input.kind,
    title: input.title,
    body: input.body,
    objectType: input.objectType ?? null,
    objectId: input.objectId ?? null,
    sentBy: input.sender?.accountId ?? null,
    sentByName: input.sender?.displayName ?? null,
    sentAt: now,
    recipients: ids.length,
  }).returning({ id: guardianNotices.id });
  await notify(tx, deps, { regionId: input.regionId, accountIds: ids, kind: `guardian.${input.kind}`, title: input.title, body: input.body, link: '/m', objectType: 'guardian_notice', objectId: inserted[0]!.id }, now);
  return { id: inserted[0]!.id, recipients: ids.length };
}
