import { contracts } from '@xinyu/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { callerOf } from '../../http/access-hook.js';
import type { Deps } from '../../http/context.js';
import { createClinician, createInstitution, listClinicians, listInstitutions, updateInstitution } from './institutions.js';
import { counselingMeasures } from './measures.js';
import { clinicStep, closeReferral, createReferral, getClinicReferral, getReferral, listClinicReferrals, listReferrals, resendReferral, studentContext } from './referrals.js';
import { closeReturnPlan, createReturnPlan, followUpDone, getReturnPlan, listReturnPlans } from './returns.js';

const E = contracts.ErrorBody;
const errors = { 400: E, 403: E, 404: E, 409: E };

export const referralRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  // --- partner institutions ------------------------------------------------------------------------
  let tags = ['institutions'];
  app.get('/institutions', {
    config: { access: ['institution.manage', 'crisis.manage', 'crisis.read'] },
    schema: { tags, summary: '合作机构（转介绿色通道）', response: { 200: z.object({ items: z.array(contracts.PartnerInstitution) }), 403: E } },
  }, async (req) => ({ items: await listInstitutions(deps.db, callerOf(req)) }));

  app.post('/institutions', {
    config: { access: 'institution.manage' },
    schema: { tags, summary: '登记合作机构', body: contracts.InstitutionBody, response: { 200: contracts.PartnerInstitution, ...errors } },
  }, async (req) => createInstitution(deps, callerOf(req), req.body));

  app.put('/institutions/:id', {
    config: { access: 'institution.manage' },
    schema: { tags, summary: '修改合作机构（名称、地址、电话、接收时限、停用）', params: contracts.IdParam, body: contracts.InstitutionBody, response: { 200: contracts.PartnerInstitution, ...errors } },
  }, async (req) => updateInstitution(deps, callerOf(req), req.params.id, req.body));

  app.get('/institutions/:id/clinicians', {
    config: { access: 'institution.manage' },
    schema: { tags, summary: '机构的医生账号', params: contracts.IdParam, response: { 200: z.object({ items: z.array(contracts.InstitutionClinician) }), ...errors } },
  }, async (req) => ({ items: await listClinicians(deps, callerOf(req), req.params.id) }));

  app.post('/institutions/:id/clinicians', {
    config: { access: 'institution.manage' },
    schema: { tags, summary: '为机构开设医生账号（初始密码，首次登录须修改）', params: contracts.IdParam, body: contracts.CreateClinicianBody, response: { 200: z.object({ items: z.array(contracts.InstitutionClinician) }), ...errors } },
  }, async (req) => createClinician(deps, callerOf(req), req.params.id, req.body));

  // --- referrals: the school ------------------------------------------------------------------------
  tags = ['referrals'];
  app.get('/referrals', {
    config: { access: 'crisis.read' },
    schema: { tags, summary: '转介（本人范围内学生的）', querystring: contracts.ReferralQuery, response: { 200: contracts.paged(contracts.Referral), ...errors } },
  }, async (req) => listReferrals(deps, callerOf(req), req.query));

  app.post('/referrals', {
    config: { access: 'crisis.manage' },
    schema: { tags, summary: '发起转介（须记录监护人同意；机构只看到必要信息）', body: contracts.CreateReferralBody, response: { 200: contracts.ReferralDetail, ...errors } },
  }, async (req) => createReferral(deps, callerOf(req), req.body));

  app.get('/referrals/students/:id', {
    config: { access: 'crisis.manage' },
    schema: { tags, summary: '转介表所需的学生信息：班级、监护人、进行中的危机个案', params: contracts.IdParam, response: { 200: contracts.ReferralStudentContext, ...errors } },
  }, async (req) => studentContext(deps, callerOf(req), req.params.id));

  app.get('/referrals/:id', {
    config: { access: 'crisis.read' },
    schema: { tags, summary: '转介详情与经过', params: contracts.IdParam, response: { 200: contracts.ReferralDetail, ...errors } },
  }, async (req) => getReferral(deps, callerOf(req), req.params.id));

  app.post('/referrals/:id/close', {
    config: { access: 'crisis.manage' },
    schema: { tags, summary: '结束转介（机构反馈后，或机构未接收时）', params: contracts.IdParam, body: contracts.CloseReferralBody, response: { 200: contracts.ReferralDetail, ...errors } },
  }, async (req) => closeReferral(deps, callerOf(req), req.params.id, req.body));

  app.post('/referrals/:id/resend', {
    config: { access: 'crisis.manage' },
    schema: { tags, summary: '改送其他机构（机构未接收时）', params: contracts.IdParam, body: contracts.ResendReferralBody, response: { 200: contracts.ReferralDetail, ...errors } },
  }, async (req) => resendReferral(deps, callerOf(req), req.params.id, req.body));

  // --- referrals: the clinician ---------------------------------------------------------------------
  tags = ['clinic'];
  app.get('/clinic/referrals', {
    config: { access: 'referral.respond' },
    schema: { tags, summary: '转到本机构的转介（只有必要信息）', querystring: contracts.ClinicReferralQuery, response: { 200: z.object({ items: z.array(contracts.ClinicReferral) }), ...errors } },
  }, async (req) => listClinicReferrals(deps, callerOf(req), req.query));

  app.get('/clinic/referrals/:id', {
    config: { access: 'referral.respond' },
    schema: { tags, summary: '一份转到本机构的转介', params: contracts.IdParam, response: { 200: contracts.ClinicReferral, ...errors } },
  }, async (req) => getClinicReferral(deps, callerOf(req), req.params.id));

  app.post('/clinic/referrals/:id/accept', {
    config: { access: 'referral.respond' },
    schema: { tags, summary: '接收转介（成为接诊医生）', params: contracts.IdParam, response: { 200: contracts.ClinicReferral, ...errors } },
  }, async (req) => clinicStep(deps, callerOf(req), req.params.id, { action: 'accept' }));

  app.post('/clinic/referrals/:id/decline', {
    config: { access: 'referral.respond' },
    schema: { tags, summary: '不能接收（须说明原因）', params: contracts.IdParam, body: contracts.DeclineReferralBody, response: { 200: contracts.ClinicReferral, ...errors } },
  }, async (req) => clinicStep(deps, callerOf(req), req.params.id, { action: 'decline', reason: req.body.reason }));

  app.post('/clinic/referrals/:id/seen', {
    config: { access: 'referral.respond' },
    schema: { tags, summary: '登记已就诊', params: contracts.IdParam, body: contracts.SeenReferralBody, response: { 200: contracts.ClinicReferral, ...errors } },
  }, async (req) => clinicStep(deps, callerOf(req), req.params.id, { action: 'seen', seenAt: req.body.seenAt }));

  app.post('/clinic/referrals/:id/feedback', {
    config: { access: 'referral.respond' },
    schema: { tags, summary: '反馈：建议、可否返校、返校日期、随访间隔', params: contracts.IdParam, body: contracts.ReferralFeedback, response: { 200: contracts.ClinicReferral, ...errors } },
  }, async (req) => clinicStep(deps, callerOf(req), req.params.id, { action: 'feedback', feedback: req.body }));

  // --- return to school -----------------------------------------------------------------------------
  tags = ['returns'];
  app.get('/returns', {
    config: { access: 'crisis.read' },
    schema: { tags, summary: '愈后复学计划', querystring: contracts.ReturnPlanQuery, response: { 200: contracts.paged(contracts.ReturnPlan), ...errors } },
  }, async (req) => listReturnPlans(deps, callerOf(req), req.query));

  app.post('/returns', {
    config: { access: 'crisis.manage' },
    schema: { tags, summary: '制订复学计划（每位学生同时只有一份进行中的计划）', body: contracts.CreateReturnPlanBody, response: { 200: contracts.ReturnPlanDetail, ...errors } },
  }, async (req) => createReturnPlan(deps, callerOf(req), req.body));

  app.get('/returns/:id', {
    config: { access: 'crisis.read' },
    schema: { tags, summary: '复学计划与跟踪记录', params: contracts.IdParam, response: { 200: contracts.ReturnPlanDetail, ...errors } },
  }, async (req) => getReturnPlan(deps, callerOf(req), req.params.id));

  app.post('/returns/:id/follow-ups/:seq', {
    config: { access: 'crisis.manage' },
    schema: { tags, summary: '完成一次跟踪（附情况说明）', params: contracts.FollowUpParams, body: contracts.FollowUpDoneBody, response: { 200: contracts.ReturnPlanDetail, ...errors } },
  }, async (req) => followUpDone(deps, callerOf(req), req.params.id, req.params.seq, req.body));

  app.post('/returns/:id/close', {
    config: { access: 'crisis.manage' },
    schema: { tags, summary: '复学计划结案', params: contracts.IdParam, body: contracts.CloseReturnPlanBody, response: { 200: contracts.ReturnPlanDetail, ...errors } },
  }, async (req) => closeReturnPlan(deps, callerOf(req), req.params.id, req.body));

  // --- measures ------------------------------------------------------------------------------------
  app.get('/measures/counseling', {
    config: { access: 'counseling.measures' },
    schema: { tags: ['measures'], summary: '工作指标：转介周转、反馈率、红色预警首次联系时长、咨询时数（只有数字）', querystring: contracts.CounselingMeasuresQuery, response: { 200: contracts.CounselingMeasures, ...errors } },
  }, async (req) => counselingMeasures(deps, callerOf(req), req.query));
};
