import { contracts } from '@xinyu/core';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { callerOf } from '../../http/access-hook.js';
import type { Deps } from '../../http/context.js';
import { SCHOOL_KIND_LABEL } from '@xinyu/core';
import { contentDisposition, XLSX_TYPE, xlsxBuffer } from '../../lib/xlsx-export.js';
import { appendAudit } from '../audit/service.js';
import { homePath } from '../access/service.js';
import { auditActor, createDormitory, createUnit, getUnit, listDormitories, moveUnit, orgTree, updateUnit } from './service.js';

const E = contracts.ErrorBody;
const errors = { 400: E, 403: E, 404: E, 409: E };

export const orgRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  app.get('/org/tree', {
    config: { access: 'org.read' },
    schema: { tags: ['org'], summary: '可见的组织机构（市、区县、学校、年级、班级）', response: { 200: z.object({ items: z.array(contracts.OrgUnit) }), 403: E } },
  }, async (req) => ({ items: await orgTree(deps.db, callerOf(req)) }));

  app.get('/org/units/:id', {
    config: { access: 'org.read' },
    schema: { tags: ['org'], summary: '单位详情', params: contracts.OrgIdParam, response: { 200: contracts.OrgUnit, ...errors } },
  }, async (req) => getUnit(deps.db, callerOf(req), req.params.id));

  app.post('/org/units', {
    config: { access: 'org.write' },
    schema: { tags: ['org'], summary: '新建单位（区县、学校、年级、班级）', body: contracts.CreateOrgUnitBody, response: { 200: contracts.OrgUnit, ...errors } },
  }, async (req) => createUnit(deps, callerOf(req), req.body));

  app.patch('/org/units/:id', {
    config: { access: 'org.write' },
    schema: { tags: ['org'], summary: '修改或停用单位（有在读学生时不能停用）', params: contracts.OrgIdParam, body: contracts.UpdateOrgUnitBody, response: { 200: contracts.OrgUnit, ...errors } },
  }, async (req) => updateUnit(deps, callerOf(req), req.params.id, req.body));

  app.post('/org/units/:id/move', {
    config: { access: 'org.write' },
    schema: { tags: ['org'], summary: '调整上级单位', params: contracts.OrgIdParam, body: contracts.MoveOrgUnitBody, response: { 200: contracts.OrgUnit, ...errors } },
  }, async (req) => moveUnit(deps, callerOf(req), req.params.id, req.body.parentId));

  app.get('/org/units/:id/dormitories', {
    config: { access: 'org.read' },
    schema: { tags: ['org'], summary: '学校宿舍', params: contracts.OrgIdParam, response: { 200: z.object({ items: z.array(contracts.Dormitory) }), ...errors } },
  }, async (req) => ({ items: await listDormitories(deps.db, callerOf(req), req.params.id) }));

  app.post('/org/units/:id/dormitories', {
    config: { access: 'org.write' },
    schema: { tags: ['org'], summary: '新建宿舍（寄宿制学校）', params: contracts.OrgIdParam, body: contracts.CreateDormitoryBody, response: { 200: contracts.Dormitory, ...errors } },
  }, async (req) => createDormitory(deps, callerOf(req), req.params.id, req.body.name));

  app.get('/org/export', {
    config: { access: 'org.read' },
    schema: { tags: ['org'], summary: '导出可见的单位名单（.xlsx：区县、学校、年级、班级及在读人数）', querystring: z.object({ kind: z.enum(['district', 'school', 'grade', 'class']).optional() }), produces: [XLSX_TYPE] },
  }, async (req, reply) => {
    const caller = callerOf(req);
    const units = await orgTree(deps.db, caller);
    const byId = new Map(units.map((u) => [u.id, u]));
    const KIND = { city: '市', district: '区县', school: '学校', grade: '年级', class: '班级' } as const;
    const chain = (u: (typeof units)[number]) => {
      const names: string[] = [];
      for (let p = u.parentId ? byId.get(u.parentId) : undefined; p; p = p.parentId ? byId.get(p.parentId) : undefined) names.unshift(p.name);
      return names.join(' / ');
    };
    const list = units.filter((u) => !req.query.kind || u.kind === req.query.kind).sort((a, b) => a.path.localeCompare(b.path));
    await appendAudit(deps.db, { ...auditActor(caller), action: 'org.export', objectType: 'org_unit_list', orgPath: homePath(caller.assignments), detail: { kind: req.query.kind ?? null, rows: list.length } }, deps.clock());
    const buf = await xlsxBuffer('单位名单', [
      { header: '类别', width: 8, value: (u) => KIND[u.kind] },
      { header: '名称', width: 24, value: (u) => u.name },
      { header: '代码', width: 10, value: (u) => u.code },
      { header: '上级', width: 36, value: (u) => chain(u) },
      { header: '学校类型', width: 16, value: (u) => (u.schoolKind ? SCHOOL_KIND_LABEL[u.schoolKind] : null) },
      { header: '寄宿制', width: 8, value: (u) => (u.kind === 'school' ? (u.boarding ? '是' : '否') : null) },
      { header: '状态', width: 8, value: (u) => (u.active ? '启用' : '停用') },
      { header: '在读学生', width: 10, value: (u) => u.studentCount },
    ], list);
    return reply.header('content-type', XLSX_TYPE).header('content-disposition', contentDisposition('单位名单.xlsx')).send(buf);
  });
};
