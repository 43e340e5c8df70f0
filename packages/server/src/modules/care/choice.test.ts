import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import { newTotpSecret } from '../auth/totp.js';
import { setupTestEnv, type Session, type TestEnv } from '../../test/fixture.js';

let env: TestEnv;
let care: Session;
let counselor: Session;
let leader: Session;
let head: Session;
let parent: Session;
let outsider: Session; // a teacher of school B, with a staff record there
let classmateRecord: string; // orange, class A
let redRecord: string; // red: for leaders only
let selfRecord: string; // the demo student, whose guardian is the demo parent
let extraRecord: string;
let classmateName: string;

const one = async <T>(q: ReturnType<typeof sql>) => (await rows<T>(env.deps.db, q))[0]!;
const count = async (q: ReturnType<typeof sql>) => (await one<{ n: number }>(q)).n;
const register = async (studentId: string, level: string) => {
  const res = await counselor.post('/api/v1/care/students', { studentId, categories: ['left_behind'], level, reason: '父母外出务工，近期情绪低落，不愿与人交流' });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().id as string;
};

beforeAll(async () => {
  env = await setupTestEnv();
  [care, counselor, leader, head, parent] = await Promise.all([env.login('care.teacher'), env.login('counselor'), env.login('school.leader'), env.login('head.teacher'), env.login('parent')]);
  const acct = await env.addAccount('schoolb.teacher', []);
  await env.deps.db.execute(sql`update accounts set staff_id = (select id from staff where school_id = ${env.ids.schoolB} and active order by name limit 1) where id = ${acct}`);
  outsider = await env.login('schoolb.teacher');
  classmateRecord = await register(env.ids.classmate, 'orange');
  redRecord = await register(env.ids.otherClassStudent, 'red');
  selfRecord = await register(env.ids.studentSelf, 'yellow');
  const extra = await one<{ id: string }>(sql`select id from students s where class_id = ${env.ids.classA2} and not exists (select 1 from key_students k where k.student_id = s.id) order by student_no limit 1`);
  extraRecord = await register(extra.id, 'yellow');
  classmateName = (await one<{ name: string }>(sql`select name from students where id = ${env.ids.classmate}`)).name;
}, 120_000);
afterAll(async () => env?.close());

