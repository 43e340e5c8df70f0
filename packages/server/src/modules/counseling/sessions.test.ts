// Session records (咨询记录表): sealed notes (unreadable in the database and in pg_dump), readable
// only by their author and the school's designated supervisor, every read audited; metadata for the
// school's counselors and leaders; supervisors designated by a school leader; escalation in one step.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { rows } from '../../db/client.js';
import { databaseUrl } from '../../db/test-global-setup.js';
import { testDbKind } from '../../db/testing.js';
import { setupTestEnv, type Session, type TestEnv } from '../../test/fixture.js';

let env: TestEnv;
const as: Record<string, Session> = {};
const CANARY = `金丝雀-${randomUUID()}`;
let sessionId: string;

const count = async (q: ReturnType<typeof sql>) => (await rows<{ n: number }>(env.deps.db, q))[0]!.n;
const notes = (extra: Partial<Record<string, string>> = {}) => ({
  presentingConcern: `近两周失眠，和同学关系紧张 ${CANARY}`, assessment: '情绪低落，有轻度焦虑', intervention: '倾听、情绪疏导、放松训练', riskLevel: 'medium', nextStep: '一周后复谈', ...extra,
});
const newSession = (over: Record<string, unknown> = {}) => ({
  clientId: randomUUID(), studentId: env.ids.studentSelf, kind: 'individual', date: '2026-11-24', durationMinutes: 45, notes: notes(), ...over,
});

beforeAll(async () => {
  env = await setupTestEnv();
  await env.addAccount('counselor.two', [{ role: 'counselor', orgUnitId: env.ids.schoolA }]);
  await env.addAccount('leader.two', [{ role: 'school_leader', orgUnitId: env.ids.schoolA }]);
  await env.addAccount('counselor.b', [{ role: 'counselor', orgUnitId: env.ids.schoolB }]);
  await env.addAccount('leader.b', [{ role: 'school_leader', orgUnitId: env.ids.schoolB }]);
  for (const u of ['counselor', 'counselor.two', 'school.leader', 'leader.two', 'counselor.b', 'leader.b', 'head.teacher', 'clinician', 'student', 'parent']) as[u] = await env.login(u);
  as['district.admin'] = await env.login('district.admin');
}, 120_000);
afterAll(async () => env?.close());

describe('recording a session', () => {
  it('stores the notes sealed: the canary is in no column of the row', async () => {
    const res = await as.counselor!.post('/api/v1/counseling/sessions', newSession());
    expect(res.statusCode, res.body).toBe(200);
    sessionId = res.json().id;
    expect(res.json()).toMatchObject({ studentId: env.ids.studentSelf, kind: 'individual', date: '2026-11-24', durationMinutes: 45, mine: true, canReadNotes: true, duplicate: false });
    const row = (await rows<Record<string, unknown>>(env.deps.db, sql`select * from counseling_sessions where id = ${sessionId}`))[0]!;
    const all = JSON.stringify(row);
    expect(all).not.toContain(CANARY);
    expect(all).not.toContain('失眠');
    expect(all).not.toContain('medium');
    expect(String(row.notes_sealed)).toMatch(/^v1\./);
    // the audit row names the action, not the content
    expect(await count(sql`select count(*)::int as n from audit_log where action = 'counseling.session.create' and detail::text like ${`%${sessionId}%`}`)).toBe(1);
    expect(await count(sql`select count(*)::int as n from audit_log where detail::text like ${`%${CANARY}%`}`)).toBe(0);
  });

  it('is unreadable in pg_dump output (PostgreSQL project)', async (ctx) => {
    if (testDbKind() !== 'pg') {
      ctx.skip(true, 'pg_dump needs a PostgreSQL server; under PGlite the PostgreSQL project (server-pg) runs this test');
      return;
    }
    const name = (await rows<{ d: string }>(env.deps.db, sql`select current_database() as d`))[0]!.d;
    const dump = execFileSync('/usr/lib/postgresql/15/bin/pg_dump', ['--data-only', '--table=counseling_sessions', '--table=audit_log', databaseUrl(inject('xinyuPg').adminUrl, name)], { encoding: 'utf8', maxBuffer: 1 << 28 });
    expect(dump).toContain(sessionId);
    expect(dump).not.toContain(CANARY);
    expect(dump).not.toContain('失眠');
  });

  it('a retry with the same clientId makes no second record', async () => {
    const body = newSession();
    const a = await as.counselor!.post('/api/v1/counseling/sessions', body);
    const b = await as.counselor!.post('/api/v1/counseling/sessions', body);
    expect(b.statusCode).toBe(200);
    expect(b.json()).toMatchObject({ id: a.json().id, duplicate: true });
    expect(await count(sql`select count(*)::int as n from counseling_sessions where client_id = ${body.clientId}`)).toBe(1);
  });

  it('refuses bad input in Chinese and stores nothing; another school\'s student is 404', async () => {
    const before = await count(sql`select count(*)::int as n from counseling_sessions`);
    const future = await as.counselor!.post('/api/v1/counseling/sessions', newSession({ date: '2030-01-01' }));
    expect(future.statusCode).toBe(400);
    expect(future.json().error.fields.date).toContain('晚于今天');
    const noConcern = await as.counselor!.post('/api/v1/counseling/sessions', newSession({ notes: notes({ presentingConcern: '  ' }) }));
    expect(noConcern.statusCode).toBe(400);
    const appt = await as.counselor!.post('/api/v1/counseling/sessions', newSession({ appointmentId: randomUUID() }));
    expect(appt.statusCode).toBe(400);
    expect(appt.json().error.fields.appointmentId).toBeTruthy();
    expect((await as.counselor!.post('/api/v1/counseling/sessions', newSession({ studentId: env.ids.schoolBStudent }))).statusCode).toBe(404);
    expect((await as['counselor.b']!.post('/api/v1/counseling/sessions', newSession())).statusCode).toBe(404);
    // roles without session.write
    expect((await as['school.leader']!.post('/api/v1/counseling/sessions', newSession())).statusCode).toBe(403);
    expect((await as['head.teacher']!.post('/api/v1/counseling/sessions', newSession())).statusCode).toBe(403);
    expect(await count(sql`select count(*)::int as n from counseling_sessions`)).toBe(before);
  });
});

