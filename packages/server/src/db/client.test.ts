import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './client.js';
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
