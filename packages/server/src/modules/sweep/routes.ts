import { contracts } from '@xinyu/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { callerOf } from '../../http/access-hook.js';
import type { Deps } from '../../http/context.js';
import { createSweep, listSweeps, reviewClass, sweepClass, sweepCompletion } from './service.js';

const E = contracts.ErrorBody;
const tags = ['sweep'];
const errors = { 400: E, 403: E, 404: E, 409: E };
const ClassParams = z.object({ id: z.uuid(), classId: z.coerce.number().int().positive() });

export const sweepRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  app.get('/sweeps', {
    config: { access: ['sweep.progress', 'sweep.review'] },
    schema: { tags, summary: '摸底排查（本人所在单位的）', response: { 200: z.object({ items: z.array(contracts.Sweep) }), 403: E } },
  }, async (req) => ({ items: await listSweeps(deps, callerOf(req)) }));

  app.post('/sweeps', {
    config: { access: 'sweep.manage' },
    schema: { tags, summary: '发起学期初摸底排查', body: contracts.CreateSweepBody, response: { 200: contracts.Sweep, ...errors } },
  }, async (req) => createSweep(deps, callerOf(req), req.body));

  app.get('/sweeps/:id/classes/:classId', {
    config: { access: 'sweep.review' },
    schema: { tags, summary: '班主任：本班每名学生的排查', params: ClassParams, response: { 200: contracts.SweepClass, ...errors } },
  }, async (req) => sweepClass(deps, callerOf(req), req.params.id, req.params.classId));

  app.put('/sweeps/:id/classes/:classId', {
    config: { access: 'sweep.review' },
    schema: { tags, summary: '班主任：提交全班排查（不漏一人），更新重点学生名单', params: ClassParams, body: contracts.SweepReviewBody, response: { 200: contracts.SweepClass, ...errors } },
  }, async (req) => reviewClass(deps, callerOf(req), req.params.id, req.params.classId, req.body));

  app.get('/sweeps/:id/completion', {
    config: { access: 'sweep.progress' },
    schema: { tags, summary: '摸底排查完成情况（按下级单位）', params: contracts.IdParam, querystring: contracts.SweepCompletionQuery, response: { 200: contracts.SweepCompletion, ...errors } },
  }, async (req) => sweepCompletion(deps, callerOf(req), req.params.id, req.query.unitId));
};
