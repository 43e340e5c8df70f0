import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { PgDialect, type PgDatabase, type PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import * as schema from './schema.js';
import { DataDirLockedError } from './errors.js';

export { DataDirLockedError };

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  db: Db;
  kind: 'pg' | 'pglite';
  close(): Promise<void>;
}

// Same JS types from both drivers: dates as 'YYYY-MM-DD' strings, bigint and numeric as numbers.
const asString = (v: string) => v;
const asNumber = (v: string) => Number(v);
pg.types.setTypeParser(1082, asString);
pg.types.setTypeParser(20, asNumber);
pg.types.setTypeParser(1700, asNumber);

export async function openDatabase(opts: { databaseUrl?: string | undefined; dataDir?: string; poolSize?: number }): Promise<Database> {
  if (opts.databaseUrl) {
    // JIT off: the app's statements are short, and once a table's statistics grew past the planner's
    // jit_above_cost every execution of a batched insert spent ~60 ms compiling itself with LLVM
    // (a screening's submissions halved after a restart re-planned them). Options given in the URL
    // (?options=…) replace this.
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10, options: '-c jit=off' });
    pool.on('error', () => undefined); // an idle client losing its server must not crash the process
    // nor must one that is checked out (in a transaction, or between the statements of a batch): pg
    // emits the lost connection as an 'error' event on the client, and pg-pool listens only while it
    // is idle. Its queries fail instead, and release() drops the broken client from the pool. Without
    // this an immediate stop of PostgreSQL under load ended the server (unhandled 'error' event).
    pool.on('connect', (client) => {
      client.on('error', () => undefined);
      serializeQueries(client);
    });
    const db = drizzlePg(pool, { schema }) as unknown as Db;
    return { db, kind: 'pg', close: () => pool.end() };
  }
  const unlock = opts.dataDir ? lockDataDir(opts.dataDir) : () => undefined;
  try {
    const client = await PGlite.create(opts.dataDir ?? 'memory://', {
      parsers: { 1082: asString, 20: asNumber, 1700: asNumber },
    });
    const db = drizzlePglite(client, { schema }) as unknown as Db;
    return {
      db,
      kind: 'pglite',
      close: async () => {
        await client.close();
        unlock();
      },
    };
  } catch (e) {
    unlock();
    throw e;
  }
}

/**
 * One statement at a time on a connection: code written for the pool (Promise.all over reads, each
 * on a connection of its own) also runs inside a transaction (the scheduled jobs run in one, e.g. the
 * dashboard figures), whose statements share one connection. pg 8 queued such overlapping statements
 * with a DeprecationWarning ("Calling client.query() when the client is already executing a query")
 * and pg 9 refuses them: here each waits for the one before it. Callback and submittable (cursor,
 * stream) calls go to pg as they are.
 */
function serializeQueries(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  let last: Promise<unknown> = Promise.resolve();
  client.query = ((...args: unknown[]) => {
    const first = args[0] as { submit?: unknown } | undefined;
    if (typeof args[args.length - 1] === 'function' || typeof first?.submit === 'function') return query(...args);
    const run = last.then(() => query(...args));
    last = run.catch(() => undefined);
    return run;
  }) as typeof client.query;
}

/** the lock file of an embedded data directory (backups leave it out) */
export const DATA_DIR_LOCK = '.xinyu.lock';

/**
 * PGlite is a single process's database: two processes opening one directory corrupt it. A lock
 * file with our pid refuses the second one (a lock left by a dead process is taken over).
 */
export function lockDataDir(dir: string, inUse = '请先停止它'): () => void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, DATA_DIR_LOCK);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(fs.readFileSync(file, 'utf8'));
      if (pid && isAlive(pid)) {
        throw new DataDirLockedError(`数据目录 ${dir} 正被另一个 Xinyu 进程（pid ${pid}）使用，${inUse} (the data directory is in use by process ${pid})`);
      }
      fs.rmSync(file, { force: true });
    }
  }
  throw new Error(`cannot lock ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Finds the migration folder whether we run from src (tsx) or from the bundle in dist. */
export function migrationsFolder(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const rel of ['../../drizzle', '../drizzle', './drizzle']) {
    const dir = path.resolve(here, rel);
    if (fs.existsSync(path.join(dir, 'meta', '_journal.json'))) return dir;
  }
  throw new Error(`migrations folder not found near ${here}`);
}

/** Applies pending migrations; on PostgreSQL under an advisory lock so several app servers can start at once. */
export async function migrate(database: Database): Promise<void> {
  const folder = migrationsFolder();
  if (database.kind === 'pglite') {
    await migratePglite(database.db as never, { migrationsFolder: folder });
    return;
  }
  // a dedicated connection keeps the session lock for the whole migration
  const pool = (database.db as unknown as { $client: pg.Pool }).$client;
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock(7318001)');
    await migratePg(drizzlePg(client), { migrationsFolder: folder });
  } finally {
    await client.query('select pg_advisory_unlock(7318001)').catch(() => undefined);
    client.release();
  }
}

/** Number of migrations in the folder vs applied: /readyz is ready only when they match. */
let migrationCount: number | undefined;
export async function migrationsApplied(db: Db): Promise<boolean> {
  migrationCount ??= (
    JSON.parse(fs.readFileSync(path.join(migrationsFolder(), 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }
  ).entries.length;
  const r = await rows<{ n: number }>(db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  return (r[0]?.n ?? 0) >= migrationCount;
}

/** Raw SQL returning rows, the same shape on both drivers. */
export async function rows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/**
 * A text[] parameter for long values (sealed answers and scores). To PostgreSQL it travels in the
 * binary array format, which the server copies as it is: as an array literal or a field of a JSON
 * document each value was scanned character by character for quotes and escapes, the larger part
 * of a batched insert's parsing. PGlite takes the plain array.
 */
export function longTextArray(db: Db, values: readonly string[]): Buffer | readonly string[] {
  const client = (db._.session as unknown as { client?: unknown }).client;
  if (!(client instanceof pg.Pool || client instanceof pg.Client)) return values;
  const bytes = values.map((v) => Buffer.from(v, 'utf8'));
  // header: dimensions, has-nulls flag, element type (text), then the one dimension's length and lower bound
  const out = Buffer.allocUnsafe(20 + bytes.reduce((n, b) => n + 4 + b.length, 0));
  out.writeInt32BE(1, 0);
  out.writeInt32BE(0, 4);
  out.writeInt32BE(25, 8);
  out.writeInt32BE(bytes.length, 12);
  out.writeInt32BE(1, 16);
  let at = 20;
  for (const b of bytes) {
    out.writeInt32BE(b.length, at);
    b.copy(out, at + 4);
    at += 4 + b.length;
  }
  return out;
}

const dialect = new PgDialect();

/**
 * Raw SQL as a named prepared statement: on PostgreSQL parsed and planned once per connection, not
 * on every request (for hot paths whose planning costs more than their execution).
 */
export async function prepared<T>(db: Db, name: string, query: SQL): Promise<T[]> {
  const result = (await db._.session.prepareQuery(dialect.sqlToQuery(query), undefined, name, false).execute()) as { rows: T[] };
  return result.rows;
}
