import { hash } from 'node:crypto';
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
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + canonicalJson(value[i]);
    return `${out}]`;
  }
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    // default sort: UTF-16 code units, as the `<` comparison the chain has always used
    const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
    let out = '{';
    for (let i = 0; i < keys.length; i++) out += `${i ? ',' : ''}${JSON.stringify(keys[i])}:${canonicalJson(obj[keys[i]!])}`;
    return `${out}}`;
  }
  return JSON.stringify(value);
}

interface ChainedFields {
  seq: number;
  /** a Date, or the exact text of its toISOString() */
  at: Date | string;
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
  return chainHash(prevHash, r, canonicalJson(r.detail));
}

/**
 * rowHash with the detail already in canonical JSON (appendAudit has it anyway): the hashed text is
 * the canonical JSON of the array of the fields and the detail, built without walking the detail twice.
 */
function chainHash(prevHash: string, r: Omit<ChainedFields, 'detail'>, detailJson: string): string {
  const head = canonicalJson([
    prevHash, r.seq, typeof r.at === 'string' ? r.at : r.at.toISOString(), r.actorId, r.actorName, r.action, r.objectType, r.objectId, r.outcome, r.ip, r.orgPath,
  ]);
  return hash('sha256', `${head.slice(0, -1)},${detailJson}]`);
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
    const at = now.toISOString();
    const values = list.map((e) => {
      seq += 1;
      // the detail as it reads back from jsonb (sorted keys, no undefined), hashed and stored as this text
      const detail = canonicalJson(e.detail ?? {});
      const fields: Omit<ChainedFields, 'detail'> = {
        seq,
        at,
        actorId: e.actorId ?? null,
        actorName: e.actorName ?? null,
        action: e.action,
        objectType: e.objectType ?? null,
        objectId: e.objectId ?? null,
        outcome: e.outcome ?? 'ok',
        ip: e.ip ?? null,
        orgPath: e.orgPath ?? null,
      };
      const rowHashed = chainHash(prev, fields, detail);
      const row = {
        seq, at, actor_id: fields.actorId, actor_name: fields.actorName, action: fields.action, object_type: fields.objectType,
        object_id: fields.objectId, outcome: fields.outcome, ip: fields.ip, org_path: fields.orgPath, detail, prev_hash: prev, hash: rowHashed,
      };
      prev = rowHashed;
      return row;
    });
    // the rows travel as one JSON document: building thousands of bound parameters cost more than the insert
    for (let i = 0; i < values.length; i += 2000) {
      await tx.execute(sql`
        insert into audit_log (seq, at, actor_id, actor_name, action, object_type, object_id, outcome, ip, org_path, detail, prev_hash, hash)
        select v.seq, v.at, v.actor_id, v.actor_name, v.action, v.object_type, v.object_id, v.outcome, v.ip, v.org_path, v.detail::jsonb, v.prev_hash, v.hash
        from json_to_recordset(${JSON.stringify(values.slice(i, i + 2000))}::json) as v(seq bigint, at timestamptz, actor_id text, actor_name text,
          action text, object_type text, object_id text, outcome text, ip text, org_path text, detail text, prev_hash text, hash text)`);
    }
  });
}

export type VerifyResult =
  | { ok: true; rows: number }
  | { ok: false; rows: number; firstBrokenSeq: number; reason: string };

/**
 * A row's sequence number and hash recorded outside the database (`audit head`, e.g. daily into the
 * operator's log or a ticket). Rows deleted from the end of the chain, or a chain recomputed by
 * someone holding the owner role, only show against such a record.
 */
export interface AuditAnchor {
  seq: number;
  hash: string;
}

export async function auditHeadOf(db: Db): Promise<AuditAnchor | null> {
  const r = await rows<{ seq: number; hash: string }>(db, sql`select seq, hash from audit_log order by seq desc limit 1`);
  return r[0] ? { seq: Number(r[0].seq), hash: r[0].hash } : null;
}

interface RawRow {
  seq: number;
  at: string;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  outcome: string;
  ip: string | null;
  org_path: string | null;
  detail: unknown;
  prev_hash: string;
  hash: string;
}

function fetchChainPage(db: Db, fromSeq: number, limit: number): Promise<RawRow[]> {
  // `at` as the exact text of Date.toISOString() (UTC, milliseconds): no Date parsing per row
  return rows<RawRow>(db, sql`
    select seq, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at, actor_id, actor_name, action, object_type, object_id,
      outcome, ip, org_path, detail, prev_hash, hash
    from audit_log where seq >= ${fromSeq} order by seq limit ${limit}`);
}

/**
 * Walks the whole chain in seq order and names the first row that does not verify: a row whose
 * content no longer matches its hash (edited), a missing sequence number (deleted), a row that does
 * not link to the one before it (reordered, or inserted with a made-up hash). The next page is read
 * while the current one is hashed.
 */
export async function verifyAuditChain(db: Db, batch = 10000, anchor?: AuditAnchor): Promise<VerifyResult> {
  let prevHash = GENESIS;
  let expectSeq = 1;
  let checked = 0;
  let next: Promise<RawRow[]> | null = fetchChainPage(db, 1, batch);
  while (next) {
    const page: RawRow[] = await next;
    const last = page[page.length - 1];
    next = page.length === batch && last ? fetchChainPage(db, Number(last.seq) + 1, batch) : null;
    for (const r of page) {
      const seq = Number(r.seq);
      if (seq !== expectSeq) {
        await next?.catch(() => undefined);
        return { ok: false, rows: checked, firstBrokenSeq: expectSeq, reason: `row ${expectSeq} is missing` };
      }
      const fields: ChainedFields = {
        seq, at: r.at, actorId: r.actor_id, actorName: r.actor_name, action: r.action, objectType: r.object_type, objectId: r.object_id,
        outcome: r.outcome, ip: r.ip, orgPath: r.org_path, detail: typeof r.detail === 'string' ? JSON.parse(r.detail) as unknown : r.detail,
      };
      let reason: string | null = null;
      if (r.prev_hash !== prevHash) reason = `row ${seq} does not link to row ${seq - 1}`;
      else if (rowHash(prevHash, fields) !== r.hash) reason = `row ${seq} was changed`;
      if (reason) {
        await next?.catch(() => undefined);
        return { ok: false, rows: checked, firstBrokenSeq: seq, reason };
      }
      if (anchor && seq === anchor.seq && r.hash !== anchor.hash) {
        await next?.catch(() => undefined);
        return { ok: false, rows: checked, firstBrokenSeq: seq, reason: `row ${seq} differs from the recorded head ${anchor.seq}:${anchor.hash.slice(0, 12)}… (the chain was rewritten up to here)` };
      }
      prevHash = r.hash;
      expectSeq += 1;
      checked += 1;
    }
  }
  if (anchor && checked < anchor.seq) return { ok: false, rows: checked, firstBrokenSeq: checked + 1, reason: `row ${checked + 1} is missing (the recorded head is row ${anchor.seq})` };
  // a deleted tail is caught by comparing with the highest sequence number ever issued
  const max = await rows<{ m: number | null }>(db, sql`select max(seq)::bigint as m from audit_log`);
  if (Number(max[0]?.m ?? 0) !== checked) return { ok: false, rows: checked, firstBrokenSeq: checked + 1, reason: `row ${checked + 1} is missing` };
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
