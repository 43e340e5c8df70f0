import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { contracts } from '@xinyu/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { callerOf } from '../../http/access-hook.js';
import type { Deps } from '../../http/context.js';
import { badRequest } from '../../http/errors.js';
import { contentDisposition, XLSX_TYPE, xlsxBuffer } from '../../lib/xlsx-export.js';
import { formatOf } from '../org/spreadsheet.js';
import { dashboardRoutes } from './dashboard-routes.js';
import { createFunding, deleteFunding, FUNDING_COLUMNS, importFunding, listFunding } from './funding.js';
import { ALL_METRICS } from './metric-registry.js';
import { getEvaluation, getScheme, putScheme, ratingQueue, reviewEvaluation, saveSelf } from './ratings.js';
import { createTarget, getTarget, listTargets, metricInfo, targetProgressOf, targetSchoolRecords, updateTarget } from './targets.js';

const E = contracts.ErrorBody;
const errors = { 400: E, 403: E, 404: E, 409: E };

/** 督导：年度任务清单与实时指标、示范校评估、驾驶舱与导出. */
export const supervisionRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  const tags = ['supervision'];

  app.get('/supervision/metrics', {
    config: { access: 'supervision.read' },
    schema: { tags, summary: '可绑定到任务清单的全部指标及其口径', response: { 200: contracts.MetricList, ...errors } },
  }, async () => ({ items: ALL_METRICS.map(metricInfo) }));

  // ── 年度任务清单（四张清单）──
  app.get('/supervision/targets', {
    config: { access: 'supervision.read' },
    schema: { tags, summary: '某年度的任务清单（市级及本区县目标），含本辖区的实时进度', querystring: contracts.TargetYearQuery, response: { 200: contracts.TargetListOut, ...errors } },
  }, async (req) => listTargets(deps, callerOf(req), req.query.year));

  app.post('/supervision/targets', {
    config: { access: 'supervision.manage' },
    schema: { tags, summary: '新增目标（市教育局为全市，区县教育局为本区县；重复提交只记一次）', body: contracts.CreateTargetBody, response: { 200: contracts.TargetDetail, ...errors } },
  }, async (req) => createTarget(deps, callerOf(req), req.body));

  app.get('/supervision/targets/:id', {
    config: { access: 'supervision.read' },
    schema: { tags, summary: '一个目标及其指标与目标值的修改历史', params: contracts.IdParam, response: { 200: contracts.TargetDetail, ...errors } },
  }, async (req) => getTarget(deps, callerOf(req), req.params.id));

  app.put('/supervision/targets/:id', {
    config: { access: 'supervision.manage' },
    schema: { tags, summary: '修改目标（含指标、目标值、区县目标值、里程碑与佐证），或停用', params: contracts.IdParam, body: contracts.UpdateTargetBody, response: { 200: contracts.TargetDetail, ...errors } },
  }, async (req) => updateTarget(deps, callerOf(req), req.params.id, req.body));

  app.get('/supervision/targets/:id/progress', {
    config: { access: 'supervision.read' },
    schema: { tags, summary: '目标进度：本辖区合计、各区县，及一个区县的各学校', params: contracts.IdParam, querystring: contracts.ProgressQuery, response: { 200: contracts.TargetProgress, ...errors } },
  }, async (req) => targetProgressOf(deps, callerOf(req), req.params.id, req.query));

  app.get('/supervision/targets/:id/schools/:schoolId/records', {
    config: { access: 'supervision.read' },
    schema: { tags, summary: '下钻：某校该指标数值背后的记录（不含学生姓名）', params: contracts.TargetSchoolParams, response: { 200: contracts.TargetRecordsOut, ...errors } },
  }, async (req) => targetSchoolRecords(deps, callerOf(req), req.params.id, req.params.schoolId));

  // ── 经费 ──
  app.get('/supervision/funding', {
    config: { access: 'supervision.read' },
    schema: { tags, summary: '某年度各校心理健康教育经费及生均（标准：每生每年不少于 10 元）', querystring: contracts.FundingQuery, response: { 200: contracts.FundingOut, ...errors } },
  }, async (req) => listFunding(deps, callerOf(req), req.query));

  app.post('/supervision/funding', {
    config: { access: 'supervision.manage' },
    schema: { tags, summary: '登记一笔学校经费（重复提交只记一次）', body: contracts.CreateFundingBody, response: { 200: contracts.FundingOut, ...errors } },
  }, async (req) => createFunding(deps, callerOf(req), req.body));

  app.delete('/supervision/funding/:id', {
    config: { access: 'supervision.manage' },
    schema: { tags, summary: '删除一笔经费记录', params: contracts.IdParam, response: { 200: contracts.FundingOut, ...errors } },
  }, async (req) => deleteFunding(deps, callerOf(req), req.params.id));

  app.get('/supervision/funding/template', {
    config: { access: 'supervision.manage' },
    schema: { tags, summary: '下载经费导入模板（.xlsx）', produces: [XLSX_TYPE] },
  }, async (_req, reply) => {
    const buf = await xlsxBuffer('经费', FUNDING_COLUMNS.map((header, i) => ({ header, width: [28, 8, 14, 20, 30][i]!, value: (r: string[]) => r[i] ?? null })), [['江城区实验中学', '2026', '20000', '区级财政', '心理辅导室设备']]);
    return reply.header('content-type', XLSX_TYPE).header('content-disposition', contentDisposition('经费导入模板.xlsx')).send(buf);
  });

  app.post('/supervision/funding/import', {
    config: { access: 'supervision.manage' },
    schema: {
      tags,
      summary: '导入经费（.xlsx / .csv，multipart 字段 file；任何一行有误则不导入，并按行列列出问题）',
      headers: z.object({ 'idempotency-key': z.uuid().optional() }).loose(),
      consumes: ['multipart/form-data'],
      response: { 200: contracts.FundingImportResult, ...errors },
    },
  }, async (req) => {
    if (!req.isMultipart()) throw badRequest('请以 multipart/form-data 上传文件', { file: '请选择文件' });
    const file = await req.file();
    if (!file) throw badRequest('请选择文件', { file: '请选择文件' });
    const format = formatOf(file.filename);
    if (!format) {
      file.file.resume();
      throw badRequest('只支持 .xlsx 或 .csv 文件', { file: '只支持 .xlsx 或 .csv 文件' });
    }
    const importId = req.headers['idempotency-key'] ?? randomUUID();
    const tmp = path.join(os.tmpdir(), `xinyu-funding-${randomUUID()}.${format}`);
    try {
      await pipeline(file.file, fs.createWriteStream(tmp));
      return await importFunding(deps, callerOf(req), tmp, format, importId);
    } finally {
      await fs.promises.rm(tmp, { force: true });
    }
  });

  // ── 示范校评估 ──
  app.get('/supervision/rating-schemes/:year', {
    config: { access: 'supervision.read' },
    schema: { tags, summary: '某年度示范校评估方案（五个维度的指标、权重与等级线）', params: contracts.YearParam, response: { 200: contracts.RatingScheme, ...errors } },
  }, async (req) => getScheme(deps, callerOf(req), req.params.year));

  app.put('/supervision/rating-schemes/:year', {
    config: { access: 'supervision.manage' },
    schema: { tags, summary: '设置某年度示范校评估方案（市教育局）', params: contracts.YearParam, body: contracts.RatingSchemeBody, response: { 200: contracts.RatingScheme, ...errors } },
  }, async (req) => putScheme(deps, callerOf(req), req.params.year, req.body));

  app.get('/supervision/ratings', {
    config: { access: 'supervision.read' },
    schema: { tags, summary: '某年度辖区内学校的示范校评估（待审核在前）', querystring: contracts.RatingYearQuery, response: { 200: contracts.RatingQueue, ...errors } },
  }, async (req) => ratingQueue(deps, callerOf(req), req.query.year));

  app.get('/supervision/ratings/schools/:schoolId', {
    config: { access: 'supervision.read' },
    schema: { tags, summary: '一所学校的示范校评估：自评、指标实时数值与审核结果', params: contracts.SchoolParam, querystring: contracts.RatingYearQuery, response: { 200: contracts.RatingEvaluation, ...errors } },
  }, async (req) => getEvaluation(deps, callerOf(req), req.params.schoolId, req.query.year));

  app.put('/supervision/ratings/schools/:schoolId', {
    config: { access: 'rating.submit' },
    schema: { tags, summary: '学校填写自评（暂存或提交审核）', params: contracts.SchoolParam, body: contracts.RatingSelfBody, response: { 200: contracts.RatingEvaluation, ...errors } },
  }, async (req) => saveSelf(deps, callerOf(req), req.params.schoolId, req.body));

  app.post('/supervision/ratings/:id/review', {
    config: { access: 'rating.review' },
    schema: { tags, summary: '区县审核自评：评分、意见，通过或退回', params: contracts.IdParam, body: contracts.RatingReviewBody, response: { 200: contracts.RatingEvaluation, ...errors } },
  }, async (req) => reviewEvaluation(deps, callerOf(req), req.params.id, req.body));

  await app.register(dashboardRoutes(deps));
};
