// The supervision dashboard's queries on real PostgreSQL over a city of 1,000,000 students: 10
// districts and 2,000 schools (40 of them municipal, under the city), classes of ~42, generated
// inside PostgreSQL (INSERT … SELECT generate_series); two screening campaigns (this year's,
// published and open, and last year's, closed) with ~1,000,000 responses between them; open and
// closed alerts for ~3% of the students; rows for the other registered metrics' tables that exist
// (counseling rooms, staff and their posts and certificates, lessons, parent-school courses and
// sessions, funding). Then every dashboard query runs repeatedly — the dashboard of the city, a
// district and a school, each registered metric's perSchool for the whole city, and the export —
// and p50 / p95 are printed with whether p95 is under 300 ms; then the target lists' progress views,
// and the job: building the precomputed dashboards, and a run when this year's figures are due.
// Uses DATABASE_URL's server when set (in a new database), else a temporary PostgreSQL 15 server.
// Options: --students N (1,000,000), --runs N (20 per query), --keep-db (with DATABASE_URL: keep the
// generated database, its name printed), --reuse NAME (with DATABASE_URL: time the queries on a kept
// database, skipping generation and the cache fill — minutes instead of ten; the job at the end
// moves the kept database's clock on by 11 minutes), --no-metrics (skip
// timing each metric live).
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import { loadConfig } from '../packages/server/src/config.js';
import { migrate, openDatabase } from '../packages/server/src/db/client.js';
import { startTempPostgres } from '../packages/server/src/db/temp-postgres.js';
import type { Caller, Deps } from '../packages/server/src/http/context.js';
import { loadAssignments } from '../packages/server/src/modules/access/service.js';
import { computeMetric, metricContext, schoolsUnder } from '../packages/server/src/modules/supervision/compute.js';
import { dashboard, openAlerts } from '../packages/server/src/modules/supervision/dashboard.js';
import { figuresFor, refreshDashboardCache, schoolsFor, screeningFor, totalsFor } from '../packages/server/src/modules/supervision/dashboard-cache.js';
import { dashboardWorkbook, forgetWrittenWorkbooks } from '../packages/server/src/modules/supervision/exports.js';
import { ALL_METRICS } from '../packages/server/src/modules/supervision/metric-registry.js';
import { listTargets, targetProgressOf } from '../packages/server/src/modules/supervision/targets.js';

const opt = (args: string[], name: string, dflt: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) || dflt : dflt;
};
const fmt = (n: number) => Math.round(n).toLocaleString('en');
const secs = (ms: number) => (ms / 1000).toFixed(1);
const pct = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

const DISTRICTS = 10;
const SCHOOLS = 2000;
const MUNICIPAL = 40;
/** units per school: the school, up to 6 grades, 12 classes (ids are school id + offset) */
const STRIDE = 20;
const CLASSES = 12;

/** Runs a statement, printing how long it took (generation steps). */
async function step(pool: pg.Pool, label: string, text: string, values: unknown[] = []): Promise<void> {
  const t = performance.now();
  const r = await pool.query(text, values);
  console.log(`    ${label}: ${r.rowCount !== null ? `${fmt(r.rowCount)} rows, ` : ''}${secs(performance.now() - t)} s`);
}

async function tableExists(pool: pg.Pool, name: string): Promise<boolean> {
  return (await pool.query<{ t: string | null }>('select to_regclass($1)::text as t', [name])).rows[0]!.t !== null;
}

