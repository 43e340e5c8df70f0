// Sign-in attacks and the 等保 profile, as scenarios on a running app: the fast vitest subset
// (signin-attacks.test.ts, both engines) and `npm run assure -- --only signin,compliance` (real
// PostgreSQL, larger sizes) run the same code. Each scenario returns what it measured; the callers
// hold it to its target. No vitest here: the assure runner imports it too.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql } from 'drizzle-orm';
import { rows } from '../db/client.js';
import type { Deps } from '../http/context.js';
import { disableStaleAccounts } from '../modules/auth/service.js';
import { totpCode, totpStep } from '../modules/auth/totp.js';

export interface SigninTarget {
  app: FastifyInstance;
  deps: Deps;
  /** moves the app's clock */
  advance(ms: number): void;
}

export interface Attempt {
  login: string;
  password: string;
  totp?: string;
  ip?: string;
}

export interface Answer {
  status: number;
  code: string | undefined;
  cookie: string | undefined;
  csrf: string | undefined;
  ms: number;
}

export async function attempt(t: SigninTarget, a: Attempt): Promise<Answer> {
  const t0 = performance.now();
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    remoteAddress: a.ip ?? '127.0.0.1',
    payload: { login: a.login, password: a.password, ...(a.totp ? { totp: a.totp } : {}) },
  });
  const ms = performance.now() - t0;
  const body = res.json<{ error?: { code: string }; csrfToken?: string }>();
  const cookie = res.cookies.find((c) => c.name === 'xinyu_sid');
  return { status: res.statusCode, code: body.error?.code, cookie: cookie ? `xinyu_sid=${cookie.value}` : undefined, csrf: body.csrfToken, ms };
}

/** A made-up but well-formed address per number (10.x.y.z), so each attempt can come from elsewhere. */
export const addressOf = (n: number) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;

let addressCounter = 1;
const freshAddress = () => addressOf(addressCounter++ + (process.pid % 200) * 65536);

export interface BruteForceResult {
  attempts: number;
  /** wrong passwords actually checked (401 invalid_credentials) before the name locked */
  passwordChecks: number;
  lockedAnswers: number;
  /** the right password, sent while locked: signed in (must be 0) */
  acceptedDuringLock: number;
  /** the right password once the lock has run out */
  acceptedAfterLock: boolean;
}

/**
 * Guesses one account's password: `attempts` wrong passwords in bursts of `concurrency` (each from a
 * new address, as a botnet would, so only the per-name lock stands in the way), then the right
 * password `lockProbes` times while locked, then once after the lock has run out.
 */
export async function bruteForce(t: SigninTarget, o: { login: string; password: string; attempts: number; concurrency: number; lockProbes: number }): Promise<BruteForceResult> {
  const answers: Answer[] = [];
  for (let i = 0; i < o.attempts; i += o.concurrency) {
    const burst = Array.from({ length: Math.min(o.concurrency, o.attempts - i) }, (_, j) => attempt(t, { login: o.login, password: `Wrong#${i + j}pw`, ip: freshAddress() }));
    answers.push(...(await Promise.all(burst)));
  }
  let acceptedDuringLock = 0;
  for (let i = 0; i < o.lockProbes; i++) {
    t.advance(Math.floor((t.deps.config.lockoutMinutes * 60000 * 0.9) / o.lockProbes));
    if ((await attempt(t, { login: o.login, password: o.password, ip: freshAddress() })).status === 200) acceptedDuringLock++;
  }
  t.advance(t.deps.config.lockoutMinutes * 60000);
  const after = await attempt(t, { login: o.login, password: o.password, ip: freshAddress() });
  return {
    attempts: o.attempts,
    passwordChecks: answers.filter((a) => a.code === 'invalid_credentials').length,
    lockedAnswers: answers.filter((a) => a.code === 'locked').length,
    acceptedDuringLock,
    acceptedAfterLock: after.status === 200,
  };
}

