// Crisis cases (心理危机个案): opening (from an alert, a session or directly, one open case per
// student, idempotent), the team, safety plan, tasks, guardian contacts, events, closure (销号) with
// its one-case-one-analysis, and above all who may reach a case: the school's counselors and leaders,
// the student's head teacher read-only, nobody of another school or class, no student, parent,
// clinician or care teacher.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import type { Caller } from '../../http/context.js';
import { setupTestEnv, type Session, type TestEnv } from '../../test/fixture.js';
import { loadAssignments } from '../access/service.js';
import { sealLegacyRecordText } from '../../jobs/seal-legacy-text.js';
import { openCrisisCase } from './cases.js';

let env: TestEnv;
const one = async <T>(q: ReturnType<typeof sql>) => (await rows<T>(env.deps.db, q))[0]!;

async function callerFor(username: string): Promise<Caller> {
  const a = await one<{ id: string; display_name: string; region_id: number }>(sql`select id, display_name, region_id from accounts where username = ${username}`);
  const assignments = await loadAssignments(env.deps.db, a.id);
  return {
    accountId: a.id, username, displayName: a.display_name, regionId: a.region_id, sessionId: 'test', csrfToken: 'test', mustChangePassword: false, totpEnabled: false,
    mfaEnrolmentPending: false, locale: 'zh-CN', assignments, roles: assignments.map((x) => x.role), ip: '127.0.0.1',
  };
}

let counselor: Session;
let leader: Session;
let head: Session;
let others: Record<'counselorB' | 'leaderB' | 'headOther' | 'student' | 'parent' | 'clinician' | 'care', Session>;
let caseId: string;
const plan = { warningSigns: ['说“活着没意思”', ''], copingSteps: ['听音乐', '去操场跑步'], peoplePlaces: ['心理咨询室'], contacts: ['班主任 王老师'], environment: ['收好家中药品'], professional: ['临江市精神卫生中心'] };
const analysis = { background: '七年级学生，父母离异，与母亲同住', course: '11 月 25 日预警转入，当日约谈并联系家长', measures: '每周咨询，家校沟通，同伴陪伴', outcome: '情绪平稳，学习生活正常', lessons: '早发现早干预，家长沟通要及时' };

beforeAll(async () => {
  env = await setupTestEnv();
  await env.addAccount('counselor.other', [{ role: 'counselor', orgUnitId: env.ids.schoolB }]);
  await env.addAccount('leader.other', [{ role: 'school_leader', orgUnitId: env.ids.schoolB }]);
  const otherClass = await one<{ class_id: number }>(sql`select class_id from students where id = ${env.ids.otherClassStudent}`);
  await env.addAccount('head.other', [{ role: 'head_teacher', orgUnitId: otherClass.class_id }]);
  [counselor, leader, head] = await Promise.all([env.login('counselor'), env.login('school.leader'), env.login('head.teacher')]);
  const [counselorB, leaderB, headOther, student, parent, clinician, care] = await Promise.all(['counselor.other', 'leader.other', 'head.other', 'student', 'parent', 'clinician', 'care.teacher'].map((u) => env.login(u)));
  others = { counselorB: counselorB!, leaderB: leaderB!, headOther: headOther!, student: student!, parent: parent!, clinician: clinician!, care: care! };
}, 120_000);
afterAll(async () => env?.close());

