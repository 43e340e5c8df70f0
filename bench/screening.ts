// Screening submissions through the real server on real PostgreSQL: a city of 100,000 students
// (grades 4–9, classes of ~45, each with an account, a student role and a live session), one
// published campaign giving them CES-DC, and 500 keep-alive clients submitting every answer sheet
// through POST /api/v1/my/screenings/:campaignId/ces-dc/submit with the cookie and CSRF header.
// Halfway through phase 1 the server is killed with SIGKILL and restarted at once; the clients keep
// retrying with the same client id. At the end the database is checked (one response per student,
// every acknowledged client id stored once, an alert per warning, an audit row per response) and a
// plain batched INSERT of the same rows is timed as the ceiling. CES-DC has no critical item: its
// warnings are queued with the response and raised by the server's job (the run waits for it and
// prints how long they waited); a critical item's would be raised with the response.
// Uses DATABASE_URL's server when set (in a new database), else a temporary PostgreSQL 15 server
// with fsync on and the settings docs/operations.md recommends, reached through its Unix socket.
// Phase 1 (70 % of the students) measures capacity: clients send back to back. Phase 2 (the other
// 30 %) offers a fixed rate (--rate N, default 2,000/s; 0 = no phase 2) and measures latency from each
// sheet's due time, so that a backlog counts (with clients back to back the mean latency is just
// clients / rate, whatever the server does).
// The clients' thread runs at nice -5 and the server at 0 (when the bench may: root), so that a client
// waiting for a CPU before it reads its answer does not count as the server's latency.
// The server runs as `npm start` runs it, with XINYU_WORKERS=1: one HTTP worker beside a supervising
// process that runs the jobs (main.ts; --workers N for N workers, --workers 0 for one process).
// Options: --students N, --clients N, --workers N, --no-kill, --instrument phq-9 [--critical P] (PHQ-9 in
// grades 7–9 instead, P % of the students answering item 9 above 0, default 5: sheetPlan), --cpu-prof (profiles of the server in the temp dir,
// kept), --node-flags "<flags>" (the server's node flags instead of npm start's, to try V8 settings), --keep-db (the bench database is not dropped, for a look at its plans; DATABASE_URL only),
// --pg-stats (the statements of the load from pg_stat_statements, when DATABASE_URL's server preloads it).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { BUILTIN_INSTRUMENTS, className, gradeName, screeningAlert, scoreResponse, type InstrumentDefinition } from '@xinyu/core';
import { RawHttpConnection, postRequest, type Outcome } from './raw-http.js';
import { migrate, openDatabase } from '../packages/server/src/db/client.js';
import { startTempPostgres } from '../packages/server/src/db/temp-postgres.js';
import { bundleServer } from '../packages/server/src/test/server-bundle.js';
import { hashPassword } from '../packages/server/src/modules/auth/passwords.js';
import { cstToday } from '../packages/server/src/modules/screening/campaigns.js';
import { givenName, rng, surname } from '../packages/server/src/seed/names.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CES_DC = BUILTIN_INSTRUMENTS['ces-dc']!;
const PHQ_9 = BUILTIN_INSTRUMENTS['phq-9']!;

/**
 * What the city answers: CES-DC (20 items, grades 4–9, no critical item) by default; with
 * `--instrument phq-9`, PHQ-9 in grades 7–9, where `--critical P` per cent of the students (default 5)
 * answer item 9 above 0, a critical item that notifies the school in the submit's own transaction.
 */
interface SheetPlan {
  def: InstrumentDefinition;
  grades: number[];
  /** one student's answers: `high` for the few percent who answer high, `critical` for item 9 above 0 (PHQ-9) */
  answers: (r: () => number, high: boolean, critical: boolean) => Record<string, string>;
  /** the share of students with a critical item */
  criticalShare: number;
}

function sheetPlan(args: string[]): SheetPlan {
  const instrument = args.includes('--instrument') ? args[args.indexOf('--instrument') + 1] : 'ces-dc';
  if (instrument === 'phq-9') {
    return {
      def: PHQ_9,
      grades: [7, 8, 9],
      criticalShare: opt(args, '--critical', 5) / 100,
      answers: (r, high, critical) => {
        const answers: Record<string, string> = {};
        for (let k = 1; k <= 8; k++) answers[`phq9_${k}`] = String((high ? r() < 0.1 : r() < 0.97) ? (r() < 0.7 ? 0 : 1) : 2 + Math.floor(r() * 2));
        answers.phq9_9 = critical ? String(r() < 0.7 ? 1 : 2 + Math.floor(r() * 2)) : '0';
        // item 10 is asked once any of 1–9 is above 0 (optional: most answer it)
        if (Object.values(answers).some((v) => v !== '0') && r() < 0.9) answers.phq9_10 = r() < 0.7 ? 'not-difficult' : 'somewhat';
        return answers;
      },
    };
  }
  if (instrument !== 'ces-dc') throw new Error(`--instrument: ces-dc or phq-9, not ${instrument}`);
  return {
    def: CES_DC,
    grades: [4, 5, 6, 7, 8, 9],
    criticalShare: 0,
    answers: (r, high) => {
      const answers: Record<string, string> = {};
      for (const item of CES_DC.items) {
        const reverse = ['cesdc_4', 'cesdc_8', 'cesdc_12', 'cesdc_16'].includes(item.id);
        // most students answer low (reverse-scored items high); a few percent answer high
        const low = high ? r() < 0.1 : r() < 0.97;
        const v = low ? (reverse ? 3 - (r() < 0.7 ? 0 : 1) : r() < 0.7 ? 0 : 1) : reverse ? Math.floor(r() * 2) : 2 + Math.floor(r() * 2);
        answers[item.id] = String(v);
      }
      return answers;
    },
  };
}
const CLASSES_PER_GRADE = 9;
const CLASS_SIZE = 45;
const DISTRICTS = 5;

const opt = (args: string[], name: string, dflt: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) || dflt : dflt;
};
const secs = (ms: number) => (ms / 1000).toFixed(1);
const fmt = (n: number) => Math.round(n).toLocaleString('en');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Student {
  id: string;
  token: string;
  csrf: string;
  clientId: string;
  body: string;
  /** the warning the instrument engine gives these answers (computed here, compared with the database) */
  warns: boolean;
  /** with a critical item (PHQ-9 item 9 above 0) */
  critical: boolean;
}

// --- the city ---------------------------------------------------------------------------------

interface Unit { id: number; kind: string; parentId: number | null; path: string; name: string; code: string | null; schoolKind: string | null; gradeLevel: number | null; classNo: number | null }