async function generate(pool: pg.Pool, n: number, now: Date): Promise<void> {
  const year = now.getUTCFullYear();
  await step(pool, 'city and districts', `insert into org_units (id, region_id, kind, parent_id, path, name, code) overriding system value
    select 1, 1, 'city', null, '/1/', '临江市', 'BENCH'
    union all select d, 1, 'district', 1, '/1/' || d || '/', '第' || (d - 1) || '区', 'BD' || lpad((d - 1)::text, 2, '0') from generate_series(2, ${DISTRICTS + 1}) d`);
  // schools: k < MUNICIPAL sit under the city; every third a primary school (grades 1–6, 2 classes each), the rest junior (7–9, 4 classes each)
  const schools = `select k, 100 + k * ${STRIDE} as sid, case when k < ${MUNICIPAL} then null else 2 + (k % ${DISTRICTS}) end as did, (k % 3 = 0) as primary_school from generate_series(0, ${SCHOOLS - 1}) k`;
  await step(pool, 'schools', `with s as (${schools})
    insert into org_units (id, region_id, kind, parent_id, path, name, code, school_kind) overriding system value
    select sid, 1, 'school', coalesce(did, 1), case when did is null then '/1/' else '/1/' || did || '/' end || sid || '/',
      '临江市第' || (k + 1) || case when primary_school then '小学' else '中学' end, 'BS' || lpad((k + 1)::text, 4, '0'), case when primary_school then 'primary' else 'junior' end from s`);
  await step(pool, 'grades', `with s as (${schools})
    insert into org_units (id, region_id, kind, parent_id, path, name, grade_level) overriding system value
    select sid + g, 1, 'grade', sid, case when did is null then '/1/' else '/1/' || did || '/' end || sid || '/' || (sid + g) || '/',
      (case when primary_school then g else g + 6 end) || '年级', case when primary_school then g else g + 6 end
    from s, generate_series(1, 6) g where g <= case when primary_school then 6 else 3 end`);
  await step(pool, 'classes', `insert into org_units (id, region_id, kind, parent_id, path, name, class_no) overriding system value
    select g.parent_id + 6 + (g.id - g.parent_id - 1) * per + c, 1, 'class', g.id, g.path || (g.parent_id + 6 + (g.id - g.parent_id - 1) * per + c) || '/', c || '班', c
    from (select u.*, case when u.grade_level <= 6 then 2 else 4 end as per from org_units u where u.kind = 'grade') g, generate_series(1, 4) c where c <= g.per`);
  await pool.query(`select setval(pg_get_serial_sequence('org_units', 'id'), (select max(id) from org_units))`);
  const classes = SCHOOLS * CLASSES;
  const perClass = Math.ceil(n / classes);
  await step(pool, 'students', `insert into students (id, region_id, student_no, name, gender, birth_date, school_id, class_id, org_path, enrolment_year)
    select gen_random_uuid(), 1, 'G' || lpad(i::text, 9, '0'), '学生' || i, case when i % 2 = 0 then 'male' else 'female' end,
      make_date(${year} - c.gl - 6, 9, 1) + (i % 365)::int, c.school_id, c.id, c.path, ${year} - c.gl + 1
    from (select k.id, k.path, g.parent_id as school_id, g.grade_level as gl, row_number() over (order by k.id) as rn from org_units k join org_units g on g.id = k.parent_id where k.kind = 'class') c,
      generate_series((c.rn - 1) * ${perClass} + 1, c.rn * ${perClass}) i
    where i <= ${n}`);
  // staff: a leader and a counselor per school, an admin per district and for the city
  await step(pool, 'accounts and roles', `with people as (
      select gen_random_uuid() as aid, u.id as unit, r.role, u.code || '-' || r.role as username from org_units u cross join (values ('counselor'), ('school_leader')) r(role) where u.kind = 'school'
      union all select gen_random_uuid(), u.id, 'bureau_admin', u.code || '-admin' from org_units u where u.kind in ('city', 'district')
    ), acc as (insert into accounts (id, region_id, username, display_name, password_hash, password_changed_at) select aid, 1, username, username, 'x', now() from people returning id)
    insert into role_assignments (region_id, account_id, role, org_unit_id) select 1, aid, role, unit from people`);

  // screening: this year's campaign (published, open today) and last year's (closed), CES-DC for grades 4–9
  const plan = JSON.stringify([{ gradeLevels: [4, 5, 6, 7, 8, 9], instruments: [{ key: 'ces-dc', version: '1' }] }]);
  const today = now.toISOString().slice(0, 10);
  const current = randomUUID();
  const last = randomUUID();
  await pool.query(`insert into campaigns (id, region_id, owner_unit_id, owner_path, title, purpose, status, plan, target_unit_ids, target_paths, window_start, window_end, reminder_days, published_at, closed_at)
    values ($1, 1, 1, '/1/', $3 || ' 年秋季心理健康测评', '了解学生心理状况', 'published', $4::jsonb, '{1}', '{/1/}', $5::date - 10, $5::date + 10, '{}', now(), null),
           ($2, 1, 1, '/1/', ($3::int - 1) || ' 年秋季心理健康测评', '了解学生心理状况', 'closed', $4::jsonb, '{1}', '{/1/}', make_date($3::int - 1, 10, 1), make_date($3::int - 1, 10, 31), '{}', now(), now())`,
  [current, last, year, plan, today]);
  // this year: 95% of grades 4 up submitted, 2% in progress; last year: ~25% of them (a smaller pilot), so responses total just over 1,000,000
  await step(pool, 'screening responses (this year)', `insert into screening_responses (region_id, campaign_id, student_id, instrument_key, instrument_version, status, answers, school_id, class_id, grade_level, gender, started_at, submitted_at, duration_seconds, score, warning_level, valid)
    select 1, $1, s.id, 'ces-dc', '1', case when h < 95 then 'submitted' else 'in_progress' end, '{}'::jsonb, s.school_id, s.class_id, g.grade_level, s.gender,
      $2::timestamptz - interval '9 days', case when h < 95 then $2::timestamptz - interval '9 days' + (h || ' minutes')::interval end, 600,
      case when h < 95 then '{"total": 10}'::jsonb end, case when h < 95 then case when h < 2 then 'red' when h < 5 then 'orange' when h < 10 then 'yellow' else 'none' end end, h < 95
    from (select s.*, abs(hashtext(s.id::text)) % 100 as h from students s) s join org_units k on k.id = s.class_id join org_units g on g.id = k.parent_id
    where g.grade_level >= 4 and s.h < 97`, [current, now]);
  await step(pool, 'screening responses (last year)', `insert into screening_responses (region_id, campaign_id, student_id, instrument_key, instrument_version, status, answers, school_id, class_id, grade_level, gender, started_at, submitted_at, duration_seconds, score, warning_level, valid)
    select 1, $1, s.id, 'ces-dc', '1', 'submitted', '{}'::jsonb, s.school_id, s.class_id, g.grade_level, s.gender, make_date(${year - 1}, 10, 10), make_date(${year - 1}, 10, 10), 600, '{"total": 10}'::jsonb, 'none', true
    from students s join org_units k on k.id = s.class_id join org_units g on g.id = k.parent_id
    where g.grade_level >= 4 and abs(hashtext(s.id::text || 'y')) % 100 < 25`, [last]);
  // alerts: ~3% of students; one in three still open (new / acknowledged / assessing), the rest closed
  await step(pool, 'alerts', `insert into alerts (region_id, student_id, school_id, source, source_ref, level, status, evidence, tier, created_at, updated_at, acknowledged_at, closed_at, outcome)
    select 1, s.id, s.school_id, 'screening', gen_random_uuid()::text, case when h % 10 = 0 then 'red' when h % 10 < 4 then 'orange' else 'yellow' end,
      case h % 3 when 0 then 'new' when 1 then 'assessing' else 'closed' end, '{}'::jsonb, 0, $1::timestamptz - ((h % 200) || ' days')::interval, $1, 
      case when h % 3 > 0 then $1::timestamptz - ((h % 200) || ' days')::interval + interval '2 hours' end, case when h % 3 = 2 then $1 end, case when h % 3 = 2 then 'resolved' end
    from (select id, school_id, abs(hashtext(id::text || 'a')) % 1000 as h from students) s where h < 30`, [now]);
  await generateOthers(pool, now);
}

