import cluster, { type Worker } from 'node:cluster';
import { loadConfig, type Config } from './config.js';
import { DataDirLockedError, migrate, openDatabase, type Database } from './db/client.js';
import { buildApp } from './app.js';
import type { Deps } from './http/context.js';
import { startJobs } from './jobs/scheduler.js';
import { sealLegacyRecordText } from './jobs/seal-legacy-text.js';
import { sealerFor } from './lib/sealed.js';
import { failAbandonedImports } from './modules/org/import.js';
import { sealLegacyScreeningText } from './modules/screening/sealing.js';
import { sealLegacyAlertEvidence } from './modules/warning/sealing.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, demoTotpSecrets, isEmpty, seedDemo } from './seed/demo.js';

/**
 * Starts Xinyu: migrate, seed the demo city on an empty database, serve API and web UI.
 *
 * With PostgreSQL and XINYU_WORKERS set, HTTP is served by that many worker processes (node:cluster,
 * one shared port) and the first process serves none: it migrates, seeds, runs the start-up sealing
 * passes and the scheduled jobs, starts the workers, replaces one that dies, and stops them all on
 * SIGTERM. A single Node event loop tops out at about one core; even one worker gains, because the
 * jobs (the audit chain's hashing above all) then run beside it instead of between its requests.
 * Every piece of shared state lives in PostgreSQL (sessions, throttles, import progress; the jobs
 * take advisory locks), so which worker a request reaches does not matter.
 * The embedded database belongs to one process: with PGlite there is always one.
 */
