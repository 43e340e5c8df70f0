import { createHash, randomBytes } from 'node:crypto';
import { needsMfa, PERMISSIONS, roleHas, type contracts } from '@xinyu/core';
import { and, eq, lt, or, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { Batcher, batcherFor } from '../../db/batch.js';
import { prepared } from '../../db/client.js';
import type { Caller, CallerAssignment, Deps } from '../../http/context.js';
import { AppError, badRequest } from '../../http/errors.js';
import { homePath, loadAssignments } from '../access/service.js';
import { appendAudit } from '../audit/service.js';
import { burnVerifyTime, hashPassword, verifyPassword } from './passwords.js';
import { accounts, loginThrottle, sessions } from './tables.js';
import { matchTotp, newTotpSecret, totpUri } from './totp.js';

export const SESSION_COOKIE = 'xinyu_sid';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const invalidCredentials = () => new AppError(401, 'invalid_credentials', '账号或密码错误');

type LoginBody = z.infer<typeof contracts.LoginBody>;

interface LoginContext {
  ip: string;
  userAgent: string | undefined;
  /** the session the browser still carried, dropped at login so the id rotates */
  previousToken: string | undefined;
}

/**
 * Signs in by username, 学籍号 or phone. Every failure before the second factor answers the same
 * 401, takes about as long, and counts towards the lockout of that login name, existing or not.
 */
export async function login(deps: Deps, body: LoginBody, ctx: LoginContext): Promise<{ token: string; caller: Caller }> {
  const { db, config } = deps;
  const now = deps.clock();
  const loginKey = body.login.trim().toLowerCase();
  const audit = async (outcome: 'ok' | 'failed' | 'denied', detail: Record<string, unknown>, actor?: { id: string; name: string }) => {
    // a sign-in of a known account is filed under its unit, so that unit's auditors see it
    const home = actor ? homePath(await loadAssignments(db, actor.id)) : null;
    await appendAudit(db, {
      actorId: actor?.id ?? null,
      actorName: actor?.name ?? null,
      action: 'auth.login',
      objectType: 'account',
      objectId: actor?.id ?? null,
      outcome,
      ip: ctx.ip,
      orgPath: home ?? null,
      detail: { login: body.login.slice(0, 64), ...detail },
    }, now);
  };

  const throttle = (await db.select().from(loginThrottle).where(eq(loginThrottle.login, loginKey)))[0];
  if (throttle?.lockedUntil && throttle.lockedUntil > now) {
    await burnVerifyTime(body.password);
    await audit('denied', { reason: 'locked' });
    throw new AppError(401, 'locked', `登录失败次数过多，账号已暂时锁定，请 ${config.lockoutMinutes} 分钟后再试`);
  }

  const found = await db
    .select()
    .from(accounts)
    .where(or(sql`lower(${accounts.username}) = ${loginKey}`, eq(accounts.phone, body.login.trim()), eq(accounts.studentNo, body.login.trim().toUpperCase())));
  const account = found.length === 1 ? found[0] : undefined;
  let passwordOk = false;
  if (account) passwordOk = await verifyPassword(account.passwordHash, body.password);
  else await burnVerifyTime(body.password);

  const recordFailure = async (reason: string) => {
    const failures = (throttle && (!throttle.lockedUntil || throttle.lockedUntil <= now) ? throttle.failures : 0) + 1;
    const lockedUntil = failures >= config.lockoutFailures ? new Date(now.getTime() + config.lockoutMinutes * 60000) : null;
    await db
      .insert(loginThrottle)
      .values({ login: loginKey, failures: lockedUntil ? 0 : failures, lockedUntil, updatedAt: now })
      .onConflictDoUpdate({ target: loginThrottle.login, set: { failures: lockedUntil ? 0 : failures, lockedUntil, updatedAt: now } });
    await audit('failed', { reason, ...(lockedUntil ? { locked: true } : {}) }, account ? { id: account.id, name: account.displayName } : undefined);
  };

  if (!account || !passwordOk || account.disabled) {
    await recordFailure(!account ? 'unknown_login' : account.disabled ? 'disabled' : 'bad_password');
    throw invalidCredentials();
  }

  const assignments = await loadAssignments(db, account.id);
  const roles = assignments.map((a) => a.role);
  let totpStepUsed: number | null = null;
  if (needsMfa(roles) && account.totpSecret) {
    if (!body.totp) {
      await audit('denied', { reason: 'mfa_required' }, { id: account.id, name: account.displayName });
      throw new AppError(401, 'mfa_required', '请输入身份验证器中的 6 位动态验证码');
    }
    totpStepUsed = matchTotp(account.totpSecret, body.totp, now, account.totpLastStep);
    if (totpStepUsed === null) {
      await recordFailure('bad_totp');
      throw new AppError(401, 'invalid_totp', '动态验证码错误或已使用');
    }
  }

  await db.delete(loginThrottle).where(eq(loginThrottle.login, loginKey));
  if (totpStepUsed !== null) await db.update(accounts).set({ totpLastStep: totpStepUsed }).where(eq(accounts.id, account.id));
  if (ctx.previousToken) await db.delete(sessions).where(eq(sessions.id, sha256(ctx.previousToken)));
  // expired sessions of this account are swept at each sign-in
  await db.delete(sessions).where(and(eq(sessions.accountId, account.id), lt(sessions.expiresAt, now)));

  const token = await openSession(deps, account.id, { ip: ctx.ip, userAgent: ctx.userAgent }, config.sessionAbsoluteHours);
  await audit('ok', {}, { id: account.id, name: account.displayName });
  const caller = await loadCaller(deps, token, ctx.ip);
  if (!caller) throw new Error('session vanished right after login');
  return { token, caller };
}

/** Creates a session and returns its token (the cookie value); only the token's hash is stored. */
export async function openSession(deps: Deps, accountId: string, ctx: { ip: string; userAgent: string | undefined }, hours: number): Promise<string> {
  const now = deps.clock();
  const token = randomBytes(32).toString('base64url');
  await deps.db.insert(sessions).values({
    id: sha256(token),
    accountId,
    csrfToken: randomBytes(24).toString('base64url'),
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + hours * 3600000),
    ip: ctx.ip,
    userAgent: ctx.userAgent?.slice(0, 300) ?? null,
  });
  return token;
}


