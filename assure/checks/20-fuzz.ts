// Issue 7 part 2 (input fuzzing) and the mass-assignment probes of part 1, on real PostgreSQL.
//
// The server is the real one (packages/server/src/main.ts bundled as `npm start` does, its jobs
// running, its pino log written to a file) on a database of its own on the shared loopback
// PostgreSQL, seeded with the demo city at a tenth of its size. Every operation of its OpenAPI
// document gets seeded valid and invalid requests (assure/lib/fuzz.ts) from a signed-in account that
// holds the route's permission; then every line of the server's log must parse as one JSON record
// and none may be a record the fuzzer injected. Last, with the server stopped (its jobs write too),
// mass-assignment probes go through an in-process app on the same database: each extra field must
// be refused by name, and no table may change.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import pg from 'pg';
import { Server, freePort, waitReady } from '../../bench/screening.js';
import { bundleServer } from '../../packages/server/src/test/server-bundle.js';
import { buildApp } from '../../packages/server/src/app.js';
import { loadConfig } from '../../packages/server/src/config.js';
import { migrate, openDatabase, rows } from '../../packages/server/src/db/client.js';
import { newDataKey } from '../../packages/server/src/lib/sealed.js';
import { roleAssignments } from '../../packages/server/src/modules/access/tables.js';
import { accounts } from '../../packages/server/src/modules/auth/tables.js';
import { totpCode, totpStep } from '../../packages/server/src/modules/auth/totp.js';
import { DEMO_PASSWORD, seedDemo } from '../../packages/server/src/seed/demo.js';
import { FUZZ_USERS, checkLog, fuzzAccountLinks, tableCounts, describeFindings, massAssignment, runFuzz, type DeclaredAccess, type FuzzSession, type OpenApiDocument, type Send } from '../lib/fuzz.js';
import type { AssureCheck, Figure } from '../types.js';

const SEED = 20261125;
/** requests in flight at once: enough to keep the server's event loop and PostgreSQL busy on 2 cores */
const CONCURRENCY = 8;

