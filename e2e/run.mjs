// Browser tests: builds the web UI, starts the server on a fresh embedded database with the demo
// city, then runs e2e/suite.ts (playwright-core driving Debian's chromium). Plain node, so that
// `npm test` can call it directly.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const log = (...a) => console.log('[e2e]', ...a);

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

if (!process.env.E2E_SKIP_BUILD) {
  log('building the web UI');
  const b = spawnSync('npm', ['run', 'build', '-w', '@xinyu/web'], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xinyu-e2e-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
log(`starting the server on ${base} (data ${dataDir})`);
const server = spawn(process.execPath, ['--import', 'tsx', 'packages/server/src/main.ts'], {
  cwd: root,
  env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', XINYU_DATA_DIR: dataDir, XINYU_DEMO: '1', DATABASE_URL: '', LOG_LEVEL: 'warn' },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let out = '';
server.stdout.on('data', (d) => (out += d));
server.stderr.on('data', (d) => (out += d));
let exited = false;
server.on('exit', () => (exited = true));

async function stopServer() {
  if (!exited) {
    server.kill('SIGTERM');
    await new Promise((r) => {
      const t = setTimeout(() => {
        server.kill('SIGKILL');
        r();
      }, 10000);
      server.on('exit', () => {
        clearTimeout(t);
        r();
      });
    });
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
}

let code = 1;
try {
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (exited) throw new Error(`server exited during start:\n${out}`);
    if (Date.now() > deadline) throw new Error(`server not ready after 180 s:\n${out}`);
    try {
      const r = await fetch(`${base}/readyz`);
      if (r.ok && /is running at|已启动/.test(out)) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  const secrets = {};
  for (const m of out.matchAll(/TOTP secret for ([\w.]+): ([A-Z2-7]+)/g)) secrets[m[1]] = m[2];
  log('server ready; running the suite');
  const suite = spawnSync(process.execPath, ['--import', 'tsx', 'e2e/suite.ts', ...process.argv.slice(2)], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, E2E_BASE: base, E2E_TOTP_SECRETS: JSON.stringify(secrets) },
  });
  code = suite.status ?? 1;
  if (code !== 0) {
    // the server's side of a failed journey (warnings and errors only: LOG_LEVEL=warn)
    const tail = out.split('\n').filter((l) => l.trim() && !/TOTP secret|^\s{2}\S+\s/.test(l)).slice(-30);
    if (tail.length) log(`server output (last ${tail.length} lines):\n${tail.join('\n')}`);
  }
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  code = 1;
} finally {
  await stopServer();
}
process.exit(code);
