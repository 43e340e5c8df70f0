import { contracts } from '@xinyu/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { callerOf } from '../../http/access-hook.js';
import type { Deps } from '../../http/context.js';
import { z } from 'zod';
import { listCalls, logCall, readSummary } from './hotline.js';
import { closeThread, followUpByCode, followUpMine, getRules, getThread, listThreads, myThreads, postThread, putRules, readByCode, readMyThread, replyThread, resetRules } from './mailbox.js';
import { amendNotes, createSession, designateSupervisor, escalateSession, getSession, listSessions, listSupervisors, readNotes, removeSupervisor } from './sessions.js';

const E = contracts.ErrorBody;
const tags = ['counseling-records'];
const errors = { 400: E, 403: E, 404: E, 409: E };
const SESSION_ROLES = ['session.write', 'session.supervise'] as const;

export const recordRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  // --- session records (咨询记录表) ---
  app.get('/counseling/sessions', {
    config: { access: SESSION_ROLES },
    schema: { tags, summary: '咨询记录列表（学生、日期、形式、时长、咨询师及关联的预警或个案；不含内容，每次查看记入审计日志）', querystring: contracts.SessionQuery, response: { 200: contracts.paged(contracts.SessionMeta), 400: E, 403: E } },
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

  // --- mailbox (心灵信箱): the student ---
  app.post('/mailbox/threads', {
    config: { access: 'mailbox.write' },
    schema: { tags, summary: '给心灵信箱写信（署名或匿名；匿名时只返回一次提取码）', body: contracts.MailboxPostBody, response: { 200: contracts.MailboxPostResult, ...errors } },
  }, async (req) => postThread(deps, callerOf(req), req.body));

  app.get('/mailbox/mine', {
    config: { access: 'mailbox.write' },
    schema: { tags, summary: '我署名写的信', response: { 200: z.object({ items: z.array(contracts.MailboxWriterSummary) }), ...errors } },
  }, async (req) => ({ items: await myThreads(deps, callerOf(req)) }));

  app.get('/mailbox/mine/:id', {
    config: { access: 'mailbox.write' },
    schema: { tags, summary: '我署名写的一封信及回复', params: contracts.IdParam, response: { 200: contracts.MailboxThreadForWriter, ...errors } },
  }, async (req) => readMyThread(deps, callerOf(req), req.params.id));

  app.post('/mailbox/mine/:id/messages', {
    config: { access: 'mailbox.write' },
    schema: { tags, summary: '在我署名的信里继续留言', params: contracts.IdParam, body: contracts.MailboxReplyBody, response: { 200: contracts.MailboxThreadForWriter, ...errors } },
  }, async (req) => followUpMine(deps, callerOf(req), req.params.id, req.body));

  app.post('/mailbox/code', {
    config: { access: 'mailbox.write' },
    schema: { tags, summary: '凭提取码查看匿名来信及回复', body: contracts.MailboxCodeBody, response: { 200: contracts.MailboxThreadForWriter, 429: E, ...errors } },
  }, async (req) => readByCode(deps, callerOf(req), req.body.code));

  app.post('/mailbox/code/messages', {
    config: { access: 'mailbox.write' },
    schema: { tags, summary: '凭提取码在匿名来信里继续留言', body: contracts.MailboxCodeReplyBody, response: { 200: contracts.MailboxThreadForWriter, 429: E, ...errors } },
  }, async (req) => followUpByCode(deps, callerOf(req), req.body));

  // --- mailbox: the school's counselors ---
  app.get('/mailbox/threads', {
    config: { access: 'mailbox.answer' },
    schema: { tags, summary: '本校心灵信箱（优先来信在前）', querystring: contracts.MailboxStaffQuery, response: { 200: contracts.paged(contracts.MailboxThreadStaff), 400: E, 403: E } },
  }, async (req) => listThreads(deps, callerOf(req), req.query));

  app.get('/mailbox/threads/:id', {
    config: { access: 'mailbox.answer' },
    schema: { tags, summary: '一封来信及往来留言', params: contracts.IdParam, response: { 200: contracts.MailboxThreadStaffDetail, ...errors } },
  }, async (req) => getThread(deps, callerOf(req), req.params.id));

  app.post('/mailbox/threads/:id/replies', {
    config: { access: 'mailbox.answer' },
    schema: { tags, summary: '回复来信', params: contracts.IdParam, body: contracts.MailboxReplyBody, response: { 200: contracts.MailboxThreadStaffDetail, ...errors } },
  }, async (req) => replyThread(deps, callerOf(req), req.params.id, req.body));

  app.post('/mailbox/threads/:id/close', {
    config: { access: 'mailbox.answer' },
    schema: { tags, summary: '关闭来信', params: contracts.IdParam, response: { 200: contracts.MailboxThreadStaffDetail, ...errors } },
  }, async (req) => closeThread(deps, callerOf(req), req.params.id));

  app.get('/mailbox/rules', {
    config: { access: ['mailbox.answer', 'config.write'] },
    schema: { tags, summary: '心灵信箱优先提示关键词（分诊辅助）', response: { 200: contracts.MailboxRules, 403: E } },
  }, async (req) => getRules(deps, callerOf(req)));

  app.put('/mailbox/rules', {
    config: { access: 'config.write' },
    schema: { tags, summary: '设置本地区的优先提示关键词', body: contracts.MailboxRulesBody, response: { 200: contracts.MailboxRules, 400: E, 403: E } },
  }, async (req) => putRules(deps, callerOf(req), req.body));

  app.delete('/mailbox/rules', {
    config: { access: 'config.write' },
    schema: { tags, summary: '恢复默认关键词', response: { 200: contracts.MailboxRules, 403: E } },
  }, async (req) => resetRules(deps, callerOf(req)));

  // --- hotline (心理热线) ---
  app.post('/hotline/calls', {
    config: { access: 'hotline.log' },
    schema: { tags, summary: '记录自己接听的热线（摘要加密保存）', body: contracts.HotlineCallBody, response: { 200: contracts.HotlineCall.extend({ duplicate: z.boolean() }), ...errors } },
  }, async (req) => logCall(deps, callerOf(req), req.body));

  app.get('/hotline/calls', {
    config: { access: SESSION_ROLES },
    schema: { tags, summary: '本校热线记录（不含摘要）', querystring: contracts.HotlineQuery, response: { 200: contracts.paged(contracts.HotlineCall), 400: E, 403: E } },
  }, async (req) => listCalls(deps, callerOf(req), req.query));

  app.get('/hotline/calls/:id/summary', {
    config: { access: 'authenticated' },
    schema: { tags, summary: '热线摘要（仅接听人和本校督导；每次阅读记入审计日志）', params: contracts.IdParam, response: { 200: contracts.HotlineSummaryOut, ...errors } },
  }, async (req) => readSummary(deps, callerOf(req), req.params.id));
};
