// The city the load checks (durability, soak) write to: the demo city seeded into a new database of
// a real PostgreSQL server, plus what a load needs and a browser would have got by signing in —
// student accounts with live sessions, counselor accounts at every school (writers with sessions,
// and one more per school who only receives notifications), and a published screening campaign per
// round of submissions. Sessions are inserted as the sign-in route stores them (sha256 of the cookie
// token, a CSRF token), so a thousand clients need not each pay a password hash to start.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { migrate, openDatabase } from '../../packages/server/src/db/client.js';
import type { TempPostgres } from '../../packages/server/src/db/temp-postgres.js';
import { cstToday } from '../../packages/server/src/modules/screening/campaigns.js';
import { seedDemo } from '../../packages/server/src/seed/demo.js';

export interface Credentials {
  accountId: string;
  /** the `cookie` and `x-csrf-token` headers of a signed-in browser */
  headers: Record<string, string>;
}

export interface CityStudent extends Credentials {
  studentId: string;
  schoolId: number;
  classId: number;
  gradeLevel: number;
}

export interface CitySchool {
  schoolId: number;
  /** counselors with sessions who write (alerts, counseling records, lessons) */
  writers: Credentials[];
  /** students of the school without an account in `students` (targets of reports and records) */
  others: string[];
  classes: number[];
}

export interface City {
  dbName: string;
  /** for the harness's own checks (loopback TCP) */
  dbUrl: string;
  /** for the server (the Unix socket, as docs/operations.md recommends for a server on the same host) */
  serverDbUrl: string;
  regionId: number;
  cityUnitId: number;
  cityPath: string;
  students: CityStudent[];
  schools: CitySchool[];
  pool: pg.Pool;
  close(): Promise<void>;
}

/** Live sessions (12 hours) for these accounts, stored as the sign-in route stores them. */
export async function insertSessions(pool: pg.Pool, accountIds: string[]): Promise<Credentials[]> {
  const tokens = accountIds.map(() => randomBytes(32).toString('base64url'));
  const csrf = accountIds.map(() => randomBytes(24).toString('base64url'));
  await pool.query(
    `insert into sessions (id, account_id, csrf_token, created_at, last_seen_at, expires_at, ip, user_agent)
     select u.id, u.aid, u.csrf, now(), now(), $1, '127.0.0.1', 'xinyu-assure' from unnest($2::text[], $3::uuid[], $4::text[]) as u(id, aid, csrf)`,
    [new Date(Date.now() + 12 * 3600_000), tokens.map((t) => createHash('sha256').update(t).digest('hex')), accountIds, csrf],
  );
  return accountIds.map((accountId, i) => ({ accountId, headers: { cookie: `xinyu_sid=${tokens[i]!}`, 'x-csrf-token': csrf[i]! } }));
}

/** Sessions for demo accounts by username (bureau accounts too: a stored session has passed TOTP). */
export async function demoSessions(city: City, usernames: string[]): Promise<Map<string, Credentials>> {
  const found = await city.pool.query<{ id: string; username: string }>(`select id, username from accounts where username = any($1::text[])`, [usernames]);
  const creds = await insertSessions(city.pool, found.rows.map((r) => r.id));
  return new Map(found.rows.map((r, i) => [r.username, creds[i]!]));
}

function withDb(url: string, dbName: string): string {
  const u = new URL(url);
  u.pathname = `/${dbName}`;
  return u.toString();
}

/**
 * A new database on `server`, migrated, with the demo city at `scale` (0.3: about 3,000 students in
 * 20 schools) and `studentAccounts` students (spread over every school) signed in.
 */
