import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { answersFromFhirResponse, fhirLinkIds, fromFhirQuestionnaire, InstrumentDefinitionError, loadInstrument, ResponseMismatchError, scoreResponse } from '@xinyu/core';
import { loadConfig } from './config.js';
import { DataDirLockedError } from './db/errors.js';
import type { Database } from './db/client.js';
// database modules load only for the commands that use them: `score` and `totp` start fast

const USAGE = `用法 usage: npm run cli -- <command>
  audit verify [--anchor SEQ:HASH]           检查审计日志哈希链 verify the audit hash chain (and that
                                             it still holds a head recorded earlier)
  audit head                                 打印链头 print the last row's SEQ:HASH (record it outside)
  db grant-app-role ROLE [--password-env VAR] 建立最小权限的应用数据库角色（以属主身份运行）
                                             grant a role that owns nothing what the app needs
                                             (audit_log: SELECT and INSERT only); run as the owner
  backup FILE                                备份 back up: pg_dump (DATABASE_URL) or the data directory
  restore FILE                               恢复到空数据库或空目录并检查审计链 restore into an empty
                                             database (DATABASE_URL) or data directory, then verify
  import-roster FILE --school CODE [--kind students|staff]
                                             导入学生（或教职工）名单 import a roster
  score QUESTIONNAIRE.json RESPONSE.json [--grade N] [--gender male|female]
                                             离线计分 score a FHIR QuestionnaireResponse (prints JSON)
  totp SECRET                                显示当前动态验证码 print the current TOTP code`;

async function withDb<T>(fn: (db: Database) => Promise<T>, opts: { migrate?: boolean } = {}): Promise<T> {
  const config = loadConfig();
  const { migrate, openDatabase } = await import('./db/client.js');
  if (opts.migrate !== false && config.migrationDatabaseUrl && config.databaseUrl) {
    // migrations as the owner; the command itself runs as DATABASE_URL's role
    const owner = await openDatabase({ databaseUrl: config.migrationDatabaseUrl, poolSize: 1 });
    try {
      await migrate(owner);
    } finally {
      await owner.close();
    }
  }
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    if (opts.migrate !== false && !(config.migrationDatabaseUrl && config.databaseUrl)) await migrate(database);
    return await fn(database);
  } finally {
    await database.close();
  }
}

function readJson(file: string): unknown {
  if (!fs.existsSync(file)) throw new CliError(`找不到文件 file not found: ${file}`, 1);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new CliError(`不是有效的 JSON not valid JSON: ${file}: ${(e as Error).message}`, 1);
  }
}

class CliError extends Error {
  constructor(message: string, readonly code: number) {
    super(message);
  }
}

/**
 * `score`: a FHIR R4 Questionnaire (or a Xinyu definition JSON) and a QuestionnaireResponse →
 * scale scores, bands, critical items and validity flags as JSON on stdout. Scores in the response
 * are ignored and recomputed. Exit 1: file missing or not JSON; 2: invalid questionnaire or a
 * response that does not match it.
 */
