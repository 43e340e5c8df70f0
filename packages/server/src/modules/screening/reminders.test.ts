import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import { setupTestEnv, type TestEnv } from '../../test/fixture.js';
import { sendScheduledReminders } from './reminders.js';

let env: TestEnv;
const run = () => env.deps.db.transaction((tx) => sendScheduledReminders(env.deps, tx));
const inbox = async (username: string, kind: string) =>
  (await rows<{ n: number }>(env.deps.db, sql`select count(*)::int as n from notifications n join accounts a on a.id = n.account_id where a.username = ${username} and n.kind = ${kind}`))[0]!.n;

beforeAll(async () => {
  env = await setupTestEnv();
  const city = await env.login('city.admin');
  // today is 2026-11-25 (China time); the window closes in 3 days; reminders 3 days and 1 day before
  const c = await city.post('/api/v1/screening/campaigns', {
    ownerUnitId: env.ids.cityId,
    title: '提醒测试',
    purpose: '检查测评截止前的自动提醒。',
    plan: [{ gradeLevels: [7], instruments: [{ key: 'phq-9', version: '1.0.0' }] }],
    window: { start: '2026-11-20', end: '2026-11-28' },
    reminderDaysBeforeEnd: [3, 1],
  });
  await city.post(`/api/v1/screening/campaigns/${c.json().id}/publish`);
  await (await env.login('school.leader')).post(`/api/v1/screening/campaigns/${c.json().id}/releases`, { classIds: [env.ids.classA] });
}, 120_000);
afterAll(async () => env?.close());

describe('scheduled reminders', () => {
  it('on a reminder day, the head teacher and the guardians awaited are told once', async () => {
    expect(await run()).toBe(1);
    expect(await run()).toBe(0);
    expect(await inbox('head.teacher', 'screening.class_reminder')).toBe(1);
    // the demo student is under 14 and has no consent yet: their parent is asked, not the student
    expect(await inbox('parent', 'screening.consent_request')).toBe(1);
    expect(await inbox('student', 'screening.reminder')).toBe(0);
    expect(await inbox('school.leader', 'screening.class_reminder')).toBe(0);
  });

  it('not on other days; again on the last reminder day', async () => {
    env.clock.advance(86400000);
    expect(await run()).toBe(0);
    env.clock.advance(86400000);
    await (await env.login('parent')).post(`/api/v1/my/consents/${(await rows<{ id: string }>(env.deps.db, sql`select id from campaigns`))[0]!.id}`, { studentId: env.ids.studentSelf, decision: 'granted' });
    expect(await run()).toBe(1);
    expect(await inbox('head.teacher', 'screening.class_reminder')).toBe(2);
    expect(await inbox('student', 'screening.reminder')).toBe(1);
    expect(await inbox('parent', 'screening.consent_request')).toBe(1);
  });
});
