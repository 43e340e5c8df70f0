import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import ExcelJS from '../../lib/exceljs.js';
import { setupTestEnv, type Session, type TestEnv } from '../../test/fixture.js';
import { calendarDays } from '../committee/tables.js';
import { metricContext, schoolsUnder } from '../supervision/compute.js';
import { educationMetrics } from './metrics.js';

// The test clock is 2026-11-25 (Wednesday); no calendar terms → the fixed autumn term 2026-09-01 – 2027-01-31.
let env: TestEnv;
let leader: Session; // school.leader of school A
let head: Session; // head.teacher of class A (七年级1班)
let otherLeader: Session; // a leader of school B
beforeAll(async () => {
  env = await setupTestEnv();
  // 国庆 2026: 1–7 October off, make-up workdays Sunday 20 September and Saturday 10 October
  await env.deps.db.insert(calendarDays).values([
    ...[1, 2, 3, 4, 5, 6, 7].map((d) => ({ regionId: env.ids.cityId, date: `2026-10-0${d}`, kind: 'holiday' as const, label: '国庆' })),
    { regionId: env.ids.cityId, date: '2026-09-20', kind: 'workday' as const, label: '调休' },
    { regionId: env.ids.cityId, date: '2026-10-10', kind: 'workday' as const, label: '调休' },
  ]).onConflictDoNothing();
  await env.addAccount('leader.b', [{ role: 'school_leader', orgUnitId: env.ids.schoolB }]);
  [leader, head, otherLeader] = await Promise.all([env.login('school.leader'), env.login('head.teacher'), env.login('leader.b')]);
});
afterAll(async () => env?.close());

const lessonsOf = async (classId: number) => (await rows<{ n: number }>(env.deps.db, sql`select count(*)::int as n from education_lessons where class_id = ${classId}`))[0]!.n;
const audits = async (action: string) => (await rows<{ n: number }>(env.deps.db, sql`select count(*)::int as n from audit_log where action = ${action}`))[0]!.n;