/** Rows for the other metrics' tables, where they exist (other engineers' modules land independently). */
async function generateOthers(pool: pg.Pool, now: Date): Promise<void> {
  const year = now.getUTCFullYear();
  if (await tableExists(pool, 'counseling_rooms')) {
    await step(pool, 'counseling rooms', `insert into counseling_rooms (region_id, school_id, org_path, name, rating, created_at, updated_at)
      select 1, id, path, '心理辅导室', case when (id / 20) % 7 = 0 then 'model' when (id / 20) % 3 = 0 then 'qualified' else 'none' end, $1, $1 from org_units where kind = 'school' and (id / 20) % 10 <> 0`, [now]);
  }
  if (await tableExists(pool, 'supervision_funding')) {
    await step(pool, 'funding (three years)', `insert into supervision_funding (region_id, school_id, org_path, year, amount_fen, source, created_by_name, client_id, created_at)
      select 1, id, path, y, (5000 + (id / 20 % 20) * 1000) * 100, '区级财政', '教育局', gen_random_uuid(), $1 from org_units, generate_series(${year - 2}, ${year}) y where kind = 'school'`, [now]);
  }
  // staff: a head teacher per class, a counselor (full-time in two schools of three) and a leader per school; certificates for half the counselors and a third of the head teachers
  await step(pool, 'staff', `insert into staff (region_id, school_id, org_path, name, phone)
    select 1, g.parent_id, k.path, '班主任' || k.id, '138' || lpad(k.id::text, 8, '0') from org_units k join org_units g on g.id = k.parent_id where k.kind = 'class'
    union all select 1, id, path, r || id, '139' || lpad((id * 10 + n)::text, 8, '0') from org_units, (values ('心理教师', 1), ('校长', 2)) v(r, n) where kind = 'school'`);
  await step(pool, 'staff posts', `insert into staff_posts (staff_id, region_id, post, class_id)
    select s.id, 1, case when s.name like '班主任%' then 'head_teacher' when s.name like '校长%' then 'leader' when (s.school_id / 20) % 3 = 0 then 'counselor_part' else 'counselor_full' end,
      case when s.name like '班主任%' then substring(s.name from 4)::int end from staff s`);
  if (await tableExists(pool, 'workforce_certificates')) {
    await step(pool, 'certificates', `insert into workforce_certificates (region_id, staff_id, school_id, org_path, kind, issued_on, client_id, created_at)
      select 1, s.id, s.school_id, s.org_path, case when s.name like '班主任%' then 'counseling_skills' else 'mh_teacher' end, make_date(${year - 1}, 6, 1), gen_random_uuid(), $1
      from staff s where (s.name like '心理教师%' and (s.school_id / 20) % 2 = 0) or (s.name like '班主任%' and abs(hashtext(s.id::text)) % 3 = 0)`, [now]);
  }
  // a mental-health lesson per class every other week since the term began, this year and last
  if (await tableExists(pool, 'education_lessons')) {
    await step(pool, 'lessons', `insert into education_lessons (region_id, school_id, class_id, org_path, date, topic, teacher_name, created_at, updated_at)
      select 1, g.parent_id, k.id, k.path, d::date, '认识情绪', '心理教师', $1::timestamptz, $1::timestamptz
      from org_units k join org_units g on g.id = k.parent_id,
        generate_series(make_date(${year - 1}, 3, 2), make_date(${year - 1}, 6, 30), interval '14 days') d
      where k.kind = 'class' and abs(hashtext(k.path)) % 10 < 8
      union all
      select 1, g.parent_id, k.id, k.path, d::date, '学会合作', '心理教师', $1::timestamptz, $1::timestamptz
      from org_units k join org_units g on g.id = k.parent_id,
        generate_series(make_date(${year}, 3, 2), least($2::date, make_date(${year}, 12, 31)), interval '14 days') d
      where k.kind = 'class' and abs(hashtext(k.path || 'b')) % 10 < 9`, [now, now.toISOString().slice(0, 10)]);
  }
  // parent sessions: one per school and term this year, attended for about 60% of its students (one row per student)
  if (await tableExists(pool, 'homeschool_sessions') && await tableExists(pool, 'homeschool_attendance')) {
    await step(pool, 'parent sessions', `insert into homeschool_sessions (region_id, school_id, target, target_unit_id, org_path, date, topic, code, client_id, created_by, created_by_name, created_at, updated_at)
      select 1, id, 'school', id, path, make_date(${year}, m, 15), '如何与青春期孩子沟通', 'C' || id || m, gen_random_uuid(), gen_random_uuid(), '德育处', $1, $1 from org_units, (values (4), (10)) v(m) where kind = 'school'`, [now]);
    await step(pool, 'parent session attendance', `insert into homeschool_attendance (session_id, student_id, attended, source, recorded_by, recorded_at)
      select h.id, s.id, abs(hashtext(s.id::text || h.id::text)) % 10 < 6, 'sheet', h.created_by, $1 from homeschool_sessions h join students s on s.school_id = h.school_id where extract(month from h.date) = 4`, [now]);
  }
}

