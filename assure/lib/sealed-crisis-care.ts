/**
 * Canaries in the crisis and care free text sealed at rest (a crisis case's safety plan and its
 * one-case-one-analysis, a guardian contact's words and response, a case conference's minutes and
 * decisions, a key student's reason, a diary entry's fields and note, a weekly meeting's minutes, a
 * family circumstance's note), written through the HTTP API like a user would; `sensitiveReads`
 * (audit.ts) plants them before its counted reads, and the audit check and its fast subset look for
 * each canary in a `pg_dump` / in the tables' rows and read it back through the API.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from './app.js';

/** The fields planted here (names as the audit check reports them). */
export const CRISIS_CARE_SEALED_FIELDS = [
  'crisis_cases.safety_plan', 'crisis_cases.analysis', 'guardian_contacts.said', 'guardian_contacts.response', 'case_conferences.minutes', 'case_conferences.decisions',
  'key_students.reason', 'diary_entries.fields', 'diary_entries.note', 'care_meetings.minutes', 'student_circumstances.note',
];

/** The tables that hold these fields or a copy of them (a case's and a key student's history). */
export const CRISIS_CARE_SEALED_TABLES = ['guardian_contacts', 'case_conferences', 'key_students', 'key_student_events', 'diary_entries', 'care_meetings', 'student_circumstances'];

export interface CrisisCarePlanted {
  planted: Record<string, string>;
  caseId: string;
  keyStudentId: string;
  meetingId: string;
  student: string;
}

type Json = Record<string, unknown>;

/**
 * Writes a canary into each field: on the open crisis case `caseId` (a safety plan, a guardian
 * contact, an expert conference, then the leader closes it with its analysis), on `student` (a
 * key-student record, a diary entry, a family circumstance) and at its school (a weekly meeting).
 * `counselor` manages the case and the care of the student; `leader` is a leader of their school.
 */
export async function plantCrisisCare(as: { counselor: Client; leader: Client }, ids: { caseId: string; student: string; schoolId: number; today: string; now: string }, canaryOf: (f: string) => string): Promise<CrisisCarePlanted> {
  const planted: Record<string, string> = Object.fromEntries(CRISIS_CARE_SEALED_FIELDS.map((f) => [f, canaryOf(f.replace(/[._]/g, '-'))]));
  const ok = async (what: string, p: Promise<{ statusCode: number; body: string; json: <T>() => T }>): Promise<Json> => {
    const r = await p;
    if (r.statusCode !== 200) throw new Error(`${what}: ${r.statusCode} ${r.body.slice(0, 300)}`);
    return r.json<Json>();
  };
  const { counselor, leader } = as;
  const c = ids.caseId;
  await ok('save a safety plan', counselor.put(`/api/v1/crisis/cases/${c}/safety-plan`, {
    plan: { warningSigns: [`说活着没意思 ${planted['crisis_cases.safety_plan']}`], copingSteps: ['听音乐'], peoplePlaces: ['心理咨询室'], contacts: ['班主任'], environment: ['收好家中药品'], professional: ['市精神卫生中心'] },
    baseUpdatedAt: null,
  }));
  await ok('record a guardian contact', counselor.post(`/api/v1/crisis/cases/${c}/guardian-contacts`, {
    guardianName: '学生母亲', relation: '母亲', channel: 'phone', contactedAt: ids.now,
    said: `告知孩子近来情绪低落 ${planted['guardian_contacts.said']}`, response: `家长表示会多陪伴 ${planted['guardian_contacts.response']}`, clientId: randomUUID(),
  }));
  await ok('record a conference', counselor.post('/api/v1/crisis/conferences', {
    kind: 'expert', caseId: c, heldAt: ids.now, participants: [{ name: '李医生', organisation: '市精神卫生中心', role: '精神科医生' }],
    minutes: `介绍个案情况 ${planted['case_conferences.minutes']}`, decisions: `建议门诊评估 ${planted['case_conferences.decisions']}`, clientId: randomUUID(),
  }));
  await ok('close the case', leader.post(`/api/v1/crisis/cases/${c}/close`, {
    analysis: { background: `家庭变故 ${planted['crisis_cases.analysis']}`, course: '预警转入，当日约谈', measures: '每周咨询', outcome: '情绪平稳', lessons: '早发现早干预' },
  }));

  const key = await ok('register a key student', counselor.post('/api/v1/care/students', { studentId: ids.student, categories: ['left_behind'], level: 'yellow', reason: `父母外出务工 ${planted['key_students.reason']}` }));
  const keyStudentId = key.id as string;
  await ok('write a diary entry', counselor.post(`/api/v1/care/students/${keyStudentId}/diary`, {
    kind: 'talk', date: ids.today, mood: 3, study: `数学跟不上 ${planted['diary_entries.fields']}`, note: `午休时谈心 ${planted['diary_entries.note']}`, clientId: randomUUID(),
  }));
  const meeting = await ok('record a weekly meeting', leader.post('/api/v1/care/meetings', {
    schoolId: ids.schoolId, heldOn: ids.today, attendees: '分管副校长、心理教师', minutes: `通报本周包保情况 ${planted['care_meetings.minutes']}`, decisions: [], clientId: randomUUID(),
  }));
  await ok('record a family circumstance', counselor.put(`/api/v1/students/${ids.student}/circumstances`, { items: [{ code: 'single_parent', note: `父亲长期在外 ${planted['student_circumstances.note']}` }] }));
  return { planted, caseId: c, keyStudentId, meetingId: meeting.id as string, student: ids.student };
}

