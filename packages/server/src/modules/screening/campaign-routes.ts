import { contracts } from '@xinyu/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { callerOf } from '../../http/access-hook.js';
import type { Deps } from '../../http/context.js';
import { contentDisposition, XLSX_TYPE, xlsxBuffer } from '../../lib/xlsx-export.js';
import { appendAudit } from '../audit/service.js';
import { SESSION_COOKIE } from '../auth/service.js';
import { homePath } from '../access/service.js';
import { auditActor } from '../org/service.js';
import { answerSheet, classCodeLogin, myTasks, prefetchedSheetContext, prefetchSheetContext, saveDraft, submit } from './answering.js';
import {
  campaignVersionsOf,
  createCampaign,
  editCampaign,
  getCampaign,
  giveConsent,
  listCampaigns,
  listConsents,
  listReleases,
  myConsentRequests,
  recordPaperConsent,
  releaseToClasses,
  transitionCampaign,
} from './campaigns.js';
import { campaignReport, reportWorkbook } from './reports.js';
import { completion, listFollowUps, listResults, listSignOffs, observe, pendingStudents, recordInterview, remind, responseDetail, sendToRetest, signOff, studentScreeningHistory } from './results.js';

const E = contracts.ErrorBody;
const errors = { 400: E, 403: E, 404: E, 409: E };
const Ok = contracts.Ok;
const IdParam = contracts.IdParam;
const tags = ['screening'];

const PENDING_STATE: Record<z.infer<typeof contracts.PendingStudent>['state'], string> = {
  not_released: '未发布到班级',
  waiting_consent: '等待家长同意',
  consent_refused: '家长不同意',
  not_started: '未开始',
  in_progress: '未完成',
};