async function setupCity(pool: pg.Pool, n: number, now: Date, plan: SheetPlan): Promise<{ regionId: number; campaignId: string; students: Student[]; classes: number; schools: number }> {
  const r = rng(20260301);
  const GRADES = plan.grades;
  const units: Unit[] = [];
  let nextId = 1;
  const add = (u: Omit<Unit, 'id' | 'path'>, parent: Unit | null) => {
    const id = nextId++;
    const unit = { ...u, id, path: `${parent?.path ?? '/'}${id}/` };
    units.push(unit);
    return unit;
  };
  const none = { code: null, schoolKind: null, gradeLevel: null, classNo: null };
  const city = add({ ...none, kind: 'city', parentId: null, name: '临江市', code: 'BENCH' }, null);
  const regionId = city.id;
  const districts = Array.from({ length: DISTRICTS }, (_, d) => add({ ...none, kind: 'district', parentId: city.id, name: `第${d + 1}区`, code: `BD${d + 1}` }, city));
  const schoolCount = Math.ceil(n / (CLASS_SIZE * GRADES.length * CLASSES_PER_GRADE));
  const classes: { unit: Unit; schoolId: number; gradeLevel: number }[] = [];
  for (let s = 0; s < schoolCount; s++) {
    const district = districts[s % DISTRICTS]!;
    const school = add({ ...none, kind: 'school', parentId: district.id, name: `临江市第${s + 1}九年制学校`, code: `BS${String(s + 1).padStart(3, '0')}`, schoolKind: 'nine_year' }, district);
    for (const level of GRADES) {
      const grade = add({ ...none, kind: 'grade', parentId: school.id, name: gradeName(level, 'nine_year'), gradeLevel: level }, school);
      for (let c = 1; c <= CLASSES_PER_GRADE; c++) {
        classes.push({ unit: add({ ...none, kind: 'class', parentId: grade.id, name: className(c), classNo: c }, grade), schoolId: school.id, gradeLevel: level });
      }
    }
  }
  const col = <T>(f: (u: Unit) => T) => units.map(f);
  await pool.query(
    `insert into org_units (id, region_id, kind, parent_id, path, name, code, school_kind, grade_level, class_no) overriding system value
     select u.id, $1, u.kind, u.parent_id, u.path, u.name, u.code, u.school_kind, u.grade_level, u.class_no
     from unnest($2::int[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int[], $10::int[])
       as u(id, kind, parent_id, path, name, code, school_kind, grade_level, class_no)`,
    [regionId, col((u) => u.id), col((u) => u.kind), col((u) => u.parentId), col((u) => u.path), col((u) => u.name), col((u) => u.code), col((u) => u.schoolKind), col((u) => u.gradeLevel), col((u) => u.classNo)],
  );
  await pool.query(`select setval(pg_get_serial_sequence('org_units', 'id'), (select max(id) from org_units))`);

  // a published campaign, open today in China time, CES-DC for grades 4–9, released to every class
  const today = cstToday(now);
  const end = cstToday(new Date(now.getTime() + 14 * 86400000));
  const campaignId = randomUUID();
  await pool.query(
    `insert into campaigns (id, region_id, owner_unit_id, owner_path, title, purpose, status, plan, target_unit_ids, target_paths, window_start, window_end, reminder_days, published_at)
     values ($1, $2, $3, $4, '2026 年春季学期心理健康测评', '了解学生心理状况，及早发现需要帮助的学生', 'published', $5::jsonb, $6, $7, $8, $9, '{}', now())`,
    [campaignId, regionId, city.id, city.path, JSON.stringify([{ gradeLevels: GRADES, instruments: [{ key: plan.def.id, version: plan.def.version }] }]), [city.id], [city.path], today, end],
  );
  await pool.query(
    `insert into campaign_releases (campaign_id, class_id, school_id, class_code, released_by_name)
     select $1, u.cid, u.sid, 'B' || lpad(u.cid::text, 7, '0'), '教务处' from unnest($2::int[], $3::int[]) as u(cid, sid)`,
    [campaignId, classes.map((c) => c.unit.id), classes.map((c) => c.schoolId)],
  );

  const passwordHash = await hashPassword(randomBytes(16).toString('hex'));
  // each school's two counselors and a leader: a critical item tells them at once
  const schoolIds = units.filter((u) => u.kind === 'school').map((u) => u.id);
  const staff = schoolIds.flatMap((sid) => (['counselor', 'counselor', 'school_leader'] as const).map((role, k) => ({ id: randomUUID(), sid, role, username: `bench-${role}-${sid}-${k}` })));
  await pool.query(
    `with a as (insert into accounts (id, region_id, username, display_name, password_hash, password_changed_at)
       select u.id, $1, u.username, u.username, $2, now() from unnest($3::uuid[], $4::text[]) as u(id, username) returning id)
     insert into role_assignments (region_id, account_id, role, org_unit_id) select $1, u.id, u.role, u.sid from unnest($3::uuid[], $5::text[], $6::int[]) as u(id, role, sid)`,
    [regionId, passwordHash, staff.map((x) => x.id), staff.map((x) => x.username), staff.map((x) => x.role), staff.map((x) => x.sid)],
  );

  // students with accounts, student roles, live sessions and granted consents, in chunks over two connections
  const schoolYear = now.getUTCMonth() >= 8 ? now.getUTCFullYear() : now.getUTCFullYear() - 1;
  const students: Student[] = [];
  const expires = new Date(now.getTime() + 12 * 3600000);
  const CHUNK = 10_000;
  const chunks: number[] = [];
  for (let i = 0; i < n; i += CHUNK) chunks.push(i);
  const rows: { id: string; no: string; name: string; gender: string; birth: string; schoolId: number; classId: number; path: string; ey: number; accountId: string; sessionId: string; csrf: string }[] = [];
  for (let i = 0; i < n; i++) {
    const cls = classes[i % classes.length]!;
    const gender = r() < 0.5 ? 'male' : 'female';
    const birthYear = schoolYear - cls.gradeLevel - 6;
    const birth = new Date(Date.UTC(birthYear, 8, 1) + Math.floor(r() * 365) * 86400000).toISOString().slice(0, 10);
    const token = randomBytes(32).toString('base64url');
    const csrf = randomBytes(24).toString('base64url');
    const id = randomUUID();
    const warns = r() < 0.03;
    const answers = plan.answers(r, warns, plan.criticalShare > 0 && r() < plan.criticalShare);
    const startedAt = new Date(now.getTime() - (180 + Math.floor(r() * 600)) * 1000);
    const expected = scoreResponse(plan.def, { answers, startedAt, submittedAt: now, respondent: { gender, gradeLevel: cls.gradeLevel } });
    const clientId = randomUUID();
    students.push({ id, token, csrf, clientId, body: JSON.stringify({ clientId, answers, startedAt: startedAt.toISOString() }), warns: screeningAlert(expected) !== null, critical: expected.critical.length > 0 });
    rows.push({
      id, no: `G${String(i + 1).padStart(9, '0')}`, name: surname(r) + givenName(r, gender), gender, birth, schoolId: cls.schoolId, classId: cls.unit.id, path: cls.unit.path,
      ey: schoolYear - cls.gradeLevel + 1, accountId: randomUUID(), sessionId: createHash('sha256').update(token).digest('hex'), csrf,
    });
  }
  let cursor = 0;
  const worker = async () => {
    const c = await pool.connect();
    try {
      while (cursor < chunks.length) {
        const from = chunks[cursor++]!;
        const p = rows.slice(from, from + CHUNK);
        const a = <T>(f: (x: (typeof p)[number]) => T) => p.map(f);
        await c.query('begin');
        await c.query(
          `insert into students (id, region_id, student_no, name, gender, birth_date, school_id, class_id, org_path, enrolment_year)
           select u.id, $1, u.no, u.name, u.gender, u.birth, u.sid, u.cid, u.path, u.ey
           from unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::date[], $7::int[], $8::int[], $9::text[], $10::int[]) as u(id, no, name, gender, birth, sid, cid, path, ey)`,
          [regionId, a((x) => x.id), a((x) => x.no), a((x) => x.name), a((x) => x.gender), a((x) => x.birth), a((x) => x.schoolId), a((x) => x.classId), a((x) => x.path), a((x) => x.ey)],
        );
        await c.query(
          `insert into accounts (id, region_id, username, student_no, display_name, password_hash, student_id, password_changed_at)
           select u.aid, $1, 'stu-' || lower(u.no), u.no, u.name, $2, u.sid, now() from unnest($3::uuid[], $4::text[], $5::text[], $6::uuid[]) as u(aid, no, name, sid)`,
          [regionId, passwordHash, a((x) => x.accountId), a((x) => x.no), a((x) => x.name), a((x) => x.id)],
        );
        await c.query(
          `insert into role_assignments (region_id, account_id, role, student_id) select $1, u.aid, 'student', u.sid from unnest($2::uuid[], $3::uuid[]) as u(aid, sid)`,
          [regionId, a((x) => x.accountId), a((x) => x.id)],
        );
        await c.query(
          `insert into sessions (id, account_id, csrf_token, created_at, last_seen_at, expires_at, ip, user_agent)
           select u.id, u.aid, u.csrf, now(), now(), $1, '10.0.0.1', 'Mozilla/5.0 (bench)' from unnest($2::text[], $3::uuid[], $4::text[]) as u(id, aid, csrf)`,
          [expires, a((x) => x.sessionId), a((x) => x.accountId), a((x) => x.csrf)],
        );
        await c.query(
          `insert into screening_consents (campaign_id, student_id, region_id, decision, method, form_date, recorded_by_name)
           select $1, u.sid, $2, 'granted', 'paper_form', $3, '班主任' from unnest($4::uuid[]) as u(sid)`,
          [campaignId, regionId, today, a((x) => x.id)],
        );
        await c.query('commit');
      }
    } catch (e) {
      await c.query('rollback').catch(() => undefined);
      throw e;
    } finally {
      c.release();
    }
  };
  await Promise.all([worker(), worker()]);
  // students were last active within the past minute (the server touches a session once a minute)
  await pool.query(`update sessions set last_seen_at = now() - random() * interval '60 seconds'`);
  await pool.query('vacuum analyze');
  return { regionId, campaignId, students, classes: classes.length, schools: schoolCount };
}