export async function setupCity(server: TempPostgres, opts: { scale: number; studentAccounts: number; writersPerSchool: number; log: (m: string) => void }): Promise<City> {
  const dbName = `xinyu_assure_${randomUUID().slice(0, 8)}`;
  const admin = new pg.Client({ connectionString: server.adminUrl });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  await admin.end();
  const dbUrl = withDb(server.adminUrl, dbName);
  const serverDbUrl = withDb(server.socketUrl ?? server.adminUrl, dbName);
  const t0 = performance.now();
  const database = await openDatabase({ databaseUrl: dbUrl });
  try {
    await migrate(database);
    await seedDemo(database.db, new Date(), { scale: opts.scale, screeningHistory: false });
  } finally {
    await database.close();
  }
  const pool = new pg.Pool({ connectionString: dbUrl, max: 4 });
  // the fault drills stop PostgreSQL under this pool: an idle client losing its server is no error
  pool.on('error', () => undefined);
  const q = async <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => (await pool.query<T>(text, values)).rows;
  const city = (await q<{ id: number; region_id: number; path: string }>(`select id, region_id, path from org_units where kind = 'city'`))[0]!;
  const hash = (await q<{ h: string }>(`select password_hash as h from accounts where username = 'counselor'`))[0]!.h;
  const session = (accountIds: string[]) => insertSessions(pool, accountIds);

  // students over every school and grade, round robin by school so that every school has some
  const pupils = await q<{ id: string; student_no: string; name: string; school_id: number; class_id: number; grade_level: number; rank: number }>(
    `select s.id, s.student_no, s.name, s.school_id, s.class_id, g.grade_level, row_number() over (partition by s.school_id order by s.student_no)::int as rank
     from students s join org_units c on c.id = s.class_id join org_units g on g.id = c.parent_id
     where s.status = 'active' and s.id not in (select student_id from accounts where student_id is not null)
     order by rank, s.school_id`,
  );
  const chosen = pupils.slice(0, opts.studentAccounts);
  if (chosen.length < opts.studentAccounts) throw new Error(`the demo city at scale ${opts.scale} has ${pupils.length} students, ${opts.studentAccounts} wanted`);
  const accountIds = chosen.map(() => randomUUID());
  await q(
    `insert into accounts (id, region_id, username, student_no, display_name, password_hash, student_id)
     select u.aid, $1, 'assure-' || lower(u.no), u.no, u.name, $2, u.sid from unnest($3::uuid[], $4::text[], $5::text[], $6::uuid[]) as u(aid, no, name, sid)`,
    [city.region_id, hash, accountIds, chosen.map((p) => p.student_no), chosen.map((p) => p.name), chosen.map((p) => p.id)],
  );
  await q(`insert into role_assignments (region_id, account_id, role, student_id) select $1, u.aid, 'student', u.sid from unnest($2::uuid[], $3::uuid[]) as u(aid, sid)`, [city.region_id, accountIds, chosen.map((p) => p.id)]);
  const creds = await session(accountIds);
  const students: CityStudent[] = chosen.map((p, i) => ({ ...creds[i]!, studentId: p.id, schoolId: p.school_id, classId: p.class_id, gradeLevel: p.grade_level }));

  // counselors: per school one who only receives, and `writersPerSchool` who write
  const schoolRows = await q<{ id: number; code: string; name: string }>(`select id, code, name from org_units where kind = 'school' order by code`);
  const withAccount = new Set(chosen.map((p) => p.id));
  const schools: CitySchool[] = [];
  for (const s of schoolRows) {
    const ids = Array.from({ length: opts.writersPerSchool + 1 }, () => randomUUID());
    await q(
      `insert into accounts (id, region_id, username, display_name, password_hash) select u.id, $1, 'assure-counselor-' || lower($2) || '-' || u.n, $3 || '心理教师' || u.n, $4 from unnest($5::uuid[]) with ordinality as u(id, n)`,
      [city.region_id, s.code, s.name, hash, ids],
    );
    await q(`insert into role_assignments (region_id, account_id, role, org_unit_id) select $1, u.id, 'counselor', $2 from unnest($3::uuid[]) as u(id)`, [city.region_id, s.id, ids]);
    const writers = await session(ids.slice(1));
    const others = pupils.filter((p) => p.school_id === s.id && !withAccount.has(p.id)).map((p) => p.id);
    const classes = (await q<{ id: number }>(`select c.id from org_units c join org_units g on g.id = c.parent_id where g.parent_id = $1 and c.kind = 'class' order by c.id`, [s.id])).map((r) => r.id);
    schools.push({ schoolId: s.id, writers, others, classes });
  }
  await pool.query('vacuum analyze');
  opts.log(`city: demo city at scale ${opts.scale} (${pupils.length + (await q<{ n: number }>(`select count(*)::int as n from accounts where student_id is not null and username not like 'assure-%'`))[0]!.n} students, ${schools.length} schools), ${students.length} students and ${schools.length * opts.writersPerSchool} counselors signed in, in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return {
    dbName, dbUrl, serverDbUrl, regionId: city.region_id, cityUnitId: city.id, cityPath: city.path, students, schools, pool,
    close: async () => {
      await pool.end();
    },
  };
}

/** A published campaign, open today (China time), giving `instruments` to every grade, released to every class, consent granted for every student. */
export async function publishCampaign(city: City, title: string, instruments: { key: string; version: string }[]): Promise<string> {
  const now = new Date();
  const id = randomUUID();
  const today = cstToday(now);
  const end = cstToday(new Date(now.getTime() + 14 * 86400_000));
  await city.pool.query(
    `insert into campaigns (id, region_id, owner_unit_id, owner_path, title, purpose, status, plan, target_unit_ids, target_paths, window_start, window_end, reminder_days, published_at)
     values ($1, $2, $3, $4, $5, '了解学生心理状况，及早发现需要帮助的学生', 'published', $6::jsonb, $7, $8, $9, $10, '{}', now())`,
    [id, city.regionId, city.cityUnitId, city.cityPath, title, JSON.stringify([{ gradeLevels: Array.from({ length: 12 }, (_, i) => i + 1), instruments }]), [city.cityUnitId], [city.cityPath], today, end],
  );
  await city.pool.query(
    `insert into campaign_releases (campaign_id, class_id, school_id, class_code, released_by_name)
     select $1::uuid, c.id, g.parent_id, 'A' || substr(md5($1::text || c.id::text), 1, 7), '教务处'
     from org_units c join org_units g on g.id = c.parent_id where c.kind = 'class' and c.region_id = $2`,
    [id, city.regionId],
  );
  await city.pool.query(
    `insert into screening_consents (campaign_id, student_id, region_id, decision, method, form_date, recorded_by_name)
     select $1, s.id, $2, 'granted', 'paper_form', $3, '班主任' from students s where s.region_id = $2 and s.status = 'active'`,
    [id, city.regionId, today],
  );
  return id;
}
