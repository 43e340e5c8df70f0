/**
 * The one walker every start-up sealing pass uses (jobs/seal-legacy-text.ts, warning/sealing.ts,
 * screening/sealing.ts): for one table it selects a page of rows still holding a plain value (the
 * target's `plain` predicate), seals them in the app (the target's `seal`), writes them back in one
 * statement, and goes on after the last key read, until a page comes back short.
 *
 * - Bounded: each page is at most `batch` rows, in key order; a page never rescans what earlier
 *   pages read (keyset on the whole key, so composite keys work too).
 * - Safe with two servers (and with a request writing the row meanwhile): each column is rewritten
 *   only if it still holds exactly what this pass read (compared in the UPDATE, which PostgreSQL
 *   re-checks on the newest version of a row another server changed meanwhile); otherwise the
 *   column is kept as it is now.
 * - Idempotent: sealed values no longer match `plain`, so a second pass finds nothing.
 * - Counts values (row × column) actually rewritten, and reports progress per target.
 */
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Db } from '../db/client.js';

export type KeyType = 'uuid' | 'bigint' | 'int' | 'text';

/** A row as the walker reads it: key and extra columns as text, the sealed columns as stored (text, or jsonb parsed). */
export type WalkedRow = Record<string, unknown>;

export interface SealTarget {
  /** where the figure is logged, e.g. `mailbox_threads.subject` */
  name: string;
  table: string;
  /** the key columns in walk order (a unique key: a row is found again by it) */
  key: Record<string, KeyType>;
  /** the columns this target may rewrite, with their storage */
  columns: Record<string, 'text' | 'jsonb'>;
  /** further columns the seal needs (its binding), read as text */
  extra?: string[];
  /** SQL over the table's unqualified columns: true when some column still holds a plain value */
  plain: SQL;
  /** the new (sealed) value of each column to rewrite; a column left out (or undefined) is kept */
  seal: (row: WalkedRow) => Record<string, unknown>;
}

export interface WalkOptions {
  /** rows per page (default 500) */
  batch?: number;
  /** called after each target with how many values it sealed and how long it took */
  progress?: (p: { name: string; sealed: number; ms: number }) => void;
}

/** A text column's value is plain when it is a non-empty text that is not sealed. */
export const plainText = (column: string): SQL => sql.raw(`(${column} is not null and ${column} <> '' and ${column} !~ '^v1\\.')`);

/**
 * A jsonb column's value is plain when it holds anything but a sealed string or null: an object, an
 * array, a number, a boolean, or a string that is not sealed (all read by `openJson` as they are).
 */
export const plainJson = (column: string): SQL =>
  sql.raw(`(${column} is not null and jsonb_typeof(${column}) <> 'null' and not (jsonb_typeof(${column}) = 'string' and (${column} #>> '{}') ~ '^v1\\.'))`);

const ident = (name: string): string => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain identifier: ${name}`);
  return name;
};

/** Walks one target; returns how many values it rewrote. */
export async function walkTarget(db: Db, target: SealTarget, opts: WalkOptions = {}): Promise<number> {
  const batch = opts.batch ?? 500;
  const started = performance.now();
  const table = ident(target.table);
  const keys = Object.entries(target.key).map(([c, t]) => [ident(c), t] as const);
  const columns = Object.entries(target.columns).map(([c, t]) => [ident(c), t] as const);
  // keys are read as text but walked in their own order: the ORDER BY and the keyset name the table's columns
  // (`order by id` would sort the text alias, and "145" > "1000" skips rows of a bigint key)
  const select = sql.raw([...keys.map(([k]) => `w.${k}::text as ${k}`), ...(target.extra ?? []).map((c) => `w.${ident(c)}::text as ${c}`), ...columns.map(([c]) => `w.${c}`)].join(', '));
  const keyTuple = sql.raw(`(${keys.map(([k]) => `w.${k}`).join(', ')})`);
  const order = sql.raw(keys.map(([k]) => `w.${k}`).join(', '));
  const recordType = sql.raw([...keys.map(([k]) => `${k} text`), ...columns.flatMap(([c, t]) => [`${c}__before ${t}`, `${c}__after ${t}`])].join(', '));
  const sets = sql.raw(columns.map(([c]) => `${c} = case when v.${c}__after is not null and t.${c} is not distinct from v.${c}__before then v.${c}__after else t.${c} end`).join(', '));
  const match = sql.raw(keys.map(([k, type]) => `t.${k} = v.${k}::${type}`).join(' and '));
  const anyStill = sql.raw(columns.map(([c]) => `(v.${c}__after is not null and t.${c} is not distinct from v.${c}__before)`).join(' or '));
  // after the update t.<column> is the new value: equal to what this pass sealed only if it was written (a fresh IV each time)
  const counted = sql.raw(columns.map(([c]) => `(v.${c}__after is not null and t.${c} is not distinct from v.${c}__after)::int`).join(' + '));

  let sealed = 0;
  let after: string[] | null = null;
  for (;;) {
    const from: SQL = after === null ? sql`true` : sql`${keyTuple} > (${sql.join(keys.map(([, type], i) => sql`${after![i]}::${sql.raw(type)}`), sql`, `)})`;
    const list = await rows<WalkedRow>(db, sql`select ${select} from ${sql.raw(table)} w where ${from} and ${target.plain} order by ${order} limit ${batch}`);
    if (!list.length) break;
    const last = list.at(-1)!;
    after = keys.map(([k]) => String(last[k]));
    const changes = list.flatMap((r) => {
      const next = target.seal(r);
      const change: Record<string, unknown> = {};
      for (const [k] of keys) change[k] = r[k];
      let any = false;
      for (const [c] of columns) {
        if (next[c] === undefined) continue;
        change[`${c}__before`] = r[c];
        change[`${c}__after`] = next[c];
        any = true;
      }
      return any ? [change] : [];
    });
    if (changes.length) {
      const done = await rows<{ n: number }>(db, sql`
        update ${sql.raw(table)} t set ${sets}
        from jsonb_to_recordset(${JSON.stringify(changes)}::jsonb) as v(${recordType})
        where ${match} and (${anyStill})
        returning ${counted} as n`);
      sealed += done.reduce((s, d) => s + Number(d.n), 0);
    }
    if (list.length < batch) break;
  }
  opts.progress?.({ name: target.name, sealed, ms: performance.now() - started });
  return sealed;
}

/** Walks every target in turn; returns how many values they rewrote together. */
export async function walkTargets(db: Db, targets: SealTarget[], opts: WalkOptions = {}): Promise<number> {
  let sealed = 0;
  for (const t of targets) sealed += await walkTarget(db, t, opts);
  return sealed;
}
