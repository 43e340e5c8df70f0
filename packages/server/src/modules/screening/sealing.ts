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
import type { Db } from '../../db/client.js';
import type { Config } from '../../config.js';
import { sealerFor, type Sealer } from '../../lib/sealed.js';
import { plainText, walkTargets, type SealTarget, type WalkOptions, type WalkedRow } from '../../jobs/seal-walker.js';

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

/** The four walks (jobs/seal-walker.ts): responses, follow-ups, sign-offs, consents. */
export function screeningTargets(config: Config): SealTarget[] {
  const sealer = sealerFor(config);
  const sheetOf = (r: WalkedRow) => ({ campaignId: String(r.campaign_id), studentId: String(r.student_id), instrumentKey: String(r.instrument_key) });
  /** a plain text value sealed; null and sealed values kept (undefined) */
  const text = (v: unknown, aad: string) => (typeof v === 'string' && v !== '' && !isSealed(v) ? sealer.seal(v, aad) : undefined);
  const plainOf = (...cols: string[]) => sql.join(cols.map((c) => plainText(c)), sql` or `);
  return [
    {
      name: 'screening_responses.answers, score',
      table: 'screening_responses',
      key: { id: 'uuid' },
      columns: { answers: 'text', score: 'text' },
      extra: ['campaign_id', 'student_id', 'instrument_key'],
      plain: plainOf('answers', 'score'),
      seal: (r) => {
        const sheet = sheetOf(r);
        const answers = typeof r.answers === 'string' && r.answers !== '' && !isSealed(r.answers) ? sealAnswers(sealer, sheet, JSON.parse(r.answers) as Record<string, string>) : undefined;
        const score = typeof r.score === 'string' && r.score !== '' && !isSealed(r.score) ? sealScore(sealer, sheet, JSON.parse(r.score) as ScoreResult) : undefined;
        return { answers, score };
      },
    },
    {
      name: 'screening_follow_ups.observation, interview, reason',
      table: 'screening_follow_ups',
      key: { id: 'uuid' },
      columns: { observation: 'text', interview: 'text', reason: 'text' },
      plain: plainOf('observation', 'interview', 'reason'),
      seal: (r) => {
        const id = String(r.id);
        return { observation: text(r.observation, followUpAad(id, 'observation')), interview: text(r.interview, followUpAad(id, 'interview')), reason: text(r.reason, followUpAad(id, 'reason')) };
      },
    },
    {
      name: 'screening_sign_offs.note',
      table: 'screening_sign_offs',
      key: { campaign_id: 'uuid', school_id: 'int' },
      columns: { note: 'text' },
      plain: plainText('note'),
      seal: (r) => ({ note: text(r.note, signOffAad(String(r.campaign_id), Number(r.school_id))) }),
    },
    {
      name: 'screening_consents.note',
      table: 'screening_consents',
      key: { campaign_id: 'uuid', student_id: 'uuid' },
      columns: { note: 'text' },
      plain: plainText('note'),
      seal: (r) => ({ note: text(r.note, consentAad(String(r.campaign_id), String(r.student_id))) }),
    },
  ];
}

/**
 * Seals every screening value still stored in plain (rows from before sealing, the demo seed),
 * in batches of 1,000 rows in key order (each batch its own statement, none rescans what the
 * previous ones sealed). Returns how many values it sealed.
 */
export async function sealLegacyScreeningText(db: Db, config: Config, opts: WalkOptions = {}): Promise<number> {
  return walkTargets(db, screeningTargets(config), { batch: BATCH, ...opts });
}
