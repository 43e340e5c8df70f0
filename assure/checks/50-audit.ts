// Issue 7 part 5: the audit log and encryption at rest, on a real PostgreSQL server.
//   - the hash chain verifies over a million rows (appended through the app's own appendAudit) and
//     names the first broken row for each kind of tampering;
//   - the app connects as a role that owns nothing (db grant-app-role): every attempt of that role
//     to change the audit table is refused by PostgreSQL's privileges;
//   - N sensitive reads over HTTP leave exactly N audit rows;
//   - nothing in Xinyu deletes audit rows (retention: kept for ever, ≥ 186 days);
//   - canary text written into sealed fields never appears in a plain `pg_dump`.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { migrate, openDatabase, rows } from '../../packages/server/src/db/client.js';
import { TEST_START } from '../../packages/server/src/db/test-seed.js';
import { seedDemo } from '../../packages/server/src/seed/demo.js';
import { auditPrivileges, grantAppRole } from '../../packages/server/src/modules/audit/app-role.js';
import { pgBin } from '../../packages/server/src/modules/backup/service.js';
import { plainEvidence, sealLegacyAlertEvidence } from '../../packages/server/src/modules/warning/sealing.js';
import { canary, createDatabase, createRole, dropDatabase, one, startApp, urlFor } from '../lib/app.js';
import { SEALED_FIELDS, appRoleProbes, auditHead, copyAuditChain, fillAuditChain, retentionScan, sensitiveReads, tamperCases, timedVerify } from '../lib/audit.js';
import type { AssureCheck, Figure } from '../types.js';

const OWNER = 'xinyu_owner';
const APP_ROLE = 'xinyu_app';

