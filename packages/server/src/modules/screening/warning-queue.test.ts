// A screening warning without a critical item (a band at or above its cut-off) is stored with the
// response and its re-check follow-up at once, and its signal to the warning network follows from
// the queue (raiseQueuedWarnings, a job twice a second): exactly once, recomputed from the stored
// score, notifying nobody. Critical items never wait in the queue (campaigns.test.ts).
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import { setupTestEnv, type Session, type TestEnv } from '../../test/fixture.js';
import { raiseQueuedWarnings } from './answering.js';
import { openGad7Campaign } from './test-campaign.js';

let env: TestEnv;
let counselor: Session;
let student: Session;
let otherCounselor: Session;
let campaignId: string;

const count = async (q: ReturnType<typeof sql>) => (await rows<{ n: number }>(env.deps.db, q))[0]!.n;
const raise = () => env.deps.db.transaction((tx) => raiseQueuedWarnings(env.deps, tx));
// GAD-7 total 16: severe (orange), answered in five minutes, not the same answer throughout
const answers = Object.fromEntries([2, 3, 3, 2, 2, 2, 2].map((v, i) => [`gad7_${i + 1}`, String(v)]));

beforeAll(async () => {
  env = await setupTestEnv();
  counselor = await env.login('counselor');
  await env.addAccount('counselor.c', [{ role: 'counselor', orgUnitId: env.ids.schoolC }]);
  otherCounselor = await env.login('counselor.c');
  student = await env.login('student');
  campaignId = await openGad7Campaign(env, counselor, [{ studentId: env.ids.studentSelf }]);
}, 120_000);
afterAll(async () => env?.close());

describe('a band warning raised from the queue', () => {
  let responseId: string;

  it('the submit stores the response and its follow-up, and queues one signal however often it is sent', async () => {
    const body = { clientId: randomUUID(), answers, startedAt: new Date(env.clock.now().getTime() - 300_000).toISOString() };
    const url = `/api/v1/my/screenings/${campaignId}/gad-7/submit`;
    const [a, b] = await Promise.all([student.post(url, body), student.post(url, body)]);
    expect([a.statusCode, b.statusCode], a.body).toEqual([200, 200]);
    expect((await student.post(url, body)).json()).toMatchObject({ duplicate: true });
    const stored = (await rows<{ id: string; warning_level: string }>(env.deps.db, sql`select id, warning_level from screening_responses where campaign_id = ${campaignId}`));
    expect(stored).toEqual([expect.objectContaining({ warning_level: 'orange' })]);
    responseId = stored[0]!.id;
    expect(await count(sql`select count(*)::int as n from screening_follow_ups where campaign_id = ${campaignId} and initial_level = 'orange'`)).toBe(1);
    expect(await count(sql`select count(*)::int as n from screening_warning_queue where response_id = ${responseId}`)).toBe(1);
    // nothing sensitive waits in the queue: the job reads the sealed score
    const queued = await rows<Record<string, unknown>>(env.deps.db, sql`select * from screening_warning_queue`);
    expect(Object.keys(queued[0]!).sort()).toEqual(['id', 'org_path', 'response_id']);
    expect(await count(sql`select count(*)::int as n from alerts where source = 'screening'`)).toBe(0);
  });

  it('the job raises it once, as the submit would have: the level, the evidence and the submission time', async () => {
    expect(await raise()).toBe(1);
    expect(await raise()).toBe(0);
    expect(await count(sql`select count(*)::int as n from screening_warning_queue`)).toBe(0);
    expect(await count(sql`select count(*)::int as n from alert_signals where source = 'screening' and source_ref = ${responseId}`)).toBe(1);
    const [alert] = await rows<{ level: string; critical: number; created_at: Date | string; submitted_at: Date | string }>(env.deps.db, sql`
      select a.level, a.critical, a.created_at, r.submitted_at from alerts a join screening_responses r on r.id::text = a.source_ref where a.source = 'screening'`);
    expect(alert).toMatchObject({ level: 'orange', critical: 0 });
    // the warning's deadlines run from when the student submitted, not from when the job ran
    expect(new Date(alert!.created_at).getTime()).toBe(new Date(alert!.submitted_at).getTime());

    const list = (await counselor.get('/api/v1/alerts?source=screening')).json();
    expect(list.items).toEqual([expect.objectContaining({ studentId: env.ids.studentSelf, level: 'orange', critical: false, source: 'screening' })]);
    const detail = (await counselor.get(`/api/v1/alerts/${list.items[0].id}`)).json();
    expect(JSON.stringify(detail.signals)).toContain(responseId);
    expect(JSON.stringify(detail.signals)).toMatch(/"raw":16/);
    // no critical item: nobody is told at once (the re-check lists carry it)
    const inbox = (await counselor.get('/api/v1/notifications')).json().items.filter((n: { kind: string }) => n.kind.startsWith('screening') || n.kind.startsWith('alert'));
    expect(inbox).toHaveLength(0);
    expect((await otherCounselor.get('/api/v1/alerts')).json().total).toBe(0);
  });
});