async function main() {
  const config = loadConfig();
  if (cluster.isWorker) return serveAsWorker(config);
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
  const deps: Deps = { db: database.db, dbKind: database.kind, config, clock: () => new Date() };
  await failAbandonedImports(database.db, new Date());
  if (config.demo && (await isEmpty(database.db))) {
    const t0 = Date.now();
    const seeded = await seedDemo(database.db, new Date());
    console.log(`已生成演示数据 demo city seeded: ${seeded.schools} 所学校 schools, ${seeded.students} 名学生 students in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  if (config.workers > 0 && database.kind !== 'pg') console.log('XINYU_WORKERS 仅在使用 PostgreSQL 时生效 (the embedded database serves from one process)');
  if (config.workers > 0 && database.kind === 'pg') return superviseWorkers(deps, database, config.workers);

  const { app } = await buildApp(deps, { logger: true });
  await app.listen({ port: config.port, host: config.host });
  const log = { info: (msg: string) => app.log.info(msg), error: (msg: string, err: unknown) => app.log.error({ err }, msg) };
  const stopBackground = startBackground(deps, log);
  await printBanner(deps, 0);
  onStopSignal(async () => {
    app.log.info('finishing in-flight requests, refusing new ones');
    await app.close();
    await stopBackground();
    await database.close();
  });
}

/**
 * What runs beside the HTTP server, once per instance however many workers serve: values
 * stored in plain before their field was sealed (or by the demo seed) are sealed by one walker
 * (jobs/seal-walker.ts: plain ones stay readable meanwhile, a value sealed by a request is kept,
 * each table's figure is logged as it finishes), and the scheduled jobs. Returns their stop.
 */
function startBackground(deps: Deps, log: { info: (msg: string) => void; error: (msg: string, err: unknown) => void }): () => Promise<void> {
  const progress = (p: { name: string; sealed: number; ms: number }) => p.sealed && log.info(`已加密 sealed ${p.sealed} values of ${p.name} stored in plain (${Math.round(p.ms)} ms)`);
  const passes: [string, typeof sealLegacyScreeningText][] = [
    ['screening answers and notes', sealLegacyScreeningText],
    ['alert evidence', sealLegacyAlertEvidence],
    // mailbox letters, appointment topics, sweep notes, staff-care, crisis and care records, circumstance notes, case and key-student history
    ['records', sealLegacyRecordText],
  ];
  for (const [what, pass] of passes) void pass(deps.db, deps.config, { progress }).catch((e: unknown) => log.error(`sealing ${what} stored in plain failed`, e));
  return startJobs(deps, (msg, err) => log.error(msg, err));
}

async function printBanner(deps: Deps, workers: number): Promise<void> {
  const { config } = deps;
  const url = `http://${config.host}:${config.port}`;
  const lines = [`\n心育 Xinyu 已启动 is running at ${url}${workers > 0 ? ` (${workers} 个工作进程 worker process${workers > 1 ? 'es' : ''})` : ''}`];
  const secrets = await demoTotpSecrets(deps.db);
  if (config.demo || secrets.length) {
    lines.push(`演示账号 demo accounts (password 密码: ${DEMO_PASSWORD}):`);
    for (const a of DEMO_ACCOUNTS) lines.push(`  ${a.username.padEnd(15)} ${a.role}`);
    for (const s of secrets) lines.push(`  TOTP secret for ${s.username}: ${s.secret}  (add it to an authenticator app, or: npm run cli -- totp ${s.secret})`);
  }
  console.log(`${lines.join('\n')}\n`);
}

/** SIGTERM / SIGINT run `stop` once (at most 10 s), then the process exits. */
function onStopSignal(stop: () => Promise<void>): void {
  let stopping = false;
  const run = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: 正在停止 stopping`);
    const force = setTimeout(() => process.exit(1), 10000);
    force.unref();
    try {
      await stop();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGTERM', () => void run('SIGTERM'));
  process.on('SIGINT', () => void run('SIGINT'));
}

/** A worker that dies younger than this is replaced after a pause (a crash loop must not spin). */
const STARTED_MS = 10_000;

/**
 * The supervising process (XINYU_WORKERS set): starts the workers, prints the banner once all listen, replaces
 * a worker that dies later (a worker that cannot start — the port is taken, the database refuses —
 * stops everything: starting it again would fail the same way), runs the
 * background work, and on SIGTERM stops the workers (each finishes its requests in flight) before
 * its own jobs and pool.
 */
async function superviseWorkers(deps: Deps, database: Database, count: number): Promise<void> {
  // the data key file is made here, before any worker needs it
  sealerFor(deps.config);
  let stopping = false;
  const listening = new Set<Worker>();
  const startedAt = new Map<Worker, number>();
  let started = false;
  const fork = () => startedAt.set(cluster.fork(), Date.now());
  let allListening: () => void = () => undefined;
  let failed: (e: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    allListening = resolve;
    failed = reject;
  });
  cluster.on('listening', (worker) => {
    listening.add(worker);
    if (listening.size >= count) allListening();
  });
  cluster.on('exit', (worker, code, signal) => {
    const upFor = Date.now() - (startedAt.get(worker) ?? 0);
    listening.delete(worker);
    startedAt.delete(worker);
    if (stopping) return;
    console.error(`工作进程 worker ${worker.process.pid} exited (${signal ?? `code ${code}`})`);
    if (!started) {
      failed(new Error(`工作进程无法启动 a worker process could not start (${signal ?? `code ${code}`}); see the lines above`));
      return;
    }
    // replaced; one that dies young after a pause, so that a crash loop does not spin
    setTimeout(() => stopping || fork(), upFor < STARTED_MS ? 1000 : 0);
  });
  for (let i = 0; i < count; i++) fork();
  try {
    await ready;
  } catch (e) {
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    await database.close();
    throw e;
  }
  started = true;
  const stopBackground = startBackground(deps, {
    info: (msg) => console.log(msg),
    error: (msg, err) => console.error(msg, err),
  });
  await printBanner(deps, count);
  onStopSignal(async () => {
    stopping = true;
    const running = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && !w.isDead());
    await Promise.all(running.map((w) => new Promise<void>((resolve) => {
      w.once('exit', () => resolve());
      w.process.kill('SIGTERM');
    })));
    await stopBackground();
    await database.close();
  });
}

/**
 * A worker: serves HTTP only (no migrations, seeding, sealing passes or jobs: the first process
 * runs those once). It stops like a single server on SIGTERM, and also when the first process is
 * gone (killed): a worker left behind would keep answering on connections nobody supervises.
 */
async function serveAsWorker(config: Config): Promise<void> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, poolSize: config.dbPoolSize });
  const deps: Deps = { db: database.db, dbKind: database.kind, config, clock: () => new Date() };
  const { app } = await buildApp(deps, { logger: true });
  await app.listen({ port: config.port, host: config.host });
  const stop = async () => {
    app.log.info('finishing in-flight requests, refusing new ones');
    await app.close();
    await database.close();
  };
  onStopSignal(stop);
  process.on('disconnect', () => {
    const force = setTimeout(() => process.exit(1), 5000);
    force.unref();
    void stop().finally(() => process.exit(1));
  });
}

main().catch((e: unknown) => {
  console.error(e instanceof DataDirLockedError ? e.message : e);
  process.exit(1);
});
