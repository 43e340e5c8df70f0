import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { roleHas, type Permission } from '@xinyu/core';
import type { Caller, Deps, RouteAccess } from './context.js';
import { AppError, forbidden, unauthenticated } from './errors.js';
import { loadCaller, SESSION_COOKIE } from '../modules/auth/service.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Every /api/v1 route declares what it needs; registration fails without it. */
    access?: RouteAccess;
    /** reachable while the account must still change its password or enrol TOTP */
    allowPending?: boolean;
  }
  interface FastifyRequest {
    caller: Caller | null;
  }
}

/** The caller of a route that required sign-in (the hook has already refused anonymous calls). */
export function callerOf(req: FastifyRequest): Caller {
  if (!req.caller) throw unauthenticated();
  return req.caller;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Collects each route's declared access, resolves the session and enforces access, CSRF and pending steps. */
export function registerAccessHook(app: FastifyInstance, deps: Deps): Map<string, RouteAccess> {
  const declared = new Map<string, RouteAccess>();
  app.decorateRequest('caller', null);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/v1')) return;
    const access = route.config?.access;
    if (!access) throw new Error(`route ${String(route.method)} ${route.url} declares no access`);
    for (const m of [route.method].flat()) if (m !== 'HEAD') declared.set(`${m} ${route.url}`, access);
  });

  // preValidation: a caller without access learns nothing, not even which inputs are valid
  app.addHook('preValidation', async (req: FastifyRequest, _reply: FastifyReply) => {
    const access = req.routeOptions.config?.access;
    if (!access || !req.url.startsWith('/api/v1')) return;
    const token = req.cookies[SESSION_COOKIE];
    req.caller = token ? await loadCaller(deps, token, req.ip) : null;
    if (access === 'public') return;
    const caller = req.caller;
    if (!caller) throw unauthenticated();
    if (UNSAFE.has(req.method) && req.headers['x-csrf-token'] !== caller.csrfToken) {
      throw new AppError(403, 'csrf', '请求校验失败，请刷新页面后重试');
    }
    if (!req.routeOptions.config.allowPending) {
      if (caller.mustChangePassword) throw new AppError(403, 'password_change_required', '首次登录请先修改密码');
      if (caller.mfaEnrolmentPending) throw new AppError(403, 'mfa_enrolment_required', '您的角色需要先绑定身份验证器');
    }
    if (access === 'authenticated') return;
    // refusals are audited by the error handler
    const anyOf: readonly Permission[] = typeof access === 'string' ? [access] : access;
    if (!caller.roles.some((r) => anyOf.some((p) => roleHas(r, p)))) throw forbidden();
  });
  return declared;
}
