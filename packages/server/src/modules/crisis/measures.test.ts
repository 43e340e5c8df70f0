// Measures (point 9) against hand-computed figures on a small fixed data set inserted with SQL in
// March 2025 (China Standard Time), far from the demo data; and who may read them.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import { setupTestEnv, type Session, type TestEnv } from '../../test/fixture.js';

let env: TestEnv;
let counselor: Session;
const RANGE = 'from=2025-03-01&to=2025-03-31';
const H = 3600_000;
const t = (iso: string, plusHours = 0) => new Date(Date.parse(iso) + plusHours * H);

beforeAll(async () => {
  env = await setupTestEnv();
  await env.addAccount('counselor.other', [{ role: 'counselor', orgUnitId: env.ids.schoolB }]);
  counselor = await env.login('counselor');
  const db = env.deps.db;
  const one = async <T>(q: ReturnType<typeof sql>) => (await rows<T>(db, q))[0]!;
  const student = (id: string) => one<{ id: string; school_id: number; org_path: string; region_id: number }>(sql`select id, school_id, org_path, region_id from students where id = ${id}`);
  const [s1, s2, s3, sb] = await Promise.all([student(env.ids.studentSelf), student(env.ids.classmate), student(env.ids.otherClassStudent), student(env.ids.schoolBStudent)]);
  const inst = await one<{ id: string }>(sql`select id from partner_institutions order by name limit 1`);
  const me = counselor.accountId;

  const referral = (s: typeof s1, sent: Date, acceptedH: number | null, feedbackD: number | null) => db.execute(sql`
    insert into referrals (region_id, school_id, org_path, student_id, institution_id, severity, shared, consent_guardian_name, consent_relation, consent_method, consent_at, consent_recorded_by_name,
      status, accept_by, sent_by, sent_by_name, sent_at, accepted_at, feedback_at, client_id, updated_at)
    values (${s.region_id}, ${s.school_id}, ${s.org_path}, ${s.id}, ${inst.id}, 'moderate', '{}'::jsonb, '王芳', '母亲', 'paper', ${sent}, '测试',
      ${feedbackD != null ? 'feedback' : acceptedH != null ? 'accepted' : 'sent'}, ${t(sent.toISOString(), 48)}, ${me}, '测试', ${sent},
      ${acceptedH != null ? t(sent.toISOString(), acceptedH) : null}, ${feedbackD != null ? t(sent.toISOString(), feedbackD * 24) : null}, ${randomUUID()}, ${sent})`);
  // school A: 3 in range (accepted after 10 h and 20 h, feedback after 4 and 2 days; one waiting), 1 the day before
  await referral(s1, t('2025-03-02T00:00:00Z'), 10, 4);
  await referral(s2, t('2025-03-10T00:00:00Z'), 20, 2);
  await referral(s3, t('2025-03-20T00:00:00Z'), null, null);
  await referral(s1, t('2025-02-28T15:00:00Z'), 1, 1); // 2025-02-28 23:00 CST: before the range
  // school B: 23:30 CST on the last day is in, 00:30 CST the next day is out
  await referral(sb, t('2025-03-31T15:30:00Z'), 5, null);
  await referral(sb, t('2025-03-31T16:30:00Z'), 1, null);

  const alert = (s: typeof s1, level: string, at: Date) => db.execute(sql`
    insert into alerts (region_id, student_id, school_id, source, source_ref, level, status, evidence, created_at, updated_at, closed_at)
    values (${s.region_id}, ${s.id}, ${s.school_id}, 'teacher', ${randomUUID()}, ${level}, 'closed', '{}'::jsonb, ${at}, ${at}, ${at})`);
  const contact = (s: typeof s1, at: Date) => db.execute(sql`
    insert into guardian_contacts (region_id, student_id, org_path, guardian_name, channel, contacted_at, contacted_by, contacted_by_name, said, response, client_id, created_at)
    values (${s.region_id}, ${s.id}, ${s.org_path}, '王芳', 'phone', ${at}, ${me}, '测试', '告知情况', '配合', ${randomUUID()}, ${at})`);
  const session = async (s: typeof s1, day: string, minutes: number, createdAt: Date, appointmentId: string | null = null) => db.execute(sql`
    insert into counseling_sessions (region_id, school_id, org_path, student_id, appointment_id, counselor_account_id, counselor_name, kind, session_date, duration_minutes, notes_sealed, client_id, created_at, updated_at)
    values (${s.region_id}, ${s.school_id}, ${s.org_path}, ${s.id}, ${appointmentId}, ${me}, '测试', 'individual', ${day}, ${minutes}, 'sealed', ${randomUUID()}, ${createdAt}, ${createdAt})`);
  const appointment = async (s: typeof s1, start: Date, minutes: number, status: string) => (await one<{ id: string }>(sql`
    insert into appointments (region_id, school_id, org_path, student_id, counselor_account_id, counselor_name, starts_at, ends_at, channel, booked_by_role, booked_by, booked_by_name, status, client_id, created_at, updated_at)
    values (${s.region_id}, ${s.school_id}, ${s.org_path}, ${s.id}, ${me}, '测试', ${start}, ${t(start.toISOString(), minutes / 60)}, 'walk_in', 'counselor', ${me}, '测试', ${status}, ${randomUUID()}, ${start}, ${start})
    returning id`)).id;

  // red alerts of school A: first contact after 3 h (a session before the guardian call at 6 h), after 12 h (a contact before the alert does not count), none
  await alert(s1, 'red', t('2025-03-05T00:00:00Z'));
  await contact(s1, t('2025-03-05T06:00:00Z'));
  await session(s1, '2025-03-05', 60, t('2025-03-05T03:00:00Z'));
  await alert(s2, 'red', t('2025-03-06T00:00:00Z'));
  await contact(s2, t('2025-03-05T20:00:00Z'));
  const linked = await appointment(s2, t('2025-03-06T10:00:00Z'), 45, 'completed');
  await session(s2, '2025-03-06', 45, t('2025-03-06T12:00:00Z'), linked);
  await alert(s3, 'red', t('2025-03-07T00:00:00Z'));
  await alert(s1, 'orange', t('2025-03-09T00:00:00Z'));
  // counseling hours of school A: 60 + 45 (sessions) + 50 (a completed walk-in without a record) = 155 min; out of range or cancelled ones not
  await appointment(s3, t('2025-03-12T02:00:00Z'), 50, 'completed');
  await appointment(s3, t('2025-03-13T02:00:00Z'), 50, 'cancelled');
  await session(s2, '2025-04-01', 90, t('2025-04-01T02:00:00Z'));
  // school B: a red alert contacted after 1 h; 30 min of sessions
  await alert(sb, 'red', t('2025-03-08T00:00:00Z'));
  await contact(sb, t('2025-03-08T01:00:00Z'));
  await session(sb, '2025-03-08', 30, t('2025-03-20T00:00:00Z'));
}, 120_000);
afterAll(async () => env?.close());

