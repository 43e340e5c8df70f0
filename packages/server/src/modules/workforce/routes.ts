import { contracts } from '@xinyu/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { callerOf } from '../../http/access-hook.js';
import type { Deps } from '../../http/context.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { badRequest } from '../../http/errors.js';
import { importTrainings } from './import.js';
import { createStudio, listStudios } from './studios.js';
import { createCertificate, createTraining, listTrainings, schoolWorkforce, withdrawCertificate, workforceOverview } from './service.js';

const E = contracts.ErrorBody;
const tags = ['workforce'];
const errors = { 400: E, 403: E, 404: E, 409: E };

/** 队伍建设：心理教师、证书等级、培训学时、配备比例. */
export const workforceRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  app.get('/workforce/overview', {
    config: { access: 'workforce.read' },
    schema: { tags, summary: '队伍建设一览：各校专兼职心理教师、按 1:1000 应配专职人数及是否达标、持证率、C/B/A 证占比、培训学时', querystring: contracts.WorkforceOverviewQuery, response: { 200: contracts.WorkforceOverview, ...errors } },
  }, async (req) => workforceOverview(deps, callerOf(req), req.query));

  app.get('/workforce/schools/:id', {
    config: { access: 'workforce.read' },
    schema: { tags, summary: '一所学校的心理教师和班主任：岗位、证书（编号仅管理者和本人可见）、本年培训学时', params: contracts.OrgIdParam, querystring: contracts.SchoolWorkforceQuery, response: { 200: contracts.SchoolWorkforce, ...errors } },
  }, async (req) => schoolWorkforce(deps, callerOf(req), req.params.id, req.query));

  app.post('/workforce/certificates', {
    config: { access: 'workforce.manage' },
    schema: { tags, summary: '登记证书（重复提交只记一次）', body: contracts.CreateCertificateBody, response: { 200: contracts.WorkforceCertificate, ...errors } },
  }, async (req) => createCertificate(deps, callerOf(req), req.body));

  app.delete('/workforce/certificates/:id', {
    config: { access: 'workforce.manage' },
    schema: { tags, summary: '撤销误登记的证书（保留记录，不再计入）', params: contracts.IdParam, response: { 200: contracts.WorkforceCertificate, ...errors } },
  }, async (req) => withdrawCertificate(deps, callerOf(req), req.params.id));

  app.get('/workforce/trainings', {
    config: { access: 'workforce.read' },
    schema: { tags, summary: '培训（轮训）记录，按日期倒序分页', querystring: contracts.TrainingListQuery, response: { 200: contracts.TrainingList, ...errors } },
  }, async (req) => listTrainings(deps, callerOf(req), req.query));

  app.post('/workforce/trainings', {
    config: { access: 'workforce.manage' },
    schema: { tags, summary: '登记一次培训及参训人员（可多人，重复提交只记一次）', body: contracts.CreateTrainingBody, response: { 200: contracts.WorkforceTraining, ...errors } },
  }, async (req) => createTraining(deps, callerOf(req), req.body));

  app.post('/workforce/trainings/import', {
    config: { access: 'workforce.manage' },
    schema: {
      tags,
      summary: '导入培训记录（.xlsx，multipart 字段 file）：每行一名参训人员，有任何错误则不导入任何数据',
      description: '列：培训名称、培训日期、级别（国家级/省级/市级/县级/校级）、学时、主办单位（可不填）、姓名、手机号。培训名称、日期、级别、学时、主办单位都相同的行记为同一次培训。同一 clientId 重试不会重复导入。',
      querystring: contracts.TrainingImportQuery,
      consumes: ['multipart/form-data'],
      response: { 200: contracts.TrainingImportResult, ...errors },
    },
  }, async (req) => {
    const caller = callerOf(req);
    if (!req.isMultipart()) throw badRequest('请以 multipart/form-data 上传文件', { file: '请选择文件' });
    const file = await req.file();
    if (!file) throw badRequest('请选择文件', { file: '请选择文件' });
    if (!/\.xlsx$/i.test(file.filename)) {
      file.file.resume();
      throw badRequest('只支持 .xlsx 文件', { file: '只支持 .xlsx 文件（旧版 .xls 请在 Excel 中另存为 .xlsx）' });
    }
    const tmp = path.join(os.tmpdir(), `xinyu-training-${randomUUID()}.xlsx`);
    try {
      await pipeline(file.file, fs.createWriteStream(tmp));
      if (file.file.truncated) throw badRequest('文件过大', { file: '文件过大' });
      return await importTrainings(deps, caller, tmp, req.query.clientId);
    } finally {
      await fs.promises.rm(tmp, { force: true });
    }
  });

  app.get('/workforce/studios', {
    config: { access: 'workforce.read' },
    schema: { tags, summary: '名师工作室（领衔人或成员在可见范围内），分页', querystring: contracts.StudioListQuery, response: { 200: contracts.StudioList, ...errors } },
  }, async (req) => listStudios(deps, callerOf(req), req.query));

  app.post('/workforce/studios', {
    config: { access: 'workforce.manage' },
    schema: { tags, summary: '新建名师工作室：名称、级别（市级/县级）、领衔人、成员、成立年份（重复提交只记一次）', body: contracts.CreateStudioBody, response: { 200: contracts.WorkforceStudio, ...errors } },
  }, async (req) => createStudio(deps, callerOf(req), req.body));
};