describe('two-way choice (双向选择)', () => {
  it('a teacher sees the school’s students open for care by name, class and level only; the hardest cases only leaders see', async () => {
    const res = await head.get('/api/v1/care/openings');
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items as { keyStudentId: string; level: string }[];
    expect(items.map((i) => i.keyStudentId)).toContain(classmateRecord);
    expect(items.map((i) => i.keyStudentId)).not.toContain(redRecord);
    expect(Object.keys(items[0]!).sort()).toEqual(['className', 'keyStudentId', 'level', 'myOffer', 'name', 'problems']);
    expect(res.body).not.toContain('父母外出务工');
    expect(res.body).not.toContain('left_behind');
    // the demo care teacher's own students already have a carer: not open
    const caredRecords = (await rows<{ id: string }>(env.deps.db, sql`select id from key_students where student_id = any(${sql.param(env.ids.caredStudents)}::uuid[])`)).map((r) => r.id);
    expect(caredRecords).toHaveLength(3);
    expect(items.filter((i) => caredRecords.includes(i.keyStudentId))).toEqual([]);
    expect((await leader.get('/api/v1/care/openings')).json().items.map((i: { keyStudentId: string }) => i.keyStudentId)).toContain(redRecord);
    expect((await outsider.get('/api/v1/care/openings')).json().items.map((i: { keyStudentId: string }) => i.keyStudentId)).not.toContain(classmateRecord);
    for (const who of [parent, await env.login('student'), await env.login('district.admin')]) expect((await who.get('/api/v1/care/openings')).statusCode).toBe(403);
    expect(await count(sql`select count(*)::int as n from audit_log where action = 'care.openings.read'`)).toBeGreaterThanOrEqual(3);
  });

  it('a double click or a retry stores one offer; the school’s leaders and counselor are told', async () => {
    const body = { note: '我是他的数学老师，愿意每周和他谈一次' };
    const [a, b] = await Promise.all([head.post(`/api/v1/care/students/${classmateRecord}/volunteer`, body), head.post(`/api/v1/care/students/${classmateRecord}/volunteer`, body)]);
    expect(a.statusCode, a.body).toBe(200);
    expect(b.statusCode, b.body).toBe(200);
    expect(a.json().id).toBe(b.json().id);
    expect((await head.post(`/api/v1/care/students/${classmateRecord}/volunteer`, body)).json().id).toBe(a.json().id);
    expect(await count(sql`select count(*)::int as n from care_volunteers where key_student_id = ${classmateRecord}`)).toBe(1);
    expect(await count(sql`select count(*)::int as n from notifications n join accounts a on a.id = n.account_id where a.username in ('school.leader', 'counselor') and n.kind = 'care.volunteered'`)).toBe(2);
    expect((await care.post(`/api/v1/care/students/${classmateRecord}/volunteer`, { note: '我可以每天课间关注他' })).statusCode).toBe(200);
    expect((await head.get('/api/v1/care/openings')).json().items.find((i: { keyStudentId: string }) => i.keyStudentId === classmateRecord).myOffer).not.toBeNull();
  });

  it('nobody volunteers outside their school, for a leader’s case, or without a note', async () => {
    expect((await outsider.post(`/api/v1/care/students/${classmateRecord}/volunteer`, { note: '愿意帮助' })).statusCode).toBe(404);
    expect((await head.post(`/api/v1/care/students/${redRecord}/volunteer`, { note: '愿意帮助' })).statusCode).toBe(404);
    expect((await head.post(`/api/v1/care/students/${classmateRecord}/volunteer`, { note: '  ' })).statusCode).toBe(400);
    expect((await parent.post(`/api/v1/care/students/${classmateRecord}/volunteer`, { note: '愿意帮助' })).statusCode).toBe(403);
    expect(await count(sql`select count(*)::int as n from care_volunteers`)).toBe(2);
  });

  it('the leader sees the volunteers among the candidates and on the register', async () => {
    const candidates = (await leader.get(`/api/v1/care/students/${classmateRecord}/candidates`)).json().items;
    expect(candidates.slice(0, 2).map((c: { accountId: string }) => c.accountId).sort()).toEqual([head.accountId, care.accountId].sort());
    expect(candidates[0].offer).toMatchObject({ note: expect.any(String) });
    expect(candidates.filter((c: { offer: unknown }) => c.offer)).toHaveLength(2);
    const listed = (await leader.get('/api/v1/care/students')).json().items.find((k: { id: string }) => k.id === classmateRecord);
    expect(listed.pendingOffers).toBe(2);
    expect((await head.get(`/api/v1/care/students/${classmateRecord}/offers`)).statusCode).toBe(403);
    expect((await outsider.get(`/api/v1/care/students/${classmateRecord}/offers`)).statusCode).toBe(403);
  });

  it('a volunteer withdraws their own offer only, once', async () => {
    const mine = (await head.get('/api/v1/care/my-offers')).json().items[0];
    expect((await care.post(`/api/v1/care/offers/${mine.id}/withdraw`)).statusCode).toBe(404);
    expect((await head.post(`/api/v1/care/offers/${mine.id}/withdraw`)).json().status).toBe('withdrawn');
    expect((await head.post(`/api/v1/care/offers/${mine.id}/withdraw`)).statusCode).toBe(409);
    // and may offer again
    expect((await head.post(`/api/v1/care/students/${classmateRecord}/volunteer`, { note: '考虑后仍愿意包保' })).json().status).toBe('pending');
  });

  it('the leader declines with a reason and the volunteer is told', async () => {
    const offer = (await leader.get(`/api/v1/care/students/${classmateRecord}/offers`)).json().items.find((o: { accountId: string; status: string }) => o.accountId === head.accountId && o.status === 'pending');
    expect((await leader.post(`/api/v1/care/offers/${offer.id}/decline`, { reason: '' })).statusCode).toBe(400);
    const schoolBCounselor = await env.addAccount('schoolb.counselor9', [{ role: 'counselor', orgUnitId: env.ids.schoolB }]);
    expect(schoolBCounselor).toBeTruthy();
    expect((await (await env.login('schoolb.counselor9')).post(`/api/v1/care/offers/${offer.id}/decline`, { reason: '不合适' })).statusCode).toBe(404);
    expect((await head.post(`/api/v1/care/offers/${offer.id}/approve`)).statusCode).toBe(403);
    const res = await leader.post(`/api/v1/care/offers/${offer.id}/decline`, { reason: '班主任工作量已满，请关注班级整体' });
    expect(res.statusCode, res.body).toBe(200);
    const mine = (await head.get('/api/v1/care/my-offers')).json().items.find((o: { id: string }) => o.id === offer.id);
    expect(mine).toMatchObject({ status: 'declined', declineReason: '班主任工作量已满，请关注班级整体', decidedByName: expect.any(String) });
    expect(await count(sql`select count(*)::int as n from notifications where account_id = ${head.accountId} and kind = 'care.volunteer_declined'`)).toBe(1);
    expect((await leader.post(`/api/v1/care/offers/${offer.id}/decline`, { reason: '再次' })).statusCode).toBe(409);
  });

  it('approving is assigning: the volunteer becomes the care teacher and sees the student under 包保', async () => {
    const offer = (await leader.get(`/api/v1/care/students/${classmateRecord}/offers`)).json().items.find((o: { accountId: string; status: string }) => o.accountId === care.accountId && o.status === 'pending');
    const res = await leader.post(`/api/v1/care/offers/${offer.id}/approve`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ careTeacher: { accountId: care.accountId }, pendingOffers: 0 });
    expect(res.json().events.map((e: { kind: string }) => e.kind)).toContain('volunteered');
    expect((await leader.post(`/api/v1/care/offers/${offer.id}/approve`)).statusCode).toBe(409);
    care = await env.login('care.teacher');
    const mine = (await care.get('/api/v1/care/students?mine=true')).json().items.map((k: { id: string }) => k.id);
    expect(mine).toContain(classmateRecord);
    expect((await care.get('/api/v1/care/my-offers')).json().items[0]).toMatchObject({ status: 'approved' });
    expect(await one<{ title: string }>(sql`select title from notifications where account_id = ${care.accountId} and kind = 'care.assigned' order by created_at desc limit 1`)).toMatchObject({ title: '您的包保报名已通过' });
    // no longer open for care
    expect((await head.get('/api/v1/care/openings')).json().items.map((i: { keyStudentId: string }) => i.keyStudentId)).not.toContain(classmateRecord);
  });

  it('approval respects the policy’s maximum; other offers are declined when someone else is assigned', async () => {
    const city = await env.login('city.admin');
    const policy = { leaderLevels: ['red'], cadence: { daily_check: 1, talk: 7, home_visit: 30 } };
    expect((await city.put('/api/v1/care/policy', { ...policy, maxPerTeacher: 4 })).statusCode).toBe(200);
    const opening = (await care.get('/api/v1/care/openings')).json().items.find((i: { keyStudentId: string }) => i.keyStudentId === extraRecord);
    expect(opening.problems.join()).toContain('最多包保 4 名');
    const offer = (await care.post(`/api/v1/care/students/${extraRecord}/volunteer`, { note: '愿意' })).json();
    const refused = await leader.post(`/api/v1/care/offers/${offer.id}/approve`);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.message).toContain('最多包保 4 名');
    await city.put('/api/v1/care/policy', { ...policy, maxPerTeacher: 15 });
    await leader.post(`/api/v1/care/students/${extraRecord}/assign`, { accountId: counselor.accountId });
    expect((await care.get('/api/v1/care/my-offers')).json().items.find((o: { id: string }) => o.id === offer.id)).toMatchObject({ status: 'declined', declineReason: '已安排其他教师包保' });
  });
});

