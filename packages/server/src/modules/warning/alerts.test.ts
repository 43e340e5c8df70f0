import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { rows } from '../../db/client.js';
import { setupTestEnv, type Session, type TestEnv } from '../../test/fixture.js';
import { newTotpSecret } from '../auth/totp.js';
import { sealLegacyAlertEvidence } from './sealing.js';
import { escalateAlerts, raiseAlert, raiseAlerts, type SignalInput } from './service.js';

let env: TestEnv;
let head: Session;
let counselor: Session;
let leader: Session;
const HOUR = 3_600_000;

const count = async (q: ReturnType<typeof sql>) => (await rows<{ n: number }>(env.deps.db, q))[0]!.n;
const inbox = (username: string, kind: string, alertId?: string) =>
  count(sql`select count(*)::int as n from notifications n join accounts a on a.id = n.account_id
    where a.username = ${username} and n.kind = ${kind} ${alertId ? sql`and n.object_id = ${alertId}` : sql``}`);
/** A student of the class with no alert at all yet; a new classmate when every one has an alert by now. */
const freshStudent = async (classId: number) =>
  (await rows<{ id: string }>(env.deps.db, sql`select id from students s where class_id = ${classId} and status = 'active' and not exists (select 1 from alerts a where a.student_id = s.id) order by student_no limit 1`))[0]?.id ??
  (await rows<{ id: string }>(env.deps.db, sql`insert into students (region_id, student_no, name, gender, birth_date, school_id, class_id, org_path, enrolment_year)
    select region_id, ${`T${randomUUID().slice(0, 8)}`}, '新同学', gender, birth_date, school_id, class_id, org_path, enrolment_year from students where class_id = ${classId} order by student_no limit 1
    returning id`))[0]!.id;
const escalate = () => env.deps.db.transaction((tx) => escalateAlerts(env.deps, tx));
const raise = (s: Session, studentId: string, level: 'yellow' | 'orange' | 'red', description = '最近上课经常走神、独自哭泣', clientId = randomUUID()) =>
  s.post('/api/v1/alerts', { studentId, level, description, category: '情绪低落', clientId });

/** Moves the clock; sessions idle that long have ended, so the usual people sign in again. */
async function advance(ms: number): Promise<void> {
  env.clock.advance(ms);
  [head, counselor, leader] = await Promise.all([env.login('head.teacher'), env.login('counselor'), env.login('school.leader')]);
}

beforeAll(async () => {
  env = await setupTestEnv();
  await advance(0);
}, 120_000);
afterAll(async () => env?.close());