// --- the server -------------------------------------------------------------------------------

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

export class Server {
  child: ChildProcess | null = null;
  exited: Promise<void> = Promise.resolve();
  /** added to the niceness the server inherits (to undo a raised priority of the caller's thread) */
  niceness = 0;
  constructor(private readonly main: string, private readonly env: NodeJS.ProcessEnv, private readonly logFile: string, private readonly nodeArgs: string[]) {}

  start(): void {
    const out = fs.openSync(this.logFile, 'a');
    const command = [process.execPath, ...this.nodeArgs, this.main];
    // its own process group, so SIGKILL reaches every process of the server (cluster workers too)
    const child = this.niceness
      ? spawn('nice', ['-n', String(this.niceness), ...command], { env: this.env, stdio: ['ignore', out, out], detached: true, cwd: ROOT })
      : spawn(command[0]!, command.slice(1), { env: this.env, stdio: ['ignore', out, out], detached: true, cwd: ROOT });
    fs.closeSync(out);
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  signal(sig: NodeJS.Signals): void {
    if (this.child?.pid && this.child.exitCode === null && this.child.signalCode === null) {
      try {
        process.kill(-this.child.pid, sig);
      } catch {
        // already gone
      }
    }
  }

  async stop(): Promise<void> {
    this.signal('SIGTERM');
    const t = setTimeout(() => this.signal('SIGKILL'), 15000);
    await this.exited;
    clearTimeout(t);
  }
}

export function get(port: number, urlPath: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false, timeout: 1000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
  });
}

export async function waitReady(port: number, server: Server, logFile: string, limitMs = 60000): Promise<void> {
  const t0 = performance.now();
  while (performance.now() - t0 < limitMs) {
    if ((await get(port, '/readyz')) === 200) return;
    if (server.child && (server.child.exitCode !== null || server.child.signalCode !== null)) break;
    await sleep(20);
  }
  throw new Error(`server did not become ready:\n${fs.readFileSync(logFile, 'utf8').slice(-3000)}`);
}

// --- CPU used per submission, by process (robust to other load on the machine, unlike rates) ----

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime (ms), process group and start time (ticks since boot) of a process, from /proc. */
function procStat(pid: number): { cpuMs: number; pgrp: number; start: number } | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // fields after the name: state(3) ppid(4) pgrp(5) … utime(14) stime(15) … starttime(22)
    return { cpuMs: ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK, pgrp: Number(f[2]), start: Number(f[19]) };
  } catch {
    return null;
  }
}

