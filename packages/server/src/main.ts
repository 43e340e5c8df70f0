import { loadConfig } from './config.js';
import { DataDirLockedError, migrate, openDatabase } from './db/client.js';
import { buildApp } from './app.js';
import { startJobs } from './jobs/scheduler.js';
import { sealLegacyRecordText } from './jobs/seal-legacy-text.js';
import { failAbandonedImports } from './modules/org/import.js';
import { sealLegacyScreeningText } from './modules/screening/sealing.js';
import { sealLegacyAlertEvidence } from './modules/warning/sealing.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, demoTotpSecrets, isEmpty, seedDemo } from './seed/demo.js';

/** Starts Xinyu: migrate, seed the demo city on an empty database, serve API and web UI. */
async function main() {
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.dbPoolSize });
  console.log(`数据库 database: ${database.kind === 'pg' ? 'PostgreSQL (DATABASE_URL)' : `嵌入式 PGlite ${config.dataDir}`}`);
  if (config.migrationDatabaseUrl && database.kind === 'pg') {
    // migrations as the owner role; the app itself may then connect as a role that owns nothing
    const owner = await openDatabase({ databaseUrl: config.migrationDatabaseUrl, poolSize: 1 });
    try {
      await migrate(owner);
    } finally {
      await owner.close();
    }
  } else {
    await migrate(database);
  }
  const deps = { db: database.db, dbKind: database.kind, config, clock: () => new Date() };
  await failAbandonedImports(database.db, new Date());
  if (config.demo && (await isEmpty(database.db))) {
    const t0 = Date.now();
    const seeded = await seedDemo(database.db, new Date());
    console.log(`已生成演示数据 demo city seeded: ${seeded.schools} 所学校 schools, ${seeded.students} 名学生 students in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  const { app } = await buildApp(deps, { logger: true });
  await app.listen({ port: config.port, host: config.host });
  // values stored in plain before their field was sealed (or by the demo seed) are sealed in the
  // background by one walker (jobs/seal-walker.ts): plain ones stay readable meanwhile, a value sealed
  // by a request is kept, and each table's figure is logged as it finishes
  const progress = (p: { name: string; sealed: number; ms: number }) => p.sealed && app.log.info(`已加密 sealed ${p.sealed} values of ${p.name} stored in plain (${Math.round(p.ms)} ms)`);
  const passes: [string, typeof sealLegacyScreeningText][] = [
    ['screening answers and notes', sealLegacyScreeningText],
    ['alert evidence', sealLegacyAlertEvidence],
    // mailbox letters, appointment topics, sweep notes, staff-care, crisis and care records, circumstance notes, case and key-student history
    ['records', sealLegacyRecordText],
  ];
  for (const [what, pass] of passes) void pass(database.db, config, { progress }).catch((e: unknown) => app.log.error({ err: e }, `sealing ${what} stored in plain failed`));
  const stopJobs = startJobs(deps, (msg, err) => app.log.error({ err }, msg));
  const url = `http://${config.host}:${config.port}`;
  const lines = [`\n心育 Xinyu 已启动 is running at ${url}`];
  const secrets = await demoTotpSecrets(database.db);
  if (config.demo || secrets.length) {
    lines.push(`演示账号 demo accounts (password 密码: ${DEMO_PASSWORD}):`);
    for (const a of DEMO_ACCOUNTS) lines.push(`  ${a.username.padEnd(15)} ${a.role}`);
    for (const s of secrets) lines.push(`  TOTP secret for ${s.username}: ${s.secret}  (add it to an authenticator app, or: npm run cli -- totp ${s.secret})`);
  }
  console.log(`${lines.join('\n')}\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info(`${signal}: finishing in-flight requests, refusing new ones`);
    const force = setTimeout(() => process.exit(1), 10000);
    force.unref();
    await app.close();
    await stopJobs();
    await database.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((e: unknown) => {
  console.error(e instanceof DataDirLockedError ? e.message : e);
  process.exit(1);
});
