import { contracts } from '@xinyu/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { callerOf } from '../../http/access-hook.js';
import type { Deps } from '../../http/context.js';
import { getAlert, listAlerts } from './service.js';

const E = contracts.ErrorBody;

export const warningRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  app.get('/alerts', {
    config: { access: 'alert.read' },
    schema: { tags: ['warning'], summary: '预警记录（红色在前）', querystring: contracts.AlertQuery, response: { 200: contracts.paged(contracts.Alert), 400: E, 403: E } },
  }, async (req) => listAlerts(deps, callerOf(req), req.query));

  app.get('/alerts/:id', {
    config: { access: 'alert.read' },
    schema: {
      tags: ['warning'],
      summary: '一条预警记录及其处理经过',
      params: contracts.IdParam,
      response: { 200: contracts.Alert.extend({ events: z.array(z.object({ kind: z.string(), at: z.string(), detail: z.record(z.string(), z.unknown()) })) }), 400: E, 403: E, 404: E },
    },
  }, async (req) => getAlert(deps, callerOf(req), req.params.id));
};
