// Screening answers and the re-check's free text are sealed in the database (issue 7: a pg_dump
// never shows them), open for the people who may read them, are bound to their row, and rows from
// before sealing stay readable until the start-up pass seals them. Also: a re-test's new response
// takes the next attempt number.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import { sealerFor } from '../../lib/sealed.js';
import { setupTestEnv, type Session, type TestEnv } from '../../test/fixture.js';
import { openGad7Campaign } from './test-campaign.js';
import { consentAad, isSealed, openAnswers, openText, sealLegacyScreeningText, signOffAad } from './sealing.js';

let env: TestEnv;
let counselor: Session;
let student: Session;
let campaignId: string;

const one = async <T extends Record<string, unknown>>(q: ReturnType<typeof sql>) => (await rows<T>(env.deps.db, q))[0]!;
const answers = Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((i) => [`gad7_${i}`, '2']));

beforeAll(async () => {
  env = await setupTestEnv();
  counselor = await env.login('counselor');
  student = await env.login('student');
  campaignId = await openGad7Campaign(env, counselor, [{ studentId: env.ids.studentSelf, note: '家长说孩子最近睡眠不好' }]);
}, 120_000);
afterAll(async () => env?.close());

const sheet = () => `/api/v1/my/screenings/${campaignId}/gad-7`;
const stored = () => one<{ id: string; answers: string; attempt: number; status: string }>(sql`select id, answers, attempt, status from screening_responses
  where campaign_id = ${campaignId} and student_id = ${env.ids.studentSelf} and status <> 'superseded'`);

