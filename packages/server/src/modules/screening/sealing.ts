/**
 * Screening data a `pg_dump` must never show, sealed with the data key (lib/sealed.ts, AES-256-GCM):
 * a student's answers (drafts and submitted: they reveal e.g. PHQ-9 item 9) and their stored score
 * (whose critical items name the answer given), and the free text of
 * the re-check — the head teacher's observation, the counselor's interview record (访谈记录) and
 * reasons, the district's review note — and a paper consent form's note.
 *
 * Each value is bound to where it belongs (`aad`): answers to their sheet (campaign, student,
 * instrument; a draft and its submitted response are the same row), a follow-up's text to the
 * follow-up and the field, a sign-off's note to the campaign and school, a consent's note to the
 * campaign and student. A sealed value copied elsewhere does not open.
 *
 * Rows written before sealing (plain JSON answers, plain text) stay readable, and
 * `sealLegacyScreeningText` seals them at start-up (main.ts), in batches, before the server listens.
 */
import type { ScoreResult } from '@xinyu/core';
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/client.js';
import type { Config } from '../../config.js';
import { sealerFor, type Sealer } from '../../lib/sealed.js';

/** `v1.<key id>.<iv>.<tag>.<ciphertext>` as lib/sealed.ts writes it */
const SEALED = /^v1\.[0-9a-f]{8}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]*$/;

export const isSealed = (value: string): boolean => SEALED.test(value);

export const answersAad = (campaignId: string, studentId: string, instrumentKey: string) => `screening.answers:${campaignId}:${studentId}:${instrumentKey}`;
export const scoreAad = (campaignId: string, studentId: string, instrumentKey: string) => `screening.score:${campaignId}:${studentId}:${instrumentKey}`;
export const followUpAad = (followUpId: string, field: 'observation' | 'interview' | 'reason') => `screening.follow_up.${field}:${followUpId}`;
export const signOffAad = (campaignId: string, schoolId: number) => `screening.sign_off.note:${campaignId}:${schoolId}`;
export const consentAad = (campaignId: string, studentId: string) => `screening.consent.note:${campaignId}:${studentId}`;

export function sealAnswers(sealer: Sealer, sheet: { campaignId: string; studentId: string; instrumentKey: string }, answers: Record<string, string>): string {
  return sealer.seal(JSON.stringify(answers), answersAad(sheet.campaignId, sheet.studentId, sheet.instrumentKey));
}

/** A sheet's answers: sealed, or (written before sealing) plain JSON. */
export function openAnswers(sealer: Sealer, sheet: { campaignId: string; studentId: string; instrumentKey: string }, stored: string): Record<string, string> {
  const text = isSealed(stored) ? sealer.open(stored, answersAad(sheet.campaignId, sheet.studentId, sheet.instrumentKey)) : stored;
  return JSON.parse(text) as Record<string, string>;
}

/** The stored score (its critical items name the answer given, e.g. PHQ-9 item 9), sealed like the answers. */
export function sealScore(sealer: Sealer, sheet: { campaignId: string; studentId: string; instrumentKey: string }, score: ScoreResult): string {
  return sealer.seal(JSON.stringify(score), scoreAad(sheet.campaignId, sheet.studentId, sheet.instrumentKey));
}

export function openScore(sealer: Sealer, sheet: { campaignId: string; studentId: string; instrumentKey: string }, stored: string): ScoreResult {
  const text = isSealed(stored) ? sealer.open(stored, scoreAad(sheet.campaignId, sheet.studentId, sheet.instrumentKey)) : stored;
  return JSON.parse(text) as ScoreResult;
}

/** Nullable free text sealed / opened (plain text written before sealing read as it is): lib/sealed-fields.ts. */
export { sealNullable as sealText, openNullable as openText } from '../../lib/sealed-fields.js';

const BATCH = 1000;
const PLAIN = `!~ '^v1\\.'`;

/**
 * Seals every screening value still stored in plain (rows from before sealing, the demo seed),
 * in batches of 1,000 rows in key order (each batch its own statement, none rescans what the
 * previous ones sealed). Returns how many values it sealed.
 */
