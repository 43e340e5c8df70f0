import { contracts, deadlinePolicyProblems } from '@xinyu/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { callerOf } from '../../http/access-hook.js';
import type { Deps } from '../../http/context.js';
import { actOnAlert, assignAlert, assignees, getAlert, getPolicy, listAlerts, putPolicy, raiseByCaller, requestHelp, warningBoard } from './service.js';

const E = contracts.ErrorBody;
const tags = ['warning'];
const errors = { 400: E, 403: E, 404: E, 409: E };

export const warningRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  app.get('/alerts', {
    config: { access: 'alert.read' },
    schema: { tags, summary: '预警记录（未处理、红色在前）', querystring: contracts.AlertQuery, response: { 200: contracts.AlertList, 400: E, 403: E, 404: E } },
  }, async (req) => listAlerts(deps, callerOf(req), req.query));

  app.post('/alerts', {
    config: { access: 'alert.raise' },
    schema: { tags, summary: '上报一名学生的情况（教师观察、家长反映、心理教师）：并入该生未结的预警或新建一条', body: contracts.RaiseAlertBody, response: { 200: contracts.RaiseAlertResult, ...errors } },
  }, async (req) => raiseByCaller(deps, callerOf(req), req.body));

  app.get('/alerts/:id', {
    config: { access: 'alert.read' },
    schema: { tags, summary: '一条预警：信号、处理经过、可做的操作', params: contracts.IdParam, response: { 200: contracts.AlertDetail, ...errors } },
  }, async (req) => getAlert(deps, callerOf(req), req.params.id));

  app.post('/alerts/:id/actions', {
    config: { access: ['alert.acknowledge', 'alert.handle'] },
    schema: { tags, summary: '处理预警：确认接收、开始研判、确认（及去向）、排除（说明理由）、结案', params: contracts.IdParam, body: contracts.AlertActionBody, response: { 200: contracts.AlertDetail, ...errors } },
  }, async (req) => actOnAlert(deps, callerOf(req), req.params.id, req.body));

  app.get('/alerts/:id/assignees', {
    config: { access: 'alert.handle' },
    schema: { tags, summary: '可指派的责任人（本校心理教师、学校领导）', params: contracts.IdParam, response: { 200: z.object({ items: z.array(contracts.AlertAssignee) }), ...errors } },
  }, async (req) => ({ items: await assignees(deps, callerOf(req), req.params.id) }));

  app.post('/alerts/:id/assign', {
    config: { access: 'alert.handle' },
    schema: { tags, summary: '指派责任人', params: contracts.IdParam, body: contracts.AssignAlertBody, response: { 200: contracts.AlertDetail, ...errors } },
  }, async (req) => assignAlert(deps, callerOf(req), req.params.id, req.body.accountId));

  app.post('/my/help', {
    config: { access: 'help.request' },
    schema: { tags, summary: '学生：我需要帮助', body: contracts.HelpRequestBody, response: { 200: z.object({ received: z.literal(true), duplicate: z.boolean() }), ...errors } },
  }, async (req) => requestHelp(deps, callerOf(req), req.body));

  app.get('/warning/board', {
    config: { access: 'alert.board' },
    schema: { tags, summary: '预警看板：未结预警按等级、状态、层级，逾期，下级单位，责任人（学校以外小于 5 的数不显示）', querystring: contracts.BoardQuery, response: { 200: contracts.WarningBoard, ...errors } },
  }, async (req) => warningBoard(deps, callerOf(req), req.query.unitId));

  app.get('/warning/policy', {
    config: { access: ['alert.read', 'config.write'] },
    schema: { tags, summary: '本地区预警处置时限', response: { 200: contracts.WarningPolicy, 403: E } },
  }, async (req) => getPolicy(deps, callerOf(req)));

  app.put('/warning/policy', {
    config: { access: 'config.write' },
    schema: { tags, summary: '设置本地区预警处置时限（各等级确认接收、研判的小时数）', body: z.object({ deadlines: contracts.DeadlinePolicy }).strict(), response: { 200: contracts.WarningPolicy, 400: E, 403: E } },
  }, async (req) => putPolicy(deps, callerOf(req), req.body.deadlines, deadlinePolicyProblems(req.body.deadlines)));
};
