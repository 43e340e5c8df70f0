import { contracts } from '@xinyu/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { callerOf } from '../../http/access-hook.js';
import type { Deps } from '../../http/context.js';
import { listInbox, markRead, unreadCount } from './service.js';

const E = contracts.ErrorBody;

export const notifyRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  app.get('/notifications', {
    config: { access: 'authenticated' },
    schema: { tags: ['notify'], summary: '我的消息（站内信）', querystring: contracts.NotificationQuery, response: { 200: contracts.paged(contracts.Notification), 401: E } },
  }, async (req) => listInbox(deps.db, callerOf(req), req.query));

  app.get('/notifications/unread-count', {
    config: { access: 'authenticated' },
    schema: { tags: ['notify'], summary: '未读消息数', response: { 200: z.object({ count: z.number().int() }), 401: E } },
  }, async (req) => ({ count: await unreadCount(deps.db, callerOf(req)) }));

  app.post('/notifications/:id/read', {
    config: { access: 'authenticated' },
    schema: { tags: ['notify'], summary: '标记为已读', params: contracts.IdParam, response: { 200: contracts.Ok, 404: E } },
  }, async (req) => {
    await markRead(deps, callerOf(req), req.params.id);
    return { ok: true as const };
  });

  app.post('/notifications/read-all', {
    config: { access: 'authenticated' },
    schema: { tags: ['notify'], summary: '全部标记为已读', response: { 200: z.object({ updated: z.number().int() }), 401: E } },
  }, async (req) => ({ updated: await markRead(deps, callerOf(req), null) }));
};
