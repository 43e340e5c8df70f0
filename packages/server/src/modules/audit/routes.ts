import { contracts } from '@xinyu/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { callerOf } from '../../http/access-hook.js';
import { rows } from '../../db/client.js';
import type { Deps } from '../../http/context.js';
import { isRegionWide, scopeOf } from '../access/service.js';
import { sql } from 'drizzle-orm';
import { contentDisposition, streamXlsx } from '../../lib/xlsx-export.js';
import { appendAudit, auditFilter, listAudit } from './service.js';

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

  app.get('/audit/export', {
    config: { access: 'audit.read' },
    schema: { tags: ['audit'], summary: '导出审计日志（.xlsx，条件同列表）', querystring: contracts.AuditQuery.omit({ page: true, pageSize: true }), produces: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'] },
  }, async (req, reply) => {
    const caller = callerOf(req);
    const scope = scopeOf(caller, 'audit.read');
    const where = auditFilter(req.query, scope.orgPaths, isRegionWide(caller, 'audit.read'));
    // a filter PostgreSQL cannot take (a date past its range) fails here, answered as the list answers
    // it, not inside the file's stream after its first bytes went out (the connection was cut)
    await rows(deps.db, sql`select 1 from audit_log where ${where} limit 1`);
    await appendAudit(deps.db, { actorId: caller.accountId, actorName: caller.displayName, ip: caller.ip, action: 'audit.export', objectType: 'audit_log', orgPath: scope.orgPaths[0] ?? null, detail: { filters: req.query } }, deps.clock());
    type R = { id: number; at: Date; actor_name: string | null; action: string; object_type: string | null; object_id: string | null; outcome: string; ip: string | null; detail: unknown };
    const OUTCOME: Record<string, string> = { ok: '成功', denied: '拒绝', failed: '失败' };
    const stream = streamXlsx<R>(deps.db, '审计日志', [
      { header: '序号', width: 8, value: (r) => r.id },
      { header: '时间（北京时间）', width: 20, value: (r) => new Date(new Date(r.at).getTime() + 8 * 3600000).toISOString().replace('T', ' ').slice(0, 19) },
      { header: '操作人', width: 16, value: (r) => r.actor_name },
      { header: '操作', width: 24, value: (r) => r.action },
      { header: '对象类型', width: 12, value: (r) => r.object_type },
      { header: '对象', width: 38, value: (r) => r.object_id },
      { header: '结果', width: 6, value: (r) => OUTCOME[r.outcome] ?? r.outcome },
      { header: 'IP', width: 16, value: (r) => r.ip },
      { header: '详情', width: 60, value: (r) => JSON.stringify(r.detail) },
    ], (after, limit) => sql`select seq as id, at, actor_name, action, object_type, object_id, outcome, ip, detail from audit_log
        where ${where} ${after !== null ? sql`and seq < ${after}` : sql``} order by seq desc limit ${limit}`);
    return reply.header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').header('content-disposition', contentDisposition('审计日志.xlsx')).send(stream);
  });
};
