// The point-in-time recovery drill of docs/operations.md, run for real on a throw-away PostgreSQL:
// WAL archiving (archive_command), a base backup (pg_basebackup), writes after it, a recovery target
// time between two groups of writes, recovery into a new data directory, and a row-by-row check.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { migrate, openDatabase, rows } from '../../packages/server/src/db/client.js';
import { appendAudit, verifyAuditChain } from '../../packages/server/src/modules/audit/service.js';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

function binDir(): string {
  const root = '/usr/lib/postgresql';
  const v = fs.existsSync(root) ? fs.readdirSync(root).filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a))[0] : undefined;
  const dir = process.env.XINYU_PG_BIN ?? (v ? path.join(root, v, 'bin') : '');
  if (!dir || !fs.existsSync(path.join(dir, 'pg_basebackup'))) throw new Error('pg_basebackup not found (install postgresql-15 or set XINYU_PG_BIN)');
  return dir;
}

/** Runs PostgreSQL programs as the `postgres` user when we are root (they refuse to run as root). */
class PgRunner {
  readonly bin = binDir();
  private readonly root = process.getuid?.() === 0;
  constructor(readonly dir: string) {
    if (this.root) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      fs.chownSync(dir, uid, gid);
    }
  }
  run(cmd: string, args: string[]): string {
    const full = path.join(this.bin, cmd);
    const [c, a] = this.root ? ['runuser', ['-u', 'postgres', '--', full, ...args]] : [full, args];
    const r = spawnSync(c, a, { encoding: 'utf8', cwd: this.dir });
    if (r.status !== 0) throw new Error(`${cmd} failed (${r.status ?? r.signal}): ${(r.stderr || r.stdout).slice(-2000)}`);
    return r.stdout;
  }
  /** a directory the postgres user owns */
  mkdir(name: string): string {
    const p = path.join(this.dir, name);
    fs.mkdirSync(p, { mode: 0o700 });
    if (this.root) {
      const st = fs.statSync(this.dir);
      fs.chownSync(p, st.uid, st.gid);
    }
    return p;
  }
}

export interface PitrResult {
  baseBackupSeconds: number;
  baseBackupBytes: number;
  walSegmentsArchived: number;
  rowsBeforeBase: number;
  rowsAfterBaseBeforeTarget: number;
  rowsAfterTarget: number;
  targetTime: string;
  /** the newest row present after recovery (its commit came before the target) */
  recoveredUpTo: string;
  recoverySeconds: number;
  rowsPresent: number;
  rowsChecked: number;
  missingBeforeTarget: number;
  presentAfterTarget: number;
  chainOk: boolean;
}

const dirSize = (p: string): number => fs.readdirSync(p, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? dirSize(path.join(p, e.name)) : fs.statSync(path.join(p, e.name)).size), 0);

