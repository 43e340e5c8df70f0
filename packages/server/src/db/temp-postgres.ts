// A throw-away PostgreSQL server in a temporary directory, for the test suite and the benchmarks.
// initdb and postgres refuse to run as root, so as root they run as the `postgres` user.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface TempPostgres {
  adminUrl: string;
  /** the same server through its Unix-domain socket (cheaper than loopback TCP for a server on this host) */
  socketUrl?: string;
  external: boolean;
  stop(): Promise<void>;
  /**
   * A server started here only (fault drills): `pg_ctl stop -m immediate` (every backend killed, no
   * checkpoint: the next start recovers from the WAL, as after a crash) and `pg_ctl start` again.
   */
  stopImmediate?(): void;
  start?(): void;
}

/** The bin directory of the newest installed PostgreSQL (XINYU_PG_BIN overrides). */
function pgBinDir(): string {
  const candidates: string[] = [];
  if (process.env.XINYU_PG_BIN) candidates.push(process.env.XINYU_PG_BIN);
  const root = '/usr/lib/postgresql';
  if (fs.existsSync(root)) {
    const versions = fs
      .readdirSync(root)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) candidates.push(path.join(root, v, 'bin'));
  }
  const pgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (pgConfig.status === 0) candidates.push(pgConfig.stdout.trim());
  for (const dir of process.env.PATH?.split(path.delimiter) ?? []) candidates.push(dir);
  const found = candidates.find((d) => fs.existsSync(path.join(d, 'initdb')) && fs.existsSync(path.join(d, 'pg_ctl')));
  if (!found) {
    throw new Error(
      'PostgreSQL server binaries (initdb, pg_ctl) not found: install postgresql-15 (apt-get install -y postgresql-15), ' +
        'set XINYU_PG_BIN, or point XINYU_TEST_PG_URL at a running server. `.ci/run` installs it.',
    );
  }
  return found;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * The production settings of docs/operations.md that matter for a write burst: PostgreSQL's
 * 128 MB of shared buffers made backends write out pages themselves, and a checkpoint every
 * 1 GB of WAL fell in the middle of a screening peak, when full-page images of randomly keyed
 * index pages multiplied the WAL written.
 */
const DURABLE_SETTINGS = ['shared_buffers = 1GB', 'max_wal_size = 8GB', 'checkpoint_timeout = 15min', 'wal_compression = lz4'];

export async function startTempPostgres(opts: { durable?: boolean; log?: (msg: string) => void } = {}): Promise<TempPostgres> {
  const log = opts.log ?? (() => undefined);
  const t0 = performance.now();
  const bin = pgBinDir();
  const isRoot = process.getuid?.() === 0;
  // initdb and postgres refuse to run as root: run them as the `postgres` user then
  let asUser: (cmd: string, args: string[]) => [string, string[]] = (cmd, args) => [cmd, args];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xinyu-pg-'));
  if (isRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    fs.chownSync(dir, uid, gid);
    const runuser = fs.existsSync('/usr/sbin/runuser') || fs.existsSync('/sbin/runuser') || spawnSync('runuser', ['--help']).status === 0;
    asUser = runuser
      ? (cmd, args) => ['runuser', ['-u', 'postgres', '--', cmd, ...args]]
      : (cmd, args) => ['su', ['postgres', '-s', '/bin/sh', '-c', [cmd, ...args].map(shellQuote).join(' ')]];
  }
  const run = (cmd: string, args: string[]) => {
    const [c, a] = asUser(path.join(bin, cmd), args);
    const r = spawnSync(c, a, { encoding: 'utf8', cwd: dir });
    if (r.status !== 0) throw new Error(`${cmd} failed (${r.status ?? r.signal}): ${r.stderr || r.stdout}`);
    return r.stdout;
  };
  const data = path.join(dir, 'data');
  const logFile = path.join(dir, 'postgres.log');
  let started = false;
  const stopSync = () => {
    if (started) {
      started = false;
      try {
        const [c, a] = asUser(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
        spawnSync(c, a, { stdio: 'ignore', cwd: dir });
      } catch {
        // best effort
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  // a crashed or interrupted run must not leave a server behind
  process.once('exit', stopSync);

  try {
    run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions']);
    let port = 0;
    let lastError: unknown;
    for (let attempt = 0; attempt < 3 && !started; attempt++) {
      port = await freePort();
      fs.appendFileSync(
        path.join(data, 'postgresql.conf'),
        [
          '',
          '# xinyu test server',
          `port = ${port}`,
          "listen_addresses = '127.0.0.1'",
          `unix_socket_directories = '${dir.replace(/'/g, "''")}'`,
          'max_connections = 300',
          // tests trade durability for speed; benchmarks keep it and run with the settings
          // docs/operations.md recommends for production (memory and checkpoint spacing, never durability)
          ...(opts.durable ? DURABLE_SETTINGS : ['fsync = off', 'synchronous_commit = off', 'full_page_writes = off']),
          "log_min_messages = 'warning'",
          '',
        ].join('\n'),
      );
      try {
        run('pg_ctl', ['-D', data, '-l', logFile, '-w', '-t', '60', 'start']);
        started = true;
      } catch (e) {
        lastError = e;
      }
    }
    if (!started) {
      const tail = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-2000) : '';
      throw new Error(`PostgreSQL did not start: ${String(lastError)}\n${tail}`);
    }
    log(`PostgreSQL (${path.basename(path.dirname(bin))}) started on 127.0.0.1:${port} in ${Math.round(performance.now() - t0)} ms`);
    return {
      adminUrl: `postgresql://postgres@127.0.0.1:${port}/postgres`,
      socketUrl: `postgresql://postgres@localhost:${port}/postgres?host=${encodeURIComponent(dir)}`,
      external: false,
      stopImmediate: () => void run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']),
      start: () => void run('pg_ctl', ['-D', data, '-l', logFile, '-w', '-t', '60', 'start']),
      stop: async () => {
        stopSync();
        process.removeListener('exit', stopSync);
      },
    };
  } catch (e) {
    stopSync();
    process.removeListener('exit', stopSync);
    throw e;
  }
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

