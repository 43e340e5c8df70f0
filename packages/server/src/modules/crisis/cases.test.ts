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
import { setupTestEnv, type TestEnv } from '../../test/fixture.js';
import { loadAssignments } from '../access/service.js';
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

beforeAll(async () => {
  env = await setupTestEnv();
  await env.addAccount('counselor.other', [{ role: 'counselor', orgUnitId: env.ids.schoolB }]);
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
    expect((await one<{ n: number }>(sql`select count(*)::int as n from notifications where account_id = ${head.id} and object_id = ${first.id}`)).n).toBe(1);
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
