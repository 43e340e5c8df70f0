// The real server as a child process (bundled as `npm run build` bundles it, started with the flags of
// `npm start`), for the checks that kill it, stop it or watch its memory. Built on the screening
// bench's Server (bench/screening.ts): its own process group, so a signal reaches all of it.
import fs from 'node:fs';
import path from 'node:path';
import { freePort, get, Server, waitReady } from '../../bench/screening.js';
import { bundleServer } from '../../packages/server/src/test/server-bundle.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
let bundled: Promise<string> | undefined;

/** dist/main.js of the server, bundled once per run into a git-ignored folder of the assurance checks. */
export function serverBundle(): Promise<string> {
  return (bundled ??= bundleServer(path.join(ROOT, 'packages/server/.tmp/assure-server')));
}

export interface AppProcessOptions {
  databaseUrl: string;
  tmpDir: string;
  /** more environment (XINYU_WEBHOOK_URL …) */
  env?: Record<string, string>;
  /** more node flags (e.g. --import of a probe) */
  nodeArgs?: string[];
}

/** One server on a fixed port; `restart()` starts a new process on the same port and database. */
export class AppProcess {
  port = 0;
  server: Server | null = null;
  readonly logFile: string;
  private main = '';
  private env: NodeJS.ProcessEnv = {};
  /** pids of every process started (for memory sampling of the current one, and the report) */
  readonly pids: number[] = [];

  constructor(private readonly opts: AppProcessOptions) {
    this.logFile = path.join(opts.tmpDir, 'server.log');
  }

  async start(): Promise<void> {
    this.main = await serverBundle();
    this.port = await freePort();
    this.env = {
      ...process.env,
      DATABASE_URL: this.opts.databaseUrl,
      PORT: String(this.port),
      HOST: '127.0.0.1',
      XINYU_DEMO: '0',
      XINYU_DATA_DIR: path.join(this.opts.tmpDir, 'data'),
      XINYU_DATA_KEY_FILE: path.join(this.opts.tmpDir, 'xinyu-data.key'),
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      ...this.opts.env,
    };
    await this.spawn();
  }

  private async spawn(): Promise<void> {
    const server = new Server(this.main, this.env, this.logFile, ['--max-semi-space-size=32', ...(this.opts.nodeArgs ?? [])]);
    server.start();
    this.server = server;
    this.pids.push(server.child!.pid!);
    await waitReady(this.port, server, this.logFile);
  }

  get pid(): number {
    return this.server?.child?.pid ?? 0;
  }

  /** still running (not exited since it was started) */
  get alive(): boolean {
    const c = this.server?.child;
    return !!c && c.exitCode === null && c.signalCode === null;
  }

  signal(sig: NodeJS.Signals): void {
    this.server?.signal(sig);
  }

  /** waits for the process to end; the exit code (null when a signal ended it) */
  async exited(): Promise<number | null> {
    await this.server?.exited;
    return this.server?.child?.exitCode ?? null;
  }

  /** SIGKILL (if still running), then a new process on the same port; resolves when /readyz is 200 */
  async restart(): Promise<void> {
    this.signal('SIGKILL');
    await this.server?.exited;
    await this.spawn();
  }

  readyz(): Promise<number> {
    return get(this.port, '/readyz');
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = null;
  }

  /** the last lines of the server's log (for a failure's message) */
  logTail(chars = 2000): string {
    return fs.existsSync(this.logFile) ? fs.readFileSync(this.logFile, 'utf8').slice(-chars) : '';
  }
}

/** Resident set size of a process in bytes, from /proc (0 when it is gone). */
export function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}
