import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import { setupTestEnv, type TestEnv } from '../../test/fixture.js';

// The counseling and crisis chain on the student record (一生一档): rows inserted directly, so the
// test checks only who sees which kind, whatever the modules that write them do.
let env: TestEnv;

beforeAll(async () => {
  env = await setupTestEnv();
  const db = env.deps.db;
  const s = env.ids.studentSelf;
  const now = env.clock.now();
  const [ctx] = await rows<{ path: string; region: number; counselor: string }>(db, sql`
    select s.org_path as path, s.region_id as region, (select id from accounts where username = 'counselor') as counselor from students s where s.id = ${s}`);
  const { path, region, counselor } = ctx!;
  const school = env.ids.schoolA;
  await db.execute(sql`insert into appointments (region_id, school_id, org_path, student_id, counselor_account_id, counselor_name, starts_at, ends_at, channel, booked_by_role, booked_by, booked_by_name, status, client_id, created_at, updated_at)
    values (${region}, ${school}, ${path}, ${s}, ${counselor}, '王老师', ${now}, ${now}, 'booked', 'student', ${counselor}, '学生', 'confirmed', ${randomUUID()}, ${now}, ${now})`);
  await db.execute(sql`insert into counseling_sessions (region_id, school_id, org_path, student_id, counselor_account_id, counselor_name, kind, session_date, duration_minutes, notes_sealed, client_id, created_at, updated_at)
    values (${region}, ${school}, ${path}, ${s}, ${counselor}, '王老师', 'individual', '2026-11-20', 45, 'v1.x.y.z.w', ${randomUUID()}, ${now}, ${now})`);
  const caseId = randomUUID();
  await db.execute(sql`insert into crisis_cases (id, region_id, school_id, org_path, student_id, source, risk_level, summary, opened_by, opened_by_name, opened_at, client_id, updated_at)
    values (${caseId}, ${region}, ${school}, ${path}, ${s}, 'direct', 'high', '情况', ${counselor}, '王老师', ${now}, ${randomUUID()}, ${now})`);
  await db.execute(sql`insert into crisis_events (case_id, kind, actor_name, at) values (${caseId}, 'opened', '王老师', ${now}), (${caseId}, 'team.added', '王老师', ${now})`);
  await db.execute(sql`insert into guardian_contacts (region_id, student_id, org_path, case_id, guardian_name, channel, contacted_at, contacted_by, contacted_by_name, said, response, client_id, created_at)
    values (${region}, ${s}, ${path}, ${caseId}, '家长', 'phone', ${now}, ${counselor}, '王老师', '说明情况', '愿意配合', ${randomUUID()}, ${now})`);
  const [inst] = await rows<{ id: string }>(db, sql`select id from partner_institutions order by name limit 1`);
  const refId = randomUUID();
  await db.execute(sql`insert into referrals (id, region_id, school_id, org_path, student_id, case_id, institution_id, severity, shared, consent_guardian_name, consent_relation, consent_method, consent_at, consent_recorded_by_name, status, accept_by, sent_by, sent_by_name, sent_at, client_id, updated_at)
    values (${refId}, ${region}, ${school}, ${path}, ${s}, ${caseId}, ${inst!.id}, 'moderate', '{}'::jsonb, '家长', '母亲', 'in_person', ${now}, '王老师', 'sent', ${now}, ${counselor}, '王老师', ${now}, ${randomUUID()}, ${now})`);
  await db.execute(sql`insert into referral_events (referral_id, kind, actor_name, at) values (${refId}, 'sent', '王老师', ${now})`);
  await db.execute(sql`insert into return_plans (region_id, school_id, org_path, student_id, case_id, referral_id, assessment, adjustments, return_date, follow_up_weeks, created_by, created_by_name, created_at, client_id, updated_at)
    values (${region}, ${school}, ${path}, ${s}, ${caseId}, ${refId}, '{}'::jsonb, '{}'::jsonb, '2026-12-01', 4, ${counselor}, '王老师', ${now}, ${randomUUID()}, ${now})`);
}, 120_000);
afterAll(async () => env?.close());

const kinds = async (username: string) => {
  const res = await (await env.login(username)).get(`/api/v1/students/${env.ids.studentSelf}/timeline`);
  expect(res.statusCode, res.body).toBe(200);
  return new Set(res.json<{ entries: { kind: string }[] }>().entries.map((e) => e.kind));
};

describe('the counseling and crisis chain on the student record', () => {
  it('the counselor sees the whole chain, sessions without their notes', async () => {
    const res = await (await env.login('counselor')).get(`/api/v1/students/${env.ids.studentSelf}/timeline`);
    const entries = res.json<{ entries: { kind: string; title: string; detail: string; link: string | null }[] }>().entries;
    expect(new Set(entries.map((e) => e.kind))).toEqual(new Set(['appointment', 'session', 'crisis', 'guardian', 'referral', 'return']));
    const session = entries.find((e) => e.kind === 'session')!;
    expect(session.detail).toBe('王老师 · 45 分钟');
    expect(JSON.stringify(entries)).not.toContain('v1.x');
    // only the case's opening is an entry, not every internal event
    expect(entries.filter((e) => e.kind === 'crisis').map((e) => e.title)).toEqual(['危机个案建立']);
  });

  it('the head teacher sees the crisis work but neither appointments nor sessions', async () => {
    const seen = await kinds('head.teacher');
    for (const k of ['crisis', 'guardian', 'referral', 'return']) expect(seen.has(k)).toBe(true);
    expect(seen.has('session')).toBe(false);
    expect(seen.has('appointment')).toBe(false);
  });

  it('another school’s counselor cannot open the record at all', async () => {
    await env.addAccount('counselor.b.timeline', [{ role: 'counselor', orgUnitId: env.ids.schoolB }]);
    const res = await (await env.login('counselor.b.timeline')).get(`/api/v1/students/${env.ids.studentSelf}/timeline`);
    expect(res.statusCode).toBe(404);
  });
});
