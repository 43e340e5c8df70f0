// The warning workflow on real PostgreSQL: a generated city of 100,000 students (34 schools of
// about 3,000, 5 districts, a counselor and a leader per school, bureau staff per district), each
// student with one open alert raised ten days ago and never acknowledged, so that every alert is
// overdue. It times one run of the escalation job over all of them (each climbs one tier and its
// tier is notified), checks the result, and then times the warning board of one school of 3,000
// students (and of a district) through the real HTTP routes (session, access check, query, audit).
// Uses DATABASE_URL's server when set (in a new database), else a temporary PostgreSQL 15 server.
// Options: --alerts N (default 100,000), --requests N (board requests, default 300).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import { DEFAULT_DEADLINES } from '@xinyu/core';
import { buildApp } from '../packages/server/src/app.js';
import { loadConfig } from '../packages/server/src/config.js';
import { migrate, openDatabase } from '../packages/server/src/db/client.js';
import { startTempPostgres } from '../packages/server/src/db/temp-postgres.js';
import type { Deps } from '../packages/server/src/http/context.js';
import { escalateAlerts } from '../packages/server/src/modules/warning/service.js';

const opt = (args: string[], name: string, dflt: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) || dflt : dflt;
};
const fmt = (n: number) => Math.round(n).toLocaleString('en');
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

const DISTRICTS = 5;
const SCHOOL_SIZE = 3_000; // 3 grades × 20 classes × 50
const GRADES = 3;
const CLASSES = 20;