describe('signals from every source join one open alert per student', () => {
  let alertId: string;

  it('a head teacher\'s report opens an alert; the counselor is told, the reporter is not', async () => {
    const res = await raise(head, env.ids.classmate, 'orange');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ created: true, duplicate: false });
    alertId = res.json().alertId;
    expect(await inbox('counselor', 'alert.new', alertId)).toBe(1);
    expect(await inbox('head.teacher', 'alert.new', alertId)).toBe(0);
    expect(await inbox('school.leader', 'alert.new', alertId)).toBe(0); // orange: the leader is told only of red
    const a = (await counselor.get(`/api/v1/alerts/${alertId}`)).json();
    expect(a).toMatchObject({ level: 'orange', status: 'new', source: 'teacher', tier: 'class', overdue: null, signalCount: 1 });
    expect(a.signals[0]).toMatchObject({ source: 'teacher', evidence: { description: '最近上课经常走神、独自哭泣', category: '情绪低落' }, reporterName: expect.any(String) });
    // an orange alert must be acknowledged within 24 h and assessed within 72 h (the defaults)
    expect(Date.parse(a.ackDue) - Date.parse(a.createdAt)).toBe(24 * HOUR);
    expect(Date.parse(a.assessDue) - Date.parse(a.createdAt)).toBe(72 * HOUR);
  });

  it('a retry with the same client id stores nothing more; another report joins the open alert', async () => {
    const clientId = randomUUID();
    const first = await raise(counselor, env.ids.classmate, 'yellow', '同学反映其在宿舍情绪低落', clientId);
    expect(first.json()).toMatchObject({ alertId, created: false, duplicate: false });
    const again = await raise(counselor, env.ids.classmate, 'yellow', '同学反映其在宿舍情绪低落', clientId);
    expect(again.json()).toMatchObject({ alertId, duplicate: true });
    const a = (await counselor.get(`/api/v1/alerts/${alertId}`)).json();
    expect(a).toMatchObject({ level: 'orange', signalCount: 2, sources: expect.arrayContaining(['teacher', 'counselor']) });
    expect(await count(sql`select count(*)::int as n from alerts where student_id = ${env.ids.classmate} and status in ('new', 'acknowledged', 'assessing')`)).toBe(1);
  });

  it('a red signal raises the level, restarts the deadlines at the red periods and tells the leader', async () => {
    await advance(HOUR);
    const res = await raise(counselor, env.ids.classmate, 'red', '学生在作文中流露轻生念头');
    expect(res.json()).toMatchObject({ alertId, created: false });
    const a = (await counselor.get(`/api/v1/alerts/${alertId}`)).json();
    expect(a.level).toBe('red');
    expect(Date.parse(a.ackDue)).toBe(env.clock.now().getTime() + 2 * HOUR);
    expect(a.events.map((e: { kind: string }) => e.kind)).toEqual(['created', 'signal', 'level_raised']);
    expect(await inbox('school.leader', 'alert.new', alertId)).toBe(1);
  });

  it('concurrent reports about a student without an alert open exactly one', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => raise(head, env.ids.studentSelf, 'yellow')));
    for (const r of results) expect(r.statusCode, r.body).toBe(200);
    expect(new Set(results.map((r) => r.json().alertId)).size).toBe(1);
    expect(results.filter((r) => r.json().created).length).toBe(1);
    expect(await count(sql`select count(*)::int as n from alert_signals s join alerts a on a.id = s.alert_id where a.student_id = ${env.ids.studentSelf}`)).toBe(5);
  });

  it('a student asking for help raises an orange signal about themselves; the answer says nothing more', async () => {
    const student = await env.login('student');
    const clientId = randomUUID();
    const res = await student.post('/api/v1/my/help', { message: '我最近睡不着，想找老师聊聊', clientId });
    expect(res.json()).toEqual({ received: true, duplicate: false });
    expect((await student.post('/api/v1/my/help', { message: '我最近睡不着，想找老师聊聊', clientId })).json()).toEqual({ received: true, duplicate: true });
    const list = (await counselor.get(`/api/v1/alerts?studentId=${env.ids.studentSelf}`)).json().items;
    expect(list[0]).toMatchObject({ level: 'orange', sources: expect.arrayContaining(['self', 'teacher']) });
    expect((await student.get('/api/v1/alerts')).statusCode).toBe(403);
  });

  it('a report\'s description and a student\'s help message are sealed at rest; the API answers them plain (list and detail)', async () => {
    const studentId = await freshStudent(env.ids.classA);
    const description = `宿舍里多次独自哭泣 ${randomUUID()}`;
    const res = await raise(head, studentId, 'yellow', description);
    expect(res.statusCode, res.body).toBe(200);
    const id = res.json().alertId as string;
    const stored = await rows<{ a: string; s: string }>(env.deps.db, sql`select a.evidence->>'description' as a, g.evidence->>'description' as s
      from alerts a join alert_signals g on g.alert_id = a.id where a.id = ${id}`);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.a).toMatch(/^v1\./);
    expect(stored[0]!.s).toMatch(/^v1\./);
    expect(await count(sql`select count(*)::int as n from alerts a where a.evidence::text like ${`%${description}%`}`)).toBe(0);
    expect(await count(sql`select count(*)::int as n from alert_signals a where a.evidence::text like ${`%${description}%`}`)).toBe(0);
    const detail = (await counselor.get(`/api/v1/alerts/${id}`)).json();
    expect(detail.evidence).toEqual({ description, category: '情绪低落' });
    expect(detail.signals[0].evidence).toEqual({ description, category: '情绪低落' });
    const listed = (await counselor.get(`/api/v1/alerts?studentId=${studentId}`)).json().items;
    expect(listed[0].evidence).toEqual({ description, category: '情绪低落' });
    // a value stored before sealing (plain) is still read as it is
    await env.deps.db.execute(sql`update alerts set evidence = jsonb_set(evidence, '{description}', to_jsonb(${'早先的明文描述'}::text)) where id = ${id}`);
    expect((await counselor.get(`/api/v1/alerts/${id}`)).json().evidence.description).toBe('早先的明文描述');

    const student = await env.login('student');
    const message = `我想找老师聊聊 ${randomUUID()}`;
    expect((await student.post('/api/v1/my/help', { message, clientId: randomUUID() })).statusCode).toBe(200);
    expect(await count(sql`select count(*)::int as n from alert_signals a where a.evidence::text like ${`%${message}%`}`)).toBe(0);
    const self = await rows<{ alert_id: string; m: string }>(env.deps.db, sql`select alert_id, evidence->>'message' as m from alert_signals where source = 'self' order by at desc, id desc limit 1`);
    expect(self[0]!.m).toMatch(/^v1\./);
    const selfDetail = (await counselor.get(`/api/v1/alerts/${self[0]!.alert_id}`)).json();
    expect(selfDetail.signals.filter((g: { source: string; evidence: { message?: string } }) => g.source === 'self' && g.evidence.message === message)).toHaveLength(1);
  });

  it('a parent reports about their own child only, and learns nothing of the alert', async () => {
    const parent = await env.login('parent');
    const own = await raise(parent, env.ids.studentSelf, 'yellow', '孩子最近回家不说话');
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json().alertId).toBeNull();
    expect((await raise(parent, env.ids.classmate, 'yellow')).statusCode).toBe(404);
    expect((await parent.get('/api/v1/alerts')).statusCode).toBe(403);
  });
});

