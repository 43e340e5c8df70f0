/** Routes of two-way choice, parent volunteers and recognition (优秀成长日记, 爱心教师). */
import { contracts } from '@xinyu/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { callerOf } from '../../http/access-hook.js';
import type { Deps } from '../../http/context.js';
import { approveOffer, careOpenings, declineOffer, listMyOffers, offersFor, volunteer, withdrawOffer } from './choice.js';
import { endPairing, endParentVolunteer, guardianChoices, listPairings, listParentVolunteers, myParentVolunteering, pair, registerParentVolunteer, selfVolunteer } from './parents.js';
import { honourCandidates, honourRoll, listHonours, listNominations, nominableEntries, nominateDiary, nominateHonour, reviewHonour, reviewNomination } from './recognition.js';

const E = contracts.ErrorBody;
const tags = ['care'];
const errors = { 400: E, 403: E, 404: E, 409: E };

export const careChoiceRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  // --- two-way choice (双向选择) ---
  app.get('/care/openings', {
    // any member of a school's staff; the service checks the staff record
    config: { access: 'authenticated' },
    schema: { tags, summary: '本校可报名包保的重点学生（仅姓名、班级、等级颜色）', response: { 200: contracts.CareOpenings, 403: E } },
  }, async (req) => careOpenings(deps, callerOf(req)));

  app.post('/care/students/:id/volunteer', {
    config: { access: 'authenticated' },
    schema: { tags, summary: '报名包保一名重点学生（重复提交只记一次）', params: contracts.IdParam, body: contracts.VolunteerBody, response: { 200: contracts.MyVolunteering, ...errors } },
  }, async (req) => volunteer(deps, callerOf(req), req.params.id, req.body.note));

  app.get('/care/my-offers', {
    config: { access: 'authenticated' },
    schema: { tags, summary: '我的包保报名及结果', response: { 200: z.object({ items: z.array(contracts.MyVolunteering) }), 403: E } },
  }, async (req) => ({ items: await listMyOffers(deps, callerOf(req)) }));

  app.post('/care/offers/:id/withdraw', {
    config: { access: 'authenticated' },
    schema: { tags, summary: '撤回自己的包保报名', params: contracts.IdParam, response: { 200: contracts.MyVolunteering, ...errors } },
  }, async (req) => withdrawOffer(deps, callerOf(req), req.params.id));

  app.get('/care/students/:id/offers', {
    config: { access: 'care.manage' },
    schema: { tags, summary: '一名重点学生的包保报名', params: contracts.IdParam, response: { 200: z.object({ items: z.array(contracts.CareOffer) }), ...errors } },
  }, async (req) => ({ items: await offersFor(deps, callerOf(req), req.params.id) }));

  app.post('/care/offers/:id/approve', {
    config: { access: 'care.manage' },
    schema: { tags, summary: '同意报名（即指派为包保教师，受包保规定约束）', params: contracts.IdParam, response: { 200: contracts.KeyStudentDetail, ...errors } },
  }, async (req) => approveOffer(deps, callerOf(req), req.params.id));

  app.post('/care/offers/:id/decline', {
    config: { access: 'care.manage' },
    schema: { tags, summary: '婉拒报名（须说明原因，报名教师会收到通知）', params: contracts.IdParam, body: contracts.DeclineBody, response: { 200: z.object({ items: z.array(contracts.CareOffer) }), ...errors } },
  }, async (req) => ({ items: await declineOffer(deps, callerOf(req), req.params.id, req.body.reason) }));

  // --- parent volunteers (家长志愿者) ---
  app.get('/care/parent-volunteers', {
    config: { access: 'care.manage' },
    schema: { tags, summary: '本校家长志愿者', querystring: contracts.ParentVolunteerQuery, response: { 200: z.object({ items: z.array(contracts.ParentVolunteer) }), ...errors } },
  }, async (req) => ({ items: await listParentVolunteers(deps, callerOf(req), req.query) }));

  app.get('/care/parent-volunteers/guardians', {
    config: { access: 'care.manage' },
    schema: { tags, summary: '按姓名或电话查找本校学生的家长', querystring: contracts.GuardianChoiceQuery, response: { 200: z.object({ items: z.array(contracts.GuardianChoice) }), ...errors } },
  }, async (req) => ({ items: await guardianChoices(deps, callerOf(req), req.query) }));

  app.post('/care/parent-volunteers', {
    config: { access: 'care.manage' },
    schema: { tags, summary: '登记家长志愿者', body: contracts.RegisterParentVolunteerBody, response: { 200: contracts.ParentVolunteer, ...errors } },
  }, async (req) => registerParentVolunteer(deps, callerOf(req), req.body));

  app.post('/care/parent-volunteers/:id/end', {
    // the school, or the parent themselves (the service checks which)
    config: { access: ['care.manage', 'self.read'] },
    schema: { tags, summary: '结束家长志愿服务（结对随之结束，记录保留）', params: contracts.IdParam, body: contracts.EndBody, response: { 200: contracts.Ok, ...errors } },
  }, async (req) => {
    await endParentVolunteer(deps, callerOf(req), req.params.id, req.body.reason);
    return { ok: true as const };
  });

  app.get('/care/parent-pairings', {
    config: { access: 'care.manage' },
    schema: { tags, summary: '本校家长志愿者结对（含已结束的）', querystring: contracts.MeetingQuery, response: { 200: z.object({ items: z.array(contracts.Pairing) }), ...errors } },
  }, async (req) => ({ items: await listPairings(deps, callerOf(req), req.query.schoolId) }));

  app.post('/care/parent-pairings', {
    config: { access: 'care.manage' },
    schema: { tags, summary: '家长志愿者与重点学生一对一结对', body: contracts.PairBody, response: { 200: contracts.Pairing, ...errors } },
  }, async (req) => pair(deps, callerOf(req), req.body));

  app.post('/care/parent-pairings/:id/end', {
    config: { access: 'care.manage' },
    schema: { tags, summary: '结束结对（记录保留）', params: contracts.IdParam, body: contracts.EndBody, response: { 200: contracts.Pairing, ...errors } },
  }, async (req) => endPairing(deps, callerOf(req), req.params.id, req.body.reason));

  app.get('/me/parent-volunteering', {
    config: { access: 'self.read' },
    schema: { tags, summary: '家长：我的志愿服务与结对学生（仅姓名、班级、学校联系人）', response: { 200: contracts.MyPairing, 403: E } },
  }, async (req) => myParentVolunteering(deps, callerOf(req)));

  app.post('/me/parent-volunteering', {
    config: { access: 'self.read' },
    schema: { tags, summary: '家长：报名做孩子学校的家长志愿者', body: contracts.SelfVolunteerBody, response: { 200: contracts.MyPairing, ...errors } },
  }, async (req) => selfVolunteer(deps, callerOf(req), req.body));

  // --- excellent diaries (优秀成长日记) and 爱心教师 ---
  app.get('/care/nominations/entries', {
    config: { access: 'care.nominate' },
    schema: { tags, summary: '本校本季度的成长日记（供推荐优秀日记）', querystring: contracts.NominableQuery, response: { 200: z.object({ items: z.array(contracts.NominableEntry) }), ...errors } },
  }, async (req) => ({ items: await nominableEntries(deps, callerOf(req), req.query.schoolId) }));

  app.post('/care/nominations', {
    config: { access: 'care.nominate' },
    schema: { tags, summary: '推荐本季度优秀成长日记（提交去标识化副本）', body: contracts.NominateDiaryBody, response: { 200: contracts.DiaryNomination, ...errors } },
  }, async (req) => nominateDiary(deps, callerOf(req), req.body));

  app.get('/care/nominations', {
    config: { access: ['care.select', 'care.nominate'] },
    schema: { tags, summary: '优秀成长日记推荐（教育局评选；学校看本校的）', querystring: contracts.NominationQuery, response: { 200: z.object({ items: z.array(contracts.DiaryNomination) }), 400: E, 403: E } },
  }, async (req) => ({ items: await listNominations(deps, callerOf(req), req.query) }));

  app.post('/care/nominations/:id/review', {
    config: { access: 'care.select' },
    schema: { tags, summary: '评选优秀成长日记', params: contracts.IdParam, body: contracts.ReviewNominationBody, response: { 200: contracts.DiaryNomination, ...errors } },
  }, async (req) => reviewNomination(deps, callerOf(req), req.params.id, req.body));

  app.get('/care/honours/candidates', {
    config: { access: 'care.nominate' },
    schema: { tags, summary: '本校这一年的包保教师及其工作量（供推荐爱心教师）', querystring: contracts.HonourCandidateQuery, response: { 200: z.object({ items: z.array(contracts.HonourCandidate) }), ...errors } },
  }, async (req) => ({ items: await honourCandidates(deps, callerOf(req), req.query) }));

  app.post('/care/honours', {
    config: { access: 'care.nominate' },
    schema: { tags, summary: '推荐爱心教师', body: contracts.NominateHonourBody, response: { 200: contracts.Honour, ...errors } },
  }, async (req) => nominateHonour(deps, callerOf(req), req.body));

  app.get('/care/honours', {
    config: { access: ['care.select', 'care.nominate'] },
    schema: { tags, summary: '爱心教师推荐（教育局审核；学校看本校的）', querystring: contracts.HonourQuery, response: { 200: z.object({ items: z.array(contracts.Honour) }), 400: E, 403: E } },
  }, async (req) => ({ items: await listHonours(deps, callerOf(req), req.query) }));

  app.post('/care/honours/:id/review', {
    config: { access: 'care.select' },
    schema: { tags, summary: '审核爱心教师推荐', params: contracts.IdParam, body: contracts.ReviewHonourBody, response: { 200: contracts.Honour, ...errors } },
  }, async (req) => reviewHonour(deps, callerOf(req), req.params.id, req.body));

  app.get('/care/honours/roll', {
    config: { access: 'care.honours' },
    schema: { tags, summary: '本地区某年的爱心教师名单与入选的优秀成长日记', querystring: contracts.HonourRollQuery, response: { 200: contracts.HonourRoll, 400: E, 403: E } },
  }, async (req) => honourRoll(deps, callerOf(req), req.query.year));
};