describe('openCrisisCase (the service other areas call)', () => {
  it('opens one case with the caller and the head teacher on the team, idempotent by clientId; a second opening joins the open case', async () => {
    const counselor = await callerFor('counselor');
    const clientId = randomUUID();
    const input = { studentId: env.ids.classmate, source: 'session' as const, riskLevel: 'high' as const, summary: '咨询中谈到不想活了', clientId };
    const first = await env.deps.db.transaction((tx) => openCrisisCase(tx, env.deps, counselor, input));
    expect(first.created).toBe(true);
    const again = await env.deps.db.transaction((tx) => openCrisisCase(tx, env.deps, counselor, input));
    expect(again).toEqual({ id: first.id, created: false });
    const second = await env.deps.db.transaction((tx) => openCrisisCase(tx, env.deps, counselor, { ...input, clientId: randomUUID(), source: 'direct', riskLevel: 'imminent' }));
    expect(second).toEqual({ id: first.id, created: false });
    expect((await one<{ n: number }>(sql`select count(*)::int as n from crisis_cases where student_id = ${env.ids.classmate}`)).n).toBe(1);
    const team = await rows<{ name: string; team_role: string }>(env.deps.db, sql`select name, team_role from crisis_team_members where case_id = ${first.id} order by team_role`);
    expect(team.map((m) => m.team_role)).toEqual(['counselor', 'head_teacher']);
    const events = await rows<{ kind: string }>(env.deps.db, sql`select kind from crisis_events where case_id = ${first.id} order by id`);
    expect(events.map((e) => e.kind)).toEqual(['opened', 'signal']);
    expect((await one<{ n: number }>(sql`select count(*)::int as n from audit_log where action = 'crisis.case.open' and object_id = ${first.id}`)).n).toBe(1);
    const head = await one<{ id: string }>(sql`select id from accounts where username = 'head.teacher'`);
    // told of the case, then of the new signal joining it
    expect((await rows<{ kind: string }>(env.deps.db, sql`select kind from notifications where account_id = ${head.id} and object_id = ${first.id} order by kind`)).map((n) => n.kind)).toEqual(['crisis.case.opened', 'crisis.case.signal']);
  });

  it('another school counselor gets 404 and a head teacher (no crisis.manage) 403; nothing is opened', async () => {
    const other = await callerFor('counselor.other');
    const input = { studentId: env.ids.otherClassStudent, source: 'direct' as const, riskLevel: 'moderate' as const, summary: 'x', clientId: randomUUID() };
    await expect(env.deps.db.transaction((tx) => openCrisisCase(tx, env.deps, other, input))).rejects.toMatchObject({ statusCode: 404 });
    const head = await callerFor('head.teacher');
    await expect(env.deps.db.transaction((tx) => openCrisisCase(tx, env.deps, head, input))).rejects.toMatchObject({ statusCode: 403 });
    expect((await one<{ n: number }>(sql`select count(*)::int as n from crisis_cases where student_id = ${env.ids.otherClassStudent}`)).n).toBe(0);
  });
});

