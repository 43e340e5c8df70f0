import { contracts } from '@xinyu/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { callerOf } from '../../http/access-hook.js';
import type { Deps } from '../../http/context.js';
import { addTask, addTeamMember, assignTask, changeRisk, closeCase, finishTask, getCase, leaderCandidates, listCases, openCase, removeTeamMember, saveSafetyPlan, searchStudents, teamCandidates } from './cases.js';
import { getConference, listConferences, recordConference } from './conferences.js';
import { addCaseContact, addStudentContact, listStudentContacts, myGuardianNotices, sendNotice, studentGuardians, studentNotices } from './guardians.js';

const E = contracts.ErrorBody;
const tags = ['crisis'];
const errors = { 400: E, 403: E, 404: E, 409: E };
const Detail = contracts.CrisisCaseDetail;

export const crisisCaseRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  // --- cases ---
  app.get('/crisis/cases', {
    config: { access: 'crisis.read' },
    schema: { tags, summary: '危机个案（学校领导、心理教师：本校；班主任：本班）', querystring: contracts.CrisisCaseQuery, response: { 200: contracts.paged(contracts.CrisisCaseItem), 400: E, 403: E } },
  }, async (req) => listCases(deps, callerOf(req), req.query));

  app.post('/crisis/cases', {
    config: { access: 'crisis.manage' },
    schema: { tags, summary: '建立危机个案（直接建立，或由预警转入；该生已有未销号个案时并入）', body: contracts.OpenCrisisCaseBody, response: { 200: contracts.OpenCrisisCaseResult, ...errors } },
  }, async (req) => openCase(deps, callerOf(req), req.body));

  app.get('/crisis/students', {
    config: { access: 'crisis.manage' },
    schema: { tags, summary: '按姓名或学号查找可建立个案的学生', querystring: contracts.CrisisStudentQuery, response: { 200: z.object({ items: z.array(contracts.CrisisStudent) }), 400: E, 403: E } },
  }, async (req) => ({ items: await searchStudents(deps, callerOf(req), req.query.q) }));

  app.get('/crisis/students/:studentId/leaders', {
    config: { access: 'crisis.manage' },
    schema: { tags, summary: '可列入干预小组的本校领导', params: contracts.StudentIdParam, response: { 200: z.object({ items: z.array(contracts.TeamCandidate) }), ...errors } },
  }, async (req) => ({ items: await leaderCandidates(deps, callerOf(req), req.params.studentId) }));

  app.get('/crisis/cases/:id', {
    config: { access: 'crisis.read' },
    schema: { tags, summary: '危机个案详情（不含咨询记录）', params: contracts.IdParam, response: { 200: Detail, ...errors } },
  }, async (req) => getCase(deps, callerOf(req), req.params.id));

  app.put('/crisis/cases/:id/risk', {
    config: { access: 'crisis.manage' },
    schema: { tags, summary: '调整风险等级', params: contracts.IdParam, body: contracts.RiskBody, response: { 200: Detail, ...errors } },
  }, async (req) => changeRisk(deps, callerOf(req), req.params.id, req.body));

  app.get('/crisis/cases/:id/team-candidates', {
    config: { access: 'crisis.manage' },
    schema: { tags, summary: '可列入干预小组的本校人员', params: contracts.IdParam, response: { 200: z.object({ items: z.array(contracts.TeamCandidate) }), ...errors } },
  }, async (req) => ({ items: await teamCandidates(deps, callerOf(req), req.params.id) }));

  app.post('/crisis/cases/:id/team', {
    config: { access: 'crisis.manage' },
    schema: { tags, summary: '加入干预小组成员', params: contracts.IdParam, body: contracts.AddTeamMemberBody, response: { 200: Detail, ...errors } },
  }, async (req) => addTeamMember(deps, callerOf(req), req.params.id, req.body));

  app.delete('/crisis/cases/:id/team/:memberId', {
    config: { access: 'crisis.manage' },
    schema: { tags, summary: '移出干预小组成员（保留记录）', params: contracts.TeamMemberParams, response: { 200: Detail, ...errors } },
  }, async (req) => removeTeamMember(deps, callerOf(req), req.params.id, req.params.memberId));

  app.put('/crisis/cases/:id/safety-plan', {
    config: { access: 'crisis.manage' },
    schema: { tags, summary: '保存安全计划（每个版本记入个案经过）', params: contracts.IdParam, body: contracts.SafetyPlanBody, response: { 200: Detail, ...errors } },
  }, async (req) => saveSafetyPlan(deps, callerOf(req), req.params.id, req.body));

  app.post('/crisis/cases/:id/tasks', {
    config: { access: 'crisis.manage' },
    schema: { tags, summary: '添加任务（负责人、截止时间）', params: contracts.IdParam, body: contracts.AddTaskBody, response: { 200: Detail, ...errors } },
  }, async (req) => addTask(deps, callerOf(req), req.params.id, req.body));

  app.put('/crisis/cases/:id/tasks/:taskId/assignee', {
    config: { access: 'crisis.manage' },
    schema: { tags, summary: '指派任务负责人（干预小组成员）', params: contracts.TaskParams, body: contracts.AssignTaskBody, response: { 200: Detail, ...errors } },
  }, async (req) => assignTask(deps, callerOf(req), req.params.id, req.params.taskId, req.body));

  app.post('/crisis/cases/:id/tasks/:taskId/finish', {
    config: { access: 'crisis.manage' },
    schema: { tags, summary: '完成或取消任务（取消须写明原因）', params: contracts.TaskParams, body: contracts.FinishTaskBody, response: { 200: Detail, ...errors } },
  }, async (req) => finishTask(deps, callerOf(req), req.params.id, req.params.taskId, req.body));

  app.post('/crisis/cases/:id/guardian-contacts', {
    config: { access: 'crisis.manage' },
    schema: { tags, summary: '记录与监护人的联系', params: contracts.IdParam, body: contracts.GuardianContactBody, response: { 200: contracts.OpenCrisisCaseResult, ...errors } },
  }, async (req) => addCaseContact(deps, callerOf(req), req.params.id, req.body));

  app.post('/crisis/cases/:id/close', {
    config: { access: 'crisis.close' },
    schema: { tags, summary: '销号（学校领导，须填写一案一分析，任务均已完成或取消）', params: contracts.IdParam, body: contracts.CloseCaseBody, response: { 200: Detail, ...errors } },
  }, async (req) => closeCase(deps, callerOf(req), req.params.id, req.body));

  // --- conferences ---
  app.get('/crisis/conferences', {
    config: { access: 'crisis.read' },
    schema: { tags, summary: '专家会诊与跨校会商', querystring: contracts.ConferenceQuery, response: { 200: z.object({ items: z.array(contracts.Conference) }), 400: E, 403: E } },
  }, async (req) => ({ items: await listConferences(deps, callerOf(req), req.query) }));

  app.post('/crisis/conferences', {
    config: { access: 'crisis.manage' },
    schema: { tags, summary: '记录专家会诊或跨校会商', body: contracts.ConferenceBody, response: { 200: contracts.Conference, ...errors } },
  }, async (req) => recordConference(deps, callerOf(req), req.body));

  app.get('/crisis/conferences/:id', {
    config: { access: 'crisis.read' },
    schema: { tags, summary: '一次会诊或会商', params: contracts.IdParam, response: { 200: contracts.Conference, ...errors } },
  }, async (req) => getConference(deps, callerOf(req), req.params.id));

  // --- guardians ---
  app.get('/crisis/students/:studentId/guardians', {
    config: { access: 'crisis.read' },
    schema: { tags, summary: '学生的监护人', params: contracts.StudentIdParam, response: { 200: z.object({ items: z.array(contracts.StudentGuardian) }), ...errors } },
  }, async (req) => ({ items: await studentGuardians(deps, callerOf(req), req.params.studentId) }));

  app.get('/crisis/students/:studentId/guardian-contacts', {
    config: { access: 'crisis.read' },
    schema: { tags, summary: '与该生监护人的全部联系记录', params: contracts.StudentIdParam, response: { 200: z.object({ items: z.array(contracts.GuardianContact) }), ...errors } },
  }, async (req) => ({ items: await listStudentContacts(deps, callerOf(req), req.params.studentId) }));

  app.post('/crisis/students/:studentId/guardian-contacts', {
    config: { access: 'crisis.manage' },
    schema: { tags, summary: '记录与监护人的联系（不属于个案）', params: contracts.StudentIdParam, body: contracts.GuardianContactBody, response: { 200: contracts.OpenCrisisCaseResult, ...errors } },
  }, async (req) => addStudentContact(deps, callerOf(req), req.params.studentId, req.body));

  app.get('/crisis/students/:studentId/guardian-notices', {
    config: { access: 'crisis.read' },
    schema: { tags, summary: '发给该生监护人的通知', params: contracts.StudentIdParam, response: { 200: z.object({ items: z.array(contracts.GuardianNoticeSent) }), ...errors } },
  }, async (req) => ({ items: await studentNotices(deps, callerOf(req), req.params.studentId) }));

  app.post('/crisis/students/:studentId/guardian-notices', {
    config: { access: 'guardian.notify' },
    schema: { tags, summary: '给学生监护人发通知（平实的话，不写诊断或风险等级）', params: contracts.StudentIdParam, body: contracts.SendGuardianNoticeBody, response: { 200: contracts.GuardianNoticeSent, ...errors } },
  }, async (req) => sendNotice(deps, callerOf(req), req.params.studentId, req.body));

  app.get('/me/guardian-notices', {
    config: { access: 'self.read' },
    schema: { tags, summary: '家长：学校发来的关于自己孩子的通知', response: { 200: z.object({ items: z.array(contracts.GuardianNotice) }), 403: E } },
  }, async (req) => ({ items: await myGuardianNotices(deps, callerOf(req)) }));
};
