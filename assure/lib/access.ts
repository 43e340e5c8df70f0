// The access check of `npm run assure` (assure/checks/10-access.ts): a fresh database on a real
// PostgreSQL server, the trimmed demo city seeded into it, the app built on it, then the access
// matrix and the canary probes of packages/server/src/test/access-matrix.ts over every route.
import pg from 'pg';
import { buildApp } from '../../packages/server/src/app.js';
import { loadConfig } from '../../packages/server/src/config.js';
import { migrate, openDatabase } from '../../packages/server/src/db/client.js';
import { databaseUrl } from '../../packages/server/src/db/test-global-setup.js';
import { seedTestCity } from '../../packages/server/src/db/test-seed.js';
import { newDataKey } from '../../packages/server/src/lib/sealed.js';
import { runMatrix, seedThroughApi, type MatrixOptions, type MatrixReport, type OpenApiDoc } from '../../packages/server/src/test/access-matrix.js';
import { buildWorld, plantRecords } from '../../packages/server/src/test/access-world.js';

export interface AccessRun {
  report: MatrixReport;
  seconds: { setup: number; matrix: number };
}

/** Seeds the demo city into a new database `name` on the server at adminUrl (or copies `template`), and runs the matrix. */
export async function runAccessOnPostgres(adminUrl: string, opts: MatrixOptions & { name: string; template?: string; keep?: boolean }): Promise<AccessRun> {
  const t0 = performance.now();
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${opts.name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${opts.name}"${opts.template ? ` TEMPLATE "${opts.template}"` : ''}`);
  } finally {
    await admin.end();
  }
  const database = await openDatabase({ databaseUrl: databaseUrl(adminUrl, opts.name), poolSize: 4 });
  try {
    if (!opts.template) {
      await migrate(database);
      await seedTestCity(database.db);
    }
    const { app, routeAccess } = await buildApp({ db: database.db, dbKind: 'pg', config: { ...loadConfig({}), demo: false, dataKey: newDataKey(), logLevel: 'error' }, clock: () => new Date() }, { logger: Boolean(process.env.XINYU_ACCESS_LOG) });
    try {
      await app.ready();
      const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json<OpenApiDoc>();
      const world = await buildWorld(database.db, app, { clock: () => new Date(), log: opts.log });
      await seedThroughApi(app, world, routeAccess, doc, opts.log);
      await plantRecords(world, { log: opts.log });
      const t1 = performance.now();
      const report = await runMatrix(app, world, routeAccess, doc, opts);
      return { report, seconds: { setup: (t1 - t0) / 1000, matrix: (performance.now() - t1) / 1000 } };
    } finally {
      await app.close();
    }
  } finally {
    await database.close();
    if (!opts.keep) {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${opts.name}" WITH (FORCE)`).finally(() => c.end());
    }
  }
}
