// A bounded soak (issue 7 part 8): the real server as a child process on the shared PostgreSQL, a
// mixed load — screening submissions, lists of alerts and notifications, the warning board, the
// supervision dashboard, /auth/me and real sign-ins (password hashing included) — first in a closed
// loop to measure what the machine sustains, then in an open loop at half of that for the soak:
// memory of the server (RSS and V8 heap, from a probe loaded into it) at the start and end and its
// growth per minute, p99 per minute (latency counted from each request's scheduled time, so a stall
// shows), the server's connections to PostgreSQL (pg_stat_activity) over time, and errors.
// Options: --soak-minutes N (default 6; --quick: 15 s).
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BUILTIN_INSTRUMENTS } from '@xinyu/core';
import { percentile } from '../../bench/screening.js';
import { postRequest, RawHttpConnection } from '../../bench/raw-http.js';
import { DEMO_PASSWORD } from '../../packages/server/src/seed/demo.js';
import { demoSessions, publishCampaign, setupCity, type City, type Credentials } from '../lib/city.js';
import { getRequest, sleep } from '../lib/load.js';
import { AppProcess } from '../lib/server-process.js';
import type { AssureCheck, Figure } from '../types.js';

const INSTRUMENTS = ['phq-9', 'gad-7'].map((k) => BUILTIN_INSTRUMENTS[k]!);
const MB = 1024 * 1024;

interface Sheet {
  path: string;
  headers: Record<string, string>;
  answers: Record<string, string>;
}

/** The answer sheets still to submit: a new campaign (every student, both instruments) when they run out. */
class Sheets {
  private queue: Sheet[] = [];
  private refill: Promise<void> | null = null;
  campaigns = 0;
  constructor(private readonly city: City) {}

  async prepare(): Promise<void> {
    await this.more();
  }

  next(): Sheet | null {
    if (this.queue.length < this.city.students.length && !this.refill) this.refill = this.more().finally(() => (this.refill = null));
    return this.queue.pop() ?? null;
  }

  private async more(): Promise<void> {
    const id = await publishCampaign(this.city, `浸泡测试测评 ${++this.campaigns}`, INSTRUMENTS.map((d) => ({ key: d.id, version: d.version })));
    const fresh: Sheet[] = [];
    for (const s of this.city.students) {
      for (const def of INSTRUMENTS) {
        fresh.push({ path: `/api/v1/my/screenings/${id}/${def.id}/submit`, headers: s.headers, answers: Object.fromEntries(def.items.filter((i) => i.required !== false).map((i) => [i.id, i.options[0]!.value])) });
      }
    }
    this.queue = [...fresh.sort(() => Math.random() - 0.5), ...this.queue];
  }
}

interface Op {
  name: string;
  weight: number;
  make(): Buffer | null;
}

function mixedOps(city: City, port: number, sheets: Sheets, bureau: Credentials, leader: Credentials): Op[] {
  const host = `127.0.0.1:${port}`;
  const pick = <T>(a: T[]) => a[Math.floor(Math.random() * a.length)]!;
  const writer = () => {
    const school = pick(city.schools);
    return { school, w: pick(school.writers) };
  };
  return [
    { name: 'submit', weight: 30, make: () => {
      const s = sheets.next();
      return s ? postRequest(host, s.path, { ...s.headers, 'content-type': 'application/json' }, JSON.stringify({ clientId: randomUUID(), answers: s.answers, startedAt: new Date(Date.now() - 300_000).toISOString() })) : null;
    } },
    { name: 'alerts', weight: 15, make: () => getRequest(host, '/api/v1/alerts?pageSize=50', writer().w.headers) },
    { name: 'notifications', weight: 15, make: () => getRequest(host, '/api/v1/notifications?pageSize=20', writer().w.headers) },
    { name: 'board', weight: 10, make: () => {
      const { school, w } = writer();
      return getRequest(host, `/api/v1/warning/board?unitId=${school.schoolId}`, w.headers);
    } },
    { name: 'dashboard', weight: 8, make: () => getRequest(host, '/api/v1/supervision/dashboard', bureau.headers) },
    { name: 'school-dashboard', weight: 5, make: () => getRequest(host, '/api/v1/supervision/dashboard', leader.headers) },
    { name: 'me', weight: 15, make: () => getRequest(host, '/api/v1/auth/me', pick(city.students).headers) },
    { name: 'sign-in', weight: 2, make: () => postRequest(host, '/api/v1/auth/login', { 'content-type': 'application/json' }, JSON.stringify({ login: pick(['counselor', 'head.teacher', 'school.leader', 'student']), password: DEMO_PASSWORD })) },
  ];
}