describe('parent volunteers (家长志愿者)', () => {
  let volunteerX: string; // registered by the school
  let ownVolunteer: string; // the demo parent, volunteering from the phone

  it('the school finds a guardian of its students and registers them once', async () => {
    const g = await one<{ id: string; name: string }>(sql`
      select g.id, g.name from guardians g join student_guardians sg on sg.guardian_id = g.id join students s on s.id = sg.student_id
      where s.class_id = ${env.ids.classA2} and g.account_id is null order by s.student_no limit 1`);
    const found = (await leader.get(`/api/v1/care/parent-volunteers/guardians?schoolId=${env.ids.schoolA}&q=${encodeURIComponent(g.name)}`)).json().items;
    expect(found.map((f: { guardianId: string }) => f.guardianId)).toContain(g.id);
    const res = await leader.post('/api/v1/care/parent-volunteers', { schoolId: env.ids.schoolA, guardianId: g.id, note: '退休教师，时间充裕' });
    expect(res.statusCode, res.body).toBe(200);
    volunteerX = res.json().id;
    expect(res.json()).toMatchObject({ source: 'school', status: 'active', pairing: null, childClasses: [expect.stringContaining('七年级')] });
    expect((await leader.post('/api/v1/care/parent-volunteers', { schoolId: env.ids.schoolA, guardianId: g.id, note: '' })).json().id).toBe(volunteerX);
    const schoolBGuardian = await one<{ id: string }>(sql`select sg.guardian_id as id from student_guardians sg where sg.student_id = ${env.ids.schoolBStudent} limit 1`);
    expect((await leader.post('/api/v1/care/parent-volunteers', { schoolId: env.ids.schoolA, guardianId: schoolBGuardian.id, note: '' })).statusCode).toBe(400);
    expect((await leader.post('/api/v1/care/parent-volunteers', { schoolId: env.ids.schoolB, guardianId: schoolBGuardian.id, note: '' })).statusCode).toBe(404);
    expect((await head.get(`/api/v1/care/parent-volunteers?schoolId=${env.ids.schoolA}`)).statusCode).toBe(403);
  });

  it('a parent volunteers from their phone at their child’s school; the leaders are told', async () => {
    const before = (await parent.get('/api/v1/me/parent-volunteering')).json();
    expect(before.schools.map((s: { id: number }) => s.id)).toEqual([env.ids.schoolA]);
    expect((await parent.post('/api/v1/me/parent-volunteering', { schoolId: env.ids.schoolB, note: '' })).statusCode).toBe(404);
    const res = await parent.post('/api/v1/me/parent-volunteering', { schoolId: env.ids.schoolA, note: '周末有时间' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().volunteering).toMatchObject([{ status: 'active' }]);
    ownVolunteer = (await leader.get(`/api/v1/care/parent-volunteers?schoolId=${env.ids.schoolA}`)).json().items.find((v: { source: string }) => v.source === 'self').id;
    expect(await count(sql`select count(*)::int as n from notifications where kind = 'care.parent_volunteered'`)).toBe(2);
    expect((await head.get('/api/v1/me/parent-volunteering')).statusCode).toBe(403);
  });

  it('pairs one volunteer with one key student: never their own child, never twice on either side', async () => {
    const own = await leader.post('/api/v1/care/parent-pairings', { volunteerId: ownVolunteer, keyStudentId: selfRecord });
    expect(own.statusCode).toBe(400);
    expect(own.json().error.message).toContain('自己的孩子');
    const res = await leader.post('/api/v1/care/parent-pairings', { volunteerId: ownVolunteer, keyStudentId: classmateRecord });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ name: classmateName, contactName: expect.any(String), endedAt: null });
    expect((await leader.post('/api/v1/care/parent-pairings', { volunteerId: volunteerX, keyStudentId: classmateRecord })).statusCode).toBe(409);
    expect((await leader.post('/api/v1/care/parent-pairings', { volunteerId: ownVolunteer, keyStudentId: selfRecord })).statusCode).toBe(400);
    expect((await leader.post('/api/v1/care/parent-pairings', { volunteerId: ownVolunteer, keyStudentId: extraRecord })).statusCode).toBe(409);
    // the database holds one-to-one even if the service were bypassed
    await expect(env.deps.db.execute(sql`insert into parent_pairings (region_id, school_id, volunteer_id, key_student_id, student_id, contact_name, started_at)
      values (${env.ids.cityId}, ${env.ids.schoolA}, ${volunteerX}, ${classmateRecord}, ${env.ids.classmate}, 'x', now())`)).rejects.toThrow();
    const outsiderCounselor = await env.login('schoolb.counselor9');
    expect((await outsiderCounselor.post('/api/v1/care/parent-pairings', { volunteerId: volunteerX, keyStudentId: extraRecord })).statusCode).toBe(404);
    expect((await outsiderCounselor.get(`/api/v1/care/parent-volunteers?schoolId=${env.ids.schoolA}`)).statusCode).toBe(404);
    expect(await count(sql`select count(*)::int as n from notifications n join accounts a on a.id = n.account_id where a.username = 'parent' and n.kind = 'care.parent_paired'`)).toBe(1);
  });

  it('the parent sees the paired student’s name, class and the school contact, and nothing else', async () => {
    const diaryNote = `今天和${classmateName}在操场谈心，说起家里的事哭了`;
    expect((await care.post(`/api/v1/care/students/${classmateRecord}/diary`, { kind: 'talk', date: '2026-11-25', mood: 2, note: diaryNote, clientId: randomUUID() })).statusCode).toBe(200);
    const res = await parent.get('/api/v1/me/parent-volunteering');
    expect(res.json().pairings).toEqual([{ id: expect.any(String), studentName: classmateName, className: expect.stringContaining('七年级'), schoolName: expect.any(String), contactName: expect.any(String), contactPhone: expect.any(String), since: expect.any(String) }]);
    for (const secret of ['orange', 'left_behind', '父母外出务工', '谈心', 'level', 'categor']) expect(res.body).not.toContain(secret);
    expect([403, 404]).toContain((await parent.get(`/api/v1/care/students/${classmateRecord}`)).statusCode);
    expect([403, 404]).toContain((await parent.get(`/api/v1/students/${env.ids.classmate}/timeline`)).statusCode);
  });

  it('ending a pairing keeps it as history; a parent may withdraw', async () => {
    const pairing = (await leader.get(`/api/v1/care/parent-pairings?schoolId=${env.ids.schoolA}`)).json().items[0];
    expect((await leader.post(`/api/v1/care/parent-pairings/${pairing.id}/end`, { reason: '' })).statusCode).toBe(400);
    expect((await leader.post(`/api/v1/care/parent-pairings/${pairing.id}/end`, { reason: '学期结束，换一位志愿者' })).json()).toMatchObject({ endReason: '学期结束，换一位志愿者', endedAt: expect.any(String) });
    expect((await leader.post(`/api/v1/care/parent-pairings/${pairing.id}/end`, { reason: '再次' })).statusCode).toBe(409);
    expect((await parent.get('/api/v1/me/parent-volunteering')).json().pairings).toEqual([]);
    // the student may now be paired with another volunteer, the first pairing still listed
    expect((await leader.post('/api/v1/care/parent-pairings', { volunteerId: volunteerX, keyStudentId: classmateRecord, contactName: '德育处王老师', contactPhone: '0391-1234567' })).statusCode).toBe(200);
    expect((await leader.get(`/api/v1/care/parent-pairings?schoolId=${env.ids.schoolA}`)).json().items.map((p: { endedAt: string | null }) => p.endedAt === null)).toEqual([true, false]);
    expect((await parent.post(`/api/v1/care/parent-volunteers/${volunteerX}/end`, { reason: '不是我' })).statusCode).toBe(404);
    expect((await parent.post(`/api/v1/care/parent-volunteers/${ownVolunteer}/end`, { reason: '工作太忙' })).statusCode).toBe(200);
    expect((await parent.get('/api/v1/me/parent-volunteering')).json().volunteering).toMatchObject([{ status: 'ended' }]);
  });
});

