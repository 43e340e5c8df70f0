/**
 * Free text sealed at rest after it was first stored in plain: mailbox letters (subject, messages),
 * appointment topics, sweep notes (students' and staff) and staff-care records (note, fields). Each
 * service opens sealed and plain values alike; `sealLegacyRecordText` seals the plain ones in the
 * background after start (main.ts), in bounded batches in key order, with each field's own binding.
 *
 * Idempotent and safe with two servers: a row is rewritten only if the value is still exactly what
 * this pass read (compared in the UPDATE, which PostgreSQL re-checks on the newest version of a row
 * another server changed meanwhile); sealed values are never selected again.
 */
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Db } from '../db/client.js';
import type { Config } from '../config.js';
import { sealerFor } from '../lib/sealed.js';
import { topicAad } from '../modules/counseling/appointments.js';
import { bodyAad, subjectAad } from '../modules/counseling/mailbox.js';
import { recordAad, reviewAad } from '../modules/staffcare/service.js';
import { noteAad } from '../modules/sweep/service.js';
import { caseAad } from '../modules/crisis/cases.js';
import { conferenceAad } from '../modules/crisis/conferences.js';
import { contactAad } from '../modules/crisis/guardians.js';
import { minutesAad } from '../modules/care/meetings.js';
import { diaryAad, keyStudentAad } from '../modules/care/service.js';

interface Field {
  table: string;
  column: string;
  /** jsonb holding a plain object until sealed (then a JSON string) */
  json?: boolean;
  /** further columns the binding needs */
  extra?: string[];
  aad: (r: Record<string, string>) => string;
}

export const LEGACY_TEXT_FIELDS: Field[] = [
  { table: 'mailbox_threads', column: 'subject', aad: (r) => subjectAad(r.id!) },
  { table: 'mailbox_messages', column: 'body', aad: (r) => bodyAad(r.id!) },
  { table: 'appointments', column: 'topic', aad: (r) => topicAad(r.id!) },
  { table: 'sweep_entries', column: 'note', extra: ['sweep_id', 'student_id'], aad: (r) => noteAad(r.sweep_id!, r.student_id!) },
  { table: 'staff_sweep_reviews', column: 'note', extra: ['sweep_id', 'subject_id'], aad: (r) => reviewAad(r.sweep_id!, r.subject_id!) },
  { table: 'staff_care_records', column: 'note', aad: (r) => recordAad(r.id!, 'note') },
  { table: 'staff_care_records', column: 'fields', json: true, aad: (r) => recordAad(r.id!, 'fields') },
  // crisis and care free text (a case's history and a key student's history keep older plain text as it was)
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
];

/** A stored value of the field that is not sealed yet (an empty text stays empty). */
const plainSql = (f: Field): SQL =>
  sql.raw(f.json ? `jsonb_typeof(${f.column}) = 'object'` : `${f.column} <> '' and ${f.column} !~ '^v1\\.'`);

/** Seals the plain values of every field in LEGACY_TEXT_FIELDS; returns how many it rewrote. */
export async function sealLegacyRecordText(db: Db, config: Config, opts: { batch?: number } = {}): Promise<number> {
  const sealer = sealerFor(config);
  const batch = opts.batch ?? 500;
  let sealed = 0;
  for (const f of LEGACY_TEXT_FIELDS) {
    const cols = sql.raw(['id::text as id', ...(f.extra ?? []).map((c) => `${c}::text as ${c}`), `${f.column}::text as value`].join(', '));
    let after: string | null = null;
    for (;;) {
      const list: Record<string, string>[] = await rows<Record<string, string>>(db, sql`
        select ${cols} from ${sql.identifier(f.table)} where ${after === null ? sql`true` : sql`id > ${after}::uuid`} and ${plainSql(f)} order by id limit ${batch}`);
      if (!list.length) break;
      after = list.at(-1)!.id!;
      // a json column's plain value is its JSON text: sealed as that text, opened and parsed by its service
      const changes = list.map((r) => ({ id: r.id!, before: r.value!, after: sealer.seal(r.value!, f.aad(r)) }));
      const col = sql.identifier(f.column);
      const done = await rows<{ id: string }>(db, f.json
        ? sql`update ${sql.identifier(f.table)} t set ${col} = to_jsonb(v.after) from jsonb_to_recordset(${JSON.stringify(changes)}::jsonb) as v(id uuid, before text, after text)
            where t.id = v.id and t.${col} = v.before::jsonb returning t.id`
        : sql`update ${sql.identifier(f.table)} t set ${col} = v.after from jsonb_to_recordset(${JSON.stringify(changes)}::jsonb) as v(id uuid, before text, after text)
            where t.id = v.id and t.${col} = v.before returning t.id`);
      sealed += done.length;
      if (list.length < batch) break;
    }
  }
  return sealed;
}
