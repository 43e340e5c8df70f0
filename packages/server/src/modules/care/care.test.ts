import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import { sealLegacyRecordText } from '../../jobs/seal-legacy-text.js';
import { setupTestEnv, type Session, type TestEnv } from '../../test/fixture.js';

let env: TestEnv;
let care: Session;
let counselor: Session;
let leader: Session;
let head: Session;
let classmateRecord: string;

const count = async (q: ReturnType<typeof sql>) => (await rows<{ n: number }>(env.deps.db, q))[0]!.n;
const diary = (s: Session, id: string, over: Record<string, unknown> = {}) =>
  s.post(`/api/v1/care/students/${id}/diary`, { kind: 'talk', date: '2026-11-25', mood: 3, study: '数学跟不上', wishes: '想和同桌和好', plan: '每周谈心一次，请数学老师课后辅导', note: '午休时在操场谈了二十分钟，情绪比上周稳定。', clientId: randomUUID(), ...over });

beforeAll(async () => {
  env = await setupTestEnv();
  [care, counselor, leader, head] = await Promise.all([env.login('care.teacher'), env.login('counselor'), env.login('school.leader'), env.login('head.teacher')]);
}, 120_000);
afterAll(async () => env?.close());

describe('the key-student register', () => {
  it('a care teacher sees their own three students only', async () => {
    const mine = (await care.get('/api/v1/care/students')).json();
    expect(mine.total).toBe(3);
    expect(mine.items.map((k: { studentId: string }) => k.studentId).sort()).toEqual([...env.ids.caredStudents].sort());
    expect(mine.items[0].careTeacher).toMatchObject({ name: expect.any(String) });
    // nothing written for 30 days: the daily check and the weekly talk are overdue
    expect(mine.items[0].followUps.filter((f: { overdue: boolean }) => f.overdue).map((f: { kind: string }) => f.kind)).toEqual(['daily_check', 'talk']);
  });

  it('the counselor adds a classmate; adding again grows the same record', async () => {
    const res = await counselor.post('/api/v1/care/students', { studentId: env.ids.classmate, categories: ['left_behind'], level: 'orange', reason: '父母外出务工，近期情绪低落' });
    expect(res.statusCode, res.body).toBe(200);
    classmateRecord = res.json().id;
    expect(res.json()).toMatchObject({ status: 'active', categories: ['left_behind'], careTeacher: null, can: { assign: true } });
    const again = await counselor.post('/api/v1/care/students', { studentId: env.ids.classmate, categories: ['academic_pressure'], level: 'yellow', reason: '期中考试后压力大' });
    expect(again.json()).toMatchObject({ id: classmateRecord, categories: ['left_behind', 'academic_pressure'], level: 'orange' });
    expect(await count(sql`select count(*)::int as n from key_students where student_id = ${env.ids.classmate}`)).toBe(1);
    // the reasons are sealed at rest, on the record and its history, and answered in plain
    const stored = (await rows<{ reason: string; events: string }>(env.deps.db, sql`select reason, (select string_agg(detail::text, ' ') from key_student_events where key_student_id = k.id) as events from key_students k where k.id = ${classmateRecord}`))[0]!;
    expect(stored.reason).toMatch(/^v1\./);
    expect(`${stored.reason} ${stored.events}`).not.toContain('父母外出务工');
    expect(`${stored.reason} ${stored.events}`).not.toContain('期中考试后压力大');
    expect(again.json().reason).toBe('父母外出务工，近期情绪低落');
    expect(again.json().events.map((e: { detail: { reason?: string } }) => e.detail.reason)).toEqual(['父母外出务工，近期情绪低落', '期中考试后压力大']);
    // the head teacher sees the record of their class, not a diary
    const seen = (await head.get(`/api/v1/care/students/${classmateRecord}`)).json();
    expect(seen).toMatchObject({ id: classmateRecord, diary: null, can: { assign: false, writeDiary: false } });
    expect((await care.get(`/api/v1/care/students/${classmateRecord}`)).statusCode).toBe(404);
  });

  it('the leader assigns the care teacher, who then sees the student and is told', async () => {
    const candidates = (await leader.get(`/api/v1/care/students/${classmateRecord}/candidates`)).json().items;
    const careAcct = candidates.find((c: { accountId: string }) => c.accountId === care.accountId);
    expect(careAcct).toMatchObject({ load: 3, problems: [] });
    const res = await leader.post(`/api/v1/care/students/${classmateRecord}/assign`, { accountId: care.accountId });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().careTeacher).toMatchObject({ accountId: care.accountId });
    care = await env.login('care.teacher'); // the new role assignment comes with the next session
    expect((await care.get(`/api/v1/care/students/${classmateRecord}`)).json()).toMatchObject({ can: { writeDiary: true, propose: true, approve: false } });
    expect((await care.get(`/api/v1/students/${env.ids.classmate}`)).statusCode).toBe(200);
    expect(await count(sql`select count(*)::int as n from notifications n join accounts a on a.id = n.account_id where a.username = 'care.teacher' and n.kind = 'care.assigned'`)).toBe(1);
  });

  it('a red student is cared for by a school leader, and nobody takes more than the region allows', async () => {
    const red = (await counselor.post('/api/v1/care/students', { studentId: env.ids.studentSelf, categories: ['withdrawn'], level: 'red', reason: '有自伤言行' })).json().id;
    const refused = await counselor.post(`/api/v1/care/students/${red}/assign`, { accountId: care.accountId });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.message).toContain('学校领导');
    expect((await counselor.post(`/api/v1/care/students/${red}/assign`, { accountId: leader.accountId })).json().careTeacher).toMatchObject({ accountId: leader.accountId, asLeader: true });
    const city = await env.login('city.admin');
    expect((await city.put('/api/v1/care/policy', { maxPerTeacher: 4, leaderLevels: ['red'], cadence: { daily_check: 1, talk: 7, home_visit: 30 } })).statusCode).toBe(200);
    const other = (await counselor.post('/api/v1/care/students', { studentId: env.ids.otherClassStudent, categories: ['divorced'], level: 'yellow', reason: '父母离异' })).json().id;
    const full = await counselor.post(`/api/v1/care/students/${other}/assign`, { accountId: care.accountId });
    expect(full.statusCode).toBe(400);
    expect(full.json().error.message).toContain('最多包保 4 名');
    await city.put('/api/v1/care/policy', { maxPerTeacher: 15, leaderLevels: ['red'], cadence: { daily_check: 1, talk: 7, home_visit: 30 } });
  });
});