describe('excellent diaries (优秀成长日记) and the 爱心教师 list', () => {
  let nominationId: string;
  let district: Session;

  it('a leader nominates an entry of this quarter; the copy is de-identified; once only', async () => {
    const entries = (await leader.get(`/api/v1/care/nominations/entries?schoolId=${env.ids.schoolA}`)).json().items;
    const entry = entries.find((e: { keyStudentId: string }) => e.keyStudentId === classmateRecord);
    expect(entry).toMatchObject({ studentName: classmateName, nominated: false });
    const res = await leader.post('/api/v1/care/nominations', { diaryEntryId: entry.id, recommendation: `${classmateName}的变化很明显，记录细致` });
    expect(res.statusCode, res.body).toBe(200);
    nominationId = res.json().id;
    expect(res.json()).toMatchObject({ quarter: '2026Q4', status: 'nominated', note: '今天和该生在操场谈心，说起家里的事哭了', recommendation: '该生的变化很明显，记录细致' });
    expect(res.body).not.toContain(classmateName);
    expect(res.body).not.toContain(env.ids.classmate);
    expect((await leader.post('/api/v1/care/nominations', { diaryEntryId: entry.id, recommendation: '再推荐' })).json().id).toBe(nominationId);
    expect(await count(sql`select count(*)::int as n from diary_nominations`)).toBe(1);
  });

  it('only this quarter’s entries, only by the school’s leader', async () => {
    const old = (await care.post(`/api/v1/care/students/${classmateRecord}/diary`, { kind: 'phone', date: '2026-09-30', note: '上季度的电话联系', clientId: randomUUID() })).json().diary.find((d: { date: string }) => d.date === '2026-09-30');
    expect((await leader.post('/api/v1/care/nominations', { diaryEntryId: old.id, recommendation: '好' })).statusCode).toBe(400);
    expect((await counselor.post('/api/v1/care/nominations', { diaryEntryId: old.id, recommendation: '好' })).statusCode).toBe(403);
    await env.addAccount('schoolb.leader', [{ role: 'school_leader', orgUnitId: env.ids.schoolB }]);
    const other = await env.login('schoolb.leader');
    const entry = (await leader.get(`/api/v1/care/nominations/entries?schoolId=${env.ids.schoolA}`)).json().items[0];
    expect((await other.post('/api/v1/care/nominations', { diaryEntryId: entry.id, recommendation: '好' })).statusCode).toBe(404);
    expect((await other.get(`/api/v1/care/nominations/entries?schoolId=${env.ids.schoolA}`)).statusCode).toBe(404);
    expect((await other.get('/api/v1/care/nominations')).json().items).toEqual([]);
  });

  it('the district reviews without the student’s identity and selects; the author is told', async () => {
    district = await env.login('district.admin');
    const res = await district.get('/api/v1/care/nominations?quarter=2026Q4');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().items).toMatchObject([{ id: nominationId, schoolName: expect.any(String), authorName: expect.any(String) }]);
    expect(res.body).not.toContain(classmateName);
    expect(res.body).not.toContain(env.ids.classmate);
    expect(res.body).not.toContain('七年级1班');
    const otherId = await env.addAccount('districtb.staff', [{ role: 'bureau_staff', orgUnitId: env.ids.districtB }]);
    await env.deps.db.execute(sql`update accounts set totp_secret = ${newTotpSecret()} where id = ${otherId}`);
    const otherDistrict = await env.login('districtb.staff');
    expect((await otherDistrict.get('/api/v1/care/nominations')).json().items).toEqual([]);
    expect((await otherDistrict.post(`/api/v1/care/nominations/${nominationId}/review`, { decision: 'select' })).statusCode).toBe(404);
    expect((await leader.post(`/api/v1/care/nominations/${nominationId}/review`, { decision: 'select' })).statusCode).toBe(403);
    expect((await district.post(`/api/v1/care/nominations/${nominationId}/review`, { decision: 'not_select', note: '' })).statusCode).toBe(400);
    expect((await district.post(`/api/v1/care/nominations/${nominationId}/review`, { decision: 'select', note: '记录真实细致' })).json().status).toBe('selected');
    expect((await district.post(`/api/v1/care/nominations/${nominationId}/review`, { decision: 'select' })).statusCode).toBe(409);
    expect(await count(sql`select count(*)::int as n from notifications where account_id = ${care.accountId} and kind = 'care.diary_selected'`)).toBe(1);
  });

  it('the school nominates a care teacher with figures from the records; the bureau approves; the list is published to staff', async () => {
    const candidates = (await leader.get(`/api/v1/care/honours/candidates?schoolId=${env.ids.schoolA}&year=2026`)).json().items;
    const mine = candidates.find((c: { accountId: string }) => c.accountId === care.accountId);
    // the demo's three students and the classmate; two diary entries this year
    expect(mine).toMatchObject({ nominated: false, figures: { studentsCared: 4, diaryEntries: 2, closures: 0 } });
    expect(candidates.map((c: { accountId: string }) => c.accountId)).not.toContain(head.accountId);
    expect((await leader.post('/api/v1/care/honours', { schoolId: env.ids.schoolA, accountId: head.accountId, year: 2026, summary: '认真' })).statusCode).toBe(400);
    const res = await leader.post('/api/v1/care/honours', { schoolId: env.ids.schoolA, accountId: care.accountId, year: 2026, summary: '一年来包保四名学生，坚持每周谈心' });
    expect(res.statusCode, res.body).toBe(200);
    expect((await leader.post('/api/v1/care/honours', { schoolId: env.ids.schoolA, accountId: care.accountId, year: 2026, summary: '再推' })).statusCode).toBe(409);
    expect((await leader.post('/api/v1/care/honours', { schoolId: env.ids.schoolA, accountId: care.accountId, year: 2024, summary: '旧' })).statusCode).toBe(400);
    expect((await head.get('/api/v1/care/honours/roll?year=2026')).json().teachers).toEqual([]);
    const approved = await district.post(`/api/v1/care/honours/${res.json().id}/review`, { decision: 'approve' });
    expect(approved.json()).toMatchObject({ status: 'approved', figures: { studentsCared: 4, diaryEntries: 2 } });
    // frozen: a diary written later does not change the approved figures
    await care.post(`/api/v1/care/students/${classmateRecord}/diary`, { kind: 'daily_check', date: '2026-11-25', note: '课间正常', clientId: randomUUID() });
    expect((await district.get('/api/v1/care/honours?year=2026')).json().items[0].figures.diaryEntries).toBe(2);
    const roll = await head.get('/api/v1/care/honours/roll?year=2026');
    expect(roll.json().teachers).toMatchObject([{ teacherName: expect.any(String), summary: '一年来包保四名学生，坚持每周谈心' }]);
    expect(roll.json().diaries).toMatchObject([{ id: nominationId, note: expect.stringContaining('该生') }]);
    expect(roll.body).not.toContain(classmateName);
    expect((await parent.get('/api/v1/care/honours/roll?year=2026')).statusCode).toBe(403);
    expect((await (await env.login('student')).get('/api/v1/care/honours/roll?year=2026')).statusCode).toBe(403);
  });
});

