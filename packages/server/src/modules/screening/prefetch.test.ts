// The answering context is looked up by the session cookie as a request arrives, beside the session
// lookup (prefetchSheetContext): it must find the session's own student, and a context that is not
// the signed-in caller's is never used.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import { setupTestEnv, type Session, type TestEnv } from '../../test/fixture.js';
import { loadCaller, SESSION_COOKIE } from '../auth/service.js';
import { openGad7Campaign } from './test-campaign.js';
import { prefetchedSheetContext, prefetchSheetContext, submit } from './answering.js';

let env: TestEnv;
let counselor: Session;
let student: Session;
let campaignId: string;

const answers = Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((i) => [`gad7_${i}`, '1']));
const tokenOf = (s: Session) => s.cookie.slice(`${SESSION_COOKIE}=`.length);

beforeAll(async () => {
  env = await setupTestEnv();
  counselor = await env.login('counselor');
  student = await env.login('student');
  campaignId = await openGad7Campaign(env, counselor, [{ studentId: env.ids.studentSelf }, { studentId: env.ids.classmate }]);
}, 120_000);
afterAll(async () => env?.close());

describe('the answering context fetched ahead with the request', () => {
  it('is the session’s own student and campaign', async () => {
    const req = { cookies: { xinyu_sid: tokenOf(student) }, params: { campaignId, key: 'gad-7' } };
    prefetchSheetContext(env.deps, req);
    const found = await prefetchedSheetContext(req);
    expect(found).toMatchObject({ student_id: env.ids.studentSelf, campaign_id: campaignId, class_id: env.ids.classA });
  });

  it('is not started without a session cookie or with a malformed campaign id, and finds nothing for a staff session', async () => {
    const none = { cookies: {}, params: { campaignId, key: 'gad-7' } };
    prefetchSheetContext(env.deps, none);
    expect(prefetchedSheetContext(none)).toBeUndefined();
    const malformed = { cookies: { xinyu_sid: tokenOf(student) }, params: { campaignId: 'not-a-uuid', key: 'gad-7' } };
    prefetchSheetContext(env.deps, malformed);
    expect(prefetchedSheetContext(malformed)).toBeUndefined();
    expect((await student.post('/api/v1/my/screenings/not-a-uuid/gad-7/submit', { clientId: randomUUID(), answers, startedAt: new Date().toISOString() })).statusCode).toBe(400);
    const staff = { cookies: { xinyu_sid: tokenOf(counselor) }, params: { campaignId, key: 'gad-7' } };
    prefetchSheetContext(env.deps, staff);
    expect(await prefetchedSheetContext(staff)).toBeNull();
  });

  it('is ignored when it is not the caller’s: the response is stored for the signed-in student only', async () => {
    const caller = (await loadCaller(env.deps, tokenOf(student), '127.0.0.1'))!;
    const own = { cookies: { xinyu_sid: tokenOf(student) }, params: { campaignId, key: 'gad-7' } };
    prefetchSheetContext(env.deps, own);
    const mine = (await prefetchedSheetContext(own))!;
    // a context claiming to be a classmate's, handed to the student's submit
    const forged = Promise.resolve({ ...mine, student_id: env.ids.classmate });
    const ack = await submit(env.deps, caller, campaignId, 'gad-7', { clientId: randomUUID(), answers, startedAt: new Date(env.clock.now().getTime() - 300000).toISOString() }, forged);
    expect(ack.status).toBe('submitted');
    const stored = await rows<{ student_id: string }>(env.deps.db, sql`select student_id from screening_responses where campaign_id = ${campaignId} and status = 'submitted'`);
    expect(stored).toEqual([{ student_id: env.ids.studentSelf }]);
  });
});
