import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import cookie from '@fastify/cookie';
import helmet from 'helmet';
import { pino } from 'pino';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { z } from 'zod';
import { migrationsApplied, rows } from './db/client.js';
import { sql } from 'drizzle-orm';
import { registerAccessHook } from './http/access-hook.js';
import type { Deps, RouteAccess } from './http/context.js';
import { AppError, DATABASE_RETRY_AFTER_SECONDS, databaseUnavailable, logSafeError } from './http/errors.js';
import { appendAudit } from './modules/audit/service.js';
import { homePath } from './modules/access/service.js';
import { accessRoutes } from './modules/access/routes.js';
import { auditRoutes } from './modules/audit/routes.js';
import { authRoutes } from './modules/auth/routes.js';
import { orgRoutes } from './modules/org/routes.js';
import { peopleRoutes } from './modules/org/people-routes.js';
import { importRoutes } from './modules/org/import-routes.js';
import { notifyRoutes } from './modules/notify/routes.js';
import { screeningRoutes } from './modules/screening/routes.js';
import { campaignRoutes } from './modules/screening/campaign-routes.js';
import { warningRoutes } from './modules/warning/routes.js';
import { committeeRoutes } from './modules/committee/routes.js';
import { careRoutes } from './modules/care/routes.js';
import { sweepRoutes } from './modules/sweep/routes.js';
import { staffCareRoutes } from './modules/staffcare/routes.js';
import { roomRoutes } from './modules/counseling/room-routes.js';
import { recordRoutes } from './modules/counseling/record-routes.js';
import { crisisCaseRoutes } from './modules/crisis/case-routes.js';
import { referralRoutes } from './modules/crisis/referral-routes.js';
import { educationRoutes } from './modules/education/routes.js';
import { workforceRoutes } from './modules/workforce/routes.js';
import { homeschoolRoutes } from './modules/homeschool/routes.js';
import { supervisionRoutes } from './modules/supervision/routes.js';

z.config(z.locales.zhCN());

export interface BuiltApp {
  app: FastifyInstance;
  /** every /api/v1 route and the access it declared (the access-matrix tests walk this) */
  routeAccess: Map<string, RouteAccess>;
}