export const campaignRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  // --- campaigns ---------------------------------------------------------------------------------
  const anyScreening = ['screening.manage', 'screening.release', 'screening.progress', 'screening.results', 'screening.report', 'screening.signoff'] as const;

  app.get('/screening/campaigns', {
    config: { access: anyScreening },
    schema: { tags, summary: '测评活动：本单位发起的和下发到本单位的', querystring: contracts.CampaignQuery, response: { 200: z.object({ items: z.array(contracts.Campaign) }), ...errors } },
  }, async (req) => ({ items: await listCampaigns(deps.db, callerOf(req), req.query) }));

  app.post('/screening/campaigns', {
    config: { access: 'screening.manage' },
    schema: { tags, summary: '新建测评活动（草稿）', description: '市、区县或学校发起。每个年级段选择适合该年龄的量表；未满 14 周岁的学生一律需要监护人同意。', body: contracts.CreateCampaignBody, response: { 200: contracts.Campaign, ...errors } },
  }, async (req) => createCampaign(deps, callerOf(req), req.body));

  app.get('/screening/campaigns/:id', {
    config: { access: anyScreening },
    schema: { tags, summary: '一个测评活动', params: IdParam, response: { 200: contracts.Campaign, ...errors } },
  }, async (req) => getCampaign(deps.db, callerOf(req), req.params.id));

  app.patch('/screening/campaigns/:id', {
    config: { access: 'screening.manage' },
    schema: { tags, summary: '修改测评活动（发布后的修改保留历史版本，须说明原因）', params: IdParam, body: contracts.EditCampaignBody, response: { 200: contracts.Campaign, ...errors } },
  }, async (req) => editCampaign(deps, callerOf(req), req.params.id, req.body));

  app.get('/screening/campaigns/:id/versions', {
    config: { access: anyScreening },
    schema: { tags, summary: '发布后的修改历史', params: IdParam, response: { 200: z.object({ items: z.array(contracts.CampaignVersion) }), ...errors } },
  }, async (req) => ({ items: await campaignVersionsOf(deps.db, callerOf(req), req.params.id) }));

  app.post('/screening/campaigns/:id/publish', {
    config: { access: 'screening.manage' },
    schema: { tags, summary: '发布测评活动', params: IdParam, response: { 200: contracts.Campaign, ...errors } },
  }, async (req) => transitionCampaign(deps, callerOf(req), req.params.id, 'publish'));

  app.post('/screening/campaigns/:id/close', {
    config: { access: 'screening.manage' },
    schema: { tags, summary: '结束测评活动', params: IdParam, response: { 200: contracts.Campaign, ...errors } },
  }, async (req) => transitionCampaign(deps, callerOf(req), req.params.id, 'close'));

  // --- release to classes --------------------------------------------------------------------------
  app.get('/screening/campaigns/:id/releases', {
    config: { access: 'screening.progress' },
    schema: { tags, summary: '学校各班的发布情况（本校人员可见班级码）', params: IdParam, querystring: contracts.ReleaseQuery, response: { 200: z.object({ items: z.array(contracts.Release) }), ...errors } },
  }, async (req) => ({ items: await listReleases(deps.db, callerOf(req), req.params.id, req.query.schoolId) }));

  app.post('/screening/campaigns/:id/releases', {
    config: { access: 'screening.release' },
    schema: { tags, summary: '发布到本校的班级（重复发布不会重复生成）', params: IdParam, body: contracts.ReleaseBody, response: { 200: z.object({ released: z.number().int() }), ...errors } },
  }, async (req) => releaseToClasses(deps, callerOf(req), req.params.id, req.body.classIds));

  // --- consent -------------------------------------------------------------------------------------
  app.get('/screening/campaigns/:id/consents', {
    config: { access: 'screening.consent' },
    schema: { tags, summary: '一个班的监护人知情同意情况', params: IdParam, querystring: contracts.ConsentQuery, response: { 200: z.object({ items: z.array(contracts.ConsentRow) }), ...errors } },
  }, async (req) => ({ items: await listConsents(deps.db, callerOf(req), req.params.id, req.query.classId) }));

  app.post('/screening/campaigns/:id/consents', {
    config: { access: 'screening.consent' },
    schema: { tags, summary: '登记纸质知情同意书（签字人、签字日期）', params: IdParam, body: contracts.RecordConsentBody, response: { 200: Ok, ...errors } },
  }, async (req) => {
    await recordPaperConsent(deps, callerOf(req), req.params.id, req.body);
    return { ok: true as const };
  });

  app.get('/my/consents', {
    config: { access: 'consent.give' },
    schema: {
      tags,
      summary: '家长：需要确认的测评',
      response: { 200: z.object({ items: z.array(z.object({ campaignId: z.uuid(), title: z.string(), purpose: z.string(), window: z.object({ start: z.string(), end: z.string() }), studentId: z.uuid(), studentName: z.string(), decision: contracts.ConsentDecision.nullable(), decidedAt: z.string().nullable() })) }), ...errors },
    },
  }, async (req) => ({ items: await myConsentRequests(deps, callerOf(req)) }));

  app.post('/my/consents/:id', {
    config: { access: 'consent.give' },
    schema: { tags, summary: '家长：同意或不同意孩子参加测评', params: IdParam, body: contracts.GiveConsentBody, response: { 200: Ok, ...errors } },
  }, async (req) => {
    await giveConsent(deps, callerOf(req), req.params.id, req.body);
    return { ok: true as const };
  });

  // --- answering -----------------------------------------------------------------------------------
  app.post('/auth/class-code', {
    config: { access: 'public' },
    schema: { tags: ['auth'], summary: '机房登录：班级码 + 学籍号 + 姓名（仅在测评开放期间）', body: contracts.ClassCodeLoginBody, response: { 200: Ok, 400: E, 401: E, 409: E } },
  }, async (req, reply) => {
    const { token } = await classCodeLogin(deps, req.body, { ip: req.ip, userAgent: req.headers['user-agent'] });
    reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure: deps.config.secureCookies, maxAge: 2 * 3600 });
    return { ok: true as const };
  });

  app.get('/my/screenings', {
    config: { access: 'screening.answer' },
    schema: { tags, summary: '学生：我的测评任务', querystring: z.object({ locale: z.enum(['zh-CN', 'en-US']).default('zh-CN') }), response: { 200: z.object({ items: z.array(contracts.MyTask) }), ...errors } },
  }, async (req) => ({ items: await myTasks(deps, callerOf(req), req.query.locale) }));

  // the answering context is looked up beside the session, as soon as a request arrives (answering.ts)
  const prefetch = (req: Parameters<typeof prefetchSheetContext>[1], _reply: unknown, done: () => void) => {
    prefetchSheetContext(deps, req);
    done();
  };
  app.get('/my/screenings/:campaignId/:key', {
    config: { access: 'screening.answer' },
    onRequest: prefetch,
    schema: { tags, summary: '学生：答题卡（题目与选项，已保存的答案）', params: contracts.SheetParams, querystring: z.object({ locale: z.enum(['zh-CN', 'en-US']).default('zh-CN') }), response: { 200: contracts.AnswerSheet, ...errors } },
  }, async (req) => answerSheet(deps, callerOf(req), req.params.campaignId, req.params.key, req.query.locale, prefetchedSheetContext(req)));

  app.put('/my/screenings/:campaignId/:key/draft', {
    config: { access: 'screening.answer' },
    onRequest: prefetch,
    schema: { tags, summary: '学生：自动保存答案', params: contracts.SheetParams, body: contracts.SaveDraftBody, response: { 200: z.object({ savedAt: z.string() }), ...errors } },
  }, async (req) => saveDraft(deps, callerOf(req), req.params.campaignId, req.params.key, req.body, prefetchedSheetContext(req)));

  app.post('/my/screenings/:campaignId/:key/submit', {
    config: { access: 'screening.answer' },
    onRequest: prefetch,
    schema: {
      tags,
      summary: '学生：提交（同一 clientId 重复提交只保存一次）',
      description: '立即计分并记录复检跟进；高危条目立即生成预警并通知学校心理教师与领导，其余预警由后台任务在约 1 秒内生成。学生只会看到感谢页，不会看到分数或等级。',
      params: contracts.SheetParams,
      body: contracts.SubmitBody,
      response: { 200: contracts.SubmitAck, ...errors },
    },
  }, async (req) => submit(deps, callerOf(req), req.params.campaignId, req.params.key, req.body, prefetchedSheetContext(req)));

  // --- completion ----------------------------------------------------------------------------------
  app.get('/screening/campaigns/:id/completion', {
    config: { access: 'screening.progress' },
    schema: { tags, summary: '完成情况（按下级单位）', params: IdParam, querystring: contracts.CompletionQuery, response: { 200: contracts.Completion, ...errors } },
  }, async (req) => completion(deps.db, callerOf(req), req.params.id, req.query.unitId));

  const PendingQuery = z.object({ unitId: z.coerce.number().int().positive() });
  app.get('/screening/campaigns/:id/pending', {
    config: { access: 'screening.progress' },
    schema: { tags, summary: '未完成的学生（只有姓名和状态）', params: IdParam, querystring: PendingQuery, response: { 200: z.object({ items: z.array(contracts.PendingStudent.extend({ className: z.string() })) }), ...errors } },
  }, async (req) => ({ items: await pendingStudents(deps.db, callerOf(req), req.params.id, req.query.unitId) }));

  app.get('/screening/campaigns/:id/pending.xlsx', {
    config: { access: 'screening.progress' },
    schema: { tags, summary: '导出未完成名单（.xlsx）', params: IdParam, querystring: PendingQuery },
  }, async (req, reply) => {
    const caller = callerOf(req);
    const list = await pendingStudents(deps.db, caller, req.params.id, req.query.unitId);
    await appendAudit(deps.db, { ...auditActor(caller), action: 'screening.pending.export', objectType: 'campaign', objectId: req.params.id, orgPath: homePath(caller.assignments), detail: { unitId: req.query.unitId, rows: list.length } }, deps.clock());
    const buf = await xlsxBuffer('未完成名单', [
      { header: '班级', width: 16, value: (r) => r.className },
      { header: '学籍号', width: 22, value: (r) => r.studentNo },
      { header: '姓名', width: 12, value: (r) => r.name },
      { header: '状态', width: 14, value: (r) => PENDING_STATE[r.state] },
    ], list);
    return reply.header('content-type', XLSX_TYPE).header('content-disposition', contentDisposition('测评未完成名单.xlsx')).send(buf);
  });

  app.post('/screening/campaigns/:id/reminders', {
    config: { access: 'screening.progress' },
    schema: { tags, summary: '提醒本班未完成的学生，以及尚未同意的家长（每班每小时一次）', params: IdParam, body: contracts.RemindBody, response: { 200: z.object({ students: z.number().int(), guardians: z.number().int() }), ...errors } },
  }, async (req) => remind(deps, callerOf(req), req.params.id, req.body.classId));

  // --- results -------------------------------------------------------------------------------------
  app.get('/screening/campaigns/:id/results', {
    config: { access: 'screening.results' },
    schema: { tags, summary: '测评结果（分数、等级、效度）：仅心理教师、学校领导和教育局指定人员', params: IdParam, querystring: contracts.ResultQuery, response: { 200: contracts.paged(contracts.ResultRow), ...errors } },
  }, async (req) => listResults(deps, callerOf(req), req.params.id, req.query));

  app.get('/screening/responses/:id', {
    config: { access: 'screening.results' },
    schema: { tags, summary: '个人测评报告（筛查结果，非诊断）', params: IdParam, response: { 200: contracts.ResponseDetail, ...errors } },
  }, async (req) => responseDetail(deps, callerOf(req), req.params.id));

  app.post('/screening/responses/:id/retest', {
    config: { access: 'screening.recheck' },
    schema: { tags, summary: '无效答卷退回重测', params: IdParam, response: { 200: Ok, ...errors } },
  }, async (req) => {
    await sendToRetest(deps, callerOf(req), req.params.id);
    return { ok: true as const };
  });

  app.get('/students/:id/screening', {
    config: { access: 'screening.results' },
    schema: { tags, summary: '学生的历次测评结果（随学生转班、转学）', params: IdParam, response: { 200: z.object({ items: z.array(contracts.ResultRow.extend({ campaignTitle: z.string() })) }), ...errors } },
  }, async (req) => ({ items: await studentScreeningHistory(deps, callerOf(req), req.params.id) }));

  // --- re-check and sign-off -----------------------------------------------------------------------
  app.get('/screening/campaigns/:id/follow-ups', {
    config: { access: ['screening.results', 'screening.observe'] },
    schema: { tags, summary: '复检名单（班主任只见姓名，不见等级）', params: IdParam, querystring: contracts.FollowUpQuery, response: { 200: z.object({ items: z.array(contracts.FollowUp) }), ...errors } },
  }, async (req) => ({ items: await listFollowUps(deps, callerOf(req), req.params.id, req.query) }));

  app.post('/screening/follow-ups/:id/observation', {
    config: { access: 'screening.observe' },
    schema: { tags, summary: '班主任观察记录', params: IdParam, body: contracts.ObservationBody, response: { 200: Ok, ...errors } },
  }, async (req) => {
    await observe(deps, callerOf(req), req.params.id, req.body);
    return { ok: true as const };
  });

  app.post('/screening/follow-ups/:id/interview', {
    config: { access: 'screening.recheck' },
    schema: { tags, summary: '心理教师复检访谈与结论（维持、降低、提高或解除）', params: IdParam, body: contracts.InterviewBody, response: { 200: Ok, ...errors } },
  }, async (req) => {
    await recordInterview(deps, callerOf(req), req.params.id, req.body);
    return { ok: true as const };
  });

  app.get('/screening/campaigns/:id/sign-offs', {
    config: { access: 'screening.signoff' },
    schema: { tags, summary: '各校复检进度与区县审核', params: IdParam, querystring: contracts.CompletionQuery, response: { 200: z.object({ items: z.array(contracts.SignOff) }), ...errors } },
  }, async (req) => ({ items: await listSignOffs(deps, callerOf(req), req.params.id, req.query.unitId) }));

  app.post('/screening/campaigns/:id/sign-offs', {
    config: { access: 'screening.signoff' },
    schema: { tags, summary: '区县审核通过一所学校的复检', params: IdParam, body: contracts.SignOffBody, response: { 200: Ok, ...errors } },
  }, async (req) => {
    await signOff(deps, callerOf(req), req.params.id, req.body);
    return { ok: true as const };
  });

  // --- reports -------------------------------------------------------------------------------------
  app.get('/screening/campaigns/:id/report', {
    config: { access: 'screening.report' },
    schema: { tags, summary: '测评报告：参与率与等级分布（校外查看时少于 5 人的格子不显示）', params: IdParam, querystring: contracts.ReportQuery, response: { 200: contracts.Report, ...errors } },
  }, async (req) => campaignReport(deps, callerOf(req), req.params.id, req.query.unitId));

  app.get('/screening/campaigns/:id/report.xlsx', {
    config: { access: 'screening.report' },
    schema: { tags, summary: '导出测评报告（.xlsx，校外少于 5 人及可据此推算的格子显示为“*”）', params: IdParam, querystring: contracts.ReportQuery },
  }, async (req, reply) => {
    const report = await campaignReport(deps, callerOf(req), req.params.id, req.query.unitId);
    const buf = await reportWorkbook(report);
    return reply.header('content-type', XLSX_TYPE).header('content-disposition', contentDisposition(`${report.campaign.title}-${report.unit.name}-测评报告.xlsx`)).send(buf);
  });
};
