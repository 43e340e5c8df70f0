/**
 * Alerts stored before their evidence was sealed (an older database, the demo seed): the free text
 * (a description, a student's message) and a screening signal's answer-bearing parts (critical
 * items, scales) are plain in `alerts.evidence` and `alert_signals.evidence`. They stay readable
 * (service.ts opens sealed and plain alike); `sealLegacyAlertEvidence` seals them in the background
 * after start (main.ts), in bounded batches in key order, through the one walker (jobs/seal-walker.ts).
 *
 * Idempotent and safe with two servers: a row is rewritten only if its evidence is still exactly
 * what this pass read (compared in the UPDATE, which PostgreSQL re-checks on the newest version of
 * a row another server changed meanwhile), and values sealed already are kept.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { Config } from '../../config.js';
import { sealerFor } from '../../lib/sealed.js';
import { walkTargets, type SealTarget, type WalkOptions, type WalkedRow } from '../../jobs/seal-walker.js';
import { evidenceHasPlain, sealEvidence } from './service.js';

const BATCH = 500;

/** A stored evidence column holding a part that is not sealed yet (the SQL twin of `evidenceHasPlain`). */
export const plainEvidence = (col: string): SQL => sql.raw(`(
  (jsonb_typeof(${col}->'description') = 'string' and ${col}->>'description' !~ '^v1\\.')
  or (jsonb_typeof(${col}->'message') = 'string' and ${col}->>'message' !~ '^v1\\.')
  or (${col} ? 'scales' and not (jsonb_typeof(${col}->'scales') = 'string' and ${col}->>'scales' ~ '^v1\\.'))
  or (${col} ? 'criticalItems' and not (jsonb_typeof(${col}->'criticalItems') = 'string' and ${col}->>'criticalItems' ~ '^v1\\.')))`);

/** The two walks (jobs/seal-walker.ts): alerts keyed by uuid, signals by a bigint identity. */
export function alertEvidenceTargets(config: Config): SealTarget[] {
  const sealer = sealerFor(config);
  return (['alerts', 'alert_signals'] as const).map((table) => ({
    name: `${table}.evidence`,
    table,
    key: { id: table === 'alerts' ? 'uuid' : 'bigint' },
    columns: { evidence: 'jsonb' },
    extra: ['source', 'source_ref'],
    plain: plainEvidence('evidence'),
    seal: (r: WalkedRow) => {
      const evidence = r.evidence as Record<string, unknown>;
      return evidenceHasPlain(evidence) ? { evidence: sealEvidence(sealer, String(r.source), String(r.source_ref), evidence, true) } : {};
    },
  }));
}

/** Seals the plain evidence of alerts and alert signals; returns how many rows it rewrote. */
export async function sealLegacyAlertEvidence(db: Db, config: Config, opts: WalkOptions = {}): Promise<number> {
  return walkTargets(db, alertEvidenceTargets(config), { batch: BATCH, ...opts });
}
