import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestEnv, type Session, type TestEnv } from '../test/fixture.js';

// PostgreSQL stores no U+0000 in text or jsonb: app.ts refuses a NUL in any input with a 400 that
// names the field. The check only walks inputs whose text can hold one (a %00 in the address, a
// \u0000 escape in a JSON body, any other kind of body); these stories cover each way in.
let env: TestEnv;
let leader: Session;
let student: Session;
beforeAll(async () => {
  env = await setupTestEnv();
  leader = await env.login('school.leader');
  student = await env.login('student');
});
afterAll(async () => env?.close());

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
