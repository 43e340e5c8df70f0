import { contracts, STAFF_POST_LABEL } from '@xinyu/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { callerOf } from '../../http/access-hook.js';
import type { Deps } from '../../http/context.js';
import { appendAudit } from '../audit/service.js';
import { homePath } from '../access/service.js';
import { afterId, contentDisposition, streamXlsx } from '../../lib/xlsx-export.js';
import { auditActor } from './service.js';
import { createStaff, deactivateStaff, listStaff, staffFilter, updateStaff } from './staff.js';
import {
  addCircumstanceCategory,
  addGuardian,
  classNames,
  createStudent,
  getStudent,
  graduateStudents,
  listCircumstanceCategories,
  listStudents,
  moveStudent,
  myStudents,
  setCircumstances,
  studentFilter,
  updateStudent,
} from './students.js';

const E = contracts.ErrorBody;
const errors = { 400: E, 403: E, 404: E, 409: E };
const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const GENDER = { male: '男', female: '女' } as const;
const STATUS = { active: '在读', graduated: '毕业', transferred_out: '转出', suspended: '休学' } as const;

export const peopleRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  app.get('/students', {
    config: { access: 'student.read' },
    schema: { tags: ['students'], summary: '学生名单（按范围过滤，分页）', querystring: contracts.StudentListQuery, response: { 200: contracts.paged(contracts.StudentSummary), 403: E } },
  }, async (req) => listStudents(deps.db, callerOf(req), req.query));

  app.get('/students/export', {
    config: { access: 'roster.export' },
    schema: { tags: ['students'], summary: '导出学生名单（.xlsx，条件同列表）', querystring: contracts.StudentListQuery.omit({ page: true, pageSize: true }), produces: [xlsx] },
  }, async (req, reply) => {
    const caller = callerOf(req);
    const where = await studentFilter(deps.db, caller, req.query, 'roster.export');
    await appendAudit(deps.db, { ...auditActor(caller), action: 'student.export', objectType: 'student_list', orgPath: homePath(caller.assignments), detail: { filters: req.query } }, deps.clock());
    type R = { id: string; student_no: string; name: string; gender: 'male' | 'female'; birth_date: string; school_name: string; grade_name: string | null; class_name: string | null; enrolment_year: number; boarding: boolean; dormitory: string | null; status: keyof typeof STATUS };
    const stream = streamXlsx<R>(deps.db, '学生名单', [
      { header: '学籍号', width: 22, value: (r) => r.student_no },
      { header: '姓名', width: 12, value: (r) => r.name },
      { header: '性别', width: 6, value: (r) => GENDER[r.gender] },
      { header: '出生日期', width: 12, value: (r) => r.birth_date },
      { header: '学校', width: 24, value: (r) => r.school_name },
      { header: '年级', width: 10, value: (r) => r.grade_name },
      { header: '班级', width: 8, value: (r) => r.class_name },
      { header: '入学年份', width: 10, value: (r) => r.enrolment_year },
      { header: '是否住校', width: 10, value: (r) => (r.boarding ? '是' : '否') },
      { header: '宿舍', width: 10, value: (r) => r.dormitory },
      { header: '状态', width: 8, value: (r) => STATUS[r.status] },
    ], (after, limit) => sql`select s.id, s.student_no, s.name, s.gender, s.birth_date, sch.name as school_name, g.name as grade_name, c.name as class_name,
        s.enrolment_year, s.boarding, d.name as dormitory, s.status
      from students s join org_units sch on sch.id = s.school_id left join org_units c on c.id = s.class_id left join org_units g on g.id = c.parent_id
      left join dormitories d on d.id = s.dormitory_id where ${where} ${afterId('s.id', after)} order by s.id limit ${limit}`);
    return reply.header('content-type', xlsx).header('content-disposition', contentDisposition('学生名单.xlsx')).send(stream);
  });

  app.get('/students/:id', {
    config: { access: 'authenticated' },
    schema: { tags: ['students'], summary: '学生档案（监护人、家庭情况按权限返回）', params: contracts.IdParam, response: { 200: contracts.StudentDetail, ...errors } },
  }, async (req) => getStudent(deps, callerOf(req), req.params.id));

  app.post('/students', {
    config: { access: 'student.write' },
    schema: { tags: ['students'], summary: '新增学生', body: contracts.CreateStudentBody, response: { 200: contracts.StudentDetail, ...errors } },
  }, async (req) => createStudent(deps, callerOf(req), req.body));

  app.patch('/students/:id', {
    config: { access: 'student.write' },
    schema: { tags: ['students'], summary: '修改学生信息', params: contracts.IdParam, body: contracts.UpdateStudentBody, response: { 200: contracts.StudentDetail, ...errors } },
  }, async (req) => updateStudent(deps, callerOf(req), req.params.id, req.body));

  app.post('/students/:id/move', {
    config: { access: 'student.write' },
    schema: { tags: ['students'], summary: '调班或转学（保留历史）', params: contracts.IdParam, body: contracts.MoveStudentBody, response: { 200: contracts.StudentDetail, ...errors } },
  }, async (req) => moveStudent(deps, callerOf(req), req.params.id, req.body.classId, req.body.reason));

  app.post('/students/graduate', {
    config: { access: 'student.write' },
    schema: { tags: ['students'], summary: '毕业（停用学生账号，保留档案）', body: contracts.GraduateBody, response: { 200: z.object({ graduated: z.number().int() }), ...errors } },
  }, async (req) => graduateStudents(deps, callerOf(req), req.body.studentIds));

  app.put('/students/:id/circumstances', {
    config: { access: 'student.sensitive.write' },
    schema: { tags: ['students'], summary: '设置学生家庭情况（敏感）', params: contracts.IdParam, body: contracts.SetCircumstancesBody, response: { 200: contracts.StudentDetail, ...errors } },
  }, async (req) => setCircumstances(deps, callerOf(req), req.params.id, req.body.items));

  app.post('/students/:id/guardians', {
    config: { access: 'guardian.write' },
    schema: { tags: ['students'], summary: '添加监护人', params: contracts.IdParam, body: contracts.GuardianBody, response: { 200: contracts.StudentDetail, ...errors } },
  }, async (req) => addGuardian(deps, callerOf(req), req.params.id, req.body));

  app.get('/circumstance-categories', {
    // those who record circumstances, and the bureau that configures the list
    config: { access: ['student.sensitive.read', 'config.write'] },
    schema: { tags: ['students'], summary: '家庭情况类别（含本地区自定义）', response: { 200: z.object({ items: z.array(contracts.CircumstanceCategory) }), 403: E } },
  }, async (req) => ({ items: await listCircumstanceCategories(deps.db, callerOf(req)) }));

  app.post('/circumstance-categories', {
    config: { access: 'config.write' },
    schema: { tags: ['students'], summary: '新增家庭情况类别', body: contracts.CreateCircumstanceCategoryBody, response: { 200: contracts.CircumstanceCategory, ...errors } },
  }, async (req) => addCircumstanceCategory(deps, callerOf(req), req.body.code, req.body.label));

  app.get('/me/students', {
    config: { access: 'self.read' },
    schema: { tags: ['self'], summary: '我的信息（学生本人）或我的孩子（家长）', response: { 200: z.object({ items: z.array(contracts.StudentSummary) }), 403: E } },
  }, async (req) => ({ items: await myStudents(deps.db, callerOf(req)) }));

  app.get('/me/class-names', {
    config: { access: 'class.names' },
    schema: { tags: ['self'], summary: '心理委员：本班同学姓名', response: { 200: z.object({ items: z.array(z.object({ id: z.uuid(), name: z.string() })) }), 403: E } },
  }, async (req) => ({ items: await classNames(deps.db, callerOf(req)) }));

  app.get('/staff', {
    config: { access: 'staff.read' },
    schema: { tags: ['staff'], summary: '教职工名单', querystring: contracts.StaffListQuery, response: { 200: contracts.paged(contracts.Staff), 403: E } },
  }, async (req) => listStaff(deps.db, callerOf(req), req.query));

  app.post('/staff', {
    config: { access: 'staff.write' },
    schema: { tags: ['staff'], summary: '新增教职工（自动开通账号，返回一次性初始密码）', body: contracts.CreateStaffBody, response: { 200: z.object({ username: z.string(), password: z.string().nullable() }), ...errors } },
  }, async (req) => createStaff(deps, callerOf(req), req.body));

  app.patch('/staff/:id', {
    config: { access: 'staff.write' },
    schema: { tags: ['staff'], summary: '修改教职工（岗位变更同步角色）', params: contracts.IdParam, body: contracts.UpdateStaffBody, response: { 200: contracts.Staff, ...errors } },
  }, async (req) => updateStaff(deps, callerOf(req), req.params.id, req.body));

  app.post('/staff/:id/deactivate', {
    config: { access: 'staff.write' },
    schema: { tags: ['staff'], summary: '停用教职工（离职：撤销岗位角色、停用账号，保留记录）', params: contracts.IdParam, response: { 200: contracts.Ok, ...errors } },
  }, async (req) => {
    await deactivateStaff(deps, callerOf(req), req.params.id);
    return { ok: true as const };
  });

  app.get('/staff/export', {
    config: { access: 'staff.read' },
    schema: { tags: ['staff'], summary: '导出教职工名单（.xlsx）', querystring: contracts.StaffListQuery.omit({ page: true, pageSize: true }), produces: [xlsx] },
  }, async (req, reply) => {
    const caller = callerOf(req);
    const where = await staffFilter(deps.db, caller, req.query);
    await appendAudit(deps.db, { ...auditActor(caller), action: 'staff.export', objectType: 'staff_list', orgPath: homePath(caller.assignments), detail: { filters: req.query } }, deps.clock());
    type R = { id: string; staff_no: string | null; name: string; gender: 'male' | 'female' | null; phone: string; school_name: string; subject: string | null; posts: string | null };
    const stream = streamXlsx<R>(deps.db, '教职工名单', [
      { header: '工号', width: 12, value: (r) => r.staff_no },
      { header: '姓名', width: 12, value: (r) => r.name },
      { header: '性别', width: 6, value: (r) => (r.gender ? GENDER[r.gender] : null) },
      { header: '手机号', width: 14, value: (r) => r.phone },
      { header: '学校', width: 24, value: (r) => r.school_name },
      { header: '岗位', width: 24, value: (r) => (r.posts ?? '').split(',').filter(Boolean).map((p) => STAFF_POST_LABEL[p as keyof typeof STAFF_POST_LABEL] ?? p).join('、') },
      { header: '任教学科', width: 10, value: (r) => r.subject },
    ], (after, limit) => sql`select t.id, t.staff_no, t.name, t.gender, t.phone, sch.name as school_name, t.subject,
        (select string_agg(p.post, ',' order by p.id) from staff_posts p where p.staff_id = t.id) as posts
      from staff t join org_units sch on sch.id = t.school_id where ${where} ${afterId('t.id', after)} order by t.id limit ${limit}`);
    return reply.header('content-type', xlsx).header('content-disposition', contentDisposition('教职工名单.xlsx')).send(stream);
  });
};
