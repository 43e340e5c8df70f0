import { carePolicyProblems, contracts, type CarePolicy } from '@xinyu/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { callerOf } from '../../http/access-hook.js';
import type { Deps } from '../../http/context.js';
import { careChoiceRoutes } from './choice-routes.js';
import { studentTimeline } from './timeline.js';
import { completeTask, listMeetings, meetingAgenda, meetingOwners, myMeetingTasks, recordMeeting } from './meetings.js';
import { addDiaryEntry, addKeyStudent, assignCare, careCandidates, carePolicyFor, closure, getKeyStudent, listKeyStudents, putCarePolicy } from './service.js';

const E = contracts.ErrorBody;
const tags = ['care'];
const errors = { 400: E, 403: E, 404: E, 409: E };

export const careRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  await app.register(careChoiceRoutes(deps));

  app.get('/care/students', {
    config: { access: 'care.read' },
    schema: { tags, summary: '重点学生名单（包保教师只见自己包保的学生）', querystring: contracts.KeyStudentQuery, response: { 200: contracts.paged(contracts.KeyStudent), 400: E, 403: E } },
  }, async (req) => listKeyStudents(deps, callerOf(req), req.query));

  app.post('/care/students', {
    config: { access: 'care.manage' },
    schema: { tags, summary: '列入重点学生名单（已在册则补充类别与来源）', body: contracts.AddKeyStudentBody, response: { 200: contracts.KeyStudentDetail, ...errors } },
  }, async (req) => addKeyStudent(deps, callerOf(req), req.body));

  app.get('/care/students/:id', {
    config: { access: 'care.read' },
    schema: { tags, summary: '一名重点学生：包保经过、成长日记、销号', params: contracts.IdParam, response: { 200: contracts.KeyStudentDetail, ...errors } },
  }, async (req) => getKeyStudent(deps, callerOf(req), req.params.id));

  app.get('/care/students/:id/candidates', {
    config: { access: 'care.manage' },
    schema: { tags, summary: '可担任包保教师的本校教职工（含已包保人数）', params: contracts.IdParam, response: { 200: z.object({ items: z.array(contracts.CareCandidate) }), ...errors } },
  }, async (req) => ({ items: await careCandidates(deps, callerOf(req), req.params.id) }));

  app.post('/care/students/:id/assign', {
    config: { access: 'care.manage' },
    schema: { tags, summary: '指派包保教师（原包保结束并保留记录）', params: contracts.IdParam, body: contracts.AssignCareBody, response: { 200: contracts.KeyStudentDetail, ...errors } },
  }, async (req) => assignCare(deps, callerOf(req), req.params.id, req.body));

  app.post('/care/students/:id/diary', {
    config: { access: 'care.diary' },
    schema: { tags, summary: '写成长日记（谈心、家访、电话、观察）', params: contracts.IdParam, body: contracts.DiaryBody, response: { 200: contracts.KeyStudentDetail, ...errors } },
  }, async (req) => addDiaryEntry(deps, callerOf(req), req.params.id, req.body));

  app.post('/care/students/:id/closure', {
    config: { access: ['care.diary', 'care.manage', 'care.approve'] },
    schema: { tags, summary: '销号：申请（包保教师或心理教师）、审批或退回（学校领导，非申请人）', params: contracts.IdParam, body: contracts.ClosureBody, response: { 200: contracts.KeyStudentDetail, ...errors } },
  }, async (req) => closure(deps, callerOf(req), req.params.id, req.body));

  app.get('/students/:id/timeline', {
    config: { access: 'student.read' },
    schema: { tags, summary: '学生成长档案（一生一档）：测评、预警、心理委员、摸底排查、包保、成长日记，各项仅对有权者显示', params: contracts.IdParam, response: { 200: contracts.Timeline, ...errors } },
  }, async (req) => studentTimeline(deps, callerOf(req), req.params.id));

  app.get('/care/meetings/agenda', {
    config: { access: 'care.manage' },
    schema: { tags, summary: '每周例会议程：本周新预警、未结红色预警、逾期跟进、待审批销号、未完成任务', querystring: contracts.MeetingQuery, response: { 200: contracts.MeetingAgenda, ...errors } },
  }, async (req) => meetingAgenda(deps, callerOf(req), req.query.schoolId));

  app.get('/care/meetings', {
    config: { access: 'care.manage' },
    schema: { tags, summary: '本校例会记录', querystring: contracts.MeetingQuery, response: { 200: z.object({ items: z.array(contracts.Meeting) }), ...errors } },
  }, async (req) => ({ items: await listMeetings(deps, callerOf(req), req.query.schoolId) }));

  app.post('/care/meetings', {
    config: { access: 'care.manage' },
    schema: { tags, summary: '记录例会（纪要、参会人、决定事项转为任务）', body: contracts.MeetingBody, response: { 200: contracts.Meeting, ...errors } },
  }, async (req) => recordMeeting(deps, callerOf(req), req.body));

  app.get('/care/meetings/owners', {
    config: { access: 'care.manage' },
    schema: { tags, summary: '可承办例会决定事项的本校教职工', querystring: contracts.MeetingQuery, response: { 200: z.object({ items: z.array(contracts.MeetingOwner) }), ...errors } },
  }, async (req) => ({ items: await meetingOwners(deps, callerOf(req), req.query.schoolId) }));

  app.get('/my/meeting-tasks', {
    config: { access: ['care.manage', 'care.diary', 'alert.raise'] },
    schema: { tags, summary: '例会交办给我的任务（未完成的，及近 30 天完成的）', response: { 200: z.object({ items: z.array(contracts.MyMeetingTask) }), 403: E } },
  }, async (req) => ({ items: await myMeetingTasks(deps, callerOf(req)) }));

  app.post('/care/meetings/tasks/:id/done', {
    config: { access: ['care.manage', 'care.diary', 'alert.raise'] },
    schema: { tags, summary: '例会任务完成', params: contracts.IdParam, body: z.object({ note: z.string().trim().max(500).default('') }).strict(), response: { 200: z.object({ id: z.uuid(), doneAt: z.string() }), ...errors } },
  }, async (req) => completeTask(deps, callerOf(req), req.params.id, req.body.note));

  app.get('/care/policy', {
    config: { access: ['care.read', 'config.write'] },
    schema: { tags, summary: '本地区包保规定（人数上限、领导包保的等级、跟进频次）', response: { 200: contracts.CarePolicyBody, 403: E } },
  }, async (req) => carePolicyFor(deps.db, callerOf(req).regionId));

  app.put('/care/policy', {
    config: { access: 'config.write' },
    schema: { tags, summary: '设置本地区包保规定', body: contracts.CarePolicyBody, response: { 200: contracts.CarePolicyBody, 400: E, 403: E } },
  }, async (req) => putCarePolicy(deps, callerOf(req), req.body as CarePolicy, carePolicyProblems(req.body as CarePolicy)));
};
