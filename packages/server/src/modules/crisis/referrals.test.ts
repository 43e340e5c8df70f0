// The referral green channel: partner institutions and clinician accounts, referrals with consent,
// the minimum shared, the clinician's steps in order, escalation once, guardian notices without the
// reason, and above all who reaches what: another school's counselor and another institution's
// clinician get 404, a clinician reaches no student, alert, case or session.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import { setupTestEnv, type Session, type TestEnv } from '../../test/fixture.js';
import { escalateOverdueReferrals } from './escalation.js';

let env: TestEnv;
let counselor: Session;
let leader: Session;
let head: Session;
let otherCounselor: Session;
let clinician: Session;
let otherClinician: Session;
let city: Session;
let parent: Session;
let mentalCenter: string;
let clinic: string;
const one = async <T>(q: ReturnType<typeof sql>) => (await rows<T>(env.deps.db, q))[0]!;
const REASON = '近两周情绪持续低落，出现自伤念头，已签安全协议';

const consent = (over: Record<string, unknown> = {}) => ({ guardianName: '王芳', relation: '母亲', phone: '13800001111', method: 'in_person', at: new Date(env.clock.now().getTime() - 3600_000).toISOString(), ...over });
const send = (s: Session, over: Record<string, unknown> = {}) =>
  s.post('/api/v1/referrals', { studentId: env.ids.studentSelf, institutionId: mentalCenter, severity: 'moderate', reason: REASON, consent: consent(), clientId: randomUUID(), ...over });

beforeAll(async () => {
  env = await setupTestEnv();
  await env.addAccount('counselor.other', [{ role: 'counselor', orgUnitId: env.ids.schoolB }]);
  await env.addAccount('head.other', [{ role: 'head_teacher', orgUnitId: env.ids.classA2 }]);
  [counselor, leader, head, otherCounselor, clinician, city, parent] = await Promise.all([
    env.login('counselor'), env.login('school.leader'), env.login('head.teacher'), env.login('counselor.other'), env.login('clinician'), env.login('city.admin'), env.login('parent'),
  ]);
  const list = (await city.get('/api/v1/institutions')).json().items as { id: string; name: string }[];
  mentalCenter = list.find((i) => i.name === '临江市精神卫生中心')!.id;
  clinic = list.find((i) => i.name === '临江市人民医院心理门诊')!.id;
}, 120_000);
afterAll(async () => env?.close());