describe('handling: acknowledge → assess → confirm or dismiss → close', () => {
  let alertId: string;
  beforeAll(async () => {
    alertId = (await raise(counselor, env.ids.otherClassStudent, 'yellow')).json().alertId;
  });

  it('the class\'s head teacher may not see a student of another class; the counselor handles it', async () => {
    expect((await head.get(`/api/v1/alerts/${alertId}`)).statusCode).toBe(404);
    expect((await head.post(`/api/v1/alerts/${alertId}/actions`, { action: 'acknowledge' })).statusCode).toBe(404);
    const detail = (await counselor.get(`/api/v1/alerts/${alertId}`)).json();
    expect(detail.actions).toEqual(['acknowledge', 'assess', 'dismiss']);
    expect(detail.canAssign).toBe(true);
  });

  it('steps follow the workflow; a step out of order is refused with 409 and changes nothing', async () => {
    const confirmEarly = await counselor.post(`/api/v1/alerts/${alertId}/actions`, { action: 'close', summary: '——' });
    expect(confirmEarly.statusCode).toBe(409);
    expect(confirmEarly.json().error.message).toContain('待接收');
    const ack = await counselor.post(`/api/v1/alerts/${alertId}/actions`, { action: 'acknowledge', note: '已联系班主任' });
    expect(ack.json()).toMatchObject({ status: 'acknowledged', ownerName: expect.any(String) });
    expect((await counselor.post(`/api/v1/alerts/${alertId}/actions`, { action: 'acknowledge' })).statusCode).toBe(409);
    expect((await counselor.post(`/api/v1/alerts/${alertId}/actions`, { action: 'assess' })).json().status).toBe('assessing');
    const noNote = await counselor.post(`/api/v1/alerts/${alertId}/actions`, { action: 'confirm', outcome: 'care' });
    expect(noNote.statusCode).toBe(400);
    const confirmed = await counselor.post(`/api/v1/alerts/${alertId}/actions`, { action: 'confirm', outcome: 'care', level: 'orange', note: '访谈后确认：家庭变故后情绪低落，纳入重点关注' });
    expect(confirmed.json()).toMatchObject({ status: 'confirmed', outcome: 'care', level: 'orange', actions: ['close'] });
    const closed = await leader.post(`/api/v1/alerts/${alertId}/actions`, { action: 'close', summary: '已安排包保教师，转入重点学生名单跟进' });
    expect(closed.json()).toMatchObject({ status: 'closed', actions: [] });
    expect(closed.json().events.map((e: { kind: string }) => e.kind)).toEqual(['created', 'acknowledged', 'assessing', 'confirmed', 'care_registered', 'closed']);
    expect(await count(sql`select count(*)::int as n from audit_log where action like 'alert.%' and detail->>'alertId' = ${alertId}`)).toBeGreaterThanOrEqual(5);
  });

  it('a new signal after closing opens a new alert', async () => {
    const res = await counselor.post('/api/v1/alerts', { studentId: env.ids.otherClassStudent, level: 'yellow', description: '再次出现情绪问题', clientId: randomUUID() });
    expect(res.json()).toMatchObject({ created: true });
    expect(res.json().alertId).not.toBe(alertId);
  });

  it('a head teacher acknowledges for the class but cannot assess, confirm or dismiss', async () => {
    const id = (await raise(counselor, await freshStudent(env.ids.classA), 'yellow')).json().alertId;
    expect((await head.get(`/api/v1/alerts/${id}`)).json().actions).toEqual(['acknowledge']);
    expect((await head.post(`/api/v1/alerts/${id}/actions`, { action: 'dismiss', reason: '误报' })).statusCode).toBe(403);
    expect((await head.post(`/api/v1/alerts/${id}/actions`, { action: 'acknowledge' })).json().status).toBe('acknowledged');
  });

  it('the owner is assigned among the school\'s counselors and leaders only', async () => {
    const id = (await raise(counselor, env.ids.committeeStudent, 'orange')).json().alertId;
    const people = (await leader.get(`/api/v1/alerts/${id}/assignees`)).json().items;
    const counselorAcct = people.find((p: { role: string }) => p.role === 'counselor');
    expect(counselorAcct).toBeTruthy();
    const assigned = await leader.post(`/api/v1/alerts/${id}/assign`, { accountId: counselorAcct.accountId });
    expect(assigned.json()).toMatchObject({ ownerId: counselorAcct.accountId });
    expect(await inbox('counselor', 'alert.assigned', id)).toBe(1);
    expect((await leader.post(`/api/v1/alerts/${id}/assign`, { accountId: head.accountId })).statusCode).toBe(400);
  });
});

