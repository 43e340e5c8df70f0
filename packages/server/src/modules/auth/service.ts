import { createHash, randomBytes } from 'node:crypto';
import { needsMfa, PERMISSIONS, roleHas, type contracts } from '@xinyu/core';
import { and, eq, lt, or, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { Batcher, batcherFor } from '../../db/batch.js';
import { prepared, rows } from '../../db/client.js';
import type { Caller, CallerAssignment, Deps } from '../../http/context.js';
import { AppError, badRequest } from '../../http/errors.js';
import { homePath, loadAssignments } from '../access/service.js';
import { appendAudit } from '../audit/service.js';
import { burnVerifyTime, hashPassword, verifyPassword } from './passwords.js';
import { accounts, loginSources, loginThrottle, sessions } from './tables.js';
import { matchTotp, newTotpSecret, totpUri } from './totp.js';

export const SESSION_COOKIE = 'xinyu_sid';

/** A session's row id: the hash of its token (the cookie value); the token itself is never stored. */
export const sessionIdOf = (token: string) => createHash('sha256').update(token).digest('hex');
const invalidCredentials = () => new AppError(401, 'invalid_credentials', '账号或密码错误');

type LoginBody = z.infer<typeof contracts.LoginBody>;

interface LoginContext {
  ip: string;
  userAgent: string | undefined;
  /** the session the browser still carried, dropped at login so the id rotates */
  previousToken: string | undefined;
}

const NO_ACCOUNT = '00000000-0000-0000-0000-000000000000';
/** The row of login_sources that counts every address together. */
const ALL_SOURCES = '*';
/** An address that signed someone in this recently stays open while the global limit holds. */
const KNOWN_SOURCE_DAYS = 30;

/**
 * Counts a sign-in attempt against its address and against all addresses before any password is
 * checked (so concurrent attempts cannot slip past a limit), and answers whether the attempt may go
 * on. An attempt that turns out not to be a failure is taken back (`releaseSource`).
 */
async function admitSource(deps: Deps, ip: string, now: Date): Promise<'ok' | 'source' | 'global'> {
  const { config } = deps;
  if (config.loginSourceFailures <= 0 && config.loginGlobalFailures <= 0) return 'ok';
  const windowStart = new Date(now.getTime() - config.loginWindowMinutes * 60000);
  const keys = [ip, ALL_SOURCES];
  const counted = await rows<{ ip: string; failures: number; blocked_until: Date | string | null; last_success_at: Date | string | null }>(deps.db, sql`
    insert into login_sources (ip, failures, window_start, updated_at)
    select k, 1, ${now}::timestamptz, ${now}::timestamptz from unnest(${sql.param(keys)}::text[]) as k
    on conflict (ip) do update set
      failures = case when login_sources.window_start <= ${windowStart}::timestamptz then 1 else login_sources.failures + 1 end,
      window_start = case when login_sources.window_start <= ${windowStart}::timestamptz then ${now}::timestamptz else login_sources.window_start end,
      updated_at = ${now}::timestamptz
    returning ip, failures, blocked_until, last_success_at`);
  const mine = counted.find((r) => r.ip === ip);
  const all = counted.find((r) => r.ip === ALL_SOURCES);
  const blocked = (r: typeof mine, limit: number) => !!r && ((r.blocked_until != null && new Date(r.blocked_until) > now) || (limit > 0 && r.failures > limit));
  const block = async (key: string) => {
    await deps.db.update(loginSources).set({ blockedUntil: new Date(now.getTime() + config.lockoutMinutes * 60000) })
      .where(and(eq(loginSources.ip, key), or(sql`${loginSources.blockedUntil} is null`, lt(loginSources.blockedUntil, now))));
  };
  if (blocked(mine, config.loginSourceFailures)) {
    await block(ip);
    return 'source';
  }
  const known = mine?.last_success_at != null && new Date(mine.last_success_at).getTime() > now.getTime() - KNOWN_SOURCE_DAYS * 86400000;
  if (blocked(all, config.loginGlobalFailures)) {
    await block(ALL_SOURCES);
    if (!known) return 'global';
  }
  return 'ok';
}

/** After a failure: the address or everyone at the limit is blocked from now on. */
async function failSource(deps: Deps, ip: string, now: Date): Promise<void> {
  const { config } = deps;
  const until = new Date(now.getTime() + config.lockoutMinutes * 60000);
  for (const [key, limit] of [[ip, config.loginSourceFailures], [ALL_SOURCES, config.loginGlobalFailures]] as const) {
    if (limit <= 0) continue;
    await deps.db.update(loginSources).set({ blockedUntil: until })
      .where(and(eq(loginSources.ip, key), sql`${loginSources.failures} >= ${limit}`, or(sql`${loginSources.blockedUntil} is null`, lt(loginSources.blockedUntil, now))));
  }
}

/** The attempt was not a failure (signed in, or a second factor asked for): take its count back. */
async function releaseSource(deps: Deps, ip: string, now: Date, success: boolean): Promise<void> {
  if (deps.config.loginSourceFailures <= 0 && deps.config.loginGlobalFailures <= 0) return;
  await deps.db.execute(sql`update login_sources set failures = greatest(failures - 1, 0),
    last_success_at = case when ${success} and ip <> ${ALL_SOURCES} then ${now}::timestamptz else last_success_at end
    where ip in (${ip}, ${ALL_SOURCES})`);
}

/**
 * Counts an attempt against a login name before its password is checked, in one statement, so
 * that a burst of concurrent guesses cannot all read "not locked yet": the sixth of them is refused
 * as locked. A lock that has run out starts the count again.
 */
async function admitLogin(deps: Deps, loginKey: string, now: Date): Promise<{ locked: boolean; busy: boolean; failures: number }> {
  const counted = await rows<{ failures: number; locked_until: Date | string | null }>(deps.db, sql`
    insert into login_throttle (login, failures, updated_at) values (${loginKey}, 1, ${now}::timestamptz)
    on conflict (login) do update set
      failures = case when login_throttle.locked_until is not null and login_throttle.locked_until <= ${now}::timestamptz then 1 else login_throttle.failures + 1 end,
      locked_until = case when login_throttle.locked_until <= ${now}::timestamptz then null else login_throttle.locked_until end,
      updated_at = ${now}::timestamptz
    returning failures, locked_until`);
  const row = counted[0]!;
  const locked = row.locked_until != null && new Date(row.locked_until) > now;
  // more attempts in flight than failures allowed: this one is refused unchecked (and not counted),
  // but no lock is set, since none of them may have failed (one person signing in on six devices)
  const busy = !locked && row.failures > deps.config.lockoutFailures;
  if (busy) await deps.db.execute(sql`update login_throttle set failures = greatest(failures - 1, 0) where login = ${loginKey}`);
  return { locked, busy, failures: row.failures };
}

/**
 * Signs in by username, 学籍号 or phone. Every failure before the second factor answers the same
 * 401, takes about as long (the same statements run for a made-up login as for a real one), and
 * counts towards the lockout of that login name, existing or not, and towards the limits of the
 * source address and of all addresses together (credential stuffing).
 */
export async function login(deps: Deps, body: LoginBody, ctx: LoginContext): Promise<{ token: string; caller: Caller }> {
  const { db, config } = deps;
  const now = deps.clock();
  const loginKey = body.login.trim().toLowerCase();
  const audit = async (outcome: 'ok' | 'failed' | 'denied', detail: Record<string, unknown>, actor?: { id: string; name: string }, home: string | null = null) => {
    await appendAudit(db, {
      actorId: actor?.id ?? null,
      actorName: actor?.name ?? null,
      action: 'auth.login',
      objectType: 'account',
      objectId: actor?.id ?? null,
      outcome,
      ip: ctx.ip,
      orgPath: home,
      detail: { login: body.login.slice(0, 64), ...detail },
    }, now);
  };

  const source = await admitSource(deps, ctx.ip, now);
  if (source !== 'ok') {
    // no password is checked: a blocked source costs the server one statement per attempt
    await audit('denied', { reason: source === 'source' ? 'source_throttled' : 'global_throttled' });
    throw new AppError(429, 'throttled', `登录尝试过于频繁，请 ${config.lockoutMinutes} 分钟后再试`);
  }

  const throttle = await admitLogin(deps, loginKey, now);
  if (throttle.locked || throttle.busy) {
    await burnVerifyTime(body.password);
    await audit('denied', { reason: throttle.locked ? 'locked' : 'too_many_in_flight' });
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
  // a sign-in of a known account is filed under its unit, so that unit's auditors see it; the same
  // lookup runs for a made-up login, so the answer takes as long
  const assignments = await loadAssignments(db, account?.id ?? NO_ACCOUNT);
  const actor = account ? { id: account.id, name: account.displayName } : undefined;
  const home = homePath(assignments);

  const recordFailure = async (reason: string) => {
    const lock = throttle.failures >= config.lockoutFailures;
    if (lock) {
      await db.update(loginThrottle).set({ lockedUntil: new Date(now.getTime() + config.lockoutMinutes * 60000) })
        .where(and(eq(loginThrottle.login, loginKey), or(sql`${loginThrottle.lockedUntil} is null`, lt(loginThrottle.lockedUntil, now))));
    }
    await failSource(deps, ctx.ip, now);
    await audit('failed', { reason, ...(lock ? { locked: true } : {}) }, actor, home);
  };

  if (!account || !passwordOk || account.disabled) {
    await recordFailure(!account ? 'unknown_login' : account.disabled ? 'disabled' : 'bad_password');
    throw invalidCredentials();
  }

  const roles = assignments.map((a) => a.role);
  if (needsMfa(roles) && account.totpSecret) {
    if (!body.totp) {
      // the password was right: neither the name nor the address has failed
      await db.execute(sql`update login_throttle set failures = greatest(failures - 1, 0) where login = ${loginKey}`);
      await releaseSource(deps, ctx.ip, now, false);
      await audit('denied', { reason: 'mfa_required' }, actor, home);
      throw new AppError(401, 'mfa_required', '请输入身份验证器中的 6 位动态验证码');
    }
    const step = matchTotp(account.totpSecret, body.totp, now, account.totpLastStep);
    // the step is taken in one conditional statement: of two requests with the same code, one wins
    const taken = step === null ? [] : await db.update(accounts).set({ totpLastStep: step })
      .where(and(eq(accounts.id, account.id), or(sql`${accounts.totpLastStep} is null`, lt(accounts.totpLastStep, step))))
      .returning({ id: accounts.id });
    if (!taken.length) {
      await recordFailure(step === null ? 'bad_totp' : 'totp_replayed');
      throw new AppError(401, 'invalid_totp', '动态验证码错误或已使用');
    }
  }

  await db.delete(loginThrottle).where(eq(loginThrottle.login, loginKey));
  await releaseSource(deps, ctx.ip, now, true);
  await db.update(accounts).set({ lastLoginAt: now }).where(eq(accounts.id, account.id));
  if (ctx.previousToken) await db.delete(sessions).where(eq(sessions.id, sessionIdOf(ctx.previousToken)));
  // expired sessions of this account are swept at each sign-in
  await db.delete(sessions).where(and(eq(sessions.accountId, account.id), lt(sessions.expiresAt, now)));

  const token = await openSession(deps, account.id, { ip: ctx.ip, userAgent: ctx.userAgent }, config.sessionAbsoluteHours);
  await audit('ok', {}, actor, home);
  const caller = await loadCaller(deps, token, ctx.ip);
  if (!caller) throw new Error('session vanished right after login');
  return { token, caller };
}

/** Creates a session and returns its token (the cookie value); only the token's hash is stored. */
export async function openSession(deps: Deps, accountId: string, ctx: { ip: string; userAgent: string | undefined }, hours: number): Promise<string> {
  const now = deps.clock();
  const token = randomBytes(32).toString('base64url');
  await deps.db.insert(sessions).values({
    id: sessionIdOf(token),
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
  password_changed_at: Date | string;
  totp_enabled: boolean;
  locale: string;
  assignments: CallerAssignment[];
}

/** A session with one of its account's roles (the ra_ columns; null for an account without roles). */
type SessionAssignmentRow = Omit<SessionRow, 'assignments'> & {
  ra_id: string | null;
  ra_role: CallerAssignment['role'] | null;
  ra_org_unit_id: number | null;
  ra_org_path: string | null;
  ra_org_unit_name: string | null;
  ra_student_id: string | null;
  ra_student_name: string | null;
  ra_home_path: string | null;
};

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
    // the session and its account are read once: the once-a-minute touch updates the rows found
    // by their ctid (a TID scan) instead of looking both up again. A row changed meanwhile (touched
    // by a concurrent batch, or deleted) no longer has that ctid and is left alone, which is right:
    // a touch is only needed once a minute.
    // one row per session and role (none for an account without roles), gathered per session below:
    // flat rows cost PostgreSQL less than building each session's roles as JSON
    const found = await prepared<SessionAssignmentRow>(db, 'xinyu_load_callers', sql`
      with input as (
        select i.id, i.now, i.now - make_interval(mins => i.idle_minutes) as idle_cutoff
        from unnest(${sql.param(items.map((i) => i.id))}::text[], ${sql.param(items.map((i) => i.now.toISOString()))}::timestamptz[],
          ${sql.param(items.map((i) => i.idleMinutes))}::int[]) as i(id, now, idle_minutes)
      ), found as materialized (
        select s.ctid as row_ctid, i.now, s.id as session_id, (not a.disabled and s.expires_at > i.now and s.last_seen_at > i.idle_cutoff) as valid,
          s.last_seen_at < i.now - interval '1 minute' as stale,
          s.csrf_token, a.id as account_id, a.username, a.display_name, a.region_id, a.must_change_password, a.password_changed_at, a.totp_secret is not null as totp_enabled, a.locale
        from input i join sessions s on s.id = i.id join accounts a on a.id = s.account_id
      ), touched as (
        -- touching the session once a minute is enough for the idle timeout
        update sessions t set last_seen_at = f.now from found f
        where t.ctid = f.row_ctid and f.valid and f.stale
        returning t.id
      )
      select f.session_id, f.valid, f.csrf_token, f.account_id, f.username, f.display_name, f.region_id, f.must_change_password, f.password_changed_at, f.totp_enabled, f.locale,
        ra.id as ra_id, ra.role as ra_role, ra.org_unit_id as ra_org_unit_id, u.path as ra_org_path, u.name as ra_org_unit_name,
        ra.student_id as ra_student_id, st.name as ra_student_name, coalesce(u.path, st.org_path) as ra_home_path
      from found f
        -- lookups by key, not joins: planned as joins, each session's roles were hashed against a
        -- scan of every org unit (three quarters of the statement's time in a city of 500 units)
        left join lateral (select r.id, r.role, r.org_unit_id, r.student_id from role_assignments r where r.account_id = f.account_id) ra on true
        left join lateral (select x.path, x.name from org_units x where x.id = ra.org_unit_id limit 1) u on true
        left join lateral (select y.name, y.org_path from students y where y.id = ra.student_id limit 1) st on true`);
    const byId = new Map<string, SessionRow>();
    for (const r of found) {
      let session = byId.get(r.session_id);
      if (!session) {
        session = {
          session_id: r.session_id, valid: r.valid, csrf_token: r.csrf_token, account_id: r.account_id, username: r.username, display_name: r.display_name,
          region_id: r.region_id, must_change_password: r.must_change_password, password_changed_at: r.password_changed_at, totp_enabled: r.totp_enabled,
          locale: r.locale, assignments: [],
        };
        byId.set(r.session_id, session);
      }
      // the same session twice in a batch (two requests at once) brings its roles twice
      if (r.ra_id && !session.assignments.some((a) => a.id === r.ra_id)) {
        session.assignments.push({
          id: r.ra_id, role: r.ra_role!, orgUnitId: r.ra_org_unit_id, orgPath: r.ra_org_path, orgUnitName: r.ra_org_unit_name,
          studentId: r.ra_student_id, studentName: r.ra_student_name, homePath: r.ra_home_path,
        });
      }
    }
    return items.map((i) => byId.get(i.id) ?? null);
  }, { concurrency: 3, maxBatch: 500 }));
}