describe('crisis cases over HTTP', () => {
  it('a counselor opens a case from an alert: the student and the level come from the alert; a retry opens nothing more', async () => {
    const raised = await head.post('/api/v1/alerts', { studentId: env.ids.studentSelf, level: 'red', description: '课堂上说不想活了', clientId: randomUUID() });
    expect(raised.statusCode, raised.body).toBe(200);
    const alertId = raised.json().alertId as string;
    // another school's counselor cannot reach the alert; a head teacher may not open cases
    expect((await others.counselorB.post('/api/v1/crisis/cases', { alertId, clientId: randomUUID() })).statusCode).toBe(404);
    expect((await head.post('/api/v1/crisis/cases', { alertId, clientId: randomUUID() })).statusCode).toBe(403);
    const leaders = (await counselor.get(`/api/v1/crisis/students/${env.ids.studentSelf}/leaders`)).json().items as { accountId: string; name: string }[];
    const leaderId = (await one<{ id: string }>(sql`select id from accounts where username = 'school.leader'`)).id;
    expect(leaders.map((l) => l.accountId)).toContain(leaderId);
    const clientId = randomUUID();
    const res = await counselor.post('/api/v1/crisis/cases', { alertId, riskLevel: 'moderate', leaderAccountId: leaderId, clientId });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().created).toBe(true);
    caseId = res.json().id;
    expect((await counselor.post('/api/v1/crisis/cases', { alertId, leaderAccountId: leaderId, clientId })).json()).toEqual({ id: caseId, created: false });
    const d = (await counselor.get(`/api/v1/crisis/cases/${caseId}`)).json();
    expect(d).toMatchObject({ studentId: env.ids.studentSelf, source: 'alert', alertId, riskLevel: 'high', status: 'open', can: { manage: true, close: false } });
    expect(d.team.map((m: { teamRole: string }) => m.teamRole).sort()).toEqual(['counselor', 'head_teacher', 'leader']);
    expect((await one<{ n: number }>(sql`select count(*)::int as n from crisis_cases where student_id = ${env.ids.studentSelf}`)).n).toBe(1);
  });

  it('opening directly needs a risk level and a summary, with clear messages; nothing is stored', async () => {
    const res = await counselor.post('/api/v1/crisis/cases', { studentId: env.ids.otherClassStudent, clientId: randomUUID() });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields).toMatchObject({ riskLevel: '请选择风险等级', summary: '请简要写明情况' });
    expect((await counselor.post('/api/v1/crisis/cases', { clientId: randomUUID(), riskLevel: 'high', summary: 'x' })).statusCode).toBe(400);
    expect((await one<{ n: number }>(sql`select count(*)::int as n from crisis_cases where student_id = ${env.ids.otherClassStudent}`)).n).toBe(0);
  });

  it('the list: counselors and leaders their school, the head teacher their class; other schools, other classes and other roles nothing', async () => {
    for (const s of [counselor, leader, head]) {
      const list = await s.get('/api/v1/crisis/cases');
      expect(list.statusCode).toBe(200);
      expect(list.json().items.map((c: { id: string }) => c.id)).toContain(caseId);
    }
    expect((await counselor.get('/api/v1/crisis/cases?risk=moderate')).json().items.map((c: { id: string }) => c.id)).not.toContain(caseId);
    expect((await counselor.get('/api/v1/crisis/cases?status=closed')).json().total).toBe(0);
    expect((await counselor.get(`/api/v1/crisis/cases?studentId=${env.ids.studentSelf}`)).json().items.map((c: { id: string }) => c.id)).toEqual([caseId]);
    expect((await counselor.get(`/api/v1/crisis/cases?studentId=${env.ids.otherClassStudent}`)).json().total).toBe(0);
    expect((await others.counselorB.get(`/api/v1/crisis/cases?studentId=${env.ids.studentSelf}`)).json().total).toBe(0);
    for (const s of [others.counselorB, others.leaderB, others.headOther]) {
      expect((await s.get('/api/v1/crisis/cases')).json().total).toBe(0);
      expect((await s.get(`/api/v1/crisis/cases/${caseId}`)).statusCode).toBe(404);
    }
    for (const s of [others.student, others.parent, others.clinician, others.care]) {
      expect((await s.get('/api/v1/crisis/cases')).statusCode).toBe(403);
      expect((await s.get(`/api/v1/crisis/cases/${caseId}`)).statusCode).toBe(403);
    }
    expect((await one<{ n: number }>(sql`select count(*)::int as n from audit_log where action = 'crisis.case.read' and object_id = ${caseId}`)).n).toBeGreaterThan(0);
  });

  it('the head teacher of the class reads the case but cannot change it; another school cannot either', async () => {
    const d = (await head.get(`/api/v1/crisis/cases/${caseId}`)).json();
    expect(d.can).toEqual({ manage: false, close: false, notifyGuardians: true });
    expect((await head.put(`/api/v1/crisis/cases/${caseId}/risk`, { riskLevel: 'imminent', reason: '再次表达' })).statusCode).toBe(403);
    expect((await head.put(`/api/v1/crisis/cases/${caseId}/safety-plan`, { plan, baseUpdatedAt: null })).statusCode).toBe(403);
    expect((await others.counselorB.put(`/api/v1/crisis/cases/${caseId}/risk`, { riskLevel: 'imminent', reason: '再次表达' })).statusCode).toBe(404);
    expect((await others.counselorB.post(`/api/v1/crisis/cases/${caseId}/tasks`, { title: 'x', dueAt: new Date(env.clock.now().getTime() + 86_400_000).toISOString(), clientId: randomUUID() })).statusCode).toBe(404);
    expect((await others.leaderB.post(`/api/v1/crisis/cases/${caseId}/close`, { analysis })).statusCode).toBe(404);
  });

  it('risk level changes are kept on the timeline with the reason', async () => {
    expect((await counselor.put(`/api/v1/crisis/cases/${caseId}/risk`, { riskLevel: 'high', reason: '不变' })).statusCode).toBe(400);
    const res = await counselor.put(`/api/v1/crisis/cases/${caseId}/risk`, { riskLevel: 'imminent', reason: '说出了具体计划' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().riskLevel).toBe('imminent');
    expect(res.json().events[0]).toMatchObject({ kind: 'risk', detail: { from: 'high', to: 'imminent', reason: '说出了具体计划' } });
  });

  it('the team: add from the school, remove with history kept; another school\'s staff cannot be added', async () => {
    const cands = (await counselor.get(`/api/v1/crisis/cases/${caseId}/team-candidates`)).json().items as { accountId: string; name: string }[];
    const headOther = cands.find((c) => c.name === 'head.other')!;
    expect(headOther).toBeTruthy();
    const bId = (await one<{ id: string }>(sql`select id from accounts where username = 'counselor.other'`)).id;
    expect(cands.map((c) => c.accountId)).not.toContain(bId);
    expect((await counselor.post(`/api/v1/crisis/cases/${caseId}/team`, { accountId: bId, teamRole: 'other' })).statusCode).toBe(400);
    const added = await counselor.post(`/api/v1/crisis/cases/${caseId}/team`, { accountId: headOther.accountId, teamRole: 'other' });
    expect(added.statusCode, added.body).toBe(200);
    expect((await counselor.post(`/api/v1/crisis/cases/${caseId}/team`, { accountId: headOther.accountId, teamRole: 'other' })).statusCode).toBe(409);
    const member = added.json().team.find((m: { accountId: string; removedAt: string | null }) => m.accountId === headOther.accountId && !m.removedAt);
    const removed = await counselor.del(`/api/v1/crisis/cases/${caseId}/team/${member.id}`);
    expect(removed.statusCode).toBe(200);
    expect(removed.json().team.find((m: { id: string }) => m.id === member.id).removedAt).not.toBeNull();
    expect(removed.json().teamNames).not.toContain('head.other');
    expect((await counselor.del(`/api/v1/crisis/cases/${caseId}/team/${member.id}`)).statusCode).toBe(404);
  });

  it('the safety plan is saved in versions: an edit on an old version is refused', async () => {
    const first = await counselor.put(`/api/v1/crisis/cases/${caseId}/safety-plan`, { plan, baseUpdatedAt: null });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().safetyPlan.warningSigns).toEqual(['说“活着没意思”']);
    const v1 = first.json().safetyPlanUpdatedAt as string;
    env.clock.advance(60_000);
    const second = await leader.put(`/api/v1/crisis/cases/${caseId}/safety-plan`, { plan: { ...plan, contacts: ['班主任 王老师', '妈妈 138xxxx'] }, baseUpdatedAt: v1 });
    expect(second.statusCode, second.body).toBe(200);
    const stale = await counselor.put(`/api/v1/crisis/cases/${caseId}/safety-plan`, { plan: { ...plan, copingSteps: ['画画'] }, baseUpdatedAt: v1 });
    expect(stale.statusCode).toBe(409);
    const leaderName = (await one<{ n: string }>(sql`select display_name as n from accounts where username = 'school.leader'`)).n;
    expect(stale.json().error.message).toContain(leaderName);
    const versions = second.json().events.filter((e: { kind: string }) => e.kind === 'safety_plan');
    expect(versions).toHaveLength(2);
    expect(versions[0].detail.changed).toEqual(['contacts']);
    expect(versions[0].detail.plan.contacts).toEqual(['班主任 王老师', '妈妈 138xxxx']);
    // sealed at rest: neither the plan nor its versions on the timeline hold the text; the API answers it
    const stored = await one<{ plan: string; events: string }>(sql`select safety_plan::text as plan, (select string_agg(detail::text, ' ') from crisis_events where case_id = ${caseId} and kind = 'safety_plan') as events from crisis_cases where id = ${caseId}`);
    expect(stored.plan).toMatch(/^"v1\./);
    expect(`${stored.plan} ${stored.events}`).not.toContain('妈妈 138xxxx');
    expect(`${stored.plan} ${stored.events}`).not.toContain('收好家中药品');
    expect((await counselor.get(`/api/v1/crisis/cases/${caseId}`)).json().safetyPlan.contacts).toEqual(['班主任 王老师', '妈妈 138xxxx']);
  });

  it('tasks with deadlines: assigned to the team, overdue shown, done or cancelled; sent twice stored once', async () => {
    const headId = (await one<{ id: string }>(sql`select id from accounts where username = 'head.teacher'`)).id;
    const clientId = randomUUID();
    const body = { title: '联系家长面谈', assigneeAccountId: headId, dueAt: new Date(env.clock.now().getTime() + 3_600_000).toISOString(), clientId };
    const a = await counselor.post(`/api/v1/crisis/cases/${caseId}/tasks`, body);
    expect(a.statusCode, a.body).toBe(200);
    await counselor.post(`/api/v1/crisis/cases/${caseId}/tasks`, body);
    expect((await one<{ n: number }>(sql`select count(*)::int as n from crisis_tasks where client_id = ${clientId}`)).n).toBe(1);
    expect((await one<{ n: number }>(sql`select count(*)::int as n from notifications where account_id = ${headId} and kind = 'crisis.task.assigned'`)).n).toBe(1);
    const cId = (await one<{ id: string }>(sql`select id from accounts where username = 'counselor.other'`)).id;
    expect((await counselor.post(`/api/v1/crisis/cases/${caseId}/tasks`, { ...body, assigneeAccountId: cId, clientId: randomUUID() })).statusCode).toBe(400);
    expect((await counselor.post(`/api/v1/crisis/cases/${caseId}/tasks`, { ...body, dueAt: new Date(env.clock.now().getTime() - 86_400_000).toISOString(), clientId: randomUUID() })).statusCode).toBe(400);
    await counselor.post(`/api/v1/crisis/cases/${caseId}/tasks`, { title: '安排每周咨询', dueAt: new Date(env.clock.now().getTime() + 7_200_000).toISOString(), clientId: randomUUID() });
    env.clock.advance(2 * 3_600_000 + 60_000);
    // sessions idle for two hours have ended: sign in again
    [counselor, leader, head] = await Promise.all([env.login('counselor'), env.login('school.leader'), env.login('head.teacher')]);
    const again = await Promise.all(['counselor.other', 'leader.other', 'head.other', 'student', 'parent', 'clinician', 'care.teacher'].map((u) => env.login(u)));
    others = { counselorB: again[0]!, leaderB: again[1]!, headOther: again[2]!, student: again[3]!, parent: again[4]!, clinician: again[5]!, care: again[6]! };
    const d = (await counselor.get(`/api/v1/crisis/cases/${caseId}`)).json();
    expect(d.tasks.map((t: { state: string }) => t.state)).toEqual(['overdue', 'overdue']);
    expect(d.overdueTasks).toBe(2);
    expect((await counselor.get('/api/v1/crisis/cases')).json().items.find((c: { id: string }) => c.id === caseId).overdueTasks).toBe(2);
    // the second task is given to the head teacher, then (another school's counselor) refused
    const counselorId = (await one<{ id: string }>(sql`select id from accounts where username = 'counselor'`)).id;
    const given = await counselor.put(`/api/v1/crisis/cases/${caseId}/tasks/${d.tasks[1].id}/assignee`, { assigneeAccountId: counselorId });
    expect(given.statusCode, given.body).toBe(200);
    expect(given.json().tasks[1].assigneeName).toBeTruthy();
    expect(given.json().events[0]).toMatchObject({ kind: 'task.assigned' });
    expect((await counselor.put(`/api/v1/crisis/cases/${caseId}/tasks/${d.tasks[1].id}/assignee`, { assigneeAccountId: cId })).statusCode).toBe(400);
    expect((await head.put(`/api/v1/crisis/cases/${caseId}/tasks/${d.tasks[1].id}/assignee`, { assigneeAccountId: null })).statusCode).toBe(403);
    expect((await others.counselorB.put(`/api/v1/crisis/cases/${caseId}/tasks/${d.tasks[1].id}/assignee`, { assigneeAccountId: null })).statusCode).toBe(404);
    const done = await counselor.post(`/api/v1/crisis/cases/${caseId}/tasks/${d.tasks[0].id}/finish`, { outcome: 'done', note: '已面谈' });
    expect(done.statusCode, done.body).toBe(200);
    expect((await counselor.post(`/api/v1/crisis/cases/${caseId}/tasks/${d.tasks[0].id}/finish`, { outcome: 'done' })).statusCode).toBe(409);
    expect((await counselor.post(`/api/v1/crisis/cases/${caseId}/tasks/${d.tasks[1].id}/finish`, { outcome: 'cancelled' })).statusCode).toBe(400);
  });

  it('guardian contacts: a guardian of the student or a named other person; idempotent; readable per student', async () => {
    const gs = (await counselor.get(`/api/v1/crisis/students/${env.ids.studentSelf}/guardians`)).json().items as { id: string; name: string }[];
    expect(gs.length).toBeGreaterThan(0);
    const clientId = randomUUID();
    const body = { guardianId: gs[0]!.id, channel: 'phone', contactedAt: env.clock.now().toISOString(), said: '告知孩子近来情绪低落，建议多陪伴', response: '家长表示理解，愿意配合', clientId };
    const a = await counselor.post(`/api/v1/crisis/cases/${caseId}/guardian-contacts`, body);
    expect(a.statusCode, a.body).toBe(200);
    expect(a.json().created).toBe(true);
    expect((await counselor.post(`/api/v1/crisis/cases/${caseId}/guardian-contacts`, body)).json()).toEqual({ id: a.json().id, created: false });
    const other = await counselor.post(`/api/v1/crisis/cases/${caseId}/guardian-contacts`, { guardianName: '外婆', relation: '外祖母', channel: 'home_visit', contactedAt: env.clock.now().toISOString(), said: '家访', response: '配合', clientId: randomUUID() });
    expect(other.statusCode, other.body).toBe(200);
    const missing = await counselor.post(`/api/v1/crisis/cases/${caseId}/guardian-contacts`, { channel: 'phone', contactedAt: env.clock.now().toISOString(), said: '', response: '', clientId: randomUUID() });
    expect(missing.statusCode).toBe(400);
    // a guardian of another student is refused
    const g2 = await one<{ id: string }>(sql`select guardian_id as id from student_guardians where student_id <> ${env.ids.studentSelf} and guardian_id not in (select guardian_id from student_guardians where student_id = ${env.ids.studentSelf}) limit 1`);
    expect((await counselor.post(`/api/v1/crisis/cases/${caseId}/guardian-contacts`, { ...body, guardianId: g2.id, clientId: randomUUID() })).statusCode).toBe(400);
    const list = (await head.get(`/api/v1/crisis/students/${env.ids.studentSelf}/guardian-contacts`)).json().items;
    expect(list).toHaveLength(2);
    expect((await head.post(`/api/v1/crisis/students/${env.ids.studentSelf}/guardian-contacts`, { ...body, clientId: randomUUID() })).statusCode).toBe(403);
    expect((await others.counselorB.get(`/api/v1/crisis/students/${env.ids.studentSelf}/guardian-contacts`)).statusCode).toBe(404);
    expect((await others.headOther.get(`/api/v1/crisis/students/${env.ids.studentSelf}/guardian-contacts`)).statusCode).toBe(404);
    const d = (await counselor.get(`/api/v1/crisis/cases/${caseId}`)).json();
    expect(d.guardianContacts).toHaveLength(2);
    // what was said and the response are sealed at rest, answered in plain on the case and per student
    const stored = await one<{ said: string; response: string }>(sql`select said, response from guardian_contacts where id = ${a.json().id}`);
    expect(stored.said).toMatch(/^v1\./);
    expect(stored.response).toMatch(/^v1\./);
    expect(`${stored.said} ${stored.response}`).not.toContain('情绪低落');
    expect(d.guardianContacts.find((c: { id: string }) => c.id === a.json().id)).toMatchObject({ said: body.said, response: body.response });
    expect(list.find((c: { id: string }) => c.id === a.json().id)).toMatchObject({ said: body.said, response: body.response });
  });

  it('closure (销号): only a leader of the school, with the full analysis, after every task is done or cancelled; then read-only', async () => {
    expect((await counselor.post(`/api/v1/crisis/cases/${caseId}/close`, { analysis })).statusCode).toBe(403);
    expect((await head.post(`/api/v1/crisis/cases/${caseId}/close`, { analysis })).statusCode).toBe(403);
    const partial = await leader.post(`/api/v1/crisis/cases/${caseId}/close`, { analysis: { ...analysis, lessons: ' ', outcome: '' } });
    expect(partial.statusCode).toBe(400);
    expect(partial.json().error.fields).toMatchObject({ 'analysis.lessons': '请填写「反思与改进」', 'analysis.outcome': '请填写「结果」' });
    const blocked = await leader.post(`/api/v1/crisis/cases/${caseId}/close`, { analysis });
    expect(blocked.statusCode).toBe(409);
    expect(blocked.json().error.message).toContain('安排每周咨询');
    const d = (await leader.get(`/api/v1/crisis/cases/${caseId}`)).json();
    expect(d.can.close).toBe(true);
    const open = d.tasks.find((t: { state: string }) => t.state === 'overdue');
    expect((await leader.post(`/api/v1/crisis/cases/${caseId}/tasks/${open.id}/finish`, { outcome: 'cancelled', note: '改为转介后由医院安排' })).statusCode).toBe(200);
    const closed = await leader.post(`/api/v1/crisis/cases/${caseId}/close`, { analysis });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json()).toMatchObject({ status: 'closed', closedByName: expect.any(String), analysis, can: { manage: false, close: false } });
    // the analysis is sealed at rest and read back whole
    const stored = await one<{ a: string }>(sql`select analysis::text as a from crisis_cases where id = ${caseId}`);
    expect(stored.a).toMatch(/^"v1\./);
    expect(stored.a).not.toContain('父母离异');
    expect((await counselor.get(`/api/v1/crisis/cases/${caseId}`)).json().analysis).toEqual(analysis);
    expect((await counselor.put(`/api/v1/crisis/cases/${caseId}/risk`, { riskLevel: 'moderate', reason: '好转' })).statusCode).toBe(409);
    expect((await counselor.post(`/api/v1/crisis/cases/${caseId}/tasks`, { title: 'x', dueAt: new Date(env.clock.now().getTime() + 86_400_000).toISOString(), clientId: randomUUID() })).statusCode).toBe(409);
    expect((await leader.post(`/api/v1/crisis/cases/${caseId}/close`, { analysis })).statusCode).toBe(409);
    // a notice can no longer be tied to the closed case (it may still be sent on its own)
    expect((await counselor.post(`/api/v1/crisis/students/${env.ids.studentSelf}/guardian-notices`, { title: '复学后情况', body: '孩子近来很好。', caseId, clientId: randomUUID() })).statusCode).toBe(409);
    expect((await counselor.get('/api/v1/crisis/cases?status=closed')).json().items.map((c: { id: string }) => c.id)).toContain(caseId);
    // a new case for the same student may be opened now
    const again = await counselor.post('/api/v1/crisis/cases', { studentId: env.ids.studentSelf, riskLevel: 'moderate', summary: '再次出现情绪问题', clientId: randomUUID() });
    expect(again.json().created).toBe(true);
  });

  it('student search for the open-case dialog is limited to the caller\'s school', async () => {
    const name = (await one<{ name: string }>(sql`select name from students where id = ${env.ids.otherClassStudent}`)).name;
    const found = (await counselor.get(`/api/v1/crisis/students?q=${encodeURIComponent(name)}`)).json().items;
    expect(found.map((s: { id: string }) => s.id)).toContain(env.ids.otherClassStudent);
    expect((await others.counselorB.get(`/api/v1/crisis/students?q=${encodeURIComponent(name)}`)).json().items.map((s: { id: string }) => s.id)).not.toContain(env.ids.otherClassStudent);
    expect((await head.get(`/api/v1/crisis/students?q=${encodeURIComponent(name)}`)).statusCode).toBe(403);
  });
});