describe('deadlines and escalation (controlled clock)', () => {
  it('an unacknowledged red alert climbs class → counselor → leader → bureau, each tier told once, the history complete', async () => {
    const staff = await env.addAccount('jiangcheng.staff', [{ role: 'bureau_staff', orgUnitId: env.ids.districtA }]);
    // bureau staff must have a second factor; enrol one so the account is fully signed in
    await env.deps.db.execute(sql`update accounts set totp_secret = ${newTotpSecret()} where id = ${staff}`);
    // a student of school B, so that earlier alerts of school A do not interfere
    const bLeader = await env.addAccount('schoolb.counselor', [{ role: 'counselor', orgUnitId: env.ids.schoolB }]);
    expect(bLeader).toBeTruthy();
    const bCounselor = await env.login('schoolb.counselor');
    const res = await raise(bCounselor, env.ids.schoolBStudent, 'red', '学生在走廊徘徊、说不想活了');
    const id = res.json().alertId as string;
    await escalate(); // nothing is due yet
    const tier = async () => (await rows<{ tier: number }>(env.deps.db, sql`select tier from alerts where id = ${id}`))[0]!.tier;
    expect(await tier()).toBe(0);

    await advance(2 * HOUR);
    expect(await escalate()).toBeGreaterThanOrEqual(1);
    expect(await tier()).toBe(1);
    expect(await inbox('schoolb.counselor', 'alert.escalated', id)).toBe(1);
    expect(await escalate()).toBe(0); // the same tier is never told twice
    expect(await inbox('schoolb.counselor', 'alert.escalated', id)).toBe(1);

    await advance(HOUR);
    await escalate();
    expect(await tier()).toBe(1); // a tier has a full acknowledgement period (2 h) before the next
    await advance(HOUR);
    await escalate();
    expect(await tier()).toBe(2);
    await advance(2 * HOUR);
    await escalate();
    expect(await tier()).toBe(3);
    expect(await inbox('jiangcheng.staff', 'alert.escalated', id)).toBe(1);
    await advance(24 * HOUR);
    await escalate();
    expect(await tier()).toBe(3); // the bureau is the top

    const events = await rows<{ kind: string; tier: string | null; reason: string | null }>(env.deps.db, sql`select kind, detail->>'tier' as tier, detail->>'reason' as reason from alert_events where alert_id = ${id} order by at, id`);
    expect(events).toEqual([
      { kind: 'created', tier: null, reason: null },
      { kind: 'escalated', tier: 'counselor', reason: 'ack' },
      { kind: 'escalated', tier: 'leader', reason: 'ack' },
      { kind: 'escalated', tier: 'bureau', reason: 'ack' },
    ]);
    const staffSession = await env.login('jiangcheng.staff');
    const seenByBureau = await staffSession.get(`/api/v1/alerts/${id}`);
    expect(seenByBureau.json(), seenByBureau.body).toMatchObject({ tier: 'bureau', overdue: 'ack' });
    expect((await staffSession.get('/api/v1/alerts?overdue=true')).json().items.map((a: { id: string }) => a.id)).toContain(id);
  });

  it('an acknowledged alert stops climbing until its assessment deadline', async () => {
    const id = (await raise(counselor, await freshStudent(env.ids.classA2), 'red', '在教室里情绪失控')).json().alertId as string;
    await counselor.post(`/api/v1/alerts/${id}/actions`, { action: 'acknowledge' });
    await advance(3 * HOUR);
    await escalate();
    expect((await counselor.get(`/api/v1/alerts/${id}`)).json()).toMatchObject({ tier: 'class', overdue: null });
    await advance(21 * HOUR);
    await escalate();
    expect((await counselor.get(`/api/v1/alerts/${id}`)).json()).toMatchObject({ tier: 'counselor', overdue: 'assess' });
  });

  it('the region sets its deadlines; a policy whose assessment comes first is refused', async () => {
    const city = await env.login('city.admin');
    const bad = await city.put('/api/v1/warning/policy', { deadlines: { red: { ackHours: 4, assessHours: 2 }, orange: { ackHours: 24, assessHours: 72 }, yellow: { ackHours: 72, assessHours: 168 } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('红色');
    const ok = await city.put('/api/v1/warning/policy', { deadlines: { red: { ackHours: 1, assessHours: 12 }, orange: { ackHours: 12, assessHours: 48 }, yellow: { ackHours: 48, assessHours: 120 } } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await counselor.get('/api/v1/warning/policy')).json().deadlines.red).toEqual({ ackHours: 1, assessHours: 12 });
    expect((await counselor.put('/api/v1/warning/policy', { deadlines: ok.json().deadlines })).statusCode).toBe(403);
    // the deadlines are the city's: a district bureau's config.write does not reach them
    const district = await env.login('district.admin');
    expect((await district.put('/api/v1/warning/policy', { deadlines: ok.json().deadlines })).statusCode).toBe(403);
    expect((await district.put('/api/v1/calendar', { terms: [], days: [] })).statusCode).toBe(403);
    expect((await district.put('/api/v1/care/policy', { maxPerTeacher: 3, leaderLevels: ['red'], cadence: { daily_check: 1, talk: 7, home_visit: 30 } })).statusCode).toBe(403);
  });
});

describe('who may see and do what', () => {
  it('outsiders get 404 for another school\'s alert, the wrong roles 403, and each refusal is audited', async () => {
    const id = (await raise(counselor, env.ids.classmate, 'yellow')).json().alertId as string;
    await env.addAccount('schoolc.counselor', [{ role: 'counselor', orgUnitId: env.ids.schoolC }]);
    const other = await env.login('schoolc.counselor');
    const before = await count(sql`select count(*)::int as n from audit_log where action = 'access.denied'`);
    expect((await other.get(`/api/v1/alerts/${id}`)).statusCode).toBe(404);
    expect((await other.post(`/api/v1/alerts/${id}/actions`, { action: 'acknowledge' })).statusCode).toBe(404);
    expect((await other.post(`/api/v1/alerts/${id}/assign`, { accountId: other.accountId })).statusCode).toBe(404);
    expect((await other.get(`/api/v1/alerts/${id}/assignees`)).statusCode).toBe(404);
    expect((await other.get('/api/v1/alerts')).json().items.map((a: { id: string }) => a.id)).not.toContain(id);
    expect((await raise(other, env.ids.classmate, 'red')).statusCode).toBe(404);
    for (const username of ['committee', 'student', 'parent', 'clinician', 'care.teacher']) {
      const s = await env.login(username);
      const res = await s.get(`/api/v1/alerts/${id}`);
      expect([403, 404], `${username} reads an alert`).toContain(res.statusCode);
      expect(res.body).not.toContain(env.ids.classmate);
      expect([403, 404], `${username} acts on an alert`).toContain((await s.post(`/api/v1/alerts/${id}/actions`, { action: 'acknowledge' })).statusCode);
    }
    expect(await count(sql`select count(*)::int as n from audit_log where action = 'access.denied'`)).toBeGreaterThanOrEqual(before + 14);
    // nothing changed
    expect((await counselor.get(`/api/v1/alerts/${id}`)).json().status).toBe('new');
  });

  it('a care teacher reports about a cared-for student only', async () => {
    const care = await env.login('care.teacher');
    const cared = env.ids.caredStudents[0]!;
    expect((await raise(care, cared, 'yellow', '包保谈心时发现其情绪低落')).statusCode).toBe(200);
    expect((await raise(care, env.ids.schoolBStudent, 'yellow')).statusCode).toBe(404);
  });
});

describe('boards', () => {
  it('a school\'s board counts its open alerts by level, status, tier and class, with owners, matching the list', async () => {
    const board = (await counselor.get(`/api/v1/warning/board?unitId=${env.ids.schoolA}`)).json();
    const open = (await counselor.get(`/api/v1/alerts?status=open&pageSize=200`)).json().items as { level: 'red' | 'orange' | 'yellow'; className: string; status: string }[];
    expect(board.suppressed).toBe(false);
    for (const level of ['red', 'orange', 'yellow'] as const) expect(board.open[level]).toBe(open.filter((a) => a.level === level).length);
    expect(board.byStatus.new + board.byStatus.acknowledged + board.byStatus.assessing).toBe(open.length);
    const classA = board.rows.find((r: { unitId: number }) => r.unitId === env.ids.classA);
    expect(classA.red + classA.orange + classA.yellow).toBe(open.filter((a) => a.className === classA.name).length);
    expect(board.owners.reduce((n: number, o: { open: number }) => n + o.open, 0)).toBe(open.length);
  });

  it('outside the school small counts are suppressed; another school\'s board is not found', async () => {
    await env.addAccount('district.staff2', [{ role: 'bureau_staff', orgUnitId: env.ids.districtA }]);
    await env.deps.db.execute(sql`update accounts set totp_secret = ${newTotpSecret()} where username = 'district.staff2'`);
    const bureau = await env.login('district.staff2');
    const board = (await bureau.get(`/api/v1/warning/board?unitId=${env.ids.districtA}`)).json();
    expect(board.suppressed).toBe(true);
    expect(board.owners).toEqual([]);
    for (const r of board.rows as Record<string, number | null>[]) for (const k of ['red', 'orange', 'yellow', 'overdue']) expect(r[k] === null || r[k] === 0 || r[k]! >= 5).toBe(true);
    expect((await counselor.get(`/api/v1/warning/board?unitId=${env.ids.schoolB}`)).statusCode).toBe(404);
    expect((await head.get(`/api/v1/warning/board?unitId=${env.ids.classA}`)).statusCode).toBe(200);
    expect((await head.get(`/api/v1/warning/board?unitId=${env.ids.schoolA}`)).statusCode).toBe(404);
    expect((await (await env.login('committee')).get(`/api/v1/warning/board?unitId=${env.ids.classA}`)).statusCode).toBe(403);
  });

  it('a bureau admin, who may not read alerts, sees the boards as counts only: small cells suppressed even for a school, no owners, no list', async () => {
    await env.addAccount('district.admin2', [{ role: 'bureau_admin', orgUnitId: env.ids.districtA }]);
    await env.deps.db.execute(sql`update accounts set totp_secret = ${newTotpSecret()} where username = 'district.admin2'`);
    const admin = await env.login('district.admin2');
    const district = await admin.get(`/api/v1/warning/board?unitId=${env.ids.districtA}`);
    expect(district.statusCode, district.body).toBe(200);
    expect(district.json().rows.map((r: { unitId: number }) => r.unitId)).toContain(env.ids.schoolA);
    const school = (await admin.get(`/api/v1/warning/board?unitId=${env.ids.schoolA}`)).json();
    expect(school.suppressed).toBe(true);
    expect(school.owners).toEqual([]);
    const exact = (await counselor.get(`/api/v1/warning/board?unitId=${env.ids.schoolA}`)).json();
    expect(exact.open.red + exact.open.orange + exact.open.yellow).toBeGreaterThan(0);
    for (const k of ['red', 'orange', 'yellow'] as const) {
      if (exact.open[k] >= 1 && exact.open[k] <= 4) expect(school.open[k]).toBeNull();
      if (school.open[k] !== null) expect(school.open[k]).toBe(exact.open[k]);
    }
    expect((await admin.get(`/api/v1/alerts`)).statusCode).toBe(403);
    expect((await admin.get(`/api/v1/warning/board?unitId=${env.ids.districtB}`)).statusCode).toBe(404);
    const audited = await rows<{ n: number }>(env.deps.db, sql`select count(*)::int as n from audit_log where action = 'warning.board.read' and actor_name = 'district.admin2'`);
    expect(audited[0]!.n).toBe(2);
  });
});

describe('the alert list filtered by unit', () => {
  const listed = async (s: Session, query: string) => {
    const res = await s.get(`/api/v1/alerts?pageSize=200&${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { items: { id: string; studentId: string; className: string }[]; total: number; unit: { id: number; name: string; kind: string } | null };
  };

  it('only alerts of students under the unit, named with its grade; the school gives the whole list', async () => {
    // a report joins the student's open alert or opens one: either way it is the student's open alert
    const here = (await raise(head, env.ids.classmate, 'yellow', '课间总是一个人待在教室')).json().alertId as string;
    const other = (await raise(counselor, env.ids.otherClassStudent, 'orange', '近一周多次缺交作业、情绪低落')).json().alertId as string;
    const otherClass = (await rows<{ id: number }>(env.deps.db, sql`select class_id as id from students where id = ${env.ids.otherClassStudent}`))[0]!.id;
    const classA = await listed(counselor, `unitId=${env.ids.classA}`);
    expect(classA.unit).toEqual({ id: env.ids.classA, name: '七年级1班', kind: 'class' });
    expect(classA.items.map((a) => a.id)).toContain(here);
    expect(classA.items.map((a) => a.id)).not.toContain(other);
    expect(new Set(classA.items.map((a) => a.className))).toEqual(new Set(['七年级1班']));
    const inClassA = await count(sql`select count(*)::int as n from alerts a join students s on s.id = a.student_id where s.class_id = ${env.ids.classA}`);
    expect(classA.total).toBe(inClassA);
    expect((await listed(counselor, `unitId=${otherClass}`)).items.map((a) => a.id)).toContain(other);
    const school = await listed(counselor, `unitId=${env.ids.schoolA}`);
    const all = await listed(counselor, '');
    expect(all.unit).toBeNull();
    expect(school.total).toBe(all.total);
    expect(school.unit).toMatchObject({ id: env.ids.schoolA, kind: 'school' });
    // with the other filters
    const open = await listed(counselor, `unitId=${env.ids.classA}&status=open`);
    expect(open.items.map((a) => a.id)).toContain(here);
    expect(open.items.every((a) => classA.items.some((b) => b.id === a.id))).toBe(true);
  });

  it('another school\'s unit, or a unit above the caller\'s, is not found (and the refusal audited); a head teacher filters on their own class only', async () => {
    const denied = () => count(sql`select count(*)::int as n from audit_log where action = 'access.denied' and detail->>'route' = 'GET /api/v1/alerts'`);
    const before = await denied();
    expect((await counselor.get(`/api/v1/alerts?unitId=${env.ids.schoolB}`)).statusCode).toBe(404);
    expect((await counselor.get(`/api/v1/alerts?unitId=${env.ids.classB}`)).statusCode).toBe(404);
    expect((await counselor.get(`/api/v1/alerts?unitId=${env.ids.districtA}`)).statusCode).toBe(404);
    expect((await counselor.get(`/api/v1/alerts?unitId=999999999`)).statusCode).toBe(404);
    expect(await denied()).toBe(before + 4);
    const mine = (await raise(head, env.ids.classmate, 'yellow', '最近午休时常独自流泪')).json().alertId as string;
    const own = await listed(head, `unitId=${env.ids.classA}`);
    expect(own.items.map((a) => a.id)).toContain(mine);
    expect(own.total).toBe((await listed(head, '')).total);
    expect((await head.get(`/api/v1/alerts?unitId=${env.ids.classA2}`)).statusCode).toBe(404);
    expect((await head.get(`/api/v1/alerts?unitId=${env.ids.schoolA}`)).statusCode).toBe(404);
    // another school's counselor finds nothing of this school's units; a care teacher reads no alert list at all
    await env.addAccount('counselor.b', [{ role: 'counselor', orgUnitId: env.ids.schoolB }]);
    const other = await env.login('counselor.b');
    expect((await other.get(`/api/v1/alerts?unitId=${env.ids.schoolB}`)).statusCode).toBe(200);
    expect((await other.get(`/api/v1/alerts?unitId=${env.ids.classA}`)).statusCode).toBe(404);
    expect((await (await env.login('care.teacher')).get(`/api/v1/alerts?unitId=${env.ids.classA}`)).statusCode).toBe(403);
    expect((await counselor.get(`/api/v1/alerts?unitId=abc`)).statusCode).toBe(400);
    expect((await counselor.get(`/api/v1/alerts?unitId=0`)).statusCode).toBe(400);
  });

  it('a board says whether its counts may open the filtered list: for those who may read the unit\'s alerts', async () => {
    expect((await counselor.get(`/api/v1/warning/board?unitId=${env.ids.schoolA}`)).json().listable).toBe(true);
    expect((await head.get(`/api/v1/warning/board?unitId=${env.ids.classA}`)).json().listable).toBe(true);
    const admin = await env.login('district.admin2');
    expect((await admin.get(`/api/v1/warning/board?unitId=${env.ids.schoolA}`)).json().listable).toBe(false);
  });
});

describe('a screening signal\'s answers in the evidence are sealed at rest', () => {
  const answers = { instrument: 'phq-9@1', scales: [{ id: 'total', raw: 21, band: 'severe', level: 'red' }], criticalItems: [{ itemId: 'phq9_9', level: 'red', value: '3' }], valid: true };
  const campaignId = randomUUID();
  const responseId = randomUUID();
  let alertId: string;
  const plainEvidence = sql`(evidence::text like '%phq9_9%' or jsonb_typeof(evidence->'criticalItems') = 'array' or jsonb_typeof(evidence->'scales') = 'array'
    or (jsonb_typeof(evidence->'description') = 'string' and evidence->>'description' !~ '^v1\\.') or (jsonb_typeof(evidence->'message') = 'string' and evidence->>'message' !~ '^v1\\.'))`;

  it('critical items and scales are sealed in both rows, what SQL filters on stays plain; the API answers them plain (list and detail)', async () => {
    const studentId = await freshStudent(env.ids.classA);
    const s = (await rows<{ region_id: number; school_id: number; class_id: number; org_path: string }>(env.deps.db, sql`select region_id, school_id, class_id, org_path from students where id = ${studentId}`))[0]!;
    const raised = await env.deps.db.transaction((tx) => raiseAlert(tx, env.deps, {
      regionId: s.region_id, studentId, schoolId: s.school_id, classId: s.class_id, orgPath: s.org_path, source: 'screening', sourceRef: responseId,
      level: 'red', critical: true, evidence: { campaignId, responseId, ...answers }, now: env.clock.now(),
    }));
    alertId = raised.alertId;
    const stored = await rows<{ a: Record<string, unknown>; g: Record<string, unknown> }>(env.deps.db, sql`select a.evidence as a, g.evidence as g
      from alerts a join alert_signals g on g.alert_id = a.id where a.id = ${alertId}`);
    expect(stored).toHaveLength(1);
    for (const ev of [stored[0]!.a, stored[0]!.g]) {
      expect(ev).toMatchObject({ campaignId, responseId, instrument: 'phq-9@1', valid: true, scales: expect.stringMatching(/^v1\./), criticalItems: expect.stringMatching(/^v1\./) });
    }
    expect(await count(sql`select count(*)::int as n from alerts where id = ${alertId} and ${plainEvidence}`)).toBe(0);
    expect(await count(sql`select count(*)::int as n from alert_signals where alert_id = ${alertId} and ${plainEvidence}`)).toBe(0);
    // the screening results page finds the alert by its campaign (screening/results.ts)
    expect(await count(sql`select count(*)::int as n from alerts a where a.source = 'screening' and a.student_id = ${studentId} and a.evidence->>'campaignId' = ${campaignId}`)).toBe(1);
    const detail = (await counselor.get(`/api/v1/alerts/${alertId}`)).json();
    expect(detail.evidence).toEqual({ campaignId, responseId, ...answers });
    expect(detail.signals[0].evidence).toEqual({ campaignId, responseId, ...answers });
    expect((await counselor.get(`/api/v1/alerts?studentId=${studentId}`)).json().items[0].evidence).toEqual({ campaignId, responseId, ...answers });
    // the head teacher still gets the summary only
    expect((await head.get(`/api/v1/alerts/${alertId}`)).json().evidence).toEqual({ summary: expect.stringContaining('心理测评') });
  });

  it('evidence stored before sealing is read as it is; the background pass seals it once, also when two servers run it at once', async () => {
    const legacy = { campaignId, responseId, ...answers };
    await env.deps.db.execute(sql`update alerts set evidence = ${JSON.stringify(legacy)}::jsonb where id = ${alertId}`);
    await env.deps.db.execute(sql`update alert_signals set evidence = ${JSON.stringify(legacy)}::jsonb where alert_id = ${alertId}`);
    const described = await raise(counselor, await freshStudent(env.ids.classA2), 'yellow', '早先的明文描述');
    expect(described.statusCode, described.body).toBe(200);
    const describedId = described.json().alertId as string;
    await env.deps.db.execute(sql`update alerts set evidence = jsonb_set(evidence, '{description}', to_jsonb(${'早先的明文描述'}::text)) where id = ${describedId}`);
    await env.deps.db.execute(sql`update alert_signals set evidence = jsonb_set(evidence, '{description}', to_jsonb(${'早先的明文描述'}::text)) where alert_id = ${describedId}`);
    expect((await counselor.get(`/api/v1/alerts/${alertId}`)).json().signals[0].evidence).toEqual(legacy);
    const plain = async () => (await count(sql`select count(*)::int as n from alerts where ${plainEvidence}`)) + (await count(sql`select count(*)::int as n from alert_signals where ${plainEvidence}`));
    const before = await plain();
    expect(before).toBeGreaterThanOrEqual(4); // these two in both rows, and the demo seed's screening alerts
    const passes = await Promise.all([sealLegacyAlertEvidence(env.deps.db, env.deps.config, { batch: 3 }), sealLegacyAlertEvidence(env.deps.db, env.deps.config, { batch: 3 })]);
    expect(passes[0] + passes[1]).toBe(before); // each row rewritten once
    expect(await plain()).toBe(0);
    expect(await sealLegacyAlertEvidence(env.deps.db, env.deps.config)).toBe(0);
    const detail = (await counselor.get(`/api/v1/alerts/${alertId}`)).json();
    expect(detail.evidence).toEqual(legacy);
    expect(detail.signals[0].evidence).toEqual(legacy);
    const d2 = (await counselor.get(`/api/v1/alerts/${describedId}`)).json();
    expect(d2.evidence).toEqual({ description: '早先的明文描述', category: '情绪低落' });
    expect(d2.signals[0].evidence).toEqual({ description: '早先的明文描述', category: '情绪低落' });
  });
});

describe('raiseAlerts: many signals in one transaction give what raiseAlert gives one by one', () => {
  /** a new student of the class (never an alert) */
  const newClassmate = async (classId: number) => (await rows<{ id: string; region_id: number; school_id: number; class_id: number; org_path: string }>(env.deps.db, sql`
    insert into students (region_id, student_no, name, gender, birth_date, school_id, class_id, org_path, enrolment_year)
    select region_id, ${`B${randomUUID().slice(0, 8)}`}, '新同学', gender, birth_date, school_id, class_id, org_path, enrolment_year from students where class_id = ${classId} order by student_no limit 1
    returning id, region_id, school_id, class_id, org_path`))[0]!;

  /**
   * Nine students in the states a batch meets (none, an open orange alert, an open red one, a care
   * record whose closure is proposed, a signal stored already) and the list of signals about them:
   * screening signals with and without a critical item (one opening an alert, which tells the
   * school, one joining an open alert, which does not), a second one of the same student, teachers'
   * reports, a signal sent before.
   */
  async function scenario(): Promise<{ students: string[]; inputs: SignalInput[] }> {
    const st = await Promise.all([0, 1, 2, 3, 4, 5, 6, 7, 8].map(() => newClassmate(env.ids.classA)));
    const now = env.clock.now();
    const signal = (k: number, level: 'yellow' | 'orange' | 'red', more: Partial<SignalInput> = {}): SignalInput => ({
      regionId: st[k]!.region_id, studentId: st[k]!.id, schoolId: st[k]!.school_id, classId: st[k]!.class_id, orgPath: st[k]!.org_path,
      source: 'screening', sourceRef: randomUUID(), level, critical: false,
      evidence: { campaignId: randomUUID(), instrument: 'phq-9@1', scales: [{ id: 'total', raw: 12, band: 'moderate', level }], valid: true }, now, ...more,
    });
    expect((await raise(head, st[1]!.id, 'orange')).statusCode).toBe(200);
    expect((await raise(head, st[2]!.id, 'red')).statusCode).toBe(200);
    expect((await raise(head, st[6]!.id, 'orange')).statusCode).toBe(200);
    await env.deps.db.execute(sql`insert into key_students (region_id, school_id, student_id, categories, level, sources, status, reason, added_at, proposed_by_name, proposed_at, updated_at)
      values (${st[3]!.region_id}, ${st[3]!.school_id}, ${st[3]!.id}, array['学业压力'], 'yellow', array['counselor'], 'closure_proposed', '跟踪', ${now}, '心理老师', ${now}, ${now})`);
    const sent = signal(5, 'yellow');
    await env.deps.db.transaction((tx) => raiseAlert(tx, env.deps, sent));
    env.clock.advance(60_000);
    const later = env.clock.now();
    const inputs = [
      signal(0, 'yellow'),
      signal(1, 'red'),
      signal(2, 'yellow'),
      signal(3, 'orange'),
      signal(4, 'red', { critical: true, evidence: { campaignId: randomUUID(), criticalItems: [{ itemId: 'phq9_9', level: 'red', value: '2' }] } }),
      { ...sent },
      signal(0, 'orange'),
      signal(4, 'yellow', { source: 'teacher', evidence: { description: '上课哭泣' } }),
      signal(6, 'red', { critical: true, evidence: { campaignId: randomUUID(), criticalItems: [{ itemId: 'phq9_9', level: 'red', value: '1' }] } }),
      signal(7, 'red', { critical: true, evidence: { campaignId: randomUUID(), criticalItems: [{ itemId: 'phq9_9', level: 'red', value: '3' }] } }),
      signal(8, 'orange', { source: 'teacher', evidence: { description: '连续几天不吃午饭' } }),
    ].map((s) => ({ ...s, now: later }));
    return { students: st.map((s) => s.id), inputs };
  }

  /** what a student's alerts, signals, events, care record and the school's inbox hold, without ids and times of day */
  async function state(studentIds: string[]) {
    return Promise.all(studentIds.map(async (id) => ({
      alerts: await rows(env.deps.db, sql`select level, critical, status, tier, source, next_escalation_at - created_at as next, level_raised_at - created_at as raised_after,
        (select count(*)::int from alert_signals g where g.alert_id = a.id) as signals,
        (select string_agg(kind || ':' || (detail->>'source') || ':' || (detail->>'level') || ':' || (detail->>'critical'), ',' order by e.id) from alert_events e where e.alert_id = a.id) as events,
        (select count(*)::int from notifications n where n.object_id = a.id::text) as told,
        (select string_agg(distinct n.kind, ',') from notifications n where n.object_id = a.id::text) as told_kinds,
        (select count(*)::int from outbox o where o.payload->>'objectId' = a.id::text) as outbox
        from alerts a where a.student_id = ${id} order by a.created_at`),
      signals: await rows(env.deps.db, sql`select g.source, g.level, g.critical, jsonb_typeof(g.evidence->'scales') as scales from alert_signals g join alerts a on a.id = g.alert_id where a.student_id = ${id} order by g.id`),
      care: await rows(env.deps.db, sql`select k.status, k.proposed_at is null as withdrawn, (select string_agg(kind || ':' || (detail->>'source'), ',') from key_student_events e where e.key_student_id = k.id) as events
        from key_students k where k.student_id = ${id}`),
    })));
  }

  it('the same alerts, levels, deadlines, signals, events, withdrawn closures, notifications and webhook events, each signal once', async () => {
    // with a webhook configured, a notice also queues an outbox event (nothing delivers it here)
    const webhook = env.deps.config.webhookUrl;
    env.deps.config.webhookUrl = 'http://127.0.0.1:9/xinyu-test-hook';
    onTestFinished(() => {
      env.deps.config.webhookUrl = webhook;
    });
    const one = await scenario();
    const oneByOne: Awaited<ReturnType<typeof raiseAlert>>[] = [];
    await env.deps.db.transaction(async (tx) => {
      for (const s of one.inputs) oneByOne.push(await raiseAlert(tx, env.deps, s));
    });
    const many = await scenario();
    const batched = await env.deps.db.transaction((tx) => raiseAlerts(tx, env.deps, many.inputs));
    const shape = (r: { created: boolean; duplicate: boolean; raised: boolean }[]) => r.map(({ created, duplicate, raised }) => ({ created, duplicate, raised }));
    expect(shape(batched)).toEqual(shape(oneByOne));
    expect(shape(batched)).toEqual([
      { created: true, duplicate: false, raised: false },
      { created: false, duplicate: false, raised: true },
      { created: false, duplicate: false, raised: false },
      { created: true, duplicate: false, raised: false },
      { created: true, duplicate: false, raised: false },
      { created: false, duplicate: true, raised: false },
      { created: false, duplicate: false, raised: true },
      { created: false, duplicate: false, raised: false },
      { created: false, duplicate: false, raised: true },
      { created: true, duplicate: false, raised: false },
      { created: true, duplicate: false, raised: false },
    ]);
    // the second signal of a student joins the alert the first opened
    expect(batched[6]!.alertId).toBe(batched[0]!.alertId);
    const after = await state(many.students);
    expect(after).toEqual(await state(one.students));
    expect(after[0]!.alerts).toMatchObject([{ level: 'orange', signals: 2, events: 'created:screening:yellow:false,level_raised:screening:orange:false', told: 0 }]);
    expect(after[3]!.care).toEqual([{ status: 'active', withdrawn: true, events: 'closure_withdrawn:screening' }]);
    expect(after[4]!.alerts).toMatchObject([{ level: 'red', critical: 1, told_kinds: 'screening.critical', outbox: 1 }]);
    // a critical item joining an open alert tells nobody more; opening one tells the counselors and leaders
    expect(after[6]!.alerts).toMatchObject([{ level: 'red', critical: 1, told_kinds: 'alert.new' }]);
    expect(after[7]!.alerts).toMatchObject([{ level: 'red', critical: 1, told_kinds: 'screening.critical', outbox: 1 }]);
    expect((after[7]!.alerts[0] as { told: number }).told).toBeGreaterThanOrEqual(2);
    // a teacher's report reaches the head teacher and the counselors
    expect(after[8]!.alerts).toMatchObject([{ level: 'orange', source: 'teacher', told_kinds: 'alert.new', outbox: 1 }]);
    expect(after[5]!.alerts).toMatchObject([{ signals: 1 }]);
    // sent again in a batch: nothing more
    const again = await env.deps.db.transaction((tx) => raiseAlerts(tx, env.deps, many.inputs));
    expect(again.every((r) => r.duplicate)).toBe(true);
    expect(await state(many.students)).toEqual(after);
  });
});
