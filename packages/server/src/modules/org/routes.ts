import { contracts } from '@xinyu/core';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { callerOf } from '../../http/access-hook.js';
import type { Deps } from '../../http/context.js';
import { createDormitory, createUnit, getUnit, listDormitories, moveUnit, orgTree, updateUnit } from './service.js';

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
};