/**
 * Resolves a session token to its caller, or null when absent, idle too long, expired or disabled.
 * Concurrent requests share one statement (sessionBatcher).
 */
export async function loadCaller(deps: Deps, token: string, ip: string): Promise<Caller | null> {
  const id = sessionIdOf(token);
  const row = await sessionBatcher(deps).load({ id, now: deps.clock(), idleMinutes: deps.config.sessionIdleMinutes });
  if (!row) return null;
  if (!row.valid) {
    await deps.db.delete(sessions).where(eq(sessions.id, id));
    return null;
  }
  const assignments = row.assignments;
  const roles = [...new Set(assignments.map((a) => a.role))];
  const now = deps.clock();
  return {
    accountId: row.account_id,
    username: row.username,
    displayName: row.display_name,
    regionId: row.region_id,
    sessionId: id,
    csrfToken: row.csrf_token,
    // 等保 rotation: an expired password is one that must be changed, like a one-time password
    mustChangePassword: row.must_change_password || passwordExpired(deps.config.passwordMaxAgeDays, new Date(row.password_changed_at), now),
    totpEnabled: row.totp_enabled,
    mfaEnrolmentPending: needsMfa(roles) && !row.totp_enabled,
    locale: row.locale,
    assignments,
    roles,
    ip,
  };
}

