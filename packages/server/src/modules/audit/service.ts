import { createHash } from 'node:crypto';
import { and, desc, eq, gte, ilike, lt, or, sql, type SQL } from 'drizzle-orm';
import type { contracts } from '@xinyu/core';
import type { z } from 'zod';
import { rows, type Db } from '../../db/client.js';
import { auditLog } from './tables.js';

export type Outcome = 'ok' | 'denied' | 'failed';

export interface AuditInput {
  actorId?: string | null;
  actorName?: string | null;
  action: string;
  objectType?: string | null;
  objectId?: string | null;
  outcome?: Outcome;
  ip?: string | null;
  orgPath?: string | null;
  detail?: Record<string, unknown>;
}

/** JSON with sorted keys, so a row hashes the same after a round trip through jsonb. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

interface ChainedFields {
  seq: number;
  at: Date;
  actorId: string | null;
  actorName: string | null;
  action: string;
  objectType: string | null;
  objectId: string | null;
  outcome: string;
  ip: string | null;
  orgPath: string | null;
  detail: unknown;
}

export function rowHash(prevHash: string, r: ChainedFields): string {
  const content = canonicalJson([
    prevHash, r.seq, r.at.toISOString(), r.actorId, r.actorName, r.action, r.objectType, r.objectId, r.outcome, r.ip, r.orgPath, r.detail,
  ]);
  return createHash('sha256').update(content).digest('hex');
}

const GENESIS = '0'.repeat(64);
/** Serialises appends so each row links to the one before it. */
const CHAIN_LOCK = 7318002;

/**
 * Appends entries to the chain. Call it inside the transaction of the write it records, so the
 * record and its audit row commit or vanish together.
 */