interface Timing {
  name: string;
  ms: number[];
}

async function time(name: string, runs: number, f: () => Promise<unknown>): Promise<Timing> {
  await f(); // warm: plans cached, pages in memory
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await f();
    ms.push(performance.now() - t);
  }
  return { name, ms: ms.sort((a, b) => a - b) };
}

export async function benchDashboards(args: string[]): Promise<void> {
  const n = opt(args, '--students', 1_000_000);
  const runs = opt(args, '--runs', 20);
  const reuseAt = args.indexOf('--reuse');
  const reuse = reuseAt >= 0 && process.env.DATABASE_URL ? (args[reuseAt + 1] ?? '').replace(/[^a-z0-9_]/g, '') : '';
  const keepDb = args.includes('--keep-db') || reuse !== '';
  const pgServer = process.env.DATABASE_URL ? null : await startTempPostgres({ durable: false });
  const adminUrl = process.env.DATABASE_URL ?? pgServer!.adminUrl;
  const dbName = reuse || `xinyu_bench_${randomUUID().slice(0, 8)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  if (!reuse) await admin.query(`create database ${dbName}`);
  console.log(`database ${dbName}${reuse ? ' (reused)' : keepDb && process.env.DATABASE_URL ? ' (kept afterwards: --reuse ' + dbName + ')' : ''}`);
  const url = new URL(pgServer?.socketUrl ?? adminUrl);
  url.pathname = `/${dbName}`;
  const database = await openDatabase({ databaseUrl: url.toString() });
  const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
  pool.on('error', () => undefined);
  try {
    await migrate(database);
    // a reused database: the clock of its cache fill, so the cached figures are this year's and fresh
    const filledAt = reuse ? (await pool.query<{ t: Date | null }>('select max(computed_at) as t from supervision_metric_cache_state')).rows[0]!.t : null;
    const now = filledAt ?? new Date();
    const t0 = performance.now();
    if (!reuse) {
      console.log(`generating a city of ${fmt(n)} students:`);
      await generate(pool, n, now);
      await step(pool, 'vacuum analyze', 'vacuum analyze');
    }
    const version = (await pool.query<{ v: string }>('select version() as v')).rows[0]!.v.split(' on ')[0];
    const counts = (await pool.query<{ t: string; n: number }>(`select 'students' as t, count(*)::int as n from students union all select 'schools', count(*)::int from org_units where kind = 'school'
      union all select 'classes', count(*)::int from org_units where kind = 'class' union all select 'screening responses', count(*)::int from screening_responses union all select 'alerts', count(*)::int from alerts`)).rows;
    console.log(`dashboards bench on ${version}${pgServer ? ' (temporary server)' : ''}, ${os.cpus().length} CPUs; generated in ${secs(performance.now() - t0)} s: ${counts.map((c) => `${fmt(c.n)} ${c.t}`).join(', ')}`);

    const deps: Deps = { db: database.db, dbKind: 'pg', config: { ...loadConfig({}), demo: false }, clock: () => now };
    const callerOf = async (username: string): Promise<Caller> => {
      const a = (await pool.query<{ id: string }>('select id from accounts where username = $1', [username])).rows[0]!;
      const assignments = await loadAssignments(deps.db, a.id);
      return { accountId: a.id, username, displayName: username, regionId: 1, sessionId: 'bench', csrfToken: 'bench', mustChangePassword: false, totpEnabled: true, mfaEnrolmentPending: false, locale: 'zh-CN', assignments, roles: assignments.map((x) => x.role), ip: '127.0.0.1' };
    };
    const cityAdmin = await callerOf('BENCH-admin');
    const districtAdmin = await callerOf('BD01-admin');
    const school = (await pool.query<{ id: number; code: string }>(`select id, code from org_units where kind = 'school' and parent_id = 2 order by id limit 1`)).rows[0]!;
    const leader = await callerOf(`${school.code}-school_leader`);
    const tc = performance.now();
    if (!reuse) {
      await refreshDashboardCache(deps);
      await pool.query('vacuum analyze supervision_metric_cache');
    }
    console.log(`  job: filling the whole cache once (every metric, this year and the four before, every school; the precomputed dashboards): ${reuse ? 'reused' : `${secs(performance.now() - tc)} s`}`);
    const slow = (await pool.query<{ year: number; metric_key: string; duration_ms: number }>('select year, metric_key, duration_ms from supervision_metric_cache_state order by duration_ms desc limit 8')).rows;
    console.log(`    slowest: ${slow.map((r) => `${r.metric_key} ${r.year} ${fmt(r.duration_ms)} ms`).join(', ')}`);
    // the precomputed city and district dashboards alone: what a job run adds after it refreshed figures (nothing else is due at this clock)
    await pool.query('delete from supervision_dashboard_snapshots');
    const ts = performance.now();
    await refreshDashboardCache(deps);
    const built = (await pool.query<{ n: number; kb: number }>('select count(*)::int as n, (sum(length(body) + length(schools) + coalesce(length(workbook), 0)) / 1024)::int as kb from supervision_dashboard_snapshots')).rows[0]!;
    console.log(`  job: building the precomputed dashboards (${built.n} rows: the city and its districts, this year; ${fmt(built.kb)} kB): ${secs(performance.now() - ts)} s`);
    // target lists bound to metrics: two of the city's, one of a district's
    const year = now.getUTCFullYear();
    const targetIds = (await pool.query<{ id: string }>(`insert into supervision_targets (region_id, owner_unit_id, owner_path, year, list, seq, task, metric_key, comparator, target_value, client_id, created_at, updated_at)
      values (1, 1, '/1/', $1, 1, 1, '心理测评覆盖率', 'screening_coverage', 'at_least', 95, gen_random_uuid(), $2, $2),
             (1, 1, '/1/', $1, 2, 1, '心理健康课开课达标', 'lesson_class_compliance', 'at_least', 90, gen_random_uuid(), $2, $2),
             (1, 2, '/1/2/', $1, 3, 1, '家长课堂覆盖', 'parent_session_reach', 'at_least', 80, gen_random_uuid(), $2, $2)
      returning id`, [year, now])).rows.map((r) => r.id);

    console.log(`  ${'query'.padEnd(72)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)}  p95 < 300 ms`);
    const show = (t: Timing) => {
      const p95 = pct(t.ms, 95);
      console.log(`  ${t.name.padEnd(72)} ${pct(t.ms, 50).toFixed(0).padStart(8)} ${p95.toFixed(0).padStart(8)}  ${p95 < 300 ? 'yes' : 'NO'}`);
    };
    const city = await schoolsUnder(deps, 1, '/1/');
    show(await time('schoolsUnder(city)', runs, () => schoolsUnder(deps, 1, '/1/')));
    const ctx = metricContext(deps, 1, now.getUTCFullYear(), city);
    const { schools: cached } = await schoolsFor(deps, 1, '/1/');
    show(await time('  part: schoolsFor(city), students from the cache', runs, () => schoolsFor(deps, 1, '/1/')));
    show(await time('  part: figuresFor(city, this year) from the cache', runs, () => figuresFor(deps, 1, now.getUTCFullYear(), cached)));
    show(await time('  part: totalsFor(city, four years before) from the cache', runs, () => totalsFor(deps, 1, [1, 2, 3, 4].map((i) => now.getUTCFullYear() - i), 1, cached)));
    show(await time('  part: open alerts by school (city)', runs, () => openAlerts(deps, 1, '/1/')));
    show(await time('  part: current screening completion (city) from the cache', runs, () => screeningFor(deps, 1, '/1/', cached.map((x) => x.id))));
    show(await time('dashboard: city', runs, () => dashboard(deps, cityAdmin, {})));
    show(await time('dashboard: a district', runs, () => dashboard(deps, districtAdmin, {})));
    show(await time('dashboard: a school', runs, () => dashboard(deps, leader, {})));
    show(await time('export: city (.xlsx; a download, not a page view)', Math.max(3, Math.floor(runs / 4)), () => dashboardWorkbook(deps, cityAdmin, {})));
    show(await time('export: a district (.xlsx; a download, not a page view)', Math.max(3, Math.floor(runs / 4)), () => dashboardWorkbook(deps, districtAdmin, {})));
    show(await time('export: city, the first after the job rebuilt its rows (its stored workbook)', Math.max(3, Math.floor(runs / 4)), () => { forgetWrittenWorkbooks(); return dashboardWorkbook(deps, cityAdmin, {}); }));
    show(await time('export: a district, the first after the job rebuilt its rows', Math.max(3, Math.floor(runs / 4)), () => { forgetWrittenWorkbooks(); return dashboardWorkbook(deps, districtAdmin, {}); }));
    show(await time('targets: the year\'s lists with progress (city)', runs, () => listTargets(deps, cityAdmin, year)));
    show(await time('targets: the year\'s lists with progress (a district)', runs, () => listTargets(deps, districtAdmin, year)));
    show(await time('targets: a target\'s progress by district (city)', runs, () => targetProgressOf(deps, cityAdmin, targetIds[0]!, {})));
    show(await time('targets: a target\'s progress, its schools (a district)', runs, () => targetProgressOf(deps, districtAdmin, targetIds[0]!, {})));
    await pool.query('delete from supervision_targets where id = any($1::uuid[])', [targetIds]);
    // the job when this year's figures are due again (every ten minutes): each metric of this year, the open campaigns' completion, then the dashboards
    const later = new Date(now.getTime() + 11 * 60_000);
    const tj = performance.now();
    const redone = await refreshDashboardCache({ ...deps, clock: () => later });
    console.log(`  job: this year's figures due again (every 10 minutes; ${redone} metric-years and the dashboards, no time budget): ${secs(performance.now() - tj)} s`);
    const thisYearSlow = (await pool.query<{ metric_key: string; duration_ms: number }>('select metric_key, duration_ms from supervision_metric_cache_state where year = $1 and computed_at = $2 order by duration_ms desc limit 6', [year, later])).rows;
    console.log(`    slowest: ${thisYearSlow.map((r) => `${r.metric_key} ${fmt(r.duration_ms)} ms`).join(', ')}`);
    // each metric live over the whole city: what the job spends per metric and year (the dashboard reads the cache)
    if (!args.includes('--no-metrics')) for (const m of ALL_METRICS) show(await time(`metric ${m.key} perSchool, live (city, ${fmt(city.length)} schools)`, 3, () => computeMetric(m, ctx)));
  } finally {
    await pool.end();
    await database.close();
    if (!keepDb || !process.env.DATABASE_URL) await admin.query(`drop database if exists ${dbName}`).catch(() => undefined);
    await admin.end();
    await pgServer?.stop();
  }
}
