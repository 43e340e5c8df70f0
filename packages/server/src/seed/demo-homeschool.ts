/**
 * Demo homeschool data: 家长学校 micro-courses of the city (made up, written for parents of secondary
 * students) and one of 江城区实验中学 (S0201); a 心理健康家长会 at S0201 a week ago with the families
 * of part of 七年级1班 ticked on the sheet; the demo `parent` has learned one course. The full demo
 * also holds a session at each school of 江城区 with about 40 % of families present (one insert).
 * Called inside seedDemo's transaction after the accounts and the counseling demo exist. Does nothing
 * when the city, the school or the accounts are missing.
 */
import { addDaysIso, makeCheckInCode } from '@xinyu/core';
import { sql } from 'drizzle-orm';
import { randomInt, randomUUID } from 'node:crypto';
import { rows, type Db } from '../db/client.js';
import { homeschoolAttendance, homeschoolCompletions, homeschoolCourses, homeschoolSessions } from '../modules/homeschool/tables.js';
import { cstToday } from '../modules/screening/campaigns.js';

const COURSES: { title: string; summary: string; minutes: number; credits: number; body: string; kind?: 'video' }[] = [
  {
    title: '如何与青春期孩子沟通',
    summary: '先倾听，再表达：三个日常就能用的沟通方法',
    minutes: 15,
    credits: 2,
    body: '进入初中后，孩子越来越看重自己的想法，也更在意被尊重。很多家长发现，过去管用的说教，现在只换来沉默或顶嘴。\n\n第一，先听完再说。孩子开口时，放下手机，看着孩子，不急着评判和给建议。可以复述一句：“你是觉得……对吗？”让孩子知道您听懂了。\n\n第二，说感受，不贴标签。把“你怎么这么懒”换成“看到作业还没动，我有点着急”。描述事实和自己的感受，孩子更容易接受。\n\n第三，留出商量的空间。手机时间、周末安排等，可以和孩子一起定规则，约定好做不到时怎么办。孩子参与制定的规则，更愿意遵守。',
  },
  {
    title: '识别孩子情绪变化的信号',
    summary: '哪些变化值得留意，留意到之后家长可以做什么',
    minutes: 12,
    credits: 2,
    body: '青春期情绪起伏是正常的，但有些变化持续两周以上，就值得家长多留意：睡眠明显变多或变少，食欲变化大；对原来喜欢的事情失去兴趣；常说“没意思”“好累”；不愿上学，成绩突然下滑；和朋友来往明显减少。\n\n留意到这些信号时，先别急着追问或批评。找一个轻松的时间，告诉孩子您注意到的变化，表达关心：“最近看你不太开心，愿意和我说说吗？”\n\n如果孩子不愿说，也不要勉强，让孩子知道您随时都在。必要时可以联系班主任或学校心理老师，一起商量怎样帮助孩子。',
  },
  {
    title: '考试季的家庭支持',
    summary: '帮孩子减压，而不是加压',
    minutes: 10,
    credits: 1,
    body: '考试前后，孩子的压力往往比家长想象的大。家庭能做的，是提供稳定和支持。\n\n保持日常作息，保证睡眠和三餐，不临时加码补课。少问分数和排名，多问“今天复习得怎么样，有什么需要帮忙的”。\n\n成绩出来后，先关心孩子的感受，再一起分析原因。一次考试不能说明一切，让孩子知道，无论结果如何，家人都支持他。',
  },
  {
    title: '陪伴孩子合理使用手机',
    summary: '用约定代替没收',
    minutes: 8,
    credits: 1,
    kind: 'video',
    body: '本微课为视频，点击上方按钮观看。观看后可以和孩子一起，商量一份家庭用手机约定。',
  },
];

