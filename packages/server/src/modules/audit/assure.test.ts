// The fast subset of `npm run assure -- --only audit,backup` (assure/checks/50-audit.ts, 60-backup.ts):
// the same harness at small size, on both engines. A security assessor's stories: someone holding the
// owner role edits, deletes, forges or reorders audit rows; the app's own role tries to change the
// table; N sensitive reads leave N rows; a backup of the embedded directory is refused while held.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readBackCrisisCare } from '../../../../../assure/lib/sealed-crisis-care.js';
import { SEALED_FIELDS, SEALED_TABLES, appRoleProbes, fillAuditChain, retentionScan, sensitiveReads, tamperCases } from '../../../../../assure/lib/audit.js';
import { openDatabase, rows } from '../../db/client.js';
import { databaseUrl } from '../../db/test-global-setup.js';
import { testDbKind } from '../../db/testing.js';
import { setupTestEnv, type TestEnv } from '../../test/fixture.js';
import { backupDataDir, backupKind, BackupError, restoreDataDir } from '../backup/service.js';
import { auditPrivileges, grantAppRole } from './app-role.js';
import { verifyAuditChain } from './service.js';

let env: TestEnv;
beforeAll(async () => {
  env = await setupTestEnv();
});
afterAll(async () => env?.close());

describe('audit chain under tampering (owner role, trigger switched off)', () => {
  it('names the first broken row for an edit, a deletion, a forged row, a reordering, a forged tail, a deleted tail', async () => {
    await fillAuditChain(env.deps.db, 1500);
    const max = Number((await rows<{ m: number }>(env.deps.db, sql`select max(seq)::bigint as m from audit_log`))[0]!.m);
    const cases = await tamperCases(env.deps.db, () => 2 + Math.floor(Math.random() * (max - 3)));
    expect(cases.map((c) => [c.name, c.named === c.expected])).toEqual(cases.map((c) => [c.name, true]));
    expect(cases).toHaveLength(6);
    expect((await verifyAuditChain(env.deps.db)).ok).toBe(true); // every row put back exactly
  });
});

describe('sensitive reads', () => {
  it('N reads of 6 kinds over HTTP leave exactly N audit rows, each naming its object', async () => {
    const r = await sensitiveReads({ app: env.app, deps: env.deps, login: env.login, close: async () => undefined }, { student: env.ids.studentSelf, otherStudent: env.ids.otherClassStudent }, 2, (f) => `金丝雀-${f}-${randomBytes(6).toString('hex')}`);
    expect(r.reads).toBe(12);
    expect(r.mismatches).toEqual([]);
    expect(r.auditRows).toBe(r.reads);
    // sealed fields: the canary is in no row of the tables that hold them (or their history), yet reads back
    for (const field of SEALED_FIELDS) {
      const c = `%${r.planted[field]!}%`;
      const n = await rows<{ n: number }>(env.deps.db, sql`select ${sql.join(SEALED_TABLES.map((t) => sql`(select count(*) from ${sql.identifier(t)} x where x::text like ${c})`), sql` + `)} as n`);
      expect([field, Number(n[0]!.n)]).toEqual([field, 0]);
    }
    const { counselor, head, leader } = r.as;
    expect((await counselor.get(`/api/v1/crisis/cases/${r.caseId}`)).json<{ summary: string }>().summary).toContain(r.planted['crisis_cases.summary']);
    const alert = (await counselor.get(`/api/v1/alerts/${r.alertId}`)).json<{ signals: { evidence: { description?: string } }[] }>();
    expect(alert.signals.some((g) => g.evidence.description?.includes(r.planted['alerts (description)']!))).toBe(true);
    const thread = (await counselor.get(`/api/v1/mailbox/threads/${r.threadId}`)).json<{ subject: string; messages: { body: string }[] }>();
    expect(thread.subject).toContain(r.planted['mailbox_threads.subject']);
    expect(thread.messages[0]!.body).toContain(r.planted['mailbox_messages.body']);
    expect((await counselor.get(`/api/v1/counseling/appointments/${r.appointmentId}`)).json<{ topic: string }>().topic).toContain(r.planted['appointments.topic']);
    const sweep = (await head.get(`/api/v1/sweeps/${r.sweepId}/classes/${r.classId}`)).json<{ students: { entry: { note: string } | null }[] }>();
    expect(sweep.students.filter((s) => s.entry?.note.includes(r.planted['sweep_entries.note']!))).toHaveLength(1);
    const staff = (await leader.get(`/api/v1/staffcare/sweeps/${r.staffSweepId}/groups/${r.schoolId}/staff`)).json<{ people: { review: { note: string } | null }[] }>();
    expect(staff.people.filter((p) => p.review?.note.includes(r.planted['staff_sweep_reviews.note']!))).toHaveLength(1);
    // crisis and care free text: every planted canary reads back through the API
    expect(await readBackCrisisCare({ counselor, leader }, r.crisisCare, r.schoolId)).toEqual([]);
  });
});