function chooser(ops: Op[]): () => Op {
  const total = ops.reduce((n, o) => n + o.weight, 0);
  return () => {
    let x = Math.random() * total;
    for (const o of ops) if ((x -= o.weight) < 0) return o;
    return ops[ops.length - 1]!;
  };
}

interface Done {
  op: string;
  /** ms since the soak started, when it was scheduled and when it was answered */
  at: number;
  latency: number;
  ok: boolean;
  detail?: string;
}

/** p50 / p99 by operation, for the log */
function byOperation(done: Done[]): string {
  const ops = [...new Set(done.map((d) => d.op))].sort();
  return ops.map((op) => {
    const lat = Float64Array.from(done.filter((d) => d.op === op).map((d) => d.latency)).sort();
    return `${op} ${lat.length}× ${percentile(lat, 50).toFixed(0)}/${percentile(lat, 99).toFixed(0)} ms`;
  }).join(', ');
}

/** Slope of y over x (least squares), per unit of x. */
function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return den ? num / den : NaN;
}

export const check: AssureCheck = {
  id: 'soak',
  order: 90,
  title: 'Soak: a mixed load at half the measured capacity — memory, p99 per minute, database connections, errors',
  budgetMinutes: 8,
  async run(ctx) {
    const quick = ctx.quick;
    const i = process.argv.indexOf('--soak-minutes');
    const soakMs = i >= 0 && Number(process.argv[i + 1]) > 0 ? Number(process.argv[i + 1]) * 60_000 : quick ? 15_000 : 6 * 60_000;
    const bucketMs = soakMs >= 3 * 60_000 ? 60_000 : 5_000;
    const capacityMs = quick ? 5_000 : 20_000;
    const pgServer = await ctx.sharedPostgres();
    const city = await setupCity(pgServer, { scale: quick ? 0.1 : 0.3, studentAccounts: quick ? 200 : 600, writersPerSchool: 2, log: ctx.log });
    const memFile = path.join(ctx.tmpDir, 'memory.jsonl');
    const app = new AppProcess({
      databaseUrl: city.serverDbUrl,
      tmpDir: ctx.tmpDir,
      env: { XINYU_ASSURE_MEMORY_FILE: memFile },
      nodeArgs: [`--import=${path.join(import.meta.dirname, '../lib/memory-probe.mjs')}`],
    });
    const connections: RawHttpConnection[] = [];
    try {
      await app.start();
      const demo = await demoSessions(city, ['district.admin', 'school.leader']);
      const sheets = new Sheets(city);
      await sheets.prepare();
      const ops = mixedOps(city, app.port, sheets, demo.get('district.admin')!, demo.get('school.leader')!);
      const choose = chooser(ops);
      const send = async (c: RawHttpConnection, scheduled: number, t0: number, out: Done[]) => {
        let op = choose();
        let bytes = op.make();
        while (!bytes) {
          op = choose();
          bytes = op.make();
        }
        try {
          const r = await c.request(bytes);
          const ok = r.status >= 200 && r.status < 300;
          out.push({ op: op.name, at: scheduled - t0, latency: performance.now() - scheduled, ok, ...(ok ? {} : { detail: `${r.status} ${r.body.slice(0, 160)}` }) });
        } catch (e) {
          out.push({ op: op.name, at: scheduled - t0, latency: performance.now() - scheduled, ok: false, detail: e instanceof Error ? e.message : String(e) });
        }
      };

      // --- capacity: 32 clients back to back ---
      const warm: Done[] = [];
      const tc = performance.now();
      await Promise.all(Array.from({ length: 32 }, async () => {
        const c = new RawHttpConnection(app.port);
        connections.push(c);
        while (performance.now() - tc < capacityMs) await send(c, performance.now(), tc, warm);
      }));
      const capacity = warm.filter((d) => d.ok).length / ((performance.now() - tc) / 1000);
      const capErrors = warm.filter((d) => !d.ok);
      const rate = capacity / 2;
      ctx.log(`capacity (closed loop, 32 clients, ${capacityMs / 1000} s): ${capacity.toFixed(0)} requests/s, p99 ${percentile(Float64Array.from(warm.map((d) => d.latency)).sort(), 99).toFixed(0)} ms, ${capErrors.length} errors${capErrors.length ? ` e.g. ${capErrors.slice(0, 3).map((d) => `${d.op} ${d.detail ?? ''}`).join(' | ')}` : ''}; p50/p99 by operation: ${byOperation(warm)}; soak at ${rate.toFixed(0)}/s for ${(soakMs / 60_000).toFixed(1)} min`);

      // --- the soak: open loop at half the capacity ---
      const done: Done[] = [];
      const dbConns: { at: number; total: number; active: number }[] = [];
      const memFrom = Date.now();
      const t0 = performance.now();
      const due: number[] = [];
      let scheduled = 0;
      let stop = false;
      const wake: (() => void)[] = [];
      const ticker = setInterval(() => {
        const elapsed = performance.now() - t0;
        if (elapsed >= soakMs) {
          stop = true;
          clearInterval(ticker);
        } else {
          const target = Math.floor((elapsed / 1000) * rate);
          while (scheduled < target) {
            due.push(t0 + (scheduled / rate) * 1000);
            scheduled++;
          }
        }
        while (wake.length && (due.length || stop)) wake.shift()!();
      }, 5);
      const sampler = setInterval(() => {
        void city.pool.query<{ total: number; active: number }>(
          `select count(*)::int as total, count(*) filter (where state = 'active')::int as active from pg_stat_activity where datname = $1 and client_addr is null`, [city.dbName],
        ).then((r) => dbConns.push({ at: performance.now() - t0, ...r.rows[0]! }), () => undefined);
      }, 2000);
      const workers = Array.from({ length: 128 }, async (_, k) => {
        const c = connections[k] ?? new RawHttpConnection(app.port);
        if (!connections[k]) connections.push(c);
        for (;;) {
          const at = due.shift();
          if (at === undefined) {
            if (stop) return;
            await new Promise<void>((r) => wake.push(r));
            continue;
          }
          await send(c, at, t0, done);
        }
      });
      await Promise.all(workers);
      clearInterval(sampler);
      const soakSecs = (performance.now() - t0) / 1000;

      // --- figures ---
      const errors = done.filter((d) => !d.ok);
      const buckets: { from: number; p99: number; n: number; errors: number }[] = [];
      for (let from = 0; from < soakMs; from += bucketMs) {
        const inB = done.filter((d) => d.at >= from && d.at < from + bucketMs);
        buckets.push({ from, p99: percentile(Float64Array.from(inB.map((d) => d.latency)).sort(), 99), n: inB.length, errors: inB.filter((d) => !d.ok).length });
      }
      const mem = fs.existsSync(memFile)
        ? fs.readFileSync(memFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { t: number; rss: number; heapUsed: number }).filter((m) => m.t >= memFrom)
        : [];
      const edge = Math.max(1, Math.min(10, Math.floor(mem.length / 6)));
      const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      const startRss = avg(mem.slice(0, edge).map((m) => m.rss));
      const endRss = avg(mem.slice(-edge).map((m) => m.rss));
      const startHeap = avg(mem.slice(0, edge).map((m) => m.heapUsed));
      const endHeap = avg(mem.slice(-edge).map((m) => m.heapUsed));
      const perMin = (k: 'rss' | 'heapUsed') => slope(mem.map((m) => ({ x: (m.t - memFrom) / 60_000, y: m[k] / MB })));
      const byOp = new Map<string, number>();
      for (const d of done) byOp.set(d.op, (byOp.get(d.op) ?? 0) + 1);
      const unit = bucketMs === 60_000 ? 'min' : `${bucketMs / 1000} s`;
      const conn = dbConns.map((c) => c.total);
      ctx.log(`soak: ${done.length} requests in ${soakSecs.toFixed(0)} s (${JSON.stringify(Object.fromEntries(byOp))}), ${errors.length} errors${errors.length ? ` e.g. ${errors.slice(0, 3).map((d) => `${d.op} ${d.detail ?? ''}`).join(' | ')}` : ''}`);
      ctx.log(`p50/p99 by operation: ${byOperation(done)}`);
      ctx.log(`p99 per ${unit}: ${buckets.map((b) => `${b.p99.toFixed(0)} ms (${b.n})`).join(', ')}`);
      ctx.log(`memory (${mem.length} samples): RSS ${(startRss / MB).toFixed(0)} → ${(endRss / MB).toFixed(0)} MB (${perMin('rss').toFixed(2)} MB/min), heap ${(startHeap / MB).toFixed(0)} → ${(endHeap / MB).toFixed(0)} MB (${perMin('heapUsed').toFixed(2)} MB/min); database connections of the server over time: ${dbConns.filter((_, j) => j % 5 === 0).map((c) => `${(c.at / 1000).toFixed(0)} s ${c.total}/${c.active} active`).join(', ')}`);
      const ref = 'soak';
      const figures: Figure[] = [
        { label: 'mixed-load capacity (closed loop, 32 clients)', value: `${capacity.toFixed(0)} requests/s`, ref },
        { label: 'soak: rate × duration (half the capacity, open loop)', value: `${rate.toFixed(0)}/s × ${(soakSecs / 60).toFixed(1)} min = ${done.length} requests`, ref },
        { label: 'mix: submissions / reads of lists and dashboards / sign-ins', value: `${byOp.get('submit') ?? 0} / ${['alerts', 'notifications', 'board', 'dashboard', 'school-dashboard', 'me'].reduce((n, k) => n + (byOp.get(k) ?? 0), 0)} / ${byOp.get('sign-in') ?? 0}`, ref },
        { label: 'errors (non-2xx or no answer)', value: errors.length + capErrors.length, target: '0', ok: errors.length + capErrors.length === 0, ref },
        { label: `p99 per ${unit}`, value: buckets.map((b) => `${b.p99.toFixed(0)}`).join(' / ') + ' ms', ref },
        { label: 'RSS of the server: start → end (growth per minute)', value: mem.length ? `${(startRss / MB).toFixed(0)} → ${(endRss / MB).toFixed(0)} MB (${perMin('rss').toFixed(2)} MB/min)` : 'no samples', ok: mem.length > 0 ? undefined : false, ref },
        { label: 'V8 heap used: start → end (growth per minute)', value: mem.length ? `${(startHeap / MB).toFixed(0)} → ${(endHeap / MB).toFixed(0)} MB (${perMin('heapUsed').toFixed(2)} MB/min)` : 'no samples', ref },
        // pg-pool retires a connection idle for 10 s and opens another: for a moment both can show
        { label: 'database connections of the server: min–max over the soak (pool of 20), at the end', value: conn.length ? `${Math.min(...conn)}–${Math.max(...conn)}, ${conn[conn.length - 1]} at the end` : 'no samples', target: '≤ 20 at the end (no leak)', ok: conn.length > 0 && conn[conn.length - 1]! <= 20, ref },
      ];
      await sleep(0);
      return figures;
    } finally {
      for (const c of connections) c.close();
      await app.stop();
      await city.close();
    }
  },
};