describe('recording a lesson', () => {
  let lessonId = '';
  it('a head teacher records one for their class; a retry with the same clientId returns the same row', async () => {
    const body = { classId: env.ids.classA, date: '2026-11-20', topic: '认识我的情绪', minutes: 40, clientId: randomUUID() };
    const a = await head.post('/api/v1/education/lessons', body);
    expect(a.statusCode, a.body).toBe(200);
    const b = await head.post('/api/v1/education/lessons', body);
    expect(b.json().id).toBe(a.json().id);
    expect(a.json()).toMatchObject({ className: '七年级1班', canEdit: true, source: 'manual' });
    expect(await lessonsOf(env.ids.classA)).toBe(1);
    expect(await audits('education.lesson.create')).toBe(1);
    lessonId = a.json().id;
  });

  it('refuses a future date, a second lesson that day, and bad fields in Chinese', async () => {
    const future = await head.post('/api/v1/education/lessons', { classId: env.ids.classA, date: '2026-11-30', topic: 'x', clientId: randomUUID() });
    expect(future.statusCode).toBe(400);
    expect(future.json().error.fields.date).toContain('未来');
    const twice = await head.post('/api/v1/education/lessons', { classId: env.ids.classA, date: '2026-11-20', topic: '另一节', clientId: randomUUID() });
    expect(twice.statusCode).toBe(409);
    const empty = await head.post('/api/v1/education/lessons', { classId: env.ids.classA, date: '2026-11-19', topic: '', minutes: 5, clientId: randomUUID() });
    expect(empty.statusCode).toBe(400);
    expect(JSON.stringify(empty.json().error.fields)).toMatch(/请填写课题|10 分钟/);
  });

  it('scope: another class, another school → 404; parents and students → 403', async () => {
    expect((await head.post('/api/v1/education/lessons', { classId: env.ids.classA2, date: '2026-11-20', topic: 'x', clientId: randomUUID() })).statusCode).toBe(404);
    expect((await otherLeader.post('/api/v1/education/lessons', { classId: env.ids.classA, date: '2026-11-18', topic: 'x', clientId: randomUUID() })).statusCode).toBe(404);
    expect((await otherLeader.get(`/api/v1/education/classes?schoolId=${env.ids.schoolA}`)).statusCode).toBe(404);
    expect((await otherLeader.get(`/api/v1/education/lessons?classId=${env.ids.classA}`)).statusCode).toBe(404);
    expect((await otherLeader.put(`/api/v1/education/lessons/${lessonId}`, { topic: 'x' })).statusCode).toBe(404);
    for (const who of ['parent', 'student']) {
      const s = await env.login(who);
      expect((await s.get(`/api/v1/education/lessons?schoolId=${env.ids.schoolA}`)).statusCode).toBe(403);
      expect((await s.post('/api/v1/education/lessons', { classId: env.ids.classA, date: '2026-11-18', topic: 'x', clientId: randomUUID() })).statusCode).toBe(403);
    }
    // the head teacher sees only their class of the school
    const mine = await head.get(`/api/v1/education/classes?schoolId=${env.ids.schoolA}`);
    expect(mine.statusCode).toBe(200);
    expect(mine.json().classes.map((c: { classId: number }) => c.classId)).toEqual([env.ids.classA]);
    expect((await head.get(`/api/v1/education/classes?classId=${env.ids.classA}`)).json().schoolId).toBe(env.ids.schoolA);
    expect((await head.get(`/api/v1/education/classes?classId=${env.ids.classA2}`)).statusCode).toBe(404);
  });

  it('only the recorder edits or deletes their own entry (audited)', async () => {
    expect((await leader.put(`/api/v1/education/lessons/${lessonId}`, { topic: '改' })).statusCode).toBe(404);
    const ok = await head.put(`/api/v1/education/lessons/${lessonId}`, { topic: '认识并接纳情绪' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().topic).toBe('认识并接纳情绪');
    expect(await audits('education.lesson.update')).toBe(1);
  });
});

describe('bulk entry from a timetable', () => {
  const body = () => ({ classIds: [env.ids.classA, env.ids.classA2], weekdays: [1], from: '2026-09-01', to: '2026-11-24', topics: ['悦纳自我'], minutes: 40 });
  it('previews the count: Mondays that are school days (5 October is 国庆), × 2 classes', async () => {
    const p = await leader.post('/api/v1/education/lessons/bulk', { ...body(), preview: true });
    expect(p.statusCode, p.body).toBe(200);
    // Mondays 7 Sep – 23 Nov: 12, minus 5 October
    expect(p.json()).toMatchObject({ classes: 2, planned: 22, existing: 0, created: 0 });
    expect(p.json().dates).not.toContain('2026-10-05');
    expect(await lessonsOf(env.ids.classA2)).toBe(0);
  });
  it('saves once; saving again creates nothing new', async () => {
    const a = await leader.post('/api/v1/education/lessons/bulk', body());
    expect(a.json()).toMatchObject({ planned: 22, created: 22 });
    const b = await leader.post('/api/v1/education/lessons/bulk', body());
    expect(b.json()).toMatchObject({ planned: 22, created: 0, existing: 22 });
    expect(await lessonsOf(env.ids.classA2)).toBe(11);
  });
  it('refuses a range reaching past today (lessons are recorded once given), nothing created', async () => {
    const r = await leader.post('/api/v1/education/lessons/bulk', { ...body(), classIds: [env.ids.classA2], from: '2026-11-23', to: '2026-12-31' });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.fields.to).toContain('未来');
    expect(await lessonsOf(env.ids.classA2)).toBe(11);
  });
  it('a head teacher cannot bulk-enter for another class; a leader of another school cannot either', async () => {
    expect((await head.post('/api/v1/education/lessons/bulk', body())).statusCode).toBe(404);
    expect((await otherLeader.post('/api/v1/education/lessons/bulk', { ...body(), preview: true })).statusCode).toBe(404);
  });
  it('moving a lesson onto a day the class already has one is refused (409), nothing changed', async () => {
    const own = (await head.get(`/api/v1/education/lessons?classId=${env.ids.classA}&from=2026-11-20&to=2026-11-20`)).json().items[0];
    const r = await head.put(`/api/v1/education/lessons/${own.id}`, { date: '2026-11-23' });
    expect(r.statusCode, r.body).toBe(409);
    expect(r.json().error.fields.date).toContain('已有');
    expect((await head.get(`/api/v1/education/lessons?classId=${env.ids.classA}&from=2026-11-20&to=2026-11-20`)).json().total).toBe(1);
  });
  it('class compliance: both classes comply, the others of the school do not', async () => {
    const r = await leader.get(`/api/v1/education/classes?schoolId=${env.ids.schoolA}`);
    expect(r.statusCode).toBe(200);
    const byId = new Map(r.json().classes.map((c: { classId: number }) => [c.classId, c]));
    expect(byId.get(env.ids.classA)).toMatchObject({ lessons: 12, compliant: true, canRecord: true });
    expect(byId.get(env.ids.classA2)).toMatchObject({ lessons: 11, compliant: true });
    expect(r.json().term).toMatchObject({ start: '2026-09-01', end: '2027-01-31', asOf: '2026-11-25', fromCalendar: false });
  });
});

