// A database of the demo city on a real PostgreSQL server and an app on it with a clock the check
// moves by hand, for the sign-in (40) and compliance (70) checks.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { buildApp } from '../../packages/server/src/app.js';
import { loadConfig } from '../../packages/server/src/config.js';
import { migrate, openDatabase, rows } from '../../packages/server/src/db/client.js';
import type { TempPostgres } from '../../packages/server/src/db/temp-postgres.js';
import type { Deps } from '../../packages/server/src/http/context.js';
import { newDataKey } from '../../packages/server/src/lib/sealed.js';
import { seedDemo } from '../../packages/server/src/seed/demo.js';
import type { SigninTarget } from '../../packages/server/src/test/signin-harness.js';

export interface SigninEnv extends SigninTarget {
  ids: { cityId: number; schoolA: number; classA2: number };
  demoHash: string;
  /** students of school A with no account and no role bound to them */
  freeStudents: string[];
  close(): Promise<void>;
}

export async function openSigninEnv(server: TempPostgres, name: string, scale: number): Promise<SigninEnv> {
  const dbName = `${name}_${randomUUID().slice(0, 8)}`;
  const admin = new pg.Client({ connectionString: server.adminUrl });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  await admin.end();
  const url = new URL(server.socketUrl ?? server.adminUrl);
  url.pathname = `/${dbName}`;
  const database = await openDatabase({ databaseUrl: url.toString() });
  await migrate(database);
  let t = Date.parse('2026-11-25T02:00:00Z');
  await seedDemo(database.db, new Date(t), { scale });
  // the seed stamps password_changed_at with the server's now(): put it at the check's clock
  await database.db.execute(sql`update accounts set password_changed_at = ${new Date(t)}::timestamptz, created_at = ${new Date(t)}::timestamptz`);
  const deps: Deps = { db: database.db, dbKind: 'pg', config: { ...loadConfig({}), demo: false, dataKey: newDataKey() }, clock: () => new Date(t) };
  const { app } = await buildApp(deps);
  await app.ready();
  const one = async (q: ReturnType<typeof sql>) => (await rows<{ id: number }>(database.db, q))[0]!.id;
  const schoolA = await one(sql`select id from org_units where code = 'S0201'`);
  const ids = {
    cityId: await one(sql`select id from org_units where code = 'LJ'`),
    schoolA,
    classA2: await one(sql`select c.id from org_units c join org_units g on g.id = c.parent_id where g.parent_id = ${schoolA} and g.grade_level = 7 and c.class_no = 2`),
  };
  const demoHash = (await rows<{ h: string }>(database.db, sql`select password_hash as h from accounts where username = 'school.leader'`))[0]!.h;
  const freeStudents = (await rows<{ id: string }>(database.db, sql`select s.id from students s where s.school_id = ${schoolA} and s.status = 'active'
    and not exists (select 1 from accounts a where a.student_id = s.id) and not exists (select 1 from role_assignments ra where ra.student_id = s.id) order by s.student_no limit 10`)).map((r) => r.id);
  return {
    app,
    deps,
    advance: (ms) => {
      t += ms;
    },
    ids,
    demoHash,
    freeStudents,
    async close() {
      await app.close();
      await database.close();
      const a = new pg.Client({ connectionString: server.adminUrl });
      await a.connect();
      await a.query(`drop database if exists ${dbName} with (force)`);
      await a.end();
    },
  };
}
