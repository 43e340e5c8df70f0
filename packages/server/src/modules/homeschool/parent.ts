/**
 * A parent's own 家长学校 and 家长课堂 (parentschool.learn): the courses that reach their children's
 * schools and grades, marking one learned (credits once, however often it is sent), the year's
 * credits against the standard, their children's sessions, and check-in with a session's code.
 *
 * The parent's children come from their role assignments (scope student ids). A course or session
 * that reaches none of them answers 404. No diagnostic label is ever part of these answers.
 */
import { CHECK_IN_DAYS_AFTER, checkInWindow, creditStatus, normalizeCheckInCode, type contracts } from '@xinyu/core';
import { sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import { rows, type Db } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { badRequest, notFound } from '../../http/errors.js';
import { scopeOf } from '../access/service.js';
import { appendAudit } from '../audit/service.js';
import { auditActor } from '../org/service.js';
import { cstToday } from '../screening/campaigns.js';
import { creditStandard, yearOf } from './courses.js';
import { homeschoolAttendance, homeschoolCompletions } from './tables.js';

interface Child { id: string; name: string; org_path: string; school_path: string; school_name: string; grade_level: number | null }

async function childrenOf(db: Db, caller: Caller): Promise<Child[]> {
  const ids = scopeOf(caller, 'parentschool.learn').studentIds;
  if (!ids.length) return [];
  return rows<Child>(db, sql`
    select st.id, st.name, st.org_path, sch.path as school_path, sch.name as school_name, g.grade_level
    from students st join org_units sch on sch.id = st.school_id left join org_units cls on cls.id = st.class_id left join org_units g on g.id = cls.parent_id
    where st.id = any(${sql.param(ids)}::uuid[]) and st.region_id = ${caller.regionId} and st.status = 'active'`);
}

/** The course reaches one of the children: its unit is above the child's school, and the grade fits. */
function reachesChildren(children: Child[]): SQL {
  if (!children.length) return sql`false`;
  return sql`exists (select 1 from unnest(${sql.param(children.map((c) => c.school_path))}::text[], ${sql.param(children.map((c) => c.grade_level ?? -1))}::int[]) as ch(path, grade)
    where ch.path like c.org_path || '%' and (cardinality(c.target_grades) = 0 or ch.grade = any(c.target_grades)))`;
}

interface MyCourseRow { id: string; title: string; summary: string; kind: 'text' | 'video'; minutes: number; credits: number; owner_name: string; body: string; video_url: string | null; learned_on: string | null }

function myCourses(caller: Caller, children: Child[], where: SQL): SQL {
  return sql`
    select c.id, c.title, c.summary, c.kind, c.minutes, c.credits, u.name as owner_name, c.body, c.video_url, hc.completed_on::text as learned_on
    from homeschool_courses c join org_units u on u.id = c.owner_unit_id
      left join homeschool_completions hc on hc.course_id = c.id and hc.account_id = ${caller.accountId}
    where c.region_id = ${caller.regionId} and c.published and ${reachesChildren(children)} and ${where}
    order by (hc.id is not null), c.year desc, c.published_at desc nulls last, c.id limit 200`;
}

const toMyCourse = (r: MyCourseRow) => ({ id: r.id, title: r.title, summary: r.summary, kind: r.kind, minutes: r.minutes, credits: r.credits, ownerName: r.owner_name, learned: r.learned_on != null, learnedOn: r.learned_on ? String(r.learned_on).slice(0, 10) : null });

async function myCredits(deps: Deps, caller: Caller) {
  const year = yearOf(deps.clock());
  const [list, std] = await Promise.all([
    rows<{ course_id: string; credits: number; completed_on: string }>(deps.db, sql`select course_id, credits, completed_on::text as completed_on from homeschool_completions
      where account_id = ${caller.accountId} and completed_on between ${`${year}-01-01`} and ${`${year}-12-31`}`),
    creditStandard(deps.db, caller.regionId, year),
  ]);
  return creditStatus(list.map((r) => ({ courseId: r.course_id, credits: r.credits, completedOn: String(r.completed_on).slice(0, 10) })), std.credits, year);
}

interface MySessionRow { id: string; date: string; topic: string; speaker: string; school_name: string; target_name: string; child_name: string; attended: boolean | null }
const toMySession = (r: MySessionRow) => ({ id: r.id, date: String(r.date).slice(0, 10), topic: r.topic, speaker: r.speaker, schoolName: r.school_name, targetName: r.target_name, childName: r.child_name, attended: r.attended === true });

function mySessions(caller: Caller, children: Child[], where: SQL): SQL {
  return sql`
    select s.id, s.date::text as date, s.topic, s.speaker, sch.name as school_name, tu.name as target_name, st.name as child_name, a.attended
    from homeschool_sessions s join org_units sch on sch.id = s.school_id join org_units tu on tu.id = s.target_unit_id
      join students st on st.id = any(${sql.param(children.map((c) => c.id))}::uuid[]) and st.org_path like s.org_path || '%'
      left join homeschool_attendance a on a.session_id = s.id and a.student_id = st.id
    where s.region_id = ${caller.regionId} and ${where}
    order by s.date desc, s.id, st.name limit 100`;
}

export async function myHomeschool(deps: Deps, caller: Caller): Promise<z.infer<typeof contracts.MyHomeschool>> {
  const children = await childrenOf(deps.db, caller);
  const year = yearOf(deps.clock());
  const [courses, credits, sessions] = await Promise.all([
    rows<MyCourseRow>(deps.db, myCourses(caller, children, sql`true`)),
    myCredits(deps, caller),
    children.length ? rows<MySessionRow>(deps.db, mySessions(caller, children, sql`s.date >= ${`${year - 1}-09-01`}`)) : Promise.resolve([]),
  ]);
  return { credits, courses: courses.map(toMyCourse), sessions: sessions.map(toMySession) };
}

export async function myCourse(deps: Deps, caller: Caller, id: string): Promise<z.infer<typeof contracts.MyHsCourseDetail>> {
  const children = await childrenOf(deps.db, caller);
  const found = await rows<MyCourseRow>(deps.db, myCourses(caller, children, sql`c.id = ${id}`));
  if (!found[0]) throw notFound();
  const r = found[0];
  return { ...toMyCourse(r), body: r.body, videoUrl: r.kind === 'video' ? r.video_url : null };
}

/** Mark a course learned: credits once per course and parent; a double click or a retry finds the first. */
export async function markLearned(deps: Deps, caller: Caller, id: string) {
  const course = await myCourse(deps, caller, id);
  if (!course.learned) {
    const now = deps.clock();
    await deps.db.transaction(async (tx) => {
      const inserted = await tx.insert(homeschoolCompletions).values({ regionId: caller.regionId, courseId: id, accountId: caller.accountId, completedOn: cstToday(now), credits: course.credits, createdAt: now })
        .onConflictDoNothing().returning({ id: homeschoolCompletions.id });
      if (inserted[0]) await appendAudit(tx, { ...auditActor(caller), action: 'homeschool.course.learned', objectType: 'homeschool_course', objectId: id, detail: { credits: course.credits } }, now);
    });
  }
  const [detail, credits] = await Promise.all([myCourse(deps, caller, id), myCredits(deps, caller)]);
  return { course: detail, credits };
}

/** Check in to a session with its code, for each of the caller's children it is for. */
export async function checkIn(deps: Deps, caller: Caller, body: z.infer<typeof contracts.CheckInBody>): Promise<z.infer<typeof contracts.CheckInResult>> {
  const code = normalizeCheckInCode(body.code);
  const children = await childrenOf(deps.db, caller);
  if (!children.length) throw notFound();
  const found = await rows<{ id: string; date: string; org_path: string }>(deps.db, sql`select id, date::text as date, org_path from homeschool_sessions where region_id = ${caller.regionId} and code = ${code}`);
  const s = found[0];
  const mine = s ? children.filter((c) => c.org_path.startsWith(s.org_path)) : [];
  // an unknown code and another school's session read the same: 404
  if (!s || !mine.length) throw notFound();
  const now = deps.clock();
  const phase = checkInWindow(String(s.date).slice(0, 10), cstToday(now));
  if (phase === 'early') throw badRequest('家长课堂尚未开始，请在当天签到', { code: '家长课堂尚未开始，请在当天签到' });
  if (phase === 'closed') throw badRequest(`签到已截止（家长课堂结束 ${CHECK_IN_DAYS_AFTER} 天后不能再签到）`, { code: '签到已截止，请联系班主任登记' });
  await deps.db.transaction(async (tx) => {
    const changed = await tx.insert(homeschoolAttendance).values(mine.map((c) => ({ sessionId: s.id, studentId: c.id, attended: true, source: 'checkin' as const, recordedBy: caller.accountId, recordedAt: now })))
      .onConflictDoUpdate({ target: [homeschoolAttendance.sessionId, homeschoolAttendance.studentId], set: { attended: true, source: 'checkin', recordedBy: caller.accountId, recordedAt: now }, setWhere: sql`not ${homeschoolAttendance.attended}` })
      .returning({ id: homeschoolAttendance.studentId });
    if (changed.length) await appendAudit(tx, { ...auditActor(caller), action: 'homeschool.attendance.checkin', objectType: 'homeschool_session', objectId: s.id, orgPath: s.org_path, detail: { students: changed.length } }, now);
  });
  const out = await rows<MySessionRow>(deps.db, mySessions(caller, mine, sql`s.id = ${s.id}`));
  return { session: toMySession(out[0]!), children: mine.map((c) => c.name) };
}