describe('partner institutions and clinician accounts', () => {
  it('the bureau registers an institution and a clinician who must change the password first', async () => {
    const bad = await city.post('/api/v1/institutions', { name: '', kind: 'hospital', acceptHours: 0 });
    expect(bad.statusCode).toBe(400);
    const res = await city.post('/api/v1/institutions', { name: '临江市第二人民医院', kind: 'hospital', address: '临江市南湖区', phone: '0883-2130000', acceptHours: 24 });
    expect(res.statusCode, res.body).toBe(200);
    const id = res.json().id;
    expect((await city.post('/api/v1/institutions', { name: '临江市第二人民医院', kind: 'clinic', acceptHours: 24 })).statusCode).toBe(409);
    const weak = await city.post(`/api/v1/institutions/${id}/clinicians`, { username: 'dr.li', name: '李医生', password: 'short' });
    expect(weak.statusCode).toBe(400);
    const made = await city.post(`/api/v1/institutions/${id}/clinicians`, { username: 'dr.li', name: '李医生', password: 'Start#2026ab', department: '心理科', title: '主治医师' });
    expect(made.statusCode, made.body).toBe(200);
    expect(made.json().items).toEqual([expect.objectContaining({ username: 'dr.li', name: '李医生', department: '心理科', mustChangePassword: true })]);
    expect((await city.post(`/api/v1/institutions/${id}/clinicians`, { username: 'DR.LI', name: '李医生', password: 'Start#2026ab' })).statusCode).toBe(409);
    const role = await one<{ role: string; org_unit_id: number | null }>(sql`select ra.role, ra.org_unit_id from role_assignments ra join accounts a on a.id = ra.account_id where a.username = 'dr.li'`);
    expect(role).toEqual({ role: 'clinician', org_unit_id: null });
    const login = await env.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: 'dr.li', password: 'Start#2026ab' } });
    expect(login.json().account?.mustChangePassword ?? login.json().mustChangePassword).toBe(true);
    expect(await one<{ n: number }>(sql`select count(*)::int as n from audit_log where action = 'institution.clinician.create'`)).toEqual({ n: 1 });
  });

  it('the bureau edits an institution (a clashing name refused); an inactive one is not offered to schools', async () => {
    const made = (await city.post('/api/v1/institutions', { name: '临江市康复中心', kind: 'center', acceptHours: 72 })).json();
    expect((await city.put(`/api/v1/institutions/${made.id}`, { name: '临江市精神卫生中心', kind: 'center', acceptHours: 72 })).statusCode).toBe(409);
    const edited = await city.put(`/api/v1/institutions/${made.id}`, { name: '临江市康复中心', kind: 'center', acceptHours: 12, active: false });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ acceptHours: 12, active: false });
    expect((await counselor.put(`/api/v1/institutions/${made.id}`, { name: 'x', kind: 'center', acceptHours: 1 })).statusCode).toBe(403);
    expect((await counselor.get('/api/v1/institutions')).json().items.map((i: { id: string }) => i.id)).not.toContain(made.id);
    expect((await send(counselor, { institutionId: made.id })).statusCode).toBe(400);
    expect((await city.post(`/api/v1/institutions/${made.id}/clinicians`, { username: 'dr.none', name: '钱医生', password: 'Start#2026ab' })).statusCode).toBe(409);
    expect((await city.put(`/api/v1/institutions/${randomUUID()}`, { name: 'y', kind: 'center', acceptHours: 1 })).statusCode).toBe(404);
  });

  it('schools see active institutions but cannot register them; a clinician cannot list them', async () => {
    expect((await counselor.get('/api/v1/institutions')).json().items.map((i: { name: string }) => i.name)).toContain('临江市精神卫生中心');
    expect((await counselor.post('/api/v1/institutions', { name: '某诊所', kind: 'clinic', acceptHours: 24 })).statusCode).toBe(403);
    expect((await leader.get(`/api/v1/institutions/${mentalCenter}/clinicians`)).statusCode).toBe(403);
    expect((await clinician.get('/api/v1/institutions')).statusCode).toBe(403);
  });
});

