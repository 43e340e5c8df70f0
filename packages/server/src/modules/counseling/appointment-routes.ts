import { contracts } from '@xinyu/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { callerOf } from '../../http/access-hook.js';
import type { Deps } from '../../http/context.js';
import { act, book, cancelSlot, freeSlots, getAppointment, listAppointments, listSlots, myAppointments, publishSlots, walkIn } from './appointments.js';

const E = contracts.ErrorBody;
const tags = ['counseling'];
const errors = { 400: E, 403: E, 404: E, 409: E };

/** Counselors' slots and the appointment register (registered by roomRoutes). */
export const appointmentRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  app.get('/counseling/slots', {
    config: { access: 'appointment.manage' },
    schema: { tags, summary: '本校心理教师的预约时段（mine=true 只看自己的）', querystring: contracts.SlotQuery, response: { 200: z.object({ items: z.array(contracts.CounselorSlot) }), ...errors } },
  }, async (req) => ({ items: await listSlots(deps, callerOf(req), req.query) }));

  app.post('/counseling/slots', {
    config: { access: 'appointment.manage' },
    schema: { tags, summary: '发布预约时段：单个，或按星期在日期范围内批量发布（不重复）', body: contracts.PublishSlotsBody, response: { 200: contracts.PublishSlotsResult, ...errors } },
  }, async (req) => publishSlots(deps, callerOf(req), req.body));

  app.post('/counseling/slots/:id/cancel', {
    config: { access: 'appointment.manage' },
    schema: { tags, summary: '取消时段（其上的预约一并取消，并通知预约人、学生和家长）', params: contracts.IdParam, body: contracts.CancelSlotBody, response: { 200: contracts.CounselorSlot, ...errors } },
  }, async (req) => cancelSlot(deps, callerOf(req), req.params.id, req.body.reason));

  app.get('/counseling/students/:id/slots', {
    config: { access: 'appointment.book' },
    schema: { tags, summary: '可为这名学生预约的空闲时段（学生所在学校的心理教师）', params: contracts.IdParam, querystring: contracts.FreeSlotsQuery, response: { 200: contracts.FreeSlots, ...errors } },
  }, async (req) => freeSlots(deps, callerOf(req), req.params.id, req.query));

  app.post('/counseling/appointments', {
    config: { access: 'appointment.book' },
    schema: { tags, summary: '预约心理辅导（本人、家长为子女、教师代约、心理教师登记）', body: contracts.BookAppointmentBody, response: { 200: z.object({ id: z.uuid() }), ...errors } },
  }, async (req) => book(deps, callerOf(req), req.body));

  app.get('/counseling/appointments', {
    config: { access: 'appointment.manage' },
    schema: { tags, summary: '预约登记表（本校）', querystring: contracts.AppointmentQuery, response: { 200: contracts.paged(contracts.Appointment), ...errors } },
  }, async (req) => listAppointments(deps, callerOf(req), req.query));

  app.get('/counseling/appointments/:id', {
    config: { access: 'appointment.manage' },
    schema: { tags, summary: '一条预约及其经过', params: contracts.IdParam, response: { 200: contracts.AppointmentDetail, ...errors } },
  }, async (req) => getAppointment(deps, callerOf(req), req.params.id));

  app.post('/counseling/appointments/:id/action', {
    config: { access: ['appointment.manage', 'appointment.book'] },
    schema: { tags, summary: '确认、完成、未到、改期、取消（预约人与学生本人、家长只能取消）', params: contracts.IdParam, body: contracts.AppointmentActionBody, response: { 200: z.object({ id: z.uuid(), status: contracts.AppointmentStatus }), ...errors } },
  }, async (req) => act(deps, callerOf(req), req.params.id, req.body));

  app.post('/counseling/walk-ins', {
    config: { access: 'appointment.manage' },
    schema: { tags, summary: '登记现场来访', body: contracts.WalkInBody, response: { 200: contracts.AppointmentDetail, ...errors } },
  }, async (req) => walkIn(deps, callerOf(req), req.body));

  app.get('/counseling/my-appointments', {
    config: { access: 'appointment.book' },
    schema: { tags, summary: '我的（或我孩子的）心理辅导预约', response: { 200: contracts.MyAppointments, ...errors } },
  }, async (req) => myAppointments(deps, callerOf(req)));
};
