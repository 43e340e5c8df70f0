// Hotline calls: logged by the counselor who took them, the summary sealed and readable only by the
// author and the school's designated supervisors (audited); metadata for the school's counselors and leaders.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import { setupTestEnv, type Session, type TestEnv } from '../../test/fixture.js';

let env: TestEnv;
const as: Record<string, Session> = {};
const CANARY = `热线金丝雀-${randomUUID()}`;
let callId: string;
const count = async (q: ReturnType<typeof sql>) => (await rows<{ n: number }>(env.deps.db, q))[0]!.n;
const call = (over: Record<string, unknown> = {}) => ({
  clientId: randomUUID(), callerKind: 'parent', studentId: env.ids.studentSelf, startedAt: '2026-11-24T12:30:00.000Z', durationMinutes: 20, risk: 'low', summary: `家长反映孩子睡眠差 ${CANARY}`, ...over,
});

beforeAll(async () => {
  env = await setupTestEnv();
  await env.addAccount('counselor.two', [{ role: 'counselor', orgUnitId: env.ids.schoolA }]);
  await env.addAccount('counselor.b', [{ role: 'counselor', orgUnitId: env.ids.schoolB }]);
  await env.addAccount('leader.two', [{ role: 'school_leader', orgUnitId: env.ids.schoolA }]);
  for (const u of ['counselor', 'counselor.two', 'counselor.b', 'school.leader', 'leader.two', 'head.teacher', 'clinician', 'parent']) as[u] = await env.login(u);
}, 120_000);
afterAll(async () => env?.close());

describe('hotline calls', () => {
  it('a counselor logs a call they took: the summary sealed, idempotent by clientId', async () => {
    const body = call();
    const res = await as.counselor!.post('/api/v1/hotline/calls', body);
    expect(res.statusCode, res.body).toBe(200);
    callId = res.json().id;
    expect(res.json()).toMatchObject({ callerKind: 'parent', risk: 'low', mine: true, canReadSummary: true, duplicate: false });
    expect(JSON.stringify((await rows(env.deps.db, sql`select * from hotline_calls where id = ${callId}`))[0])).not.toContain(CANARY);
    expect((await as.counselor!.post('/api/v1/hotline/calls', body)).json()).toMatchObject({ id: callId, duplicate: true });
    expect(await count(sql`select count(*)::int as n from hotline_calls where client_id = ${body.clientId}`)).toBe(1);
    // a call with no student is filed at the counselor's school
    const anon = await as.counselor!.post('/api/v1/hotline/calls', call({ studentId: undefined, callerKind: 'other' }));
    expect(anon.statusCode, anon.body).toBe(200);
    expect((await rows<{ school_id: number }>(env.deps.db, sql`select school_id from hotline_calls where id = ${anon.json().id}`))[0]!.school_id).toBe(env.ids.schoolA);
  });

  it('refuses another school\'s student (404), a future start (400), roles without hotline.log (403)', async () => {
    expect((await as.counselor!.post('/api/v1/hotline/calls', call({ studentId: env.ids.schoolBStudent }))).statusCode).toBe(404);
    const future = await as.counselor!.post('/api/v1/hotline/calls', call({ startedAt: '2030-01-01T00:00:00Z' }));
    expect(future.statusCode).toBe(400);
    expect(future.json().error.message).toContain('晚于现在');
    for (const u of ['school.leader', 'head.teacher', 'parent']) expect((await as[u]!.post('/api/v1/hotline/calls', call())).statusCode, u).toBe(403);
  });

  it('the school\'s counselors and leaders list the metadata; another school sees none', async () => {
    for (const u of ['counselor.two', 'school.leader']) {
      const list = await as[u]!.get('/api/v1/hotline/calls');
      expect(list.statusCode).toBe(200);
      expect(list.json().items.find((c: { id: string }) => c.id === callId)).toMatchObject({ canReadSummary: false, mine: false });
      expect(list.body).not.toContain(CANARY);
    }
    expect((await as['counselor.b']!.get('/api/v1/hotline/calls')).json().items).toEqual([]);
    for (const u of ['head.teacher', 'clinician', 'parent']) expect((await as[u]!.get('/api/v1/hotline/calls')).statusCode, u).toBe(403);
  });

  it('the summary: the author and a designated supervisor (audited), 404 for everyone else', async () => {
    const reads = () => count(sql`select count(*)::int as n from audit_log where action = 'hotline.read' and detail->>'callId' = ${callId}`);
    const own = await as.counselor!.get(`/api/v1/hotline/calls/${callId}/summary`);
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json().summary).toContain(CANARY);
    expect(await reads()).toBe(1);
    for (const u of ['counselor.two', 'school.leader', 'leader.two', 'counselor.b', 'head.teacher', 'clinician', 'parent']) {
      expect((await as[u]!.get(`/api/v1/hotline/calls/${callId}/summary`)).statusCode, u).toBe(404);
    }
    expect(await reads()).toBe(1);
    const leaderTwo = (await rows<{ id: string }>(env.deps.db, sql`select id from accounts where username = 'leader.two'`))[0]!.id;
    expect((await as['school.leader']!.post('/api/v1/counseling/supervisors', { accountId: leaderTwo })).statusCode).toBe(200);
    const sup = await as['leader.two']!.get(`/api/v1/hotline/calls/${callId}/summary`);
    expect(sup.statusCode).toBe(200);
    expect(sup.json().summary).toContain(CANARY);
    expect(await reads()).toBe(2);
  });
});
