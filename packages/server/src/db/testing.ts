// Test databases: a fresh, migrated, isolated database per call, on PGlite or PostgreSQL.
//
// Which one depends on the vitest project (XINYU_TEST_DB, set in vitest.config.ts): the server tests
// run twice, as `server-pglite` and `server-pg`. The template each copy starts from is made once
// per run by test-global-setup.ts.
//
//   const database = await openTestDatabase();   // in beforeAll (hookTimeout is 120 s)
//   ...database.db...
//   await database.close();                       // in afterAll: drops the copy
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, type Database } from './client.js';

/** What the global setup provides to the `server-pg` project. */
export interface TestPgInfo {
  /** URL of a database to run CREATE/DROP DATABASE from */
  adminUrl: string;
  /** the migrated template database */
  template: string;
  /** names of test databases start with this */
  prefix: string;
  /** the template with the trimmed demo city seeded as of TEST_START (see test-seed.ts) */
  seededTemplate: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    xinyuPg: TestPgInfo;
    xinyuPgliteTemplate: string;
    xinyuPgliteSeededTemplate: string;
  }
}

export type TestDbKind = 'pg' | 'pglite';

/** The database kind of the running test project (PGlite unless XINYU_TEST_DB=pg). */
export function testDbKind(): TestDbKind {
  return process.env.XINYU_TEST_DB === 'pg' ? 'pg' : 'pglite';
}

export interface TestDatabase extends Database {
  /** database name on PostgreSQL, data directory name on PGlite */
  name: string;
  /** connection URL (PostgreSQL only): for code that opens its own connections */
  url?: string;
  /** data directory (PGlite only) */
  dataDir?: string;
}

function provided<K extends 'xinyuPg' | 'xinyuPgliteTemplate' | 'xinyuPgliteSeededTemplate'>(key: K) {
  let value: unknown;
  try {
    value = inject(key);
  } catch {
    value = undefined;
  }
  if (!value) {
    throw new Error(
      `openTestDatabase: no ${key} was provided. Run server tests through the root vitest config ` +
        '(npx vitest run --project server-pglite | server-pg), whose global setup prepares the template.',
    );
  }
  return value as import('vitest').ProvidedContext[K];
}

// Whatever a test forgets to close is removed when its worker exits.
const leftoverDirs = new Set<string>();
process.once('exit', () => {
  for (const dir of leftoverDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * A fresh database with every migration applied, isolated from every other call; with `seeded`, the
 * trimmed demo city of the test fixture is already in it (seeded once per run by the global setup).
 * Costs ~0.1 s on PostgreSQL (CREATE DATABASE … TEMPLATE) and ~1 s on PGlite (copy + open, ~400 MB):
 * open one per test file, not per test.
 */
export async function openTestDatabase(opts: { poolSize?: number; seeded?: boolean } = {}): Promise<TestDatabase> {
  return testDbKind() === 'pg' ? openPg(opts.poolSize ?? 5, opts.seeded ?? false) : openPglite(opts.seeded ?? false);
}

async function admin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function openPg(poolSize: number, seeded: boolean): Promise<TestDatabase> {
  const info = provided('xinyuPg');
  const template = seeded ? info.seededTemplate : info.template;
  const name = `${info.prefix}${randomBytes(8).toString('hex')}`;
  await admin(info.adminUrl, async (client) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
        return;
      } catch (e) {
        // 55006: "source database is being accessed by other users" — a concurrent clone; retry
        if ((e as { code?: string }).code !== '55006' || attempt >= 20) throw e;
        await new Promise((r) => setTimeout(r, 50 * attempt));
      }
    }
  });
  const u = new URL(info.adminUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const database = await openDatabase({ databaseUrl: url, poolSize });
  let closed = false;
  return {
    ...database,
    name,
    url,
    async close() {
      if (closed) return;
      closed = true;
      await database.close();
      await admin(info.adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

async function openPglite(seeded: boolean): Promise<TestDatabase> {
  const template = provided(seeded ? 'xinyuPgliteSeededTemplate' : 'xinyuPgliteTemplate');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xinyu-test-pglite-'));
  leftoverDirs.add(dataDir);
  await fs.promises.cp(template, dataDir, { recursive: true });
  const database = await openDatabase({ dataDir });
  let closed = false;
  return {
    ...database,
    name: path.basename(dataDir),
    dataDir,
    async close() {
      if (closed) return;
      closed = true;
      await database.close();
      await fs.promises.rm(dataDir, { recursive: true, force: true });
      leftoverDirs.delete(dataDir);
    },
  };
}