describe('sending a referral', () => {
  it('needs the guardian consent: none recorded, nothing sent, a clear message', async () => {
    const before = await one<{ n: number }>(sql`select count(*)::int as n from referrals`);
    const res = await send(counselor, { consent: undefined });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('监护人同意');
    expect((await send(counselor, { consent: consent({ at: new Date(env.clock.now().getTime() + 86400_000).toISOString() }) })).statusCode).toBe(400);
    expect(await one<{ n: number }>(sql`select count(*)::int as n from referrals`)).toEqual(before);
  });

  it('shares only what the institution needs, once for a retried send; tells the guardians without the reason', async () => {
    const clientId = randomUUID();
    const guardian = await one<{ id: string; name: string; phone: string | null; relation: string }>(sql`select g.id, g.name, g.phone, sg.relation from student_guardians sg join guardians g on g.id = sg.guardian_id where sg.student_id = ${env.ids.studentSelf} order by sg.is_primary desc limit 1`);
    const [a, b] = await Promise.all([
      send(counselor, { clientId, consent: consent({ guardianId: guardian.id }) }),
      send(counselor, { clientId, consent: consent({ guardianId: guardian.id }) }),
    ]);
    expect(a.statusCode, a.body).toBe(200);
    expect(b.statusCode, b.body).toBe(200);
    expect(a.json().id).toBe(b.json().id);
    expect(await one<{ n: number }>(sql`select count(*)::int as n from referrals where client_id = ${clientId}`)).toEqual({ n: 1 });
    const r = a.json();
    expect(r.status).toBe('sent');
    expect(Date.parse(r.acceptBy) - Date.parse(r.sentAt)).toBe(48 * 3600_000);
    const student = await one<{ name: string; gender: string }>(sql`select name, gender from students where id = ${env.ids.studentSelf}`);
    expect(Object.keys(r.shared).sort()).toEqual(['age', 'className', 'gender', 'guardian', 'name', 'reason', 'school']);
    expect(r.shared).toMatchObject({ name: student.name, gender: student.gender, school: '江城区实验中学', reason: REASON, guardian: { name: guardian.name, relation: guardian.relation, phone: guardian.phone } });
    expect(r.shared.className).toContain('1班');
    const notices = await rows<{ title: string; body: string; recipients: number }>(env.deps.db, sql`select title, body, recipients from guardian_notices where object_id = ${r.id}`);
    expect(notices).toHaveLength(1);
    expect(notices[0]!.recipients).toBe(1);
    expect(notices[0]!.body).not.toContain('自伤');
    expect(`${notices[0]!.title}${notices[0]!.body}`).not.toContain(REASON);
    const events = await rows<{ kind: string }>(env.deps.db, sql`select kind from referral_events where referral_id = ${r.id}`);
    expect(events.map((e) => e.kind)).toEqual(['sent']);
    expect(await one<{ n: number }>(sql`select count(*)::int as n from audit_log where action = 'referral.send' and detail->>'referralId' = ${r.id}`)).toEqual({ n: 1 });
    // the parent sees the notice in their inbox, not the reason
    const inbox = (await parent.get('/api/v1/notifications')).json();
    expect(JSON.stringify(inbox)).toContain('学校已为孩子联系专业机构');
    expect(JSON.stringify(inbox)).not.toContain(REASON);
  });

  it('another school or another class head teacher cannot refer, list or read the student; the class head teacher reads but cannot send', async () => {
    expect((await send(otherCounselor)).statusCode).toBe(404);
    const r = (await send(counselor)).json();
    expect((await otherCounselor.get(`/api/v1/referrals/${r.id}`)).statusCode).toBe(404);
    expect((await otherCounselor.get(`/api/v1/referrals?studentId=${env.ids.studentSelf}`)).json().items).toEqual([]);
    expect((await otherCounselor.post(`/api/v1/referrals/${r.id}/close`, {})).statusCode).toBe(404);
    expect((await otherCounselor.get(`/api/v1/referrals/students/${env.ids.studentSelf}`)).statusCode).toBe(404);
    const otherHead = await env.login('head.other');
    expect((await otherHead.get(`/api/v1/referrals/${r.id}`)).statusCode).toBe(404);
    expect((await head.get(`/api/v1/referrals/${r.id}`)).statusCode).toBe(200);
    expect((await head.get(`/api/v1/referrals/${r.id}`)).json().can).toEqual({ close: false, resend: false, returnPlan: false });
    expect((await send(head)).statusCode).toBe(403);
    expect((await parent.get(`/api/v1/referrals/${r.id}`)).statusCode).toBe(403);
    const ctx = (await counselor.get(`/api/v1/referrals/students/${env.ids.studentSelf}`)).json();
    expect(ctx.student.id).toBe(env.ids.studentSelf);
    expect(ctx.guardians.length).toBeGreaterThan(0);
  });
});