export async function seedDemoHomeschool(tx: Db, opts: { now: Date; full: boolean }): Promise<Record<string, number>> {
  const { now, full } = opts;
  const city = (await rows<{ id: number; path: string; region_id: number }>(tx, sql`select id, path, region_id from org_units where code = 'LJ' and kind = 'city'`))[0];
  const school = (await rows<{ id: number; path: string }>(tx, sql`select id, path from org_units where code = 'S0201' and kind = 'school'`))[0];
  const people = await rows<{ username: string; id: string; name: string }>(tx, sql`select username, id, display_name as name from accounts where username in ('city.admin', 'counselor', 'head.teacher', 'parent')`);
  const who = (u: string) => people.find((p) => p.username === u);
  const admin = who('city.admin');
  const counselor = who('counselor');
  const head = who('head.teacher');
  const parent = who('parent');
  if (!city || !school || !admin || !counselor || !head || !parent) return {};
  const regionId = city.region_id;
  const today = cstToday(now);
  const year = Number(today.slice(0, 4));

  const courseRows = [
    ...COURSES.map((c, i) => ({
      regionId, ownerUnitId: city.id, orgPath: city.path, title: c.title, summary: c.summary, kind: c.kind ?? ('text' as const),
      videoUrl: c.kind === 'video' ? 'https://example.org/parent-school/phone-agreement' : null, body: c.body, minutes: c.minutes, credits: c.credits,
      targetGrades: [] as number[], year, published: true, publishedAt: new Date(now.getTime() - (60 - i * 10) * 86_400_000), clientId: randomUUID(), createdBy: admin.id, createdAt: now, updatedAt: now,
    })),
    {
      regionId, ownerUnitId: school.id, orgPath: school.path, title: '七年级新生家长：适应初中生活', summary: '陪孩子度过从小学到初中的过渡期', kind: 'text' as const, videoUrl: null,
      body: '升入初中，科目变多、作业变难、同学都是新面孔，孩子需要一段时间适应。\n\n头两个月，多听孩子讲学校里的事，帮孩子建立新的作息和学习习惯。遇到困难时，鼓励孩子主动向老师和同学求助。\n\n如果孩子持续不适应，请和班主任保持联系，我们一起帮助孩子。',
      minutes: 10, credits: 1, targetGrades: [7], year, published: true, publishedAt: new Date(now.getTime() - 20 * 86_400_000), clientId: randomUUID(), createdBy: counselor.id, createdAt: now, updatedAt: now,
    },
  ];
  const courses = await tx.insert(homeschoolCourses).values(courseRows).returning({ id: homeschoolCourses.id, title: homeschoolCourses.title, credits: homeschoolCourses.credits });

  // the demo parent learned the first course a fortnight ago
  const first = courses.find((c) => c.title === COURSES[0]!.title)!;
  await tx.insert(homeschoolCompletions).values({ regionId, courseId: first.id, accountId: parent.id, completedOn: addDaysIso(today, -14), credits: first.credits, createdAt: now });

  // a 心理健康家长会 at S0201 a week ago; families of about half of 七年级1班 ticked on the sheet (not the demo student's: the parent can still check in)
  const [session] = await tx.insert(homeschoolSessions).values({
    regionId, schoolId: school.id, target: 'school', targetUnitId: school.id, orgPath: school.path, date: addDaysIso(today, -7), topic: '心理健康家长会：读懂青春期的情绪',
    speaker: '学校心理老师', mentalHealth: true, code: 'JC7Q2M', clientId: randomUUID(), createdBy: counselor.id, createdByName: counselor.name, createdAt: now, updatedAt: now,
  }).returning({ id: homeschoolSessions.id });
  const klass = await rows<{ id: string }>(tx, sql`
    select st.id from students st join org_units c on c.id = st.class_id join org_units g on g.id = c.parent_id
    where g.parent_id = ${school.id} and g.grade_level = 7 and c.class_no = 1 and st.status = 'active'
      and st.id not in (select student_id from role_assignments where role = 'parent' and student_id is not null)
    order by st.student_no`);
  const present = klass.filter((_, i) => i % 2 === 0);
  if (present.length) {
    await tx.insert(homeschoolAttendance).values(present.map((s) => ({ sessionId: session!.id, studentId: s.id, attended: true, source: 'sheet' as const, recordedBy: head.id, recordedAt: now })));
  }

  let others = 0;
  if (full) {
    // one session at each other school of 江城区, about 40 % of families present; codes from the real generator (no 0/O, 1/I/L), distinct from each other and the S0201 session's
    const schools = await rows<{ id: number; path: string }>(tx, sql`
      select s.id, s.path from org_units s join org_units d on d.id = s.parent_id and d.code = 'D01' where s.kind = 'school' and s.id <> ${school.id} order by s.id`);
    const codes = new Set(['JC7Q2M']);
    const sessionRows = schools.map((s) => {
      let code = makeCheckInCode(() => randomInt(0, 1_000_000) / 1_000_000);
      while (codes.has(code)) code = makeCheckInCode(() => randomInt(0, 1_000_000) / 1_000_000);
      codes.add(code);
      return {
        regionId, schoolId: s.id, target: 'school' as const, targetUnitId: s.id, orgPath: s.path, date: addDaysIso(today, -30), topic: '心理健康家长会：家庭是孩子的第一所学校',
        speaker: '区心理健康教育中心', mentalHealth: true, code, clientId: randomUUID(), createdBy: counselor.id, createdByName: '学校心理老师', createdAt: now, updatedAt: now,
      };
    });
    const made = sessionRows.length ? await tx.insert(homeschoolSessions).values(sessionRows).returning({ id: homeschoolSessions.id }) : [];
    others = made.length;
    if (made.length) {
      await tx.execute(sql`
        insert into homeschool_attendance (session_id, student_id, attended, source, recorded_by, recorded_at)
        select hs.id, st.id, true, 'sheet', ${head.id}, ${now} from homeschool_sessions hs join students st on st.school_id = hs.school_id and st.status = 'active'
        where hs.id = any(${sql.param(made.map((m) => m.id))}::uuid[]) and abs(hashtext(st.id::text)) % 10 < 4
        on conflict do nothing`);
    }
  }
  return { courses: courses.length, sessions: 1 + others, attendance: present.length };
}
