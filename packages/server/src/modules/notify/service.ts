import { createHmac } from 'node:crypto';
import type { contracts } from '@xinyu/core';
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { rows, type Db } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { notFound } from '../../http/errors.js';
import { notifications, outbox } from './tables.js';

export interface NotifyInput {
  regionId: number;
  accountIds: string[];
  kind: string;
  title: string;
  body?: string | null;
  link?: string | null;
  objectType?: string | null;
  objectId?: string | null;
}

/**
 * Puts a message in each recipient's inbox and, when a webhook is configured, an event in the
 * outbox. Call it inside the transaction of the change it reports: both commit or neither does.
 * The outbox event carries ids and the title, never a body (which may name a student).
 */
export async function notify(tx: Db, deps: Pick<Deps, 'config'>, input: NotifyInput, now: Date): Promise<void> {
  await notifyMany(tx, deps, [{ input, now }]);
}

/**
 * `notify` for several messages at once, in order: one insert for every inbox message and one for
 * the outbox events (a batch of warnings tells each school in two statements, not two per warning).
 */
export async function notifyMany(tx: Db, deps: Pick<Deps, 'config'>, list: { input: NotifyInput; now: Date }[]): Promise<void> {
  const sent = list.map(({ input, now }) => ({ input, now, recipients: [...new Set(input.accountIds)] })).filter((m) => m.recipients.length);
  if (!sent.length) return;
  await tx.insert(notifications).values(sent.flatMap(({ input, now, recipients }) => recipients.map((accountId) => ({
    regionId: input.regionId,
    accountId,
    kind: input.kind,
    title: input.title,
    body: input.body ?? null,
    link: input.link ?? null,
    objectType: input.objectType ?? null,
    objectId: input.objectId ?? null,
    createdAt: now,
  }))));
  if (deps.config.webhookUrl) {
    await tx.insert(outbox).values(sent.map(({ input, now, recipients }) => ({
      regionId: input.regionId,
      channel: 'webhook' as const,
      event: input.kind,
      payload: { event: input.kind, title: input.title, link: input.link ?? null, objectType: input.objectType ?? null, objectId: input.objectId ?? null, recipients, at: now.toISOString() },
      nextAttemptAt: now,
      createdAt: now,
    })));
  }
}

type Query = z.infer<typeof contracts.NotificationQuery>;

/** A caller's own inbox; nobody reads anyone else's. */
export async function listInbox(db: Db, caller: Caller, q: Query) {
  const where = and(eq(notifications.accountId, caller.accountId), q.unread === 'true' ? isNull(notifications.readAt) : undefined);
  const [items, total] = await Promise.all([
    db.select().from(notifications).where(where).orderBy(desc(notifications.createdAt), desc(notifications.id)).limit(q.pageSize).offset((q.page - 1) * q.pageSize),
    db.select({ n: sql<number>`count(*)::int` }).from(notifications).where(where),
  ]);
  return {
    items: items.map((n) => ({ id: n.id, kind: n.kind, title: n.title, body: n.body, link: n.link, createdAt: n.createdAt.toISOString(), readAt: n.readAt ? n.readAt.toISOString() : null })),
    total: total[0]?.n ?? 0,
    page: q.page,
    pageSize: q.pageSize,
  };
}

export async function unreadCount(db: Db, caller: Caller): Promise<number> {
  const r = await db.select({ n: sql<number>`count(*)::int` }).from(notifications).where(and(eq(notifications.accountId, caller.accountId), isNull(notifications.readAt)));
  return r[0]?.n ?? 0;
}

export async function markRead(deps: Deps, caller: Caller, id: string | null): Promise<number> {
  const mine = and(eq(notifications.accountId, caller.accountId), isNull(notifications.readAt), id ? eq(notifications.id, id) : undefined);
  const updated = await deps.db.update(notifications).set({ readAt: deps.clock() }).where(mine).returning({ id: notifications.id });
  if (id && !updated.length) {
    // already read is fine; someone else's (or no such) message is not found
    const own = await deps.db.select({ id: notifications.id }).from(notifications).where(and(eq(notifications.id, id), eq(notifications.accountId, caller.accountId)));
    if (!own.length) throw notFound();
  }
  return updated.length;
}