describe('the clinician', () => {
  let id: string;
  beforeAll(async () => {
    // a clinician of the other institution
    const res = await city.post(`/api/v1/institutions/${clinic}/clinicians`, { username: 'dr.other', name: '赵医生', password: 'Start#2026ab' });
    expect(res.statusCode, res.body).toBe(200);
    const first = await env.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: 'dr.other', password: 'Start#2026ab' } });
    const cookie = first.cookies.find((c) => c.name === 'xinyu_sid')!;
    const changed = await env.app.inject({ method: 'POST', url: '/api/v1/auth/password', headers: { cookie: `xinyu_sid=${cookie.value}`, 'x-csrf-token': first.json().csrfToken }, payload: { currentPassword: 'Start#2026ab', newPassword: 'Other#2026xy' } });
    expect(changed.statusCode, changed.body).toBe(200);
    otherClinician = await env.login('dr.other', 'Other#2026xy');
    id = (await send(counselor, { severity: 'severe' })).json().id;
  });

  it('sees only the referrals sent to their institution, with the shared minimum', async () => {
    const list = (await clinician.get('/api/v1/clinic/referrals')).json().items;
    expect(list.map((r: { id: string }) => r.id)).toContain(id);
    const r = (await clinician.get(`/api/v1/clinic/referrals/${id}`)).json();
    expect(Object.keys(r)).not.toContain('studentId');
    expect(JSON.stringify(r)).not.toContain(env.ids.studentSelf);
    expect(r.shared.reason).toBe(REASON);
    expect(r.can).toEqual({ accept: true, decline: true, seen: false, feedback: false });
    expect((await otherClinician.get('/api/v1/clinic/referrals')).json().items).toEqual([]);
    expect((await otherClinician.get(`/api/v1/clinic/referrals/${id}`)).statusCode).toBe(404);
    expect((await otherClinician.post(`/api/v1/clinic/referrals/${id}/accept`)).statusCode).toBe(404);
    expect((await counselor.get(`/api/v1/clinic/referrals/${id}`)).statusCode).toBe(403);
  });

  it('never reaches students, alerts, cases, sessions or the school side of referrals', async () => {
    for (const url of ['/api/v1/students', `/api/v1/students/${env.ids.studentSelf}`, `/api/v1/students/${env.ids.studentSelf}/timeline`, '/api/v1/alerts', '/api/v1/referrals', `/api/v1/referrals/${id}`, `/api/v1/referrals/students/${env.ids.studentSelf}`, '/api/v1/returns', '/api/v1/counseling/appointments', '/api/v1/measures/counseling']) {
      const res = await clinician.get(url);
      expect([403, 404], `${url} answered ${res.statusCode}`).toContain(res.statusCode);
    }
  });

  it('takes the steps in order only (409 otherwise), and feedback reaches the school and the guardians', async () => {
    expect((await clinician.post(`/api/v1/clinic/referrals/${id}/feedback`, { advice: '门诊随访', mayReturn: true, returnFrom: '2026-12-07' })).statusCode).toBe(409);
    expect((await clinician.post(`/api/v1/clinic/referrals/${id}/seen`, {})).statusCode).toBe(409);
    const acc = await clinician.post(`/api/v1/clinic/referrals/${id}/accept`);
    expect(acc.statusCode, acc.body).toBe(200);
    expect(acc.json()).toMatchObject({ status: 'accepted', mine: true, clinicianName: '临江市精神卫生中心 医生' });
    expect((await clinician.post(`/api/v1/clinic/referrals/${id}/accept`)).statusCode).toBe(409);
    expect((await clinician.post(`/api/v1/clinic/referrals/${id}/decline`, { reason: '床位已满' })).statusCode).toBe(409);
    expect((await counselor.post(`/api/v1/referrals/${id}/close`, {})).statusCode).toBe(409);
    expect((await clinician.post(`/api/v1/clinic/referrals/${id}/seen`, {})).json().status).toBe('seen');
    const noDate = await clinician.post(`/api/v1/clinic/referrals/${id}/feedback`, { advice: '门诊随访', mayReturn: true });
    expect(noDate.statusCode).toBe(400);
    const fb = await clinician.post(`/api/v1/clinic/referrals/${id}/feedback`, { advice: '药物治疗配合心理咨询，避免考试压力', mayReturn: true, returnFrom: '2026-12-07', followUpDays: 14, notes: '两周后复诊' });
    expect(fb.statusCode, fb.body).toBe(200);
    expect(fb.json().feedback).toMatchObject({ mayReturn: true, returnFrom: '2026-12-07', followUpDays: 14 });
    const school = (await counselor.get(`/api/v1/referrals/${id}`)).json();
    expect(school.status).toBe('feedback');
    expect(school.feedback.advice).toBe('药物治疗配合心理咨询，避免考试压力');
    expect(school.events.map((e: { kind: string }) => e.kind)).toEqual(['sent', 'accepted', 'seen', 'feedback']);
    expect(school.can).toEqual({ close: true, resend: false, returnPlan: true });
    const notices = await rows<{ kind: string; body: string }>(env.deps.db, sql`select kind, body from guardian_notices where object_id = ${id} order by sent_at`);
    expect(notices.map((n) => n.kind)).toEqual(['referral.sent', 'referral.feedback']);
    for (const n of notices) expect(n.body).not.toMatch(/药物|自伤|情绪/);
    const audit = await rows<{ action: string }>(env.deps.db, sql`select action from audit_log where object_id = ${id} and action like 'referral.%' order by seq`);
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['referral.accept', 'referral.seen', 'referral.feedback']));
    const closed = await leader.post(`/api/v1/referrals/${id}/close`, { note: '已转入复学' });
    expect(closed.json().status).toBe('closed');
    expect((await clinician.post(`/api/v1/clinic/referrals/${id}/feedback`, { advice: 'x', mayReturn: false })).statusCode).toBe(409);
  });

  it('a declined referral is re-sent to another institution, which alone then sees it', async () => {
    const r = (await send(counselor)).json();
    expect((await counselor.post(`/api/v1/referrals/${r.id}/resend`, { institutionId: clinic })).statusCode).toBe(409);
    expect((await clinician.post(`/api/v1/clinic/referrals/${r.id}/decline`, { reason: '' })).statusCode).toBe(400);
    expect((await clinician.post(`/api/v1/clinic/referrals/${r.id}/decline`, { reason: '本周无儿童青少年门诊号源' })).json().status).toBe('declined');
    expect((await counselor.post(`/api/v1/referrals/${r.id}/resend`, { institutionId: mentalCenter })).statusCode).toBe(400);
    const re = await counselor.post(`/api/v1/referrals/${r.id}/resend`, { institutionId: clinic });
    expect(re.statusCode, re.body).toBe(200);
    expect(re.json()).toMatchObject({ status: 'sent', institutionName: '临江市人民医院心理门诊', declineReason: null });
    expect((await clinician.get(`/api/v1/clinic/referrals/${r.id}`)).statusCode).toBe(404);
    expect((await otherClinician.get(`/api/v1/clinic/referrals/${r.id}`)).json().status).toBe('sent');
  });
});