/** Has a password set at `changedAt` outlived the rotation period (0 = never expires)? */
export function passwordExpired(maxAgeDays: number, changedAt: Date, now: Date): boolean {
  return maxAgeDays > 0 && now.getTime() - changedAt.getTime() > maxAgeDays * 86400000;
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

/**
 * The 等保 profile's rules a new password must meet beyond core's PasswordPolicy (length ≥ 8, three
 * of four classes): the configured minimum length, not containing the login name or 学籍号, and not
 * one of the last N passwords (the current one included). Returns the field error, or null.
 */
export async function passwordProfileError(
  deps: Deps,
  account: { username: string; studentNo: string | null; passwordHash: string; passwordHistory: string[] },
  newPassword: string,
): Promise<string | null> {
  const { config } = deps;
  if (newPassword.length < config.passwordMinLength) return `密码至少 ${config.passwordMinLength} 位`;
  const lower = newPassword.toLowerCase();
  for (const name of [account.username, account.studentNo]) {
    if (name && name.length >= 3 && lower.includes(name.toLowerCase())) return '密码不能包含用户名或学籍号';
  }
  const previous = [account.passwordHash, ...account.passwordHistory].slice(0, Math.max(1, config.passwordHistory));
  for (const h of previous) {
    if (await verifyPassword(h, newPassword)) {
      return previous.length > 1 ? `新密码不能与最近 ${previous.length} 次使用过的密码相同` : '新密码不能与当前密码相同';
    }
  }
  return null;
}

/** The password history after the current hash is replaced: the current one first, the last N−1 kept. */
export function historyAfterChange(config: Deps['config']) {
  const keep = Math.max(0, config.passwordHistory - 1);
  return keep === 0 ? sql`'{}'::text[]` : sql`(array[${accounts.passwordHash}] || ${accounts.passwordHistory})[1:${sql.raw(String(keep))}]`;
}

/** Changing the password ends every session of the account but the current one. */
export async function changePassword(deps: Deps, caller: Caller, currentPassword: string, newPassword: string): Promise<void> {
  const account = (await deps.db.select().from(accounts).where(eq(accounts.id, caller.accountId)))[0];
  if (!account || !(await verifyPassword(account.passwordHash, currentPassword))) {
    throw badRequest('当前密码不正确', { currentPassword: '当前密码不正确' });
  }
  const refused = await passwordProfileError(deps, account, newPassword);
  if (refused) throw badRequest(refused, { newPassword: refused });
  const passwordHash = await hashPassword(newPassword);
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    await tx.update(accounts).set({ passwordHistory: historyAfterChange(deps.config), passwordHash, mustChangePassword: false, passwordChangedAt: now }).where(eq(accounts.id, caller.accountId));
    await tx.delete(sessions).where(and(eq(sessions.accountId, caller.accountId), sql`${sessions.id} <> ${caller.sessionId}`));
    await appendAudit(tx, { actorId: caller.accountId, actorName: caller.displayName, action: 'auth.password.change', objectType: 'account', objectId: caller.accountId, ip: caller.ip }, now);
  });
}

