import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { and, eq } from 'drizzle-orm';
import ExcelJS from '../../lib/exceljs.js';
import { contracts, scopeFor, scopeIncludes, STAFF_COLUMNS, STUDENT_COLUMNS } from '@xinyu/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { callerOf } from '../../http/access-hook.js';
import type { Deps } from '../../http/context.js';
import { badRequest, notFound } from '../../http/errors.js';
import { inScope, scopeOf } from '../access/service.js';
import { contentDisposition } from '../../lib/xlsx-export.js';
import { getImportJob, listImportJobs, presentImportJobs, startImport } from './import.js';
import { unitInScope } from './service.js';
import { formatOf } from './spreadsheet.js';
import { orgUnits } from './tables.js';

const E = contracts.ErrorBody;
const errors = { 400: E, 403: E, 404: E, 409: E, 413: E };
const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const ImportQuery = z.object({ kind: contracts.ImportKind, schoolId: z.coerce.number().int().positive() });

export const importRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  app.post('/imports', {
    config: { access: 'roster.import' },
    schema: {
      tags: ['imports'],
      summary: '上传学生或教职工名单（.xlsx / .csv，multipart 字段 file）',
      description: '先整体校验，有任何错误则不导入任何数据，并按行列列出问题。按学籍号（教职工按手机号）更新，不会重复。同一 Idempotency-Key 重试只会返回同一个任务。',
      querystring: ImportQuery,
      headers: z.object({ 'idempotency-key': z.uuid().optional() }).loose(),
      consumes: ['multipart/form-data'],
      response: { 200: contracts.ImportJob, ...errors },
    },
  }, async (req) => {
    const caller = callerOf(req);
    const school = await unitInScope(deps.db, caller, req.query.schoolId, 'roster.import');
    if (school.kind !== 'school') throw notFound();
    const jobId = req.headers['idempotency-key'] ?? randomUUID();
    const prior = await getImportJob(deps.db, jobId);
    if (prior) {
      if (prior.actorId !== caller.accountId) throw notFound();
      return (await presentImportJobs(deps, [prior], caller.accountId))[0]!;
    }
    if (!req.isMultipart()) throw badRequest('请以 multipart/form-data 上传文件', { file: '请选择文件' });
    const file = await req.file();
    if (!file) throw badRequest('请选择文件', { file: '请选择文件' });
    const format = formatOf(file.filename);
    if (!format) {
      file.file.resume();
      throw badRequest('只支持 .xlsx 或 .csv 文件', { file: '只支持 .xlsx 或 .csv 文件（旧版 .xls 请在 Excel 中另存为 .xlsx）' });
    }
    const tmp = path.join(os.tmpdir(), `xinyu-import-${jobId}.${format}`);
    await pipeline(file.file, fs.createWriteStream(tmp));
    if (file.file.truncated) {
      await fs.promises.rm(tmp, { force: true });
      throw badRequest('文件超过 50 MB', { file: '文件超过 50 MB' });
    }
    const job = await startImport(deps, {
      jobId,
      kind: req.query.kind,
      school,
      fileName: file.filename.slice(0, 200),
      filePath: tmp,
      format,
      actor: {
        accountId: caller.accountId,
        name: caller.displayName,
        ip: caller.ip,
        mayWriteSensitive: scopeIncludes(scopeFor(caller.assignments, 'student.sensitive.write'), school.path),
        mayWriteGuardians: scopeIncludes(scopeFor(caller.assignments, 'guardian.write'), school.path),
      },
    });
    return (await presentImportJobs(deps, [job], caller.accountId))[0]!;
  });

  app.get('/imports/template', {
    config: { access: 'roster.import' },
    schema: { tags: ['imports'], summary: '下载导入模板（.xlsx）', querystring: z.object({ kind: contracts.ImportKind }), produces: [xlsx] },
  }, async (req, reply) => {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet(req.query.kind === 'students' ? '学生名单' : '教职工名单');
    const specs = req.query.kind === 'students' ? STUDENT_COLUMNS : STAFF_COLUMNS;
    sheet.addRow(specs.map((s) => (s.required ? `${s.label}*` : s.label))).font = { bold: true };
    sheet.addRow(req.query.kind === 'students'
      ? ['G110101201203050011', '张小明', '男', '2012-03-05', '七年级', '3班', '2025', '否', '', '否', '张建国', '父亲', '13800138000']
      : ['T001', '李老师', '女', '13900139000', '班主任', '七年级3班', '语文']);
    specs.forEach((_s, i) => (sheet.getColumn(i + 1).width = 14));
    const buf = await wb.xlsx.writeBuffer();
    const name = req.query.kind === 'students' ? '学生名单导入模板.xlsx' : '教职工名单导入模板.xlsx';
    return reply.header('content-type', xlsx).header('content-disposition', contentDisposition(name)).send(Buffer.from(buf));
  });

  app.get('/imports/:id', {
    config: { access: 'roster.import' },
    schema: { tags: ['imports'], summary: '导入任务进度与结果', params: contracts.IdParam, response: { 200: contracts.ImportJob, ...errors } },
  }, async (req) => {
    const caller = callerOf(req);
    const job = await getImportJob(deps.db, req.params.id);
    if (!job) throw notFound();
    await unitInScope(deps.db, caller, job.schoolId, 'roster.import');
    return (await presentImportJobs(deps, [job], caller.accountId))[0]!;
  });

  app.get('/imports', {
    config: { access: 'roster.import' },
    schema: { tags: ['imports'], summary: '导入记录', querystring: z.object({ schoolId: z.coerce.number().int().positive().optional() }), response: { 200: z.object({ items: z.array(contracts.ImportJob) }), ...errors } },
  }, async (req) => {
    const caller = callerOf(req);
    const scope = scopeOf(caller, 'roster.import');
    const schools = await deps.db
      .select({ id: orgUnits.id })
      .from(orgUnits)
      .where(and(eq(orgUnits.kind, 'school'), inScope(scope, orgUnits.path), req.query.schoolId ? eq(orgUnits.id, req.query.schoolId) : undefined));
    const jobs = await listImportJobs(deps.db, schools.map((s) => s.id));
    return { items: await presentImportJobs(deps, jobs, caller.accountId) };
  });
};