export const check: AssureCheck = {
  id: 'audit',
  order: 50,
  title: 'audit chain over a million rows, tampering, app role, audited reads, retention, encryption at rest',
  budgetMinutes: 5,
  async run(ctx) {
    const figures: Figure[] = [];
    const target = ctx.quick ? 20_000 : 1_000_000;
    const server = await ctx.sharedPostgres();
    const dbName = 'xinyu_assure_audit';
    const ownerUrl = await createDatabase(server.adminUrl, dbName, OWNER);
    const owner = await openDatabase({ databaseUrl: ownerUrl, poolSize: 2 });
    let appDb: Awaited<ReturnType<typeof openDatabase>> | undefined;
    try {
      await migrate(owner);
      const t0 = performance.now();
      // with the closed screening of the school year: its alerts are stored as before sealing (the start-up pass below)
      await seedDemo(owner.db, new Date(TEST_START), { scale: 0.1, screeningHistory: true });
      ctx.log(`demo city seeded as ${OWNER} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      await createRole(server.adminUrl, APP_ROLE); // the DBA's step: the owner may not create roles
      const granted = await grantAppRole(owner.db, APP_ROLE);
      ctx.log(`db grant-app-role ${APP_ROLE}: ${granted.tables} tables`);
      appDb = await openDatabase({ databaseUrl: urlFor(server.adminUrl, dbName, APP_ROLE), poolSize: 4 });

      // --- N sensitive reads through HTTP, the app connected as the app role ---------------------
      const app = await startApp(appDb.db, 'pg', () => new Date(TEST_START));
      const student = (await one<{ id: string }>(owner.db, sql`select ra.student_id as id from role_assignments ra join accounts a on a.id = ra.account_id where a.username = 'student' and ra.role = 'student'`)).id;
      const otherStudent = (await one<{ id: string }>(owner.db, sql`
        select s.id from students s where s.school_id = (select school_id from students where id = ${student}) and s.class_id <> (select class_id from students where id = ${student}) order by s.student_no limit 1`)).id;
      const reads = await sensitiveReads(app, { student, otherStudent }, ctx.quick ? 2 : 25, canary);
      await app.close();
      ctx.log(`${reads.reads} sensitive reads of ${reads.kinds.length} kinds (${reads.kinds.join(', ')}) → ${reads.auditRows} audit rows${reads.mismatches.length ? `; mismatches: ${reads.mismatches.slice(0, 3).join('; ')}` : ''}`);
      figures.push({ label: 'sensitive reads sent (HTTP, 6 kinds)', value: reads.reads, ref: 'audit-reads' });
      figures.push({ label: 'audit rows they left', value: reads.auditRows, target: `= ${reads.reads}, each naming its read`, ok: reads.auditRows === reads.reads && reads.mismatches.length === 0, ref: 'audit-reads' });

      // --- the start-up pass: alerts' evidence stored before it was sealed (the seeded city's
      // screening alerts carry critical items and scales in plain), sealed as a server does after start
      const plainAlerts = async () => Number((await one<{ n: number }>(owner.db, sql`select
        (select count(*) from alerts where ${plainEvidence('evidence')}) + (select count(*) from alert_signals where ${plainEvidence('evidence')}) as n`)).n);
      const before = await plainAlerts();
      const t1 = performance.now();
      const resealed = await sealLegacyAlertEvidence(appDb.db, app.deps.config);
      const left = await plainAlerts();
      ctx.log(`start-up pass over alert evidence as ${APP_ROLE}: ${before} rows with plain answers or text, ${resealed} sealed in ${((performance.now() - t1) / 1000).toFixed(1)} s, ${left} left; again: ${await sealLegacyAlertEvidence(appDb.db, app.deps.config)} sealed`);
      figures.push({ label: `alert evidence rows sealed by the start-up pass (seeded screening alerts: critical items, scales)`, value: `${resealed} of ${before}`, ref: 'encryption-at-rest' });
      figures.push({ label: 'alerts and signals with plain answers or text left after it', value: left, target: '0', ok: before > 0 && left === 0 && resealed === before, ref: 'encryption-at-rest' });

      // --- encryption at rest: canaries in a plain pg_dump --------------------------------------
      const dumpFile = path.join(ctx.tmpDir, 'plain.sql');
      execFileSync(path.join(pgBin(), 'pg_dump'), ['--format=plain', `--file=${dumpFile}`, urlFor(server.adminUrl, dbName)], { stdio: 'pipe' });
      const dump = fs.readFileSync(dumpFile, 'utf8');
      const sealedFields = SEALED_FIELDS;
      const inDump = Object.entries(reads.planted).filter(([, c]) => dump.includes(c)).map(([f]) => f);
      const sealedLeaks = inDump.filter((f) => sealedFields.includes(f));
      const openFields = Object.keys(reads.planted).filter((f) => !sealedFields.includes(f));
      ctx.log(`pg_dump (plain, ${(dump.length / 1e6).toFixed(1)} MB): canaries found for ${inDump.length ? inDump.join(', ') : 'no field'}`);
      fs.rmSync(dumpFile);
      figures.push({ label: `canaries of sealed fields in pg_dump (${sealedFields.join(', ')})`, value: sealedLeaks.length, target: '0', ok: sealedLeaks.length === 0, ref: 'encryption-at-rest' });
      // every field the reads plant is sealed now; a probed field not (yet) sealed would be judged here
      if (openFields.length) {
        figures.push({
          label: `canaries of not-yet-sealed fields probed in pg_dump (${openFields.join(', ')}; the rest are listed in docs/privacy.md)`,
          value: inDump.filter((f) => openFields.includes(f)).length,
          target: `0 of ${openFields.length}`,
          ok: inDump.filter((f) => openFields.includes(f)).length === 0,
          ref: 'encryption-at-rest',
        });
      }

      // --- the app role cannot change the audit table ------------------------------------------
      const probes = await appRoleProbes(appDb.db, OWNER);
      for (const p of probes) ctx.log(`app role: ${p.attempt} → ${p.refused ? 'refused' : 'ALLOWED'}${p.error ? ` (${p.error})` : ''}`);
      const privs = await auditPrivileges(owner.db, APP_ROLE);
      ctx.log(`app role's privileges on audit_log: ${Object.entries(privs).map(([k, v]) => `${k}=${v}`).join(' ')}`);
      figures.push({ label: 'app-role changes to audit_log refused / tried', value: `${probes.filter((p) => p.refused).length} / ${probes.length}`, target: 'all', ok: probes.every((p) => p.refused) && privs.select === true && privs.insert === true, ref: 'audit-immutable' });

      // --- retention ---------------------------------------------------------------------------
      const retention = retentionScan(path.join(import.meta.dirname, '../../packages/server/src'));
      const trigger = (await one<{ n: number }>(owner.db, sql`select count(*)::int as n from pg_trigger where tgrelid = 'audit_log'::regclass and not tgisinternal and tgenabled <> 'D'`)).n;
      ctx.log(`retention: ${retention.files} server files scanned, statements deleting from audit_log: ${retention.deleters.length ? retention.deleters.join(', ') : 'none'}; enabled guard triggers: ${trigger}; app role DELETE privilege: ${privs.delete}`);
      figures.push({ label: 'audit retention (nothing deletes audit rows)', value: 'kept for ever', target: '≥ 186 days', ok: retention.deleters.length === 0 && trigger === 2 && privs.delete === false && privs.truncate === false, ref: 'audit-retention' });

      // --- a million rows: append as the app role, verify, tamper ------------------------------
      const appended = await fillAuditChain(appDb.db, 10_000);
      ctx.log(`appended ${appended.rows.toLocaleString('en')} rows through appendAudit as ${APP_ROLE} in ${appended.seconds.toFixed(1)} s (${Math.round(appended.rows / appended.seconds)} rows/s)`);
      const have = await auditHead(appDb.db);
      const copied = await copyAuditChain(appDb.db, urlFor(server.adminUrl, dbName, APP_ROLE), path.join(pgBin(), 'psql'), Math.max(0, target - have), { log: ctx.log });
      ctx.log(`streamed ${copied.rows.toLocaleString('en')} more rows, hashed by the app's rowHash, into COPY as ${APP_ROLE} in ${copied.seconds.toFixed(1)} s (${Math.round(copied.rows / copied.seconds)} rows/s)`);
      await owner.db.execute(sql`vacuum analyze audit_log`);
      const v = await timedVerify(appDb.db);
      ctx.log(`verify: ${v.ok ? 'OK' : `BROKEN at ${v.firstBrokenSeq}`} ${v.rows.toLocaleString('en')} rows in ${v.seconds.toFixed(1)} s`);
      figures.push({ label: 'audit rows verified (hash chain)', value: v.rows, target: ctx.quick ? '≥ 20,000 (quick)' : '≥ 1,000,000', ok: v.ok && v.rows >= target, ref: 'audit-chain' });
      figures.push({ label: 'verify rate', value: `${v.rowsPerSecond.toLocaleString('en')} rows/s`, ref: 'audit-chain' });
      const max = await auditHead(owner.db);
      const cases = await tamperCases(owner.db, () => 2 + Math.floor(Math.random() * (max - 3)), ctx.log);
      figures.push({ label: `tamper cases detected, first broken row named (${cases.map((c) => c.name).join(', ')})`, value: `${cases.filter((c) => c.detected).length} / ${cases.length}`, target: 'all', ok: cases.every((c) => c.detected), ref: 'audit-chain' });
      const after = await timedVerify(appDb.db);
      figures.push({ label: 'chain verifies again after the rows were put back', value: after.ok ? 'yes' : `no (row ${after.firstBrokenSeq})`, target: 'yes', ok: after.ok, ref: 'audit-chain' });
      const n = (await rows<{ n: number }>(owner.db, sql`select count(*)::int as n from audit_log`))[0]!.n;
      ctx.log(`audit_log holds ${n.toLocaleString('en')} rows`);
    } finally {
      await appDb?.close();
      await owner.close();
      await dropDatabase(server.adminUrl, dbName);
    }
    return figures;
  },
};
