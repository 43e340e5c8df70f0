/**
 * Scheduled reminders of a campaign: on each of its reminder days (so many days before the window
 * closes), unfinished students, guardians whose consent is still awaited, and the head teachers of
 * classes with unfinished students are told once. Runs as a job under an advisory lock; the
 * campaign_reminders row written in the same transaction makes it once per campaign and day.
 */
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/client.js';
import type { Deps } from '../../http/context.js';
import { appendAudit } from '../audit/service.js';
import { notify } from '../notify/service.js';
import { orgUnits } from '../org/tables.js';
import { cstToday } from './campaigns.js';
import { targetStudents } from './results.js';
import { campaigns } from './tables.js';

const CHUNK = 5000;

async function notifyAll(tx: Db, deps: Pick<Deps, 'config'>, regionId: number, accountIds: string[], message: { kind: string; title: string; body: string; link: string }, now: Date) {
  for (let i = 0; i < accountIds.length; i += CHUNK) await notify(tx, deps, { regionId, accountIds: accountIds.slice(i, i + CHUNK), ...message }, now);
}

/** Sends today's due reminders; returns how many campaigns were reminded. */
export async function sendScheduledReminders(deps: Pick<Deps, 'config' | 'clock'>, tx: Db): Promise<number> {
  const now = deps.clock();
  const today = cstToday(now);
  const due = await tx
    .select()
    .from(campaigns)
    .where(sql`${campaigns.status} = 'published' and ${campaigns.windowStart} <= ${today} and ${campaigns.windowEnd} >= ${today}
      and (${campaigns.windowEnd} - ${today}::date) = any(${campaigns.reminderDays})
      and not exists (select 1 from campaign_reminders r where r.campaign_id = ${campaigns.id} and r.day = ${today})`);
  for (const c of due) {
    const owner = (await tx.select().from(orgUnits).where(sql`${orgUnits.id} = ${c.ownerUnitId}`))[0];
    if (!owner) continue;
    const pending = await rows<{ id: string; class_id: number; needs_consent: boolean; consent: string | null }>(tx, sql`with t as (${targetStudents(c, owner)}) select id, class_id, needs_consent, consent from t where released and not completed`);
    const waiting = pending.filter((p) => p.needs_consent && p.consent == null).map((p) => p.id);
    const answering = pending.filter((p) => !p.needs_consent || p.consent === 'granted').map((p) => p.id);
    const classes = [...new Set(pending.map((p) => p.class_id))];
    const accountsOf = async (role: 'student' | 'parent', ids: string[]) =>
      ids.length ? (await rows<{ id: string }>(tx, sql`select distinct account_id as id from role_assignments where role = ${role} and student_id = any(${sql.param(ids)}::uuid[])`)).map((r) => r.id) : [];
    const students = await accountsOf('student', answering);
    const guardians = await accountsOf('parent', waiting);
    const teachers = classes.length ? (await rows<{ id: string }>(tx, sql`select distinct account_id as id from role_assignments where role = 'head_teacher' and org_unit_id = any(${sql.param(classes)}::int[])`)).map((r) => r.id) : [];
    const daysLeft = Math.round((Date.parse(c.windowEnd) - Date.parse(today)) / 86400000);
    const when = daysLeft === 0 ? '今天' : `${daysLeft} 天后（${c.windowEnd}）`;
    await notifyAll(tx, deps, c.regionId, students, { kind: 'screening.reminder', title: `请完成心理测评：${c.title}`, body: `测评将于${when}截止，请在手机或学校机房完成。`, link: '/m/screening' }, now);
    await notifyAll(tx, deps, c.regionId, guardians, { kind: 'screening.consent_request', title: `请确认孩子是否参加心理测评：${c.title}`, body: `测评将于${when}截止，需要您的同意。请在家长页面查看说明并确认。`, link: '/m' }, now);
    await notifyAll(tx, deps, c.regionId, teachers, { kind: 'screening.class_reminder', title: `本班还有学生未完成测评：${c.title}`, body: `测评将于${when}截止。请查看未完成名单，提醒学生按时完成。`, link: `/screening/campaigns/${c.id}?tab=completion` }, now);
    await tx.execute(sql`insert into campaign_reminders (campaign_id, day, students, guardians, teachers, sent_at) values (${c.id}, ${today}, ${students.length}, ${guardians.length}, ${teachers.length}, ${now})`);
    await appendAudit(tx, { action: 'screening.remind.scheduled', objectType: 'campaign', objectId: c.id, orgPath: c.ownerPath, detail: { day: today, students: students.length, guardians: guardians.length, teachers: teachers.length } }, now);
  }
  return due.length;
}
