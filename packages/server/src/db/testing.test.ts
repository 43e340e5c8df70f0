import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationsApplied, rows } from './client.js';
import { openTestDatabase, testDbKind, type TestDatabase } from './testing.js';

describe(`openTestDatabase (${testDbKind()})`, () => {
  let a: TestDatabase;
  let b: TestDatabase;

  beforeAll(async () => {
    [a, b] = await Promise.all([openTestDatabase(), openTestDatabase()]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  it('opens the kind of database the project asks for', () => {
    expect(a.kind).toBe(testDbKind());
    expect(a.name).not.toBe(b.name);
  });

  it('has every migration applied', async () => {
    expect(await migrationsApplied(a.db)).toBe(true);
    const tables = await rows<{ t: string }>(a.db, sql`select table_name as t from information_schema.tables where table_schema = 'public'`);
    expect(tables.map((r) => r.t)).toEqual(expect.arrayContaining(['org_units', 'students', 'accounts', 'audit_log']));
    // the append-only trigger of the audit log came with the migrations too
    const triggers = await rows<{ n: number }>(a.db, sql`select count(*)::int as n from pg_trigger where tgname = 'audit_log_no_update_delete'`);
    expect(triggers[0]?.n).toBe(1);
  });

  it('keeps two databases apart', async () => {
    await a.db.execute(sql`create table only_in_a (x int)`);
    await a.db.execute(sql`insert into only_in_a values (1)`);
    expect(await rows<{ x: number }>(a.db, sql`select x from only_in_a`)).toEqual([{ x: 1 }]);
    await expect(b.db.execute(sql`select x from only_in_a`)).rejects.toThrow();
  });

  it('removes the copy on close', async () => {
    const c = await openTestDatabase();
    await c.close();
    await c.close(); // twice is harmless
    if (c.kind === 'pglite') {
      const fs = await import('node:fs');
      expect(fs.existsSync(c.dataDir!)).toBe(false);
    } else {
      const gone = await rows<{ n: number }>(a.db, sql`select count(*)::int as n from pg_database where datname = ${c.name}`);
      expect(gone[0]?.n).toBe(0);
    }
  });
});
