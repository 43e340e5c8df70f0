import { contracts } from '@xinyu/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { callerOf } from '../../http/access-hook.js';
import type { Deps } from '../../http/context.js';
import { createStudio, listStudios } from './studios.js';
import { createCertificate, createTraining, listTrainings, schoolWorkforce, withdrawCertificate, workforceOverview } from './service.js';

const E = contracts.ErrorBody;
const tags = ['workforce'];
const errors = { 400: E, 403: E, 404: E, 409: E };

/** 队伍建设：心理教师、证书等级、培训学时、配备比例. */
export const workforceRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  app.get('/workforce/overview', {
    config: { access: 'workforce.read' },
    schema: { tags, summary: '队伍建设一览：各校专兼职心理教师、按 1:1000 应配专职人数及是否达标、持证率、C/B/A 证占比、培训学时', querystring: contracts.WorkforceOverviewQuery, response: { 200: contracts.WorkforceOverview, ...errors } },
  }, async (req) => workforceOverview(deps, callerOf(req), req.query));

  app.get('/workforce/schools/:id', {
    config: { access: 'workforce.read' },
    schema: { tags, summary: '一所学校的心理教师和班主任：岗位、证书（编号仅管理者和本人可见）、本年培训学时', params: contracts.OrgIdParam, querystring: contracts.SchoolWorkforceQuery, response: { 200: contracts.SchoolWorkforce, ...errors } },
  }, async (req) => schoolWorkforce(deps, callerOf(req), req.params.id, req.query));

  app.post('/workforce/certificates', {
    config: { access: 'workforce.manage' },
    schema: { tags, summary: '登记证书（重复提交只记一次）', body: contracts.CreateCertificateBody, response: { 200: contracts.WorkforceCertificate, ...errors } },
  }, async (req) => createCertificate(deps, callerOf(req), req.body));

  app.delete('/workforce/certificates/:id', {
    config: { access: 'workforce.manage' },
    schema: { tags, summary: '撤销误登记的证书（保留记录，不再计入）', params: contracts.IdParam, response: { 200: contracts.WorkforceCertificate, ...errors } },
  }, async (req) => withdrawCertificate(deps, callerOf(req), req.params.id));

  app.get('/workforce/trainings', {
    config: { access: 'workforce.read' },
    schema: { tags, summary: '培训（轮训）记录，按日期倒序分页', querystring: contracts.TrainingListQuery, response: { 200: contracts.TrainingList, ...errors } },
  }, async (req) => listTrainings(deps, callerOf(req), req.query));

  app.post('/workforce/trainings', {
    config: { access: 'workforce.manage' },
    schema: { tags, summary: '登记一次培训及参训人员（可多人，重复提交只记一次）', body: contracts.CreateTrainingBody, response: { 200: contracts.WorkforceTraining, ...errors } },
  }, async (req) => createTraining(deps, callerOf(req), req.body));

  app.get('/workforce/studios', {
    config: { access: 'workforce.read' },
    schema: { tags, summary: '名师工作室（领衔人或成员在可见范围内），分页', querystring: contracts.StudioListQuery, response: { 200: contracts.StudioList, ...errors } },
  }, async (req) => listStudios(deps, callerOf(req), req.query));

  app.post('/workforce/studios', {
    config: { access: 'workforce.manage' },
    schema: { tags, summary: '新建名师工作室：名称、级别（市级/县级）、领衔人、成员、成立年份（重复提交只记一次）', body: contracts.CreateStudioBody, response: { 200: contracts.WorkforceStudio, ...errors } },
  }, async (req) => createStudio(deps, callerOf(req), req.body));
};