function scoreFiles(questionnaireFile: string, responseFile: string, args: string[]): number {
  try {
    const qJson = readJson(path.resolve(questionnaireFile));
    const rJson = readJson(path.resolve(responseFile));
    const isFhir = typeof qJson === 'object' && qJson !== null && (qJson as { resourceType?: unknown }).resourceType === 'Questionnaire';
    const def = isFhir ? fromFhirQuestionnaire(qJson) : loadInstrument(qJson);
    const ref = (rJson as { questionnaire?: unknown }).questionnaire;
    const url = (qJson as { url?: unknown }).url;
    if (isFhir && typeof ref === 'string' && typeof url === 'string') {
      const canonical = ref.split('|')[0]!;
      if (canonical !== url && !canonical.endsWith(`Questionnaire/${def.id}`)) {
        throw new ResponseMismatchError([{ itemId: '(root)', message: `the response answers ${ref}, not ${url}` }]);
      }
    }
    const read = answersFromFhirResponse(def, rJson);
    const known = isFhir ? fhirLinkIds(qJson) : new Set<string>();
    const strangers = read.ignored.filter((l) => !known.has(l));
    if (strangers.length) throw new ResponseMismatchError(strangers.map((itemId) => ({ itemId, message: 'no such item in the questionnaire' })));
    const grade = flag(args, '--grade');
    const gender = flag(args, '--gender');
    if ((grade !== undefined && !/^\d{1,2}$/.test(grade)) || (gender !== undefined && gender !== 'male' && gender !== 'female')) {
      throw new CliError(USAGE, 1);
    }
    const respondent = { ...(grade ? { gradeLevel: Number(grade) } : {}), ...(gender ? { gender: gender as 'male' | 'female' } : {}) };
    const result = scoreResponse(def, { answers: read.answers, ...(read.submittedAt ? { submittedAt: read.submittedAt } : {}), respondent });
    console.log(JSON.stringify({ ...result, ignoredItems: read.ignored }, null, 2));
    return 0;
  } catch (e) {
    if (e instanceof CliError) {
      console.error(e.message);
      return e.code;
    }
    if (e instanceof InstrumentDefinitionError || e instanceof ResponseMismatchError) {
      console.error(e.message);
      return 2;
    }
    throw e;
  }
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(argv: string[]): Promise<number> {
  const [cmd, sub, ...rest] = argv;
  if (cmd === 'audit' && sub === 'head') {
    return withDb(async ({ db }) => {
      const { auditHeadOf } = await import('./modules/audit/service.js');
      const head = await auditHeadOf(db);
      console.log(head ? `${head.seq}:${head.hash}` : '0:');
      return 0;
    });
  }
  if (cmd === 'audit' && sub === 'verify') {
    const anchorArg = flag(rest, '--anchor');
    const m = anchorArg ? /^(\d+):([0-9a-f]{64})$/.exec(anchorArg) : null;
    if (anchorArg && !m) throw new CliError('--anchor 的格式为 SEQ:HASH（audit head 的输出）', 1);
    const anchor = m ? { seq: Number(m[1]), hash: m[2]! } : undefined;
    return withDb(async ({ db }) => {
      const { verifyAuditChain } = await import('./modules/audit/service.js');
      const r = await verifyAuditChain(db, undefined, anchor);
      if (r.ok) {
        console.log(`审计日志完整 audit chain OK: ${r.rows} rows verified`);
        return 0;
      }
      console.error(`审计日志被篡改 audit chain BROKEN at row ${r.firstBrokenSeq}: ${r.reason} (${r.rows} rows verified before it)`);
      return 2;
    });
  }
  if (cmd === 'db' && sub === 'grant-app-role' && rest[0]) {
    const role = rest[0];
    const passwordVar = flag(rest, '--password-env');
    const password = passwordVar ? process.env[passwordVar] : undefined;
    if (passwordVar && !password) throw new CliError(`环境变量 ${passwordVar} 未设置 (the password variable is empty)`, 1);
    const config = loadConfig();
    const url = config.migrationDatabaseUrl ?? config.databaseUrl;
    if (!url) throw new CliError('需要 PostgreSQL：设置 XINYU_MIGRATION_DATABASE_URL（属主 owner）或 DATABASE_URL (the embedded database has no roles)', 1);
    const { migrate, openDatabase } = await import('./db/client.js');
    const { AppRoleError, auditPrivileges, grantAppRole } = await import('./modules/audit/app-role.js');
    const owner = await openDatabase({ databaseUrl: url, poolSize: 1 });
    try {
      await migrate(owner);
      const r = await grantAppRole(owner.db, role, password ? { password } : {});
      const p = await auditPrivileges(owner.db, role);
      console.log(`${r.created ? '已创建 created' : '已更新 updated'} role ${role}: read/write on ${r.tables} tables; audit_log: ${Object.entries(p).filter(([, v]) => v).map(([k]) => k).join(', ')}`);
      console.log(`应用连接 connect the app as ${role} (DATABASE_URL), migrations as the owner (XINYU_MIGRATION_DATABASE_URL)`);
      return 0;
    } catch (e) {
      if (e instanceof AppRoleError) throw new CliError(e.message, 2);
      throw e;
    } finally {
      await owner.close();
    }
  }
  if (cmd === 'backup' && sub) {
    const config = loadConfig();
    const file = path.resolve(sub);
    if (fs.existsSync(file)) throw new CliError(`文件已存在 file exists: ${file}`, 1);
    const { backupDataDir, backupPostgres } = await import('./modules/backup/service.js');
    const r = config.databaseUrl ? backupPostgres(config.databaseUrl, file) : backupDataDir(config.dataDir, file);
    console.log(`备份完成 backup written: ${r.file} (${(r.bytes / 1e6).toFixed(1)} MB, ${r.seconds.toFixed(1)} s, ${config.databaseUrl ? 'pg_dump custom format' : `data directory ${config.dataDir}`})`);
    console.log('备份含学生的敏感数据：请加密保存；封存字段还需要数据密钥 (encrypt it; sealed fields also need the data key, kept separately)');
    return 0;
  }
  if (cmd === 'restore' && sub) {
    const config = loadConfig();
    const file = path.resolve(sub);
    if (!fs.existsSync(file)) throw new CliError(`找不到文件 file not found: ${file}`, 1);
    const { backupKind, restoreDataDir, restorePostgres } = await import('./modules/backup/service.js');
    const kind = backupKind(file);
    if (kind === null) throw new CliError(`无法识别的备份文件 not a Xinyu backup: ${file}`, 1);
    if (kind === 'pg_dump' && !config.databaseUrl) throw new CliError('pg_dump 备份需恢复到 PostgreSQL：设置 DATABASE_URL 为一个新建的空数据库', 1);
    if (kind === 'data_dir' && config.databaseUrl) throw new CliError('数据目录备份需恢复到嵌入式数据库：不要设置 DATABASE_URL，用 XINYU_DATA_DIR 指定新目录', 1);
    const r = kind === 'pg_dump' ? await restorePostgres(config.databaseUrl!, file) : restoreDataDir(file, config.dataDir);
    console.log(`恢复完成 restored ${kind === 'pg_dump' ? 'into the database of DATABASE_URL' : `into ${config.dataDir}`} in ${r.seconds.toFixed(1)} s; 检查审计链 verifying the audit chain…`);
    return withDb(async ({ db }) => {
      const { verifyAuditChain } = await import('./modules/audit/service.js');
      const v = await verifyAuditChain(db);
      if (!v.ok) {
        console.error(`审计日志被篡改 audit chain BROKEN at row ${v.firstBrokenSeq}: ${v.reason}`);
        return 2;
      }
      console.log(`审计日志完整 audit chain OK: ${v.rows} rows verified`);
      return 0;
    }, { migrate: false });
  }
  if (cmd === 'import-roster' && sub) {
    const file = path.resolve(sub);
    const code = flag(rest, '--school');
    const kind = (flag(rest, '--kind') ?? 'students') as 'students' | 'staff';
    const format = /\.xlsx$/i.test(file) ? 'xlsx' : /\.csv$/i.test(file) ? 'csv' : null;
    if (!code || !format || !fs.existsSync(file) || !['students', 'staff'].includes(kind)) {
      console.error(!fs.existsSync(file) ? `找不到文件 file not found: ${file}` : USAGE);
      return 1;
    }
    return withDb(async ({ db, kind: dbKind }) => {
      const { eq } = await import('drizzle-orm');
      const { importJobs, orgUnits } = await import('./modules/org/tables.js');
      const { startImport } = await import('./modules/org/import.js');
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
  if (cmd === 'score' && sub && rest[0]) {
    return scoreFiles(sub, rest[0], rest.slice(1));
  }
  if (cmd === 'totp' && sub) {
    const { totpCode, totpStep } = await import('./modules/auth/totp.js');
    console.log(totpCode(sub, totpStep(new Date())));
    return 0;
  }
  console.error(USAGE);
  return 1;
}

main(process.argv.slice(2)).then((code) => process.exit(code), async (e: unknown) => {
  if (e instanceof CliError) {
    console.error(e.message);
    process.exit(e.code);
  }
  const { BackupError } = await import('./modules/backup/service.js');
  console.error(e instanceof DataDirLockedError || e instanceof BackupError ? e.message : e);
  process.exit(1);
});
