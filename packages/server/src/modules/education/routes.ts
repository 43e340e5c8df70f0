import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { contracts } from '@xinyu/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { callerOf } from '../../http/access-hook.js';
import type { Deps } from '../../http/context.js';
import { badRequest } from '../../http/errors.js';
import { contentDisposition, xlsxWorkbook, XLSX_TYPE } from '../../lib/xlsx-export.js';
import { formatOf } from '../org/spreadsheet.js';
import { createActivity, createClub, deleteActivity, listActivities, listClubs, updateClub } from './activities.js';
import { importLessons, LESSON_COLUMNS } from './import.js';
import { bulkLessons, createLesson, deleteLesson, listLessons, overview, schoolClasses, schoolVisible, teachers, updateLesson } from './lessons.js';

const E = contracts.ErrorBody;
const tags = ['education'];
const errors = { 400: E, 403: E, 404: E, 409: E };

/** 健康教育：心理健康课、学科渗透与教研活动、主题活动、学生心理社团. */
export const educationRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  app.get('/education/lessons', {
    config: { access: 'education.read' },
    schema: { tags, summary: '心理健康课记录（可见范围内，可按学校、班级、日期筛选，分页）', querystring: contracts.LessonListQuery, response: { 200: contracts.LessonList, ...errors } },
  }, async (req) => listLessons(deps, callerOf(req), req.query));

  app.post('/education/lessons', {
    config: { access: 'education.record' },
    schema: { tags, summary: '登记一节心理健康课（班主任限本班；重复提交只记一次）', body: contracts.CreateLessonBody, response: { 200: contracts.Lesson, ...errors } },
  }, async (req) => createLesson(deps, callerOf(req), req.body));

  app.put('/education/lessons/:id', {
    config: { access: 'education.record' },
    schema: { tags, summary: '修改本人 30 天内登记的心理健康课', params: contracts.IdParam, body: contracts.UpdateLessonBody, response: { 200: contracts.Lesson, ...errors } },
  }, async (req) => updateLesson(deps, callerOf(req), req.params.id, req.body));

  app.delete('/education/lessons/:id', {
    config: { access: 'education.record' },
    schema: { tags, summary: '删除本人 30 天内登记的心理健康课', params: contracts.IdParam, response: { 200: z.object({ ok: z.literal(true) }), ...errors } },
  }, async (req) => {
    await deleteLesson(deps, callerOf(req), req.params.id);
    return { ok: true as const };
  });

  app.post('/education/lessons/bulk', {
    config: { access: 'education.record' },
    schema: { tags, summary: '按课表批量录入心理健康课（跳过节假日、计入调休日；preview 为 true 时只预览数量；重复保存不重复生成）', body: contracts.BulkLessonBody, response: { 200: contracts.BulkLessonResult, ...errors } },
  }, async (req) => bulkLessons(deps, callerOf(req), req.body));

  app.get('/education/lessons/template', {
    config: { access: 'education.record' },
    schema: { tags, summary: '下载心理健康课导入模板（.xlsx）', produces: [XLSX_TYPE] },
  }, async (_req, reply) => {
    const buf = await xlsxWorkbook([{
      name: '心理健康课',
      preamble: ['心理健康课导入模板：班级写作“七年级1班”；日期写作 2026-10-12；授课教师须为本校在职教职工，留空则为导入人；时长填分钟数（10–240）或课时数（1–6，每课时 40 分钟），留空为 40 分钟。'],
      columns: LESSON_COLUMNS.map((c) => ({ header: c.label, width: c.field === 'topic' ? 30 : 16 })),
      rows: [['七年级1班', '2026-10-12', '认识我的情绪', '', 40, '']],
    }]);
    return reply.header('content-type', XLSX_TYPE).header('content-disposition', contentDisposition('心理健康课导入模板.xlsx')).send(buf);
  });

  app.post('/education/lessons/import', {
    config: { access: 'education.record' },
    schema: {
      tags,
      summary: '导入心理健康课（.xlsx / .csv，multipart 字段 file）',
      description: '先逐行校验，任何一行有误则不导入任何数据，并按行列列出问题；同一班级同一天已登记的跳过，重复导入不会重复生成。',
      querystring: contracts.SchoolQuery,
      consumes: ['multipart/form-data'],
      response: { 200: contracts.LessonImportResult, ...errors },
    },
  }, async (req) => {
    const caller = callerOf(req);
    await schoolVisible(deps.db, caller, req.query.schoolId, 'education.record');
    if (!req.isMultipart()) throw badRequest('请以 multipart/form-data 上传文件', { file: '请选择文件' });
    const file = await req.file();
    if (!file) throw badRequest('请选择文件', { file: '请选择文件' });
    const format = formatOf(file.filename);
    if (!format) {
      file.file.resume();
      throw badRequest('只支持 .xlsx 或 .csv 文件', { file: '只支持 .xlsx 或 .csv 文件（旧版 .xls 请在 Excel 中另存为 .xlsx）' });
    }
    const tmp = path.join(os.tmpdir(), `xinyu-lessons-${randomUUID()}.${format}`);
    try {
      await pipeline(file.file, fs.createWriteStream(tmp));
      if (file.file.truncated) throw badRequest('文件过大', { file: '文件过大' });
      return await importLessons(deps, caller, req.query.schoolId, tmp, format, file.filename.slice(0, 200));
    } finally {
      await fs.promises.rm(tmp, { force: true });
    }
  });

  app.get('/education/classes', {
    config: { access: 'education.read' },
    schema: { tags, summary: '一所学校各班本学期心理健康课节数及是否达标（班主任只见本班）', querystring: contracts.ClassesQuery, response: { 200: contracts.SchoolClasses, ...errors } },
  }, async (req) => schoolClasses(deps, callerOf(req), req.query));

  app.get('/education/teachers', {
    config: { access: 'education.record' },
    schema: { tags, summary: '本校在职教职工（选择授课教师、指导教师）', querystring: contracts.SchoolQuery, response: { 200: contracts.TeacherList, ...errors } },
  }, async (req) => teachers(deps, callerOf(req), req.query.schoolId));

  app.get('/education/overview', {
    config: { access: 'education.read' },
    schema: { tags, summary: '各校本学期健康教育一览：班级达标数、是否开课、学科渗透与教研活动、主题活动、心理社团', querystring: contracts.OverviewQuery, response: { 200: contracts.EducationOverview, ...errors } },
  }, async (req) => overview(deps, callerOf(req), req.query));

  app.get('/education/activities', {
    config: { access: 'education.read' },
    schema: { tags, summary: '学科渗透研究、心理教研与主题活动（可按单位、类型、日期筛选，分页）', querystring: contracts.ActivityListQuery, response: { 200: contracts.ActivityList, ...errors } },
  }, async (req) => listActivities(deps, callerOf(req), req.query));

  app.post('/education/activities', {
    config: { access: ['education.record', 'education.research'] },
    schema: { tags, summary: '登记一项活动（重复提交只记一次）；教育局登记本区县举办的心理教研活动', body: contracts.CreateActivityBody, response: { 200: contracts.Activity, ...errors } },
  }, async (req) => createActivity(deps, callerOf(req), req.body));

  app.delete('/education/activities/:id', {
    config: { access: ['education.record', 'education.research'] },
    schema: { tags, summary: '删除本人 30 天内登记的活动', params: contracts.IdParam, response: { 200: z.object({ ok: z.literal(true) }), ...errors } },
  }, async (req) => {
    await deleteActivity(deps, callerOf(req), req.params.id);
    return { ok: true as const };
  });

  app.get('/education/clubs', {
    config: { access: 'education.read' },
    schema: { tags, summary: '学生心理社团及各校在册社团数', querystring: contracts.ClubListQuery, response: { 200: contracts.ClubList, ...errors } },
  }, async (req) => listClubs(deps, callerOf(req), req.query));

  app.post('/education/clubs', {
    config: { access: 'education.record' },
    schema: { tags, summary: '登记学生心理社团（重复提交只记一次）', body: contracts.CreateClubBody, response: { 200: contracts.Club, ...errors } },
  }, async (req) => createClub(deps, callerOf(req), req.body));

  app.put('/education/clubs/:id', {
    config: { access: 'education.record' },
    schema: { tags, summary: '修改心理社团，或停用/启用', params: contracts.IdParam, body: contracts.UpdateClubBody, response: { 200: contracts.Club, ...errors } },
  }, async (req) => updateClub(deps, callerOf(req), req.params.id, req.body));
};