export interface StuffingResult {
  attempts: number;
  /** attempts whose password was checked (not refused by a throttle) */
  checked: number;
  throttled: number;
  /** valid pairs in the list that signed in after the throttle had started refusing (must be 0) */
  acceptedAfterThrottle: number;
  /** valid pairs placed after the throttle's limit */
  validAfterThrottle: number;
  /** an address that had signed someone in before still signs in during a global block (many-address run only) */
  knownSourceStillSignsIn?: boolean;
}

/**
 * Credential stuffing: many login names × few passwords (a leaked list), a few real pairs hidden
 * at the end of the list, from one address (`ips` = 1) or from a new address per attempt.
 */
export async function stuffing(t: SigninTarget, o: { names: string[]; passwords: string[]; valid: { login: string; password: string }[]; manyAddresses: boolean; concurrency: number; knownSource?: { login: string; password: string } }): Promise<StuffingResult> {
  const list: Attempt[] = [];
  for (const name of o.names) for (const password of o.passwords) list.push({ login: name, password });
  const source = freshAddress();
  let known: string | undefined;
  if (o.knownSource) {
    known = freshAddress();
    const a = await attempt(t, { ...o.knownSource, ip: known });
    if (a.status !== 200) throw new Error(`the known source could not sign in first (${a.status} ${a.code})`);
  }
  const validSet = new Set(o.valid.map((v) => `${v.login}\n${v.password}`));
  list.push(...o.valid);
  const answers: { a: Attempt; r: Answer }[] = [];
  for (let i = 0; i < list.length; i += o.concurrency) {
    const chunk = list.slice(i, i + o.concurrency).map((a) => ({ ...a, ip: o.manyAddresses ? freshAddress() : source }));
    const res = await Promise.all(chunk.map((a) => attempt(t, a)));
    res.forEach((r, j) => answers.push({ a: chunk[j]!, r }));
  }
  const firstThrottle = answers.findIndex((x) => x.r.code === 'throttled');
  const after = firstThrottle < 0 ? [] : answers.slice(firstThrottle);
  const out: StuffingResult = {
    attempts: answers.length,
    checked: answers.filter((x) => x.r.code !== 'throttled').length,
    throttled: answers.filter((x) => x.r.code === 'throttled').length,
    acceptedAfterThrottle: after.filter((x) => x.r.status === 200).length,
    validAfterThrottle: after.filter((x) => validSet.has(`${x.a.login}\n${x.a.password}`)).length,
  };
  if (known && o.knownSource) out.knownSourceStillSignsIn = (await attempt(t, { ...o.knownSource, ip: known })).status === 200;
  return out;
}

/** Clears every sign-in counter, so scenarios do not see each other's failures. */
export async function resetThrottles(t: SigninTarget): Promise<void> {
  await t.deps.db.execute(sql`delete from login_throttle`);
  await t.deps.db.execute(sql`delete from login_sources`);
}

export interface TotpResult {
  /** concurrent sign-ins with one code, of which exactly one may pass */
  parallel: number;
  acceptedInParallel: number;
  /** the same code again, afterwards (must be 0) */
  replayAccepted: number;
  /** a code of an earlier step than the one used (must be 0) */
  olderStepAccepted: number;
}

export async function totpReplay(t: SigninTarget, o: { login: string; password: string; parallel: number }): Promise<TotpResult> {
  const secret = (await rows<{ s: string | null }>(t.deps.db, sql`select totp_secret as s from accounts where lower(username) = ${o.login.toLowerCase()}`))[0]?.s;
  if (!secret) throw new Error(`${o.login} has no TOTP secret`);
  t.advance(90_000); // a step no earlier sign-in has used
  const step = totpStep(t.deps.clock());
  const code = totpCode(secret, step);
  const par = await Promise.all(Array.from({ length: o.parallel }, () => attempt(t, { login: o.login, password: o.password, totp: code, ip: freshAddress() })));
  const replay = await attempt(t, { login: o.login, password: o.password, totp: code, ip: freshAddress() });
  const older = await attempt(t, { login: o.login, password: o.password, totp: totpCode(secret, step - 1), ip: freshAddress() });
  return { parallel: o.parallel, acceptedInParallel: par.filter((a) => a.status === 200).length, replayAccepted: replay.status === 200 ? 1 : 0, olderStepAccepted: older.status === 200 ? 1 : 0 };
}