describe('escalation of referrals not accepted in time', () => {
  it('marks an overdue referral once and tells the school and the district bureau', async () => {
    const r = (await send(counselor, { institutionId: clinic })).json();
    expect((await escalateOverdueReferrals(env.deps)).escalated).toBe(0);
    env.clock.advance(48 * 3600_000 + 60_000);
    const first = await escalateOverdueReferrals(env.deps);
    expect(first.escalated).toBeGreaterThanOrEqual(1);
    expect((await escalateOverdueReferrals(env.deps)).escalated).toBe(0);
    const row = await one<{ escalated_at: Date | null }>(sql`select escalated_at from referrals where id = ${r.id}`);
    expect(row.escalated_at).not.toBeNull();
    const told = await rows<{ username: string }>(env.deps.db, sql`select a.username from notifications n join accounts a on a.id = n.account_id where n.kind = 'referral.escalated' and n.object_id = ${r.id}`);
    expect(told.map((t) => t.username).sort()).toEqual(['counselor', 'district.admin', 'school.leader']);
    expect(await one<{ n: number }>(sql`select count(*)::int as n from referral_events where referral_id = ${r.id} and kind = 'escalated'`)).toEqual({ n: 1 });
    counselor = await env.login('counselor');
    const list = (await counselor.get('/api/v1/referrals?overdue=true')).json().items;
    expect(list.find((x: { id: string }) => x.id === r.id)).toMatchObject({ overdue: true });
  });
});
