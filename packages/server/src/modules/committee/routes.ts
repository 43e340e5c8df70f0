import { committeeRuleProblems, contracts, type CommitteeRule } from '@xinyu/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { callerOf } from '../../http/access-hook.js';
import type { Deps } from '../../http/context.js';
import {
  addTraining, appointDormMember, classReports, committeeStatus, dormReports, dormResidents, getCalendar, listTrainings, myCommittee, putCalendar, putRule, removeDormMember, ruleFor, submitReport,
} from './service.js';

const E = contracts.ErrorBody;
const tags = ['committee'];
const errors = { 400: E, 403: E, 404: E, 409: E };
const DormParam = z.object({ id: z.coerce.number().int().positive() });

export const committeeRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  app.get('/my/committee', {
    config: { access: 'committee.report' },
    schema: { tags, summary: '心理委员：本班同学名单、今天的报告、最近的报告', response: { 200: contracts.MyCommittee, 403: E } },
  }, async (req) => myCommittee(deps, callerOf(req)));

  app.post('/my/committee/reports', {
    config: { access: 'committee.report' },
    schema: { tags, summary: '心理委员：提交今天的报告（一切正常，或需要关注的同学）', body: contracts.CommitteeReportBody, response: { 200: contracts.CommitteeSubmitResult, ...errors } },
  }, async (req) => submitReport(deps, callerOf(req), req.body));

  app.get('/committee/status', {
    config: { access: 'committee.read' },
    schema: { tags, summary: '各班心理委员报告情况：上学日、已报、未报', querystring: contracts.CommitteeStatusQuery, response: { 200: contracts.CommitteeStatus, ...errors } },
  }, async (req) => committeeStatus(deps, callerOf(req), req.query));

  app.get('/committee/reports', {
    config: { access: 'committee.read' },
    schema: { tags, summary: '一个班的心理委员报告（含提到的同学）', querystring: contracts.CommitteeReportsQuery, response: { 200: z.object({ items: z.array(contracts.CommitteeReport) }), ...errors } },
  }, async (req) => ({ items: await classReports(deps, callerOf(req), req.query) }));

  app.get('/committee/dorm-reports', {
    config: { access: 'committee.read' },
    schema: { tags, summary: '一个宿舍的心理委员报告（含提到的舍友；心理教师、学校领导）', querystring: contracts.CommitteeDormReportsQuery, response: { 200: z.object({ items: z.array(contracts.CommitteeReport) }), ...errors } },
  }, async (req) => ({ items: await dormReports(deps, callerOf(req), req.query) }));

  app.get('/committee/dormitories/:id/residents', {
    config: { access: 'committee.manage' },
    schema: { tags, summary: '宿舍的住宿生（任命宿舍心理委员用）', params: DormParam, response: { 200: contracts.DormResidents, ...errors } },
  }, async (req) => dormResidents(deps, callerOf(req), req.params.id));

  app.post('/committee/dormitories/:id/members', {
    config: { access: 'committee.manage' },
    schema: { tags, summary: '任命宿舍心理委员（须住在该宿舍）', params: DormParam, body: contracts.DormMemberBody, response: { 200: contracts.DormResidents, ...errors } },
  }, async (req) => appointDormMember(deps, callerOf(req), req.params.id, req.body));

  app.delete('/committee/dormitories/:id/members/:studentId', {
    config: { access: 'committee.manage' },
    schema: { tags, summary: '免去宿舍心理委员（已交的报告保留）', params: DormParam.extend({ studentId: z.uuid() }), response: { 200: contracts.DormResidents, ...errors } },
  }, async (req) => removeDormMember(deps, callerOf(req), req.params.id, req.params.studentId));

  app.get('/committee/trainings', {
    config: { access: 'committee.manage' },
    schema: { tags, summary: '心理委员培训记录', response: { 200: z.object({ items: z.array(contracts.CommitteeTraining) }), 403: E } },
  }, async (req) => ({ items: await listTrainings(deps, callerOf(req)) }));

  app.post('/committee/trainings', {
    config: { access: 'committee.manage' },
    schema: { tags, summary: '登记心理委员培训', body: contracts.CommitteeTrainingBody, response: { 200: z.object({ items: z.array(contracts.CommitteeTraining) }), ...errors } },
  }, async (req) => ({ items: await addTraining(deps, callerOf(req), req.body) }));

  app.get('/calendar', {
    config: { access: ['committee.read', 'committee.report', 'config.write'] },
    schema: { tags, summary: '校历：学期与节假日、调休', response: { 200: contracts.SchoolCalendarBody, 403: E } },
  }, async (req) => getCalendar(deps, callerOf(req)));

  app.put('/calendar', {
    config: { access: 'config.write' },
    schema: { tags, summary: '设置校历（整体替换）', body: contracts.SchoolCalendarBody, response: { 200: contracts.SchoolCalendarBody, 400: E, 403: E } },
  }, async (req) => putCalendar(deps, callerOf(req), req.body));

  app.get('/committee/rule', {
    config: { access: ['committee.read', 'config.write'] },
    schema: { tags, summary: '心理委员报告转为预警的规则', response: { 200: contracts.CommitteeRule, 403: E } },
  }, async (req) => ruleFor(deps.db, callerOf(req).regionId) as Promise<z.infer<typeof contracts.CommitteeRule>>);

  app.put('/committee/rule', {
    config: { access: 'config.write' },
    schema: { tags, summary: '设置心理委员报告转为预警的规则', body: contracts.CommitteeRule, response: { 200: contracts.CommitteeRule, 400: E, 403: E } },
  }, async (req) => putRule(deps, callerOf(req), req.body as CommitteeRule, committeeRuleProblems(req.body as CommitteeRule)) as Promise<z.infer<typeof contracts.CommitteeRule>>);
};
