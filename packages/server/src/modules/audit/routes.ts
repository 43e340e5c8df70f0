import { contracts } from '@xinyu/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { callerOf } from '../../http/access-hook.js';
import type { Deps } from '../../http/context.js';
import { isRegionWide, scopeOf } from '../access/service.js';
import { listAudit } from './service.js';

export const auditRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  app.get('/audit', {
    config: { access: 'audit.read' },
    schema: {
      tags: ['audit'],
      summary: '审计日志（按操作、结果、操作人、对象、日期筛选）',
      querystring: contracts.AuditQuery,
      response: { 200: contracts.paged(contracts.AuditEntry), 403: contracts.ErrorBody },
    },
  }, async (req) => {
    const caller = callerOf(req);
    const scope = scopeOf(caller, 'audit.read');
    return listAudit(deps.db, req.query, scope.orgPaths, isRegionWide(caller, 'audit.read'));
  });
};
