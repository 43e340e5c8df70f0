/**
 * Free text sealed at rest after it was first stored in plain: mailbox letters (subject, messages),
 * appointment topics, sweep notes (students' and staff), staff-care records (note, fields), the crisis
 * and care fields, family-circumstance notes, crisis case summaries, and the older entries of a case's
 * and a key student's history (a signal's summary, a safety plan's version, a reason). Each service
 * opens sealed and plain values alike; `sealLegacyRecordText` seals the plain ones in the background
 * after start (main.ts), in bounded batches in key order, with each field's own binding, through the
 * one walker (jobs/seal-walker.ts: idempotent, safe with two servers).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import type { Config } from '../config.js';
import { sealerFor, type Sealer } from '../lib/sealed.js';
import { topicAad } from '../modules/counseling/appointments.js';
import { bodyAad, subjectAad } from '../modules/counseling/mailbox.js';
import { recordAad, reviewAad } from '../modules/staffcare/service.js';
import { noteAad } from '../modules/sweep/service.js';
import { caseAad, planEventAad, signalEventAad, summaryAad } from '../modules/crisis/cases.js';
import { conferenceAad } from '../modules/crisis/conferences.js';
import { contactAad } from '../modules/crisis/guardians.js';
import { minutesAad } from '../modules/care/meetings.js';
import { diaryAad, keyStudentAad, reasonEventAad } from '../modules/care/service.js';
import { circumstanceNoteAad } from '../modules/org/students.js';
import { plainJson, plainText, walkTargets, type KeyType, type SealTarget, type WalkOptions, type WalkedRow } from './seal-walker.js';

interface Field {
  table: string;
  column: string;
  /** jsonb holding a plain value (object, array, string…) until sealed (then a sealed JSON string) */
  json?: boolean;
  /** the key when it is not `id` (uuid) */
  key?: Record<string, KeyType>;
  /** further columns the binding needs */
  extra?: string[];
  aad: (r: Record<string, string>) => string;
}

/** Single columns sealed whole: text as text, a jsonb value as one sealed JSON string. */
export const LEGACY_TEXT_FIELDS: Field[] = [
  { table: 'mailbox_threads', column: 'subject', aad: (r) => subjectAad(r.id!) },
  { table: 'mailbox_messages', column: 'body', aad: (r) => bodyAad(r.id!) },
  { table: 'appointments', column: 'topic', aad: (r) => topicAad(r.id!) },
  { table: 'sweep_entries', column: 'note', extra: ['sweep_id', 'student_id'], aad: (r) => noteAad(r.sweep_id!, r.student_id!) },
  { table: 'staff_sweep_reviews', column: 'note', extra: ['sweep_id', 'subject_id'], aad: (r) => reviewAad(r.sweep_id!, r.subject_id!) },
  { table: 'staff_care_records', column: 'note', aad: (r) => recordAad(r.id!, 'note') },
  { table: 'staff_care_records', column: 'fields', json: true, aad: (r) => recordAad(r.id!, 'fields') },
  // crisis and care free text
  { table: 'crisis_cases', column: 'summary', extra: ['client_id'], aad: (r) => summaryAad(r.client_id!) },
  { table: 'crisis_cases', column: 'safety_plan', json: true, aad: (r) => caseAad(r.id!, 'safety_plan') },
  { table: 'crisis_cases', column: 'analysis', json: true, aad: (r) => caseAad(r.id!, 'analysis') },
  { table: 'guardian_contacts', column: 'said', aad: (r) => contactAad(r.id!, 'said') },
  { table: 'guardian_contacts', column: 'response', aad: (r) => contactAad(r.id!, 'response') },
  { table: 'case_conferences', column: 'minutes', aad: (r) => conferenceAad(r.id!, 'minutes') },
  { table: 'case_conferences', column: 'decisions', aad: (r) => conferenceAad(r.id!, 'decisions') },
  { table: 'key_students', column: 'reason', aad: (r) => keyStudentAad(r.id!) },
  { table: 'diary_entries', column: 'fields', json: true, aad: (r) => diaryAad(r.id!, 'fields') },
  { table: 'diary_entries', column: 'note', aad: (r) => diaryAad(r.id!, 'note') },
  { table: 'care_meetings', column: 'minutes', aad: (r) => minutesAad(r.id!) },
  // a student's family circumstances (keyed by student and category)
  { table: 'student_circumstances', column: 'note', key: { student_id: 'uuid', code: 'text' }, aad: (r) => circumstanceNoteAad(r.student_id!, r.code!) },
];