type Row = (string | number | null)[];
async function lessonsXlsx(data: Row[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('心理健康课');
  ws.addRow(['2026 秋季心理健康课登记']);
  ws.addRow(['班级', '日期', '课题', '授课教师', '课时']);
  data.forEach((r) => ws.addRow(r));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
async function upload(s: Session, file: Buffer, name: string, schoolId = env.ids.schoolA) {
  const fd = new FormData();
  fd.append('file', new Blob([file]), name);
  const req = new Request('http://local/', { method: 'POST', body: fd });
  return env.app.inject({
    method: 'POST',
    url: `/api/v1/education/lessons/import?schoolId=${schoolId}`,
    headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': req.headers.get('content-type')! },
    payload: Buffer.from(await req.arrayBuffer()),
  });
}

describe('import from .xlsx', () => {
  const good: Row[] = [
    ['七年级3班', '2026-11-02', '学会倾听', '', 1],
    ['初一(3)班', '2026/11/16', '情绪小管家', '', 40],
  ];
  it('a bad row: every problem named by row and column, nothing imported', async () => {
    const before = (await rows<{ n: number }>(env.deps.db, sql`select count(*)::int as n from education_lessons`))[0]!.n;
    const r = await upload(leader, await lessonsXlsx([...good, ['七年级99班', '2026-13-01', '', '不存在的老师', 500]]), 'lessons.xlsx');
    expect(r.statusCode, r.body).toBe(200);
    const out = r.json();
    expect(out.ok).toBe(false);
    expect(out.imported).toBe(0);
    const cols = out.errors.map((e: { row: number; column: string }) => `${e.row}:${e.column}`);
    expect(cols).toEqual(['5:班级', '5:日期', '5:课题', '5:授课教师', '5:时长（分钟）']);
    expect(out.errors[0].message).toContain('本校没有“七年级99班”这个班级');
    expect((await rows<{ n: number }>(env.deps.db, sql`select count(*)::int as n from education_lessons`))[0]!.n).toBe(before);
  });
  it('the fixed file imports; importing it again creates nothing new', async () => {
    const a = (await upload(leader, await lessonsXlsx(good), 'lessons.xlsx')).json();
    expect(a).toMatchObject({ ok: true, rows: 2, imported: 2, existing: 0 });
    const b = (await upload(leader, await lessonsXlsx(good), 'lessons.xlsx')).json();
    expect(b).toMatchObject({ ok: true, imported: 0, existing: 2 });
    const minutes = await rows<{ minutes: number }>(env.deps.db, sql`select minutes from education_lessons where source = 'import' order by date`);
    expect(minutes.map((m) => m.minutes)).toEqual([40, 40]);
  });
  it('a head teacher importing rows of another class is refused on that row', async () => {
    const r = (await upload(head, await lessonsXlsx([['七年级1班', '2026-11-03', '自我认识', '', 40], ['七年级2班', '2026-11-03', '自我认识', '', 40]]), 'x.xlsx')).json();
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual([{ row: 4, column: '班级', message: '您无权为“七年级2班”录入心理健康课' }]);
    expect((await upload(otherLeader, await lessonsXlsx(good), 'x.xlsx')).statusCode).toBe(404);
  });
  it('the template downloads', async () => {
    const t = await leader.get('/api/v1/education/lessons/template');
    expect(t.statusCode).toBe(200);
    expect(t.headers['content-type']).toContain('spreadsheetml');
  });
});

describe('activities, clubs and the metrics', () => {
  it('activities and a club; other schools cannot record for school A', async () => {
    for (const date of ['2026-10-15', '2026-11-12']) {
      const r = await leader.post('/api/v1/education/activities', { unitId: env.ids.schoolA, kind: 'infusion', title: '语文课中的情绪教育', date, participants: 12, clientId: randomUUID() });
      expect(r.statusCode, r.body).toBe(200);
    }
    const themed = await leader.post('/api/v1/education/activities', { unitId: env.ids.schoolA, kind: 'themed', theme: 'wmh_day', title: '世界精神卫生日', date: '2026-10-10', clientId: randomUUID() });
    expect(themed.statusCode).toBe(200);
    const noTheme = await leader.post('/api/v1/education/activities', { unitId: env.ids.schoolA, kind: 'themed', title: 'x', date: '2026-10-10', clientId: randomUUID() });
    expect(noTheme.statusCode).toBe(400);
    const club = { schoolId: env.ids.schoolA, name: '阳光心理社', members: 30, foundedOn: '2025-09-10', clientId: randomUUID() };
    const c1 = await leader.post('/api/v1/education/clubs', club);
    expect(c1.statusCode, c1.body).toBe(200);
    expect((await leader.post('/api/v1/education/clubs', club)).json().id).toBe(c1.json().id);
    expect((await otherLeader.post('/api/v1/education/clubs', { ...club, clientId: randomUUID() })).statusCode).toBe(404);
    expect((await otherLeader.put(`/api/v1/education/clubs/${c1.json().id}`, { members: 1 })).statusCode).toBe(404);
    expect((await head.post('/api/v1/education/activities', { unitId: env.ids.schoolA, kind: 'infusion', title: 'x', date: '2026-10-15', clientId: randomUUID() })).statusCode).toBe(404);
    const list = await otherLeader.get(`/api/v1/education/activities?unitId=${env.ids.schoolA}`);
    expect(list.statusCode).toBe(404);
  });

  it('metric figures for schools A and B against the hand count', async () => {
    const classesOf = async (schoolId: number) => (await rows<{ n: number }>(env.deps.db, sql`
      select count(*)::int as n from org_units c join org_units g on g.id = c.parent_id where g.parent_id = ${schoolId} and c.kind = 'class' and c.active`))[0]!.n;
    const all = await schoolsUnder(env.deps, env.ids.cityId, `/${env.ids.cityId}/`);
    const ctx = metricContext(env.deps, env.ids.cityId, 2026, all.filter((s) => s.id === env.ids.schoolA || s.id === env.ids.schoolB));
    const fig = async (key: string) => {
      const m = educationMetrics.find((x) => x.key === key)!;
      return new Map((await m.perSchool(ctx)).map((f) => [f.schoolId, [f.numerator, f.denominator]]));
    };
    const A = env.ids.schoolA;
    const B = env.ids.schoolB;
    // class A (12 lessons) and A2 (11) comply; 七年级3班 has 2 imported lessons (not enough: no lesson in September)
    expect((await fig('lesson_class_compliance')).get(A)).toEqual([2, await classesOf(A)]);
    expect((await fig('lesson_class_compliance')).get(B)).toEqual([0, await classesOf(B)]);
    expect((await fig('schools_offering_lessons')).get(A)).toEqual([1, 1]);
    expect((await fig('schools_offering_lessons')).get(B)).toEqual([0, 1]);
    expect((await fig('infusion_activity_compliance')).get(A)).toEqual([1, 1]);
    expect((await fig('infusion_activity_compliance')).get(B)).toEqual([0, 1]);
    expect((await fig('research_activity_compliance')).get(A)).toEqual([0, 1]);
    expect((await fig('themed_activities')).get(A)).toEqual([1, 1]);
    expect((await fig('psych_clubs')).get(A)).toEqual([1, 1]);
    const rec = await educationMetrics.find((x) => x.key === 'lesson_class_compliance')!.records(ctx, A);
    expect(rec.rows.find((r) => r.className === '七年级1班')).toMatchObject({ lessons: 12, compliant: '达标' });

    // the bureau's overview agrees
    const district = await env.login('district.admin');
    const ov = await district.get(`/api/v1/education/overview?unitId=${env.ids.districtA}`);
    expect(ov.statusCode, ov.body).toBe(200);
    expect(ov.json().schools.find((s: { schoolId: number }) => s.schoolId === A)).toMatchObject({ compliantClasses: 2, offersLessons: true, infusion: 2, infusionOk: true, clubs: 1, themed: 1 });
  });
});

describe('the bureau, district teaching research and deletions', () => {
  it('a district teaching-research activity counts for each school of that district, not for another district', async () => {
    const all = await schoolsUnder(env.deps, env.ids.cityId, `/${env.ids.cityId}/`);
    const research = async () => {
      const ctx = metricContext(env.deps, env.ids.cityId, 2026, all.filter((s) => [env.ids.schoolA, env.ids.schoolB, env.ids.schoolC].includes(s.id)));
      const m = educationMetrics.find((x) => x.key === 'research_activity_compliance')!;
      return new Map((await m.perSchool(ctx)).map((f) => [f.schoolId, f.numerator]));
    };
    expect(await research()).toEqual(new Map([[env.ids.schoolA, 0], [env.ids.schoolB, 0], [env.ids.schoolC, 0]]));
    // the district bureau records the teaching research it held for its schools (education.research)
    const district = await env.login('district.admin');
    for (const date of ['2026-09-16', '2026-10-21']) {
      const res = await district.post('/api/v1/education/activities', { unitId: env.ids.districtA, kind: 'research', title: '全区心理教研', date, clientId: randomUUID() });
      expect(res.statusCode, res.body).toBe(200);
    }
    // September and October are the months over by 25 November
    expect(await research()).toEqual(new Map([[env.ids.schoolA, 1], [env.ids.schoolB, 1], [env.ids.schoolC, 0]]));
    const list = await leader.get(`/api/v1/education/activities?unitId=${env.ids.schoolA}&kind=research`);
    expect(list.json().items.map((a: { unitName: string }) => a.unitName)).toEqual(['江城区', '江城区']);
    const ov = await (await env.login('district.admin')).get(`/api/v1/education/overview?unitId=${env.ids.schoolB}`);
    expect(ov.json().schools).toMatchObject([{ schoolId: env.ids.schoolB, researchOk: true, researchMissing: [] }]);
  });

  it('the district bureau reads its own district only and records only its district\'s teaching research', async () => {
    const district = await env.login('district.admin');
    expect((await district.get(`/api/v1/education/overview?unitId=${env.ids.districtB}`)).statusCode).toBe(404);
    expect((await district.get(`/api/v1/education/classes?schoolId=${env.ids.schoolC}`)).statusCode).toBe(404);
    expect((await district.get(`/api/v1/education/activities?unitId=${env.ids.schoolC}`)).statusCode).toBe(404);
    expect((await district.get(`/api/v1/education/clubs?schoolId=${env.ids.schoolC}`)).statusCode).toBe(404);
    const ov = (await district.get('/api/v1/education/overview')).json();
    expect(ov.schools.map((s: { schoolId: number }) => s.schoolId)).toContain(env.ids.schoolA);
    expect(ov.schools.map((s: { schoolId: number }) => s.schoolId)).not.toContain(env.ids.schoolC);
    const lessons = (await district.get('/api/v1/education/lessons?pageSize=200')).json();
    expect(lessons.items.every((l: { schoolId: number }) => l.schoolId !== env.ids.schoolC)).toBe(true);
    const research = { kind: 'research', title: '区心理教研', date: '2026-11-18' };
    expect((await district.post('/api/v1/education/activities', { ...research, unitId: env.ids.districtB, clientId: randomUUID() })).statusCode).toBe(404);
    expect((await district.post('/api/v1/education/activities', { ...research, unitId: env.ids.schoolA, clientId: randomUUID() })).statusCode).toBe(404);
    expect((await district.post('/api/v1/education/activities', { ...research, unitId: env.ids.districtA, kind: 'themed', theme: 'mh_day', clientId: randomUUID() })).statusCode).toBe(400);
    expect((await leader.post('/api/v1/education/activities', { ...research, unitId: env.ids.districtA, clientId: randomUUID() })).statusCode).toBe(404);
    expect((await district.post('/api/v1/education/lessons', { classId: env.ids.classA, date: '2026-11-18', topic: 'x', clientId: randomUUID() })).statusCode).toBe(403);
  });

  it('only the recorder deletes their recent entry (audited); others get 404', async () => {
    const lesson = (await head.post('/api/v1/education/lessons', { classId: env.ids.classA, date: '2026-11-24', topic: '删除用', clientId: randomUUID() })).json();
    expect((await leader.del(`/api/v1/education/lessons/${lesson.id}`)).statusCode).toBe(404);
    expect((await otherLeader.del(`/api/v1/education/lessons/${lesson.id}`)).statusCode).toBe(404);
    expect((await head.del(`/api/v1/education/lessons/${lesson.id}`)).statusCode).toBe(200);
    expect((await rows<{ n: number }>(env.deps.db, sql`select count(*)::int as n from education_lessons where id = ${lesson.id}`))[0]!.n).toBe(0);
    expect(await audits('education.lesson.delete')).toBe(1);
    const act = (await leader.post('/api/v1/education/activities', { unitId: env.ids.schoolA, kind: 'themed', theme: 'other', title: '删除用', date: '2026-11-20', clientId: randomUUID() })).json();
    expect((await head.del(`/api/v1/education/activities/${act.id}`)).statusCode).toBe(404);
    expect((await otherLeader.del(`/api/v1/education/activities/${act.id}`)).statusCode).toBe(404);
    expect((await leader.del(`/api/v1/education/activities/${act.id}`)).statusCode).toBe(200);
    expect(await audits('education.activity.delete')).toBe(1);
  });
});
