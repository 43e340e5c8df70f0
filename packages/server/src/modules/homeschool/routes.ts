import { contracts } from '@xinyu/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { callerOf } from '../../http/access-hook.js';
import type { Deps } from '../../http/context.js';
import { createCourse, getCourse, getStandard, listCourses, setStandard, units, updateCourse } from './courses.js';
import { overview } from './overview.js';
import { checkIn, markLearned, myCourse, myHomeschool } from './parent.js';
import { createSession, getSession, getSheet, listSessions, saveSheet } from './sessions.js';

const E = contracts.ErrorBody;
const tags = ['homeschool'];
const errors = { 400: E, 403: E, 404: E, 409: E };

/** 家校社协同：家长学校微课、学分、家长课堂与出勤、家校协同概况（家长志愿者见 care 模块）. */
export const homeschoolRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  app.get('/homeschool/units', {
    config: { access: 'homeschool.read' },
    schema: { tags, summary: '可发布家长学校微课、可举办家长课堂的单位（供选择）', response: { 200: contracts.HsUnits, ...errors } },
  }, async (req) => units(deps, callerOf(req)));

  app.get('/homeschool/courses', {
    config: { access: 'homeschool.read' },
    schema: { tags, summary: '家长学校微课（面向本范围学校的市、区县、学校微课），含本范围家长完成人数', querystring: contracts.HsCourseListQuery, response: { 200: contracts.HsCourseList, ...errors } },
  }, async (req) => listCourses(deps, callerOf(req), req.query));

  app.post('/homeschool/courses', {
    config: { access: 'homeschool.manage' },
    schema: { tags, summary: '新建家长学校微课（重复提交只建一门）', body: contracts.CreateHsCourseBody, response: { 200: contracts.HsCourse, ...errors } },
  }, async (req) => createCourse(deps, callerOf(req), req.body));

  app.get('/homeschool/courses/:id', {
    config: { access: 'homeschool.read' },
    schema: { tags, summary: '一门家长学校微课', params: contracts.IdParam, response: { 200: contracts.HsCourse, ...errors } },
  }, async (req) => getCourse(deps, callerOf(req), req.params.id));

  app.put('/homeschool/courses/:id', {
    config: { access: 'homeschool.manage' },
    schema: { tags, summary: '修改、发布或撤回家长学校微课', params: contracts.IdParam, body: contracts.UpdateHsCourseBody, response: { 200: contracts.HsCourse, ...errors } },
  }, async (req) => updateCourse(deps, callerOf(req), req.params.id, req.body));

  app.get('/homeschool/standard', {
    config: { access: ['homeschool.read', 'parentschool.learn'] },
    schema: { tags, summary: '本地区家长学校年度学分标准（未设置时为 10 学分）', querystring: contracts.HsStandardQuery, response: { 200: contracts.HsStandard, ...errors } },
  }, async (req) => getStandard(deps, callerOf(req), req.query));

  app.put('/homeschool/standard', {
    config: { access: 'homeschool.manage' },
    schema: { tags, summary: '设置年度学分标准（市教育局）', body: contracts.HsStandardBody, response: { 200: contracts.HsStandard, ...errors } },
  }, async (req) => setStandard(deps, callerOf(req), req.body));

  app.get('/homeschool/sessions', {
    config: { access: 'homeschool.read' },
    schema: { tags, summary: '家长课堂（心理健康家长会）列表，含面向的家庭数与参加家庭数', querystring: contracts.HsSessionListQuery, response: { 200: contracts.HsSessionList, ...errors } },
  }, async (req) => listSessions(deps, callerOf(req), req.query));

  app.post('/homeschool/sessions', {
    config: { access: 'homeschool.manage' },
    schema: { tags, summary: '举办家长课堂：全校、年级或班级（重复提交只建一次），生成签到码', body: contracts.CreateHsSessionBody, response: { 200: contracts.HsSession, ...errors } },
  }, async (req) => createSession(deps, callerOf(req), req.body));

  app.get('/homeschool/sessions/:id', {
    config: { access: 'homeschool.read' },
    schema: { tags, summary: '一次家长课堂', params: contracts.IdParam, response: { 200: contracts.HsSession, ...errors } },
  }, async (req) => getSession(deps, callerOf(req), req.params.id));

  app.get('/homeschool/sessions/:id/sheet', {
    config: { access: 'homeschool.read' },
    schema: { tags, summary: '一个班的家长课堂签到表', params: contracts.IdParam, querystring: contracts.HsSheetQuery, response: { 200: contracts.HsSheet, ...errors } },
  }, async (req) => getSheet(deps, callerOf(req), req.params.id, req.query));

  app.put('/homeschool/sessions/:id/sheet', {
    config: { access: 'homeschool.manage' },
    schema: { tags, summary: '保存一个班的签到表（勾选的家庭为已参加，整表保存，重复保存不变）', params: contracts.IdParam, body: contracts.HsSheetBody, response: { 200: contracts.HsSheet, ...errors } },
  }, async (req) => saveSheet(deps, callerOf(req), req.params.id, req.body));

  app.get('/homeschool/overview', {
    config: { access: 'homeschool.read' },
    schema: { tags, summary: '家校协同概况：各校或各班家长课堂覆盖、家长学校参学与学分达标', querystring: contracts.HsOverviewQuery, response: { 200: contracts.HsOverview, ...errors } },
  }, async (req) => overview(deps, callerOf(req), req.query));

  app.get('/homeschool/my', {
    config: { access: 'parentschool.learn' },
    schema: { tags, summary: '家长：我的家长学校（可学微课、本年度学分与标准）和孩子的家长课堂', response: { 200: contracts.MyHomeschool, ...errors } },
  }, async (req) => myHomeschool(deps, callerOf(req)));

  app.get('/homeschool/my/courses/:id', {
    config: { access: 'parentschool.learn' },
    schema: { tags, summary: '家长：阅读或观看一门微课', params: contracts.IdParam, response: { 200: contracts.MyHsCourseDetail, ...errors } },
  }, async (req) => myCourse(deps, callerOf(req), req.params.id));

  app.post('/homeschool/my/courses/:id/learned', {
    config: { access: 'parentschool.learn' },
    schema: { tags, summary: '家长：标记已学完，获得学分（重复提交只记一次）', params: contracts.IdParam, body: contracts.LearnedBody, response: { 200: z.object({ course: contracts.MyHsCourseDetail, credits: contracts.HsCreditStatus }), ...errors } },
  }, async (req) => markLearned(deps, callerOf(req), req.params.id));

  app.post('/homeschool/my/checkin', {
    config: { access: 'parentschool.learn' },
    schema: { tags, summary: '家长：用签到码签到家长课堂', body: contracts.CheckInBody, response: { 200: contracts.CheckInResult, ...errors } },
  }, async (req) => checkIn(deps, callerOf(req), req.body));
};
