import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { loadConfig } from './config.js';
import { DataDirLockedError, migrate, openDatabase } from './db/client.js';
import { verifyAuditChain } from './modules/audit/service.js';
import { totpCode, totpStep } from './modules/auth/totp.js';
import { startImport } from './modules/org/import.js';
import { formatOf } from './modules/org/spreadsheet.js';
import { orgUnits } from './modules/org/tables.js';

const USAGE = `用法 usage: npm run cli -- <command>
  audit verify                               检查审计日志哈希链 verify the audit hash chain
  import-roster FILE --school CODE [--kind students|staff]
                                             导入学生（或教职工）名单 import a roster
  totp SECRET                                显示当前动态验证码 print the current TOTP code`;

async function withDb<T>(fn: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrate(database);
    return await fn(database);
  } finally {
    await database.close();
  }
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(argv: string[]): Promise<number> {
  const [cmd, sub, ...rest] = argv;
  if (cmd === 'audit' && sub === 'verify') {
    return withDb(async ({ db }) => {
      const r = await verifyAuditChain(db);
      if (r.ok) {
        console.log(`审计日志完整 audit chain OK: ${r.rows} rows verified`);
        return 0;
      }
      console.error(`审计日志被篡改 audit chain BROKEN at row ${r.firstBrokenSeq}: ${r.reason} (${r.rows} rows verified before it)`);
      return 2;
    });
  }
  if (cmd === 'import-roster' && sub) {
    const file = path.resolve(sub);
    const code = flag(rest, '--school');
    const kind = (flag(rest, '--kind') ?? 'students') as 'students' | 'staff';
    const format = formatOf(file);
    if (!code || !format || !fs.existsSync(file) || !['students', 'staff'].includes(kind)) {
      console.error(!fs.existsSync(file) ? `找不到文件 file not found: ${file}` : USAGE);
      return 1;
    }
    return withDb(async ({ db, kind: dbKind }) => {
      const school = (await db.select().from(orgUnits).where(eq(orgUnits.code, code)))[0];
      if (!school || school.kind !== 'school') {
        console.error(`没有代码为 ${code} 的学校 no school with code ${code}`);
        return 1;
      }
      // the importer removes its input when done, so it works on a copy
      const tmp = path.join(os.tmpdir(), `xinyu-cli-${randomUUID()}.${format}`);
      fs.copyFileSync(file, tmp);
      const deps = { db, dbKind, config: loadConfig(), clock: () => new Date() };
      const jobId = randomUUID();
      const t0 = Date.now();
      await startImport(deps, { jobId, kind, school, fileName: path.basename(file), filePath: tmp, format, actor: { accountId: null, name: 'cli', ip: null, mayWriteSensitive: true, mayWriteGuardians: true }, wait: true });
      const { importJobs } = await import('./modules/org/tables.js');
      const job = (await db.select().from(importJobs).where(eq(importJobs.id, jobId)))[0]!;
      if (job.status !== 'done') {
        console.error(`${job.phase}：${job.message ?? ''}`);
        for (const e of (job.errors as { row: number; column: string; message: string }[]).slice(0, 200)) console.error(`  第 ${e.row} 行「${e.column}」：${e.message}`);
        return 2;
      }
      console.log(`导入完成 imported ${job.totalRows} rows into ${school.name} in ${((Date.now() - t0) / 1000).toFixed(1)} s: 新增 created ${job.created}, 更新 updated ${job.updated}, 未变 unchanged ${job.unchanged}`);
      return 0;
    });
  }
  if (cmd === 'totp' && sub) {
    console.log(totpCode(sub, totpStep(new Date())));
    return 0;
  }
  console.error(USAGE);
  return 1;
}

main(process.argv.slice(2)).then((code) => process.exit(code), (e: unknown) => {
  console.error(e instanceof DataDirLockedError ? e.message : e);
  process.exit(1);
});