describe('values stored before sealing', () => {
  it('are read as they are, and the background pass after start seals them once', async () => {
    const contact = await one<{ id: string }>(sql`select id from guardian_contacts where case_id = ${caseId} order by created_at limit 1`);
    const conference = await counselor.post('/api/v1/crisis/conferences', { kind: 'cross_school', schoolId: env.ids.schoolA, heldAt: env.clock.now().toISOString(), participants: [{ name: '王老师', organisation: '', role: '' }], minutes: 'x', decisions: 'y', clientId: randomUUID() });
    expect(conference.statusCode, conference.body).toBe(200);
    await env.deps.db.execute(sql`update crisis_cases set safety_plan = ${JSON.stringify(plan)}::jsonb, analysis = ${JSON.stringify(analysis)}::jsonb where id = ${caseId}`);
    await env.deps.db.execute(sql`update guardian_contacts set said = '早先的明文沟通', response = '早先的明文回应' where id = ${contact.id}`);
    await env.deps.db.execute(sql`update case_conferences set minutes = '早先的明文记录', decisions = '早先的明文决定' where id = ${conference.json().id}`);
    const read = async () => {
      const d = (await counselor.get(`/api/v1/crisis/cases/${caseId}`)).json();
      const k = (await counselor.get(`/api/v1/crisis/conferences/${conference.json().id}`)).json();
      return { plan: d.safetyPlan.copingSteps, analysis: d.analysis, contact: d.guardianContacts.find((c: { id: string }) => c.id === contact.id), k: [k.minutes, k.decisions] };
    };
    const want = { plan: plan.copingSteps, analysis, contact: expect.objectContaining({ said: '早先的明文沟通', response: '早先的明文回应' }), k: ['早先的明文记录', '早先的明文决定'] };
    expect(await read()).toEqual(want);
    expect(await sealLegacyRecordText(env.deps.db, env.deps.config)).toBeGreaterThanOrEqual(6);
    const stored = await one<{ t: string }>(sql`select concat_ws(' ', c.safety_plan::text, c.analysis::text, g.said, g.response, k.minutes, k.decisions) as t
      from crisis_cases c, guardian_contacts g, case_conferences k where c.id = ${caseId} and g.id = ${contact.id} and k.id = ${conference.json().id}`);
    expect(stored.t).not.toMatch(/早先|听音乐|父母离异/);
    expect(await read()).toEqual(want);
    expect(await sealLegacyRecordText(env.deps.db, env.deps.config)).toBe(0);
  });
});
