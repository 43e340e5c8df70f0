import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import { session, setupTestEnv, type TestEnv } from '../../test/fixture.js';
import { totpCode, totpStep } from './totp.js';

let env: TestEnv;
beforeAll(async () => {
  env = await setupTestEnv();
});
afterAll(async () => env?.close());

const login = (body: Record<string, unknown>) => env.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: body });

describe('sign-in', () => {
  it('accepts username, 学籍号 and sets an HttpOnly, SameSite=Lax session cookie', async () => {
    const res = await login({ login: 'counselor', password: 'Xinyu@demo1' });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'xinyu_sid')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    expect(res.json().permissions).toContain('student.sensitive.read');
    const no = (await rows<{ no: string }>(env.deps.db, sql`select student_no as no from accounts where username = 'student'`))[0]!.no;
    expect((await login({ login: no, password: 'Xinyu@demo1' })).statusCode).toBe(200);
  });

  it('answers a wrong password and an unknown login with the same 401', async () => {
    const a = await login({ login: 'head.teacher', password: 'wrong-password' });
    const b = await login({ login: 'nobody.here', password: 'wrong-password' });
    expect(a.statusCode).toBe(401);
    expect(b.statusCode).toBe(401);
    expect(a.json()).toEqual(b.json());
    expect(a.json().error.code).toBe('invalid_credentials');
  });

  it('validates the body field by field', async () => {
    const res = await login({ login: '', password: 'x', extra: 1 });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields).toHaveProperty('login');
  });

  it('locks a login name after 5 failures for 15 minutes, known or not, then lets it in again', async () => {
    for (const name of ['care.teacher', 'ghost.user']) {
      for (let i = 0; i < 5; i++) expect((await login({ login: name, password: 'bad' })).statusCode).toBe(401);
      const locked = await login({ login: name, password: 'Xinyu@demo1' });
      expect(locked.statusCode).toBe(401);
      expect(locked.json().error.code).toBe('locked');
    }
    env.clock.advance(16 * 60000);
    expect((await login({ login: 'care.teacher', password: 'Xinyu@demo1' })).statusCode).toBe(200);
  });

  it('asks bureau accounts for a TOTP code, refuses a wrong one and a replayed one', async () => {
    const first = await login({ login: 'district.admin', password: 'Xinyu@demo1' });
    expect(first.statusCode).toBe(401);
    expect(first.json().error.code).toBe('mfa_required');
    const secret = (await rows<{ s: string }>(env.deps.db, sql`select totp_secret as s from accounts where username = 'district.admin'`))[0]!.s;
    env.clock.advance(30000);
    const code = totpCode(secret, totpStep(env.clock.now()));
    const wrong = code === '000000' ? '111111' : '000000';
    expect((await login({ login: 'district.admin', password: 'Xinyu@demo1', totp: wrong })).json().error.code).toBe('invalid_totp');
    expect((await login({ login: 'district.admin', password: 'Xinyu@demo1', totp: code })).statusCode).toBe(200);
    const replay = await login({ login: 'district.admin', password: 'Xinyu@demo1', totp: code });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toBe('invalid_totp');
  });
});