describe('who reads the notes', () => {
  const readAudits = () => count(sql`select count(*)::int as n from audit_log where action = 'counseling.session.read' and detail->>'sessionId' = ${sessionId}`);

  it('the author reads them; each read writes one audit row', async () => {
    const before = await readAudits();
    const res = await as.counselor!.get(`/api/v1/counseling/sessions/${sessionId}/notes`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().notes.presentingConcern).toContain(CANARY);
    expect(res.json().notes.riskLevel).toBe('medium');
    expect(res.json().audited).toBe(true);
    expect(await readAudits()).toBe(before + 1);
    await as.counselor!.get(`/api/v1/counseling/sessions/${sessionId}/notes`);
    expect(await readAudits()).toBe(before + 2);
  });

  it('404 for another counselor of the school, a leader not designated, another school, a head teacher, a clinician, the bureau, a student and a parent', async () => {
    const before = await readAudits();
    for (const u of ['counselor.two', 'school.leader', 'leader.two', 'counselor.b', 'leader.b', 'head.teacher', 'clinician', 'district.admin', 'student', 'parent']) {
      const res = await as[u]!.get(`/api/v1/counseling/sessions/${sessionId}/notes`);
      expect(res.statusCode, u).toBe(404);
      expect(res.body).not.toContain(CANARY);
    }
    expect(await readAudits()).toBe(before);
  });

  it('the school\'s counselors and leaders list the metadata, without notes; others cannot', async () => {
    for (const u of ['counselor.two', 'school.leader']) {
      const list = await as[u]!.get(`/api/v1/counseling/sessions?studentId=${env.ids.studentSelf}`);
      expect(list.statusCode, u).toBe(200);
      const item = list.json().items.find((i: { id: string }) => i.id === sessionId);
      expect(item).toMatchObject({ kind: 'individual', counselorName: expect.any(String), canReadNotes: false, mine: false });
      expect(list.body).not.toContain(CANARY);
      expect(list.body).not.toContain('medium');
    }
    // listing who is in counseling is audited too
    expect(await count(sql`select count(*)::int as n from audit_log where action = 'counseling.session.list' and object_id = ${env.ids.studentSelf} and actor_id = ${as['counselor.two']!.accountId}`)).toBe(1);
    expect((await as['counselor.b']!.get(`/api/v1/counseling/sessions?studentId=${env.ids.studentSelf}`)).json().items).toEqual([]);
    expect((await as['counselor.b']!.get(`/api/v1/counseling/sessions/${sessionId}`)).statusCode).toBe(404);
    expect((await as['leader.b']!.get(`/api/v1/counseling/sessions/${sessionId}`)).statusCode).toBe(404);
    for (const u of ['head.teacher', 'clinician', 'district.admin', 'student', 'parent']) {
      expect((await as[u]!.get(`/api/v1/counseling/sessions?studentId=${env.ids.studentSelf}`)).statusCode, u).toBe(403);
      expect((await as[u]!.get(`/api/v1/counseling/sessions/${sessionId}`)).statusCode, u).toBe(403);
    }
  });

  it('a school leader designates a supervisor, who then reads the notes (audited); removal takes it back', async () => {
    // a counselor cannot designate; another school's leader does not reach this school
    const leaderTwoId = (await rows<{ id: string }>(env.deps.db, sql`select id from accounts where username = 'leader.two'`))[0]!.id;
    expect((await as.counselor!.post('/api/v1/counseling/supervisors', { accountId: leaderTwoId })).statusCode).toBe(403);
    expect((await as['leader.b']!.post('/api/v1/counseling/supervisors', { schoolId: env.ids.schoolA, accountId: leaderTwoId })).statusCode).toBe(404);
    // a head teacher is not a candidate
    const headId = (await rows<{ id: string }>(env.deps.db, sql`select id from accounts where username = 'head.teacher'`))[0]!.id;
    const bad = await as['school.leader']!.post('/api/v1/counseling/supervisors', { accountId: headId });
    expect(bad.statusCode).toBe(400);

    const list = (await as['school.leader']!.get('/api/v1/counseling/supervisors')).json();
    expect(list.canManage).toBe(true);
    expect(list.candidates.map((c: { accountId: string }) => c.accountId)).toContain(leaderTwoId);
    const res = await as['school.leader']!.post('/api/v1/counseling/supervisors', { accountId: leaderTwoId });
    expect(res.statusCode, res.body).toBe(200);
    const again = await as['school.leader']!.post('/api/v1/counseling/supervisors', { accountId: leaderTwoId });
    expect(again.json().items.filter((s: { accountId: string }) => s.accountId === leaderTwoId)).toHaveLength(1);
    expect(await count(sql`select count(*)::int as n from audit_log where action = 'counseling.supervisor.designate' and object_id = ${leaderTwoId}`)).toBe(1);
    expect((await as.counselor!.get('/api/v1/counseling/supervisors')).json()).toMatchObject({ canManage: false, candidates: [] });

    const before = await readAudits();
    const read = await as['leader.two']!.get(`/api/v1/counseling/sessions/${sessionId}/notes`);
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json().notes.presentingConcern).toContain(CANARY);
    expect(await readAudits()).toBe(before + 1);
    expect((await rows<{ detail: { as: string } }>(env.deps.db, sql`select detail from audit_log where action = 'counseling.session.read' and detail->>'sessionId' = ${sessionId} order by seq desc limit 1`))[0]!.detail.as).toBe('supervisor');
    // still 404 for the non-designated leader and the other counselor
    expect((await as['school.leader']!.get(`/api/v1/counseling/sessions/${sessionId}/notes`)).statusCode).toBe(404);
    expect((await as['counselor.two']!.get(`/api/v1/counseling/sessions/${sessionId}/notes`)).statusCode).toBe(404);
    // a supervisor may read but not amend (a leader holds no session.write: 403)
    expect((await as['leader.two']!.put(`/api/v1/counseling/sessions/${sessionId}/notes`, { notes: notes() })).statusCode).toBe(403);

    const supId = again.json().items.find((s: { accountId: string }) => s.accountId === leaderTwoId).id;
    expect((await as['leader.b']!.del(`/api/v1/counseling/supervisors/${supId}`)).statusCode).toBe(404);
    expect((await as['school.leader']!.del(`/api/v1/counseling/supervisors/${supId}`)).statusCode).toBe(200);
    expect((await as['leader.two']!.get(`/api/v1/counseling/sessions/${sessionId}/notes`)).statusCode).toBe(404);
  });

  it('the author amends the notes: sealed again, audited; others cannot', async () => {
    const amended = await as.counselor!.put(`/api/v1/counseling/sessions/${sessionId}/notes`, { notes: notes({ nextStep: `转介评估 ${CANARY}-2`, riskLevel: 'high' }) });
    expect(amended.statusCode, amended.body).toBe(200);
    expect(amended.json().notes).toMatchObject({ riskLevel: 'high', nextStep: `转介评估 ${CANARY}-2` });
    expect(await count(sql`select count(*)::int as n from audit_log where action = 'counseling.session.amend' and detail->>'sessionId' = ${sessionId}`)).toBe(1);
    // nothing written is lost: the notes as first written are the earlier version, sealed too
    expect(amended.json().earlierVersions).toHaveLength(1);
    expect(amended.json().earlierVersions[0].notes.nextStep).not.toContain(`${CANARY}-2`);
    expect(amended.json().earlierVersions[0].replacedByName).toEqual(expect.any(String));
    expect(await count(sql`select count(*)::int as n from counseling_session_versions where session_id = ${sessionId} and notes_sealed like ${`%${CANARY}%`}`)).toBe(0);
    expect(JSON.stringify((await rows(env.deps.db, sql`select * from counseling_sessions where id = ${sessionId}`))[0])).not.toContain(CANARY);
    expect((await as['counselor.two']!.put(`/api/v1/counseling/sessions/${sessionId}/notes`, { notes: notes() })).statusCode).toBe(404);
    expect((await as['counselor.b']!.put(`/api/v1/counseling/sessions/${sessionId}/notes`, { notes: notes() })).statusCode).toBe(404);
  });
});

