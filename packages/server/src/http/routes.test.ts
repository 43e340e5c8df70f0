import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestEnv, type TestEnv } from '../test/fixture.js';
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