async function pgUp(url: string, timeoutMs: number): Promise<void> {
  const { default: pg } = await import('pg');
  const until = Date.now() + timeoutMs;
  for (;;) {
    const c = new pg.Client(url);
    try {
      await c.connect();
      const r = await c.query<{ rec: boolean }>('select pg_is_in_recovery() as rec');
      await c.end();
      if (!r.rows[0]!.rec) return;
    } catch {
      await c.end().catch(() => undefined);
    }
    if (Date.now() > until) throw new Error('the recovered server did not finish recovery in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The drill. `groups` transactions of `perGroup` audit rows before the base backup, after it and
 * before the target, and after the target; recovery must keep exactly the first two.
 */
export async function pitrDrill(opts: { groups: number; perGroup: number; log?: (m: string) => void }): Promise<PitrResult> {
  const log = opts.log ?? (() => undefined);
  const top = fs.mkdtempSync(path.join(os.tmpdir(), 'xinyu-pitr-'));
  const pgr = new PgRunner(top);
  const archive = pgr.mkdir('archive');
  const dataA = path.join(top, 'primary');
  const base = path.join(top, 'base');
  const portA = await freePort();
  let startedA = false;
  let startedB = false;
  try {
    pgr.run('initdb', ['-D', dataA, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions']);
    fs.appendFileSync(path.join(dataA, 'postgresql.conf'), [
      '', `port = ${portA}`, "listen_addresses = '127.0.0.1'", `unix_socket_directories = '${top}'`,
      'wal_level = replica', 'archive_mode = on', `archive_command = 'test ! -f ${archive}/%f && cp %p ${archive}/%f'`, 'max_wal_senders = 4', '',
    ].join('\n'));
    pgr.run('pg_ctl', ['-D', dataA, '-l', path.join(top, 'primary.log'), '-w', 'start']);
    startedA = true;
    const adminA = `postgresql://postgres@127.0.0.1:${portA}/postgres`;
    const { default: pg } = await import('pg');
    const c = new pg.Client(adminA);
    await c.connect();
    await c.query('create database xinyu');
    await c.end();
    const urlA = `postgresql://postgres@127.0.0.1:${portA}/xinyu`;
    const a = await openDatabase({ databaseUrl: urlA, poolSize: 2 });
    await migrate(a);
    const write = async (phase: string, n: number) => {
      for (let g = 0; g < opts.groups; g++) {
        await appendAudit(a.db, Array.from({ length: n }, (_, i) => ({ action: `pitr.${phase}`, detail: { g, i } })), new Date());
      }
    };
    await write('before-base', opts.perGroup);
    const rowsBeforeBase = opts.groups * opts.perGroup;
    const tb = performance.now();
    pgr.run('pg_basebackup', ['-h', top, '-p', String(portA), '-U', 'postgres', '-D', base, '-X', 'stream', '-c', 'fast']);
    const baseBackupSeconds = (performance.now() - tb) / 1000;
    const baseBackupBytes = dirSize(base);
    log(`base backup (pg_basebackup) ${(baseBackupBytes / 1e6).toFixed(1)} MB in ${baseBackupSeconds.toFixed(1)} s after ${rowsBeforeBase} rows`);
    await write('after-base', opts.perGroup);
    await new Promise((r) => setTimeout(r, 1100));
    const target = (await rows<{ t: string }>(a.db, sql`select to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00' as t`))[0]!.t;
    await new Promise((r) => setTimeout(r, 1100));
    await write('after-target', opts.perGroup);
    const lastSeg = (await rows<{ w: string }>(a.db, sql`select pg_walfile_name(pg_switch_wal()) as w`))[0]!.w;
    for (const until = Date.now() + 60_000; ; ) {
      const st = (await rows<{ w: string | null }>(a.db, sql`select last_archived_wal as w from pg_stat_archiver`))[0]!;
      if (st.w && st.w >= lastSeg) break;
      if (Date.now() > until) throw new Error(`WAL ${lastSeg} was not archived within 60 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await a.close();
    pgr.run('pg_ctl', ['-D', dataA, '-m', 'fast', '-w', 'stop']);
    startedA = false;
    const walSegmentsArchived = fs.readdirSync(archive).filter((f) => /^[0-9A-F]{24}$/.test(f)).length;
    log(`${walSegmentsArchived} WAL segments archived; recovery target ${target}; primary stopped`);

    // recovery into a new data directory: the base backup, the archive, the target time
    const portB = await freePort();
    fs.appendFileSync(path.join(base, 'postgresql.conf'), [
      '', `port = ${portB}`, 'archive_mode = off', `restore_command = 'cp ${archive}/%f %p'`,
      `recovery_target_time = '${target}'`, "recovery_target_action = 'promote'", '',
    ].join('\n'));
    fs.writeFileSync(path.join(base, 'recovery.signal'), '');
    if (process.getuid?.() === 0) {
      const st = fs.statSync(top);
      fs.chownSync(path.join(base, 'recovery.signal'), st.uid, st.gid);
    }
    const tr = performance.now();
    pgr.run('pg_ctl', ['-D', base, '-l', path.join(top, 'recovered.log'), '-w', 'start']);
    startedB = true;
    const urlB = `postgresql://postgres@127.0.0.1:${portB}/xinyu`;
    await pgUp(urlB, 120_000);
    const recoverySeconds = (performance.now() - tr) / 1000;
    const b = await openDatabase({ databaseUrl: urlB, poolSize: 2 });
    try {
      const counts = await rows<{ action: string; n: number; last: string }>(b.db, sql`select action, count(*)::int as n, max(at)::text as last from audit_log where action like 'pitr.%' group by action`);
      const by = new Map(counts.map((r) => [r.action, r]));
      const present = counts.reduce((n, r) => n + r.n, 0);
      const v = await verifyAuditChain(b.db);
      const per = opts.groups * opts.perGroup;
      const result: PitrResult = {
        baseBackupSeconds, baseBackupBytes, walSegmentsArchived,
        rowsBeforeBase, rowsAfterBaseBeforeTarget: per, rowsAfterTarget: per, targetTime: target,
        recoveredUpTo: by.get('pitr.after-base')?.last ?? by.get('pitr.before-base')?.last ?? '',
        recoverySeconds, rowsPresent: present, rowsChecked: per * 3,
        missingBeforeTarget: 2 * per - ((by.get('pitr.before-base')?.n ?? 0) + (by.get('pitr.after-base')?.n ?? 0)),
        presentAfterTarget: by.get('pitr.after-target')?.n ?? 0,
        chainOk: v.ok,
      };
      log(`recovered in ${recoverySeconds.toFixed(1)} s: ${present} rows present (before target ${2 * per - result.missingBeforeTarget}/${2 * per}, after target ${result.presentAfterTarget}/${per}); newest row ${result.recoveredUpTo}; chain ${v.ok ? 'verifies' : 'BROKEN'}`);
      return result;
    } finally {
      await b.close();
    }
  } finally {
    const stop = (data: string) => {
      try {
        pgr.run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // best effort
      }
    };
    if (startedA) stop(dataA);
    if (startedB) stop(base);
    fs.rmSync(top, { recursive: true, force: true });
  }
}