export interface LiveSession {
  cookie: string;
  csrf: string;
}

export async function signIn(t: SigninTarget, login: string, password: string): Promise<LiveSession> {
  const secret = (await rows<{ s: string | null }>(t.deps.db, sql`select totp_secret as s from accounts where lower(username) = ${login.toLowerCase()}`))[0]?.s;
  if (secret) t.advance(30_000);
  const a = await attempt(t, { login, password, ...(secret ? { totp: totpCode(secret, totpStep(t.deps.clock())) } : {}), ip: freshAddress() });
  if (a.status !== 200 || !a.cookie || !a.csrf) throw new Error(`sign-in of ${login} failed: ${a.status} ${a.code ?? ''}`);
  return { cookie: a.cookie, csrf: a.csrf };
}

export function call(t: SigninTarget, s: LiveSession, method: 'GET' | 'POST' | 'DELETE', url: string, body?: object): Promise<LightMyRequestResponse> {
  return t.app.inject({ method, url, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, ...(body ? { payload: body } : method === 'POST' ? { payload: {} } : {}) });
}

const alive = async (t: SigninTarget, s: LiveSession) => (await call(t, s, 'GET', '/api/v1/auth/me')).statusCode === 200;

/** A fresh account with one role (a student's account is bound to its student). */
export async function makeAccount(t: SigninTarget, o: { username: string; passwordHash: string; role: string; orgUnitId: number | null; studentId?: string | null; regionId: number }): Promise<string> {
  const [a] = await rows<{ id: string }>(t.deps.db, sql`insert into accounts (region_id, username, display_name, password_hash, password_changed_at, student_id, created_at)
    values (${o.regionId}, ${o.username}, ${o.username}, ${o.passwordHash}, ${t.deps.clock()}::timestamptz, ${o.studentId ?? null}, ${t.deps.clock()}::timestamptz) returning id`);
  await t.deps.db.execute(sql`insert into role_assignments (region_id, account_id, role, org_unit_id, student_id) values (${o.regionId}, ${a!.id}, ${o.role}, ${o.orgUnitId}, ${o.studentId ?? null})`);
  return a!.id;
}

export interface SessionDeathResult {
  /** each event with the sessions that should have died and those still alive afterwards */
  events: { event: string; shouldDie: number; stillAlive: number; keptAlive?: boolean }[];
}

/**
 * Sessions die: at sign-out (that one), at a password change (all others of the account), when
 * the account is disabled (all), when the student graduates (all), and a revoked role stops
 * working at the next request (the session lives on without it).
 */
