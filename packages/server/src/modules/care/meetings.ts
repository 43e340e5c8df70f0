/**
 * The school's weekly meeting on care work (每周例会, 002): an agenda generated from the week (new
 * and red alerts, overdue follow-ups, proposed closures, open tasks), minutes and attendees, and
 * decisions turned into tasks with an owner and a due date.
 */
import { followUpsDue, type CarePolicy, type DiaryKind, type contracts } from '@xinyu/core';
import { and, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { rows } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { AppError, badRequest, notFound } from '../../http/errors.js';
import { hasPermission, inScope, scopeOf } from '../access/service.js';
import { randomUUID } from 'node:crypto';
import { openOrPlain, sealerFor } from '../../lib/sealed.js';
import { appendAudit } from '../audit/service.js';
import { notify } from '../notify/service.js';
import { auditActor } from '../org/service.js';
import { orgUnits } from '../org/tables.js';
import { cstToday } from '../screening/campaigns.js';
import { carePolicyFor } from './service.js';
import { careMeetings, meetingTasks } from './tables.js';

/** A meeting's minutes are sealed at rest, bound to the meeting. */
export const minutesAad = (meetingId: string) => `care_meetings.minutes:${meetingId}`;

/** Monday of the week of a date. */
function weekStartOf(date: string): string {
  const t = Date.parse(`${date}T00:00:00Z`);
  const day = (new Date(t).getUTCDay() + 6) % 7;
  return new Date(t - day * 86_400_000).toISOString().slice(0, 10);
}

async function schoolInScope(deps: Deps, caller: Caller, schoolId: number) {
  const unit = (await deps.db.select().from(orgUnits).where(and(eq(orgUnits.id, schoolId), eq(orgUnits.kind, 'school'), eq(orgUnits.regionId, caller.regionId), inScope(scopeOf(caller, 'care.manage'), orgUnits.path))))[0];
  if (!unit) throw notFound();
  return unit;
}

export async function meetingAgenda(deps: Deps, caller: Caller, schoolId: number): Promise<z.infer<typeof contracts.MeetingAgenda>> {
  const school = await schoolInScope(deps, caller, schoolId);
  const now = deps.clock();
  const today = cstToday(now);
  const weekStart = weekStartOf(today);
  const since = new Date(`${weekStart}T00:00:00+08:00`);
  const prefix = `${school.path}%`;
  const [fresh, red, keys, proposed, tasks, policy] = await Promise.all([
    rows<{ id: string; student_id: string; name: string; level: 'yellow' | 'orange' | 'red'; status: string }>(deps.db, sql`
      select a.id, a.student_id, s.name, a.level, a.status from alerts a join students s on s.id = a.student_id
      where s.org_path like ${prefix} and a.created_at >= ${since} order by a.created_at`),
    rows<{ id: string; student_id: string; name: string; status: string }>(deps.db, sql`
      select a.id, a.student_id, s.name, a.status from alerts a join students s on s.id = a.student_id
      where s.org_path like ${prefix} and a.level = 'red' and a.status in ('new', 'acknowledged', 'assessing') order by a.created_at`),
    rows<{ id: string; student_id: string; name: string; carer: string | null; since: string | null; last: Record<string, string> | null }>(deps.db, sql`
      select k.id, k.student_id, s.name, c.account_name as carer, c.start_date::text as since,
        (select jsonb_object_agg(kind, last) from (select kind, max(date)::text as last from diary_entries d where d.key_student_id = k.id group by kind) x) as last
      from key_students k join students s on s.id = k.student_id
      left join care_assignments c on c.key_student_id = k.id and c.ended_at is null
      where s.org_path like ${prefix} and k.status = 'active'`),
    rows<{ id: string; student_id: string; name: string; proposed_by_name: string | null }>(deps.db, sql`
      select k.id, k.student_id, s.name, k.proposed_by_name from key_students k join students s on s.id = k.student_id
      where s.org_path like ${prefix} and k.status = 'closure_proposed'`),
    rows<{ id: string; title: string; owner_name: string; due_date: string }>(deps.db, sql`
      select id, title, owner_name, due_date::text as due_date from meeting_tasks where school_id = ${schoolId} and done_at is null order by due_date`),
    carePolicyFor(deps.db, caller.regionId),
  ]);
  await appendAudit(deps.db, { ...auditActor(caller), action: 'care.meeting.agenda.read', objectType: 'org_unit', objectId: String(schoolId), orgPath: school.path }, now);
  return {
    schoolId,
    weekStart,
    newAlerts: fresh.map((a) => ({ alertId: a.id, studentId: a.student_id, name: a.name, level: a.level, status: a.status })),
    redOpen: red.map((a) => ({ alertId: a.id, studentId: a.student_id, name: a.name, status: a.status })),
    overdueFollowUps: keys
      .map((k) => ({ k, due: k.since ? followUpsDue((k.last ?? {}) as Partial<Record<DiaryKind, string>>, k.since, today, (policy as CarePolicy).cadence).filter((f) => f.overdue) : [] }))
      // a key student without a care teacher is overdue for everything
      .filter(({ k, due }) => due.length || !k.carer)
      .map(({ k, due }) => ({ keyStudentId: k.id, studentId: k.student_id, name: k.name, careTeacher: k.carer, kinds: k.carer ? due.map((d) => d.kind) : ['unassigned'] })),
    proposedClosures: proposed.map((p) => ({ keyStudentId: p.id, studentId: p.student_id, name: p.name, proposedByName: p.proposed_by_name })),
    openTasks: tasks.map((t) => ({ taskId: t.id, title: t.title, ownerName: t.owner_name, dueDate: t.due_date, overdue: t.due_date < today })),
  };
}

/** Records the meeting with the agenda as it stands, and turns decisions into tasks (owners are told). Idempotent by the client's id. */
export async function recordMeeting(deps: Deps, caller: Caller, body: z.infer<typeof contracts.MeetingBody>): Promise<z.infer<typeof contracts.Meeting>> {
  const school = await schoolInScope(deps, caller, body.schoolId);
  const earlier = (await deps.db.select().from(careMeetings).where(eq(careMeetings.clientId, body.clientId)))[0];
  if (earlier) {
    if (earlier.schoolId !== body.schoolId) throw new AppError(409, 'client_id_reused', '提交编号重复，请刷新页面后重新提交');
    return getMeeting(deps, earlier.id);
  }
  const owners = body.decisions.length
    ? await rows<{ id: string; name: string }>(deps.db, sql`
        select a.id, a.display_name as name from accounts a join staff st on st.id = a.staff_id
        where a.id = any(${sql.param(body.decisions.map((d) => d.ownerAccountId))}::uuid[]) and st.school_id = ${body.schoolId} and not a.disabled`)
    : [];
  const fields: Record<string, string> = {};
  body.decisions.forEach((d, i) => {
    if (!owners.some((o) => o.id === d.ownerAccountId)) fields[`decisions.${i}.ownerAccountId`] = '不是本校教职工';
    if (d.dueDate < body.heldOn) fields[`decisions.${i}.dueDate`] = '完成日期早于会议日期';
  });
  if (Object.keys(fields).length) throw badRequest('会议决定有误，请检查标出的项', fields);
  const agenda = await meetingAgenda(deps, caller, body.schoolId);
  const now = deps.clock();
  const id = await deps.db.transaction(async (tx) => {
    const newId = randomUUID();
    const [m] = await tx.insert(careMeetings).values({ id: newId, regionId: caller.regionId, schoolId: body.schoolId, weekStart: weekStartOf(body.heldOn), heldOn: body.heldOn, attendees: body.attendees, minutes: sealerFor(deps.config).seal(body.minutes, minutesAad(newId)), agenda, createdByName: caller.displayName, clientId: body.clientId, createdAt: now }).returning({ id: careMeetings.id });
    if (body.decisions.length) {
      await tx.insert(meetingTasks).values(body.decisions.map((d) => ({ meetingId: m!.id, schoolId: body.schoolId, title: d.title, studentId: d.studentId ?? null, ownerAccountId: d.ownerAccountId, ownerName: owners.find((o) => o.id === d.ownerAccountId)!.name, dueDate: d.dueDate })));
      for (const ownerId of new Set(body.decisions.map((d) => d.ownerAccountId))) {
        await notify(tx, deps, { regionId: caller.regionId, accountIds: [ownerId].filter((a) => a !== caller.accountId), kind: 'care.meeting_task', title: '例会交办了一项工作给您', body: body.decisions.filter((d) => d.ownerAccountId === ownerId).map((d) => `${d.title}（${d.dueDate} 前）`).join('；'), link: '/care/meetings', objectType: 'meeting', objectId: m!.id }, now);
      }
    }
    await appendAudit(tx, { ...auditActor(caller), action: 'care.meeting.record', objectType: 'org_unit', objectId: String(body.schoolId), orgPath: school.path, detail: { meetingId: m!.id, decisions: body.decisions.length } }, now);
    return m!.id;
  });
  return getMeeting(deps, id);
}

async function getMeeting(deps: Deps, id: string): Promise<z.infer<typeof contracts.Meeting>> {
  const m = (await deps.db.select().from(careMeetings).where(eq(careMeetings.id, id)))[0]!;
  const tasks = await deps.db.select().from(meetingTasks).where(eq(meetingTasks.meetingId, id)).orderBy(meetingTasks.dueDate);
  return { id: m.id, weekStart: m.weekStart, heldOn: m.heldOn, attendees: m.attendees, minutes: openOrPlain(sealerFor(deps.config), m.minutes, minutesAad(m.id)), createdByName: m.createdByName, tasks: tasks.map((t) => ({ id: t.id, title: t.title, ownerName: t.ownerName, dueDate: t.dueDate, doneAt: t.doneAt?.toISOString() ?? null })) };
}

export async function listMeetings(deps: Deps, caller: Caller, schoolId: number): Promise<z.infer<typeof contracts.Meeting>[]> {
  await schoolInScope(deps, caller, schoolId);
  const list = await deps.db.select({ id: careMeetings.id }).from(careMeetings).where(eq(careMeetings.schoolId, schoolId)).orderBy(sql`${careMeetings.heldOn} desc`).limit(50);
  return Promise.all(list.map((m) => getMeeting(deps, m.id)));
}

/** The task's owner (or the school's care managers) marks it done. */
export async function completeTask(deps: Deps, caller: Caller, taskId: string, note: string): Promise<{ id: string; doneAt: string }> {
  const t = (await deps.db.select().from(meetingTasks).where(eq(meetingTasks.id, taskId)))[0];
  if (!t) throw notFound();
  if (t.ownerAccountId !== caller.accountId) {
    // someone else's task: only the school's care managers may close it; to anyone else it is as absent as an id that does not exist (not a 403 telling it exists)
    if (!hasPermission(caller, 'care.manage')) throw notFound();
    await schoolInScope(deps, caller, t.schoolId);
  }
  const now = deps.clock();
  const done = await deps.db.transaction(async (tx) => {
    const updated = await tx.update(meetingTasks).set({ doneAt: now, doneNote: note }).where(and(eq(meetingTasks.id, taskId), sql`${meetingTasks.doneAt} is null`)).returning({ id: meetingTasks.id });
    if (updated[0]) await appendAudit(tx, { ...auditActor(caller), action: 'care.meeting.task_done', objectType: 'meeting_task', objectId: taskId, detail: { note } }, now);
    return (await tx.select({ doneAt: meetingTasks.doneAt }).from(meetingTasks).where(eq(meetingTasks.id, taskId)))[0]!.doneAt!;
  });
  return { id: taskId, doneAt: done.toISOString() };
}

/** Who may own a decision: the school's staff with an active account (the rule `recordMeeting` checks), with their posts. */
export async function meetingOwners(deps: Deps, caller: Caller, schoolId: number): Promise<z.infer<typeof contracts.MeetingOwner>[]> {
  await schoolInScope(deps, caller, schoolId);
  const list = await rows<{ id: string; name: string; posts: string[] | null }>(deps.db, sql`
    select a.id, a.display_name as name, (select array_agg(distinct p.post order by p.post) from staff_posts p where p.staff_id = st.id) as posts
    from accounts a join staff st on st.id = a.staff_id
    where st.school_id = ${schoolId} and not a.disabled order by a.display_name, a.id`);
  return list.map((o) => ({ accountId: o.id, name: o.name, posts: o.posts ?? [] }));
}

/** The caller's own meeting tasks: open ones, and those done in the last 30 days. */
export async function myMeetingTasks(deps: Deps, caller: Caller): Promise<z.infer<typeof contracts.MyMeetingTask>[]> {
  const now = deps.clock();
  const today = cstToday(now);
  const list = await rows<{ id: string; title: string; due_date: string; done_at: Date | null; held_on: string; school_name: string }>(deps.db, sql`
    select t.id, t.title, t.due_date::text as due_date, t.done_at, m.held_on::text as held_on, o.name as school_name
    from meeting_tasks t join care_meetings m on m.id = t.meeting_id join org_units o on o.id = t.school_id
    where t.owner_account_id = ${caller.accountId} and m.region_id = ${caller.regionId}
      and (t.done_at is null or t.done_at >= ${new Date(now.getTime() - 30 * 86_400_000)})
    order by t.done_at is not null, t.due_date, t.id limit 200`);
  return list.map((t) => ({ id: t.id, title: t.title, dueDate: t.due_date, overdue: !t.done_at && t.due_date < today, doneAt: t.done_at ? new Date(t.done_at).toISOString() : null, heldOn: t.held_on, schoolName: t.school_name }));
}