const A = { referralsSent: 3, referralsAccepted: 2, referralsWithFeedback: 2, feedbackShare: 0.667, medianAcceptHours: 15, medianFeedbackDays: 3, redAlerts: 3, redAlertsContacted: 2, redAlertsWithoutContact: 1, medianContactHours: 7.5, counselingHours: 2.6 };
const B = { referralsSent: 1, referralsAccepted: 1, referralsWithFeedback: 0, feedbackShare: 0, medianAcceptHours: 5, medianFeedbackDays: null, redAlerts: 1, redAlertsContacted: 1, redAlertsWithoutContact: 0, medianContactHours: 1, counselingHours: 0.5 };

describe('counseling measures', () => {
  it('a counselor gets their school figures, computed as defined', async () => {
    const res = await counselor.get(`/api/v1/measures/counseling?${RANGE}`);
    expect(res.statusCode, res.body).toBe(200);
    const m = res.json();
    expect(m.unit.id).toBe(env.ids.schoolA);
    expect(m.rows).toEqual([{ schoolId: env.ids.schoolA, schoolName: '江城区实验中学', ...A }]);
    expect(m.total).toEqual(A);
  });

  it('the district bureau gets a row per school and pooled totals', async () => {
    const district = await env.login('district.admin');
    const m = (await district.get(`/api/v1/measures/counseling?unitId=${env.ids.districtA}&${RANGE}`)).json();
    expect(m.rows.find((r: { schoolId: number }) => r.schoolId === env.ids.schoolA)).toMatchObject(A);
    expect(m.rows.find((r: { schoolId: number }) => r.schoolId === env.ids.schoolB)).toMatchObject(B);
    // pooled: accept hours [10, 20, 5] → 10; feedback days [4, 2] → 3; contact hours [3, 12, 1] → 3
    expect(m.total).toEqual({ referralsSent: 4, referralsAccepted: 3, referralsWithFeedback: 2, feedbackShare: 0.5, medianAcceptHours: 10, medianFeedbackDays: 3, redAlerts: 4, redAlertsContacted: 3, redAlertsWithoutContact: 1, medianContactHours: 3, counselingHours: 3.1 });
    expect(JSON.stringify(m)).not.toContain(env.ids.studentSelf);
  });

  it('another school 404, roles without the permission 403', async () => {
    const other = await env.login('counselor.other');
    expect((await other.get(`/api/v1/measures/counseling?unitId=${env.ids.schoolA}&${RANGE}`)).statusCode).toBe(404);
    expect((await other.get(`/api/v1/measures/counseling?${RANGE}`)).json().rows.map((r: { schoolId: number }) => r.schoolId)).toEqual([env.ids.schoolB]);
    expect((await (await env.login('head.teacher')).get(`/api/v1/measures/counseling?${RANGE}`)).statusCode).toBe(403);
    expect((await (await env.login('clinician')).get(`/api/v1/measures/counseling?${RANGE}`)).statusCode).toBe(403);
  });
});
