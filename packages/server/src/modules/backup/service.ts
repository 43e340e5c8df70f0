// `npm run cli -- backup FILE` and `restore FILE`: PostgreSQL through pg_dump / pg_restore (custom
// format, restored into an empty database), the embedded database as a .tar.gz of its data
// directory (refused while a Xinyu process holds it). Every restore ends with the audit chain check.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { DATA_DIR_LOCK, lockDataDir } from '../../db/client.js';

export class BackupError extends Error {}

/** The bin directory of the newest installed PostgreSQL client tools (XINYU_PG_BIN overrides). */
export function pgBin(): string {
  const candidates: string[] = [];
  if (process.env.XINYU_PG_BIN) candidates.push(process.env.XINYU_PG_BIN);
  const root = '/usr/lib/postgresql';
  if (fs.existsSync(root)) {
    for (const v of fs.readdirSync(root).filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a))) candidates.push(path.join(root, v, 'bin'));
  }
  candidates.push(...(process.env.PATH ?? '').split(path.delimiter));
  const found = candidates.find((d) => d && fs.existsSync(path.join(d, 'pg_dump')) && fs.existsSync(path.join(d, 'pg_restore')));
  if (!found) throw new BackupError('找不到 pg_dump / pg_restore (install postgresql-client, or set XINYU_PG_BIN)');
  return found;
}

function run(cmd: string, args: string[], what: string): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new BackupError(`${what} 失败 failed (${r.status ?? r.signal}): ${(r.stderr || r.stdout || '').trim().slice(-2000)}`);
}

export interface BackupResult {
  file: string;
  bytes: number;
  seconds: number;
}

/** pg_dump in custom format (compressed, consistent snapshot while the app runs). */
export function backupPostgres(databaseUrl: string, file: string): BackupResult {
  const t0 = performance.now();
  const tmp = `${file}.partial`;
  run(path.join(pgBin(), 'pg_dump'), ['--format=custom', `--file=${tmp}`, databaseUrl], 'pg_dump');
  fs.renameSync(tmp, file);
  return { file, bytes: fs.statSync(file).size, seconds: (performance.now() - t0) / 1000 };
}

/**
 * pg_restore of a custom-format dump into an empty database (refused if it has tables): objects are
 * owned by the restoring role and carry no grants (`--no-owner --no-acl`); run `db grant-app-role`
 * afterwards when the app connects as its own role.
 */
export async function restorePostgres(databaseUrl: string, file: string): Promise<{ seconds: number }> {
  if (!fs.existsSync(file)) throw new BackupError(`找不到文件 file not found: ${file}`);
  const head = Buffer.alloc(5);
  const fd = fs.openSync(file, 'r');
  fs.readSync(fd, head, 0, 5, 0);
  fs.closeSync(fd);
  if (head.toString('latin1') !== 'PGDMP') throw new BackupError(`${file} 不是 pg_dump 自定义格式的备份 (not a pg_dump custom-format file)`);
  const c = new pg.Client(databaseUrl);
  await c.connect();
  try {
    const n = (await c.query<{ n: number }>("select count(*)::int as n from pg_tables where schemaname in ('public', 'drizzle')")).rows[0]!.n;
    if (n > 0) throw new BackupError(`目标数据库不是空的 (${n} 张表)：请恢复到新建的空数据库 (restore into a new, empty database)`);
  } finally {
    await c.end();
  }
  const t0 = performance.now();
  run(path.join(pgBin(), 'pg_restore'), ['--no-owner', '--no-acl', '--exit-on-error', '--single-transaction', `--dbname=${databaseUrl}`, file], 'pg_restore');
  return { seconds: (performance.now() - t0) / 1000 };
}

/**
 * The embedded database: a .tar.gz of the whole data directory, taken while no server holds it
 * (the lock file is held during the copy, so a server cannot start meanwhile).
 */
export function backupDataDir(dataDir: string, file: string): BackupResult {
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) throw new BackupError(`${dataDir} 不是 Xinyu 的数据目录 (no PG_VERSION)`);
  const release = lockDataDir(dataDir, '请先停止服务再备份或恢复');
  const t0 = performance.now();
  try {
    const tmp = `${file}.partial`;
    run('tar', ['-czf', tmp, `--exclude=./${DATA_DIR_LOCK}`, '-C', dataDir, '.'], 'tar');
    fs.renameSync(tmp, file);
  } finally {
    release();
  }
  return { file, bytes: fs.statSync(file).size, seconds: (performance.now() - t0) / 1000 };
}

/** Unpacks a data-directory backup into `dataDir`, which must not exist or be empty. */
export function restoreDataDir(file: string, dataDir: string): { seconds: number } {
  if (!fs.existsSync(file)) throw new BackupError(`找不到文件 file not found: ${file}`);
  if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0) {
    throw new BackupError(`${dataDir} 已存在且不为空：请先移走它 (move the old directory aside, e.g. mv data data.before-restore)`);
  }
  const list = spawnSync('tar', ['-tzf', file], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (list.status !== 0 || !list.stdout.split('\n').some((l) => l === './PG_VERSION' || l === 'PG_VERSION')) {
    throw new BackupError(`${file} 不是 Xinyu 数据目录的备份 (not a data-directory backup)`);
  }
  const t0 = performance.now();
  const tmp = `${dataDir.replace(/\/+$/, '')}.restoring-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true, mode: 0o700 });
  try {
    run('tar', ['-xzf', file, '-C', tmp], 'tar');
    if (fs.existsSync(dataDir)) fs.rmdirSync(dataDir);
    fs.renameSync(tmp, dataDir);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return { seconds: (performance.now() - t0) / 1000 };
}

/** Which kind of backup a file is, from its first bytes. */
export function backupKind(file: string): 'pg_dump' | 'data_dir' | null {
  const head = Buffer.alloc(5);
  const fd = fs.openSync(file, 'r');
  const n = fs.readSync(fd, head, 0, 5, 0);
  fs.closeSync(fd);
  if (n === 5 && head.toString('latin1') === 'PGDMP') return 'pg_dump';
  if (n >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'data_dir';
  return null;
}