export async function benchWarning(args: string[]): Promise<void> {
  const n = opt(args, '--alerts', 100_000);
  const requests = opt(args, '--requests', 300);
  const pgServer = process.env.DATABASE_URL ? null : await startTempPostgres({ durable: true });
  const adminUrl = process.env.DATABASE_URL ?? pgServer!.adminUrl;
  const dbName = `xinyu_bench_${randomUUID().slice(0, 8)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  const url = new URL(pgServer?.socketUrl ?? adminUrl);
  url.pathname = `/${dbName}`;
  const database = await openDatabase({ databaseUrl: url.toString() });
  try {
    await migrate(database);
    const db = database.db;
    const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
    const now = new Date();
    const t0 = performance.now();
    const schools = Math.ceil(n / SCHOOL_SIZE);
    // the org tree in one statement each: city 1, districts 2–6, then per school: school, grades, classes
    await pool.query(`insert into org_units (id, region_id, kind, parent_id, path, name, code) overriding system value values (1, 1, 'city', null, '/1/', '临江市', 'BENCH')`);
    await pool.query(`insert into org_units (id, region_id, kind, parent_id, path, name, code) overriding system value
      select d, 1, 'district', 1, '/1/' || d || '/', '第' || (d - 1) || '区', 'BD' || d from generate_series(2, ${DISTRICTS + 1}) d`);
    const perSchool = 1 + GRADES + GRADES * CLASSES;
    await pool.query(`
      with s as (select k, 100 + k * ${perSchool} as sid, 2 + (k % ${DISTRICTS}) as did from generate_series(0, ${schools - 1}) k)
      insert into org_units (id, region_id, kind, parent_id, path, name, code, school_kind) overriding system value
      select sid, 1, 'school', did, '/1/' || did || '/' || sid || '/', '临江市第' || (k + 1) || '中学', 'BS' || lpad((k + 1)::text, 3, '0'), 'junior' from s`);
    await pool.query(`
      with s as (select 100 + k * ${perSchool} as sid, 2 + (k % ${DISTRICTS}) as did from generate_series(0, ${schools - 1}) k)
      insert into org_units (id, region_id, kind, parent_id, path, name, grade_level) overriding system value
      select sid + g, 1, 'grade', sid, '/1/' || did || '/' || sid || '/' || (sid + g) || '/', (g + 6) || '年级', g + 6 from s, generate_series(1, ${GRADES}) g`);
    await pool.query(`
      with s as (select 100 + k * ${perSchool} as sid, 2 + (k % ${DISTRICTS}) as did from generate_series(0, ${schools - 1}) k)
      insert into org_units (id, region_id, kind, parent_id, path, name, class_no) overriding system value
      select sid + ${GRADES} + (g - 1) * ${CLASSES} + c, 1, 'class', sid + g, '/1/' || did || '/' || sid || '/' || (sid + g) || '/' || (sid + ${GRADES} + (g - 1) * ${CLASSES} + c) || '/', c || '班', c
      from s, generate_series(1, ${GRADES}) g, generate_series(1, ${CLASSES}) c`);
    await pool.query(`select setval(pg_get_serial_sequence('org_units', 'id'), (select max(id) from org_units))`);
    // students: 50 per class, n in all
    await pool.query(`
      insert into students (id, region_id, student_no, name, gender, birth_date, school_id, class_id, org_path, enrolment_year)
      select gen_random_uuid(), 1, 'W' || lpad(i::text, 9, '0'), '学生' || i, case when i % 2 = 0 then 'male' else 'female' end, date '2012-09-01' + (i % 700)::int,
        c.parent_id_school, c.id, c.path, 2024
      from (select u.id, u.path, g.parent_id as parent_id_school, row_number() over (order by u.id) as rn from org_units u join org_units g on g.id = u.parent_id where u.kind = 'class') c,
        generate_series((c.rn - 1) * 50 + 1, c.rn * 50) i
      where i <= ${n}`);
    // staff: a counselor and a leader per school, two bureau staff per district
    await pool.query(`
      with people as (
        select gen_random_uuid() as aid, u.id as unit, r.role, u.code || '-' || r.role as username
        from org_units u cross join (values ('counselor'), ('school_leader')) r(role) where u.kind = 'school'
        union all
        select gen_random_uuid(), u.id, 'bureau_staff', u.code || '-staff-' || x from org_units u, generate_series(1, 2) x where u.kind = 'district'
      ), acc as (
        insert into accounts (id, region_id, username, display_name, password_hash, password_changed_at)
        select aid, 1, username, username, 'x', now() from people returning id
      )
      insert into role_assignments (region_id, account_id, role, org_unit_id) select 1, aid, role, unit from people`);
    // bureau staff sign in with a second factor: give them one, as enrolment would
    await pool.query(`update accounts set totp_secret = 'JBSWY3DPEHPK3PXP' where username like '%-staff-%'`);
    // one open alert per student, raised ten days ago and never acknowledged: every one is overdue
    const created = new Date(now.getTime() - 10 * 86_400_000);
    await pool.query(`
      with s as (select id, school_id, row_number() over (order by student_no) as i from students)
      insert into alerts (region_id, student_id, school_id, source, source_ref, level, status, evidence, tier, next_escalation_at, created_at, updated_at)
      select 1, id, school_id, 'teacher', gen_random_uuid()::text, lvl, 'new', '{"description":"生成的预警"}'::jsonb, 0,
        $1::timestamptz + make_interval(hours => case lvl when 'red' then ${DEFAULT_DEADLINES.red.ackHours} when 'orange' then ${DEFAULT_DEADLINES.orange.ackHours} else ${DEFAULT_DEADLINES.yellow.ackHours} end), $1, $1
      from (select id, school_id, case when i % 10 = 0 then 'red' when i % 10 < 4 then 'orange' else 'yellow' end as lvl from s) x`, [created]);
    await pool.query(`insert into alert_signals (alert_id, source, source_ref, level, evidence, at) select id, source, source_ref, level, evidence, created_at from alerts`);
    await pool.query('vacuum analyze');
    const setupMs = performance.now() - t0;
    const version = (await pool.query<{ v: string }>('select version() as v')).rows[0]!.v.split(' on ')[0];
    console.log(`warning bench on ${version}${pgServer ? ' (temporary server, fsync on)' : ''}, ${os.cpus().length} CPUs`);
    console.log(`  setup: ${fmt(n)} students in ${schools} schools, ${fmt(n)} open overdue alerts: ${(setupMs / 1000).toFixed(1)} s`);

    // --- 1. the escalation job ---
    const config = { ...loadConfig({}), demo: false };
    const deps: Deps = { db, dbKind: 'pg', config, clock: () => new Date() };
    const te = performance.now();
    const climbed = await db.transaction((tx) => escalateAlerts(deps, tx));
    const escalateMs = performance.now() - te;
    const q = async (text: string) => (await pool.query<{ n: number }>(text)).rows[0]!.n;
    const atTier1 = await q(`select count(*)::int as n from alerts where tier = 1`);
    const notified = await q(`select count(*)::int as n from notifications where kind = 'alert.escalated'`);
    const events = await q(`select count(*)::int as n from alert_events where kind = 'escalated'`);
    const counselors = await q(`select count(*)::int as n from role_assignments where role = 'counselor'`);
    const again = await db.transaction((tx) => escalateAlerts(deps, tx));
    const checks: [string, boolean, string][] = [
      ['every overdue alert climbed one tier', climbed === n && atTier1 === n, `${fmt(climbed)} climbed, ${fmt(atTier1)} now at the counselor tier`],
      ['one event per climb', events === n, `${fmt(events)} escalation events`],
      ['the tier (one counselor per school) told once per alert', notified === n && counselors === schools, `${fmt(notified)} notifications`],
      ['a second run at once changes nothing', again === 0, `${again} climbed`],
    ];

    // --- 2. the boards, through the HTTP routes ---
    const { app } = await buildApp(deps);
    await app.ready();
    const sessionFor = async (username: string) => {
      const token = randomBytes(32).toString('base64url');
      const csrf = randomBytes(24).toString('base64url');
      await pool.query(`insert into sessions (id, account_id, csrf_token, created_at, last_seen_at, expires_at, ip, user_agent)
        select $1, id, $2, now(), now(), now() + interval '12 hours', '127.0.0.1', 'bench' from accounts where username = $3`, [createHash('sha256').update(token).digest('hex'), csrf, username]);
      return { cookie: `xinyu_sid=${token}` };
    };
    const school = (await pool.query<{ id: number; code: string; students: number; district: number; dcode: string }>(`
      select u.id, u.code, (select count(*)::int from students s where s.school_id = u.id) as students, d.id as district, d.code as dcode
      from org_units u join org_units d on d.id = u.parent_id where u.kind = 'school' order by u.id limit 1`)).rows[0]!;
    const timeBoard = async (username: string, unitId: number) => {
      const s = await sessionFor(username);
      const times: number[] = [];
      let last = '';
      for (let i = 0; i < requests; i++) {
        const t = performance.now();
        const res = await app.inject({ method: 'GET', url: `/api/v1/warning/board?unitId=${unitId}`, headers: { cookie: s.cookie } });
        times.push(performance.now() - t);
        if (res.statusCode !== 200) throw new Error(`board answered ${res.statusCode}: ${res.body}`);
        last = res.body;
      }
      return { times: times.sort((a, b) => a - b), body: JSON.parse(last) as { open: { red: number | null; orange: number | null; yellow: number | null } } };
    };
    const schoolBoard = await timeBoard(`${school.code}-counselor`, school.id);
    const districtBoard = await timeBoard(`${school.dcode}-staff-1`, school.district);
    const boardTotal = (schoolBoard.body.open.red ?? 0) + (schoolBoard.body.open.orange ?? 0) + (schoolBoard.body.open.yellow ?? 0);
    checks.push(['the school board counts every open alert of the school', boardTotal === school.students, `${fmt(boardTotal)} of ${fmt(school.students)}`]);
    await app.close();
    await pool.end();

    console.log('  checks:');
    for (const [name, ok, detail] of checks) console.log(`    ${ok ? 'OK  ' : 'FAIL'} ${name}: ${detail}`);
    const ms = (v: number) => `${v.toFixed(1)} ms`;
    const table: [string, string][] = [
      ['escalation job, one run', `${(escalateMs / 1000).toFixed(2)} s for ${fmt(n)} overdue alerts (${fmt(n / (escalateMs / 1000))} alerts/s)`],
      [`school board (${fmt(school.students)} students), ${requests} requests`, `p50 ${ms(pct(schoolBoard.times, 50))} / p95 ${ms(pct(schoolBoard.times, 95))} / max ${ms(schoolBoard.times[schoolBoard.times.length - 1]!)}`],
      [`district board, ${requests} requests`, `p50 ${ms(pct(districtBoard.times, 50))} / p95 ${ms(pct(districtBoard.times, 95))} / max ${ms(districtBoard.times[districtBoard.times.length - 1]!)}`],
    ];
    const w = Math.max(...table.map(([k]) => k.length));
    console.log('  results:');
    for (const [k, v] of table) console.log(`    ${k.padEnd(w)}  ${v}`);
    const met = escalateMs < 10_000 && pct(schoolBoard.times, 95) < 100 && checks.every((c) => c[1]);
    console.log(`  target: escalation of 100,000 alerts within 10 s, school board p95 < 100 ms: ${met ? 'met' : 'NOT met'}`);
  } finally {
    await database.close();
    await admin.query(`drop database if exists ${dbName} with (force)`).catch(() => undefined);
    await admin.end();
    await pgServer?.stop();
  }
}