export async function sealLegacyScreeningText(db: Db, config: Config): Promise<number> {
  const sealer = sealerFor(config);
  let sealed = 0;
  const plain = (column: string) => sql.raw(`${column} is not null and ${column} ${PLAIN}`);
  const update = async (table: string, keys: string[], list: Record<string, string | number | null>[], fields: string[]) => {
    if (!list.length) return;
    const cols = [...keys, ...fields];
    // a value written (sealed) meanwhile by a running server is left as it is
    await db.execute(sql`update ${sql.raw(table)} t set ${sql.raw(fields.map((f) => `${f} = case when t.${f} ~ '^v1\\.' then t.${f} else coalesce(v.${f}, t.${f}) end`).join(', '))}
      from jsonb_to_recordset(${JSON.stringify(list)}::jsonb) as v(${sql.raw(cols.map((c) => `${c} ${c === 'school_id' ? 'int' : c.endsWith('id') ? 'uuid' : 'text'}`).join(', '))})
      where ${sql.raw(keys.map((k) => `t.${k} = v.${k}`).join(' and '))}`);
  };

  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const list = await rows<{ id: string; campaign_id: string; student_id: string; instrument_key: string; answers: string; score: string | null }>(db, sql`
      select id, campaign_id, student_id, instrument_key, answers, score from screening_responses where id > ${after}::uuid and (${plain('answers')} or ${plain('score')}) order by id limit ${BATCH}`);
    after = list.at(-1)?.id ?? after;
    await update('screening_responses', ['id'], list.map((r) => {
      const sheet = { campaignId: r.campaign_id, studentId: r.student_id, instrumentKey: r.instrument_key };
      return {
        id: r.id,
        answers: isSealed(r.answers) ? null : sealAnswers(sealer, sheet, JSON.parse(r.answers) as Record<string, string>),
        score: r.score == null || isSealed(r.score) ? null : sealScore(sealer, sheet, JSON.parse(r.score) as ScoreResult),
      };
    }), ['answers', 'score']);
    sealed += list.length;
    if (list.length < BATCH) break;
  }
  after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const list = await rows<{ id: string; observation: string | null; interview: string | null; reason: string | null }>(db, sql`
      select id, observation, interview, reason from screening_follow_ups where id > ${after}::uuid and (${plain('observation')} or ${plain('interview')} or ${plain('reason')}) order by id limit ${BATCH}`);
    after = list.at(-1)?.id ?? after;
    const seal = (v: string | null, aad: string) => (v == null || isSealed(v) ? null : sealer.seal(v, aad));
    await update('screening_follow_ups', ['id'], list.map((r) => ({ id: r.id, observation: seal(r.observation, followUpAad(r.id, 'observation')), interview: seal(r.interview, followUpAad(r.id, 'interview')), reason: seal(r.reason, followUpAad(r.id, 'reason')) })), ['observation', 'interview', 'reason']);
    sealed += list.length;
    if (list.length < BATCH) break;
  }
  for (;;) {
    const list = await rows<{ campaign_id: string; school_id: number; note: string }>(db, sql`select campaign_id, school_id, note from screening_sign_offs where ${plain('note')} limit ${BATCH}`);
    await update('screening_sign_offs', ['campaign_id', 'school_id'], list.map((r) => ({ campaign_id: r.campaign_id, school_id: r.school_id, note: sealer.seal(r.note, signOffAad(r.campaign_id, r.school_id)) })), ['note']);
    sealed += list.length;
    if (list.length < BATCH) break;
  }
  for (;;) {
    const list = await rows<{ campaign_id: string; student_id: string; note: string }>(db, sql`select campaign_id, student_id, note from screening_consents where ${plain('note')} limit ${BATCH}`);
    await update('screening_consents', ['campaign_id', 'student_id'], list.map((r) => ({ campaign_id: r.campaign_id, student_id: r.student_id, note: sealer.seal(r.note, consentAad(r.campaign_id, r.student_id)) })), ['note']);
    sealed += list.length;
    if (list.length < BATCH) break;
  }
  return sealed;
}