describe('sessions', () => {
  it('requires the CSRF header for writes made with the cookie', async () => {
    const s = await env.login('school.leader');
    const res = await env.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: s.cookie } });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('csrf');
    expect((await s.get('/api/v1/auth/me')).statusCode).toBe(200);
  });

  it('dies on logout', async () => {
    const s = await env.login('school.leader');
    expect((await s.post('/api/v1/auth/logout')).statusCode).toBe(200);
    expect((await s.get('/api/v1/auth/me')).statusCode).toBe(401);
  });

  it('requests of one session that share a lookup each get the account’s roles once', async () => {
    const s = await env.login('counselor');
    const alone = (await s.get('/api/v1/auth/me')).json();
    // sent together, they are looked up in one batched statement (the session twice or more in it)
    const together = await Promise.all(Array.from({ length: 5 }, () => s.get('/api/v1/auth/me')));
    for (const res of together) expect(res.json()).toEqual(alone);
    expect(alone.roles.length).toBeGreaterThan(0);
  });

  it('dies after 30 idle minutes and after 12 hours whatever the activity', async () => {
    const s = await env.login('counselor');
    env.clock.advance(29 * 60000);
    expect((await s.get('/api/v1/auth/me')).statusCode).toBe(200);
    env.clock.advance(31 * 60000);
    expect((await s.get('/api/v1/auth/me')).statusCode).toBe(401);
    const t = await env.login('counselor');
    for (let i = 0; i < 26; i++) {
      env.clock.advance(29 * 60000);
      await t.get('/api/v1/auth/me');
    }
    expect((await t.get('/api/v1/auth/me')).statusCode).toBe(401);
  });

  it('rotates at login: the old cookie no longer works', async () => {
    const s = await env.login('head.teacher');
    const res = await env.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { cookie: s.cookie }, payload: { login: 'head.teacher', password: 'Xinyu@demo1' } });
    expect(res.statusCode).toBe(200);
    expect((await s.get('/api/v1/auth/me')).statusCode).toBe(401);
  });

  it('password change enforces the policy, keeps this session and ends the others', async () => {
    const id = await env.addAccount('pw.tester', [{ role: 'head_teacher', orgUnitId: env.ids.classA2 }]);
    const a = await env.login('pw.tester');
    const b = await env.login('pw.tester');
    const weak = await a.post('/api/v1/auth/password', { currentPassword: 'Xinyu@demo1', newPassword: 'short' });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error.fields).toHaveProperty('newPassword');
    const wrong = await a.post('/api/v1/auth/password', { currentPassword: 'nope', newPassword: 'Better#Pass2026' });
    expect(wrong.json().error.fields).toHaveProperty('currentPassword');
    expect((await a.post('/api/v1/auth/password', { currentPassword: 'Xinyu@demo1', newPassword: 'Better#Pass2026' })).statusCode).toBe(200);
    expect((await a.get('/api/v1/auth/me')).json().account.id).toBe(id);
    expect((await b.get('/api/v1/auth/me')).statusCode).toBe(401);
    expect((await login({ login: 'pw.tester', password: 'Better#Pass2026' })).statusCode).toBe(200);
  });

  it('an account that must change its password can do nothing else until it does', async () => {
    await env.addAccount('must.change', [{ role: 'counselor', orgUnitId: env.ids.schoolA }]);
    await env.deps.db.execute(sql`update accounts set must_change_password = true where username = 'must.change'`);
    const s = await env.login('must.change');
    const blocked = await s.get('/api/v1/students');
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().error.code).toBe('password_change_required');
    expect((await s.post('/api/v1/auth/password', { currentPassword: 'Xinyu@demo1', newPassword: 'Fresh#Start99' })).statusCode).toBe(200);
    expect((await s.get('/api/v1/students')).statusCode).toBe(200);
  });

  it('a bureau account without TOTP must enrol before anything else; enrolment needs a valid code', async () => {
    await env.addAccount('new.bureau', [{ role: 'bureau_staff', orgUnitId: env.ids.districtA }]);
    const s = await env.login('new.bureau');
    expect((await s.get('/api/v1/students')).json().error.code).toBe('mfa_enrolment_required');
    const start = (await s.post('/api/v1/auth/totp/start')).json<{ secret: string; uri: string }>();
    expect(start.uri).toMatch(/^otpauth:\/\/totp\//);
    expect((await s.post('/api/v1/auth/totp/confirm', { code: '123' })).statusCode).toBe(400);
    const code = totpCode(start.secret, totpStep(env.clock.now()));
    expect((await s.post('/api/v1/auth/totp/confirm', { code })).statusCode).toBe(200);
    expect((await s.get('/api/v1/students')).statusCode).toBe(200);
    expect((await login({ login: 'new.bureau', password: 'Xinyu@demo1' })).json().error.code).toBe('mfa_required');
  });

  it('a disabled account loses its sessions and cannot sign in', async () => {
    const id = await env.addAccount('to.disable', [{ role: 'head_teacher', orgUnitId: env.ids.classA2 }]);
    const victim = await env.login('to.disable');
    const leader = await env.login('school.leader');
    expect((await leader.post(`/api/v1/accounts/${id}/disable`)).statusCode).toBe(200);
    expect((await victim.get('/api/v1/auth/me')).statusCode).toBe(401);
    expect((await login({ login: 'to.disable', password: 'Xinyu@demo1' })).json().error.code).toBe('invalid_credentials');
  });

  it('a forged cookie is just "not signed in"', async () => {
    const s = session(env.app, 'xinyu_sid=forged-token', 'x', '');
    expect((await s.get('/api/v1/students')).statusCode).toBe(401);
  });
});