export async function sessionDeaths(t: SigninTarget, o: { admin: { login: string; password: string }; schoolId: number; classId: number; regionId: number; passwordHash: string; password: string; perEvent: number; studentId: string }): Promise<SessionDeathResult> {
  const admin = await signIn(t, o.admin.login, o.admin.password);
  const tag = randomBytes(3).toString('hex');
  const events: SessionDeathResult['events'] = [];
  const many = async (login: string, n = o.perEvent) => {
    const out: LiveSession[] = [];
    for (let i = 0; i < n; i++) out.push(await signIn(t, login, o.password));
    return out;
  };
  const count = async (list: LiveSession[]) => (await Promise.all(list.map((s) => alive(t, s)))).filter(Boolean).length;

  // logout
  const u1 = `sd.logout.${tag}`;
  await makeAccount(t, { username: u1, passwordHash: o.passwordHash, role: 'head_teacher', orgUnitId: o.classId, regionId: o.regionId });
  const s1 = await many(u1);
  for (const s of s1) await call(t, s, 'POST', '/api/v1/auth/logout');
  events.push({ event: 'logout', shouldDie: s1.length, stillAlive: await count(s1) });

  // password change: every other session dies, the one that changed it lives
  const u2 = `sd.pw.${tag}`;
  await makeAccount(t, { username: u2, passwordHash: o.passwordHash, role: 'head_teacher', orgUnitId: o.classId, regionId: o.regionId });
  const [keeper, ...others] = await many(u2, o.perEvent + 1);
  const changed = await call(t, keeper!, 'POST', '/api/v1/auth/password', { currentPassword: o.password, newPassword: `Fresh#${tag}Pw9` });
  if (changed.statusCode !== 200) throw new Error(`password change refused: ${changed.body}`);
  events.push({ event: 'password change (other sessions)', shouldDie: others.length, stillAlive: await count(others), keptAlive: await alive(t, keeper!) });

  // disable by an administrator
  const u3 = `sd.disable.${tag}`;
  const id3 = await makeAccount(t, { username: u3, passwordHash: o.passwordHash, role: 'head_teacher', orgUnitId: o.classId, regionId: o.regionId });
  const s3 = await many(u3);
  const dis = await call(t, admin, 'POST', `/api/v1/accounts/${id3}/disable`);
  if (dis.statusCode !== 200) throw new Error(`disable refused: ${dis.body}`);
  events.push({ event: 'account disabled', shouldDie: s3.length, stillAlive: await count(s3) });
  const signInAfter = await attempt(t, { login: u3, password: o.password, ip: freshAddress() });
  events.push({ event: 'sign-in of the disabled account', shouldDie: 1, stillAlive: signInAfter.status === 200 ? 1 : 0 });

  // role revoked: the session stays, the role's permission is gone at the next request
  const u4 = `sd.revoke.${tag}`;
  const id4 = await makeAccount(t, { username: u4, passwordHash: o.passwordHash, role: 'counselor', orgUnitId: o.schoolId, regionId: o.regionId });
  const s4 = await many(u4);
  const before = (await Promise.all(s4.map((s) => call(t, s, 'GET', '/api/v1/students?pageSize=1')))).filter((r) => r.statusCode === 200).length;
  const ra = (await rows<{ id: string }>(t.deps.db, sql`select id from role_assignments where account_id = ${id4}`))[0]!.id;
  const rev = await call(t, admin, 'DELETE', `/api/v1/accounts/${id4}/roles/${ra}`);
  if (rev.statusCode !== 200) throw new Error(`revoke refused: ${rev.body}`);
  const afterRevoke = (await Promise.all(s4.map((s) => call(t, s, 'GET', '/api/v1/students?pageSize=1')))).filter((r) => r.statusCode === 200).length;
  if (before !== s4.length) throw new Error(`the counselor could not read students before the revoke (${before}/${s4.length})`);
  events.push({ event: 'role revoked (its permission, next request)', shouldDie: s4.length, stillAlive: afterRevoke });

  // graduation disables the student's account and ends its sessions at once
  const u5 = `sd.student.${tag}`;
  await makeAccount(t, { username: u5, passwordHash: o.passwordHash, role: 'student', orgUnitId: null, studentId: o.studentId, regionId: o.regionId });
  const s5 = await many(u5);
  const grad = await call(t, admin, 'POST', '/api/v1/students/graduate', { studentIds: [o.studentId] });
  if (grad.statusCode !== 200) throw new Error(`graduation refused: ${grad.body}`);
  events.push({ event: 'student graduated', shouldDie: s5.length, stillAlive: await count(s5) });
  return { events };
}

export interface TimeoutResult {
  checks: { name: string; ok: boolean }[];
}

