import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { longTextArray, openDatabase, rows } from './client.js';
import { sql } from 'drizzle-orm';
import { openTestDatabase, testDbKind } from './testing.js';

describe.runIf(testDbKind() === 'pglite')('embedded data directory', () => {
  it('refuses a second opener while the first holds it, and takes over a dead process’s lock', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xinyu-lock-'));
    try {
      const first = await openDatabase({ dataDir: dir });
      await expect(openDatabase({ dataDir: dir })).rejects.toThrow(/正被另一个 Xinyu 进程/);
      await first.close();
      fs.writeFileSync(path.join(dir, '.xinyu.lock'), '999999999'); // no such process
      const again = await openDatabase({ dataDir: dir });
      await again.close();
      expect(fs.existsSync(path.join(dir, '.xinyu.lock'))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.runIf(testDbKind() === 'pg')('PostgreSQL connections', () => {
  it('run with JIT compilation off (short statements; compiling cost more than running)', async () => {
    const database = await openTestDatabase();
    try {
      const found = (await database.db.execute(sql`show jit`)) as unknown as { rows: { jit: string }[] };
      expect(found.rows[0]?.jit).toBe('off');
    } finally {
      await database.close();
    }
  });
});

describe('longTextArray', () => {
  it('brings each value to the server exactly, on either engine, inside a transaction too', async () => {
    const database = await openTestDatabase();
    try {
      const values = ['plain', '', 'with "quotes", {braces}, \\backslashes\\ and commas', 'NULL', '心理健康 🌱 ünïcode', 'x'.repeat(100_000)];
      const read = async (db: typeof database.db) =>
        rows<{ v: string; n: string }>(db, sql`select v, n::text from unnest(${sql.param(longTextArray(db, values))}::text[]) with ordinality as t(v, n) order by n`);
      const direct = await read(database.db);
      expect(direct.map((r) => r.v)).toEqual(values);
      expect(direct.map((r) => Number(r.n))).toEqual([1, 2, 3, 4, 5, 6]);
      const inTransaction = await database.db.transaction((tx) => read(tx));
      expect(inTransaction.map((r) => r.v)).toEqual(values);
      // PostgreSQL gets it in the binary array format, PGlite as the plain list
      expect(Buffer.isBuffer(longTextArray(database.db, values))).toBe(database.kind === 'pg');
      expect(await rows<{ n: number }>(database.db, sql`select cardinality(${sql.param(longTextArray(database.db, []))}::text[]) as n`)).toEqual([{ n: 0 }]);
    } finally {
      await database.close();
    }
  });
});