describe('retention', () => {
  it('no server code deletes audit rows', () => {
    const scan = retentionScan(path.join(import.meta.dirname, '../..'));
    expect(scan.files).toBeGreaterThan(50);
    expect(scan.deleters).toEqual([]);
  });
});

describe('least-privilege app role (PostgreSQL)', () => {
  it('reads and appends, but cannot update, delete, truncate, alter, drop or switch off the guard', async (ctx) => {
    if (testDbKind() !== 'pg') {
      ctx.skip(true, 'roles exist only on a PostgreSQL server; the server-pg project runs this');
      return;
    }
    const role = `xinyu_app_t${randomBytes(4).toString('hex')}`;
    const name = (await rows<{ d: string }>(env.deps.db, sql`select current_database() as d`))[0]!.d;
    const owner = (await rows<{ u: string }>(env.deps.db, sql`select current_user as u`))[0]!.u;
    await grantAppRole(env.deps.db, role);
    const u = new URL(databaseUrl(inject('xinyuPg').adminUrl, name));
    u.username = role;
    const app = await openDatabase({ databaseUrl: u.toString(), poolSize: 1 });
    try {
      expect(await auditPrivileges(env.deps.db, role)).toMatchObject({ select: true, insert: true, update: false, delete: false, truncate: false, owner: false });
      await fillAuditChain(app.db, 10); // appends work as the app role
      const probes = await appRoleProbes(app.db, owner);
      expect(probes.filter((p) => !p.refused)).toEqual([]);
      expect((await verifyAuditChain(app.db)).ok).toBe(true);
    } finally {
      await app.close();
      await env.deps.db.execute(sql`drop owned by ${sql.identifier(role)}`);
      await env.deps.db.execute(sql`drop role ${sql.identifier(role)}`);
    }
  });
});

describe('backup of the embedded data directory', () => {
  it('is refused while a live process holds the directory, round-trips otherwise, and restores only into an empty directory', () => {
    const top = fs.mkdtempSync(path.join(os.tmpdir(), 'xinyu-backup-test-'));
    try {
      const dir = path.join(top, 'data');
      fs.mkdirSync(path.join(dir, 'base'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'PG_VERSION'), '17\n');
      fs.writeFileSync(path.join(dir, 'base', 'page'), randomBytes(4096));
      fs.writeFileSync(path.join(dir, '.xinyu.lock'), String(process.pid)); // held by this (live) process
      const file = path.join(top, 'b.tar.gz');
      expect(() => backupDataDir(dir, file)).toThrow(/pid/);
      fs.writeFileSync(path.join(dir, '.xinyu.lock'), '999999999'); // left by a dead process: taken over
      backupDataDir(dir, file);
      expect(backupKind(file)).toBe('data_dir');
      expect(fs.existsSync(path.join(dir, '.xinyu.lock'))).toBe(false);
      expect(() => restoreDataDir(file, dir)).toThrow(BackupError); // not empty
      const to = path.join(top, 'restored');
      restoreDataDir(file, to);
      expect(fs.readFileSync(path.join(to, 'base', 'page')).equals(fs.readFileSync(path.join(dir, 'base', 'page')))).toBe(true);
      expect(fs.existsSync(path.join(to, '.xinyu.lock'))).toBe(false);
      fs.writeFileSync(path.join(top, 'x.tar.gz'), 'not a backup');
      expect(backupKind(path.join(top, 'x.tar.gz'))).toBe(null);
    } finally {
      fs.rmSync(top, { recursive: true, force: true });
    }
  });
});
