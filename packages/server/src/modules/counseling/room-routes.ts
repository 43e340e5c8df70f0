import { contracts } from '@xinyu/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { callerOf } from '../../http/access-hook.js';
import type { Deps } from '../../http/context.js';
import { contentDisposition, sheet, XLSX_TYPE, xlsxWorkbook } from '../../lib/xlsx-export.js';
import { appointmentRoutes } from './appointment-routes.js';
import { createRoom, getRoom, listRooms, logHours, rateRoom, replaceHours, roomOverview, updateRoom } from './rooms.js';
import { exportRegister, registerColumns } from './appointments.js';

const E = contracts.ErrorBody;
const tags = ['counseling'];
const errors = { 400: E, 403: E, 404: E, 409: E };

/** Counseling rooms, and (registered from here) slots and appointments. */
export const roomRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  app.get('/counseling/rooms', {
    config: { access: 'room.read' },
    schema: { tags, summary: '心理辅导室（可见范围内），含每周开放时间及是否达到开放要求', querystring: contracts.RoomListQuery, response: { 200: z.object({ items: z.array(contracts.CounselingRoom) }), ...errors } },
  }, async (req) => ({ items: await listRooms(deps, callerOf(req), req.query) }));

  app.get('/counseling/rooms/overview', {
    config: { access: 'room.read' },
    schema: { tags, summary: '各校心理辅导室一览：数量、最高评定、按计划与按实际开放是否达标，未设辅导室的学校标出', querystring: contracts.RoomOverviewQuery, response: { 200: contracts.RoomOverview, ...errors } },
  }, async (req) => roomOverview(deps, callerOf(req), req.query));

  app.post('/counseling/rooms', {
    config: { access: 'room.manage' },
    schema: { tags, summary: '新增心理辅导室', body: contracts.CreateRoomBody, response: { 200: contracts.RoomDetail, ...errors } },
  }, async (req) => createRoom(deps, callerOf(req), req.body));

  app.get('/counseling/rooms/:id', {
    config: { access: 'room.read' },
    schema: { tags, summary: '一间心理辅导室：开放时间、开放记录及两种口径的达标情况', params: contracts.IdParam, querystring: contracts.RoomRangeQuery, response: { 200: contracts.RoomDetail, ...errors } },
  }, async (req) => getRoom(deps, callerOf(req), req.params.id, req.query));

  app.put('/counseling/rooms/:id', {
    config: { access: 'room.manage' },
    schema: { tags, summary: '修改名称、位置，或停用/启用', params: contracts.IdParam, body: contracts.UpdateRoomBody, response: { 200: contracts.RoomDetail, ...errors } },
  }, async (req) => updateRoom(deps, callerOf(req), req.params.id, req.body));

  app.put('/counseling/rooms/:id/hours', {
    config: { access: 'room.manage' },
    schema: { tags, summary: '设置每周开放时间（整体替换）', params: contracts.IdParam, body: contracts.RoomHoursBody, response: { 200: contracts.RoomDetail, ...errors } },
  }, async (req) => replaceHours(deps, callerOf(req), req.params.id, req.body));

  app.post('/counseling/rooms/:id/logs', {
    config: { access: 'room.manage' },
    schema: { tags, summary: '登记实际开放时间（重复提交只记一次）', params: contracts.IdParam, body: contracts.RoomLogBody, response: { 200: contracts.RoomDetail, ...errors } },
  }, async (req) => logHours(deps, callerOf(req), req.params.id, req.body));

  app.put('/counseling/rooms/:id/rating', {
    config: { access: 'room.rate' },
    schema: { tags, summary: '教育局评定：未评定、达标、示范', params: contracts.IdParam, body: contracts.RoomRatingBody, response: { 200: contracts.RoomDetail, ...errors } },
  }, async (req) => rateRoom(deps, callerOf(req), req.params.id, req.body));

  app.get('/counseling/appointments/export', {
    config: { access: 'appointment.manage' },
    schema: { tags, summary: '导出预约登记表（.xlsx，按日期范围）', querystring: contracts.AppointmentExportQuery, produces: [XLSX_TYPE] },
  }, async (req, reply) => {
    const out = await exportRegister(deps, callerOf(req), req.query);
    const buf = await xlsxWorkbook([sheet({ name: '预约登记表', preamble: [out.title], columns: registerColumns, items: out.rows.map((r, i) => ({ ...r, seq: i + 1 })) })]);
    return reply.header('content-type', XLSX_TYPE).header('content-disposition', contentDisposition(`预约登记表_${req.query.from}_${req.query.to}.xlsx`)).send(buf);
  });

  await app.register(appointmentRoutes(deps));
};