function fieldTarget(sealer: Sealer, f: Field): SealTarget {
  const key = f.key ?? { id: 'uuid' };
  return {
    name: `${f.table}.${f.column}`,
    table: f.table,
    key,
    columns: { [f.column]: f.json ? 'jsonb' : 'text' },
    ...(f.extra ? { extra: f.extra } : {}),
    plain: f.json ? plainJson(f.column) : plainText(f.column),
    seal: (r: WalkedRow) => {
      const value = r[f.column];
      const binding = f.aad(r as Record<string, string>);
      // a json column's plain value is sealed as its JSON text, opened and parsed by its service (openJson)
      return { [f.column]: sealer.seal(f.json ? JSON.stringify(value) : String(value), binding) };
    },
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The history entries written before their free text was sealed: a crisis case's `signal` event
 * with `summary` (now `summarySealed`), a `safety_plan` event with `plan` (now `planSealed`), a key
 * student's event with `reason` (now `reasonSealed`). The timelines open the sealed keys back into
 * the same names, so an entry reads the same before and after.
 */
function historyTargets(sealer: Sealer): SealTarget[] {
  return [
    {
      name: 'crisis_events.detail (summary, plan)',
      table: 'crisis_events',
      key: { id: 'bigint' },
      columns: { detail: 'jsonb' },
      extra: ['case_id'],
      plain: sql.raw(`(jsonb_typeof(detail) = 'object' and ((jsonb_typeof(detail->'summary') = 'string' and not (detail ? 'summarySealed')) or (detail ? 'plan' and jsonb_typeof(detail->'plan') <> 'null' and not (detail ? 'summarySealed'))))`),
      seal: (r) => {
        const d = r.detail;
        if (!isRecord(d)) return {};
        const caseId = String(r.case_id);
        // the timeline opens summarySealed first: an entry is sealed to one of the two
        if (typeof d.summary === 'string' && !('summarySealed' in d)) {
          const { summary, ...rest } = d;
          return { detail: { ...rest, summarySealed: sealer.seal(summary, signalEventAad(caseId)) } };
        }
        if (d.plan != null && !('summarySealed' in d)) {
          const { plan, ...rest } = d;
          return { detail: { ...rest, planSealed: sealer.seal(JSON.stringify(plan), planEventAad(caseId)) } };
        }
        return {};
      },
    },
    {
      name: 'key_student_events.detail (reason)',
      table: 'key_student_events',
      key: { id: 'bigint' },
      columns: { detail: 'jsonb' },
      extra: ['key_student_id'],
      plain: sql.raw(`(jsonb_typeof(detail) = 'object' and jsonb_typeof(detail->'reason') = 'string' and not (detail ? 'reasonSealed'))`),
      seal: (r) => {
        const d = r.detail;
        if (!isRecord(d) || typeof d.reason !== 'string' || 'reasonSealed' in d) return {};
        const { reason, ...rest } = d;
        return { detail: { ...rest, reasonSealed: sealer.seal(reason, reasonEventAad(String(r.key_student_id))) } };
      },
    },
  ];
}

/** Every target this pass walks (the fields above, then the history entries). */
export function legacyTextTargets(config: Config): SealTarget[] {
  const sealer = sealerFor(config);
  return [...LEGACY_TEXT_FIELDS.map((f) => fieldTarget(sealer, f)), ...historyTargets(sealer)];
}

/** Seals the plain values of every field this pass walks; returns how many values it rewrote. */
export async function sealLegacyRecordText(db: Db, config: Config, opts: WalkOptions = {}): Promise<number> {
  return walkTargets(db, legacyTextTargets(config), opts);
}