class CpuMeter {
  private readonly seen = new Map<number, { kind: 'server' | 'postgres'; first: number; last: number }>();
  private readonly bootTicksAtStart: number;
  private readonly client0 = process.cpuUsage();
  constructor() {
    const uptime = Number(fs.readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    this.bootTicksAtStart = uptime * CLK_TCK;
  }

  /** Samples the server's process groups and the database's processes (pids from pg_stat_activity). */
  async sample(serverGroups: number[], pool: pg.Pool, dbName: string): Promise<void> {
    const pgPids = (await pool.query<{ pid: number }>(`select pid from pg_stat_activity where datname = $1 or backend_type in ('walwriter', 'checkpointer', 'background writer', 'autovacuum launcher', 'autovacuum worker')`, [dbName]).catch(() => ({ rows: [] }))).rows.map((r) => r.pid);
    const record = (pid: number, kind: 'server' | 'postgres') => {
      const st = procStat(pid);
      if (!st) return;
      const known = this.seen.get(pid);
      if (known) known.last = st.cpuMs;
      // a process started during the measurement counts from zero
      else this.seen.set(pid, { kind, first: st.start > this.bootTicksAtStart ? 0 : st.cpuMs, last: st.cpuMs });
    };
    for (const pid of pgPids) record(pid, 'postgres');
    for (const name of fs.readdirSync('/proc')) {
      const pid = Number(name);
      if (!pid) continue;
      const st = procStat(pid);
      if (st && serverGroups.includes(st.pgrp)) record(pid, 'server');
    }
  }

  totals(): { server: number; postgres: number; client: number } {
    const out = { server: 0, postgres: 0, client: 0 };
    for (const v of this.seen.values()) out[v.kind] += v.last - v.first;
    const c = process.cpuUsage(this.client0);
    out.client = (c.user + c.system) / 1000;
    return out;
  }
}

// --- the clients ------------------------------------------------------------------------------

export function percentile(sorted: Float64Array, p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function benchScreening(args: string[]): Promise<void> {
  const n = opt(args, '--students', 100_000);
  const clients = opt(args, '--clients', 500);
  const workers = args.includes('--workers') ? Math.max(0, Math.floor(Number(args[args.indexOf('--workers') + 1]))) || 0 : 1;
  const kill = !args.includes('--no-kill');
  // the paced phase: the last students submit at a fixed offered rate (--rate, 0 = none)
  const pacedRate = args.includes('--rate') ? opt(args, '--rate', 0) : 2000;
  const nPaced = pacedRate > 0 ? Math.floor(n * 0.3) : 0;
  const nClosed = n - nPaced;
  const cpuProf = args.includes('--cpu-prof');
  const keepDb = args.includes('--keep-db');
  const plan = sheetPlan(args);
  const tAll = performance.now();
  const pgServer = process.env.DATABASE_URL ? null : await startTempPostgres({ durable: true });
  const adminUrl = process.env.DATABASE_URL ?? pgServer!.adminUrl;
  const dbName = `xinyu_bench_${randomUUID().slice(0, 8)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const dbUrl = url.toString();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xinyu-bench-'));
  const pool = new pg.Pool({ connectionString: dbUrl, max: 4 });
  pool.on('error', () => undefined); // idle connections end when the database is dropped
  let server: Server | null = null;
  try {
    // --- 1. setup ---
    const t0 = performance.now();
    const database = await openDatabase({ databaseUrl: dbUrl });
    await migrate(database);
    await database.close();
    const version = (await pool.query<{ v: string }>('select version() as v')).rows[0]!.v.split(' on ')[0];
    const city = await setupCity(pool, n, new Date(), plan);
    const setupMs = performance.now() - t0;
    console.log(`screening submission bench on ${version}${pgServer ? ' (temporary server, fsync on)' : ''}, ${os.cpus().length} CPUs`);
    console.log(`  setup: ${fmt(n)} students in ${city.schools} schools / ${fmt(city.classes)} classes (grades ${plan.grades[0]}–${plan.grades.at(-1)}), accounts, student roles, sessions, consents, one published campaign (${plan.def.id}${plan.criticalShare ? `, ${fmt(city.students.filter((s) => s.critical).length)} sheets with a critical item` : ''}) released to every class: ${secs(setupMs)} s`);

    // --- 2. the server ---
    const tb = performance.now();
    const main = await bundleServer();
    const port = await freePort();
    const logFile = path.join(tmp, 'server.log');
    // a server on this host is reached through its Unix socket, as docs/operations.md recommends
    let serverDbUrl = dbUrl;
    if (pgServer?.socketUrl) {
      const u = new URL(pgServer.socketUrl);
      u.pathname = `/${dbName}`;
      serverDbUrl = u.toString();
    }
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: serverDbUrl, PORT: String(port), HOST: '127.0.0.1', XINYU_DEMO: '0', XINYU_DATA_DIR: path.join(tmp, 'data'), NODE_ENV: 'production', XINYU_WORKERS: workers ? String(workers) : '' };
    const profDir = path.join(tmp, 'cpu-prof');
    // the flags `npm start` runs the server with (package.json)
    // (--node-flags "<flags>" instead, to try others)
    const flagsAt = args.indexOf('--node-flags');
    const flags = flagsAt >= 0 ? (args[flagsAt + 1] ?? '').split(/\s+/).filter(Boolean) : ['--max-semi-space-size=64'];
    const nodeArgs = [...flags, ...(cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [])];
    server = new Server(main, env, logFile, nodeArgs);
    // The clients stand in for 500 phones on their own machines. Here they share two CPUs with the
    // server and PostgreSQL, and a client waiting for a CPU before it reads its answer counted as
    // the server's latency; so their thread gets the CPU first (nice -5; root only, else as before;
    // they use a tenth of the CPU), while the server and PostgreSQL run at the usual priority.
    const clientsFirst = (() => {
      try {
        os.setPriority(-5);
        return true;
      } catch {
        return false;
      }
    })();
    if (clientsFirst) server.niceness = 5;
    server.start();
    await waitReady(port, server, logFile);
    // /readyz answers from the first worker up; the banner comes once every worker listens
    while (!fs.readFileSync(logFile, 'utf8').includes('is running at')) {
      if (server.child?.exitCode !== null) throw new Error(`the server exited:\n${fs.readFileSync(logFile, 'utf8').slice(-3000)}`);
      await sleep(20);
    }
    console.log(`  server: bundled and started (PORT ${port}, ${workers ? `XINYU_WORKERS=${workers}: ${workers} HTTP worker process${workers > 1 ? 'es' : ''} beside the supervising one` : 'one process'}) in ${secs(performance.now() - tb)} s; log ${logFile}${clientsFirst ? '; the clients run at nice -5, the server and PostgreSQL at 0' : ''}`);

    // --- 3. the clients ---
    const order = Uint32Array.from({ length: n }, (_, i) => i);
    const shuffle = rng(99);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(shuffle() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    // one keep-alive connection per client, as a student's phone has (see raw-http.ts for why not undici)
    const connections = Array.from({ length: clients }, () => new RawHttpConnection(port));
    const urlPath = `/api/v1/my/screenings/${city.campaignId}/${plan.def.id}/submit`;
    const latencies = new Float64Array(nClosed);
    const doneAt = new Float64Array(nClosed);
    const acked: { clientId: string; studentId: string }[] = [];
    const conflicts: { clientId: string; studentId: string }[] = [];
    const failures: string[] = [];
    let next = 0;
    let done = 0;
    let retries = 0;
    let networkErrors = 0;
    let serverErrors = 0;
    let duplicateAcks = 0;
    let killAt = NaN;
    let readyAt = NaN;
    let restart: Promise<void> | null = null;
    const serverGroups = [server.child!.pid!];
    const cpu = new CpuMeter();
    await cpu.sample(serverGroups, pool, dbName);
    // WAL written during the load (the whole server's, but nothing else runs on a temporary one)
    const walLsn = async () => (await pool.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn')).rows[0]!.lsn;
    const wal0 = await walLsn();
    // --pg-stats: per-statement figures from pg_stat_statements (the server must preload it; DATABASE_URL)
    const pgStats = args.includes('--pg-stats') && (await admin.query(`select pg_stat_statements_reset()`).then(() => true, () => false));
    // what the server's backends wait on, sampled twice a second (a slow stretch with idle CPUs is a wait)
    const waits = new Map<string, number>();
    let waitSamples = 0;
    const waitSampler = setInterval(() => {
      void pool.query<{ w: string; n: number }>(
        `select coalesce(wait_event_type || ':' || wait_event, 'on CPU') as w, count(*)::int as n from pg_stat_activity
         where datname = $1 and state = 'active' and pid <> pg_backend_pid() group by 1`, [dbName],
      ).then((r) => {
        waitSamples++;
        for (const { w, n } of r.rows) waits.set(w, (waits.get(w) ?? 0) + n);
      }, () => undefined);
    }, 500);
    waitSampler.unref();
    // the clients' own event loop: a stall here is latency no server caused
    const clientLoop = monitorEventLoopDelay({ resolution: 10 });
    clientLoop.enable();
    const tStart = performance.now();

    const restartServer = async () => {
      await cpu.sample(serverGroups, pool, dbName);
      killAt = performance.now();
      server!.signal('SIGKILL');
      await server!.exited;
      server = new Server(main, env, logFile, nodeArgs);
      server.start();
      serverGroups.push(server.child!.pid!);
      await waitReady(port, server, logFile);
      readyAt = performance.now();
      console.log(`  killed (SIGKILL) at ${secs(killAt - tStart)} s after ${fmt(done)} acknowledgements; restarted and ready after ${((readyAt - killAt) / 1000).toFixed(2)} s`);
    };

    // per acknowledgement, in both phases: FIRST (a client's first: its connection opened with it, on a
    // cold server; phase 1 only), WARNED (a sheet with a warning), CRITICAL (with a critical item)
    const FIRST = 1;
    const WARNED = 2;
    const CRITICAL = 4;
    const flagsOf = (s: Student, first: boolean) => (first ? FIRST : 0) | (s.warns ? WARNED : 0) | (s.critical ? CRITICAL : 0);
    const ackFlags = new Uint8Array(nClosed);
    /** Sends one sheet until it is answered (retrying 5xx and cut connections with the same client id). */
    const submit = async (connection: RawHttpConnection, s: Student): Promise<boolean> => {
      const request = postRequest(`127.0.0.1:${port}`, urlPath, { cookie: `xinyu_sid=${s.token}`, 'x-csrf-token': s.csrf, 'content-type': 'application/json' }, s.body);
      for (let attempt = 1; ; attempt++) {
        let out: Outcome | null = null;
        try {
          out = await connection.request(request);
        } catch {
          networkErrors++;
        }
        if (out && out.status === 200) {
          const ack = JSON.parse(out.body) as { duplicate: boolean };
          if (ack.duplicate) duplicateAcks++;
          acked.push({ clientId: s.clientId, studentId: s.id });
          return true;
        }
        if (out && out.status === 409 && out.body.includes('already_submitted')) {
          conflicts.push({ clientId: s.clientId, studentId: s.id });
          return false;
        }
        if (out && out.status < 500) {
          failures.push(`${out.status} ${out.body.slice(0, 200)}`);
          return false;
        }
        if (out) serverErrors++;
        retries++;
        await sleep(Math.min(1000, 25 * 2 ** attempt) * (0.5 + Math.random()));
      }
    };
    // phase 1, capacity: every client sends its next sheet as soon as the last one is answered
    const client = async (connection: RawHttpConnection) => {
      let first = true;
      for (;;) {
        const i = next++;
        if (i >= nClosed) return;
        const s = city.students[order[i]!]!;
        const ts = performance.now();
        if (!(await submit(connection, s))) continue;
        const te = performance.now();
        latencies[done] = te - ts;
        doneAt[done] = te - tStart;
        ackFlags[done] = flagsOf(s, first);
        first = false;
        done++;
        if (kill && !restart && done >= nClosed / 2) restart = restartServer();
      }
    };
    // phase 2, latency at a given load: sheet j is due at start + j / rate whether or not a client is
    // free, and its latency counts from then (a backlog shows as latency, not as a slower sender)
    const pacedLat = new Float64Array(nPaced);
    const pacedFlags = new Uint8Array(nPaced);
    let pacedNext = 0;
    let pacedDone = 0;
    let pacedStart = NaN;
    let pacedEnd = NaN;
    const pacedClient = async (connection: RawHttpConnection) => {
      for (;;) {
        const j = pacedNext++;
        if (j >= nPaced) return;
        const due = pacedStart + (j * 1000) / pacedRate;
        const wait = due - performance.now();
        if (wait > 1) await sleep(wait);
        const s = city.students[order[nClosed + j]!]!;
        if (!(await submit(connection, s))) continue;
        pacedEnd = performance.now();
        pacedLat[pacedDone] = pacedEnd - due;
        pacedFlags[pacedDone] = flagsOf(s, false);
        pacedDone++;
      }
    };

    const sampler = setInterval(() => void cpu.sample(serverGroups, pool, dbName), 1000);
    // warnings without a critical item are raised by a job from a queue (raiseQueuedWarnings): how
    // many wait, and how long the oldest has waited since its submission, sampled once a second
    let warnQueueMax = 0;
    let warnAgeMax = 0;
    let warnAgeMaxPaced = 0;
    const warnSampler = setInterval(() => {
      void pool.query<{ n: number; age: number }>(
        `select count(*)::int as n, coalesce(max(extract(epoch from clock_timestamp() - r.submitted_at)), 0)::float8 as age
         from screening_warning_queue q join screening_responses r on r.id = q.response_id`,
      ).then((r) => {
        warnQueueMax = Math.max(warnQueueMax, r.rows[0]!.n);
        warnAgeMax = Math.max(warnAgeMax, r.rows[0]!.age);
        if (!Number.isNaN(pacedStart)) warnAgeMaxPaced = Math.max(warnAgeMaxPaced, r.rows[0]!.age);
      }, () => undefined);
    }, 1000);
    warnSampler.unref();
    // each line: the latency of the acknowledgements since the previous line (is the tail steady, or a start-up or kill effect?)
    let shown = 0;
    let shownPaced = 0;
    // the whole machine's CPU between two lines (/proc/stat): a slow stretch with idle CPUs waited on something else
    const cpuTimes = () => {
      const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
      return { idle: f[3]! + f[4]!, iowait: f[4]!, steal: f[7] ?? 0, total: f.reduce((a, b) => a + b, 0) };
    };
    let cpuBefore = cpuTimes();
    const progress = setInterval(() => {
      const t = performance.now() - tStart;
      const cpuNow = cpuTimes();
      const span = Math.max(1, cpuNow.total - cpuBefore.total);
      const share = (k: 'idle' | 'iowait' | 'steal') => Math.round((100 * (cpuNow[k] - cpuBefore[k])) / span);
      const machine = `machine CPUs ${100 - share('idle')} % busy, ${share('iowait')} % iowait, ${share('steal')} % steal`;
      cpuBefore = cpuNow;
      const paced = !Number.isNaN(pacedStart);
      const recent = paced ? pacedLat.slice(shownPaced, pacedDone).sort() : latencies.slice(shown, done).sort();
      if (paced) shownPaced = pacedDone;
      else shown = done;
      console.log(`    ${secs(t).padStart(6)} s  ${fmt(done + pacedDone).padStart(7)} acknowledged  ${fmt(retries)} retries  p50 / p99 since the last line ${fmt(percentile(recent, 50))} / ${fmt(percentile(recent, 99))} ms  (the clients' event loop stalled up to ${fmt(clientLoop.max / 1e6)} ms; ${machine})`);
      clientLoop.reset();
    }, 5000);
    await Promise.all(connections.map(client));
    const closedMs = performance.now() - tStart;
    await restart;
    if (nPaced) {
      console.log(`  phase 2: ${fmt(nPaced)} more sheets offered at ${fmt(pacedRate)}/s by the same ${clients} clients`);
      pacedStart = performance.now();
      await Promise.all(connections.map(pacedClient));
    }
    clearInterval(progress);
    clearInterval(sampler);
    clearInterval(waitSampler);
    clearInterval(warnSampler);
    await cpu.sample(serverGroups, pool, dbName);
    const cpuMs = cpu.totals();
    const walBytes = Number((await pool.query<{ b: string }>('select pg_wal_lsn_diff(pg_current_wal_lsn(), $1)::bigint::text as b', [wal0])).rows[0]!.b);
    const statements = pgStats
      ? (await admin.query<{ calls: string; ms: string; rows: string; wal: string; query: string }>(
          `select s.calls::text, round(s.total_exec_time::numeric, 0)::text as ms, s.rows::text, s.wal_bytes::text as wal, left(regexp_replace(s.query, '\\s+', ' ', 'g'), 110) as query
           from pg_stat_statements s join pg_database d on d.oid = s.dbid where d.datname = $1 order by s.total_exec_time desc limit 12`, [dbName])).rows
      : [];
    const loadMs = performance.now() - tStart;
    const acks = done + pacedDone;
    for (const c of connections) c.close();
    // the audit rows and the queued warnings of submissions are written by scheduled jobs: wait for them to catch up
    const tAudit = performance.now();
    let unaudited = Infinity;
    let unraised = Infinity;
    let auditWaitMs = 0;
    while (performance.now() - tAudit < 60_000) {
      const left = (await pool.query<{ audit: number; warn: number }>(`select (select count(*)::int from screening_audit_queue) as audit, (select count(*)::int from screening_warning_queue) as warn`)).rows[0]!;
      unaudited = left.audit;
      unraised = left.warn;
      auditWaitMs = performance.now() - tAudit;
      if (!unaudited && !unraised) break;
      await sleep(250);
    }
    await server.stop();
    server = null;
    console.log(`  load: ${fmt(acks)} acknowledged in ${secs(loadMs)} s; the audit and warning jobs had ${unaudited || unraised ? `${fmt(unaudited)} unaudited and ${fmt(unraised)} unraised after 60 s` : `caught up ${secs(auditWaitMs)} s later`}`);
    if (failures.length) console.log(`  unexpected answers: ${failures.length}, e.g. ${failures.slice(0, 3).join(' | ')}`);

    // --- 5. verification ---
    const q = async (text: string, values: unknown[] = []) => (await pool.query<{ n: number }>(text, values)).rows[0]!.n;
    const cid = city.campaignId;
    const checks: [string, boolean, string][] = [];
    const check = (name: string, ok: boolean, detail: string) => checks.push([name, ok, detail]);
    const total = await q(`select count(*)::int as n from screening_responses where campaign_id = $1`, [cid]);
    const submitted = await q(`select count(*)::int as n from screening_responses where campaign_id = $1 and status = 'submitted'`, [cid]);
    const distinct = await q(`select count(distinct student_id)::int as n from screening_responses where campaign_id = $1 and status = 'submitted'`, [cid]);
    const dupStudents = await q(`select count(*)::int as n from (select student_id from screening_responses where campaign_id = $1 group by student_id, instrument_key having count(*) > 1) d`, [cid]);
    check('one submitted response per student', total === n && submitted === n && distinct === n && dupStudents === 0, `${fmt(submitted)} submitted of ${fmt(total)} rows, ${fmt(distinct)} students, ${dupStudents} students with more than one`);
    const ackIds = acked.map((a) => a.clientId);
    const ackStudents = acked.map((a) => a.studentId);
    const ackFound = await q(`select count(*)::int as n from unnest($1::uuid[], $2::uuid[]) as a(cid, sid) join screening_responses r on r.client_id = a.cid and r.student_id = a.sid and r.status = 'submitted'`, [ackIds, ackStudents]);
    const ackRows = await q(`select count(*)::int as n from unnest($1::uuid[]) as a(cid) join screening_responses r on r.client_id = a.cid`, [ackIds]);
    check('every acknowledged client id stored exactly once', ackFound === acked.length && ackRows === acked.length, `${fmt(acked.length)} acknowledged, ${fmt(ackFound)} found with their student, ${fmt(ackRows)} rows`);
    const orphans = await q(`select count(*)::int as n from screening_responses r left join students s on s.id = r.student_id where s.id is null`);
    check('no response without its student', orphans === 0, `${orphans} orphans`);
    const lostAcks = conflicts.length ? await q(`select count(*)::int as n from unnest($1::uuid[]) as a(cid) join screening_responses r on r.client_id = a.cid`, [conflicts.map((c) => c.clientId)]) : 0;
    check('no 409 for a sheet this client stored (lost ack)', lostAcks === 0 && conflicts.length === 0, `${conflicts.length} answered 409 already_submitted, ${lostAcks} of them stored under the same client id`);
    const warned = await q(`select count(*)::int as n from screening_responses where campaign_id = $1 and warning_level in ('yellow', 'orange', 'red')`, [cid]);
    const expected = city.students.filter((s) => s.warns).length;
    const alerted = await q(`select count(*)::int as n from alerts a join screening_responses r on r.id::text = a.source_ref where a.source = 'screening' and r.warning_level in ('yellow', 'orange', 'red')`);
    const alertRows = await q(`select count(*)::int as n from alerts where source = 'screening'`);
    const alertDup = await q(`select count(*)::int as n from (select source_ref from alerts group by source, source_ref having count(*) > 1) d`);
    check('one alert per response with a warning', warned === expected && alerted === warned && alertRows === warned && alertDup === 0, `${fmt(warned)} warnings (${fmt(expected)} expected by scoring the answers here), ${fmt(alerted)} alerts on them, ${fmt(alertRows)} alerts in all, ${alertDup} duplicated source_ref`);
    const criticalSheets = city.students.filter((s) => s.critical).length;
    const criticalAlerts = await q(`select count(*)::int as n from alerts where source = 'screening' and critical = 1`);
    const criticalNotices = await q(`select count(*)::int as n from notifications n join alerts a on a.id::text = n.object_id where n.kind = 'screening.critical' and a.critical = 1`);
    check('each critical item told the school\'s two counselors and leader once', criticalAlerts === criticalSheets && criticalNotices === 3 * criticalSheets, `${fmt(criticalSheets)} sheets with a critical item, ${fmt(criticalAlerts)} critical alerts, ${fmt(criticalNotices)} notices`);
    const followUps = await q(`select count(*)::int as n from screening_follow_ups where campaign_id = $1`, [cid]);
    check('one follow-up per warned student', followUps === warned, `${fmt(followUps)} follow-ups`);
    const audited = await q(`select count(*)::int as n from audit_log a join screening_responses r on r.id::text = a.detail->>'responseId' where a.action = 'screening.submit'`);
    const auditRows = await q(`select count(*)::int as n from audit_log where action = 'screening.submit'`);
    check('one audit row per stored response', audited === submitted && auditRows === submitted, `${fmt(auditRows)} screening.submit audit rows, ${fmt(audited)} of them on a stored response`);

    // --- 6. the ceiling: the same rows, plain INSERTs of 1,000 rows on 4 connections ---
    await pool.query(`create table screening_responses_ceiling (like screening_responses including all)`);
    const cols = (await pool.query<{ c: string }>(`select column_name as c from information_schema.columns where table_name = 'screening_responses' and table_schema = current_schema() order by ordinal_position`)).rows.map((r) => r.c);
    const all = (await pool.query({ text: `select ${cols.map((c) => `${c}::text`).join(', ')} from screening_responses`, rowMode: 'array' })).rows as (string | null)[][];
    const BATCH = 1000;
    const batches: { text: string; values: (string | null)[] }[] = [];
    for (let i = 0; i < all.length; i += BATCH) {
      const part = all.slice(i, i + BATCH);
      const tuples = part.map((_, r) => `(${cols.map((__, c) => `$${r * cols.length + c + 1}`).join(', ')})`);
      batches.push({ text: `insert into screening_responses_ceiling (${cols.join(', ')}) values ${tuples.join(', ')}`, values: part.flat() });
    }
    let bi = 0;
    const tc = performance.now();
    await Promise.all(Array.from({ length: 4 }, async () => {
      while (bi < batches.length) await pool.query(batches[bi++]!);
    }));
    const ceilingMs = performance.now() - tc;
    const ceiling = all.length / (ceilingMs / 1000);

    // --- 7. figures ---
    const lat = latencies.slice(0, done).sort();
    /** the sorted latencies of the acknowledgements whose flags, masked, equal `value` */
    const where = (all: Float64Array, flags: Uint8Array, mask: number, value: number) => all.filter((_, i) => (flags[i]! & mask) === value).sort();
    const firstLat = where(latencies.slice(0, done), ackFlags, FIRST, FIRST);
    const laterLat = where(latencies.slice(0, done), ackFlags, FIRST, 0);
    const warnedLat = where(latencies.slice(0, done), ackFlags, FIRST | WARNED, WARNED);
    const criticalLat = where(latencies.slice(0, done), ackFlags, FIRST | CRITICAL, CRITICAL);
    const pLat = pacedLat.slice(0, pacedDone).sort();
    const pWarnedLat = where(pacedLat.slice(0, pacedDone), pacedFlags, WARNED, WARNED);
    const pCriticalLat = where(pacedLat.slice(0, pacedDone), pacedFlags, CRITICAL, CRITICAL);
    const pacedAchieved = pacedDone / ((pacedEnd - pacedStart) / 1000);
    const windowStart = killAt;
    const windowEnd = readyAt + 2000 - tStart;
    let steadyCount = 0;
    for (let i = 0; i < done; i++) {
      const t = doneAt[i]!;
      if (!(t >= windowStart - tStart && t < windowEnd)) steadyCount++;
    }
    const steadyMs = kill ? closedMs - (windowEnd - (windowStart - tStart)) : closedMs;
    // the two sides of the kill separately: they have not always run at the same rate
    const beforeKill = kill ? doneAt.slice(0, done).filter((t) => t < windowStart - tStart).length / ((windowStart - tStart) / 1000) : NaN;
    const afterKill = kill ? doneAt.slice(0, done).filter((t) => t >= windowEnd).length / ((closedMs - windowEnd) / 1000) : NaN;
    const rate = done / (closedMs / 1000);
    const steadyRate = steadyCount / (steadyMs / 1000);
    const ms = (v: number) => `${v.toFixed(0)} ms`;
    /** a subset's row ("of them with …"): its p50 / p95 / p99; none when the subset is empty and optional */
    const subset = (what: string, lat: Float64Array, optional = false): [string, string][] =>
      optional && !lat.length ? [] : [[`    of them with ${what} (p50 / p95 / p99)`, `${ms(percentile(lat, 50))} / ${ms(percentile(lat, 95))} / ${ms(percentile(lat, 99))} (${fmt(lat.length)} requests)`]];
    const table: [string, string][] = [
      ['phase 1, capacity: submissions/s, whole phase', `${fmt(rate)} (${fmt(done)} in ${secs(closedMs)} s, ${clients} clients back to back)`],
      ['submissions/s, steady', kill ? `${fmt(steadyRate)} (excluding ${secs(windowEnd - (windowStart - tStart))} s from the kill to 2 s after ready)` : fmt(steadyRate)],
      ...(kill ? [['submissions/s, before / after the kill', `${fmt(beforeKill)} / ${fmt(afterKill)}`] as [string, string]] : []),
      ['latency p50 / p95 / p99 / max (closed loop: the mean is clients / rate)', `${ms(percentile(lat, 50))} / ${ms(percentile(lat, 95))} / ${ms(percentile(lat, 99))} / ${ms(lat[lat.length - 1] ?? NaN)}`],
      ['  each client\'s first request (p50 / p99 / max)', `${ms(percentile(firstLat, 50))} / ${ms(percentile(firstLat, 99))} / ${ms(firstLat[firstLat.length - 1] ?? NaN)} (${fmt(firstLat.length)} requests: connection set up, server cold)`],
      ['  the others (p50 / p95 / p99 / max)', `${ms(percentile(laterLat, 50))} / ${ms(percentile(laterLat, 95))} / ${ms(percentile(laterLat, 99))} / ${ms(laterLat[laterLat.length - 1] ?? NaN)}`],
      ...subset('a warning', warnedLat),
      ...subset('a critical item', criticalLat, true),
      ...(nPaced ? [
        ['phase 2, offered load: submissions/s achieved', `${fmt(pacedAchieved)} of ${fmt(pacedRate)} offered (${fmt(pacedDone)} in ${secs(pacedEnd - pacedStart)} s)`],
        ['  latency from the due time p50 / p95 / p99 / max', `${ms(percentile(pLat, 50))} / ${ms(percentile(pLat, 95))} / ${ms(percentile(pLat, 99))} / ${ms(pLat[pLat.length - 1] ?? NaN)}`],
        ...subset('a warning', pWarnedLat),
        ...subset('a critical item', pCriticalLat, true),
      ] as [string, string][] : []),
      ['warnings queued for the job (most / oldest wait)', `${fmt(warnQueueMax)} / ${warnAgeMax.toFixed(1)} s since submission${nPaced ? ` (${warnAgeMaxPaced.toFixed(1)} s in phase 2)` : ''}, sampled each second; critical items are raised with the response`],
      ['ceiling: plain INSERT, 1,000 rows × 4 conns', `${fmt(ceiling)} rows/s (${fmt(all.length)} rows in ${secs(ceilingMs)} s)`],
      ['whole run / ceiling', `${((rate / ceiling) * 100).toFixed(1)} %`],
      ['CPU per submission: server / PostgreSQL / clients', `${(cpuMs.server / acks).toFixed(2)} / ${(cpuMs.postgres / acks).toFixed(2)} / ${(cpuMs.client / acks).toFixed(2)} ms (${secs(cpuMs.server + cpuMs.postgres + cpuMs.client)} CPU-s in ${secs(loadMs)} s on ${os.cpus().length} CPUs)`],
      ['WAL per submission', `${fmt(walBytes / acks)} bytes (${(walBytes / 1048576).toFixed(0)} MB)`],
      ['kill → ready', kill ? `${((readyAt - killAt) / 1000).toFixed(2)} s` : 'no kill'],
      ['retries (network errors / 5xx)', `${fmt(retries)} (${fmt(networkErrors)} / ${fmt(serverErrors)})`],
      ['duplicate acks (stored earlier, replayed)', fmt(duplicateAcks)],
      ['lost acks (409 for an own stored sheet)', fmt(lostAcks)],
      ['duplicated responses in the database', fmt(Math.max(0, total - distinct))],
    ];
    const w = Math.max(...table.map(([k]) => k.length));
    console.log(`  checks:`);
    for (const [name, ok, detail] of checks) console.log(`    ${ok ? 'OK  ' : 'FAIL'} ${name}: ${detail}`);
    console.log(`  results (${clients} keep-alive clients, ${workers ? `XINYU_WORKERS=${workers}` : 'one server process'}):`);
    for (const [k, v] of table) console.log(`    ${k.padEnd(w)}  ${v}`);
    const topWaits = [...waits].sort((a, b) => b[1] - a[1]).slice(0, 6);
    if (waitSamples) console.log(`  PostgreSQL backends active during the load, by wait (mean per sample, ${fmt(waitSamples)} samples): ${topWaits.map(([w, n]) => `${w} ${(n / waitSamples).toFixed(2)}`).join(', ')}`);
    if (statements.length) {
      console.log(`  statements during the load (pg_stat_statements, by total execution time; per submission):`);
      for (const r of statements) console.log(`    ${(Number(r.ms) / done).toFixed(3).padStart(7)} ms  ${fmt(Number(r.calls)).padStart(7)} calls  ${fmt(Number(r.rows) / Math.max(1, Number(r.calls))).padStart(4)} rows/call  ${fmt(Number(r.wal) / done).padStart(6)} WAL B  ${r.query}`);
    }
    // capacity from phase 1 (the kill's recovery left out), latency at 2,000/s offered from phase 2
    const capacity = kill ? steadyRate : rate;
    const p99 = nPaced ? percentile(pLat, 99) : percentile(lat, 99);
    const loadHeld = !nPaced || pacedAchieved >= 0.98 * pacedRate;
    const met = capacity >= 2000 && (!nPaced || pacedRate >= 2000) && loadHeld && p99 < 300 && lostAcks === 0 && total === distinct && checks.every((c) => c[1]);
    console.log(`  target: ≥ 2,000 submissions/s (capacity ${fmt(capacity)}/s), p99 < 300 ms ${nPaced ? `at ${fmt(pacedRate)}/s offered` : 'closed loop'} (${p99.toFixed(1)} ms${loadHeld ? '' : ', the offered rate was not held'}), no lost or duplicated response: ${met ? 'met' : 'NOT met'}`);
    if (cpuProf) console.log(`  CPU profiles of the server (a killed one writes none): ${profDir}`);
    console.log(`  total bench time ${secs(performance.now() - tAll)} s`);
  } finally {
    await server?.stop();
    await pool.end();
    if (!keepDb) await admin.query(`drop database if exists ${dbName} with (force)`).catch(() => undefined);
    await admin.end();
    await pgServer?.stop();
    if (!cpuProf) fs.rmSync(tmp, { recursive: true, force: true });
  }
}