/** Turns zod issues into { field: message } with dotted paths. */
function fieldsOf(error: { validation: { keyword: string; instancePath: string; message?: string; params?: Record<string, unknown> }[] }) {
  const fields: Record<string, string> = {};
  for (const v of error.validation) {
    const keys = v.params?.keys;
    if (v.keyword === 'unrecognized_keys' && Array.isArray(keys)) {
      // mass assignment (schoolId, role …) is refused by name
      const prefix = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
      for (const k of keys) fields[prefix ? `${prefix}.${String(k)}` : String(k)] = '不允许的字段';
      continue;
    }
    const key = v.instancePath.replace(/^\//, '').replace(/\//g, '.') || '_';
    fields[key] ??= v.message ?? '无效';
  }
  return fields;
}

/** The dotted path of the first string holding U+0000 in a parsed input, or undefined. */
function nulAt(v: unknown, at: string, depth = 0): string | undefined {
  if (typeof v === 'string') return v.includes('\u0000') ? at : undefined;
  if (!v || typeof v !== 'object' || depth > 64) return undefined;
  for (const [k, x] of Object.entries(v)) {
    const found = k.includes('\u0000') ? at : nulAt(x, at ? `${at}.${k}` : k, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** PostgreSQL's data exceptions caused by an input value: numeric or date/time out of range. */
const OUT_OF_RANGE = new Set(['22003', '22008', '22007']);
function outOfRange(error: unknown): boolean {
  for (let e: unknown = error, i = 0; e && typeof e === 'object' && i < 5; e = (e as { cause?: unknown }).cause, i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && OUT_OF_RANGE.has(code)) return true;
  }
  return false;
}

/** The largest request body read (a questionnaire definition, SCL-90 with norms, can pass 1 MB). */
export const BODY_LIMIT_BYTES = 4 * 1024 * 1024;

export async function buildApp(deps: Deps, opts: { logger?: boolean } = {}): Promise<BuiltApp> {
  const app = Fastify({
    logger: opts.logger
      ? {
          level: deps.config.logLevel,
          redact: ['req.headers.cookie', 'req.headers["x-csrf-token"]'],
          serializers: { err: logSafeError },
          // written asynchronously (flushed at exit): lines that pile up while a write is under way go
          // out in the next one, instead of a blocking write per request line under a screening burst
          stream: pino.destination({ dest: 1, sync: false }),
        }
      : false,
    trustProxy: process.env.XINYU_TRUST_PROXY === '1',
    bodyLimit: BODY_LIMIT_BYTES,
    return503OnClosing: true,
    // one line per request (below) instead of Fastify's two: at a screening's peak the log was a tenth of the CPU
    logController: new LogController({ disableRequestLogging: true }),
    forceCloseConnections: 'idle',
    // what Node's HTTP parser refuses before Fastify sees a request (an address or headers past 16 KB,
    // a malformed request line) in the API's error shape, as Fastify's default handler does otherwise
    clientErrorHandler: (err: Error & { code?: string }, socket) => {
      if (err.code === 'ECONNRESET' || socket.destroyed) return;
      const [status, label, code, message] =
        err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'Request Timeout', 'timeout', '请求超时']
        : err.code === 'HPE_HEADER_OVERFLOW' ? [431, 'Request Header Fields Too Large', 'too_large', '请求地址或请求头过长']
        : [400, 'Bad Request', 'bad_request', '请求无效'];
      const body = JSON.stringify({ error: { code, message } });
      if (socket.writable) socket.write(`HTTP/1.1 ${status} ${label}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`);
      socket.destroy(err);
    },
    // the router's own refusals (a malformed URL, a path parameter past 100 characters) in the API's error shape
    frameworkErrors: (error, _req, reply) => {
      void (reply as FastifyReply).status(error.statusCode ?? 400).send({ error: { code: 'bad_request', message: '请求无效' } });
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // external plugins
  // security headers: helmet's middleware built once (@fastify/helmet rebuilt it, CSP parsing
  // included, on every request)
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        upgradeInsecureRequests: null,
      },
    },
  });
  // helmet's headers depend on nothing in the request: taken once from its middleware, then set on
  // each reply as Fastify's own headers (one object copy instead of a dozen middleware calls, each
  // validating its header on the raw response; the raw headers also forced writeHead's slow path)
  const securityHeaderValues: Record<string, string> = {};
  securityHeaders(
    {} as IncomingMessage,
    {
      setHeader: (name: string, value: unknown) => void (securityHeaderValues[name.toLowerCase()] = String(value)),
      removeHeader: () => undefined,
    } as unknown as ServerResponse,
    (err?: unknown) => {
      if (err) throw err instanceof Error ? err : new Error(String(err));
    },
  );
  app.addHook('onRequest', (_req, reply, done) => {
    void reply.headers(securityHeaderValues);
    done();
  });
  await app.register(cookie);
  await app.register(multipart, { limits: { fileSize: 50 * 1024 * 1024, files: 1 } });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Xinyu 心育 API', version: '1', description: '区域中小学心理健康教育云平台' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'xinyu_sid' } } },
      security: [{ session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  // graceful shutdown: once closing, each response in flight ends its connection, so the server
  // does not wait on keep-alive sockets that fall idle after close() began
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // a callback hook: an async one cost every response a promise and a turn of the microtask queue
  app.addHook('onSend', (_req, reply, payload, done) => {
    if (closing) void reply.header('connection', 'close');
    done(null, payload);
  });

  if (opts.logger) {
    app.addHook('onResponse', (req, reply, done) => {
      // the path without its query: searches can carry a student's name
      req.log.info({ method: req.method, url: req.url.split('?')[0], statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
      done();
    });
  }

  // app plugins
  const routeAccess = registerAccessHook(app, deps);
  // PostgreSQL stores no U+0000 in text or jsonb: a NUL anywhere in the input is refused at the door
  // (after the access check, so a caller without access still learns nothing). Walking every input
  // of every request cost the hot path; a NUL can only come from a %00 in the address or a \u0000
  // escape in a JSON body (a raw one is not JSON), so the walk runs only when the text has one, and
  // on other bodies (multipart fields, plain text) as before.
  const jsonParser = app.getDefaultJsonParser('error', 'error');
  const cleanJson = new WeakSet<object>();
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (!(body as string).includes('\\u0000')) cleanJson.add(req);
    void jsonParser(req, body as string, done);
  });
  app.addHook('preValidation', (req, _reply, done) => {
    const at =
      (req.url.includes('%00') ? (nulAt(req.params, '') ?? nulAt(req.query, '')) : undefined) ??
      (req.body === undefined || cleanJson.has(req) ? undefined : nulAt(req.body, ''));
    done(at === undefined ? undefined : new AppError(400, 'invalid_input', '输入有误，请检查标出的字段', { [at || '_']: '不能包含空字符（\\u0000）' }));
  });
  app.setErrorHandler(async (error: FastifyError, req, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      return reply.status(400).send({ error: { code: 'invalid_input', message: '输入有误，请检查标出的字段', fields: fieldsOf(error) } });
    }
    if (error instanceof AppError) {
      if ((error.statusCode === 403 || error.statusCode === 404) && req.caller) {
        // every refusal is audited, without saying more to the caller
        await appendAudit(deps.db, {
          actorId: req.caller.accountId,
          actorName: req.caller.displayName,
          action: 'access.denied',
          outcome: 'denied',
          ip: req.ip,
          orgPath: homePath(req.caller.assignments),
          detail: { route: `${req.method} ${req.routeOptions.url ?? req.url}`, code: error.code },
        }, deps.clock()).catch((e: unknown) => req.log.error(e));
      }
      return reply.status(error.statusCode).send({ error: { code: error.code, message: error.message, ...(error.fields ? { fields: error.fields } : {}) } });
    }
    if (outOfRange(error)) {
      // a value the schema allowed but PostgreSQL cannot hold (an id past int4, the year 0): bad input, not a fault
      return reply.status(400).send({ error: { code: 'invalid_input', message: '输入的数值或日期超出范围' } });
    }
    if (databaseUnavailable(error)) {
      // PostgreSQL stopped, restarting or out of reach: a moment's unavailability, not a fault
      // (the driver's error only: drizzle's wrapper carries the statement and its parameters)
      let cause: unknown = error;
      while (cause instanceof Error && cause.cause instanceof Error) cause = cause.cause;
      req.log.warn({ code: (cause as { code?: unknown }).code, reason: cause instanceof Error ? cause.message : String(cause) }, 'database unavailable');
      return reply.status(503).header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS)).send({ error: { code: 'unavailable', message: '数据库暂不可用，请稍后再试' } });
    }
    const status = error.statusCode ?? 500;
    if (status < 500) {
      const message = status === 413 ? '文件或请求过大' : status === 415 ? '不支持的内容类型' : '请求无效';
      return reply.status(status).send({ error: { code: error.code?.toLowerCase() ?? 'bad_request', message } });
    }
    req.log.error(error);
    return reply.status(500).send({ error: { code: 'internal', message: '服务器内部错误，请稍后重试' } });
  });

  // the public contract (DESIGN.md §5)
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    try {
      await rows(deps.db, sql`select 1`);
      if (!(await migrationsApplied(deps.db))) return reply.status(503).send({ status: 'migrating' });
      return { status: 'ready' };
    } catch {
      return reply.status(503).send({ status: 'database unavailable' });
    }
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  // domain modules
  await app.register(authRoutes(deps), { prefix: '/api/v1' });
  await app.register(accessRoutes(deps), { prefix: '/api/v1' });
  await app.register(orgRoutes(deps), { prefix: '/api/v1' });
  await app.register(peopleRoutes(deps), { prefix: '/api/v1' });
  await app.register(importRoutes(deps), { prefix: '/api/v1' });
  await app.register(auditRoutes(deps), { prefix: '/api/v1' });
  await app.register(notifyRoutes(deps), { prefix: '/api/v1' });
  await app.register(screeningRoutes(deps), { prefix: '/api/v1' });
  await app.register(campaignRoutes(deps), { prefix: '/api/v1' });
  await app.register(warningRoutes(deps), { prefix: '/api/v1' });
  await app.register(committeeRoutes(deps), { prefix: '/api/v1' });
  await app.register(careRoutes(deps), { prefix: '/api/v1' });
  await app.register(sweepRoutes(deps), { prefix: '/api/v1' });
  await app.register(staffCareRoutes(deps), { prefix: '/api/v1' });
  await app.register(roomRoutes(deps), { prefix: '/api/v1' });
  await app.register(recordRoutes(deps), { prefix: '/api/v1' });
  await app.register(crisisCaseRoutes(deps), { prefix: '/api/v1' });
  await app.register(referralRoutes(deps), { prefix: '/api/v1' });
  await app.register(educationRoutes(deps), { prefix: '/api/v1' });
  await app.register(workforceRoutes(deps), { prefix: '/api/v1' });
  await app.register(homeschoolRoutes(deps), { prefix: '/api/v1' });
  await app.register(supervisionRoutes(deps), { prefix: '/api/v1' });

  // the web UI, when built: static files, and index.html for client-side routes
  const webDist = deps.config.webDist ?? path.resolve(import.meta.dirname, '../../web/dist');
  const hasWeb = fs.existsSync(path.join(webDist, 'index.html'));
  // wildcard: files are looked up per request, so a rebuilt UI is served without a restart
  if (hasWeb) await app.register(fastifyStatic, { root: webDist, wildcard: true });
  app.setNotFoundHandler((req, reply) => {
    if (hasWeb && req.method === 'GET' && !req.url.startsWith('/api/')) return reply.sendFile('index.html');
    return reply.status(404).send({ error: { code: 'not_found', message: '未找到' } });
  });
  return { app, routeAccess };
}