/** Reads each planted field back through the API; returns the fields whose canary did not come back (none expected). */
export async function readBackCrisisCare(as: { counselor: Client; leader: Client }, p: CrisisCarePlanted, schoolId: number): Promise<string[]> {
  const { counselor, leader } = as;
  const text: Record<string, string> = {};
  const c = (await counselor.get(`/api/v1/crisis/cases/${p.caseId}`)).json<{ safetyPlan: unknown; analysis: unknown; guardianContacts: { said: string; response: string }[]; conferences: { minutes: string; decisions: string }[] }>();
  text['crisis_cases.safety_plan'] = JSON.stringify(c.safetyPlan);
  text['crisis_cases.analysis'] = JSON.stringify(c.analysis);
  text['guardian_contacts.said'] = c.guardianContacts.map((g) => g.said).join(' ');
  text['guardian_contacts.response'] = c.guardianContacts.map((g) => g.response).join(' ');
  text['case_conferences.minutes'] = c.conferences.map((k) => k.minutes).join(' ');
  text['case_conferences.decisions'] = c.conferences.map((k) => k.decisions).join(' ');
  const k = (await counselor.get(`/api/v1/care/students/${p.keyStudentId}`)).json<{ reason: string; events: { detail: { reason?: string } }[]; diary: { fields: Record<string, string>; note: string }[] | null }>();
  // the record's reason, or (when the student was already on the register) the reason on its history
  text['key_students.reason'] = [k.reason, ...k.events.map((e) => e.detail.reason ?? '')].join(' ');
  text['diary_entries.fields'] = (k.diary ?? []).map((d) => JSON.stringify(d.fields)).join(' ');
  text['diary_entries.note'] = (k.diary ?? []).map((d) => d.note).join(' ');
  const meetings = (await leader.get(`/api/v1/care/meetings?schoolId=${schoolId}`)).json<{ items: { id: string; minutes: string }[] }>();
  text['care_meetings.minutes'] = meetings.items.filter((m) => m.id === p.meetingId).map((m) => m.minutes).join(' ');
  const s = (await counselor.get(`/api/v1/students/${p.student}`)).json<{ circumstances?: { note: string | null }[] }>();
  text['student_circumstances.note'] = (s.circumstances ?? []).map((x) => x.note ?? '').join(' ');
  return CRISIS_CARE_SEALED_FIELDS.filter((f) => !(text[f] ?? '').includes(p.planted[f]!));
}