interface SessionRow {
  session_id: string;
  valid: boolean;
  csrf_token: string;
  account_id: string;
  username: string;
  display_name: string;
  region_id: number;
  must_change_password: boolean;
  totp_enabled: boolean;
  locale: string;
  assignments: CallerAssignment[];
}

interface SessionLookup {
  id: string;
  now: Date;
  idleMinutes: number;
}

/**
 * One statement for a batch of session lookups (see db/batch.ts): each session, its account, the
 * account's role assignments (as `loadAssignments` returns them) and, once a minute, the touch of
 * a valid session for the idle timeout. Each lookup brings its own clock reading and idle timeout.
 */
function sessionBatcher(deps: Deps): Batcher<SessionLookup, SessionRow | null> {
  const { db } = deps;
  return batcherFor(db, 'sessions', () => new Batcher<SessionLookup, SessionRow | null>(async (items) => {
    const found = await prepared<SessionRow>(db, 'xinyu_load_callers', sql`
      with input as (
        select i.id, i.now, i.now - make_interval(mins => i.idle_minutes) as idle_cutoff
        from unnest(${sql.param(items.map((i) => i.id))}::text[], ${sql.param(items.map((i) => i.now.toISOString()))}::timestamptz[],
          ${sql.param(items.map((i) => i.idleMinutes))}::int[]) as i(id, now, idle_minutes)
      ), touched as (
        -- touching the session once a minute is enough for the idle timeout
        update sessions t set last_seen_at = i.now from input i, accounts ta
        where t.id = i.id and ta.id = t.account_id and not ta.disabled and t.expires_at > i.now and t.last_seen_at > i.idle_cutoff
          and t.last_seen_at < i.now - interval '1 minute'
        returning t.id
      )
      select s.id as session_id, (not a.disabled and s.expires_at > i.now and s.last_seen_at > i.idle_cutoff) as valid,
        s.csrf_token, a.id as account_id, a.username, a.display_name, a.region_id, a.must_change_password, a.totp_secret is not null as totp_enabled, a.locale,
        (select coalesce(json_agg(json_build_object('id', ra.id, 'role', ra.role, 'orgUnitId', ra.org_unit_id, 'orgPath', u.path, 'orgUnitName', u.name,
            'studentId', ra.student_id, 'studentName', st.name, 'homePath', coalesce(u.path, st.org_path))), '[]'::json)
          -- lookups by key, not joins: planned as joins, each session's roles were hashed against a
          -- scan of every org unit (three quarters of the statement's time in a city of 500 units)
          from role_assignments ra
            left join lateral (select x.path, x.name from org_units x where x.id = ra.org_unit_id limit 1) u on true
            left join lateral (select y.name, y.org_path from students y where y.id = ra.student_id limit 1) st on true
          where ra.account_id = a.id) as assignments
      from input i join sessions s on s.id = i.id join accounts a on a.id = s.account_id`);
    const byId = new Map(found.map((r) => [r.session_id, r]));
    return items.map((i) => byId.get(i.id) ?? null);
  }, { concurrency: 3, maxBatch: 500 }));
}

/**
 * Resolves a session token to its caller, or null when absent, idle too long, expired or disabled.
 * Concurrent requests share one statement (sessionBatcher).
 */
export async function loadCaller(deps: Deps, token: string, ip: string): Promise<Caller | null> {
  const id = sha256(token);
  const row = await sessionBatcher(deps).load({ id, now: deps.clock(), idleMinutes: deps.config.sessionIdleMinutes });
  if (!row) return null;
  if (!row.valid) {
    await deps.db.delete(sessions).where(eq(sessions.id, id));
    return null;
  }
  const assignments = row.assignments;
  const roles = [...new Set(assignments.map((a) => a.role))];
  return {
    accountId: row.account_id,
    username: row.username,
    displayName: row.display_name,
    regionId: row.region_id,
    sessionId: id,
    csrfToken: row.csrf_token,
    mustChangePassword: row.must_change_password,
    totpEnabled: row.totp_enabled,
    mfaEnrolmentPending: needsMfa(roles) && !row.totp_enabled,
    locale: row.locale,
    assignments,
    roles,
    ip,
  };
}