export async function appendAudit(db: Db, entries: AuditInput | AuditInput[], now: Date = new Date()): Promise<void> {
  const list = Array.isArray(entries) ? entries : [entries];
  if (!list.length) return;
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${CHAIN_LOCK})`);
    const last = await tx.select({ seq: auditLog.seq, hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.seq)).limit(1);
    let seq = last[0]?.seq ?? 0;
    let prev = last[0]?.hash ?? GENESIS;
    const values = list.map((e) => {
      seq += 1;
      const fields: ChainedFields = {
        seq,
        at: now,
        actorId: e.actorId ?? null,
        actorName: e.actorName ?? null,
        action: e.action,
        objectType: e.objectType ?? null,
        objectId: e.objectId ?? null,
        outcome: e.outcome ?? 'ok',
        ip: e.ip ?? null,
        orgPath: e.orgPath ?? null,
        detail: JSON.parse(canonicalJson(e.detail ?? {})) as unknown,
      };
      const hash = rowHash(prev, fields);
      const row = {
        seq, at: now.toISOString(), actor_id: fields.actorId, actor_name: fields.actorName, action: fields.action, object_type: fields.objectType,
        object_id: fields.objectId, outcome: fields.outcome, ip: fields.ip, org_path: fields.orgPath, detail: fields.detail, prev_hash: prev, hash,
      };
      prev = hash;
      return row;
    });
    // the rows travel as one JSON document: building thousands of bound parameters cost more than the insert
    for (let i = 0; i < values.length; i += 2000) {
      await tx.execute(sql`
        insert into audit_log (seq, at, actor_id, actor_name, action, object_type, object_id, outcome, ip, org_path, detail, prev_hash, hash)
        select v.seq, v.at, v.actor_id, v.actor_name, v.action, v.object_type, v.object_id, v.outcome, v.ip, v.org_path, v.detail, v.prev_hash, v.hash
        from jsonb_to_recordset(${JSON.stringify(values.slice(i, i + 2000))}::jsonb) as v(seq bigint, at timestamptz, actor_id text, actor_name text,
          action text, object_type text, object_id text, outcome text, ip text, org_path text, detail jsonb, prev_hash text, hash text)`);
    }
  });
}

export type VerifyResult =
  | { ok: true; rows: number }
  | { ok: false; rows: number; firstBrokenSeq: number; reason: string };

/** Walks the whole chain in seq order and names the first row that does not verify. */
export async function verifyAuditChain(db: Db, batch = 5000): Promise<VerifyResult> {
  let prevHash = GENESIS;
  let expectSeq = 1;
  let checked = 0;
  for (;;) {
    const page = await db
      .select()
      .from(auditLog)
      .where(gte(auditLog.seq, expectSeq))
      .orderBy(auditLog.seq)
      .limit(batch);
    if (!page.length) break;
    for (const r of page) {
      if (r.seq !== expectSeq) return { ok: false, rows: checked, firstBrokenSeq: expectSeq, reason: `row ${expectSeq} is missing` };
      if (r.prevHash !== prevHash) return { ok: false, rows: checked, firstBrokenSeq: r.seq, reason: `row ${r.seq} does not link to row ${r.seq - 1}` };
      if (rowHash(prevHash, r) !== r.hash) return { ok: false, rows: checked, firstBrokenSeq: r.seq, reason: `row ${r.seq} was changed` };
      prevHash = r.hash;
      expectSeq += 1;
      checked += 1;
    }
  }
  // a deleted tail is caught by comparing with the highest sequence number ever issued
  const max = await rows<{ m: number | null }>(db, sql`select max(seq)::bigint as m from audit_log`);
  if ((max[0]?.m ?? 0) !== checked) return { ok: false, rows: checked, firstBrokenSeq: checked + 1, reason: `row ${checked + 1} is missing` };
  return { ok: true, rows: checked };
}

type AuditQuery = z.infer<typeof contracts.AuditQuery>;

/**
 * The audit viewer's filter. A row is visible when its org path lies in one of `scopePaths`; rows
 * with no path (such as failed sign-ins with unknown login names) only to region-wide viewers.
 */
export function auditFilter(query: Omit<AuditQuery, 'page' | 'pageSize'>, scopePaths: string[], regionWide: boolean): SQL {
  const conds: SQL[] = [];
  if (query.action) conds.push(ilike(auditLog.action, `%${query.action}%`));
  if (query.outcome) conds.push(eq(auditLog.outcome, query.outcome));
  if (query.actor) conds.push(or(ilike(auditLog.actorName, `%${query.actor}%`), eq(auditLog.actorId, query.actor))!);
  if (query.objectId) conds.push(eq(auditLog.objectId, query.objectId));
  // dates are China Standard Time days
  if (query.from) conds.push(gte(auditLog.at, new Date(`${query.from}T00:00:00+08:00`)));
  if (query.to) conds.push(lt(auditLog.at, new Date(new Date(`${query.to}T00:00:00+08:00`).getTime() + 86400000)));
  const inScope = sql`${auditLog.orgPath} like any(${sql.param(scopePaths.map((p) => `${p}%`))}::text[])`;
  conds.push(regionWide ? or(inScope, sql`${auditLog.orgPath} is null`)! : inScope);
  return and(...conds)!;
}

export async function listAudit(db: Db, query: AuditQuery, scopePaths: string[], regionWide: boolean) {
  const where = auditFilter(query, scopePaths, regionWide);
  const [items, count] = await Promise.all([
    db.select().from(auditLog).where(where).orderBy(desc(auditLog.seq)).limit(query.pageSize).offset((query.page - 1) * query.pageSize),
    db.select({ n: sql<number>`count(*)::int` }).from(auditLog).where(where),
  ]);
  return {
    items: items.map((r) => ({
      seq: r.seq,
      at: r.at.toISOString(),
      actorId: r.actorId,
      actorName: r.actorName,
      action: r.action,
      objectType: r.objectType,
      objectId: r.objectId,
      outcome: r.outcome,
      ip: r.ip,
      detail: r.detail as Record<string, unknown>,
    })),
    total: count[0]?.n ?? 0,
    page: query.page,
    pageSize: query.pageSize,
  };
}
