import { contracts } from '@xinyu/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { callerOf } from '../../http/access-hook.js';
import type { Deps } from '../../http/context.js';
import { contentDisposition, XLSX_TYPE } from '../../lib/xlsx-export.js';
import { dashboard, metricRecords } from './dashboard.js';
import { dashboardWorkbook } from './exports.js';

const E = contracts.ErrorBody;
const tags = ['supervision'];
const errors = { 400: E, 403: E, 404: E };

/** 督导驾驶舱：各项指标（市、区县、学校）、排名、历年趋势、实时数据，指标明细与导出. */
export const dashboardRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  app.get('/supervision/dashboard', {
    config: { access: 'supervision.read' },
    schema: { tags, summary: '督导驾驶舱：本单位各项指标（各校分子分母之和）、下级单位、学校排名、历年趋势、未结预警与当前测评完成情况', querystring: contracts.DashboardQuery, response: { 200: contracts.Dashboard, ...errors } },
  }, async (req) => dashboard(deps, callerOf(req), req.query));

  app.get('/supervision/dashboard/export', {
    config: { access: 'supervision.read' },
    schema: { tags, summary: '导出督导指标表（.xlsx）：学校明细与区县汇总', querystring: contracts.DashboardQuery, produces: [XLSX_TYPE] },
  }, async (req, reply) => {
    const out = await dashboardWorkbook(deps, callerOf(req), req.query);
    return reply.header('content-type', XLSX_TYPE).header('content-disposition', contentDisposition(out.fileName)).send(out.buffer);
  });

  app.get('/supervision/metrics/:key/schools/:schoolId/records', {
    config: { access: 'supervision.read' },
    schema: { tags, summary: '指标明细：一所学校某项指标背后的记录（分页）', params: contracts.MetricRecordsParams, querystring: contracts.MetricRecordsQuery, response: { 200: contracts.MetricRecordsOut, ...errors } },
  }, async (req) => metricRecords(deps, callerOf(req), req.params.key, req.params.schoolId, req.query));
};