describe('when a care teacher leaves (reassignment keeps the history)', () => {
  it('their students need a new care teacher on the register and in the meeting agenda; earlier carers stay in the history', async () => {
    const staffId = (await one<{ id: string }>(sql`select staff_id as id from accounts where username = 'care.teacher'`)).id;
    const before = (await leader.get('/api/v1/care/students?status=open')).json().items.filter((k: { careTeacher: { accountId: string } | null }) => k.careTeacher?.accountId === care.accountId).map((k: { id: string }) => k.id);
    expect(before.length).toBeGreaterThanOrEqual(3);
    expect((await leader.post(`/api/v1/staff/${staffId}/deactivate`)).statusCode).toBe(200);
    const after = (await leader.get('/api/v1/care/students?status=open')).json().items;
    for (const id of before) expect(after.find((k: { id: string }) => k.id === id).careTeacher).toBeNull();
    const detail = (await leader.get(`/api/v1/care/students/${classmateRecord}`)).json();
    expect(detail.assignments.at(-1)).toMatchObject({ accountId: care.accountId, endReason: '包保教师已离校', endedAt: expect.any(String) });
    expect(detail.events.at(-1)).toMatchObject({ kind: 'carer_left' });
    expect(detail.diary.length).toBeGreaterThan(0);
    const agenda = (await leader.get(`/api/v1/care/meetings/agenda?schoolId=${env.ids.schoolA}`)).json();
    const unassigned = agenda.overdueFollowUps.filter((f: { kinds: string[] }) => f.kinds.includes('unassigned')).map((f: { keyStudentId: string }) => f.keyStudentId);
    for (const id of before) expect(unassigned).toContain(id);
    expect(await count(sql`select count(*)::int as n from role_assignments where account_id = ${care.accountId} and role = 'care_teacher'`)).toBe(0);
    expect(await count(sql`select count(*)::int as n from notifications where account_id = ${leader.accountId} and kind = 'care.carer_left'`)).toBe(1);
    // a new teacher takes over; the earlier carer stays in the history
    const res = await leader.post(`/api/v1/care/students/${classmateRecord}/assign`, { accountId: head.accountId });
    expect(res.json().assignments.map((a: { accountId: string; endedAt: string | null }) => [a.accountId, a.endedAt === null])).toEqual([[care.accountId, false], [head.accountId, true]]);
  });
});

