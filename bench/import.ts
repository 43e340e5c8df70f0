// Roster import of a 100,000-row .xlsx into one school on real PostgreSQL: rows/s and peak memory,
// first as new students, then the same file again (nothing changes), then with 10% of rows changed.
// Uses DATABASE_URL's server when set (in a new database), else a temporary PostgreSQL 15 server.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from '../packages/server/src/lib/exceljs.js';
import { eq, sql } from 'drizzle-orm';
import pg from 'pg';
import { loadConfig } from '../packages/server/src/config.js';
import { migrate, openDatabase, rows } from '../packages/server/src/db/client.js';
import { startTempPostgres } from '../packages/server/src/db/temp-postgres.js';
import { startImport } from '../packages/server/src/modules/org/import.js';
import { importJobs, orgUnits } from '../packages/server/src/modules/org/tables.js';
import { seedDemo } from '../packages/server/src/seed/demo.js';
import { givenName, rng, surname } from '../packages/server/src/seed/names.js';

const GRADES = ['七年级', '八年级', '九年级', '高一', '高二', '高三'];

async function writeRoster(file: string, n: number, changeEvery: number | null): Promise<void> {
  const r = rng(7);
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false, useStyles: true });
  const ws = wb.addWorksheet('学生名单');
  ws.addRow(['临江市第一中学学生花名册']).commit();
  ws.addRow(['学籍号', '姓名', '性别', '出生日期', '年级', '班级', '是否住校', '宿舍', '是否留守儿童', '监护人姓名', '监护人关系', '监护人电话']).commit();
  for (let i = 0; i < n; i++) {
    const gender = r() < 0.5 ? 'male' : 'female';
    const family = surname(r);
    const grade = i % GRADES.length;
    const classNo = 1 + (Math.floor(i / GRADES.length) % 99);
    const birthYear = 2013 - grade;
    const changed = changeEvery !== null && i % changeEvery === 0;
    ws.addRow([
      `B${String(birthYear)}${String(i).padStart(8, '0')}`,
      family + givenName(r, gender),
      gender === 'male' ? '男' : '女',
      new Date(Date.UTC(birthYear, i % 12, 1 + (i % 28))),
      GRADES[grade],
      `${changed ? ((classNo % 99) + 1) : classNo}班`,
      i % 3 === 0 ? '是' : '否',
      i % 3 === 0 ? `${1 + (i % 6)}号楼${100 + (i % 40)}` : '',
      i % 11 === 0 ? '是' : '否',
      `${family}${givenName(r, 'male', true)}`,
      '父亲',
      `139${String(i).padStart(8, '0')}`,
    ]).commit();
  }
  ws.commit();
  await wb.commit();
}

/** Samples this process's resident memory while `fn` runs. */
async function measure<T>(fn: () => Promise<T>): Promise<{ result: T; seconds: number; peakRssMb: number; startRssMb: number }> {
  global.gc?.();
  const startRss = process.memoryUsage().rss;
  let peak = startRss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t0 = performance.now();
  try {
    const result = await fn();
    return { result, seconds: (performance.now() - t0) / 1000, peakRssMb: peak / 2 ** 20, startRssMb: startRss / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

export async function benchImport(args: string[]): Promise<void> {
  process.env.XINYU_IMPORT_TIMING ??= '1';
  const n = Number(args[args.indexOf("--rows") + 1]) || 100_000;
  const server = process.env.DATABASE_URL ? null : await startTempPostgres({ durable: true });
  const adminUrl = process.env.DATABASE_URL ?? server!.adminUrl;
  const dbName = `xinyu_bench_${randomUUID().slice(0, 8)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const database = await openDatabase({ databaseUrl: url.toString() });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xinyu-bench-'));
  try {
    await migrate(database);
    await seedDemo(database.db, new Date(), { scale: 0.1 });
    const school = (await database.db.select().from(orgUnits).where(eq(orgUnits.code, 'S0101')))[0]!;
    const version = (await rows<{ v: string }>(database.db, sql`select version() as v`))[0]!.v.split(' on ')[0];
    console.log(`roster import bench: ${n.toLocaleString('en')} rows into ${school.name} on ${version}${server ? ' (temporary server, fsync on)' : ''}`);
    const first = path.join(tmp, 'roster.xlsx');
    const second = path.join(tmp, 'roster-changed.xlsx');
    const tw = performance.now();
    await writeRoster(first, n, null);
    await writeRoster(second, n, 10);
    console.log(`  generated 2 files of ${(fs.statSync(first).size / 2 ** 20).toFixed(1)} MB in ${((performance.now() - tw) / 1000).toFixed(1)} s (not timed)`);
    const deps = { db: database.db, dbKind: database.kind, config: loadConfig(), clock: () => new Date() };
    const results: string[][] = [];
    for (const [label, file] of [['new roster', first], ['same file again', first], ['10% of rows changed', second]] as const) {
      const copy = path.join(tmp, `${randomUUID()}.xlsx`);
      fs.copyFileSync(file, copy);
      const jobId = randomUUID();
      const m = await measure(() =>
        startImport(deps, { jobId, kind: 'students', school, fileName: path.basename(file), filePath: copy, format: 'xlsx', actor: { accountId: null, name: 'bench', ip: null, mayWriteSensitive: true, mayWriteGuardians: true }, wait: true }),
      );
      const job = (await database.db.select().from(importJobs).where(eq(importJobs.id, jobId)))[0]!;
      if (job.status !== 'done') throw new Error(`import ${job.status}: ${job.message ?? ''} ${JSON.stringify(job.errors).slice(0, 500)}`);
      results.push([label, m.seconds.toFixed(2), Math.round(n / m.seconds).toLocaleString('en'), m.peakRssMb.toFixed(0), (m.peakRssMb - m.startRssMb).toFixed(0), `${job.created}/${job.updated}/${job.unchanged}`]);
    }
    const head = ['run', 'seconds', 'rows/s', 'peak RSS MB', 'RSS growth MB', 'created/updated/unchanged'];
    const widths = head.map((h, i) => Math.max(h.length, ...results.map((r) => r[i]!.length)));
    const line = (cells: string[]) => `  ${cells.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`;
    console.log(line(head));
    for (const r of results) console.log(line(r));
    console.log(`  target: ${n.toLocaleString('en')} rows in at most 15 s, memory bounded (streaming read, chunked writes)`);
  } finally {
    await database.close();
    await admin.query(`drop database if exists ${dbName} with (force)`).catch(() => undefined);
    await admin.end();
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
