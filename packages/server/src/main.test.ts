// The server as `npm start` runs it, with XINYU_WORKERS=2 on PostgreSQL: one supervising process and
// two HTTP workers on one port. A session made through one worker is valid on the other, a killed
// worker is replaced, SIGTERM stops every process, and a killed supervisor takes its workers with it.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { openTestDatabase, testDbKind, type TestDatabase } from './db/testing.js';
import { DEMO_PASSWORD } from './seed/demo.js';
import { bundleServer } from './test/server-bundle.js';

const onPg = testDbKind() === 'pg';

describe('XINYU_WORKERS', () => {
  it('is none by default (one process), one per CPU for auto, and refuses anything but 1–64', () => {
    expect(loadConfig({}).workers).toBe(0);
    expect(loadConfig({ XINYU_WORKERS: '3' }).workers).toBe(3);
    expect(loadConfig({ XINYU_WORKERS: 'auto' }).workers).toBe(os.availableParallelism());
    for (const bad of ['0', '-1', '1.5', 'two', '65']) expect(() => loadConfig({ XINYU_WORKERS: bad })).toThrow(/XINYU_WORKERS/);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** One request on a new connection (cluster hands connections to the workers in turn). */
function request(port: number, method: string, urlPath: string, opts: { body?: unknown; cookie?: string } = {}): Promise<{ status: number; cookies: string[] }> {
  return new Promise((resolve, reject) => {
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const req = http.request({ host: '127.0.0.1', port, path: urlPath, method, agent: false, headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(opts.cookie ? { cookie: opts.cookie } : {}) } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, cookies: res.headers['set-cookie'] ?? [] }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Child pids of a process, from /proc. */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid …: comm may hold spaces, so read after its closing parenthesis
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until<T>(what: string, fn: () => T | Promise<T>, limitMs = 30_000): Promise<NonNullable<T>> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() - t0 > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!onPg)('the server with two worker processes (PostgreSQL)', () => {
  let database: TestDatabase;
  let main: string;
  let tmp: string;
  // the bundle sits in the package (its npm dependencies are resolved from there), in a git-ignored folder
  const bundleDir = path.join(import.meta.dirname, '..', '.tmp', `workers-test-${process.pid}`);
  const started: ChildProcess[] = [];

  beforeAll(async () => {
    database = await openTestDatabase({ seeded: true, poolSize: 1 });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xinyu-workers-'));
    main = await bundleServer(bundleDir);
  });

  afterAll(async () => {
    for (const c of started) if (c.pid && c.exitCode === null && c.signalCode === null) process.kill(-c.pid, 'SIGKILL');
    await database?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.rmSync(bundleDir, { recursive: true, force: true });
  });

  /** Starts the bundled server (own process group) and waits for its banner. */
  async function start(): Promise<{ child: ChildProcess; port: number; log: () => string; exit: Promise<number | null> }> {
    const port = await freePort();
    const logFile = path.join(tmp, `server-${port}.log`);
    const out = fs.openSync(logFile, 'a');
    const child = spawn(process.execPath, ['--max-semi-space-size=64', main], {
      env: { ...process.env, DATABASE_URL: database.url, XINYU_WORKERS: '2', PORT: String(port), HOST: '127.0.0.1', XINYU_DEMO: '0', XINYU_DATA_KEY_FILE: path.join(tmp, 'data.key'), XINYU_DATA_DIR: path.join(tmp, 'data'), NODE_ENV: 'production', LOG_LEVEL: 'info' },
      stdio: ['ignore', out, out],
      detached: true,
    });
    fs.closeSync(out);
    started.push(child);
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const log = () => fs.readFileSync(logFile, 'utf8');
    await until('the banner', () => {
      if (child.exitCode !== null) throw new Error(`the server exited:\n${log()}`);
      return log().includes('2 个工作进程 worker processes');
    }, 60_000);
    return { child, port, log, exit };
  }

  it('serves a session from both workers, replaces a killed worker, and stops every process on SIGTERM', async () => {
    const server = await start();
    const primary = server.child.pid!;
    const workers = childrenOf(primary);
    expect(workers).toHaveLength(2);

    const signedIn = await request(server.port, 'POST', '/api/v1/auth/login', { body: { login: 'counselor', password: DEMO_PASSWORD } });
    expect(signedIn.status).toBe(200);
    const cookie = signedIn.cookies.map((c) => c.split(';')[0]!).find((c) => c.startsWith('xinyu_sid='))!;
    for (let i = 0; i < 8; i++) expect((await request(server.port, 'GET', '/api/v1/auth/me', { cookie })).status).toBe(200);
    // the request log (written asynchronously) names the process that answered: both workers served the session
    const servedBy = () => new Set([...server.log().matchAll(/"pid":(\d+)[^\n]*"url":"\/api\/v1\/auth\/me"/g)].map((m) => Number(m[1])));
    await until('both workers in the request log', () => servedBy().size >= 2, 5000).catch(() => undefined);
    expect([...servedBy()].sort()).toEqual([...workers].sort());

    process.kill(workers[0]!, 'SIGKILL');
    const replaced = await until('a replacement worker', () => {
      const now = childrenOf(primary);
      return now.length === 2 && !now.includes(workers[0]!) ? now : null;
    });
    await until('the replacement listening', () => server.log().includes(`"pid":${replaced.find((p) => p !== workers[1])},`));
    for (let i = 0; i < 4; i++) expect((await request(server.port, 'GET', '/api/v1/auth/me', { cookie })).status).toBe(200);

    process.kill(primary, 'SIGTERM');
    expect(await server.exit).toBe(0);
    expect(replaced.filter(alive)).toEqual([]);
  }, 120_000);

  it('takes its workers down when the supervising process is killed', async () => {
    const server = await start();
    const workers = childrenOf(server.child.pid!);
    expect(workers).toHaveLength(2);
    process.kill(server.child.pid!, 'SIGKILL');
    await server.exit;
    await until('the workers to exit', () => workers.every((p) => !alive(p)), 10_000);
  }, 120_000);
});
