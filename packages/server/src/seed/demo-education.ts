/**
 * Demo education data: lessons, activities and clubs of the demo schools.
 * Called inside seedDemo's transaction after the accounts and the counseling demo exist. `full` is
 * the full demo city (npm start); tests seed a trimmed city and should stay fast (a few inserts).
 *
 * Full: every class of the demo district's (江城区) schools has a weekly mental-health lesson on its
 * own weekday this term up to yesterday — except a few lagging classes (none after the term's first
 * five weeks, or none at all: 江城区实验中学's 七年级 classes from 3班 on, for the bulk-entry journey);
 * two subject-infusion research activities per school (one at 江城区第三中学), the district's
 * monthly teaching-research activity, themed events (开学季, 10·10), one or two clubs per school.
 * Trimmed: three lessons, one activity and one club at 南湖中学 (S0303), which the tests leave alone.
 */
import { addDaysIso, isoWeekday, termOf } from '@xinyu/core';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../db/client.js';
import { educationActivities, educationClubs, educationLessons } from '../modules/education/tables.js';
import { cstToday } from '../modules/screening/campaigns.js';

const TOPICS = ['认识自我，悦纳自我', '情绪的小秘密', '学会倾听', '与压力做朋友', '我的时间我做主', '友谊的小船', '沟通有方法', '挫折中成长', '学习有策略', '感恩与责任', '生命的意义', '向未来出发'];

export async function seedDemoEducation(tx: Db, opts: { now: Date; full: boolean }): Promise<Record<string, number>> {
  const { now, full } = opts;
  const today = cstToday(now);
  const term = termOf(today, []);
  const schools = await rows<{ id: number; code: string; path: string; region_id: number; parent_id: number; name: string }>(tx, sql`
    select s.id, s.code, s.path, s.region_id, s.parent_id, s.name from org_units s join org_units d on d.id = s.parent_id
    where s.kind = 'school' and s.active and ${full ? sql`d.code = 'D01'` : sql`s.code = 'S0303'`} order by s.code`);
  if (!schools.length) return {};
  const regionId = schools[0]!.region_id;
  const classes = await rows<{ id: number; path: string; school_id: number; grade_level: number; class_no: number }>(tx, sql`
    select c.id, c.path, g.parent_id as school_id, g.grade_level, c.class_no from org_units c join org_units g on g.id = c.parent_id
    where c.kind = 'class' and c.active and g.parent_id = any(${sql.param(schools.map((s) => s.id))}::int[]) order by c.id`);
  const teachers = await rows<{ school_id: number; id: string; name: string }>(tx, sql`
    select distinct on (school_id) school_id, id, name from staff where school_id = any(${sql.param(schools.map((s) => s.id))}::int[]) and active order by school_id, subject = '心理健康' desc, name`);
  const teacherOf = new Map(teachers.map((t) => [t.school_id, t]));
  const end = addDaysIso(today, -1) < term.end ? addDaysIso(today, -1) : term.end;
  // lagging classes stop after the first five weeks (the demo region has no school calendar: every weekday is a school day)
  const stopAfter = addDaysIso(term.start, 37);
  const code = new Map(schools.map((s) => [s.id, s.code]));

  const lessons: (typeof educationLessons.$inferInsert)[] = [];
  const trimmedClasses = full ? classes : classes.slice(0, 1);
  for (const c of trimmedClasses) {
    const demoSchool = code.get(c.school_id) === 'S0201';
    // lagging: 江城区实验中学's 七年级3班 onwards have none (the bulk-entry journey fills them); every 9th class stopped after the break
    if (full && demoSchool && c.grade_level === 7 && c.class_no >= 3) continue;
    const stoppedAfterBreak = full && c.id % 9 === 0 && !demoSchool;
    const weekday = (c.class_no % 5) + 1;
    const t = teacherOf.get(c.school_id);
    let week = 0;
    const days: string[] = [];
    for (let d = term.start; d <= end; d = addDaysIso(d, 1)) {
      if (isoWeekday(d) !== weekday) continue;
      if (stoppedAfterBreak && d > stopAfter) continue;
      days.push(d);
    }
    for (const d of full ? days : days.slice(-3)) {
      lessons.push({
        regionId, schoolId: c.school_id, classId: c.id, orgPath: c.path, date: d, topic: TOPICS[week % TOPICS.length]!, teacherStaffId: t?.id ?? null, teacherName: t?.name ?? '心理教师',
        minutes: 40, source: 'bulk', createdByName: '演示数据', createdAt: now, updatedAt: now,
      });
      week += 1;
    }
  }
  for (let i = 0; i < lessons.length; i += 2000) await tx.insert(educationLessons).values(lessons.slice(i, i + 2000)).onConflictDoNothing();

  const acts: (typeof educationActivities.$inferInsert)[] = [];
  const act = (unit: { id: number; path: string }, kind: 'infusion' | 'research' | 'themed', title: string, date: string, participants: number, theme: 'term_start' | 'wmh_day' | null = null) => {
    if (date > end || date < term.start) return;
    acts.push({ regionId, unitId: unit.id, orgPath: unit.path, kind, theme, title, date, participants, summary: `${title}：参与教师、学生积极，形成活动记录与照片。`, clientId: randomUUID(), createdByName: '演示数据', createdAt: now, updatedAt: now });
  };
  const mid = addDaysIso(term.start, 45);
  for (const s of full ? schools : schools.slice(0, 1)) {
    act(s, 'infusion', '道德与法治课中的情绪教育', addDaysIso(term.start, 30), 14);
    if (full && s.code !== 'S0205') act(s, 'infusion', '语文阅读课中的生命教育', mid, 11);
    if (!full) continue;
    act(s, 'themed', '开学季心理适应主题班会', addDaysIso(term.start, 6), 600, 'term_start');
    if (term.start.slice(5) === '09-01') act(s, 'themed', '10·10 世界精神卫生日宣传活动', `${term.start.slice(0, 4)}-10-10`, 800, 'wmh_day');
  }
  if (full) {
    const district = (await rows<{ id: number; path: string }>(tx, sql`select id, path from org_units where id = ${schools[0]!.parent_id}`))[0]!;
    for (let y = Number(term.start.slice(0, 4)), m = Number(term.start.slice(5, 7)); `${y}-${String(m).padStart(2, '0')}-01` <= end; m === 12 ? ((m = 1), (y += 1)) : (m += 1)) {
      act(district, 'research', `${m} 月全区心理健康教育教研活动`, `${y}-${String(m).padStart(2, '0')}-15`, 40);
    }
  }
  if (acts.length) await tx.insert(educationActivities).values(acts);

  const clubs: (typeof educationClubs.$inferInsert)[] = [];
  for (const s of full ? schools : schools.slice(0, 1)) {
    const t = teacherOf.get(s.id);
    clubs.push({ regionId, schoolId: s.id, orgPath: s.path, name: '阳光心理社', advisorStaffId: t?.id ?? null, advisorName: t?.name ?? '心理教师', members: 36, foundedOn: '2024-09-20', clientId: randomUUID(), createdAt: now, updatedAt: now });
    if (full && s.code === 'S0201') clubs.push({ regionId, schoolId: s.id, orgPath: s.path, name: '心语朋辈互助社', advisorStaffId: t?.id ?? null, advisorName: t?.name ?? '心理教师', members: 24, foundedOn: '2025-03-12', clientId: randomUUID(), createdAt: now, updatedAt: now });
  }
  await tx.insert(educationClubs).values(clubs);
  return { lessons: lessons.length, activities: acts.length, clubs: clubs.length };
}