/** Minutes to wait after the n-th failed attempt: 1, 5, 30, then every 2 hours. */
export function retryDelayMinutes(attempts: number): number {
  return [1, 5, 30][attempts - 1] ?? 120;
}

export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Webhook posts in flight at once: a burst of alerts drains in seconds, the receiver is not flooded. */
const PARALLEL_POSTS = 8;
/** A run keeps taking batches while they come full, for at most this long (the job runs every 10 s). */
const RUN_BUDGET_MS = 8_000;

/**
 * Delivers due outbox events to the webhook, oldest first, in batches of `limit`, while batches come
 * full and the run's time budget lasts. Rows are locked (skip locked), so several servers running
 * this at once never send the same row twice in one round. The posts of a batch go out a few at a
 * time; the rows are updated afterwards, one statement at a time (one connection, one transaction).
 * When the receiver is down, the rest of the batch is not tried: one failure per batch is enough to
 * schedule the retry, and a dead receiver cannot hold the job for minutes of timeouts.
 */
export async function deliverOutbox(deps: Deps, opts: { db?: Db; fetchImpl?: typeof fetch; limit?: number } = {}): Promise<{ delivered: number; failed: number }> {
  const { webhookUrl, webhookSecret } = deps.config;
  if (!webhookUrl) return { delivered: 0, failed: 0 };
  const send = opts.fetchImpl ?? fetch;
  const limit = opts.limit ?? 50;
  const now = deps.clock();
  const started = performance.now();
  return (opts.db ?? deps.db).transaction(async (tx) => {
    let delivered = 0;
    let failed = 0;
    const post = async (row: { id: number; event: string; payload: unknown }): Promise<string | null> => {
      const body = JSON.stringify({ id: row.id, ...(row.payload as object) });
      try {
        const res = await send(webhookUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-xinyu-event': row.event,
            'x-xinyu-delivery': String(row.id),
            ...(webhookSecret ? { 'x-xinyu-signature': signature(webhookSecret, body) } : {}),
          },
          body,
          signal: AbortSignal.timeout(5000),
        });
        return res.ok ? null : `HTTP ${res.status}`;
      } catch (e) {
        return e instanceof Error ? e.message : String(e);
      }
    };
    for (;;) {
      const due = await rows<{ id: number; event: string; payload: unknown; attempts: number }>(
        tx,
        sql`select id, event, payload, attempts from outbox where delivered_at is null and next_attempt_at <= ${now} order by id limit ${limit} for update skip locked`,
      );
      const sent: number[] = [];
      const errors: { id: number; attempts: number; error: string }[] = [];
      for (let k = 0; k < due.length && errors.length === 0; k += PARALLEL_POSTS) {
        const group = due.slice(k, k + PARALLEL_POSTS);
        const results = await Promise.all(group.map(post));
        group.forEach((row, n) => {
          const error = results[n];
          if (error === null || error === undefined) sent.push(row.id);
          else errors.push({ id: row.id, attempts: row.attempts + 1, error });
        });
      }
      if (sent.length) await tx.update(outbox).set({ deliveredAt: now, attempts: sql`${outbox.attempts} + 1`, lastError: null }).where(inArray(outbox.id, sent));
      for (const f of errors) {
        await tx.update(outbox).set({ attempts: f.attempts, lastError: f.error.slice(0, 500), nextAttemptAt: new Date(now.getTime() + retryDelayMinutes(f.attempts) * 60000) }).where(eq(outbox.id, f.id));
      }
      delivered += sent.length;
      failed += errors.length;
      // rows after a failure were left as they were: tried again on the next run
      if (errors.length || due.length < limit || performance.now() - started > RUN_BUDGET_MS) break;
    }
    return { delivered, failed };
  });
}