describe('closure (销号) settles what is open', () => {
  it('waiting offers are declined and the parent pairing ends, both kept', async () => {
    const offer = (await head.post(`/api/v1/care/students/${selfRecord}/volunteer`, { note: '愿意关注' })).json();
    expect(offer.status).toBe('pending');
    head = await env.login('head.teacher');
    expect((await head.post(`/api/v1/care/students/${classmateRecord}/closure`, { action: 'propose', summary: '情绪稳定，学习恢复' })).statusCode).toBe(200);
    expect((await leader.post(`/api/v1/care/students/${classmateRecord}/closure`, { action: 'approve' })).json().status).toBe('closed');
    const pairings = (await leader.get(`/api/v1/care/parent-pairings?schoolId=${env.ids.schoolA}`)).json().items.filter((p: { keyStudentId: string }) => p.keyStudentId === classmateRecord);
    expect(pairings.every((p: { endedAt: string | null; endReason: string | null }) => p.endedAt && p.endReason)).toBe(true);
    expect(pairings.map((p: { endReason: string }) => p.endReason)).toContain('该生已销号');
    // the closed record's offers stay readable as history for the school, not for a teacher
    expect((await leader.get(`/api/v1/care/students/${classmateRecord}/offers`)).json().items.length).toBeGreaterThan(0);
    expect((await head.get(`/api/v1/care/students/${classmateRecord}/offers`)).statusCode).toBe(403);
    await counselor.post(`/api/v1/care/students/${selfRecord}/closure`, { action: 'propose', summary: '情况好转' });
    await leader.post(`/api/v1/care/students/${selfRecord}/closure`, { action: 'approve' });
    expect((await head.get('/api/v1/care/my-offers')).json().items.find((o: { id: string }) => o.id === offer.id)).toMatchObject({ status: 'declined', declineReason: '该生已销号' });
  });
});
