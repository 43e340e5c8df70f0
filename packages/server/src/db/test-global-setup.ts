// Vitest global setup of the server projects (see vitest.config.ts at the repository root).
//
// - project `server-pg` (XINYU_TEST_DB=pg): starts a throw-away PostgreSQL server in a temporary
//   directory (or uses XINYU_TEST_PG_URL), creates a migrated template database, and provides its
//   coordinates to the tests; `openTestDatabase()` clones the template per test file.
// - project `server-pglite` (XINYU_TEST_DB=pglite): builds one migrated PGlite data directory
//   (cached in node_modules/.cache/xinyu-test, keyed by the migrations and the PGlite version) and
//   provides its path; `openTestDatabase()` copies it per test file.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrate, migrationsFolder, openDatabase } from './client.js';
import { startTempPostgres, type TempPostgres } from './temp-postgres.js';
import { seedTestCity } from './test-seed.js';
import type { TestPgInfo } from './testing.js';

const log = (msg: string) => process.stderr.write(`[xinyu test db] ${msg}\n`);
const ms = (t0: number) => `${Math.round(performance.now() - t0)} ms`;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const kind = project.config.env?.XINYU_TEST_DB ?? process.env.XINYU_TEST_DB ?? 'pglite';
  if (kind === 'pg') {
    const server = process.env.XINYU_TEST_PG_URL ? externalServer(process.env.XINYU_TEST_PG_URL) : await startTempPostgres({ log });
    try {
      const info = await createTemplate(server.adminUrl, server.external);
      project.provide('xinyuPg', info);
      return async () => {
        await dropLeftovers(info).catch((e: unknown) => log(`cleanup failed: ${String(e)}`));
        await server.stop();
      };
    } catch (e) {
      await server.stop();
      throw e;
    }
  }
  if (kind === 'pglite') {
    const template = await pgliteTemplate();
    project.provide('xinyuPgliteTemplate', template.dir);
    const seeded = await pgliteSeededTemplate(template.dir);
    project.provide('xinyuPgliteSeededTemplate', seeded);
    return async () => {
      template.cleanup();
      fs.rmSync(seeded, { recursive: true, force: true });
    };
  }
  throw new Error(`XINYU_TEST_DB must be 'pg' or 'pglite', not '${kind}'`);
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

type PgServer = TempPostgres;