export function toMe(caller: Caller): z.infer<typeof contracts.Me> {
  return {
    account: {
      id: caller.accountId,
      username: caller.username,
      displayName: caller.displayName,
      mustChangePassword: caller.mustChangePassword,
      totpEnabled: caller.totpEnabled,
      mfaRequired: needsMfa(caller.roles),
      locale: caller.locale,
    },
    roles: caller.assignments.map((a) => ({
      id: a.id,
      role: a.role,
      orgUnitId: a.orgUnitId,
      orgUnitName: a.orgUnitName,
      orgPath: a.orgPath,
      studentId: a.studentId,
      studentName: a.studentName,
    })),
    permissions: PERMISSIONS.filter((p) => caller.roles.some((r) => roleHas(r, p))),
    csrfToken: caller.csrfToken,
  };
}

export async function logout(deps: Deps, caller: Caller): Promise<void> {
  await deps.db.transaction(async (tx) => {
    await tx.delete(sessions).where(eq(sessions.id, caller.sessionId));
    await appendAudit(tx, { actorId: caller.accountId, actorName: caller.displayName, action: 'auth.logout', objectType: 'account', objectId: caller.accountId, ip: caller.ip }, deps.clock());
  });
}

/** Changing the password ends every session of the account but the current one. */
export async function changePassword(deps: Deps, caller: Caller, currentPassword: string, newPassword: string): Promise<void> {
  const account = (await deps.db.select().from(accounts).where(eq(accounts.id, caller.accountId)))[0];
  if (!account || !(await verifyPassword(account.passwordHash, currentPassword))) {
    throw badRequest('当前密码不正确', { currentPassword: '当前密码不正确' });
  }
  if (currentPassword === newPassword) throw badRequest('新密码不能与当前密码相同', { newPassword: '新密码不能与当前密码相同' });
  const passwordHash = await hashPassword(newPassword);
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    await tx.update(accounts).set({ passwordHash, mustChangePassword: false, passwordChangedAt: now }).where(eq(accounts.id, caller.accountId));
    await tx.delete(sessions).where(and(eq(sessions.accountId, caller.accountId), sql`${sessions.id} <> ${caller.sessionId}`));
    await appendAudit(tx, { actorId: caller.accountId, actorName: caller.displayName, action: 'auth.password.change', objectType: 'account', objectId: caller.accountId, ip: caller.ip }, now);
  });
}

/**
 * TOTP enrolment, step 1: a new secret is kept on the session (not yet active) until a code from
 * it is confirmed; sessions live in the database, so any app server can finish the enrolment.
 */
export async function startTotp(deps: Deps, caller: Caller): Promise<{ secret: string; uri: string }> {
  const secret = newTotpSecret();
  await deps.db.update(sessions).set({ totpPending: secret, totpPendingAt: deps.clock() }).where(eq(sessions.id, caller.sessionId));
  return { secret, uri: totpUri(secret, caller.username) };
}

export async function confirmTotp(deps: Deps, caller: Caller, code: string): Promise<void> {
  const pending = (await deps.db.select({ secret: sessions.totpPending, at: sessions.totpPendingAt }).from(sessions).where(eq(sessions.id, caller.sessionId)))[0];
  const now = deps.clock();
  if (!pending?.secret || !pending.at || now.getTime() - pending.at.getTime() > 10 * 60000) {
    throw badRequest('请先生成新的密钥', { code: '密钥已过期，请重新开始绑定' });
  }
  const step = matchTotp(pending.secret, code, now, null);
  if (step === null) throw badRequest('验证码不正确', { code: '验证码不正确，请检查手机时间后重试' });
  const secret = pending.secret;
  await deps.db.transaction(async (tx) => {
    await tx.update(accounts).set({ totpSecret: secret, totpLastStep: step }).where(eq(accounts.id, caller.accountId));
    await tx.update(sessions).set({ totpPending: null, totpPendingAt: null }).where(eq(sessions.id, caller.sessionId));
    await appendAudit(tx, { actorId: caller.accountId, actorName: caller.displayName, action: 'auth.totp.enrol', objectType: 'account', objectId: caller.accountId, ip: caller.ip }, now);
  });
}

/** Removing the second factor needs the password; roles that require one must enrol again at once. */
export async function disableTotp(deps: Deps, caller: Caller, password: string): Promise<void> {
  const account = (await deps.db.select().from(accounts).where(eq(accounts.id, caller.accountId)))[0];
  if (!account || !(await verifyPassword(account.passwordHash, password))) throw badRequest('密码不正确', { password: '密码不正确' });
  await deps.db.transaction(async (tx) => {
    await tx.update(accounts).set({ totpSecret: null, totpLastStep: null }).where(eq(accounts.id, caller.accountId));
    await appendAudit(tx, { actorId: caller.accountId, actorName: caller.displayName, action: 'auth.totp.reset', objectType: 'account', objectId: caller.accountId, ip: caller.ip }, deps.clock());
  });
}
