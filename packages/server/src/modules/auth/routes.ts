import { contracts } from '@xinyu/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { callerOf } from '../../http/access-hook.js';
import type { Deps } from '../../http/context.js';
import { changePassword, confirmTotp, disableTotp, login, logout, SESSION_COOKIE, startTotp, toMe } from './service.js';

const errors = { 400: contracts.ErrorBody, 401: contracts.ErrorBody, 403: contracts.ErrorBody };

export const authRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  const cookieOptions = {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: deps.config.secureCookies,
  };

  app.post('/auth/login', {
    config: { access: 'public' },
    schema: {
      tags: ['auth'],
      summary: '登录（用户名、学籍号或手机号）',
      description: '成功时设置会话 Cookie。账号或密码错误时统一返回 401 invalid_credentials；需要二次验证的角色未提供 totp 时返回 401 mfa_required；同一登录名连续失败 5 次锁定 15 分钟（401 locked）；同一来源地址或全部地址的失败次数超过限额时返回 429 throttled。',
      body: contracts.LoginBody,
      response: { 200: contracts.Me, ...errors, 429: contracts.ErrorBody },
    },
  }, async (req, reply) => {
    const { token, caller } = await login(deps, req.body, {
      ip: req.ip,
      userAgent: req.headers['user-agent'],
      previousToken: req.cookies[SESSION_COOKIE],
    });
    reply.setCookie(SESSION_COOKIE, token, { ...cookieOptions, maxAge: deps.config.sessionAbsoluteHours * 3600 });
    return toMe(caller);
  });

  app.post('/auth/logout', {
    config: { access: 'authenticated', allowPending: true },
    schema: { tags: ['auth'], summary: '退出登录', response: { 200: contracts.Ok, ...errors } },
  }, async (req, reply) => {
    await logout(deps, callerOf(req));
    reply.clearCookie(SESSION_COOKIE, cookieOptions);
    return { ok: true as const };
  });

  app.get('/auth/me', {
    config: { access: 'authenticated', allowPending: true },
    schema: { tags: ['auth'], summary: '当前账号、角色与权限', response: { 200: contracts.Me, ...errors } },
  }, async (req) => toMe(callerOf(req)));

  app.post('/auth/password', {
    config: { access: 'authenticated', allowPending: true },
    schema: { tags: ['auth'], summary: '修改密码（其他会话全部失效）', body: contracts.ChangePasswordBody, response: { 200: contracts.Ok, ...errors } },
  }, async (req) => {
    await changePassword(deps, callerOf(req), req.body.currentPassword, req.body.newPassword);
    return { ok: true as const };
  });

  app.post('/auth/totp/start', {
    config: { access: 'authenticated', allowPending: true },
    schema: { tags: ['auth'], summary: '开始绑定身份验证器（TOTP）', response: { 200: contracts.TotpStart, ...errors } },
  }, async (req) => startTotp(deps, callerOf(req)));

  app.post('/auth/totp/confirm', {
    config: { access: 'authenticated', allowPending: true },
    schema: { tags: ['auth'], summary: '输入验证码完成绑定', body: contracts.TotpConfirmBody, response: { 200: contracts.Ok, ...errors } },
  }, async (req) => {
    await confirmTotp(deps, callerOf(req), req.body.code);
    return { ok: true as const };
  });

  app.post('/auth/totp/reset', {
    config: { access: 'authenticated', allowPending: true },
    schema: { tags: ['auth'], summary: '解除身份验证器（需输入密码，之后须重新绑定）', body: contracts.TotpDisableBody, response: { 200: contracts.Ok, ...errors } },
  }, async (req) => {
    await disableTotp(deps, callerOf(req), req.body.password);
    return { ok: true as const };
  });
};