export const check: AssureCheck = {
  id: 'fuzz',
  order: 20,
  title: 'OpenAPI fuzzing (valid and invalid requests to every operation) and mass-assignment probes, real server and PostgreSQL',
  budgetMinutes: 6,
  async run(ctx) {
    const t0 = performance.now();
    const pgServer = await ctx.sharedPostgres();
    const dbName = `xinyu_fuzz_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: pgServer.adminUrl });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    await admin.end();
    const url = new URL(pgServer.adminUrl);
    url.pathname = `/${dbName}`;
    const databaseUrl = url.toString();

    const database = await openDatabase({ databaseUrl, poolSize: 8 });
    let server: Server | undefined;
    try {
      await migrate(database);
      await seedDemo(database.db, new Date(), { scale: 0.1 });
      const db = database.db;
      // an account of its own for /auth/* (logout, password change, TOTP enrolment)
      const demoHash = (await rows<{ h: string }>(db, sql`select password_hash as h from accounts where username = 'school.leader'`))[0]!.h;
      const schoolA = (await rows<{ id: number; region_id: number }>(db, sql`select id, region_id from org_units where code = 'S0201'`))[0]!;
      const [self] = await db.insert(accounts).values({ regionId: schoolA.region_id, username: 'fuzz.self', displayName: 'fuzz.self', passwordHash: demoHash }).returning({ id: accounts.id });
      await db.insert(roleAssignments).values({ regionId: schoolA.region_id, accountId: self!.id, role: 'counselor', orgUnitId: schoolA.id });
      ctx.log(`database ${dbName} seeded (${((performance.now() - t0) / 1000).toFixed(1)} s)`);

      // the real server, its log to a file
      // bundled inside packages/server (its node_modules resolve from there), in a git-ignored folder
      const main = await bundleServer(path.resolve(import.meta.dirname, '../../packages/server/.tmp/assure-fuzz-server'));
      const port = await freePort();
      const logFile = path.join(ctx.tmpDir, 'server.log');
      const dataKey = newDataKey();
      server = new Server(main, { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', XINYU_DEMO: '0', XINYU_DATA_KEY: dataKey, LOG_LEVEL: 'info', NODE_ENV: 'production' }, logFile, []);
      server.start();
      await waitReady(port, server, logFile);
      // the banner main.ts prints for people (demo accounts, TOTP secrets) is not the log: from here on
      // every line must be one JSON record
      const bannerEnd = async () => {
        for (let i = 0; i < 600; i++) {
          const text = fs.readFileSync(logFile, 'utf8');
          const at = text.indexOf('is running at');
          if (at >= 0 && text.indexOf('\n\n', at) >= 0) return Buffer.byteLength(text.slice(0, text.indexOf('\n\n', at) + 2));
          await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error('the server printed no start banner');
      };
      const logFrom = await bannerEnd();
      const base = `http://127.0.0.1:${port}`;
      // fetch keeps its connections alive (undici's pool): the concurrent senders reuse them
      const send: Send = async (r) => {
        const res = await fetch(base + r.url, { method: r.method, headers: r.headers, ...(r.payload !== undefined ? { body: r.payload } : {}), signal: AbortSignal.timeout(60_000) });
        return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: await res.text(), setCookies: res.headers.getSetCookie() };
      };

      // sign-ins go to the real server while it runs, to the in-process app once it is stopped (mass assignment)
      let signInSend: Send = send;
      const lastStep = new Map<string, number>();
      const signIn = async (username: string): Promise<FuzzSession> => {
        const s: FuzzSession = { username, accountId: '', permissions: new Set(), cookie: '', csrf: '', relogin: async () => undefined };
        s.relogin = async () => {
          const secret = (await db.select({ s: accounts.totpSecret }).from(accounts).where(eq(accounts.username, username)))[0]?.s;
          let totp: string | undefined;
          if (secret) {
            // a TOTP code is taken once: wait for the next step when this one was used
            while (lastStep.get(username) === totpStep(new Date())) await new Promise((r) => setTimeout(r, 1000));
            const step = totpStep(new Date());
            lastStep.set(username, step);
            totp = totpCode(secret, step);
          }
          const res = await signInSend({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ login: username, password: DEMO_PASSWORD, ...(totp ? { totp } : {}) }) });
          if (res.status !== 200) throw new Error(`sign-in of ${username}: ${res.status} ${res.body}`);
          const cookie = res.setCookies!.map((c) => c.split(';')[0]!).find((c) => c.startsWith('xinyu_sid='))!;
          const me = JSON.parse(res.body) as { csrfToken: string; account: { id: string }; permissions: string[] };
          Object.assign(s, { accountId: me.account.id, cookie, csrf: me.csrfToken, permissions: new Set(me.permissions) });
        };
        await s.relogin();
        return s;
      };
      const sessions: FuzzSession[] = [];
      for (const u of FUZZ_USERS) sessions.push(await signIn(u));
      const selfService = await signIn('fuzz.self');
      // what a fuzzed request must not touch: the fuzzing accounts and the records linked to them
      // (disabling, graduating, re-roling or resetting one would end a fuzzing session for the rest of the run)
      const links = await fuzzAccountLinks(db, [...sessions, selfService].map((s) => s.accountId));
      ctx.log(`kept out of the id pool: ${Object.entries(links.counts).map(([k, n]) => `${n} ${k}`).join(', ')} of the fuzzing accounts`);

      // the access each route declared, and an in-process app for the mass-assignment phase
      const deps = { db, dbKind: 'pg' as const, config: { ...loadConfig({}), databaseUrl, demo: false, dataKey }, clock: () => new Date() };
      const { app, routeAccess } = await buildApp(deps);
      await app.ready();
      const doc = JSON.parse((await send({ method: 'GET', url: '/api/openapi.json', headers: {} })).body) as OpenApiDocument;
      const access = routeAccess as Map<string, DeclaredAccess>;

      // 1. fuzzing, over HTTP
      const report = await runFuzz({
        doc, access, sessions, selfService, send, seed: SEED, exclude: links.ids,
        validPerOp: ctx.quick ? 1 : 12,
        invalidPerOp: ctx.quick ? 2 : 56,
        concurrency: CONCURRENCY,
        deadlineMs: ctx.quick ? 120_000 : 270_000,
        log: ctx.log,
      });
      const o = report.oracles;
      ctx.log(`${o.counts.requests} requests in ${(report.ms / 1000).toFixed(1)} s (${report.perSecond.toFixed(1)}/s while fuzzing, ${CONCURRENCY} at a time; the harness's own generating ${(report.generateMs / 1000).toFixed(1)} s and checking ${((report.harnessMs - report.generateMs) / 1000).toFixed(1)} s); by status ${JSON.stringify(Object.fromEntries([...o.byStatus].sort((a, b) => a[0] - b[0])))}`);
      ctx.log(`sessions signed in again after a fuzzed logout or password change: ${report.relogins} (${report.reloginFailures} failed)`);
      ctx.log(`slowest operations (sum of answer times): ${report.slowest.slice(0, 8).map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)} s`).join('; ')}`);
      if (o.findings.length) for (const line of describeFindings(o.findings).split('\n')) ctx.log(line);

      // 2. the server's log: one JSON record per line, none forged
      server.signal('SIGTERM');
      await Promise.race([server.exited, new Promise((r) => setTimeout(r, 15_000))]);
      server.signal('SIGKILL');
      server = undefined;
      const log = checkLog(fs.readFileSync(logFile).subarray(logFrom).toString('utf8'));
      ctx.log(`server log: ${log.lines} lines, ${log.unparsable.length} not one JSON record, ${log.forged.length} forged; ${log.warnings.length} Node warnings on stderr`);
      for (const l of [...log.unparsable, ...log.forged, ...log.warnings].slice(0, 10)) ctx.log(`  ${l}`);

      const injectSend: Send = async (r) => {
        const res = await app.inject({ method: r.method, url: r.url, headers: r.headers, ...(r.payload !== undefined ? { payload: r.payload } : {}) });
        const cookies = res.headers['set-cookie'];
        return { status: res.statusCode, contentType: String(res.headers['content-type'] ?? ''), body: res.body, setCookies: cookies === undefined ? [] : Array.isArray(cookies) ? cookies : [cookies] };
      };
      // a probe that ends a session (a fuzzed logout) signs in again through the in-process app: the server is gone
      signInSend = injectSend;
      // 3. mass assignment, with nothing else writing; a session a late fuzzed logout ended signs in
      // again first (a sign-in writes a session and an audit row)
      for (const s of [...sessions, selfService]) {
        const me = await injectSend({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: s.cookie } });
        if (me.status === 401) await s.relogin();
      }
      const before = await tableCounts(db);
      const mass = await massAssignment({ doc, access, sessions, selfService, send: injectSend, seed: SEED, pool: report.pool, oneAtATime: !ctx.quick });
      const after = await tableCounts(db);
      const changed = Object.keys(after).filter((k) => after[k] !== before[k]);
      ctx.log(`mass assignment: ${mass.probes} probes on ${mass.operations} operations, ${mass.accepted} accepted, ${mass.unnamed} not refused by name; tables changed: ${changed.join(', ') || 'none'}`);
      for (const s of mass.samples.slice(0, 10)) ctx.log(`  ${s}`);
      await app.close();

      const figures: Figure[] = [
        { label: 'operations fuzzed / in the OpenAPI document', value: `${report.operationsSent} / ${report.operations}`, target: 'all', ok: report.operationsSent === report.operations, ref: 'fuzz' },
        { label: 'operations answering past access checks', value: `${report.operationsReached} / ${report.operations}`, ref: 'fuzz' },
        { label: 'fuzz requests sent', value: o.counts.requests, target: ctx.quick ? undefined : '≥ 20,000', ok: ctx.quick ? undefined : o.counts.requests >= 20_000, ref: 'fuzz' },
        { label: 'fuzz requests per second', value: Number(report.perSecond.toFixed(1)), ref: 'fuzz' },
        { label: 'fuzzing sessions lost (sign-in again refused)', value: report.reloginFailures, target: '0', ok: report.reloginFailures === 0, ref: 'fuzz' },
        { label: 'fuzz 5xx answers (and dropped connections)', value: o.counts.status5xx + o.counts.transport, target: '0', ok: o.counts.status5xx + o.counts.transport === 0, ref: 'fuzz' },
        { label: 'bodies over the 4 MB limit refused by closing the connection before the 413 was read', value: o.counts.oversizeClosed, ref: 'fuzz' },
        { label: 'answers breaking their declared schema / error shape', value: o.counts.schemaViolations, target: '0', ok: o.counts.schemaViolations === 0, ref: 'fuzz' },
        { label: 'answers leaking a stack trace, SQL, file path or driver message', value: o.counts.leaks, target: '0', ok: o.counts.leaks === 0, ref: 'fuzz' },
        { label: 'server log lines checked', value: log.lines, ref: 'fuzz' },
        { label: 'forged or broken log lines', value: log.forged.length + log.unparsable.length, target: '0', ok: log.forged.length + log.unparsable.length === 0, ref: 'fuzz' },
        { label: 'Node warnings printed by the server (stderr, not log records)', value: log.warnings.length, ref: 'fuzz' },
        { label: 'mass-assignment probes sent', value: mass.probes, ref: 'mass-assignment' },
        { label: 'mass-assignment probes accepted', value: mass.accepted, target: '0', ok: mass.accepted === 0, ref: 'mass-assignment' },
        { label: 'mass-assignment probes not refused by field name', value: mass.unnamed, target: '0', ok: mass.unnamed === 0, ref: 'mass-assignment' },
        { label: 'tables changed by mass-assignment probes', value: changed.length, target: '0', ok: changed.length === 0, ref: 'mass-assignment' },
      ];
      return figures;
    } finally {
      server?.signal('SIGKILL');
      await database.close();
      const a = new pg.Client({ connectionString: pgServer.adminUrl });
      await a.connect();
      await a.query(`drop database if exists ${dbName} with (force)`).catch(() => undefined);
      await a.end();
    }
  },
};