describe('sealed screening answers', () => {
  it('a draft and a submitted sheet are sealed in the database, and open for the student and the counselor', async () => {
    const draft = { gad7_1: '1', gad7_2: '3' };
    expect((await student.put(`${sheet()}/draft`, { answers: draft, startedAt: new Date(env.clock.now().getTime() - 300000).toISOString() })).statusCode).toBe(200);
    let row = await stored();
    expect(isSealed(row.answers)).toBe(true);
    expect(row.answers).not.toContain('gad7_');
    expect((await student.get(sheet())).json().answers).toEqual(draft);
    const task = (await student.get('/api/v1/my/screenings')).json().items.find((t: { campaignId: string }) => t.campaignId === campaignId);
    expect(task.instruments[0]).toMatchObject({ status: 'in_progress', answered: 2 });

    // answered in 5 s: under GAD-7's minimum time, so invalid (sent to re-test below)
    const res = await student.post(`${sheet()}/submit`, { clientId: randomUUID(), answers, startedAt: new Date(env.clock.now().getTime() - 5000).toISOString() });
    expect(res.statusCode, res.body).toBe(200);
    row = await stored();
    expect(row.status).toBe('submitted');
    expect(isSealed(row.answers)).toBe(true);
    expect(row.answers).not.toContain('gad7_');
    // so is the score: its critical items would name the answer given
    const score = (await one<{ score: string }>(sql`select score from screening_responses where id = ${row.id}`)).score;
    expect(isSealed(score)).toBe(true);
    expect(score).not.toContain('gad7_');
    const detail = (await counselor.get(`/api/v1/screening/responses/${row.id}`)).json();
    expect(detail.answers).toHaveLength(7);
    expect(detail.answers.every((a: { answer: string | null }) => a.answer !== null)).toBe(true);

    // bound to the sheet: the same value does not open as another student's answers
    const sealer = sealerFor(env.deps.config);
    expect(openAnswers(sealer, { campaignId, studentId: env.ids.studentSelf, instrumentKey: 'gad-7' }, row.answers)).toEqual(answers);
    expect(() => openAnswers(sealer, { campaignId, studentId: env.ids.classmate, instrumentKey: 'gad-7' }, row.answers)).toThrow();
  });

  it('a re-test takes the next attempt; the superseded response keeps its sealed answers', async () => {
    const first = await stored();
    expect(first.attempt).toBe(1);
    const retest = await counselor.post(`/api/v1/screening/responses/${first.id}/retest`);
    expect(retest.statusCode, retest.body).toBe(200);
    expect((await student.get(sheet())).json()).toMatchObject({ status: 'not_started', answers: {} });
    const res = await student.post(`${sheet()}/submit`, { clientId: randomUUID(), answers, startedAt: new Date(env.clock.now().getTime() - 300000).toISOString() });
    expect(res.statusCode, res.body).toBe(200);
    const second = await stored();
    expect(second).toMatchObject({ attempt: 2, status: 'submitted' });
    expect(second.id).not.toBe(first.id);
    const old = await one<{ answers: string; status: string }>(sql`select answers, status from screening_responses where id = ${first.id}`);
    expect(old.status).toBe('superseded');
    expect(isSealed(old.answers)).toBe(true);
  });

  it('the re-check notes, the review note and the consent note are sealed, and read back in plain', async () => {
    const [f] = (await counselor.get(`/api/v1/screening/campaigns/${campaignId}/follow-ups?schoolId=${env.ids.schoolA}`)).json().items;
    expect(f, 'GAD-7 at 14 raises a follow-up').toBeTruthy();
    const head = await env.login('head.teacher');
    expect((await head.post(`/api/v1/screening/follow-ups/${f.id}/observation`, { observation: '近两周上课走神，午饭常一个人吃。' })).statusCode).toBe(200);
    const ok = await counselor.post(`/api/v1/screening/follow-ups/${f.id}/interview`, { interview: '个别访谈四十分钟，学生谈到考试压力。', interviewDate: '2026-11-25', decision: 'confirm', finalLevel: f.initialLevel, reason: '症状与量表一致' });
    expect(ok.statusCode, ok.body).toBe(200);
    const db = await one<{ observation: string; interview: string; reason: string }>(sql`select observation, interview, reason from screening_follow_ups where id = ${f.id}`);
    for (const v of Object.values(db)) expect(isSealed(v), v).toBe(true);
    expect((await counselor.get(`/api/v1/screening/campaigns/${campaignId}/follow-ups?schoolId=${env.ids.schoolA}`)).json().items[0]).toMatchObject({
      observation: '近两周上课走神，午饭常一个人吃。', interview: '个别访谈四十分钟，学生谈到考试压力。', reason: '症状与量表一致',
    });
    const district = await env.login('district.admin');
    const signed = await district.post(`/api/v1/screening/campaigns/${campaignId}/sign-offs`, { schoolId: env.ids.schoolA, note: '复检规范' });
    expect(signed.statusCode, signed.body).toBe(200);
    // (a campaign aimed at a class lists no school to sign off: the note is read here with the key)
    const sealer = sealerFor(env.deps.config);
    const note = (await one<{ note: string }>(sql`select note from screening_sign_offs where campaign_id = ${campaignId}`)).note;
    expect(isSealed(note)).toBe(true);
    expect(openText(sealer, note, signOffAad(campaignId, env.ids.schoolA))).toBe('复检规范');
    const consentNote = (await one<{ note: string }>(sql`select note from screening_consents where campaign_id = ${campaignId} and student_id = ${env.ids.studentSelf}`)).note;
    expect(isSealed(consentNote)).toBe(true);
    expect(openText(sealer, consentNote, consentAad(campaignId, env.ids.studentSelf))).toBe('家长说孩子最近睡眠不好');
  });

  it('rows stored in plain before sealing stay readable and are sealed by the start-up pass', async () => {
    const row = await stored();
    await env.deps.db.execute(sql`update screening_responses set answers = ${JSON.stringify(answers)} where id = ${row.id}`);
    await env.deps.db.execute(sql`update screening_follow_ups set observation = '旧的观察记录' where campaign_id = ${campaignId}`);
    expect((await counselor.get(`/api/v1/screening/responses/${row.id}`)).json().answers).toHaveLength(7);
    expect((await counselor.get(`/api/v1/screening/campaigns/${campaignId}/follow-ups?schoolId=${env.ids.schoolA}`)).json().items[0].observation).toBe('旧的观察记录');
    expect(await sealLegacyScreeningText(env.deps.db, env.deps.config)).toBeGreaterThanOrEqual(2);
    const plain = await one<{ n: number }>(sql`select count(*)::int as n from screening_responses where answers !~ '^v1\\.'`);
    expect(plain.n).toBe(0);
    expect(isSealed((await stored()).answers)).toBe(true);
    expect((await counselor.get(`/api/v1/screening/campaigns/${campaignId}/follow-ups?schoolId=${env.ids.schoolA}`)).json().items[0].observation).toBe('旧的观察记录');
    expect((await counselor.get(`/api/v1/screening/responses/${row.id}`)).json().answers).toHaveLength(7);
    expect(await sealLegacyScreeningText(env.deps.db, env.deps.config)).toBe(0);
  });
});
