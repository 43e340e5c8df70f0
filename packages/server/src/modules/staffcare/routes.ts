import { contracts } from '@xinyu/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { callerOf } from '../../http/access-hook.js';
import type { Deps } from '../../http/context.js';
import { addCase, addRecord, assignCarer, carerCandidates, categoriesFor, closure, createSweep, getCase, listCases, listSweeps, putCategories, reviewGroup, searchPeople, sweepCompletion, sweepGroup } from './service.js';

const E = contracts.ErrorBody;
const tags = ['staffcare'];
const errors = { 400: E, 403: E, 404: E, 409: E };

export const staffCareRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  app.get('/staffcare/categories', {
    config: { access: ['staffcare.read', 'config.write'] },
    schema: { tags, summary: '教职工关爱的类别（内置及本地区增加的）', response: { 200: contracts.StaffCareCategories, 403: E } },
  }, async (req) => ({ categories: await categoriesFor(deps.db, callerOf(req).regionId) }));

  app.put('/staffcare/categories', {
    config: { access: 'config.write' },
    schema: { tags, summary: '设置本地区增加的教职工关爱类别', body: contracts.StaffCareCategoriesBody, response: { 200: contracts.StaffCareCategories, 400: E, 403: E } },
  }, async (req) => putCategories(deps, callerOf(req), req.body));

  app.get('/staffcare/sweeps', {
    config: { access: 'staffcare.read' },
    schema: { tags, summary: '教职工排查（本人所在单位的）', response: { 200: z.object({ items: z.array(contracts.StaffSweep) }), 403: E } },
  }, async (req) => ({ items: await listSweeps(deps, callerOf(req)) }));

  app.post('/staffcare/sweeps', {
    config: { access: 'staffcare.manage' },
    schema: { tags, summary: '发起本学期教职工排查', body: contracts.CreateStaffSweepBody, response: { 200: contracts.StaffSweep, ...errors } },
  }, async (req) => createSweep(deps, callerOf(req), req.body));

  app.get('/staffcare/sweeps/:id/groups/:unitId/:tier', {
    config: { access: ['staffcare.review', 'staffcare.leaders'] },
    schema: { tags, summary: '一组人员的排查：本校教职工（学校领导）或学校领导、教育局人员（教育局）', params: contracts.StaffGroupParams, response: { 200: contracts.StaffSweepGroup, ...errors } },
  }, async (req) => sweepGroup(deps, callerOf(req), req.params.id, req.params.unitId, req.params.tier));

  app.put('/staffcare/sweeps/:id/groups/:unitId/:tier', {
    config: { access: ['staffcare.review', 'staffcare.leaders'] },
    schema: { tags, summary: '提交一组人员的排查（不漏一人），更新关爱名单', params: contracts.StaffGroupParams, body: contracts.StaffSweepReviewBody, response: { 200: contracts.StaffSweepGroup, ...errors } },
  }, async (req) => reviewGroup(deps, callerOf(req), req.params.id, req.params.unitId, req.params.tier, req.body));

  app.get('/staffcare/sweeps/:id/completion', {
    config: { access: 'staffcare.read' },
    schema: { tags, summary: '教职工排查完成情况（只有人数）', params: contracts.IdParam, querystring: contracts.StaffSweepCompletionQuery, response: { 200: contracts.StaffSweepCompletion, ...errors } },
  }, async (req) => sweepCompletion(deps, callerOf(req), req.params.id, req.query.unitId));

  app.get('/staffcare/cases', {
    config: { access: 'staffcare.read' },
    schema: { tags, summary: '教职工关爱名单（同事不可见，本人不可见）', querystring: contracts.StaffCaseQuery, response: { 200: contracts.paged(contracts.StaffCase), 400: E, 403: E, 404: E } },
  }, async (req) => listCases(deps, callerOf(req), req.query));

  app.post('/staffcare/cases', {
    config: { access: 'staffcare.manage' },
    schema: { tags, summary: '列入教职工关爱名单（已在册则补充类别与来源）', body: contracts.AddStaffCaseBody, response: { 200: contracts.StaffCaseDetail, ...errors } },
  }, async (req) => addCase(deps, callerOf(req), req.body));

  app.get('/staffcare/people', {
    config: { access: 'staffcare.manage' },
    schema: { tags, summary: '按姓名查找可列入关爱名单的教职工', querystring: contracts.StaffCarePeopleQuery, response: { 200: z.object({ items: z.array(contracts.StaffCarePerson) }), ...errors } },
  }, async (req) => ({ items: await searchPeople(deps, callerOf(req), req.query) }));

  app.get('/staffcare/cases/:id', {
    config: { access: 'staffcare.read' },
    schema: { tags, summary: '一位教职工的关爱记录：经过、关爱人、记录、销号', params: contracts.IdParam, response: { 200: contracts.StaffCaseDetail, ...errors } },
  }, async (req) => getCase(deps, callerOf(req), req.params.id));

  app.get('/staffcare/cases/:id/carers', {
    config: { access: 'staffcare.manage' },
    schema: { tags, summary: '可担任关爱人的领导（含已关爱人数）', params: contracts.IdParam, response: { 200: z.object({ items: z.array(contracts.StaffCarerCandidate) }), ...errors } },
  }, async (req) => ({ items: await carerCandidates(deps, callerOf(req), req.params.id) }));

  app.post('/staffcare/cases/:id/carer', {
    config: { access: 'staffcare.manage' },
    schema: { tags, summary: '指定关爱人（原关爱人结束并保留记录）', params: contracts.IdParam, body: contracts.AssignStaffCarerBody, response: { 200: contracts.StaffCaseDetail, ...errors } },
  }, async (req) => assignCarer(deps, callerOf(req), req.params.id, req.body));

  app.post('/staffcare/cases/:id/records', {
    config: { access: 'staffcare.manage' },
    schema: { tags, summary: '记录关爱情况（谈心、走访、电话、帮扶）', params: contracts.IdParam, body: contracts.StaffCareRecordBody, response: { 200: contracts.StaffCaseDetail, ...errors } },
  }, async (req) => addRecord(deps, callerOf(req), req.params.id, req.body));

  app.post('/staffcare/cases/:id/closure', {
    config: { access: 'staffcare.manage' },
    schema: { tags, summary: '销号：申请、审批或退回（审批人不能是申请人）', params: contracts.IdParam, body: contracts.StaffClosureBody, response: { 200: contracts.StaffCaseDetail, ...errors } },
  }, async (req) => closure(deps, callerOf(req), req.params.id, req.body));
};