describe('the growth diary', () => {
  it('the care teacher writes entries; a retry stores one; the talk is no longer overdue', async () => {
    const clientId = randomUUID();
    const res = await diary(care, classmateRecord, { clientId });
    expect(res.statusCode, res.body).toBe(200);
    expect((await diary(care, classmateRecord, { clientId })).statusCode).toBe(200);
    const detail = res.json();
    expect(detail.diary).toHaveLength(1);
    expect(detail.diary[0]).toMatchObject({ kind: 'talk', mood: 3, fields: { study: '数学跟不上', wishes: '想和同桌和好' }, note: expect.stringContaining('二十分钟') });
    expect(detail.followUps.find((f: { kind: string }) => f.kind === 'talk')).toMatchObject({ due: '2026-12-02', overdue: false });
    expect(await count(sql`select count(*)::int as n from diary_entries where key_student_id = ${classmateRecord}`)).toBe(1);
    // the entry's fields and note are sealed at rest
    const stored = (await rows<{ fields: string; note: string }>(env.deps.db, sql`select fields::text as fields, note from diary_entries where key_student_id = ${classmateRecord}`))[0]!;
    expect(stored.fields).toMatch(/^"v1\./);
    expect(stored.note).toMatch(/^v1\./);
    expect(`${stored.fields} ${stored.note}`).not.toContain('数学跟不上');
    expect(`${stored.fields} ${stored.note}`).not.toContain('二十分钟');
  });

  it('bad entries are refused; others may not write', async () => {
    expect((await diary(care, classmateRecord, { date: '2026-12-01' })).statusCode).toBe(400);
    expect((await diary(care, classmateRecord, { note: '' })).statusCode).toBe(400);
    expect((await diary(care, classmateRecord, { kind: 'party' })).statusCode).toBe(400);
    expect((await diary(head, classmateRecord)).statusCode).toBe(403);
    await env.addAccount('schoolb.counselor3', [{ role: 'counselor', orgUnitId: env.ids.schoolB }]);
    const outsider = await env.login('schoolb.counselor3');
    expect((await diary(outsider, classmateRecord)).statusCode).toBe(404);
    const read = await outsider.get(`/api/v1/care/students/${classmateRecord}`);
    expect(read.statusCode).toBe(404);
    expect(read.body).not.toContain('数学跟不上');
    // the register filtered on this school's unit: not found for the outsider, listed for the leader
    expect((await outsider.get(`/api/v1/care/students?unitId=${env.ids.schoolA}`)).statusCode).toBe(404);
    expect((await outsider.get(`/api/v1/care/students?unitId=${env.ids.schoolB}`)).statusCode).toBe(200);
    expect((await leader.get(`/api/v1/care/students?unitId=${env.ids.schoolA}`)).json().items.map((k: { id: string }) => k.id)).toContain(classmateRecord);
    for (const username of ['committee', 'student', 'parent', 'clinician']) {
      const s = await env.login(username);
      expect([403, 404]).toContain((await s.get(`/api/v1/care/students/${classmateRecord}`)).statusCode);
      expect([403, 404]).toContain((await diary(s, classmateRecord)).statusCode);
    }
    expect(await count(sql`select count(*)::int as n from diary_entries where key_student_id = ${classmateRecord}`)).toBe(1);
  });

  it('a new care teacher keeps the history; the previous one loses the student', async () => {
    const res = await leader.post(`/api/v1/care/students/${classmateRecord}/assign`, { accountId: counselor.accountId, reason: '原包保教师调往他校' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().assignments.map((a: { endReason: string | null }) => a.endReason)).toEqual(['原包保教师调往他校', null]);
    expect(res.json().diary).toHaveLength(1);
    care = await env.login('care.teacher');
    expect((await care.get(`/api/v1/care/students/${classmateRecord}`)).statusCode).toBe(404);
    expect((await care.get(`/api/v1/students/${env.ids.classmate}`)).statusCode).toBe(404);
  });
});

describe('closure (销号)', () => {
  it('proposed by the carer, approved by a leader who did not propose it; care ends', async () => {
    const id = (await care.get('/api/v1/care/students')).json().items[0].id as string;
    expect((await care.post(`/api/v1/care/students/${id}/closure`, { action: 'approve' })).statusCode).toBe(409);
    const proposed = await care.post(`/api/v1/care/students/${id}/closure`, { action: 'propose', summary: '一学期跟踪，情绪稳定，学习恢复正常，家长配合良好' });
    expect(proposed.json()).toMatchObject({ status: 'closure_proposed', closure: { proposedByName: expect.any(String) } });
    expect((await care.post(`/api/v1/care/students/${id}/closure`, { action: 'approve' })).statusCode).toBe(403);
    expect(await count(sql`select count(*)::int as n from notifications n join accounts a on a.id = n.account_id where a.username = 'school.leader' and n.kind = 'care.closure_proposed'`)).toBe(1);
    const approved = await leader.post(`/api/v1/care/students/${id}/closure`, { action: 'approve' });
    expect(approved.json()).toMatchObject({ status: 'closed', careTeacher: null, closure: { approvedByName: expect.any(String) } });
    expect(approved.json().events.map((e: { kind: string }) => e.kind).slice(-2)).toEqual(['closure_proposed', 'closed']);
    care = await env.login('care.teacher');
    expect((await care.get(`/api/v1/care/students/${id}`)).statusCode).toBe(404);
  });

  it('a leader may not approve their own proposal; a rejection puts it back', async () => {
    const id = (await leader.get(`/api/v1/care/students?status=active`)).json().items.find((k: { studentId: string }) => k.studentId === env.ids.otherClassStudent).id;
    await leader.post(`/api/v1/care/students/${id}/closure`, { action: 'propose', summary: '情况好转' });
    const own = await leader.post(`/api/v1/care/students/${id}/closure`, { action: 'approve' });
    expect(own.statusCode).toBe(403);
    expect(own.json().error.message).toContain('申请人以外');
    await env.addAccount('vice.principal', [{ role: 'school_leader', orgUnitId: env.ids.schoolA }]);
    const vice = await env.login('vice.principal');
    expect((await vice.post(`/api/v1/care/students/${id}/closure`, { action: 'reject', reason: '家访尚未完成' })).json().status).toBe('active');
  });

  it('a new signal withdraws a proposed closure', async () => {
    const id = (await leader.get(`/api/v1/care/students?status=active`)).json().items.find((k: { studentId: string }) => k.studentId === env.ids.otherClassStudent).id;
    await counselor.post(`/api/v1/care/students/${id}/closure`, { action: 'propose', summary: '情况好转' });
    await counselor.post('/api/v1/alerts', { studentId: env.ids.otherClassStudent, level: 'yellow', description: '又和同学发生冲突', clientId: randomUUID() });
    const back = (await counselor.get(`/api/v1/care/students/${id}`)).json();
    expect(back.status).toBe('active');
    expect(back.events.at(-1).kind).toBe('closure_withdrawn');
  });

  it('an alert confirmed into care puts the student on the register', async () => {
    const student = (await rows<{ id: string }>(env.deps.db, sql`select id from students s where class_id = ${env.ids.classA2} and not exists (select 1 from key_students k where k.student_id = s.id) order by student_no limit 1`))[0]!.id;
    const alertId = (await counselor.post('/api/v1/alerts', { studentId: student, level: 'orange', description: '连续一周独自吃饭、不说话', clientId: randomUUID() })).json().alertId;
    await counselor.post(`/api/v1/alerts/${alertId}/actions`, { action: 'assess' });
    await counselor.post(`/api/v1/alerts/${alertId}/actions`, { action: 'confirm', outcome: 'care', note: '访谈确认：人际关系困扰，需要包保' });
    const listed = (await counselor.get('/api/v1/care/students')).json().items.find((k: { studentId: string }) => k.studentId === student);
    expect(listed).toMatchObject({ level: 'orange', sources: ['alert'], status: 'active' });
    // the confirming note is the record's reason: sealed at rest, on the record and its history, and read back in clear
    const stored = (await rows<{ reason: string; events: string }>(env.deps.db, sql`select k.reason, (select string_agg(e.detail::text, ' ') from key_student_events e where e.key_student_id = k.id) as events from key_students k where k.student_id = ${student}`))[0]!;
    expect(stored.reason).not.toContain('人际关系困扰');
    expect(stored.events).not.toContain('人际关系困扰');
    expect((await counselor.get(`/api/v1/care/students/${listed.id}`)).json().reason).toBe('访谈确认：人际关系困扰，需要包保');
  });
});

describe('the student timeline (一生一档)', () => {
  it('each kind of entry only for those allowed to see it', async () => {
    const full = (await counselor.get(`/api/v1/students/${env.ids.classmate}/timeline`)).json();
    const kinds = new Set(full.entries.map((e: { kind: string }) => e.kind));
    expect(kinds.has('care')).toBe(true);
    expect(kinds.has('diary')).toBe(true);
    const byHead = (await head.get(`/api/v1/students/${env.ids.classmate}/timeline`)).json();
    const headKinds = new Set(byHead.entries.map((e: { kind: string }) => e.kind));
    expect(headKinds.has('care')).toBe(true);
    expect(headKinds.has('diary')).toBe(false);
    expect(headKinds.has('screening')).toBe(false);
    // the care teacher no longer cares for this student (reassigned above): not found
    care = await env.login('care.teacher');
    expect((await care.get(`/api/v1/students/${env.ids.classmate}/timeline`)).statusCode).toBe(404);
    const outsider = await env.login('schoolb.counselor3');
    expect((await outsider.get(`/api/v1/students/${env.ids.classmate}/timeline`)).statusCode).toBe(404);
    for (const username of ['committee', 'student', 'parent']) expect([403, 404]).toContain((await (await env.login(username)).get(`/api/v1/students/${env.ids.classmate}/timeline`)).statusCode);
  });
});

describe('the weekly meeting (每周例会)', () => {
  it('an agenda from the week, the minutes recorded once, decisions become tasks their owners are told of and close', async () => {
    const agenda = (await leader.get(`/api/v1/care/meetings/agenda?schoolId=${env.ids.schoolA}`)).json();
    expect(agenda.weekStart).toBe('2026-11-23');
    expect(agenda.newAlerts.length).toBeGreaterThan(0);
    expect(agenda.overdueFollowUps.length).toBeGreaterThan(0); // the demo's cared-for students have no diary yet
    const clientId = randomUUID();
    const body = {
      schoolId: env.ids.schoolA, heldOn: '2026-11-25', attendees: '分管副校长、心理教师、各班主任', minutes: '通报本周预警与包保情况；逾期跟进的学生本周内补上谈心。',
      decisions: [{ title: '本周五前完成逾期学生的谈心并记录成长日记', ownerAccountId: care.accountId, dueDate: '2026-11-27' }], clientId,
    };
    const res = await leader.post('/api/v1/care/meetings', body);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().tasks).toMatchObject([{ ownerName: expect.any(String), dueDate: '2026-11-27', doneAt: null }]);
    expect((await leader.post('/api/v1/care/meetings', body)).json().id).toBe(res.json().id);
    // the minutes are sealed at rest and answered in plain
    expect(res.json().minutes).toBe(body.minutes);
    const stored = (await rows<{ minutes: string }>(env.deps.db, sql`select minutes from care_meetings where id = ${res.json().id}`))[0]!;
    expect(stored.minutes).toMatch(/^v1\./);
    expect(stored.minutes).not.toContain('逾期跟进');
    expect(await count(sql`select count(*)::int as n from meeting_tasks`)).toBe(1);
    expect(await count(sql`select count(*)::int as n from notifications n join accounts a on a.id = n.account_id where a.username = 'care.teacher' and n.kind = 'care.meeting_task'`)).toBe(1);
    const bad = await leader.post('/api/v1/care/meetings', { ...body, clientId: randomUUID(), decisions: [{ title: 'x', ownerAccountId: randomUUID(), dueDate: '2026-11-20' }] });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json().error.fields)).toEqual(['decisions.0.ownerAccountId', 'decisions.0.dueDate']);
    const taskId = res.json().tasks[0].id;
    care = await env.login('care.teacher');
    expect((await care.post(`/api/v1/care/meetings/tasks/${taskId}/done`, { note: '已完成三名学生的谈心' })).statusCode).toBe(200);
    expect((await leader.get(`/api/v1/care/meetings/agenda?schoolId=${env.ids.schoolA}`)).json().openTasks).toEqual([]);
    expect((await head.get(`/api/v1/care/meetings/agenda?schoolId=${env.ids.schoolA}`)).statusCode).toBe(403);
    const outsider = await env.login('schoolb.counselor3');
    expect((await outsider.get(`/api/v1/care/meetings/agenda?schoolId=${env.ids.schoolA}`)).statusCode).toBe(404);
    expect((await outsider.post(`/api/v1/care/meetings/tasks/${taskId}/done`, { note: '' })).statusCode).toBe(404);
  });
});

