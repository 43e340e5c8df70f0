/**
 * Alerts stored before their evidence was sealed (an older database, the demo seed): the free text
 * (a description, a student's message) and a screening signal's answer-bearing parts (critical
 * items, scales) are plain in `alerts.evidence` and `alert_signals.evidence`. They stay readable
 * (service.ts opens sealed and plain alike); `sealLegacyAlertEvidence` seals them in the background
 * after start (main.ts), in bounded batches in key order.
 *
 * Idempotent and safe with two servers: a row is rewritten only if its evidence is still exactly
 * what this pass read (compared in the UPDATE, which PostgreSQL re-checks on the newest version of
 * a row another server changed meanwhile), and values sealed already are kept.
 */
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Db } from '../../db/client.js';
import type { Config } from '../../config.js';
import { sealerFor } from '../../lib/sealed.js';
import { evidenceHasPlain, sealEvidence } from './service.js';

const BATCH = 500;

/** A stored evidence column holding a part that is not sealed yet (the SQL twin of `evidenceHasPlain`). */
export const plainEvidence = (col: string): SQL => sql.raw(`(
  (jsonb_typeof(${col}->'description') = 'string' and ${col}->>'description' !~ '^v1\\.')
  or (jsonb_typeof(${col}->'message') = 'string' and ${col}->>'message' !~ '^v1\\.')
  or (${col} ? 'scales' and not (jsonb_typeof(${col}->'scales') = 'string' and ${col}->>'scales' ~ '^v1\\.'))
  or (${col} ? 'criticalItems' and not (jsonb_typeof(${col}->'criticalItems') = 'string' and ${col}->>'criticalItems' ~ '^v1\\.')))`);

interface Stored {
  id: string;
  source: string;
  source_ref: string;
  evidence: Record<string, unknown>;
}

/** Seals the plain evidence of alerts and alert signals; returns how many rows it rewrote. */
export async function sealLegacyAlertEvidence(db: Db, config: Config, opts: { batch?: number } = {}): Promise<number> {
  const sealer = sealerFor(config);
  const batch = opts.batch ?? BATCH;
  let sealed = 0;
  for (const table of ['alerts', 'alert_signals'] as const) {
    // alerts are keyed by uuid, signals by a bigint identity: both walked in key order (ids carried as text)
    const cast = sql.raw(table === 'alerts' ? 'uuid' : 'bigint');
    let after: string | null = null;
    for (;;) {
      const from: SQL = after === null ? sql`true` : sql`id > ${after}::${cast}`;
      const list = await rows<Stored>(db, sql`
        select id::text as id, source, source_ref, evidence from ${sql.raw(table)}
        where ${from} and ${plainEvidence('evidence')} order by id limit ${batch}`);
      if (!list.length) break;
      after = list.at(-1)!.id;
      const changes = list
        .filter((r) => evidenceHasPlain(r.evidence))
        .map((r) => ({ id: r.id, before: r.evidence, after: sealEvidence(sealer, r.source, r.source_ref, r.evidence, true) }));
      if (changes.length) {
        const done = await rows<{ id: string }>(db, sql`
          update ${sql.raw(table)} t set evidence = v.after
          from jsonb_to_recordset(${JSON.stringify(changes)}::jsonb) as v(id text, before jsonb, after jsonb)
          where t.id = v.id::${cast} and t.evidence = v.before
          returning t.id::text as id`);
        sealed += done.length;
      }
      if (list.length < batch) break;
    }
  }
  return sealed;
}
