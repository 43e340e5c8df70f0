import { contracts } from '@xinyu/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { callerOf } from '../../http/access-hook.js';
import type { Deps } from '../../http/context.js';
import { exportFhir, getInstrument, importInstrument, listInstruments } from './service.js';

const E = contracts.ErrorBody;
const errors = { 400: E, 403: E, 404: E, 409: E };

export const screeningRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  app.get('/instruments', {
    config: { access: 'instrument.read' },
    schema: { tags: ['screening'], summary: '量表：内置量表与本地区导入的量表', response: { 200: z.object({ items: z.array(contracts.InstrumentSummary) }), 403: E } },
  }, async (req) => ({ items: await listInstruments(deps.db, callerOf(req)) }));

  app.get('/instruments/:key/:version', {
    config: { access: 'instrument.read' },
    schema: { tags: ['screening'], summary: '量表定义（题目、计分、常模、分级、效度规则）', params: contracts.InstrumentParams, response: { 200: z.record(z.string(), z.unknown()), ...errors } },
  }, async (req) => (await getInstrument(deps.db, callerOf(req), req.params.key, req.params.version)) as unknown as Record<string, unknown>);

  app.get('/instruments/:key/:version/fhir', {
    config: { access: 'instrument.read' },
    schema: { tags: ['screening'], summary: '导出为 FHIR R4 Questionnaire', params: contracts.InstrumentParams, response: { 200: z.record(z.string(), z.unknown()), ...errors } },
  }, async (req) => exportFhir(await getInstrument(deps.db, callerOf(req), req.params.key, req.params.version)) as Record<string, unknown>);

  app.post('/instruments', {
    config: { access: 'instrument.manage' },
    schema: {
      tags: ['screening'],
      summary: '导入本地区已获授权的量表（Xinyu 定义或 FHIR Questionnaire）',
      description: '定义先整体校验，任何问题都会按路径列出，且不导入。同一标识和版本只能导入一次。',
      body: contracts.ImportInstrumentBody,
      response: { 200: contracts.InstrumentSummary, ...errors },
    },
  }, async (req) => importInstrument(deps, callerOf(req), req.body));
};