describe('values stored before sealing', () => {
  it('are read as they are (the demo seed\'s reasons too), and the background pass after start seals them once', async () => {
    const entry = (await rows<{ id: string }>(env.deps.db, sql`select id from diary_entries where key_student_id = ${classmateRecord} order by created_at limit 1`))[0]!;
    const meeting = (await rows<{ id: string }>(env.deps.db, sql`select id from care_meetings order by created_at limit 1`))[0]!;
    await env.deps.db.execute(sql`update key_students set reason = '早先的明文理由' where id = ${classmateRecord}`);
    await env.deps.db.execute(sql`update diary_entries set fields = ${JSON.stringify({ study: '早先的明文学习' })}::jsonb, note = '早先的明文日记' where id = ${entry.id}`);
    await env.deps.db.execute(sql`update care_meetings set minutes = '早先的明文纪要' where id = ${meeting.id}`);
    const read = async () => {
      const k = (await counselor.get(`/api/v1/care/students/${classmateRecord}`)).json();
      const m = (await leader.get(`/api/v1/care/meetings?schoolId=${env.ids.schoolA}`)).json().items.find((x: { id: string }) => x.id === meeting.id);
      const d = k.diary.find((x: { id: string }) => x.id === entry.id);
      return [k.reason, d.fields, d.note, m.minutes];
    };
    const want = ['早先的明文理由', { study: '早先的明文学习' }, '早先的明文日记', '早先的明文纪要'];
    expect(await read()).toEqual(want);
    expect(await sealLegacyRecordText(env.deps.db, env.deps.config)).toBeGreaterThanOrEqual(4);
    expect(await count(sql`select count(*)::int as n from key_students where reason <> '' and reason !~ '^v1\\.'`)).toBe(0);
    const stored = (await rows<{ t: string }>(env.deps.db, sql`select concat_ws(' ', d.fields::text, d.note, m.minutes) as t from diary_entries d, care_meetings m where d.id = ${entry.id} and m.id = ${meeting.id}`))[0]!;
    expect(stored.t).not.toContain('早先');
    expect(await read()).toEqual(want);
    expect(await sealLegacyRecordText(env.deps.db, env.deps.config)).toBe(0);
  });
});