describe('risk in one step', () => {
  it('escalate: alert raises the student\'s alert through the warning module, once, with no notes in it', async () => {
    const body = newSession({ studentId: env.ids.classmate, notes: notes({ riskLevel: 'high' }), escalate: 'alert' });
    const res = await as.counselor!.post('/api/v1/counseling/sessions', body);
    expect(res.statusCode, res.body).toBe(200);
    const alertId = res.json().alertId;
    expect(alertId).toBeTruthy();
    const alert = (await rows<{ level: string; student_id: string; evidence: unknown }>(env.deps.db, sql`select level, student_id, evidence from alerts where id = ${alertId}`))[0]!;
    expect(alert).toMatchObject({ level: 'red', student_id: env.ids.classmate });
    expect(JSON.stringify(alert)).not.toContain(CANARY);
    expect(await count(sql`select count(*)::int as n from alert_signals where source = 'counselor' and source_ref = ${`session:${res.json().id}`}`)).toBe(1);
    // the same follow-up again changes nothing
    const again = await as.counselor!.post(`/api/v1/counseling/sessions/${res.json().id}/escalate`, { escalate: 'alert' });
    expect(again.json().alertId).toBe(alertId);
    expect(await count(sql`select count(*)::int as n from alert_signals where source_ref = ${`session:${res.json().id}`}`)).toBe(1);
  });

  it('escalate on a record with no risk is refused and nothing is stored', async () => {
    const body = newSession({ studentId: env.ids.otherClassStudent, notes: notes({ riskLevel: 'none' }), escalate: 'alert' });
    const res = await as.counselor!.post('/api/v1/counseling/sessions', body);
    expect(res.statusCode).toBe(400);
    expect(await count(sql`select count(*)::int as n from counseling_sessions where client_id = ${body.clientId}`)).toBe(0);
  });

  it('escalate: crisis opens a crisis case from the record, once, without the notes', async () => {
    const res = await as.counselor!.post('/api/v1/counseling/sessions', newSession({ studentId: env.ids.otherClassStudent, notes: notes({ riskLevel: 'imminent' }) }));
    expect(res.statusCode, res.body).toBe(200);
    const id = res.json().id;
    expect((await as['counselor.two']!.post(`/api/v1/counseling/sessions/${id}/escalate`, { escalate: 'crisis' })).statusCode).toBe(404);
    const esc = await as.counselor!.post(`/api/v1/counseling/sessions/${id}/escalate`, { escalate: 'crisis' });
    expect(esc.statusCode, esc.body).toBe(200);
    const caseId = esc.json().crisisCaseId;
    expect(caseId).toBeTruthy();
    const c = (await rows<Record<string, unknown>>(env.deps.db, sql`select * from crisis_cases where id = ${caseId}`))[0]!;
    expect(c).toMatchObject({ source: 'session', session_id: id, risk_level: 'imminent', student_id: env.ids.otherClassStudent });
    expect(JSON.stringify(c)).not.toContain(CANARY);
    const again = await as.counselor!.post(`/api/v1/counseling/sessions/${id}/escalate`, { escalate: 'crisis' });
    expect(again.json().crisisCaseId).toBe(caseId);
    expect(await count(sql`select count(*)::int as n from crisis_cases where student_id = ${env.ids.otherClassStudent}`)).toBe(1);
  });

  it('escalate: crisis in the create itself opens the case in the same step', async () => {
    const student = env.ids.caredStudents[0]!;
    const res = await as.counselor!.post('/api/v1/counseling/sessions', newSession({ studentId: student, notes: notes({ riskLevel: 'high' }), escalate: 'crisis' }));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().crisisCaseId).toBeTruthy();
    expect((await rows<{ risk_level: string; session_id: string }>(env.deps.db, sql`select risk_level, session_id from crisis_cases where id = ${res.json().crisisCaseId}`))[0]).toEqual({ risk_level: 'high', session_id: res.json().id });
  });
});
