import { contracts } from '@xinyu/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { callerOf } from '../../http/access-hook.js';
import type { Deps } from '../../http/context.js';
import { amendNotes, createSession, designateSupervisor, escalateSession, getSession, listSessions, listSupervisors, readNotes, removeSupervisor } from './sessions.js';

const E = contracts.ErrorBody;
const tags = ['counseling-records'];
const errors = { 400: E, 403: E, 404: E, 409: E };
const SESSION_ROLES = ['session.write', 'session.supervise'] as const;

export const recordRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  // --- session records (咨询记录表) ---
  app.get('/counseling/sessions', {
    config: { access: SESSION_ROLES },
    schema: { tags, summary: '咨询记录（只有日期、形式、时长、咨询师，不含内容）', querystring: contracts.SessionQuery, response: { 200: contracts.paged(contracts.SessionMeta), 400: E, 403: E } },
  }, async (req) => listSessions(deps, callerOf(req), req.query));

  app.post('/counseling/sessions', {
    config: { access: 'session.write' },
    schema: { tags, summary: '填写咨询记录表（内容加密保存；可一步发起预警或危机个案）', body: contracts.CreateSessionBody, response: { 200: contracts.CreateSessionResult, ...errors } },
  }, async (req) => createSession(deps, callerOf(req), req.body));

  app.get('/counseling/sessions/:id', {
    config: { access: SESSION_ROLES },
    schema: { tags, summary: '一条咨询记录的基本信息（不含内容）', params: contracts.IdParam, response: { 200: contracts.SessionMeta, ...errors } },
  }, async (req) => getSession(deps, callerOf(req), req.params.id));

  // only the author and the school's designated supervisors: everyone else, whatever their role, gets 404
  app.get('/counseling/sessions/:id/notes', {
    config: { access: 'authenticated' },
    schema: { tags, summary: '咨询记录的内容（仅记录人和本校督导；每次阅读都记入审计日志）', params: contracts.IdParam, response: { 200: contracts.SessionNotesOut, ...errors } },
  }, async (req) => readNotes(deps, callerOf(req), req.params.id));

  app.put('/counseling/sessions/:id/notes', {
    config: { access: 'session.write' },
    schema: { tags, summary: '修改自己的咨询记录（重新加密，记入审计日志）', params: contracts.IdParam, body: contracts.AmendSessionBody, response: { 200: contracts.SessionNotesOut, ...errors } },
  }, async (req) => amendNotes(deps, callerOf(req), req.params.id, req.body));

  app.post('/counseling/sessions/:id/escalate', {
    config: { access: SESSION_ROLES },
    schema: { tags, summary: '根据咨询记录的风险评估发起预警或危机个案', params: contracts.IdParam, body: contracts.EscalateSessionBody, response: { 200: contracts.SessionMeta, ...errors } },
  }, async (req) => escalateSession(deps, callerOf(req), req.params.id, req.body.escalate));

  // --- supervisors (督导) ---
  app.get('/counseling/supervisors', {
    config: { access: SESSION_ROLES },
    schema: { tags, summary: '本校咨询记录督导', querystring: contracts.SupervisorQuery, response: { 200: contracts.SupervisorList, ...errors } },
  }, async (req) => listSupervisors(deps, callerOf(req), req.query.schoolId));

  app.post('/counseling/supervisors', {
    config: { access: 'session.supervise' },
    schema: { tags, summary: '指定督导（学校领导；须是本校心理教师或学校领导）', body: contracts.DesignateSupervisorBody, response: { 200: contracts.SupervisorList, ...errors } },
  }, async (req) => designateSupervisor(deps, callerOf(req), req.body));

  app.delete('/counseling/supervisors/:id', {
    config: { access: 'session.supervise' },
    schema: { tags, summary: '取消督导（学校领导）', params: contracts.IdParam, response: { 200: contracts.SupervisorList, ...errors } },
  }, async (req) => removeSupervisor(deps, callerOf(req), req.params.id));
};