function externalServer(url: string): PgServer {
  log(`using PostgreSQL at ${redact(url)} (XINYU_TEST_PG_URL)`);
  return { adminUrl: url, external: true, stop: async () => undefined };
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

export function databaseUrl(adminUrl: string, database: string): string {
  const u = new URL(adminUrl);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

async function adminQuery(adminUrl: string, statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    for (const s of statements) await client.query(s);
  } finally {
    await client.end();
  }
}

async function createTemplate(adminUrl: string, external: boolean): Promise<TestPgInfo> {
  const t0 = performance.now();
  // on a shared server, names carry a run id so parallel runs do not collide
  const run = external ? `${randomBytes(4).toString('hex')}_` : '';
  const template = `xinyu_template${run ? `_${run.slice(0, -1)}` : ''}`;
  const info: TestPgInfo = { adminUrl, template, seededTemplate: `${template}_seeded`, prefix: `t_${run}` };
  await adminQuery(adminUrl, [`DROP DATABASE IF EXISTS "${info.template}"`, `CREATE DATABASE "${info.template}"`]);
  const database = await openDatabase({ databaseUrl: databaseUrl(adminUrl, info.template), poolSize: 2 });
  try {
    await migrate(database);
  } finally {
    await database.close();
  }
  await adminQuery(adminUrl, [`ALTER DATABASE "${info.template}" WITH IS_TEMPLATE true`]);
  log(`template database ${info.template} migrated in ${ms(t0)}`);
  const t1 = performance.now();
  await adminQuery(adminUrl, [`DROP DATABASE IF EXISTS "${info.seededTemplate}"`, `CREATE DATABASE "${info.seededTemplate}" TEMPLATE "${info.template}"`]);
  const seeded = await openDatabase({ databaseUrl: databaseUrl(adminUrl, info.seededTemplate), poolSize: 2 });
  try {
    await seedTestCity(seeded.db);
  } finally {
    await seeded.close();
  }
  await adminQuery(adminUrl, [`ALTER DATABASE "${info.seededTemplate}" WITH IS_TEMPLATE true`]);
  log(`seeded template ${info.seededTemplate} in ${ms(t1)}`);
  return info;
}

/** Drops databases the tests forgot to close, and the template itself on a shared server. */
async function dropLeftovers(info: TestPgInfo): Promise<void> {
  const client = new pg.Client({ connectionString: info.adminUrl });
  await client.connect();
  try {
    const left = await client.query<{ datname: string }>(
      `select datname from pg_database where starts_with(datname, $1) and datname ~ '^t_[0-9a-z_]+$'`,
      [info.prefix],
    );
    for (const { datname } of left.rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    for (const t of [info.seededTemplate, info.template]) {
      await client.query(`ALTER DATABASE "${t}" WITH IS_TEMPLATE false`);
      await client.query(`DROP DATABASE IF EXISTS "${t}" WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------
// PGlite

/** Hash of everything that shapes a fresh database: the migrations and the PGlite version. */
function pgliteTemplateKey(): string {
  const h = createHash('sha256');
  const folder = migrationsFolder();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else h.update(path.relative(folder, p)).update('\0').update(fs.readFileSync(p)).update('\0');
    }
  };
  walk(folder);
  h.update(findUp(path.join('node_modules', '@electric-sql', 'pglite', 'package.json')) ?? 'pglite-unknown');
  return h.digest('hex').slice(0, 16);
}

/** The content of the nearest `rel` above this file, or undefined. */
function findUp(rel: string): string | undefined {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const p = path.join(dir, rel);
    if (fs.existsSync(p)) return fs.readFileSync(p, 'utf8');
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function cacheRoot(): string {
  if (process.env.XINYU_TEST_CACHE_DIR) return process.env.XINYU_TEST_CACHE_DIR;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (fs.existsSync(path.join(dir, 'node_modules'))) return path.join(dir, 'node_modules', '.cache', 'xinyu-test');
    const parent = path.dirname(dir);
    if (parent === dir) return path.join(os.tmpdir(), 'xinyu-test-cache');
    dir = parent;
  }
}

async function buildPgliteTemplate(dir: string): Promise<void> {
  const database = await openDatabase({ dataDir: dir });
  try {
    await migrate(database);
  } finally {
    await database.close();
  }
}

/** A copy of the migrated template with the test city seeded (built every run: the seed changes more often than the migrations). */
async function pgliteSeededTemplate(template: string): Promise<string> {
  const t0 = performance.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xinyu-pglite-seeded-'));
  await fs.promises.cp(template, dir, { recursive: true });
  const database = await openDatabase({ dataDir: dir });
  try {
    await seedTestCity(database.db);
  } finally {
    await database.close();
  }
  log(`PGlite seeded template built in ${ms(t0)}`);
  return dir;
}

/** A migrated PGlite data directory that tests copy (never open it directly), and its cleanup. */
async function pgliteTemplate(): Promise<{ dir: string; cleanup(): void }> {
  const t0 = performance.now();
  if (process.env.XINYU_TEST_NO_CACHE === '1') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xinyu-pglite-template-'));
    await buildPgliteTemplate(dir);
    log(`PGlite template built in ${ms(t0)} (not cached)`);
    return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const root = cacheRoot();
  const final = path.join(root, `pglite-${pgliteTemplateKey()}`);
  const keep = { dir: final, cleanup: () => undefined };
  if (fs.existsSync(path.join(final, 'PG_VERSION'))) {
    log(`PGlite template reused from ${final}`);
    return keep;
  }
  fs.mkdirSync(root, { recursive: true });
  // build beside the final place, then rename: a concurrent run never sees a half-built template
  const building = fs.mkdtempSync(path.join(root, 'building-'));
  try {
    await buildPgliteTemplate(building);
    fs.rmSync(final, { recursive: true, force: true });
    fs.renameSync(building, final);
  } catch (e) {
    fs.rmSync(building, { recursive: true, force: true });
    if (!fs.existsSync(path.join(final, 'PG_VERSION'))) throw e; // else another run won the race
  }
  // templates of older migrations
  for (const name of fs.readdirSync(root)) {
    const p = path.join(root, name);
    if (p !== final && name.startsWith('pglite-')) fs.rmSync(p, { recursive: true, force: true });
  }
  log(`PGlite template built in ${ms(t0)}, cached at ${final}`);
  return keep;
}