/** Idle and absolute timeouts, on the app's clock. */
export async function timeouts(t: SigninTarget, o: { login: string; password: string }): Promise<TimeoutResult> {
  const { sessionIdleMinutes: idle, sessionAbsoluteHours: abs } = t.deps.config;
  const checks: TimeoutResult['checks'] = [];
  const a = await signIn(t, o.login, o.password);
  t.advance((idle - 1) * 60000);
  checks.push({ name: `alive after ${idle - 1} idle minutes`, ok: await alive(t, a) });
  t.advance((idle - 1) * 60000);
  checks.push({ name: `alive ${idle - 1} minutes after the last request`, ok: await alive(t, a) });
  t.advance((idle + 1) * 60000);
  checks.push({ name: `dead after ${idle + 1} idle minutes`, ok: !(await alive(t, a)) });
  checks.push({ name: 'still dead on the next request', ok: !(await alive(t, a)) });
  const b = await signIn(t, o.login, o.password);
  let aliveUntilEnd = true;
  const stepMs = (idle - 1) * 60000;
  let elapsed = 0;
  while (elapsed + stepMs < abs * 3600000) {
    t.advance(stepMs);
    elapsed += stepMs;
    aliveUntilEnd &&= await alive(t, b);
  }
  checks.push({ name: `active session alive until ${abs} h`, ok: aliveUntilEnd });
  t.advance(stepMs);
  checks.push({ name: `active session dead after ${abs} h`, ok: !(await alive(t, b)) });
  return { checks };
}

// --- timing: does the answer time tell a real login from a made-up one? --------------------

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Two-sample Kolmogorov–Smirnov statistic D (largest gap between the empirical distributions). */
export function ksStatistic(a: number[], b: number[]): number {
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i]!, y[j]!);
    while (i < x.length && x[i]! <= v) i++;
    while (j < y.length && y[j]! <= v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return d;
}

/** The KS critical value at significance α (two-sided, large samples): c(α)·√((n+m)/(n·m)). */
export function ksCritical(n: number, m: number, alpha = 0.01): number {
  return Math.sqrt(-Math.log(alpha / 2) / 2) * Math.sqrt((n + m) / (n * m));
}

/** Mann–Whitney U as a z score (normal approximation with tie correction). */
export function mannWhitneyZ(a: number[], b: number[]): number {
  const all = [...a.map((v) => ({ v, g: 0 })), ...b.map((v) => ({ v, g: 1 }))].sort((p, q) => p.v - q.v);
  const ranks = new Array<number>(all.length);
  let tie = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j + 1 < all.length && all[j + 1]!.v === all[i]!.v) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[k] = r;
    const tcount = j - i + 1;
    tie += tcount ** 3 - tcount;
    i = j + 1;
  }
  const n1 = a.length;
  const n2 = b.length;
  const r1 = all.reduce((s, x, k) => s + (x.g === 0 ? ranks[k]! : 0), 0);
  const u = r1 - (n1 * (n1 + 1)) / 2;
  const n = n1 + n2;
  const sd = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tie / (n * (n - 1))));
  return sd === 0 ? 0 : (u - (n1 * n2) / 2) / sd;
}

export interface TimingResult {
  samples: number;
  realMedianMs: number;
  madeUpMedianMs: number;
  ks: number;
  ksCritical: number;
  mannWhitneyZ: number;
}

/**
 * Wrong passwords for real and made-up logins, interleaved in random order (so drift in the
 * machine's load falls on both), each from a new address; `perLogin` ≤ lockout − 1 tries per name.
 */
export async function loginTiming(t: SigninTarget, o: { real: string[]; madeUp: string[]; perLogin: number }): Promise<TimingResult> {
  const plan: { real: boolean; login: string }[] = [];
  for (let r = 0; r < o.perLogin; r++) {
    for (const l of o.real) plan.push({ real: true, login: l });
    for (const l of o.madeUp) plan.push({ real: false, login: l });
  }
  for (let i = plan.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [plan[i], plan[j]] = [plan[j]!, plan[i]!];
  }
  // warm-up: the first argon2 call and the first statements are slower
  for (let i = 0; i < 5; i++) await attempt(t, { login: `warmup.${i}`, password: 'Wrong#pw1', ip: freshAddress() });
  const real: number[] = [];
  const fake: number[] = [];
  for (const p of plan) {
    const a = await attempt(t, { login: p.login, password: `Wrong#${Math.random().toString(36).slice(2, 8)}`, ip: freshAddress() });
    if (a.code !== 'invalid_credentials') throw new Error(`timing probe of ${p.login} answered ${a.status} ${a.code ?? ''}`);
    (p.real ? real : fake).push(a.ms);
  }
  return { samples: real.length + fake.length, realMedianMs: median(real), madeUpMedianMs: median(fake), ks: ksStatistic(real, fake), ksCritical: ksCritical(real.length, fake.length), mannWhitneyZ: mannWhitneyZ(real, fake) };
}

