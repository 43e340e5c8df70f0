// A PostgreSQL connection lost while the app holds it (in a transaction, between two statements) must
// fail that work, not the process: the immediate-stop drill of `npm run assure` (durability) ended
// the server with an unhandled 'error' event of a checked-out pg client before db/client.ts listened.
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { rows } from './client.js';
import { openTestDatabase, testDbKind } from './testing.js';

describe('a lost PostgreSQL connection', () => {
  it.skipIf(testDbKind() !== 'pg')('fails the transaction that held it, leaves the process running, and the pool connects anew', async () => {
    const database = await openTestDatabase();
    const killer = new pg.Client({ connectionString: database.url });
    await killer.connect();
    try {
      const failed = await database.db
        .transaction(async (tx) => {
          const pid = (await rows<{ pid: number }>(tx, sql`select pg_backend_pid() as pid`))[0]!.pid;
          await killer.query('select pg_terminate_backend($1)', [pid]);
          // the server's goodbye arrives while this transaction runs no statement
          await new Promise((r) => setTimeout(r, 300));
          await rows(tx, sql`select 1`);
        })
        .then(() => null, (e: unknown) => e);
      expect(failed).toBeInstanceOf(Error);
      expect((await rows<{ ok: number }>(database.db, sql`select 1 as ok`))[0]!.ok).toBe(1);
    } finally {
      await killer.end();
      await database.close();
    }
  });
});
