import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestEnv, type Session, type TestEnv } from '../test/fixture.js';
import { buildApp } from '../app.js';

let env: TestEnv;
beforeAll(async () => {
  env = await setupTestEnv();
});
afterAll(async () => env?.close());

describe('routes', () => {
  it('every /api/v1 route declares its access, and the OpenAPI document lists each with schemas', async () => {
    const { app, routeAccess } = await buildApp(env.deps);
    await app.ready();
    const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{ paths: Record<string, Record<string, { responses?: object }>> }>();
    const documented = new Set<string>();
    for (const [p, methods] of Object.entries(doc.paths)) for (const m of Object.keys(methods)) documented.add(`${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`);
    expect(routeAccess.size).toBeGreaterThan(25);
    for (const key of routeAccess.keys()) expect(documented).toContain(key);
    await app.close();
  });

  it('only sign-in is public (by password, or by class code in a computer room)', async () => {
    const { app, routeAccess } = await buildApp(env.deps);
    expect([...routeAccess].filter(([, a]) => a === 'public').map(([k]) => k).sort()).toEqual(['POST /api/v1/auth/class-code', 'POST /api/v1/auth/login']);
    await app.close();
  });

  it('anonymous calls to every other route get 401 and no data', async () => {
    const { app, routeAccess } = await buildApp(env.deps);
    for (const [key, access] of routeAccess) {
      if (access === 'public') continue;
      const [method, url] = key.split(' ') as [string, string];
      const res = await app.inject({ method: method as 'GET', url: url.replace(':id', '1').replace(':assignmentId', '1') });
      expect(res.statusCode, key).toBe(401);
      expect(res.json().error.code).toBe('unauthenticated');
    }
    await app.close();
  });

  it('health, readiness and the error shape of unknown API paths', async () => {
    expect((await env.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await env.app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ready' });
    const missing = await env.app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: { code: 'not_found', message: '未找到' } });
  });

  it('every answer carries the security headers: a strict content policy, no framing, no sniffing', async () => {
    for (const url of ['/healthz', '/api/v1/me', '/api/v1/nothing-here']) {
      const res = await env.app.inject({ method: 'GET', url });
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    }
  });
});

// PostgreSQL stores no U+0000 in text or jsonb: app.ts refuses a NUL in any input with a 400 that
// names the field. The check only walks inputs whose text can hold one (a %00 in the address, a
// \u0000 escape in a JSON body, any other kind of body); these stories cover each way in.
let leader: Session;
let student: Session;
beforeAll(async () => {
  leader = await env.login('school.leader');
  student = await env.login('student');
});

const refusedAt = (res: { statusCode: number; json(): unknown }, field: string) => {
  expect(res.statusCode).toBe(400);
  const body = res.json() as { error: { code: string; fields: Record<string, string> } };
  expect(body.error.code).toBe('invalid_input');
  expect(body.error.fields[field]).toContain('空字符');
};

describe('a NUL character in the input', () => {
  it('in a JSON string value, or in a key, is refused with the field named', async () => {
    const login = await env.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"login":"school.leader\\u0000","password":"x"}' });
    refusedAt(login, 'login');
    const nested = await student.post('/api/v1/my/screenings/00000000-0000-4000-8000-000000000000/ces-dc/submit', { clientId: '00000000-0000-4000-8000-000000000001', startedAt: '2026-11-25T01:00:00Z', answers: { cesdc_1: 'a\u0000' } });
    refusedAt(nested, 'answers.cesdc_1');
    const key = await env.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"login":"a","password":"x","\\u0000":1}' });
    expect(key.statusCode).toBe(400);
    expect(key.json().error.fields).toEqual({ _: expect.stringContaining('空字符') });
  });

  it('a backslash followed by u0000 is text, not a NUL: it goes on to the sign-in (wrong password, 401)', async () => {
    const res = await env.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"login":"a\\\\u0000b","password":"x"}' });
    expect(res.statusCode).toBe(401);
  });

  it('in the query string or in a path parameter (%00) is refused with the field named', async () => {
    refusedAt(await leader.get('/api/v1/students?q=a%00b'), 'q');
    refusedAt(await student.get('/api/v1/my/screenings/00000000-0000-4000-8000-000000000000/ces%00dc'), 'key');
  });

  it('reaches the check only after the access check: without a session the answer is 401', async () => {
    const res = await env.app.inject({ method: 'GET', url: '/api/v1/students?q=a%00b' });
    expect(res.statusCode).toBe(401);
  });

  it('a plain-text body with a raw NUL is refused too', async () => {
    const res = await env.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'text/plain' }, payload: 'a\u0000b' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields).toEqual({ _: expect.stringContaining('空字符') });
  });
});