// --- the 等保 compliance profile ------------------------------------------------------------

export interface ProfileResult {
  /** each rule of the profile, tried through the routes */
  rules: { rule: string; ok: boolean; detail: string }[];
  /** 三员: pairs of administrator roles one account ended up holding (must be 0), of `conflictTries` tries */
  conflicts: number;
  conflictTries: number;
}

async function adminAccount(t: SigninTarget, o: { username: string; role: string; orgUnitId: number; regionId: number; passwordHash: string }): Promise<string> {
  const id = await makeAccount(t, { ...o });
  // the three administrators need a second factor: enrolled, as they would be
  const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
  await t.deps.db.execute(sql`update accounts set totp_secret = ${secret} where id = ${id}`);
  return id;
}

/**
 * The profile's rules through the routes: password complexity, history and rotation, lockout and
 * idle values in force, 三员分立 (grants through the API and rows written straight into the
 * database, each pair of the three roles), what each administrator can and cannot reach, and the
 * sweep that disables accounts of students who left and accounts unused for too long.
 */
export async function complianceProfile(t: SigninTarget, o: { cityId: number; classId: number; regionId: number; passwordHash: string; password: string; graduatedStudentId: string }): Promise<ProfileResult> {
  const rules: ProfileResult['rules'] = [];
  const cfg = t.deps.config;
  const tag = randomBytes(3).toString('hex');
  const rule = (r: string, ok: boolean, detail: string) => rules.push({ rule: r, ok, detail });

  // passwords
  const user = `pf.user${tag}`;
  await makeAccount(t, { username: user, passwordHash: o.passwordHash, role: 'head_teacher', orgUnitId: o.classId, regionId: o.regionId });
  const s = await signIn(t, user, o.password);
  let current = o.password;
  const change = async (next: string) => {
    const r = await call(t, s, 'POST', '/api/v1/auth/password', { currentPassword: current, newPassword: next });
    if (r.statusCode === 200) current = next;
    return r.statusCode;
  };
  const weak = { 'too short (7)': 'Ab1#xyz', 'one class only': 'abcdefghijk', 'two classes': 'abcdefgh12', 'contains the login name': `X#1${user}` };
  const refused = [];
  for (const [what, pw] of Object.entries(weak)) if ((await change(pw)) !== 400) refused.push(what);
  rule(`complexity: length ≥ ${cfg.passwordMinLength}, 3 of 4 classes, not the login name`, refused.length === 0, refused.length ? `accepted: ${refused.join(', ')}` : `${Object.keys(weak).length} weak passwords refused`);
  const history: string[] = [current];
  for (let i = 0; i < Math.max(1, cfg.passwordHistory); i++) {
    const next = `Hist#${tag}${i}Pw`;
    if ((await change(next)) !== 200) throw new Error(`a good password was refused: ${next}`);
    history.push(next);
  }
  const lastN = history.slice(-Math.max(1, cfg.passwordHistory));
  let reused = 0;
  for (const old of lastN) if ((await change(old)) === 200) reused++;
  const oldest = history.length > lastN.length ? history[history.length - lastN.length - 1]! : null;
  const oldestOk = oldest ? (await change(oldest)) === 200 : true;
  rule(`history: none of the last ${cfg.passwordHistory} passwords again`, reused === 0 && oldestOk, `${lastN.length} reuses refused${oldest ? `, the ${lastN.length + 1}th-last accepted: ${oldestOk}` : ''}`);

  if (cfg.passwordMaxAgeDays > 0) {
    t.advance((cfg.passwordMaxAgeDays + 1) * 86400000);
    const again = await signIn(t, user, current);
    const me = (await call(t, again, 'GET', '/api/v1/auth/me')).json<{ account: { mustChangePassword: boolean } }>();
    const blocked = await call(t, again, 'GET', '/api/v1/students?pageSize=1');
    const changed = await call(t, again, 'POST', '/api/v1/auth/password', { currentPassword: current, newPassword: `Rot#${tag}Pw7` });
    if (changed.statusCode === 200) current = `Rot#${tag}Pw7`;
    const after = await call(t, again, 'GET', '/api/v1/students?pageSize=1');
    rule(`rotation: a password older than ${cfg.passwordMaxAgeDays} days must be changed at sign-in`,
      me.account.mustChangePassword && blocked.statusCode === 403 && changed.statusCode === 200 && after.statusCode === 200,
      `must change: ${me.account.mustChangePassword}, other routes ${blocked.statusCode} until changed, then ${after.statusCode}`);
  } else {
    rule('rotation', false, 'XINYU_PASSWORD_MAX_AGE_DAYS is 0: no rotation');
  }
  rule(`lockout: ${cfg.lockoutFailures} failures lock a login for ${cfg.lockoutMinutes} minutes`, cfg.lockoutFailures <= 5 && cfg.lockoutMinutes >= 15, `XINYU_LOCKOUT_FAILURES=${cfg.lockoutFailures}, XINYU_LOCKOUT_MINUTES=${cfg.lockoutMinutes} (proven by the sign-in check)`);
  rule(`idle logout after ${cfg.sessionIdleMinutes} minutes`, cfg.sessionIdleMinutes <= 30 && cfg.sessionIdleMinutes > 0, `XINYU_SESSION_IDLE_MINUTES=${cfg.sessionIdleMinutes} (proven by the sign-in check)`);

  // 三员分立
  const three = ['system_admin', 'security_admin', 'audit_admin'] as const;
  const ids: Record<string, string> = {};
  for (const r of three) ids[r] = await adminAccount(t, { username: `pf.${r}.${tag}`, role: r, orgUnitId: o.cityId, regionId: o.regionId, passwordHash: o.passwordHash });
  const sess: Record<string, LiveSession> = {};
  for (const r of three) sess[r] = await signIn(t, `pf.${r}.${tag}`, o.password);
  let tries = 0;
  // through the API: the security admin grants each other administrator role to each administrator
  for (const holder of three) {
    for (const extra of three) {
      if (holder === extra || holder === 'security_admin') continue;
      tries++;
      const r = await call(t, sess.security_admin!, 'POST', `/api/v1/accounts/${ids[holder]}/roles`, { role: extra, orgUnitId: o.cityId });
      if (r.statusCode === 200) rule(`三员 grant of ${extra} to a ${holder}`, false, 'granted');
    }
  }
  // straight into the database (an import, a seed, SQL by hand): the trigger refuses
  for (const holder of three) {
    for (const extra of three) {
      if (holder === extra) continue;
      tries++;
      try {
        await t.deps.db.execute(sql`insert into role_assignments (region_id, account_id, role, org_unit_id) values (${o.regionId}, ${ids[holder]}, ${extra}, ${o.cityId})`);
      } catch {
        // refused, as it must be
      }
    }
  }
  // and two grants racing each other onto one fresh account
  const racer = await makeAccount(t, { username: `pf.racer.${tag}`, passwordHash: o.passwordHash, role: 'head_teacher', orgUnitId: o.classId, regionId: o.regionId });
  tries++;
  await Promise.allSettled(['system_admin', 'audit_admin'].map((r) => t.deps.db.execute(sql`insert into role_assignments (region_id, account_id, role, org_unit_id) values (${o.regionId}, ${racer}, ${r}, ${o.cityId})`)));
  const conflicts = (await rows<{ n: number }>(t.deps.db, sql`select count(*)::int as n from (select account_id from role_assignments
    where role in ('system_admin', 'security_admin', 'audit_admin') group by account_id having count(distinct role) > 1) x`))[0]!.n;

  const status = async (r: string, method: 'GET' | 'POST', url: string, body?: object) => (await call(t, sess[r]!, method, url, body)).statusCode;
  const reach = {
    sysAudit: await status('system_admin', 'GET', '/api/v1/audit?pageSize=1'),
    sysGrant: await status('system_admin', 'POST', `/api/v1/accounts/${racer}/roles`, { role: 'counselor', orgUnitId: o.classId }),
    secAccounts: await status('security_admin', 'POST', `/api/v1/accounts/${racer}/reset-password`),
    secAudit: await status('security_admin', 'GET', '/api/v1/audit?pageSize=1'),
    audAudit: await status('audit_admin', 'GET', '/api/v1/audit?pageSize=1'),
    audStudents: await status('audit_admin', 'GET', '/api/v1/students?pageSize=1'),
    audAccounts: await status('audit_admin', 'GET', '/api/v1/accounts?pageSize=1'),
  };
  rule('三员: the system admin cannot read the audit log nor grant roles', reach.sysAudit === 403 && reach.sysGrant === 403, `audit ${reach.sysAudit}, grant ${reach.sysGrant}`);
  rule('三员: the security admin manages no account and reads no audit log', reach.secAccounts === 403 && reach.secAudit === 403, `reset password ${reach.secAccounts}, audit ${reach.secAudit}`);
  rule('三员: the audit admin reads the audit log and nothing else', reach.audAudit === 200 && reach.audStudents === 403 && reach.audAccounts === 403, `audit ${reach.audAudit}, students ${reach.audStudents}, accounts ${reach.audAccounts}`);

  // graduated students' accounts and unused accounts: the sweep
  // a student who left while the account stayed enabled (an import, a status changed by hand)
  const gradLogin = `pf.student.${tag}`;
  await makeAccount(t, { username: gradLogin, passwordHash: o.passwordHash, role: 'student', orgUnitId: null, studentId: o.graduatedStudentId, regionId: o.regionId });
  const gradSession: LiveSession | null = await signIn(t, gradLogin, o.password);
  await t.deps.db.execute(sql`update students set status = 'graduated' where id = ${o.graduatedStudentId}`);
  const unused = `pf.unused.${tag}`;
  const unusedId = await makeAccount(t, { username: unused, passwordHash: o.passwordHash, role: 'head_teacher', orgUnitId: o.classId, regionId: o.regionId });
  const saved = cfg.staleAccountDays;
  cfg.staleAccountDays = 180;
  t.advance(181 * 86400000);
  // the graduated student's session is kept alive across the jump (it would die of idleness otherwise)
  if (gradSession) await t.deps.db.execute(sql`update sessions set last_seen_at = ${t.deps.clock()}::timestamptz, expires_at = ${new Date(t.deps.clock().getTime() + 3600000)}::timestamptz where account_id in (select id from accounts where student_id = ${o.graduatedStudentId})`);
  const active = await signIn(t, user, current).catch(() => null);
  const swept = await disableStaleAccounts(t.deps);
  cfg.staleAccountDays = saved;
  const gradDisabled = (await rows<{ d: boolean }>(t.deps.db, sql`select bool_and(disabled) as d from accounts where student_id = ${o.graduatedStudentId}`))[0]!.d;
  const unusedDisabled = (await rows<{ d: boolean }>(t.deps.db, sql`select disabled as d from accounts where id = ${unusedId}`))[0]!.d;
  rule('graduated students: account disabled and its sessions ended by the sweep', gradDisabled && (!gradSession || !(await alive(t, gradSession))), `disabled ${gradDisabled}, session alive ${gradSession ? await alive(t, gradSession) : 'n/a'}`);
  rule('unused accounts (XINYU_STALE_ACCOUNT_DAYS=180 here) disabled, a used one kept', unusedDisabled && (active ? await alive(t, active) : false), `${swept} disabled by the sweep; unused ${unusedDisabled}`);
  return { rules, conflicts, conflictTries: tries };
}