/**
 * 等保: accounts no longer needed are disabled (GB/T 22239-2019 8.1.4.2 c). Run daily: accounts of
 * students who are no longer active (graduated, left) that are still enabled, and, when
 * XINYU_STALE_ACCOUNT_DAYS is set, accounts with no sign-in (or, never used, no creation) for that
 * long. Their sessions end at once; each is audited.
 */
export async function disableStaleAccounts(deps: Deps, db: Deps['db'] = deps.db): Promise<number> {
  const now = deps.clock();
  const days = deps.config.staleAccountDays;
  const stale = days > 0 ? sql`coalesce(a2.last_login_at, a2.created_at) < ${new Date(now.getTime() - days * 86400000)}::timestamptz` : sql`false`;
  const done = await rows<{ id: string; reason: string; org_path: string | null }>(db, sql`
    update accounts a set disabled = true
    from (select a2.id, s.org_path, case when s.status in ('graduated', 'transferred_out') then 'student_' || s.status else 'unused' end as reason
          from accounts a2 left join students s on s.id = a2.student_id
          where not a2.disabled and (s.status in ('graduated', 'transferred_out') or ${stale})) x
    where a.id = x.id
    returning a.id, x.reason, x.org_path`);
  if (!done.length) return 0;
  await db.delete(sessions).where(sql`${sessions.accountId} = any(${sql.param(done.map((d) => d.id))}::uuid[])`);
  await appendAudit(db, done.map((d) => ({ actorId: null, actorName: '系统', action: 'account.disable', objectType: 'account', objectId: d.id, orgPath: d.org_path, detail: { reason: d.reason, job: 'stale-accounts' } })), now);
  return done.length;
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
